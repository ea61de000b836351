package audio

import (
	"io"
	"sync"
)

// EmptyPolicy says what Ring.Read does when the ring is empty while
// playing (neither closed nor at the end of the stream).
type EmptyPolicy uint8

const (
	// BlockWhenEmpty makes Read wait for data. Use it when the consumer
	// plays silence by itself while it waits (oto does).
	BlockWhenEmpty EmptyPolicy = iota
	// SilenceWhenEmpty makes Read return silence at once and count an
	// underrun (once per run of empty reads).
	SilenceWhenEmpty
)

// RingStats are a Ring's counters.
type RingStats struct {
	// Written is the number of bytes accepted by Write.
	Written int64
	// Read is the number of PCM bytes returned by Read (silence excluded).
	Read int64
	// Silence is the number of silence bytes returned by Read.
	Silence int64
	// Flushed is the number of bytes discarded by Flush.
	Flushed int64
	// Underruns counts the times Read found the ring empty while playing
	// (SilenceWhenEmpty only).
	Underruns int
}

// Ring is a bounded FIFO of PCM bytes between one writer (the player) and
// one reader (the device callback). Write blocks while the ring is full,
// which is the backpressure that paces decoding; Read never returns a
// partial frame. All methods are safe for concurrent use.
//
// Ownership: the creator closes the ring; Close wakes both sides.
type Ring struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	r, n   int // read index and byte count
	frame  int
	policy EmptyPolicy
	closed bool
	eos    bool   // the writer has ended the stream: pad with silence
	gen    uint64 // incremented by Flush
	empty  bool   // the last Read found the ring empty (underrun run)
	stats  RingStats
}

// NewRing returns a ring of capacity bytes (rounded down to whole frames
// of frameSize bytes, at least one frame).
func NewRing(capacity, frameSize int, policy EmptyPolicy) *Ring {
	if frameSize < 1 {
		frameSize = 1
	}
	capacity = max(capacity/frameSize, 1) * frameSize
	r := &Ring{buf: make([]byte, capacity), frame: frameSize, policy: policy}
	r.cond = sync.NewCond(&r.mu)
	return r
}

// Cap is the capacity in bytes.
func (r *Ring) Cap() int { return len(r.buf) }

// Len is the number of bytes waiting to be read.
func (r *Ring) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// Stats returns the counters.
func (r *Ring) Stats() RingStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Write copies all of p into the ring, blocking while it is full. It
// returns ErrClosed (and the bytes accepted so far) once the ring is
// closed. If Flush runs while Write waits, the rest of p is discarded
// with the flushed audio and Write returns len(p), nil. Write clears the
// end-of-stream mark.
func (r *Ring) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	gen := r.gen
	done := 0
	r.eos = false
	for done < len(p) {
		if r.closed {
			return done, ErrClosed
		}
		if r.gen != gen {
			r.stats.Flushed += int64(len(p) - done)
			return len(p), nil
		}
		free := len(r.buf) - r.n
		if free == 0 {
			r.cond.Wait()
			continue
		}
		w := (r.r + r.n) % len(r.buf)
		k := copy(r.buf[w:min(len(r.buf), w+free)], p[done:])
		r.n += k
		done += k
		r.stats.Written += int64(k)
		r.cond.Broadcast()
	}
	return done, nil
}

// Read copies whole frames into p. When the ring holds less than a frame
// it returns io.EOF after Close, silence after EndOfStream (not counted),
// and otherwise follows the ring's EmptyPolicy. A p shorter than a frame
// reads nothing.
func (r *Ring) Read(p []byte) (int, error) {
	want := len(p) / r.frame * r.frame
	if want == 0 {
		return 0, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.n < r.frame {
		switch {
		case r.closed:
			return 0, io.EOF
		case r.eos:
			clear(p[:want])
			r.stats.Silence += int64(want)
			return want, nil
		case r.policy == SilenceWhenEmpty:
			if !r.empty {
				r.empty = true
				r.stats.Underruns++
			}
			clear(p[:want])
			r.stats.Silence += int64(want)
			return want, nil
		}
		r.cond.Wait()
	}
	r.empty = false
	k := min(want, r.n/r.frame*r.frame)
	done := 0
	for done < k {
		c := copy(p[done:k], r.buf[r.r:min(len(r.buf), r.r+k-done)])
		r.r = (r.r + c) % len(r.buf)
		done += c
	}
	r.n -= k
	r.stats.Read += int64(k)
	r.cond.Broadcast()
	return k, nil
}

// EndOfStream marks that no more data follows for now (the player is
// draining): an empty ring then reads as silence without counting an
// underrun. The next Write clears the mark.
func (r *Ring) EndOfStream() {
	r.mu.Lock()
	r.eos = true
	r.cond.Broadcast()
	r.mu.Unlock()
}

// WaitEmpty blocks until the reader has taken everything or the ring is
// closed.
func (r *Ring) WaitEmpty() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.n > 0 && !r.closed {
		r.cond.Wait()
	}
}

// Flush discards the buffered bytes and releases a blocked writer (see
// Write).
func (r *Ring) Flush() {
	r.mu.Lock()
	r.stats.Flushed += int64(r.n)
	r.r, r.n = 0, 0
	r.gen++
	r.empty = false
	r.cond.Broadcast()
	r.mu.Unlock()
}

// Close wakes both sides: Write returns ErrClosed, Read drains what is
// left and then returns io.EOF.
func (r *Ring) Close() error {
	r.mu.Lock()
	r.closed = true
	r.cond.Broadcast()
	r.mu.Unlock()
	return nil
}
