package ui

import (
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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
