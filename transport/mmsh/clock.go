package mmsh

import "time"

// Clock is the time source of a session: keepalive and stall timers and
// timestamps. Tests inject a fake one (mmshtest.Clock) to step time
// without sleeping.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is a stoppable one-shot timer, like *time.Timer.
type Timer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it was
	// active.
	Stop() bool
	// Reset restarts the timer with a new duration.
	Reset(d time.Duration)
}

// realClock uses the time package; now overrides Now (Config.Now).
type realClock struct{ now func() time.Time }

func (c realClock) Now() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

func (realClock) NewTimer(d time.Duration) Timer { return &realTimer{t: time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (t *realTimer) C() <-chan time.Time { return t.t.C }
func (t *realTimer) Stop() bool          { return t.t.Stop() }
func (t *realTimer) Reset(d time.Duration) {
	t.t.Reset(d)
}

// timer wraps a Timer that may be off: its channel is nil when stopped, so
// it can sit in a select.
type timer struct {
	clock Clock
	t     Timer
	on    bool
}

func (t *timer) start(d time.Duration) {
	if t.t == nil {
		t.t = t.clock.NewTimer(d)
	} else {
		t.t.Stop()
		t.t.Reset(d)
	}
	t.on = true
}

func (t *timer) stop() {
	if t.t != nil {
		t.t.Stop()
	}
	t.on = false
}

func (t *timer) c() <-chan time.Time {
	if !t.on || t.t == nil {
		return nil
	}
	return t.t.C()
}

// fired marks the timer off after its channel delivered.
func (t *timer) fired() { t.on = false }
