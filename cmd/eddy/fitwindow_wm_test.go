package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/ui"
)

// TestFitWindowUnderOpenbox runs View ▸ Fit Window to Video (on, as a
// new user has it) under a window manager, which keeps a window at least
// as large as the least size the app last gave it. The 320x180 clip fits
// the window to it at its first picture. Opened again from the location
// bar, the placeholder shown while it opens is larger than the fitted
// window: Fyne grows the window and gives the window manager the
// placeholder's size as the least. At the first picture the fit must give
// the smaller least size before it asks for the fitted size, or the
// window manager keeps the window at the placeholder's size.
func TestFitWindowUnderOpenbox(t *testing.T) {
	needTools(t, "Xvfb", "xdotool", "xprop", "openbox", "ffmpeg")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	clip := driveClip(t, ctx, t.TempDir())
	display := startXvfbSized(t, ctx, screenW+280, screenH+160)
	x := func(name string, args ...string) string { return xCommand(t, ctx, display, name, args...) }
	wmLog := startOpenbox(t, display)
	pollX(t, ctx, nil, wmLog, "Openbox to run", func() string { return x("xprop", "-root", "_NET_SUPPORTING_WM_CHECK") },
		func(s string) bool { return strings.Contains(s, "window id") })

	home := t.TempDir()
	writePrefs(t, home, map[string]any{ui.PrefFitWindow: true})
	app := startApp(t, ctx, display, home, "-audio", "none", clip)
	win := appWindow(t, ctx, display)
	waitManaged(t, ctx, app, wmLog, display, win)
	id := strconv.FormatUint(win, 10)
	size := func() (w, h int) {
		for _, l := range strings.Fields(x("xdotool", "getwindowgeometry", "--shell", id)) {
			if v, ok := strings.CutPrefix(l, "WIDTH="); ok {
				w, _ = strconv.Atoi(v)
			}
			if v, ok := strings.CutPrefix(l, "HEIGHT="); ok {
				h, _ = strconv.Atoi(v)
			}
		}
		return w, h
	}
	sizeText := func() string { w, h := size(); return fmt.Sprintf("%dx%d", w, h) }

	app.waitFor("Playing", func(r eventRecord) bool { return r.State == "Playing" })
	opened := fmt.Sprintf("%dx%d", windowWidth, windowHeight)
	var fitted string
	pollX(t, ctx, app, wmLog, "the window fitted to the clip", sizeText, func(s string) bool {
		fitted = s
		return s != opened && s != "0x0"
	})
	if w, h := size(); w >= windowWidth || h >= windowHeight {
		t.Fatalf("fitted to the 320x180 clip, the window is %dx%d (it opened at %s)", w, h, opened)
	}

	x("xdotool", "windowactivate", "--sync", id)
	pressKeys(t, ctx, display, "ctrl+l", "ctrl+a")
	typeText(t, ctx, display, clip)
	pressKey(t, ctx, display, "Return")
	app.waitFor("opening again", func(r eventRecord) bool { return r.State == "Opening" })
	app.waitFor("playing again", func(r eventRecord) bool { return r.State == "Playing" })
	// A second of pictures: the fit is long done (at the first).
	app.waitFor("1 s played again", func(r eventRecord) bool { return r.State == "Playing" && r.PositionMS >= 1000 })
	again, cancelAgain := context.WithTimeout(ctx, 20*time.Second)
	defer cancelAgain()
	pollX(t, again, app, wmLog, "the window fitted again at "+fitted, sizeText, func(s string) bool { return s == fitted })
	// It stays so: a bounded number of reads (a few milliseconds each).
	for range 100 {
		if s := sizeText(); s != fitted {
			t.Fatalf("the window went from %s to %s after fitting again", fitted, s)
		}
	}
}
