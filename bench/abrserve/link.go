package main

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// Chunk sizes of the paced writes: 10 ms of the link's current rate,
// within these bounds.
const (
	minChunk  = 512
	maxChunk  = 32 << 10
	chunkTime = 10 * time.Millisecond
)

// Link is the bottleneck every connection shares: a token bucket one
// chunk deep whose fill rate follows the schedule. A writer reserves a
// chunk's transmission time after everything reserved before it (so the
// connections share the rate, in the order they ask), waits until the
// chunk would have left the link and then writes it: the bytes reach the
// client at the schedule's rate, whatever the socket buffers hold.
type Link struct {
	sched Schedule
	// Now and After are the clock (time.Now and time.After by default).
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time

	mu     sync.Mutex
	origin time.Time
	free   time.Duration // when the link is next idle, since the origin
}

// NewLink makes a link following sched, its origin set by the first Start.
func NewLink(sched Schedule) *Link {
	return &Link{sched: sched, Now: time.Now, After: time.After}
}

// Start sets the origin (schedule time 0) on its first call, and returns
// the time since the origin.
func (l *Link) Start() time.Duration {
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.origin.IsZero() {
		l.origin = now
	}
	return now.Sub(l.origin)
}

// Origin is the schedule's time 0 (zero before the first Start).
func (l *Link) Origin() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.origin
}

// Since is the time since the origin.
func (l *Link) Since() time.Duration {
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	return now.Sub(l.origin)
}

// reserve books the next chunk of at most want bytes and returns its size
// and the time since the origin when it has left the link.
func (l *Link) reserve(want int) (int, time.Duration) {
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.origin.IsZero() {
		l.origin = now
	}
	t := max(now.Sub(l.origin), l.free)
	n := int(float64(l.sched.RateAt(t)) / 8 * chunkTime.Seconds())
	n = min(max(n, minChunk), maxChunk, want)
	l.free = l.sched.finish(t, float64(n)*8)
	return n, l.free
}

// Send writes p to w at the link's pace, in chunks, flushing each (an
// http.Flusher) so no buffer holds it back. It returns the bytes written;
// it stops when ctx is done or a write fails.
func (l *Link) Send(ctx context.Context, w io.Writer, p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, at := l.reserve(len(p) - done)
		if wait := at - l.Since(); wait > 0 {
			select {
			case <-l.After(wait):
			case <-ctx.Done():
				return done, ctx.Err()
			}
		}
		m, err := w.Write(p[done : done+n])
		done += m
		if err != nil {
			return done, err
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	return done, nil
}
