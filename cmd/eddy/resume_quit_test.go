package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestQuitRemembersPosition plays the clip in the real window, seeks 10 s
// on with →, and quits as a desktop session's end does (SIGTERM, the same
// path as closing the window): the position is in Fyne's preferences
// file, and the clip opened again starts there. Fyne saves the
// preferences a last time as the app stops and ignores changes made
// within 100 ms of a save, so a position stored after that save was lost.
func TestQuitRemembersPosition(t *testing.T) {
	needTools(t, "Xvfb", "xdotool", "ffmpeg")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	home := t.TempDir()
	clip := driveClip(t, ctx, t.TempDir())
	display := startXvfb(t, ctx)

	app := startApp(t, ctx, display, home, clip)
	app.waitFor("Playing", func(r eventRecord) bool { return r.State == "Playing" })
	pressKey(t, ctx, display, "Right")
	left := app.waitFor("the position 10 s on", func(r eventRecord) bool {
		return r.Event == "position" && r.State == "Playing" && r.PositionMS >= 10000
	})
	app.quit()

	prefs := readPrefs(t, home)
	var stored []float64
	for k, v := range prefs {
		if ms, ok := v.(float64); ok && strings.HasPrefix(k, "resume.") {
			stored = append(stored, ms)
		}
	}
	if len(stored) != 1 || stored[0] < float64(left.PositionMS) || stored[0] > float64(left.PositionMS)+3000 {
		t.Fatalf("left at %d ms, the preferences hold positions %v: %v", left.PositionMS, stored, prefs)
	}

	app = startApp(t, ctx, display, home, clip)
	first := app.waitFor("playing again", func(r eventRecord) bool {
		return r.Event == "position" && r.State == "Playing"
	})
	if first.PositionMS < int64(stored[0])-1000 {
		t.Errorf("opened again at %d ms, want where it was left (%v ms)", first.PositionMS, stored[0])
	}
	app.quit()
}
