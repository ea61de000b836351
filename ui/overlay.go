package ui

import (
	"fmt"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

const (
	// controlsHideDelay is how long the pointer must stay still in full
	// screen before the controls hide.
	controlsHideDelay = 3 * time.Second
	// controlsEdge is the margin above the full-screen controls within
	// which a pointer leaving the picture counts as going onto them.
	controlsEdge = 8
	// osdDuration is how long an on-screen message stays.
	osdDuration = 1500 * time.Millisecond
	// splitOffset is the video's share of the width beside the side
	// panel (the divider can be dragged).
	splitOffset = 0.72
)

// idleTimer runs fn on the Fyne goroutine once delay has passed since the
// last poke. Pokes only record the time (no timer is made or reset per
// poke, so a stream of pointer moves costs nothing); the one timer, when
// it fires early, waits out the rest. Methods are called on the Fyne
// goroutine; the timer posts through do.
type idleTimer struct {
	delay time.Duration
	do    func(func())
	fn    func()

	mu    sync.Mutex
	last  time.Time
	timer *time.Timer
	gen   int // bumped by stop: a firing of an older generation does nothing
}

func newIdleTimer(delay time.Duration, do func(func()), fn func()) *idleTimer {
	return &idleTimer{delay: delay, do: do, fn: fn}
}

// poke restarts the idle time.
func (t *idleTimer) poke() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last = time.Now()
	if t.timer == nil {
		gen := t.gen
		t.timer = time.AfterFunc(t.delay, func() { t.fire(gen) })
	}
}

// stop forgets a pending run.
func (t *idleTimer) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
}

// fire runs on the timer's goroutine.
func (t *idleTimer) fire(gen int) {
	t.mu.Lock()
	if gen != t.gen {
		t.mu.Unlock()
		return
	}
	if rest := t.delay - time.Since(t.last); rest > 0 {
		t.timer = time.AfterFunc(rest, func() { t.fire(gen) })
		t.mu.Unlock()
		return
	}
	t.timer = nil
	t.mu.Unlock()
	t.do(func() {
		t.mu.Lock()
		stale := gen != t.gen || t.timer != nil // stopped, or poked again since
		t.mu.Unlock()
		if !stale {
			t.fn()
		}
	})
}

// doLater runs f on the Fyne goroutine (through later when set, else do)
// unless the view is closed by then. The idle timers use it.
func (v *View) doLater(f func()) {
	v.pump.Lock()
	closed, do := v.closed, v.do
	if v.later != nil {
		do = v.later
	}
	v.pump.Unlock()
	if closed {
		return
	}
	do(func() {
		v.pump.Lock()
		closed := v.closed
		v.pump.Unlock()
		if !closed {
			f()
		}
	})
}

// osd is the on-screen message over the top of the picture ("Volume
// 70%", "1:23 / 4:56"), hidden osdDuration after the last message.
type osd struct {
	box   *fyne.Container
	text  *widget.Label
	timer *idleTimer
}

func newOSD(a *videoArea, do func(func())) *osd {
	o := &osd{box: a.osd, text: a.osdText}
	o.timer = newIdleTimer(osdDuration, do, func() { o.box.Hide() })
	return o
}

// show shows text (only what changed is redrawn).
func (o *osd) show(text string) {
	changed := false
	if o.text.Text != text {
		o.text.SetText(text)
		changed = true
	}
	if !o.box.Visible() {
		o.box.Show()
		changed = true
	}
	if changed {
		// Lay the box out again: its size follows the text (a shown
		// container is not laid out by Show, and a label's new text
		// does not resize its parents).
		o.box.Refresh()
	}
	o.timer.poke()
}

// Text is the message shown, "" when none.
func (o *osd) Text() string {
	if !o.box.Visible() {
		return ""
	}
	return o.text.Text
}

func newOSDBox() (*fyne.Container, *widget.Label) {
	text := &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	scrim := canvas.NewRectangle(color.NRGBA{0, 0, 0, 0xa8})
	scrim.CornerRadius = 8
	box := container.NewBorder(
		container.New(layout.NewCustomPaddedLayout(16, 0, 16, 0),
			container.NewHBox(container.NewStack(scrim, container.New(layout.NewCustomPaddedLayout(0, 0, 6, 6), text)))),
		nil, nil, nil)
	box.Hide()
	return box, text
}

// volumeText is the volume as the window shows it, "70%".
func volumeText(f float64) string { return fmt.Sprintf("%d%%", percent(f)) }

// seekTip is the label over the seek bar giving the media time under the
// pointer. It lives in a layer over the whole window with no layout of
// its own: it takes no events (the bar under it keeps them) and moving it
// redraws only itself.
type seekTip struct {
	bar   *SeekBar
	layer *fyne.Container
	box   *fyne.Container
	text  *canvas.Text
}

func newSeekTip(bar *SeekBar) *seekTip {
	t := &seekTip{bar: bar}
	t.text = canvas.NewText("", color.White)
	bg := canvas.NewRectangle(color.NRGBA{0x10, 0x14, 0x20, 0xe8})
	bg.CornerRadius = 4
	t.box = container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(2, 2, 6, 6), t.text))
	t.box.Hide()
	t.layer = container.NewWithoutLayout(t.box)
	bar.OnHover = t.show
	bar.OnHoverEnd = t.hide
	return t
}

// show puts the tip above the bar at x (bar coordinates) with d.
func (t *seekTip) show(d time.Duration, x float32) {
	text := formatClock(d)
	if t.text.Text != text {
		t.text.Text = text
		t.text.TextSize = theme.TextSize()
		t.text.Refresh()
	}
	size := t.box.MinSize()
	if t.box.Size() != size {
		t.box.Resize(size)
	}
	drv := fyne.CurrentApp().Driver()
	origin := drv.AbsolutePositionForObject(t.layer)
	bar := drv.AbsolutePositionForObject(t.bar)
	pos := fyne.NewPos(bar.X-origin.X+x-size.Width/2, bar.Y-origin.Y-size.Height-2)
	if max := t.layer.Size().Width - size.Width; pos.X > max {
		pos.X = max
	}
	if pos.X < 0 {
		pos.X = 0
	}
	if t.box.Position() != pos {
		t.box.Move(pos)
	}
	if !t.box.Visible() {
		t.box.Show()
	}
}

func (t *seekTip) hide() {
	if t.box.Visible() {
		t.box.Hide()
	}
}

// Text is the time the tip shows, "" when hidden.
func (t *seekTip) Text() string {
	if !t.box.Visible() {
		return ""
	}
	return t.text.Text
}

// The video surface reports pointer moves (full-screen controls).
var _ desktop.Hoverable = (*videoSurface)(nil)

// MouseIn is called by Fyne when the pointer enters the video area.
func (s *videoSurface) MouseIn(e *desktop.MouseEvent) { s.pointer(e.Position, false) }

// MouseMoved is called by Fyne for each pointer move over the video area.
func (s *videoSurface) MouseMoved(e *desktop.MouseEvent) { s.pointer(e.Position, false) }

// MouseOut is called by Fyne when the pointer leaves the video area.
func (s *videoSurface) MouseOut() { s.pointer(s.last, true) }

func (s *videoSurface) pointer(pos fyne.Position, out bool) {
	s.last = pos
	if s.OnPointer != nil {
		s.OnPointer(pos, out)
	}
}
