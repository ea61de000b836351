package ui

import (
	"reflect"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// advance lets d pass on the virtual clock of the test's synctest bubble
// and waits until the timers that fired meanwhile have done their work.
func advance(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

// armed reports whether the coalescer has a flush scheduled.
func (c *coalescer[T]) armed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stop != nil
}

// TestCoalescer runs in a synctest bubble: the coalescer's time.Now and
// time.AfterFunc read and arm the bubble's virtual clock, which stands
// still while the test runs and moves only with advance.
func TestCoalescer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var sent []int
		c := newCoalescer(100*time.Millisecond, func(v int) {
			mu.Lock()
			sent = append(sent, v)
			mu.Unlock()
		})
		got := func() []int {
			mu.Lock()
			defer mu.Unlock()
			s := sent
			sent = nil
			return s
		}

		c.Set(1) // idle: at once
		if s := got(); !reflect.DeepEqual(s, []int{1}) {
			t.Fatalf("sent %v, want [1]", s)
		}
		for v := 2; v <= 50; v++ { // a burst inside the interval
			advance(time.Millisecond)
			c.Set(v)
		}
		if s := got(); len(s) != 0 {
			t.Fatalf("sent %v during the interval", s)
		}
		if v, ok := c.Pending(); !ok || v != 50 {
			t.Errorf("pending %v %v", v, ok)
		}
		// The interval runs from the first send: 51 ms left of it.
		advance(50 * time.Millisecond)
		if s := got(); len(s) != 0 {
			t.Fatalf("sent %v 1 ms before the end of the interval", s)
		}
		advance(time.Millisecond)
		if s := got(); !reflect.DeepEqual(s, []int{50}) {
			t.Fatalf("sent %v at the end of the interval, want [50]", s)
		}
		if c.armed() {
			t.Error("a flush is still scheduled after the trailing send")
		}
		// Right after a trailing send, the next value waits again.
		c.Set(51)
		if s := got(); len(s) != 0 {
			t.Fatalf("sent %v within the interval after a trailing send", s)
		}
		advance(100 * time.Millisecond)
		if s := got(); !reflect.DeepEqual(s, []int{51}) {
			t.Fatalf("sent %v", s)
		}
		// After a quiet interval (just that): at once again.
		advance(100 * time.Millisecond)
		c.Set(52)
		if s := got(); !reflect.DeepEqual(s, []int{52}) {
			t.Fatalf("sent %v", s)
		}
		// Close drops what is pending and ignores later values.
		c.Set(53)
		c.Close()
		c.Set(54)
		advance(time.Second)
		if s := got(); len(s) != 0 {
			t.Fatalf("sent %v after Close", s)
		}
	})
}
