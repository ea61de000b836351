//go:build !(cgo && (linux || freebsd || openbsd || netbsd) && !wayland)

package x11

import "time"

// Supported is false: this build has no X11 to ask.
const Supported = false

// SetAbove returns ErrUnsupported: this build has no X11.
func SetAbove(win uintptr, on bool) error { return ErrUnsupported }

// Above returns ErrUnsupported: this build has no X11.
func Above(win uintptr) (bool, error) { return false, ErrUnsupported }

// WaitAbove returns ErrUnsupported: this build has no X11.
func WaitAbove(win uintptr, want bool, timeout time.Duration) error { return ErrUnsupported }

// WaitManaged returns ErrUnsupported: this build has no X11.
func WaitManaged(win uintptr, timeout time.Duration) error { return ErrUnsupported }
