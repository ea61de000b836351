//go:build cgo

package lavc

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Test inputs are made at test time with the commands of
// shared/peers/make_fixtures.sh (FFmpeg's asf muxer and GStreamer's
// asfmux), plus encodes of the other codecs FFmpeg can write into ASF.
// FFmpeg output is byte-stable, so the comparisons are deterministic.

const sine = "sine=frequency=440:sample_rate=44100"

var fixtureCmds = map[string][]string{
	// From make_fixtures.sh.
	"c_wmav2.wma": {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=6", "-ac", "2", "-c:a", "wmav2", "-b:a", "64k"},
	"b_mp3.asf":   {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=6", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k"},
	"d_wmv2_wmav2.wmv": {"ffmpeg", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=6", "-f", "lavfi", "-i", sine + ":duration=6",
		"-c:v", "wmv2", "-b:v", "400k", "-g", "25", "-c:a", "wmav2", "-b:a", "64k", "-ac", "2"},
	"e_mbr_2audio.wma": {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=6", "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=22050:duration=6",
		"-map", "0:a", "-map", "1:a", "-c:a", "wmav2", "-b:a:0", "128k", "-b:a:1", "32k", "-ac", "2"},
	"long_wmv2_wmav2_60s.wmv": {"ffmpeg", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=60", "-f", "lavfi", "-i", sine + ":duration=60",
		"-c:v", "wmv2", "-b:v", "300k", "-g", "25", "-c:a", "wmav2", "-b:a", "64k", "-ac", "2"},
	"gst_asfmux_wmv2_wmav2.wmv": {"gst-launch-1.0", "-q", "asfmux", "name=m", "!", "filesink", "location=OUT",
		"videotestsrc", "num-buffers=150", "!", "video/x-raw,width=320,height=240,framerate=25/1", "!", "videoconvert", "!", "avenc_wmv2", "bitrate=400000", "!", "m.",
		"audiotestsrc", "num-buffers=260", "samplesperbuffer=1024", "!", "audio/x-raw,rate=44100,channels=2", "!", "audioconvert", "!", "avenc_wmav2", "bitrate=64000", "!", "m."},
	// Other codecs FFmpeg encodes into ASF.
	"wmav1.wma":      {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=3", "-ac", "2", "-c:a", "wmav1", "-b:a", "64k"},
	"wmav2_mono.wma": {"ffmpeg", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=22050:duration=3", "-ac", "1", "-c:a", "wmav2", "-b:a", "32k"},
	"aac.asf":        {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=3", "-ac", "2", "-c:a", "aac", "-b:a", "96k"},
	"mp2.asf":        {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=3", "-ac", "2", "-c:a", "mp2", "-b:a", "128k"},
	"ac3.asf":        {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=3", "-ac", "2", "-c:a", "ac3", "-b:a", "128k"},
	"adpcm_ms.asf":   {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=3", "-ac", "2", "-c:a", "adpcm_ms"},
	"adpcm_ima.asf":  {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=3", "-ac", "2", "-c:a", "adpcm_ima_wav"},
	"wmv1.wmv":       {"ffmpeg", "-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "wmv1", "-b:v", "300k", "-g", "25"},
	"msmpeg4v3.asf":  {"ffmpeg", "-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "msmpeg4", "-b:v", "300k", "-g", "25"},
	"msmpeg4v2.asf":  {"ffmpeg", "-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "msmpeg4v2", "-b:v", "300k", "-g", "25"},
	"mpeg4.asf": {"ffmpeg", "-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "mpeg4", "-vtag", "M4S2", "-b:v", "300k",
		"-g", "25", "-bf", "2"},
	"h264.asf": {"ffmpeg", "-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "libx264", "-preset", "veryfast",
		"-pix_fmt", "yuv420p", "-bf", "2", "-x264-params", "b-adapt=0", "-g", "25", "-vtag", "H264"},
	// Raw MP3 streams at two rates, for a mid-stream format change.
	"a44100.mp3": {"ffmpeg", "-f", "lavfi", "-i", sine + ":duration=2", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0", "-id3v2_version", "0"},
	"b22050.mp3": {"ffmpeg", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=22050:duration=2", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "64k",
		"-write_xing", "0", "-id3v2_version", "0"},
	"h264.mp4": {"ffmpeg", "-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "libx264", "-preset", "veryfast",
		"-pix_fmt", "yuv420p", "-bf", "2", "-x264-params", "b-adapt=0", "-g", "25"},
}

var fixtureState struct {
	mu   sync.Mutex
	dir  string
	made map[string]bool
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureState.dir != "" {
		os.RemoveAll(fixtureState.dir)
	}
	os.Exit(code)
}

// fixture makes (once per test binary) the named input and returns its path.
func fixture(t testing.TB, name string) string {
	t.Helper()
	fixtureState.mu.Lock()
	defer fixtureState.mu.Unlock()
	if fixtureState.dir == "" {
		d, err := os.MkdirTemp("", "lavc-fixtures-")
		if err != nil {
			t.Fatal(err)
		}
		fixtureState.dir = d
		fixtureState.made = map[string]bool{}
	}
	path := filepath.Join(fixtureState.dir, name)
	if fixtureState.made[name] {
		return path
	}
	args, ok := fixtureCmds[name]
	if !ok {
		t.Fatalf("no recipe for fixture %s", name)
	}
	var cmd *exec.Cmd
	if args[0] == "ffmpeg" {
		a := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args[1:]...)
		cmd = exec.Command("ffmpeg", append(a, path)...)
	} else {
		a := append([]string(nil), args[1:]...)
		for i, s := range a {
			if s == "location=OUT" {
				a[i] = "location=" + path
			}
		}
		cmd = exec.Command(args[0], a...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making %s: %v\n%s", name, err, out)
	}
	fixtureState.made[name] = true
	return path
}
