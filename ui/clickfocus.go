package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// clickCheck is a check box that a click toggles without taking the
// keyboard focus (Fyne's check box takes it), and that gives up whatever
// had it: after a click on a stream's box, Space still plays and pauses
// instead of toggling the box again. Tab still reaches it, and Space then
// toggles it, as on any check box.
type clickCheck struct {
	widget.Check
}

func newClickCheck(label string, changed func(bool)) *clickCheck {
	c := &clickCheck{}
	c.Text = label
	c.OnChanged = changed
	c.ExtendBaseWidget(c)
	return c
}

// Tapped toggles the box when the click is on it (its box and label, as
// Fyne's check box counts them).
func (c *clickCheck) Tapped(e *fyne.PointEvent) {
	if c.Disabled() {
		return
	}
	min := c.MinSize()
	top := (c.Size().Height - min.Height) / 2
	if e.Position.X > min.Width || e.Position.Y < top || e.Position.Y > top+min.Height {
		return
	}
	unfocus(c)
	c.SetChecked(!c.Checked)
}

// keySlider is a slider that, when it has the keyboard focus (a click
// gives it), moves with Left and Right and passes every other key on to
// the window (onKey), so Space goes on playing and pausing.
type keySlider struct {
	widget.Slider
	onKey func(*fyne.KeyEvent)
}

func newKeySlider(min, max float64) *keySlider {
	s := &keySlider{}
	s.Min, s.Max, s.Step = min, max, 1
	s.Orientation = widget.Horizontal
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey handles Left and Right and passes the rest on (Up and Down
// are the window's volume keys).
func (s *keySlider) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyLeft, fyne.KeyRight:
		s.Slider.TypedKey(k)
	default:
		if s.onKey != nil {
			s.onKey(k)
		}
	}
}

// unfocus takes the keyboard focus from whatever has it in o's window.
func unfocus(o fyne.CanvasObject) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(o); c != nil && c.Focused() != nil {
		c.Unfocus()
	}
}
