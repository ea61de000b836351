package mmshtest

import (
	"slices"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/transport/mmsh"
)

// Clock is a fake mmsh.Clock: time moves only when Advance is called, and
// timers due by then fire. Use it to test keepalives and stall detection
// without sleeping.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

// NewClock returns a clock at an arbitrary fixed instant.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer on the fake time line.
func (c *Clock) NewTimer(d time.Duration) mmsh.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, ch: make(chan time.Time, 1), when: c.now.Add(d), active: true}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves time forward by d and fires the timers that fall due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	var due []*fakeTimer
	for _, t := range c.timers {
		if t.active && !t.when.After(now) {
			t.active = false
			due = append(due, t)
		}
	}
	c.mu.Unlock()
	for _, t := range due {
		select {
		case t.ch <- now:
		default:
		}
	}
}

// Pending returns how many timers are armed.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if t.active {
			n++
		}
	}
	return n
}

// Waiting returns the time left on each armed timer, shortest first: a
// test waits for a timer of a known length (a backoff, a keepalive
// period) to be armed before it advances the clock past it.
func (c *Clock) Waiting() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Duration
	for _, t := range c.timers {
		if t.active {
			out = append(out, t.when.Sub(c.now))
		}
	}
	slices.Sort(out)
	return out
}

// Armed reports whether a timer with exactly d left is armed.
func (c *Clock) Armed(d time.Duration) bool {
	return slices.Contains(c.Waiting(), d)
}

type fakeTimer struct {
	c      *Clock
	ch     chan time.Time
	when   time.Time
	active bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.active
	t.active = false
	select {
	case <-t.ch:
	default:
	}
	return was
}

func (t *fakeTimer) Reset(d time.Duration) {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	select {
	case <-t.ch:
	default:
	}
	t.when = t.c.now.Add(d)
	t.active = true
}
