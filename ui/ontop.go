package ui

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"

	"github.com/eddyplayer/eddy/ui/internal/x11"
)

// onTopConfirm is how long the window manager has to apply Always on
// Top before the window says it did not.
const onTopConfirm = 3 * time.Second

// aboveSetter asks for the window to be kept above the others (on) or
// not, and calls done (on any goroutine) once the window manager has
// done it, or with the reason it has not.
type aboveSetter func(on bool, done func(error))

// onTopState is View ▸ Always on Top.
type onTopState struct {
	set     aboveSetter // nil where the platform has no way (the item is disabled)
	on      bool        // the window manager keeps the window on top
	pending bool        // a request is on its way
	again   bool        // pressed (an odd number of times) while pending
	item    *fyne.MenuItem
}

// platformAbove is w's aboveSetter: on X11 (Fyne's GLFW windows give
// their X11 handle) the EWMH _NET_WM_STATE_ABOVE (ui/internal/x11); nil
// elsewhere (Windows, macOS, Wayland, a build without cgo, Fyne's test
// windows).
func platformAbove(w fyne.Window) aboveSetter {
	nw, ok := w.(driver.NativeWindow)
	if !ok || !x11.Supported {
		return nil
	}
	return func(on bool, done func(error)) {
		var handle uintptr
		nw.RunNative(func(ctx any) {
			if x, ok := ctx.(driver.X11WindowContext); ok {
				handle = x.WindowHandle
			}
		})
		if handle == 0 {
			done(x11.ErrUnsupported)
			return
		}
		go func() {
			err := x11.SetAbove(handle, on)
			if err == nil {
				err = x11.WaitAbove(handle, on, onTopConfirm)
			}
			done(err)
		}()
	}
}

// OnTop reports whether the window manager keeps the window above the
// others (View ▸ Always on Top).
func (v *View) OnTop() bool { return v.onTop.on }

// ToggleOnTop asks for the window to be kept above the others, or no
// longer. The menu item is checked once the window manager has done it;
// when it cannot (the platform, the window manager), the status bar says
// so and nothing is checked. A press while the window manager has not
// answered yet applies after its answer.
func (v *View) ToggleOnTop() {
	s := &v.onTop
	if s.set == nil {
		v.status.SetWarning("Always on top is not supported here")
		return
	}
	if s.pending {
		s.again = !s.again
		return
	}
	s.pending = true
	want := !s.on
	s.set(want, func(err error) {
		v.do(func() {
			s.pending = false
			again := s.again
			s.again = false
			if err != nil {
				v.status.SetWarning(onTopErrorText(want, err))
				return
			}
			if again {
				defer v.ToggleOnTop()
			}
			s.on = want
			if s.item != nil && s.item.Checked != want {
				s.item.Checked = want
				if v.mainMenu != nil {
					v.mainMenu.Refresh()
				}
			}
			if want {
				v.osd.show("Always on top")
			} else {
				v.osd.show("Not on top")
			}
		})
	})
}

// onTopErrorText says in a user's words why Always on Top did not apply.
func onTopErrorText(want bool, err error) string {
	switch {
	case errors.Is(err, x11.ErrUnsupported):
		return "Always on top is not supported here"
	case errors.Is(err, x11.ErrNoSupport):
		return "Always on top is not available: the window manager does not support it"
	case errors.Is(err, x11.ErrNotApplied) && want:
		return "The window manager did not keep the window on top"
	case errors.Is(err, x11.ErrNotApplied):
		return "The window manager kept the window on top"
	}
	return "Always on top failed: " + err.Error()
}
