package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSoakShort is the short soak of `make test` (bench/soak.sh runs the
// long one): two minutes of a looping live MMSH broadcast through the
// whole player in real time, a stream switch every 5 s and the stream
// opened again every second switch; after the first 45 s, resident
// memory may grow by 48 MB at most (generous: the race detector's shadow
// memory grows with the heap), goroutines by 4 and open files by 2, so a
// session, connection or decoder left behind by a switch or an open
// fails it.
func TestSoakShort(t *testing.T) {
	if testing.Short() {
		t.Skip("two minutes of real-time playback")
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "av.wmv")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=20",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=20",
		"-c:v", "wmv2", "-b:v", "300k", "-g", "25", "-c:a", "wmav2", "-b:a", "64k", "-ac", "2", f).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	var log strings.Builder
	err = run([]string{"-duration", "2m", "-every", "5s", "-reopen", "2", "-sample", "15s", "-settle", "45s",
		"-max-rss-growth", "48", "-max-goroutine-growth", "4", "-max-fd-growth", "2", f}, &log)
	t.Logf("\n%s", log.String())
	if err != nil {
		t.Fatal(err)
	}
}
