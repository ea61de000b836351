package audio

import "time"

// Clock is the time source of the paced sinks. Tests inject a fake one
// (package audiotest) so that nothing sleeps; production code uses
// SystemClock.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives the time once d has elapsed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock returns the wall clock (time.Now and time.After).
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
