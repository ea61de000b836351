package ui

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// keepWindowSize turns View ▸ Fit Window to Video off, for a test of how
// a picture sits in a window of a given size.
func (f *fixture) keepWindowSize() {
	f.t.Helper()
	if f.v.FitsWindow() {
		f.v.ToggleFitWindow()
	}
}

func TestFitSize(t *testing.T) {
	// The 1000x640 window as Eddy opens it: the video area 708x436 beside
	// the side panel (least width 263) in a split 992 wide with an 8-unit
	// divider, the video's share 0.72. So the window's height is 204 more
	// than the video's, and its width 16 more than the split's.
	split := fitLayout{window: fyne.NewSize(1000, 640), area: fyne.NewSize(708, 436),
		split: true, splitWidth: 992, panelMin: 263, divider: 8, offset: 0.72}
	noPanel := fitLayout{window: fyne.NewSize(1000, 640), area: fyne.NewSize(992, 436)}
	home := fyne.NewSize(1000, 640)
	for _, c := range []struct {
		name        string
		l           fitLayout
		video, home fyne.Size
		want        fyne.Size
	}{
		// The panel's least width decides: 320+263 > 320/0.72.
		{"320x240: the panel at its least width", split, fyne.NewSize(320, 240), home, fyne.NewSize(16+320+263, 204+240)},
		// The share decides: 1000/0.72 > 1000+263 is false, 1280/0.72
		// = 1777.8 > 1543; within 1000 wide, s = 984/1777.8 = 0.5535,
		// 204+720s = 602.5, rounded.
		{"1280x720 fitted within home", split, fyne.NewSize(1280, 720), home, fyne.NewSize(1000, 603)},
		{"640x360: 640+263 > 888.9", split, fyne.NewSize(640, 360), home, fyne.NewSize(16+640+263, 204+360)},
		// The height decides: 204+640s <= 640, s = 0.68125; the width
		// is then 16+max(327/0.72, 327+263).
		{"480x640 portrait: height-bound", split, fyne.NewSize(480, 640), home, fyne.NewSize(16+327+263, 640)},
		{"1280x720 with no home: its own size", split, fyne.NewSize(1280, 720), fyne.Size{}, fyne.NewSize(16+1778, 204+720)},
		{"side panel hidden", noPanel, fyne.NewSize(320, 240), home, fyne.NewSize(8+320, 204+240)},
		{"side panel hidden, larger than home", noPanel, fyne.NewSize(1984, 872), home, fyne.NewSize(8+992, 204+436)},
		{"no picture size: the window as it is", split, fyne.Size{}, home, fyne.NewSize(1000, 640)},
		// A stream's pixel aspect ratio of 65535:1 on a 320x240 picture:
		// a sliver within home (Fyne keeps the window at its least size).
		{"hostile pixel aspect ratio", split, fyne.NewSize(320*65535, 240), home, fyne.NewSize(1000, 204)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fitSize(c.l, c.video, c.home); got != c.want {
				t.Errorf("fitSize = %v, want %v", got, c.want)
			}
		})
	}
}

func TestWindowFitHome(t *testing.T) {
	least := fyne.NewSize(478, 317)
	var f windowFit
	step := func(s, least, wantHome fyne.Size, what string) {
		t.Helper()
		f.sized(s, func() fyne.Size { return least })
		if f.home != wantHome {
			t.Errorf("%s: home %v, want %v", what, f.home, wantHome)
		}
	}
	step(fyne.NewSize(1000, 640), least, fyne.NewSize(1000, 640), "the first size")
	f.remember(fyne.NewSize(599, 444))
	step(fyne.NewSize(599.4, 444), least, fyne.NewSize(1000, 640), "the size a fit asked for")
	// Opening shows a placeholder larger than the picture: Fyne grows
	// the window to the content's least size.
	step(fyne.NewSize(740, 577), fyne.NewSize(740, 577), fyne.NewSize(1000, 640), "grown to the least size")
	step(fyne.NewSize(740, 577), least, fyne.NewSize(1000, 640), "laid out again at the same size")
	// The picture: fitted again, and the window manager's answers to the
	// growth and the fit come after the fit, in turn.
	f.remember(fyne.NewSize(599, 444))
	step(fyne.NewSize(599, 444), least, fyne.NewSize(1000, 640), "the fit")
	step(fyne.NewSize(740, 577), least, fyne.NewSize(1000, 640), "the growth's answer, late")
	step(fyne.NewSize(599, 444), least, fyne.NewSize(1000, 640), "the fit's answer")
	step(fyne.NewSize(800, 500), least, fyne.NewSize(800, 500), "the user's size")
	step(fyne.NewSize(900, 500), least, fyne.NewSize(900, 500), "the user's wider size")
	step(fyne.NewSize(860, 520), least, fyne.NewSize(860, 520), "the user's narrower, taller size")
	// A fit the window manager did not give: the next size is the user's.
	f.remember(fyne.NewSize(650, 460))
	step(fyne.NewSize(700, 450), least, fyne.NewSize(700, 450), "a size that is not the fit's")
}

// presentFirst makes m the presentation on show, playing, and presents a
// w×h picture.
func (f *fixture) presentFirst(w, h int) {
	f.t.Helper()
	m := clipMedia(false)
	m.Tracks = append(m.Tracks[:0], wmvTrack(2, w, h, true))
	f.emit(player.MediaChanged, status(player.Buffering, m, 0))
	f.emit(player.StateChanged, status(player.Playing, m, 0))
	f.v.VideoOutput().Present(twoColourFrame(w, h, red, blue))
	if !f.v.video.showingPicture() {
		f.t.Fatalf("the %dx%d picture does not show", w, h)
	}
}

func TestFitWindowToVideo(t *testing.T) {
	f := newFixture(t)
	home := f.win.Canvas().Size() // 960x600, given before any picture
	if !f.v.FitsWindow() || !f.v.fit.item.Checked {
		t.Fatal("View ▸ Fit Window to Video is off at first")
	}
	area := func() fyne.Size { return f.v.video.root.Size() }
	// The picture fills the area: no black bars beside or above it.
	fills := func(what string) {
		t.Helper()
		if pic, a := f.videoRect(), f.videoAreaRect(); pic.Dx() < a.Dx()-2 || pic.Dy() < a.Dy()-2 {
			t.Errorf("%s: picture %v in area %v, want it to fill the area", what, pic, a)
		}
	}

	f.presentFirst(320, 240)
	if a := area(); !sizeNear(a, fyne.NewSize(320, 240)) {
		t.Errorf("320x240 picture: video area %v, want 320x240", a)
	}
	fills("320x240")

	// The next presentation, larger than the window opened at: fitted
	// within that size (960x600), not within the last fit's.
	f.presentFirst(1280, 720)
	if c := f.win.Canvas().Size(); c.Width > home.Width+0.5 || c.Height > home.Height+0.5 ||
		(!unitNear(c.Width, home.Width) && !unitNear(c.Height, home.Height)) {
		t.Errorf("1280x720 picture after a 320x240 one: window %v, want it within %v and as wide or as tall", c, home)
	}
	fills("1280x720 after 320x240")

	// A later picture of the same presentation does not fit again: the
	// user's size stays.
	f.win.Resize(fyne.NewSize(700, 520))
	f.v.VideoOutput().Present(twoColourFrame(320, 240, blue, red))
	if c := f.win.Canvas().Size(); c != fyne.NewSize(700, 520) {
		t.Errorf("a second picture resized the window to %v", c)
	}

	// Larger than the user's last size (700x520): fitted within it.
	f.presentFirst(1280, 720)
	c := f.win.Canvas().Size()
	if c.Width > 700.5 || c.Height > 520.5 || (!unitNear(c.Width, 700) && !unitNear(c.Height, 520)) {
		t.Errorf("1280x720 picture: window %v, want it within 700x520 and as wide or as tall", c)
	}
	if a := area(); math.Abs(float64(a.Width/a.Height)-16.0/9) > 0.02 {
		t.Errorf("1280x720 picture: video area %v, want 16:9", a)
	}
	fills("1280x720")

	// Turned off (and remembered): the window keeps its size.
	f.win.Resize(home)
	f.v.ToggleFitWindow()
	if f.v.FitsWindow() || f.v.fit.item.Checked {
		t.Fatal("Fit Window to Video still on after the toggle")
	}
	f.presentFirst(320, 240)
	if c := f.win.Canvas().Size(); c != home {
		t.Errorf("fit turned off: window resized to %v", c)
	}
	v2 := New(Config{App: f.app, Window: test.NewTempWindow(t, widget.NewLabel("")), Controller: newFakeController()})
	t.Cleanup(v2.Close)
	if v2.FitsWindow() {
		t.Error("a new window fits the video although the user turned it off")
	}

	// Turned on again with a picture on screen: fitted at once.
	f.v.ToggleFitWindow()
	if a := area(); !sizeNear(a, fyne.NewSize(320, 240)) {
		t.Errorf("turned on again: video area %v, want 320x240", a)
	}

	// Full screen: never.
	f.win.Resize(home)
	f.v.SetFullScreen(true)
	before := f.win.Canvas().Size()
	f.presentFirst(640, 480)
	if c := f.win.Canvas().Size(); c != before {
		t.Errorf("full screen: the window went from %v to %v", before, c)
	}
}
