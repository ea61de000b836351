package main

import (
	"bytes"
	"context"
	"image"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/assets"
	"github.com/eddyplayer/eddy/cmd/eddy/internal/xdnd"
)

// TestWindowUnderXvfb runs the real app (GLFW, OpenGL through Mesa) on a
// virtual X display, lets it play the built-in demo (WMV8 video with WMA
// sound), and takes screenshots with ImageMagick's import (Fyne's own
// Capture reads a black front buffer under Xvfb). It checks that
//   - the app reports Playing and its position advances (events log),
//   - the screenshot is a rendered window, not a blank or black screen,
//   - two screenshots two seconds apart differ in the lower part of the
//     window (elapsed time and seek bar moving), i.e. the playing state is
//     on screen,
//   - the video picture is on screen: in the video area (the upper left of
//     the window) a large region changes between the screenshots, and it
//     is a picture (many colours, varied brightness), not a blank area,
//   - seeking with the keyboard (xdotool) on the silent real-time output:
//     → while playing, then Space, ← while paused and Space again; after
//     each the position moves on from the target,
//   - the end: the position is the duration, the window shows the end
//     panel (screenshot), and Space plays again from the start,
//   - full screen (fullScreenRoundTrip): F, controls over the picture when
//     the pointer moves and gone when it rests, Escape back to the window
//     as it was,
//   - the time under the pointer over the seek bar, and the volume
//     message over the picture after ↓ (seekTipAndVolume),
//   - drag and drop (XDND): a dropped file plays; a link (served over
//     HTTP) and a file dropped together play as a playlist in that order,
//   - SIGTERM closes the app cleanly (exit status 0).
//
// The screenshot is kept in the test's artifact directory (go test
// -artifacts) and copied to out/screenshots/eddy-playing.png.
func TestWindowUnderXvfb(t *testing.T) {
	needTools(t, "Xvfb", "import", "xdotool")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	display := startXvfb(t, ctx)
	t.Logf("Xvfb on %s", display)
	// Fyne preferences go into home, not into the user's home.
	app := startApp(t, ctx, display, t.TempDir())
	start := app.started
	waitFor := app.waitFor
	playing := waitFor("Playing", func(r eventRecord) bool { return r.State == "Playing" })
	t.Logf("Playing after %v (title %q)", time.Since(start).Round(time.Millisecond), playing.Title)
	waitFor("position 3 s", func(r eventRecord) bool { return r.State == "Playing" && r.PositionMS >= 3000 })

	dir := t.ArtifactDir()
	shot1 := filepath.Join(dir, "eddy-playing.png")
	screenshot(t, ctx, display, shot1)
	waitFor("position 5 s", func(r eventRecord) bool { return r.State == "Playing" && r.PositionMS >= 5000 })
	shot2 := filepath.Join(dir, "eddy-playing-later.png")
	screenshot(t, ctx, display, shot2)
	t.Logf("screenshot: %s", shot1)

	// Seeking with the keyboard, on the silent real-time output a machine
	// without a sound card gets: after each seek the position must move on
	// from the target (it used to freeze there while the picture raced
	// ahead), and the end is the duration, with the window offering to
	// play again.
	pressKey(t, ctx, display, "Right") // +10 s
	at := waitFor("the seek forward", func(r eventRecord) bool { return r.PositionMS >= 14000 })
	waitFor("playback going on after the seek", func(r eventRecord) bool {
		return r.State == "Playing" && r.PositionMS >= at.PositionMS+2000
	})
	pressKey(t, ctx, display, "space")
	waitFor("Paused", func(r eventRecord) bool { return r.State == "Paused" })
	pressKey(t, ctx, display, "Left") // -10 s while paused
	at = waitFor("the seek back while paused", func(r eventRecord) bool { return r.State == "Paused" && r.PositionMS < 10000 })
	shotPaused := filepath.Join(dir, "eddy-paused-after-seek.png")
	screenshot(t, ctx, display, shotPaused)
	pressKey(t, ctx, display, "space")
	waitFor("playback going on after pause, seek and resume", func(r eventRecord) bool {
		return r.State == "Playing" && r.PositionMS >= at.PositionMS+2000
	})
	pressKey(t, ctx, display, "Right")
	end := waitFor("Ended", func(r eventRecord) bool { return r.State == "Ended" })
	if end.DurationMS <= 0 || end.PositionMS != end.DurationMS {
		t.Errorf("ended at %d ms of %d ms, want the duration", end.PositionMS, end.DurationMS)
	}
	// The window draws the end a moment after the player reports it:
	// screenshots until the Play button no longer shows Pause (as in the
	// screenshot taken while playing).
	shotEnded := filepath.Join(dir, "eddy-ended.png")
	playButton := image.Rect(0, screenH*86/100, screenW*5/100, screenH*93/100)
	pauseLook := subImage(readPNG(t, shot2), playButton)
	for i := 0; ; i++ {
		screenshot(t, ctx, display, shotEnded)
		if n, _ := diffBox(pauseLook, subImage(readPNG(t, shotEnded), playButton)); n > 0 {
			break
		}
		if i == 50 {
			t.Fatal("the window still shows Pause after the end")
		}
	}
	pressKey(t, ctx, display, "space")
	waitFor("playing again", func(r eventRecord) bool { return r.State == "Playing" && r.PositionMS >= 1000 && r.PositionMS < 5000 })
	fullScreenRoundTrip(t, ctx, display, dir, readPNG(t, shot1))
	seekTipAndVolume(t, ctx, display, dir)

	// Drag and drop (XDND, as from a file manager or a browser): one file
	// plays it; two items play as a playlist, in the order dropped.
	one := filepath.Join(t.TempDir(), "one clip.wmv")
	if err := os.WriteFile(one, assets.DemoASF, 0o644); err != nil {
		t.Fatal(err)
	}
	dropOn(t, ctx, display, fileURI(one))
	// The player names a local file by its path, escaped as in a URL
	// or not, or its file:// URL.
	is := func(u, path string) bool {
		return u == path || u == fileURI(path) || u == (&url.URL{Path: path}).String()
	}
	waitFor("the dropped file playing", func(r eventRecord) bool { return r.State == "Playing" && is(r.URL, one) })
	// A URL (as a browser drops a link) and a file.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "two.wmv", time.Time{}, bytes.NewReader(assets.DemoASF))
	}))
	defer srv.Close()
	web := srv.URL + "/two.wmv"
	dropOn(t, ctx, display, web, fileURI(one))
	waitFor("the dropped link and file as a playlist", func(r eventRecord) bool {
		return r.Event == "playlist" && len(r.Entries) == 2 && r.Entries[0] == web && is(r.Entries[1], one)
	})
	waitFor("the playlist's first item, the link, playing", func(r eventRecord) bool { return r.State == "Playing" && r.URL == web })
	for _, f := range []string{shotPaused, shotEnded} {
		if err := copyFile(f, filepath.Join("..", "..", "out", "screenshots", filepath.Base(f))); err != nil {
			t.Logf("could not copy %s: %v", f, err)
		}
	}

	app.quit()

	img1, img2 := readPNG(t, shot1), readPNG(t, shot2)
	if b := img1.Bounds(); b.Dx() != screenW || b.Dy() != screenH {
		t.Errorf("screenshot is %v, want %dx%d", b, screenW, screenH)
	}
	colors, stddev := imageStats(img1)
	t.Logf("screenshot: %d distinct colours, luminance stddev %.1f", colors, stddev)
	if colors < 200 || stddev < 10 {
		t.Errorf("screenshot looks blank (%d colours, stddev %.1f)", colors, stddev)
	}
	changed, box := diffBox(img1, img2)
	t.Logf("%d pixels changed between the screenshots, within %v", changed, box)
	if changed == 0 {
		t.Error("nothing on screen changed while playing: the position display is not advancing")
	} else if box.Max.Y < screenH*6/10 {
		t.Errorf("changes only in %v, not in the controls at the bottom of the window", box)
	}

	// The video picture. The demo's frames change nearly everywhere from
	// one second to the next (a turning gradient, moving orbs, spectrum
	// bars), so the pixels that changed in the video area's part of the
	// window (left of the side panel, above the controls) outline the
	// picture.
	videoPart := image.Rect(0, 0, screenW*7/10, screenH*8/10)
	vChanged, vBox := diffBox(subImage(img1, videoPart), subImage(img2, videoPart))
	t.Logf("video area: %d pixels changed, within %v", vChanged, vBox)
	if vBox.Dx() < screenW*4/10 || vBox.Dy() < screenH*3/10 {
		t.Errorf("the moving region %v is too small for the video picture (want at least %dx%d): video not shown",
			vBox, screenW*4/10, screenH*3/10)
	} else {
		frac := float64(vChanged) / float64(vBox.Dx()*vBox.Dy())
		vColors, vStddev := imageStats(subImage(img1, vBox))
		t.Logf("video picture %v: %.0f%% of its pixels changed, %d distinct colours, luminance stddev %.1f",
			vBox, 100*frac, vColors, vStddev)
		if frac < 0.3 {
			t.Errorf("only %.0f%% of the video region changed: not a moving picture", 100*frac)
		}
		if vColors < 1000 || vStddev < 8 {
			t.Errorf("the video region looks blank (%d colours, stddev %.1f)", vColors, vStddev)
		}
	}

	// A stable copy for people (git-ignored).
	stable := filepath.Join("..", "..", "out", "screenshots", "eddy-playing.png")
	if err := copyFile(shot1, stable); err != nil {
		t.Logf("could not copy the screenshot to %s: %v", stable, err)
	} else {
		t.Logf("copied to %s", stable)
	}
}

// fullScreenRoundTrip checks full screen in the real window: F fills the
// screen with the picture and no controls (issue 11: moving the mouse
// showed nothing); moving the pointer brings a dark band of controls over
// the bottom of the picture; after some seconds of stillness it goes; and
// Escape restores the window: its menu bar, location bar and side panel
// are pixel for pixel as in the screenshot taken before (windowed).
func fullScreenRoundTrip(t *testing.T, ctx context.Context, display, dir string, windowed image.Image) {
	t.Helper()
	pointer(t, ctx, display, 300, 200)
	pressKey(t, ctx, display, "f")
	// band is a strip of the controls' place that the picture covers
	// (above the black bar under the 16:9 picture): the bright picture
	// without controls, the dark bar with them.
	band := image.Rect(0, screenH-75, screenW, screenH-45)
	top := image.Rect(0, 0, screenW, 70)
	// darkRows is how many rows of the band are mostly dark grey (the
	// bar: the window's background colour, nearly opaque), not the demo's
	// picture (saturated purples and blues, some of them dark).
	darkRows := func(img image.Image, band image.Rectangle) int {
		n := 0
		for y := band.Min.Y; y < band.Max.Y; y++ {
			dark := 0
			for x := 0; x < screenW; x += 4 {
				r, g, b, _ := img.At(x, y).RGBA()
				r, g, b = r>>8, g>>8, b>>8
				lum := 0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)
				if lum < 70 && max(r, g, b)-min(r, g, b) < 40 {
					dark++
				}
			}
			if dark > screenW/4*8/10 {
				n++
			}
		}
		return n
	}
	shot := filepath.Join(dir, "eddy-fullscreen.png")
	// The window goes full screen: the menu bar at the top is gone (the
	// picture's black bar or the picture is there).
	var full image.Image
	for i := 0; ; i++ {
		screenshot(t, ctx, display, shot)
		full = readPNG(t, shot)
		if n, _ := diffBox(subImage(windowed, top), subImage(full, top)); n > screenW*70/4 {
			break
		}
		if i == 50 {
			t.Fatal("F did not make the window full screen")
		}
	}
	// above is a strip of the picture the controls never cover: the
	// band's dark grey counts only while the picture is not dark grey
	// too (the demo fades to black at its end).
	above := image.Rect(0, screenH/2, screenW, screenH/2+30)
	before := darkRows(full, band)
	shotBar := filepath.Join(dir, "eddy-fullscreen-controls.png")
	for i := 0; ; i++ {
		pointer(t, ctx, display, 320+i%7*10, 220+i%5*10)
		screenshot(t, ctx, display, shotBar)
		img := readPNG(t, shotBar)
		if n := darkRows(img, band); n >= 25 && darkRows(img, above) < 5 {
			t.Logf("full screen: %d dark rows at the bottom before the pointer moved, %d after", before, n)
			break
		}
		if i == 10 {
			t.Fatalf("moving the pointer in full screen showed no controls (%d dark rows at the bottom, %d in the middle)",
				darkRows(img, band), darkRows(img, above))
		}
	}
	if before >= 10 {
		t.Errorf("full screen showed the controls (%d dark rows) before the pointer moved", before)
	}
	shotHidden := filepath.Join(dir, "eddy-fullscreen-still.png")
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Polled, not slept: the controls go about 3 s after the last move.
		screenshot(t, ctx, display, shotHidden)
		if darkRows(readPNG(t, shotHidden), band) < 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the full-screen controls stayed 10 s after the pointer stopped")
		}
	}
	pressKey(t, ctx, display, "Escape")
	shotBack := filepath.Join(dir, "eddy-after-fullscreen.png")
	panel := image.Rect(screenW*75/100, 80, screenW, screenH*78/100)
	for i := 0; ; i++ {
		screenshot(t, ctx, display, shotBack)
		back := readPNG(t, shotBack)
		nTop, _ := diffBox(subImage(windowed, top), subImage(back, top))
		nPanel, box := diffBox(subImage(windowed, panel), subImage(back, panel))
		if nTop == 0 && nPanel == 0 {
			break
		}
		if i == 50 {
			t.Fatalf("after Escape the window differs from before full screen: %d pixels in the menu and location bars, %d in the side panel (within %v)", nTop, nPanel, box)
		}
	}
	for _, f := range []string{shot, shotBar, shotBack} {
		if err := copyFile(f, filepath.Join("..", "..", "out", "screenshots", filepath.Base(f))); err != nil {
			t.Logf("could not copy %s: %v", f, err)
		}
	}
}

// seekTipAndVolume checks the seek bar's time under the pointer and the
// on-screen volume message in the real window: hovering the bar shows a
// light-on-dark label just above it, at the pointer, in the black band
// under the picture (nothing there otherwise); ↓ shows a dark message box
// at the top left of the picture, which goes after about 1.5 s.
func seekTipAndVolume(t *testing.T, ctx context.Context, display, dir string) {
	t.Helper()
	const barY, tipX = 534, 400 // the seek bar's middle in the 1000×640 window
	tipArea := image.Rect(tipX-30, barY-38, tipX+30, barY-22)
	light := func(img image.Image, r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				if cr>>8 > 150 && cg>>8 > 150 && cb>>8 > 150 {
					n++
				}
			}
		}
		return n
	}
	shot := filepath.Join(dir, "eddy-seek-tip.png")
	pointer(t, ctx, display, tipX, 300)
	screenshot(t, ctx, display, shot)
	if n := light(readPNG(t, shot), tipArea); n != 0 {
		t.Fatalf("%d light pixels above the seek bar before hovering it", n)
	}
	for i := 0; ; i++ {
		pointer(t, ctx, display, tipX+i%3, barY)
		screenshot(t, ctx, display, shot)
		if n := light(readPNG(t, shot), tipArea); n >= 20 {
			break
		}
		if i == 10 {
			t.Fatal("hovering the seek bar shows no time above it")
		}
	}
	pointer(t, ctx, display, tipX, 300)

	// The volume message: a box darkening the picture (the demo's top
	// left is a mid-bright purple) with light text.
	box := image.Rect(24, 100, 140, 126)
	greyText := func(img image.Image) (dark, lightPx int) {
		for y := box.Min.Y; y < box.Max.Y; y++ {
			for x := box.Min.X; x < box.Max.X; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				if 0.299*float64(cr>>8)+0.587*float64(cg>>8)+0.114*float64(cb>>8) < 50 {
					dark++
				}
			}
		}
		return dark, light(img, box)
	}
	pressKey(t, ctx, display, "Down")
	shotOSD := filepath.Join(dir, "eddy-volume-message.png")
	for i := 0; ; i++ {
		screenshot(t, ctx, display, shotOSD)
		g, l := greyText(readPNG(t, shotOSD))
		if g > box.Dx()*box.Dy()/2 && l > 30 {
			break
		}
		if i == 10 {
			t.Fatalf("↓ shows no volume message over the picture (%d dark, %d light pixels)", g, l)
		}
	}
	deadline := time.Now().Add(8 * time.Second)
	for {
		screenshot(t, ctx, display, shotOSD+".gone.png")
		if g, l := greyText(readPNG(t, shotOSD+".gone.png")); g < box.Dx()*box.Dy()/4 && l < 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the volume message stays over the picture")
		}
	}
	for _, f := range []string{shot, shotOSD} {
		if err := copyFile(f, filepath.Join("..", "..", "out", "screenshots", filepath.Base(f))); err != nil {
			t.Logf("could not copy %s: %v", f, err)
		}
	}
}

// dropOn drops uris on the app's window (found by its title) in the
// middle of the picture, through XDND as a file manager would.
func dropOn(t *testing.T, ctx context.Context, display string, uris ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--name", "Eddy")
	cmd.Env = append(filteredEnv("DISPLAY"), "DISPLAY="+display)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xdotool search: %v", err)
	}
	id, err := strconv.ParseUint(strings.Fields(string(out))[0], 10, 64)
	if err != nil {
		t.Fatalf("xdotool search: %q", out)
	}
	if err := xdnd.Drop(display, id, screenW/3, screenH/2, uris); err != nil {
		t.Fatal(err)
	}
}

// fileURI is the file:// URI of a path, as file managers drop it.
func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: path}).String()
}
