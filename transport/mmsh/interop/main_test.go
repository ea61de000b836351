// Package interop_test runs the MMSH client against third-party servers
// (VLC) and checks what it receives against FFmpeg. It is a package of
// its own because the decoded-audio comparison needs the cgo libavcodec
// binding, which the mmsh unit tests do without.
package interop_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/transport"
)

var fixtureDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mmsh-interop-")
	if err != nil {
		panic(err)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goroutine leak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

const sine = "sine=frequency=440:sample_rate=44100"

var (
	fixtureMu   sync.Mutex
	fixtureArgs = map[string][]string{}
)

// longFixture generates (once) a file with FFmpeg (byte-stable output).
func longFixture(t *testing.T, name string, args []string) string {
	t.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	path := filepath.Join(fixtureDir, name)
	if _, err := os.Stat(path); err != nil {
		a := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)
		if out, err := exec.Command("ffmpeg", append(a, path)...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %s: %v\n%s", name, err, out)
		}
	}
	return path
}

type probePacket struct {
	stream int
	pts    time.Duration
	size   int
}

// ffprobe lists a file's media objects (pts with the preroll removed).
// FFmpeg 5.1 reports no ASF stream ids and VLC renumbers the streams, so
// ffprobe's streams are mapped to the session's tracks by media type (the
// fixtures have one audio and at most one video stream).
func ffprobe(t *testing.T, path string, tracks []transport.Track) []probePacket {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "packet=stream_index,pts_time,size:stream=index,codec_type",
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
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	ids := map[int]int{}
	for _, s := range v.Streams {
		for _, tr := range tracks {
			if tr.Type.String() == s.CodecType {
				ids[s.Index] = tr.ID
			}
		}
	}
	var pk []probePacket
	for _, p := range v.Packets {
		f, _ := strconv.ParseFloat(p.PTS, 64)
		sz, _ := strconv.Atoi(p.Size)
		pk = append(pk, probePacket{stream: ids[p.StreamIndex], pts: time.Duration(math.Round(f*1000)) * time.Millisecond, size: sz})
	}
	return pk
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t testing.TB, d transport.Dialer, url string, cfg transport.Config) transport.Session {
	t.Helper()
	s, err := d.Dial(ctxT(t), url, cfg)
	if err != nil {
		t.Fatalf("Dial %s: %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func play(t testing.TB, s transport.Session, tracks []int) {
	t.Helper()
	if tracks == nil {
		for _, tr := range s.Info().Tracks {
			tracks = append(tracks, tr.ID)
		}
	}
	if err := s.Select(tracks); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
}
