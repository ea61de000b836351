// Package asftest makes third-party ASF files for tests, like
// net/http/httptest serves HTTP: the recipes of the peers'
// make_fixtures.sh (FFmpeg's asf muxer and GStreamer's asfmux, both
// byte-stable), run once per test binary into a temporary directory, and
// ffprobe's list of a file's media objects to compare a demux with.
//
// Every package that tests against these files (the demuxer, the codec
// binding, the MMSH client and its interop tests) takes the recipes from
// here, so a file of a given name is the same file everywhere. It needs
// ffmpeg, ffprobe and, for the asfmux recipes, gst-launch-1.0 with the
// libav plugins; the test setup installs them.
package asftest

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sine is the lavfi tone make_fixtures.sh uses ($SINE).
const Sine = "sine=frequency=440:sample_rate=44100"

// out stands for the output path in a GStreamer recipe.
const out = "OUT"

// Recipe is a command that writes one file.
type Recipe struct {
	// Tool is "ffmpeg" or "gst-launch-1.0".
	Tool string
	// Args are the tool's arguments: for FFmpeg without the output path
	// (appended), for GStreamer with "location=OUT" where the path goes.
	Args []string
}

// FFmpeg is a recipe run as `ffmpeg -y ARGS PATH`.
func FFmpeg(args ...string) Recipe { return Recipe{Tool: "ffmpeg", Args: args} }

// GStreamer is a recipe run as `gst-launch-1.0 -q ARGS` with
// "location=OUT" replaced by the output path.
func GStreamer(args ...string) Recipe { return Recipe{Tool: "gst-launch-1.0", Args: args} }

// gstWMA is the audio branch of make_fixtures.sh's asfmux files.
func gstWMA(buffers int) []string {
	return []string{"audiotestsrc", "num-buffers=" + strconv.Itoa(buffers), "samplesperbuffer=1024", "!",
		"audio/x-raw,rate=44100,channels=2", "!", "audioconvert", "!", "avenc_wmav2", "bitrate=64000"}
}

// Peers are the ASF recipes of shared/peers/make_fixtures.sh, by the
// file names that script gives them.
var Peers = map[string]Recipe{
	// FFmpeg's asf muxer: 3200-byte padded packets with error-correction
	// data, preroll 3100 ms, a Simple Index only with video.
	"a_pcm.asf":   FFmpeg("-f", "lavfi", "-i", Sine+":duration=6", "-ac", "2", "-c:a", "pcm_s16le"),
	"b_mp3.asf":   FFmpeg("-f", "lavfi", "-i", Sine+":duration=6", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k"),
	"c_wmav2.wma": FFmpeg("-f", "lavfi", "-i", Sine+":duration=6", "-ac", "2", "-c:a", "wmav2", "-b:a", "64k"),
	"d_wmv2_wmav2.wmv": FFmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=6", "-f", "lavfi", "-i", Sine+":duration=6",
		"-c:v", "wmv2", "-b:v", "400k", "-g", "25", "-c:a", "wmav2", "-b:a", "64k", "-ac", "2"),
	"e_mbr_2audio.wma": FFmpeg("-f", "lavfi", "-i", Sine+":duration=6", "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=22050:duration=6",
		"-map", "0:a", "-map", "1:a", "-c:a", "wmav2", "-b:a:0", "128k", "-b:a:1", "32k", "-ac", "2"),
	// FFmpeg's asf_stream muxer: MMSH framing ($H/$D/$E) in a file.
	"c_wmav2.asf_stream.mmsh": FFmpeg("-f", "lavfi", "-i", Sine+":duration=6", "-ac", "2", "-c:a", "wmav2", "-b:a", "64k", "-f", "asf_stream"),
	"long_wmav2_60s.wma":      FFmpeg("-f", "lavfi", "-i", Sine+":duration=60", "-ac", "2", "-c:a", "wmav2", "-b:a", "64k"),
	"long_wmv2_wmav2_60s.wmv": FFmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=60", "-f", "lavfi", "-i", Sine+":duration=60",
		"-c:v", "wmv2", "-b:v", "300k", "-g", "25", "-c:a", "wmav2", "-b:a", "64k", "-ac", "2"),
	// GStreamer's asfmux: explicit packet length, no error-correction data.
	"gst_asfmux_wmv2_wmav2.wmv": GStreamer(append([]string{"asfmux", "name=m", "!", "filesink", "location=" + out,
		"videotestsrc", "num-buffers=150", "!", "video/x-raw,width=320,height=240,framerate=25/1", "!", "videoconvert", "!",
		"avenc_wmv2", "bitrate=400000", "!", "m."}, append(gstWMA(260), "!", "m.")...)...),
	"gst_asfmux_wmav2_60s.wma": GStreamer(append(gstWMA(2600), "!", "asfmux", "!", "filesink", "location="+out)...),
}

// Files makes files from recipes into one directory, each once. It is
// safe for concurrent use.
type Files struct {
	mu      sync.Mutex
	dir     string
	recipes map[string]Recipe
	made    map[string]error
}

// NewFiles creates the directory (under the system temp dir) for the
// Peers recipes and extra ones (an extra recipe replaces a Peers one of
// the same name). Call it from TestMain, and Remove at the end.
func NewFiles(prefix string, extra map[string]Recipe) (*Files, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	rs := make(map[string]Recipe, len(Peers)+len(extra))
	for n, r := range Peers {
		rs[n] = r
	}
	for n, r := range extra {
		rs[n] = r
	}
	return &Files{dir: dir, recipes: rs, made: map[string]error{}}, nil
}

// Remove deletes the files.
func (f *Files) Remove() { os.RemoveAll(f.dir) }

// Run is the body of a TestMain: it runs the tests, deletes the files
// and, when the tests passed, runs check (a goroutine-leak check, say;
// nil for none), whose error fails the run. It returns the exit code.
func (f *Files) Run(m *testing.M, check func() error) int {
	code := m.Run()
	f.Remove()
	if code == 0 && check != nil {
		if err := check(); err != nil {
			fmt.Fprintln(os.Stderr, "after the tests:", err)
			code = 1
		}
	}
	return code
}

// Dir is the directory the files are made in.
func (f *Files) Dir() string { return f.dir }

// Path returns the path of name, made the first time it is asked for;
// an unknown name or a failing tool fails the test.
func (f *Files) Path(t testing.TB, name string) string {
	t.Helper()
	path, err := f.Make(name)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// Make makes name (once) and returns its path.
func (f *Files) Make(name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := filepath.Join(f.dir, name)
	if err, done := f.made[name]; done {
		return path, err
	}
	r, ok := f.recipes[name]
	if !ok {
		return "", fmt.Errorf("asftest: no recipe for %s", name)
	}
	err := run(r, path)
	f.made[name] = err
	return path, err
}

// Bytes returns the contents of name.
func (f *Files) Bytes(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(f.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func run(r Recipe, path string) error {
	var cmd *exec.Cmd
	switch r.Tool {
	case "ffmpeg":
		a := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, r.Args...)
		cmd = exec.Command("ffmpeg", append(a, path)...)
	case "gst-launch-1.0":
		a := []string{"-q"}
		for _, s := range r.Args {
			if s == "location="+out {
				s = "location=" + path
			}
			a = append(a, s)
		}
		cmd = exec.Command(r.Tool, a...)
	default:
		return fmt.Errorf("asftest: unknown tool %q", r.Tool)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("asftest: making %s with %s: %w\n%s", filepath.Base(path), r.Tool, err, b)
	}
	return nil
}

// FrameMD5 is the per-frame MD5 list of FFmpeg's decode of one video
// stream of path (stream is an FFmpeg stream specifier within input 0:
// "v:0", "i:2", ...) converted to RGBA, in presentation order. Passthrough
// timing keeps every decoded frame (the default drops all frames of an
// asfmux file, whose times start at 3600 s).
func FrameMD5(t testing.TB, path, stream string) []string {
	t.Helper()
	b, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:"+stream, "-fps_mode", "passthrough",
		"-f", "framemd5", "-pix_fmt", "rgba", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg framemd5 %s: %v", path, err)
	}
	var sums []string
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, ",")
		sums = append(sums, strings.TrimSpace(f[len(f)-1]))
	}
	return sums
}

// Packet is one media object as ffprobe reports it.
type Packet struct {
	// Index is ffprobe's stream index; CodecType its "audio"/"video".
	Index     int
	CodecType string
	// PTS has the preroll removed, like transport.Sample.PTS.
	PTS  time.Duration
	Size int
}

// Probe lists the media objects of a file. FFmpeg 5.1 reports no ASF
// stream numbers: callers map Index (header order) or CodecType to their
// tracks.
func Probe(t testing.TB, path string) []Packet {
	t.Helper()
	b, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "packet=stream_index,pts_time,size:stream=index,codec_type",
		"-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var v struct {
		Packets []struct {
			StreamIndex int    `json:"stream_index"`
			PTS         string `json:"pts_time"`
			Size        string `json:"size"`
		}
		Streams []struct {
			Index     int    `json:"index"`
			CodecType string `json:"codec_type"`
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	types := map[int]string{}
	for _, s := range v.Streams {
		types[s.Index] = s.CodecType
	}
	pk := make([]Packet, 0, len(v.Packets))
	for _, p := range v.Packets {
		f, _ := strconv.ParseFloat(p.PTS, 64)
		sz, _ := strconv.Atoi(p.Size)
		pk = append(pk, Packet{Index: p.StreamIndex, CodecType: types[p.StreamIndex],
			PTS: time.Duration(math.Round(f*1000)) * time.Millisecond, Size: sz})
	}
	return pk
}

// ReferencePCM is FFmpeg's decode of path's first audio stream as 16-bit
// little-endian PCM, at channels and rate (0: the stream's own): what
// the interop tests hold Eddy's decoding to.
func ReferencePCM(t testing.TB, path string, channels, rate int) []byte {
	t.Helper()
	args := []string{"-v", "error", "-i", path, "-map", "0:a:0", "-f", "s16le"}
	if channels > 0 {
		args = append(args, "-ac", strconv.Itoa(channels))
	}
	if rate > 0 {
		args = append(args, "-ar", strconv.Itoa(rate))
	}
	out, err := exec.Command("ffmpeg", append(args, "-")...).Output()
	if err != nil {
		t.Fatalf("ffmpeg decoding %s: %v", path, err)
	}
	return out
}
