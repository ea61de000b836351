package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAlwaysOnTopUnderOpenbox runs the real app on a virtual X display
// with an EWMH window manager (Openbox), presses T (View ▸ Always on
// Top) and checks with xprop that the window manager put the app's
// window above the others (its _NET_WM_STATE lists
// _NET_WM_STATE_ABOVE), then that a second T takes it back.
func TestAlwaysOnTopUnderOpenbox(t *testing.T) {
	needTools(t, "Xvfb", "xdotool", "xprop", "openbox")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	display := startXvfb(t, ctx)
	app := startApp(t, ctx, display, t.TempDir(), "-audio", "none")

	// The app's window first, then the window manager, which takes up
	// the windows there when it starts.
	win := appWindow(t, ctx, display)
	wmLog := startOpenbox(t, display)
	xprop := func(args ...string) string { return xCommand(t, ctx, display, "xprop", args...) }
	until := func(what string, read func() string, ok func(string) bool) {
		t.Helper()
		pollX(t, ctx, app, wmLog, what, read, ok)
	}
	waitManaged(t, ctx, app, wmLog, display, win)
	hexWin := fmt.Sprintf("%#x", win)
	state := func() string { return xprop("-id", hexWin, "_NET_WM_STATE") }
	if s := state(); strings.Contains(s, "_NET_WM_STATE_ABOVE") {
		t.Fatalf("the window is on top before T: %s", s)
	}

	pressKey(t, ctx, display, "t")
	until("_NET_WM_STATE_ABOVE after T", state, func(s string) bool { return strings.Contains(s, "_NET_WM_STATE_ABOVE") })
	pressKey(t, ctx, display, "t")
	until("_NET_WM_STATE_ABOVE gone after a second T", state, func(s string) bool {
		return strings.HasPrefix(s, "_NET_WM_STATE") && !strings.Contains(s, "_NET_WM_STATE_ABOVE")
	})
}
