// Package audiotest provides test doubles for package audio: a manual
// Clock that tests advance by hand, so paced sinks are tested without
// sleeping.
package audiotest

import (
	"sync"
	"time"
)

// Clock is a fake audio.Clock. Time stands still until Advance; After
// channels fire when Advance passes their deadline. Safe for concurrent
// use.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	changed chan struct{} // closed and replaced when a timer is added
	afters  int
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a Clock reading start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the fake time once Advance has
// moved it d forward (at once when d ≤ 0).
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.afters++
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: c.now.Add(d), ch: ch})
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// Afters counts the calls to After so far (a paced sink that spun would
// make many).
func (c *Clock) Afters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.afters
}

// Advance moves the time forward by d and fires the timers that are due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			keep = append(keep, w)
			continue
		}
		w.ch <- c.now
	}
	clear(c.waiters[len(keep):])
	c.waiters = keep
}

// Waiters is the number of pending timers (including those whose
// receiver has stopped listening).
func (c *Clock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// Next returns the time until the earliest pending timer and true, or
// false when none is pending.
func (c *Clock) Next() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.waiters) == 0 {
		return 0, false
	}
	at := c.waiters[0].at
	for _, w := range c.waiters[1:] {
		if w.at.Before(at) {
			at = w.at
		}
	}
	return at.Sub(c.now), true
}

// BlockUntil waits until at least n timers are pending or done is closed
// (pass nil to wait for the timers only), and reports whether the timers
// are there. It does not sleep: it waits for After to be called.
func (c *Clock) BlockUntil(n int, done <-chan struct{}) bool {
	for {
		c.mu.Lock()
		have, ch := len(c.waiters), c.changed
		c.mu.Unlock()
		if have >= n {
			return true
		}
		select {
		case <-ch:
		case <-done:
			return false
		}
	}
}

// RunUntil advances the time from timer to timer until done is closed,
// and returns how far it moved. Use it to let a goroutine that waits on
// the clock (a paced Write, a Drain) finish.
func (c *Clock) RunUntil(done <-chan struct{}) time.Duration {
	var total time.Duration
	for c.BlockUntil(1, done) {
		select {
		case <-done:
			return total
		default:
		}
		d, _ := c.Next()
		c.Advance(d)
		total += d
	}
	return total
}
