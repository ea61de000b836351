// Package mediatest holds what the MMSH client's test packages (the unit
// tests and the third-party interop tests) share: media files made once
// with FFmpeg (whose output is byte-stable) and ffprobe's list of a file's
// media objects to compare with.
package mediatest

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Sine is FFmpeg's lavfi tone used by the peers' make_fixtures.sh.
const Sine = "sine=frequency=440:sample_rate=44100"

// Fixtures makes files into one directory, each once.
type Fixtures struct {
	mu  sync.Mutex
	dir string
}

// NewFixtures creates the directory (under the system temp dir); Remove
// deletes it. Call it from TestMain.
func NewFixtures(prefix string) (*Fixtures, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	return &Fixtures{dir: dir}, nil
}

// Remove deletes the files.
func (f *Fixtures) Remove() { os.RemoveAll(f.dir) }

// Make returns the path of name, running `ffmpeg ARGS name` the first time.
func (f *Fixtures) Make(t testing.TB, name string, args []string) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	path := filepath.Join(f.dir, name)
	if _, err := os.Stat(path); err != nil {
		a := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)
		if out, err := exec.Command("ffmpeg", append(a, path)...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %s: %v\n%s", name, err, out)
		}
	}
	return path
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
