package fmp4

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The third-party fixtures: FFmpeg's Smooth Streaming tree made with the
// recipe of shared/peers/README.md §3 (make_fixtures.sh); a one-track
// video and a one-track audio ismv whose ftyp+moov, put before a Smooth
// track's fragments, let ffprobe read those fragments (it cannot read a
// fragment alone: "no tfhd was found"); and the recipe's encode muxed by
// FFmpeg's fragmented-MP4 writer with a moov, tfdt and
// default-base-is-moof.

const sine = "sine=frequency=440:sample_rate=44100"

// encodeArgs are the recipe's inputs and encoder settings; the output
// options follow.
func encodeArgs(dir string) []string {
	return []string{"-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=10", "-i", filepath.Join(dir, "audio96k.mka"),
		"-map", "0:v", "-map", "0:v", "-map", "1:a",
		"-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-pix_fmt", "yuv420p", "-bf", "0", "-g", "50",
		"-keyint_min", "50", "-sc_threshold", "0",
		"-b:v:0", "800k", "-maxrate:v:0", "800k", "-bufsize:v:0", "1600k", "-s:v:0", "640x360",
		"-b:v:1", "300k", "-maxrate:v:1", "300k", "-bufsize:v:1", "600k", "-s:v:1", "320x180",
		"-c:a", "copy"}
}

var fixtures struct {
	once sync.Once
	dir  string
	err  error
}

// fixtureDir makes the fixtures once per test binary: dir/ss (the Smooth
// tree), dir/vinit.ismv and dir/ainit.ismv (the init segments),
// dir/frag.mp4 (the fragmented MP4).
func fixtureDir(t testing.TB) string {
	t.Helper()
	fixtures.once.Do(func() {
		dir, err := os.MkdirTemp("", "fmp4test")
		if err != nil {
			fixtures.err = err
			return
		}
		fixtures.dir = dir
		q := []string{"-hide_banner", "-loglevel", "error", "-y"}
		for _, args := range [][]string{
			{"-f", "lavfi", "-i", sine + ":duration=10", "-ac", "2", "-c:a", "aac", "-b:a", "96k", filepath.Join(dir, "audio96k.mka")},
			append(encodeArgs(dir), "-min_frag_duration", "2000000", "-f", "smoothstreaming", filepath.Join(dir, "ss")),
			{"-f", "lavfi", "-i", "testsrc=size=320x180:rate=25:duration=1", "-c:v", "libx264", "-f", "ismv", filepath.Join(dir, "vinit.ismv")},
			{"-i", filepath.Join(dir, "audio96k.mka"), "-c:a", "copy", "-t", "1", "-f", "ismv", filepath.Join(dir, "ainit.ismv")},
			append(encodeArgs(dir), "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", filepath.Join(dir, "frag.mp4")),
		} {
			if out, err := exec.Command("ffmpeg", append(q, args...)...).CombinedOutput(); err != nil {
				fixtures.err = fmt.Errorf("ffmpeg %s: %w\n%s", strings.Join(args, " "), err, out)
				return
			}
		}
	})
	if fixtures.err != nil {
		t.Fatal(fixtures.err)
	}
	return fixtures.dir
}

// TestMain deletes the fixtures after the tests, unless FMP4_KEEP is set
// (to look at them).
func TestMain(m *testing.M) {
	code := m.Run()
	if fixtures.dir != "" {
		if os.Getenv("FMP4_KEEP") == "" {
			os.RemoveAll(fixtures.dir)
		}
	}
	os.Exit(code)
}

// probePacket is one packet as ffprobe reports it.
type probePacket struct {
	Stream   int
	DTS      int64
	Duration int64
	Size     int
	Key      bool
	MD5      string
}

// probe lists the packets of path, per stream, and each stream's time
// base denominator.
func probe(t testing.TB, path string) (map[int][]probePacket, map[int]int64) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_data_hash", "MD5",
		"-show_entries", "packet=stream_index,dts,duration,size,flags,data_hash:stream=index,time_base", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var v struct {
		Packets []struct {
			StreamIndex int    `json:"stream_index"`
			DTS         int64  `json:"dts"`
			Duration    int64  `json:"duration"`
			Size        string `json:"size"`
			Flags       string `json:"flags"`
			Hash        string `json:"data_hash"`
		}
		Streams []struct {
			Index    int    `json:"index"`
			TimeBase string `json:"time_base"`
		}
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	pk := map[int][]probePacket{}
	for _, p := range v.Packets {
		n, _ := strconv.Atoi(p.Size)
		pk[p.StreamIndex] = append(pk[p.StreamIndex], probePacket{Stream: p.StreamIndex, DTS: p.DTS, Duration: p.Duration,
			Size: n, Key: strings.HasPrefix(p.Flags, "K"), MD5: strings.TrimPrefix(p.Hash, "MD5:")})
	}
	tb := map[int]int64{}
	for _, s := range v.Streams {
		_, den, _ := strings.Cut(s.TimeBase, "/")
		tb[s.Index], _ = strconv.ParseInt(den, 10, 64)
	}
	return pk, tb
}
