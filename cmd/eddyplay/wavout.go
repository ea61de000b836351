package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/eddyplayer/eddy/player/audio"
)

// wavOut is eddyplay --out's file. The WAV is written to a temporary file
// beside the target and renamed over it only when audio was decoded, so
// the target is either a valid WAV of what was decoded (a partial one when
// the run failed midway) or untouched: a run that fails before any audio,
// or decodes none, leaves no empty or half-written file behind.
//
// A target that exists and is no regular file (/dev/null, /dev/stdout, a
// named pipe) is written directly: renaming a file over it would replace
// the device or pipe itself (as root, /dev/null became a WAV file), and
// there is nothing to leave untouched.
type wavOut struct {
	path   string
	f      *os.File
	sink   *audio.WAVSink
	done   bool
	direct bool // f is the target itself
}

// createWAVOut opens the temporary file (which also checks that the
// directory is writable before the source is opened), or the target
// itself when it is a device or a pipe.
func createWAVOut(path string) (*wavOut, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	} else if err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &wavOut{path: path, f: f, sink: audio.NewWAVSink(f), direct: true}, nil
	}
	// Created like os.Create (mode 0666 before the umask), under a name
	// of its own.
	var f *os.File
	var err error
	for range 100 {
		name := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%d.partial", filepath.Base(path), rand.Uint32()))
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return &wavOut{path: path, f: f, sink: audio.NewWAVSink(f)}, nil
}

// finish closes the file (after the sink, which the player closes) and
// renames it to the target when keep, or removes it.
func (w *wavOut) finish(keep bool) error {
	w.done = true
	err := w.f.Close()
	if w.direct {
		return err
	}
	if !keep || err != nil {
		return errors.Join(err, os.Remove(w.f.Name()))
	}
	if err := os.Rename(w.f.Name(), w.path); err != nil {
		return errors.Join(err, os.Remove(w.f.Name()))
	}
	return nil
}

// abandon removes the temporary file when finish was not reached (an
// error before playback).
func (w *wavOut) abandon() {
	if !w.done {
		w.f.Close()
		if !w.direct {
			os.Remove(w.f.Name())
		}
	}
}
