package main

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/eddyplayer/eddy/player/audio"
)

// TestOutToAPipe: --out naming a named pipe (as /dev/null, /dev/stdout or
// a pipe to another program is no regular file) writes the WAV into it
// and leaves it a pipe, after a run that plays and after one that fails.
// Writing beside it and renaming over it, as --out does for a file,
// replaced the device itself: as root, /dev/null became a WAV file.
func TestOutToAPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.wav")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	read := func() <-chan []byte {
		got := make(chan []byte, 1)
		go func() {
			f, err := os.Open(fifo) // waits for eddyplay to open it
			if err != nil {
				got <- nil
				return
			}
			b, _ := io.ReadAll(f)
			f.Close()
			got <- b
		}()
		return got
	}
	stillAPipe := func() {
		t.Helper()
		st, err := os.Lstat(fifo)
		if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
			t.Fatalf("--out %s is no longer a named pipe: %v %v", fifo, st.Mode(), err)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*partial")); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}

	got := read()
	if _, stderr, err := eddyplay(t, "--out", fifo, wmaFixture); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	stillAPipe() // before waiting for the reader, which a replaced pipe would strand
	b := <-got
	_, want := wavPCM(t, plainFileDecode(t))
	f, data, err := audio.ParseWAV(b)
	if err != nil || f.SampleRate != 44100 || len(data) != 2*len(want) {
		t.Errorf("the pipe got %v, %d data bytes (want %d), %v", f, len(data), 2*len(want), err)
	}

	got = read()
	if _, _, err := eddyplay(t, "--out", fifo, filepath.Join(dir, "missing.wma")); err == nil {
		t.Fatal("a missing source played")
	}
	stillAPipe()
	<-got
}

// plainFileDecode is eddyplay's WAV of wmaFixture written to a plain
// file, the reference for what the pipe gets.
func plainFileDecode(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "ref.wav")
	if _, stderr, err := eddyplay(t, "--out", out, wmaFixture); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	return out
}
