package main

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"sync"

	"github.com/eddyplayer/eddy/player/decoder"
)

// frameWriter is eddyplay's video output: it counts the frames the player
// presents and, with --frames, writes every Nth as a PNG.
type frameWriter struct {
	dir   string
	every int

	mu    sync.Mutex
	n     int
	saved int
	err   error
}

// Present implements player.VideoOutput.
func (w *frameWriter) Present(f decoder.Frame) {
	w.mu.Lock()
	defer w.mu.Unlock()
	i := w.n
	w.n++
	if w.dir == "" || w.err != nil || i%w.every != 0 || f.Image == nil {
		return
	}
	name := filepath.Join(w.dir, fmt.Sprintf("frame-%06d-%08dms.png", i, f.PTS.Milliseconds()))
	file, err := os.Create(name)
	if err != nil {
		w.err = fmt.Errorf("--frames: %w", err)
		return
	}
	if err := png.Encode(file, f.Image); err != nil {
		file.Close()
		w.err = fmt.Errorf("--frames: writing %s: %w", name, err)
		return
	}
	if err := file.Close(); err != nil {
		w.err = fmt.Errorf("--frames: %w", err)
		return
	}
	w.saved++
}

func (w *frameWriter) result() (shown, saved int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n, w.saved, w.err
}

// Recycles implements player.FrameRecycler: a frame is encoded (or only
// counted) inside Present, so its picture can be reused.
func (w *frameWriter) Recycles() bool { return true }

// WantsPictures implements player.PictureWanter: only --frames needs them.
func (w *frameWriter) WantsPictures() bool { return w.dir != "" }
