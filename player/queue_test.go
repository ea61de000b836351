package player

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// TestQueueRefill: a reader that found the queue full goes on only once
// an eighth of it has drained, not at every sample popped (each wake is
// a goroutine hand-off; issue 12).
func TestQueueRefill(t *testing.T) {
	q := newSampleQueue(time.Hour, 8000) // full at 8000 bytes, refill at 7000
	bg := context.Background()
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	sample := func(i int) item {
		return item{s: transport.Sample{Track: 1, PTS: time.Duration(i) * 40 * time.Millisecond, Data: make([]byte, 500)}}
	}
	for i := range 16 {
		if err := q.push(bg, sample(i)); err != nil {
			t.Fatalf("push %d: %v", i, err)
		}
	}
	// Full: a push would wait (with a cancelled context it says so).
	if err := q.push(cancelled, sample(16)); !errors.Is(err, context.Canceled) {
		t.Fatalf("push into a full queue: %v, want it to wait", err)
	}
	if _, err := q.pop(bg); err != nil {
		t.Fatal(err)
	}
	// 7500 bytes: below full, above the refill level: still waiting.
	if err := q.push(cancelled, sample(16)); !errors.Is(err, context.Canceled) {
		t.Fatalf("push after one pop: %v, want it to wait for the refill level", err)
	}
	// A reader waiting now is woken by the pop that reaches 7000 bytes.
	q.mu.Lock()
	room := q.room
	q.mu.Unlock()
	if _, err := q.pop(bg); err != nil {
		t.Fatal(err)
	}
	select {
	case <-room:
	default:
		t.Fatal("the pop to the refill level did not wake the reader")
	}
	// It fills the queue up again without waiting.
	for i := 16; i < 18; i++ {
		if err := q.push(cancelled, sample(i)); err != nil {
			t.Fatalf("push %d after the refill: %v", i, err)
		}
	}
	if n := q.len(); n != 16 {
		t.Fatalf("%d queued, want 16", n)
	}
}
