package ui

import (
	"reflect"
	"sync"
	"testing"
	"time"
)

func TestCoalescer(t *testing.T) {
	clk := newFakeClock()
	var mu sync.Mutex
	var sent []int
	c := newCoalescer(clk, 100*time.Millisecond, func(v int) {
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
		clk.Advance(time.Millisecond)
		c.Set(v)
	}
	if s := got(); len(s) != 0 {
		t.Fatalf("sent %v during the interval", s)
	}
	if v, ok := c.Pending(); !ok || v != 50 {
		t.Errorf("pending %v %v", v, ok)
	}
	clk.Advance(100 * time.Millisecond)
	if s := got(); !reflect.DeepEqual(s, []int{50}) {
		t.Fatalf("sent %v at the end of the interval, want [50]", s)
	}
	if clk.pending() != 0 {
		t.Errorf("%d timers left", clk.pending())
	}
	// Right after a trailing send, the next value waits again.
	c.Set(51)
	if s := got(); len(s) != 0 {
		t.Fatalf("sent %v within the interval after a trailing send", s)
	}
	clk.Advance(100 * time.Millisecond)
	if s := got(); !reflect.DeepEqual(s, []int{51}) {
		t.Fatalf("sent %v", s)
	}
	// After a quiet interval: at once again.
	clk.Advance(time.Second)
	c.Set(52)
	if s := got(); !reflect.DeepEqual(s, []int{52}) {
		t.Fatalf("sent %v", s)
	}
	// Close drops what is pending and ignores later values.
	c.Set(53)
	c.Close()
	c.Set(54)
	clk.Advance(time.Second)
	if s := got(); len(s) != 0 {
		t.Fatalf("sent %v after Close", s)
	}
}
