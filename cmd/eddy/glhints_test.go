package main

import (
	"context"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/cmd/eddy/internal/glxvisual"
)

// TestWindowHasNoDepthBuffer runs the real app on a virtual X display and
// asks GLX about its window's visual: no depth and no stencil bits (GLFW's
// defaults are 24 and 8, a buffer Fyne never tests against, cleared at
// every redraw: noDepthBuffer).
func TestWindowHasNoDepthBuffer(t *testing.T) {
	needTools(t, "Xvfb", "xdotool")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	display := startXvfb(t, ctx)
	startApp(t, ctx, display, t.TempDir(), "-audio", "none")
	win := appWindow(t, ctx, display)
	depth, stencil, err := glxvisual.Buffers(display, win)
	if err != nil {
		t.Fatal(err)
	}
	if depth != 0 || stencil != 0 {
		t.Errorf("the window's GL visual has %d depth and %d stencil bits, want none", depth, stencil)
	}
}
