package main

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// clockWriter records, on the bubble's clock, when each write came and
// how many bytes had been written by then.
type clockWriter struct {
	mu      sync.Mutex
	start   time.Time
	total   int
	writes  []written
	flushes int
}

// Flush counts flushes (the link flushes an http.Flusher after each
// write, so no response buffer holds a chunk back).
func (w *clockWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushes++
}

type written struct {
	at    time.Duration
	total int
}

func (w *clockWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.total += len(p)
	w.writes = append(w.writes, written{time.Since(w.start), w.total})
	return len(p), nil
}

// TestLinkPacing runs in a synctest bubble, whose clock advances only when
// every goroutine waits: 1.1 MB through a link of 8 Mbit/s for 1 s then
// 800 kbit/s take 2 s (8 Mbit in the first second, 0.8 in the next), and
// no write comes before the link could have carried it.
func TestLinkPacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sch := Schedule{{8_000_000, time.Second}, {800_000, 10 * time.Second}}
		l := NewLink(sch)
		w := &clockWriter{start: time.Now()}
		l.Start()
		n, err := l.Send(context.Background(), w, make([]byte, 1_100_000))
		if err != nil || n != 1_100_000 {
			t.Fatalf("Send = %d, %v", n, err)
		}
		took := time.Since(w.start)
		if took < 2*time.Second || took > 2*time.Second+time.Millisecond {
			t.Errorf("1.1 MB took %v, want 2 s", took)
		}
		for _, wr := range w.writes {
			// The bits the schedule can carry by then.
			carried := 8_000_000 * min(wr.at, time.Second).Seconds()
			if wr.at > time.Second {
				carried += 800_000 * (wr.at - time.Second).Seconds()
			}
			if float64(wr.total)*8 > carried+1 {
				t.Fatalf("%d bytes written by %v, the link carries %.0f bits by then", wr.total, wr.at, carried)
			}
		}
		if len(w.writes) < 100 || w.flushes != len(w.writes) {
			t.Errorf("%d writes, %d flushes: want small chunks, each flushed", len(w.writes), w.flushes)
		}
	})
}

// TestLinkShared: two connections sending at once share the link: 500 kB
// each at 8 Mbit/s take 1 s for both (not 0.5 s each), and they finish
// together (each had its turn).
func TestLinkShared(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLink(Schedule{{8_000_000, time.Minute}})
		start := time.Now()
		l.Start()
		var wg sync.WaitGroup
		ends := make([]time.Duration, 2)
		for i := range ends {
			wg.Go(func() {
				if _, err := l.Send(context.Background(), &clockWriter{}, make([]byte, 500_000)); err != nil {
					t.Error(err)
				}
				ends[i] = time.Since(start)
			})
		}
		wg.Wait()
		for i, e := range ends {
			if e < 990*time.Millisecond || e > time.Second+time.Millisecond {
				t.Errorf("sender %d finished at %v, want about 1 s", i, e)
			}
		}
	})
}

// TestLinkCancel: a send stops when its context is done, without writing
// what the link had not carried.
func TestLinkCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLink(Schedule{{800_000, time.Minute}}) // 100 kB/s
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		w := &clockWriter{start: time.Now()}
		n, err := l.Send(ctx, w, make([]byte, 1_000_000))
		if err == nil || n > 50_000 || n < 49_000 {
			t.Errorf("Send = %d, %v; want about 50 kB and the context's error", n, err)
		}
	})
}
