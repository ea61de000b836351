package ui

import "time"

// Clock is the time source of the window's rate limiters and timeouts.
// Tests inject a manual clock; the default is the system clock.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f on its own goroutine after d and returns a
	// function that cancels the call if it has not started.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}
