package ui

import (
	"sync"
	"time"
)

// coalescer rate-limits a command whose newest value supersedes older ones
// (a seek target, a volume). The first Set after a quiet interval is sent
// at once; values set within the interval after a send are held, and only
// the newest is sent when the interval ends. So a drag of any length costs
// at most one command per interval, and the final value is never lost.
//
// send runs either on the caller's goroutine (the immediate case) or on
// a time.AfterFunc goroutine (the trailing case); it must be safe to call
// from any goroutine, as Controller methods are.
type coalescer[T any] struct {
	interval time.Duration
	send     func(T)

	mu      sync.Mutex
	last    time.Time // when the last value was sent
	sent    bool      // whether anything was sent yet
	pending bool
	value   T
	stop    func() bool // cancels the scheduled flush; nil when none
	closed  bool
}

func newCoalescer[T any](interval time.Duration, send func(T)) *coalescer[T] {
	return &coalescer[T]{interval: interval, send: send}
}

// Set requests that v be sent.
func (c *coalescer[T]) Set(v T) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	now := time.Now()
	if c.stop == nil && (!c.sent || now.Sub(c.last) >= c.interval) {
		c.last, c.sent = now, true
		c.mu.Unlock()
		c.send(v)
		return
	}
	c.value, c.pending = v, true
	if c.stop == nil {
		c.stop = time.AfterFunc(c.interval-now.Sub(c.last), c.flush).Stop
	}
	c.mu.Unlock()
}

// Pending reports whether a value is waiting for the end of the interval.
func (c *coalescer[T]) Pending() (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.value, c.pending
}

func (c *coalescer[T]) flush() {
	c.mu.Lock()
	c.stop = nil
	if !c.pending || c.closed {
		c.mu.Unlock()
		return
	}
	v := c.value
	var zero T
	c.value, c.pending = zero, false
	c.last, c.sent = time.Now(), true
	c.mu.Unlock()
	c.send(v)
}

// Close drops a pending value and cancels the timer; later Sets are
// ignored.
func (c *coalescer[T]) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.pending = false
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
}
