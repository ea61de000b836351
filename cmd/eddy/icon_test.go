package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestWindowIcon runs the real app on a virtual X display and reads the
// icon its window gives the window manager (_NET_WM_ICON, through xprop):
// the 256×256 assets.WindowIcon, not the 512×512 application icon, which
// took four times as long to decode as the window opened and left 1 MB
// in the X server.
func TestWindowIcon(t *testing.T) {
	needTools(t, "Xvfb", "xdotool", "xprop")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	display := startXvfb(t, ctx)
	app := startApp(t, ctx, display, t.TempDir(), "-audio", "none")
	hexWin := fmt.Sprintf("%#x", appWindow(t, ctx, display))
	// The first two numbers of the property are the icon's width and
	// height (EWMH).
	icon := func() string {
		return xCommand(t, ctx, display, "xprop", "-id", hexWin, "-f", "_NET_WM_ICON", "32c", "=$0,$1\n", "_NET_WM_ICON")
	}
	pollX(t, ctx, app, nil, "the window's icon", icon, func(s string) bool { return strings.Contains(s, "=") })
	if s := strings.TrimSpace(icon()); s != "_NET_WM_ICON(CARDINAL)=256,256" {
		t.Errorf("%q, want a 256x256 icon", s)
	}
}
