package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keySeekStep is how far one arrow key press moves the play position.
const keySeekStep = 10 * time.Second

// SeekBar is a slider over the presentation's duration. The player moves
// it with SetTime; the user moves it by dragging, tapping or with the
// arrow keys. While the user drags, OnPreview reports the time under the
// thumb and player updates are ignored; the seek itself (OnSeek) happens
// once, on release. A tap or an arrow key seeks at once.
type SeekBar struct {
	widget.Slider

	// OnPreview is called while dragging with the time under the thumb.
	OnPreview func(time.Duration)
	// OnSeek is called with the time the user chose.
	OnSeek func(time.Duration)

	// OnHover is called while the pointer is over the enabled bar with
	// the media time under it and its x in the bar; OnHoverEnd when it
	// leaves (or the bar is disabled).
	OnHover    func(d time.Duration, x float32)
	OnHoverEnd func()

	// onKey receives the keys the bar does not handle itself, so the
	// window's keys (Space) keep working when the bar has the focus.
	onKey func(*fyne.KeyEvent)

	dragging bool
	// drawn is the value shown at the last redraw; followed when Follow
	// last redrew (zero after any other redraw).
	drawn    float64
	followed time.Time
}

// followEvery is how often at most the player's position redraws the
// thumb while it plays (Follow): a redraw repaints the whole window (on
// software GL, a 1000x640 window costs milliseconds), and over a short
// clip the thumb moves a unit every report (ten a second; a 65 s clip on
// an 850-unit bar moves it 13 units a second). Four times a second still
// moves it smoothly (issue 12: the audio-only window).
const followEvery = 250 * time.Millisecond

// NewSeekBar returns a disabled seek bar; SetDuration enables it.
func NewSeekBar() *SeekBar {
	s := &SeekBar{}
	s.Min, s.Max, s.Step = 0, 1, 0
	s.Slider.OnChanged = s.changed
	s.Slider.OnChangeEnded = s.ended
	s.ExtendBaseWidget(s)
	s.Disable()
	return s
}

// SetDuration sets the range to [0, d] and enables seeking when seekable
// and d > 0.
func (s *SeekBar) SetDuration(d time.Duration, seekable bool) {
	max := d.Seconds()
	if max <= 0 {
		max = 1
	}
	if s.Max != max {
		s.Max = max
		if s.Value > max {
			s.Value = max
		}
		s.Refresh()
	}
	if seekable && d > 0 {
		s.Enable()
	} else {
		if !s.Disabled() && s.OnHoverEnd != nil {
			s.OnHoverEnd()
		}
		s.Disable()
	}
}

// TimeAt is the media time under x (bar coordinates), the way a tap or a
// drag there would choose it: the bar's ends are the thumb's centre at
// 0 and at the duration.
func (s *SeekBar) TimeAt(x float32) time.Duration {
	pad := (theme.IconInlineSize()-4)/2 + theme.InnerPadding() - 1.5 // Slider's end offset
	w := s.Size().Width - 2*pad
	r := float64(0)
	switch {
	case w <= 0 || x <= pad:
	case x >= s.Size().Width-pad:
		r = 1
	default:
		r = float64(x-pad) / float64(w)
	}
	return seconds(s.Min + r*(s.Max-s.Min))
}

// MouseIn is called by Fyne when the pointer enters the bar.
func (s *SeekBar) MouseIn(e *desktop.MouseEvent) {
	s.Slider.MouseIn(e)
	s.hover(e.Position.X)
}

// MouseMoved is called by Fyne for each pointer move over the bar.
func (s *SeekBar) MouseMoved(e *desktop.MouseEvent) {
	s.Slider.MouseMoved(e)
	s.hover(e.Position.X)
}

// MouseOut is called by Fyne when the pointer leaves the bar.
func (s *SeekBar) MouseOut() {
	s.Slider.MouseOut()
	if s.OnHoverEnd != nil {
		s.OnHoverEnd()
	}
}

func (s *SeekBar) hover(x float32) {
	if s.Disabled() {
		return
	}
	if s.OnHover != nil {
		s.OnHover(s.TimeAt(x), x)
	}
}

// SetTime moves the thumb without calling OnSeek. It is ignored while
// the user drags.
func (s *SeekBar) SetTime(d time.Duration) { s.move(d, time.Time{}) }

// Follow is SetTime for the player's position while it plays, now being
// the time of the report: the thumb is redrawn at most every
// followEvery, the newest time kept for the next redraw. When playback
// stops or pauses, SetTime shows the exact position.
func (s *SeekBar) Follow(d time.Duration, now time.Time) { s.move(d, now) }

func (s *SeekBar) move(d time.Duration, now time.Time) {
	if s.dragging {
		return
	}
	v := d.Seconds()
	if v < s.Min {
		v = s.Min
	}
	if v > s.Max {
		v = s.Max
	}
	if v == s.Value {
		return
	}
	s.Value = v
	// Redraw only when the thumb moves by half a unit or more: the
	// player reports the position ten times a second, and every refresh
	// redraws the whole window (on software GL, a 1000x640 window costs
	// milliseconds), while over a song of minutes the thumb moves a
	// pixel every few reports (issue 12). The value is kept, so any
	// redraw shows it.
	if w := s.Size().Width; w > 0 && s.Max > s.Min {
		if moved := float32((v-s.drawn)/(s.Max-s.Min)) * w; moved > -0.5 && moved < 0.5 {
			return
		}
	}
	if !now.IsZero() && !s.followed.IsZero() {
		if since := now.Sub(s.followed); since >= 0 && since < followEvery {
			return
		}
	}
	s.Refresh()
	s.followed = now
}

// Refresh redraws the bar at its value.
func (s *SeekBar) Refresh() {
	s.drawn = s.Value
	s.followed = time.Time{}
	s.Slider.Refresh()
}

// Time is the media time the thumb shows.
func (s *SeekBar) Time() time.Duration { return seconds(s.Value) }

// Dragging reports whether the user is dragging the thumb.
func (s *SeekBar) Dragging() bool { return s.dragging }

// Dragged is called by Fyne for each pointer move of a drag.
func (s *SeekBar) Dragged(e *fyne.DragEvent) {
	if s.Disabled() {
		return
	}
	s.dragging = true
	s.Slider.Dragged(e)
}

// DragEnd is called by Fyne when the drag ends: the one seek of a drag.
func (s *SeekBar) DragEnd() {
	wasDragging := s.dragging
	s.dragging = false
	if wasDragging {
		s.Slider.DragEnd()
	}
}

// TypedKey handles the arrow keys when the bar has the keyboard focus:
// they seek by keySeekStep.
func (s *SeekBar) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyLeft:
		s.step(-keySeekStep)
	case fyne.KeyRight:
		s.step(keySeekStep)
	default:
		if s.onKey != nil {
			s.onKey(k)
		}
	}
}

func (s *SeekBar) step(d time.Duration) {
	if s.Disabled() {
		return
	}
	s.SetTime(s.Time() + d)
	if s.OnSeek != nil {
		s.OnSeek(s.Time())
	}
}

func (s *SeekBar) changed(v float64) {
	if s.dragging && s.OnPreview != nil {
		s.OnPreview(seconds(v))
	}
}

func (s *SeekBar) ended(v float64) {
	if s.OnSeek != nil {
		s.OnSeek(seconds(v))
	}
}

func seconds(v float64) time.Duration {
	return time.Duration(v * float64(time.Second))
}
