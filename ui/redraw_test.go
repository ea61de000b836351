package ui

import (
	"image"
	"image/color"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/eddyplayer/eddy/player/decoder"

	"github.com/eddyplayer/eddy/player"
)

// Any object refreshed in a window makes Fyne's GL driver redraw the
// whole window (in software GL on a machine without a GPU, tens of
// milliseconds). countingApp counts the refreshes that reach a canvas,
// so a test can tell whether applying a status redraws anything: every
// canvas.Refresh goes through the current app's driver's CanvasForObject.
type countingApp struct {
	fyne.App
	d *countingDriver
}

func (a *countingApp) Driver() fyne.Driver { return a.d }

type countingDriver struct {
	fyne.Driver
	n atomic.Int64
}

func (d *countingDriver) CanvasForObject(o fyne.CanvasObject) fyne.Canvas {
	c := d.Driver.CanvasForObject(o)
	if c == nil {
		return nil
	}
	return countingCanvas{c, &d.n}
}

type countingCanvas struct {
	fyne.Canvas
	n *atomic.Int64
}

func (c countingCanvas) Refresh(o fyne.CanvasObject) {
	c.n.Add(1)
	c.Canvas.Refresh(o)
}

// newCountingFixture is newFixture with refreshes counted.
func newCountingFixture(t *testing.T) (*fixture, *countingDriver) {
	t.Helper()
	a := test.NewTempApp(t)
	ca := &countingApp{App: a, d: &countingDriver{Driver: a.Driver()}}
	fyne.SetCurrentApp(ca)
	return newFixtureWithApp(t, ca), ca.d
}

// TestPausedStatusRedrawsNothing: while paused the player still publishes
// its statistics once a second (the session time goes on); with the
// Statistics tab not on screen that must redraw nothing (issue 12: below
// 1% CPU while paused), and the tab, once shown, shows the newest
// counters and goes on updating.
func TestPausedStatusRedrawsNothing(t *testing.T) {
	f, d := newCountingFixture(t)
	m := demoMedia()
	s := status(player.Playing, m, 3*time.Second)
	f.emit(player.StateChanged, s)
	s.State = player.Paused
	f.emit(player.StateChanged, s)

	for _, tab := range []int{0, 1, 3} {
		f.v.showTab(tab)
		d.n.Store(0)
		for i := range 3 {
			s.Stats.Elapsed = time.Duration(10+i) * time.Second
			s.Stats.PacketsReceived = int64(100 + i) // a live stream keeps arriving
			f.emit(player.StatsChanged, s)
		}
		if n := d.n.Load(); n != 0 {
			t.Errorf("tab %d shown: %d refreshes while paused with only the statistics changing, want none", tab, n)
		}
	}
	f.v.showTab(statsTab)
	if got := f.v.stats.elapsed.Text; got != "0:12" {
		t.Errorf("Statistics tab shown: session time %q, want the newest, 0:12", got)
	}
	d.n.Store(0)
	s.Stats.Elapsed = 20 * time.Second
	f.emit(player.StatsChanged, s)
	if d.n.Load() == 0 || f.v.stats.elapsed.Text != "0:20" {
		t.Errorf("Statistics tab on screen: %d refreshes, session time %q; want it redrawn with 0:20", d.n.Load(), f.v.stats.elapsed.Text)
	}
	// Hidden side panel, and full screen: off screen again.
	f.v.SetSidePanel(false)
	d.n.Store(0)
	s.Stats.Elapsed = 21 * time.Second
	f.emit(player.StatsChanged, s)
	if n := d.n.Load(); n != 0 {
		t.Errorf("side panel hidden: %d refreshes, want none", n)
	}
}

// TestStatusGoesWithTheNextFrame: while video frames flow, the position's
// updates are not queued on their own (each would redraw the window
// between two frames) but applied with the next frame, in the same
// update; with no frame within frameWait they are applied on their own,
// and while paused at once.
func TestStatusGoesWithTheNextFrame(t *testing.T) {
	f := newFixture(t)
	m := clipMedia(true)
	f.emit(player.MediaChanged, status(player.Playing, m, 0))
	var queue []func()
	f.v.do = func(fn func()) { queue = append(queue, fn) }
	var armed []func()
	f.v.after = func(d time.Duration, fn func()) {
		if d != frameWait {
			t.Errorf("fallback armed for %v, want frameWait", d)
		}
		armed = append(armed, fn)
	}
	run := func() { runQueue(&queue) }
	out := f.v.VideoOutput()
	frame := func() decoder.Frame { return twoColourFrame(48, 27, red, blue) }
	out.Present(frame())
	run()

	f.emit(player.PositionChanged, status(player.Playing, m, 5*time.Second))
	if len(queue) != 0 || len(armed) != 1 {
		t.Fatalf("position while frames flow: %d updates queued, %d fallbacks armed; want 0 and 1", len(queue), len(armed))
	}
	next := frame()
	out.Present(next)
	if len(queue) != 1 {
		t.Fatalf("%d updates queued for a frame and a position, want 1", len(queue))
	}
	run()
	if f.v.elapsed.Text != "0:05" || f.v.video.pictureOf() != next.Image {
		t.Errorf("after the frame's update: time %q, new picture %v; want 0:05 and the frame", f.v.elapsed.Text, f.v.video.pictureOf() == next.Image)
	}
	armed[0]() // the fallback, late: nothing is owed any more
	if len(queue) != 0 {
		t.Errorf("the fallback queued %d updates after the frame applied the status", len(queue))
	}

	// No frame comes (a stall): the fallback applies it.
	armed = nil
	f.emit(player.PositionChanged, status(player.Playing, m, 6*time.Second))
	if len(queue) != 0 || len(armed) != 1 {
		t.Fatalf("%d queued, %d armed; want 0 and 1", len(queue), len(armed))
	}
	armed[0]()
	run()
	if f.v.elapsed.Text != "0:06" {
		t.Errorf("after the fallback: time %q, want 0:06", f.v.elapsed.Text)
	}

	// Paused: no frames come; updates are applied at once.
	f.emit(player.StateChanged, status(player.Paused, m, 6*time.Second))
	run()
	armed = nil
	st := status(player.Paused, m, 7*time.Second)
	f.emit(player.PositionChanged, st)
	if len(queue) != 1 || len(armed) != 0 {
		t.Fatalf("paused: %d queued, %d armed; want 1 and 0", len(queue), len(armed))
	}
	run()
	if f.v.elapsed.Text != "0:07" {
		t.Errorf("paused: time %q, want 0:07", f.v.elapsed.Text)
	}
}

// TestGradientNotDrawnUnderThePicture: the video area's gradient is
// hidden while a picture shows (the black layer covers it; drawing it
// under every frame is a full-area texture per redraw) and back with the
// placeholder.
func TestGradientNotDrawnUnderThePicture(t *testing.T) {
	f := newFixture(t)
	f.emit(player.MediaChanged, status(player.Playing, clipMedia(true), 0))
	if !f.v.video.bg.Visible() {
		t.Fatal("gradient hidden before any picture")
	}
	f.v.VideoOutput().Present(twoColourFrame(48, 27, red, blue))
	if f.v.video.pictureOf() == nil || f.v.video.bg.Visible() {
		t.Errorf("picture shown %v, gradient visible %v; want the picture and no gradient", f.v.video.pictureOf() != nil, f.v.video.bg.Visible())
	}
	f.emit(player.StateChanged, status(player.Stopped, nil, 0))
	if f.v.video.pictureOf() != nil || !f.v.video.bg.Visible() {
		t.Errorf("stopped: picture %v, gradient visible %v; want the placeholder on the gradient", f.v.video.pictureOf() != nil, f.v.video.bg.Visible())
	}
}

// TestBarsTileTheAreaAroundThePicture: the black bars cover exactly what
// the picture does not (no black drawn under the picture, no gap), for
// letterbox, pillarbox, a picture smaller than the area both ways
// (Original Size) and a stretched one.
func TestBarsTileTheAreaAroundThePicture(t *testing.T) {
	for _, tc := range []struct {
		name  string
		l     aspectLayout
		area  fyne.Size
		wantN int // bars with an area
	}{
		{"letterbox", aspectLayout{aspect: 16.0 / 9}, fyne.NewSize(640, 480), 2},
		{"pillarbox", aspectLayout{aspect: 4.0 / 3}, fyne.NewSize(900, 400), 2},
		{"exact", aspectLayout{aspect: 2}, fyne.NewSize(800, 400), 0},
		{"original size", aspectLayout{aspect: 4.0 / 3, zoom: zoomOriginal, width: 320}, fyne.NewSize(700, 500), 4},
		{"stretch", aspectLayout{aspect: 4.0 / 3, zoom: zoomStretch}, fyne.NewSize(900, 400), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := make([]fyne.CanvasObject, 5)
			for i := range objs {
				objs[i] = canvas.NewRectangle(color.Black)
			}
			tc.l.Layout(objs, tc.area)
			rects := make([][4]float32, 5)
			var sum float32
			n := 0
			for i, o := range objs {
				p, s := o.Position(), o.Size()
				rects[i] = [4]float32{p.X, p.Y, p.X + s.Width, p.Y + s.Height}
				a := s.Width * s.Height
				if s.Width < 0 || s.Height < 0 || p.X < 0 || p.Y < 0 || rects[i][2] > tc.area.Width+0.01 || rects[i][3] > tc.area.Height+0.01 {
					t.Errorf("object %d at %v size %v: outside the area %v", i, p, s, tc.area)
				}
				sum += a
				if i > 0 && a > 0.5 {
					n++
				}
			}
			if d := sum - tc.area.Width*tc.area.Height; d > 1 || d < -1 {
				t.Errorf("picture and bars cover %.0f, the area is %.0f", sum, tc.area.Width*tc.area.Height)
			}
			for i := range rects {
				for j := i + 1; j < len(rects); j++ {
					a, b := rects[i], rects[j]
					w := min(a[2], b[2]) - max(a[0], b[0])
					h := min(a[3], b[3]) - max(a[1], b[1])
					if w > 0.01 && h > 0.01 {
						t.Errorf("objects %d %v and %d %v overlap", i, a, j, b)
					}
				}
			}
			if n != tc.wantN {
				t.Errorf("%d bars with an area, want %d", n, tc.wantN)
			}
		})
	}
}

// TestBufferLevelInWholeSeconds: the status bar shows the buffer in whole
// seconds, so the level's tenths moving with each packet (ten status
// updates a second) re-shape no text and redraw nothing.
func TestBufferLevelInWholeSeconds(t *testing.T) {
	f, d := newCountingFixture(t)
	m := demoMedia()
	s := status(player.Playing, m, 3*time.Second)
	s.Stats.BitrateBps = 64000
	s.Stats.BufferLevel = 30100 * time.Millisecond
	f.emit(player.StateChanged, s)
	if got := f.v.status.bitrate.Text; !strings.HasSuffix(got, "buffer 30 s") {
		t.Fatalf("status bar %q, want the buffer as 30 s", got)
	}
	d.n.Store(0)
	for _, ms := range []int64{30200, 30500, 30900, 30000} {
		s.Stats.BufferLevel = time.Duration(ms) * time.Millisecond
		f.emit(player.BufferingChanged, s)
	}
	if n := d.n.Load(); n != 0 {
		t.Errorf("%d refreshes for the buffer's tenths, want none", n)
	}
	s.Stats.BufferLevel = 29 * time.Second
	f.emit(player.BufferingChanged, s)
	if got := f.v.status.bitrate.Text; !strings.HasSuffix(got, "buffer 29 s") || d.n.Load() == 0 {
		t.Errorf("status bar %q after 29 s (%d refreshes), want it shown", got, d.n.Load())
	}
}

// TestPicturesGivenBackOnce: the window gives a picture back (for the
// decoder to reuse) exactly when nobody will read it again: a frame
// replaced in the slot before it was drawn, the picture on screen once the
// next one is drawn, the last one when the video area is cleared, and a
// frame that arrives while no video may show. Never the one on screen,
// never twice.
func TestPicturesGivenBackOnce(t *testing.T) {
	f := newFixture(t)
	m := clipMedia(true)
	f.emit(player.MediaChanged, status(player.Playing, m, 0))
	var queue []func()
	f.v.do = func(fn func()) { queue = append(queue, fn) }
	run := func() { runQueue(&queue) }
	out := f.v.VideoOutput()
	back := map[*image.RGBA]int{}
	out.SetFrameReturn(func(img *image.RGBA) { back[img]++ })
	check := func(step string, want ...*image.RGBA) {
		t.Helper()
		for _, img := range want {
			if back[img] != 1 {
				t.Errorf("%s: a picture given back %d times, want once", step, back[img])
			}
		}
		n := 0
		for _, c := range back {
			n += c
		}
		if n != len(want) {
			t.Errorf("%s: %d pictures given back, want %d", step, n, len(want))
		}
		if pic, _ := f.v.video.pictureOf().(*image.RGBA); pic != nil && back[pic] != 0 {
			t.Errorf("%s: the picture on screen was given back", step)
		}
		clear(back)
	}
	fr := func() decoder.Frame { return twoColourFrame(48, 27, red, blue) }

	a, b := fr(), fr()
	out.Present(a)
	out.Present(b) // replaces a before it is drawn
	check("a replaced in the slot", a.Image)
	run()
	check("b drawn")
	c := fr()
	out.Present(c)
	run()
	check("c drawn over b", b.Image)
	f.emit(player.StateChanged, status(player.Stopped, nil, 0))
	run()
	check("stopped: the area cleared", c.Image)
	d := fr()
	out.Present(d) // a late frame of the stopped presentation
	run()
	check("a frame while stopped", d.Image)
}

// runQueue runs the Fyne goroutine's queued functions as fyne.Do would,
// and those they queue, until none is left.
func runQueue(queue *[]func()) {
	for len(*queue) > 0 {
		fn := (*queue)[0]
		*queue = (*queue)[1:]
		fn()
	}
}

// TestSeekBarRedrawsWhenTheThumbMoves: the player reports the position
// ten times a second, and each refresh redraws the whole window; the bar
// redraws only when its thumb moves by half a unit or more, keeping the
// newest time for any redraw.
func TestSeekBarRedrawsWhenTheThumbMoves(t *testing.T) {
	s, d := countingSeekBar(t, 2000*time.Second)
	units := s.Size().Width // the bar's width for 2000 s
	if units < 400 {
		t.Fatalf("bar %v wide", units)
	}
	d.n.Store(0)
	// A tenth of a second of 2000 s on a bar of ~500 units moves the
	// thumb by a fortieth of a unit: ten reports, no redraw.
	for i := 1; i <= 10; i++ {
		s.SetTime(time.Duration(i) * 100 * time.Millisecond)
	}
	if n := d.n.Load(); n != 0 {
		t.Fatalf("%d redraws for a thumb that moved %.2f units", n, units/2000)
	}
	if got := s.Time(); got != time.Second {
		t.Fatalf("bar at %v, want the newest time 1s", got)
	}
	// Three seconds more move it by about three quarters of a unit:
	// redrawn.
	s.SetTime(4 * time.Second)
	if n := d.n.Load(); n == 0 {
		t.Fatal("the thumb moved a unit and the bar was not redrawn")
	}
	// A seek far away redraws at once.
	d.n.Store(0)
	s.SetTime(500 * time.Second)
	if n := d.n.Load(); n == 0 {
		t.Fatal("a jump of half the bar was not redrawn")
	}
}

// TestSeekBarFollowsAtMostFourTimesASecond: over a short clip the thumb
// moves a unit or more with each of the player's ten reports a second,
// and each redraw repaints the whole window. While playing (Follow) the
// bar redraws at most every 250 ms, keeping the newest time; SetTime
// (paused, stopped, a seek) redraws at once.
func TestSeekBarFollowsAtMostFourTimesASecond(t *testing.T) {
	s, d := countingSeekBar(t, 65*time.Second)
	if units := s.Size().Width; units < 400 {
		t.Fatalf("bar %v wide", units)
	}
	// A redraw of the bar refreshes several of its objects: count them.
	d.n.Store(0)
	s.SetTime(30 * time.Second)
	per := d.n.Load()
	s.SetTime(0)
	if per == 0 {
		t.Fatal("a jump of half the bar was not redrawn")
	}
	t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	d.n.Store(0)
	// Two seconds of reports, one every 100 ms: each moves the thumb
	// about 0.7 units.
	for i := 1; i <= 20; i++ {
		s.Follow(time.Duration(i)*100*time.Millisecond, t0.Add(time.Duration(i)*100*time.Millisecond))
	}
	if n := d.n.Load() / per; n < 7 || n > 8 {
		t.Errorf("%d redraws in 2 s of reports, want 7 or 8 (every 250 ms)", n)
	}
	if got := s.Time(); got != 2*time.Second {
		t.Fatalf("bar at %v, want the newest time 2s", got)
	}
	// Paused 50 ms after the last report: the exact position, at once.
	d.n.Store(0)
	s.Follow(2100*time.Millisecond, t0.Add(2100*time.Millisecond))
	drawnBefore := d.n.Load()
	s.SetTime(2150 * time.Millisecond)
	if d.n.Load() == drawnBefore {
		t.Error("SetTime did not redraw within 250 ms of a Follow")
	}
	// The same reports through SetTime redraw each time.
	d.n.Store(0)
	for i := 1; i <= 20; i++ {
		s.SetTime(3*time.Second + time.Duration(i)*100*time.Millisecond)
	}
	if n := d.n.Load() / per; n < 18 {
		t.Errorf("SetTime: %d redraws for 20 moves of 0.7 units", n)
	}
}

// TestPlayingPositionRedrawsTheBarAtAHumanRate: the player's position
// reports while playing a short clip move the thumb a unit each; the view
// has the bar follow them (Follow), so a burst of reports redraws it once,
// and a pause shows the exact position at once.
func TestPlayingPositionRedrawsTheBarAtAHumanRate(t *testing.T) {
	f, d := newCountingFixture(t)
	m := demoMedia() // 20 s: a report every 100 ms moves the thumb
	s := status(player.Playing, m, 0)
	f.emit(player.StateChanged, s)
	d.n.Store(0)
	f.v.seek.SetTime(10 * time.Second)
	per := d.n.Load() // the refreshes of one redraw of the bar
	if per == 0 {
		t.Fatal("a jump of half the bar was not redrawn")
	}
	f.v.seek.SetTime(0)
	d.n.Store(0)
	for i := 1; i <= 9; i++ { // within one second: the clock label stays
		s.Position = time.Duration(i) * 100 * time.Millisecond
		f.emit(player.PositionChanged, s)
	}
	if n := d.n.Load(); n > 2*per {
		t.Errorf("9 position reports in a burst: %d refreshes (%d for one redraw of the bar), want one redraw", n, per)
	}
	if got := f.v.seek.Time(); got != 900*time.Millisecond {
		t.Errorf("bar at %v, want the newest position", got)
	}
	d.n.Store(0)
	s.State, s.Position = player.Paused, 950*time.Millisecond
	f.emit(player.StateChanged, s)
	if d.n.Load() == 0 || f.v.seek.Time() != 950*time.Millisecond {
		t.Errorf("paused: bar at %v after %d refreshes, want 950ms redrawn", f.v.seek.Time(), d.n.Load())
	}
}

// countingSeekBar is a seek bar over dur, 500 units wide in a window,
// with the refreshes reaching its canvas counted.
func countingSeekBar(t *testing.T, dur time.Duration) (*SeekBar, *countingDriver) {
	t.Helper()
	a := test.NewTempApp(t)
	ca := &countingApp{App: a, d: &countingDriver{Driver: a.Driver()}}
	fyne.SetCurrentApp(ca)
	s := NewSeekBar()
	w := test.NewTempWindow(t, s)
	w.Resize(fyne.NewSize(500, 60))
	s.SetDuration(dur, true)
	return s, ca.d
}
