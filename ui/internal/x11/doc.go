// Package x11 keeps an X11 window above the others the EWMH way
// (Extended Window Manager Hints 1.5, "_NET_WM_STATE"): Fyne 2.7 has no
// API for it, but its GLFW windows give their X11 handle
// (driver.X11WindowContext).
//
// A window that is mapped asks the window manager with a _NET_WM_STATE
// client message to the root window (action _NET_WM_STATE_ADD or
// _NET_WM_STATE_REMOVE of _NET_WM_STATE_ABOVE, source indication 1: a
// normal application); a window not mapped yet has its _NET_WM_STATE
// property set, which the window manager reads when it maps the window.
// A window manager that does not list _NET_WM_STATE_ABOVE in the root
// window's _NET_SUPPORTED cannot do it, and SetAbove says so
// (ErrNoSupport) rather than pretending.
//
// It talks to the X server through its own XCB connection (DISPLAY), so
// an error (a window that is gone) comes back as an error of the call,
// never through Xlib's process-wide error handler, which GLFW uses.
//
// Builds without cgo, or for other systems (Windows, macOS, Wayland),
// have Supported false and every call returns ErrUnsupported.
package x11

import "errors"

var (
	// ErrUnsupported: this build or system has no X11 to ask.
	ErrUnsupported = errors.New("keeping the window on top is not supported here")
	// ErrNoSupport: the window manager running does not support
	// _NET_WM_STATE_ABOVE (or none runs).
	ErrNoSupport = errors.New("the window manager does not support keeping a window on top (no _NET_WM_STATE_ABOVE in _NET_SUPPORTED)")
	// ErrNotApplied: the window manager did not change the window's
	// state in the time given (WaitAbove).
	ErrNotApplied = errors.New("the window manager did not change the window's state")
)
