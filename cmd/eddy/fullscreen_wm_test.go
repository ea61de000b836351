package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFullScreenUnderOpenbox runs the real app as on a desktop: on a
// virtual screen larger than the window, with an EWMH window manager
// (Openbox) running before the app starts. F makes the window full
// screen (_NET_WM_STATE_FULLSCREEN, the screen's size) and Escape gives it
// back where it was, at the size it had: given the window's content
// while full screen, Fyne 2.7 left it at the top left at the screen's
// size, larger than the screen once the window manager's frame is added.
func TestFullScreenUnderOpenbox(t *testing.T) {
	needTools(t, "Xvfb", "xdotool", "xprop", "openbox")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const bigW, bigH = screenW + 280, screenH + 160
	display := startXvfbSized(t, ctx, bigW, bigH)
	x := func(name string, args ...string) string { return xCommand(t, ctx, display, name, args...) }

	// The window manager first, as on a desktop: GLFW asks it for full
	// screen only when it finds one at start.
	wmLog := startOpenbox(t, display)
	pollX(t, ctx, nil, wmLog, "Openbox to run", func() string { return x("xprop", "-root", "_NET_SUPPORTING_WM_CHECK") },
		func(s string) bool { return strings.Contains(s, "window id") })
	app := startApp(t, ctx, display, t.TempDir(), "-audio", "none")
	until := func(what string, read func() string, ok func(string) bool) {
		t.Helper()
		pollX(t, ctx, app, wmLog, what, read, ok)
	}

	win := appWindow(t, ctx, display)
	waitManaged(t, ctx, app, wmLog, display, win)
	id, hexWin := strconv.FormatUint(win, 10), fmt.Sprintf("%#x", win)
	state := func() string { return x("xprop", "-id", hexWin, "_NET_WM_STATE") }
	// geometry is the window's position and size, as xdotool reads them.
	geometry := func() string {
		var keep []string
		for _, l := range strings.Fields(x("xdotool", "getwindowgeometry", "--shell", id)) {
			if !strings.HasPrefix(l, "WINDOW=") && !strings.HasPrefix(l, "SCREEN=") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, " ")
	}
	windowed := geometry()
	if !strings.HasSuffix(windowed, fmt.Sprintf(" WIDTH=%d HEIGHT=%d", windowWidth, windowHeight)) {
		t.Fatalf("the window starts at %q, want %dx%d", windowed, windowWidth, windowHeight)
	}
	x("xdotool", "windowactivate", "--sync", id)

	x("xdotool", "key", "--window", id, "f")
	until("_NET_WM_STATE_FULLSCREEN after F", state, func(s string) bool { return strings.Contains(s, "_NET_WM_STATE_FULLSCREEN") })
	full := fmt.Sprintf("X=0 Y=0 WIDTH=%d HEIGHT=%d", bigW, bigH)
	until("the screen's size in full screen", geometry, func(s string) bool { return s == full })
	x("xdotool", "key", "--window", id, "Escape")
	until("_NET_WM_STATE_FULLSCREEN gone after Escape", state, func(s string) bool {
		return strings.HasPrefix(s, "_NET_WM_STATE") && !strings.Contains(s, "_NET_WM_STATE_FULLSCREEN")
	})
	// Out of full screen; the geometry may still be on its way: a
	// bounded number of reads (a few milliseconds each), not a timeout.
	var g string
	for range 300 {
		if g = geometry(); g == windowed {
			return
		}
		select {
		case err := <-app.exited:
			t.Fatalf("the app exited: %v", err)
		default:
		}
	}
	t.Fatalf("after full screen and Escape the window is at %q; before, it was at %q", g, windowed)
}
