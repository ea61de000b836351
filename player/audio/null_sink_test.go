package audio

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// The paced tests run in a synctest bubble: the sink reads the bubble's
// virtual clock, time.Sleep moves it, and a goroutine blocked on the
// sink's timer lets it jump to the timer's deadline.

// ms is a format where one frame is one millisecond and two bytes.
var ms = Format{SampleRate: 1000, Channels: 1, Sample: S16}

func pcmMS(n int) []byte { return make([]byte, 2*n) }

// newPaced returns an open paced sink with a 100 ms buffer. Call it inside
// the bubble.
func newPaced(t *testing.T) *NullSink {
	t.Helper()
	s := NewNullSink(NullSinkConfig{Paced: true, Buffer: 100 * time.Millisecond})
	if err := s.Open(ms); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// timerWaits reads the sink's count of timer waits.
func (s *NullSink) timerWaits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waits
}

// goWrite runs Write in a goroutine; the channel closes when it returns.
func goWrite(s Sink, p []byte) (done chan struct{}, n *int, err *error) {
	done = make(chan struct{})
	n, err = new(int), new(error)
	go func() {
		defer close(done)
		*n, *err = s.Write(p)
	}()
	return done, n, err
}

// returned reports whether done is closed once every goroutine of the
// bubble is blocked (the virtual clock does not move meanwhile).
func returned(done <-chan struct{}) bool {
	synctest.Wait()
	select {
	case <-done:
		return true
	default:
		return false
	}
}

func TestNullSinkUnpaced(t *testing.T) {
	s := NewNullSink(NullSinkConfig{})
	if _, err := s.Write(pcmMS(1)); !errors.Is(err, ErrNotOpen) {
		t.Fatalf("Write before Open: %v", err)
	}
	s.Open(ms)
	for range 10 {
		if n, err := s.Write(pcmMS(500)); n != 1000 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if p, b := s.Played(), s.Buffered(); p != 5*time.Second || b != 0 {
		t.Fatalf("Played %v Buffered %v", p, b)
	}
	if s.Realtime() {
		t.Fatal("unpaced sink reports Realtime")
	}
	s.Close()
	if _, err := s.Write(pcmMS(1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
}

func TestNullSinkPacedClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newPaced(t)
		if n, err := s.Write(pcmMS(50)); n != 100 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		if p, b := s.Played(), s.Buffered(); p != 0 || b != 50*time.Millisecond {
			t.Fatalf("after write: Played %v Buffered %v", p, b)
		}
		time.Sleep(20 * time.Millisecond)
		if p, b := s.Played(), s.Buffered(); p != 20*time.Millisecond || b != 30*time.Millisecond {
			t.Fatalf("after 20 ms: Played %v Buffered %v", p, b)
		}
		// One second through a 100 ms buffer: Write blocks until the
		// clock has moved about 1 s − 100 ms + the 30 ms still buffered.
		start, before := time.Now(), s.timerWaits()
		done, n, err := goWrite(s, pcmMS(1000))
		<-done
		moved := time.Since(start)
		if *n != 2000 || *err != nil {
			t.Fatalf("Write = %d, %v", *n, *err)
		}
		if moved < 900*time.Millisecond || moved > 960*time.Millisecond {
			t.Fatalf("Write returned after %v of clock time", moved)
		}
		// No spinning: the writer waits for half the buffer at a time.
		if waits := s.timerWaits() - before; waits > 50 {
			t.Fatalf("%d timer waits for one second of audio", waits)
		}
		if p := s.Played() + s.Buffered(); p != 1050*time.Millisecond {
			t.Fatalf("Played+Buffered = %v, want 1.05 s", p)
		}
		if b := s.Buffered(); b > 100*time.Millisecond {
			t.Fatalf("Buffered %v exceeds the device buffer", b)
		}
		// Drain waits for the rest, and no longer.
		left := s.Buffered()
		start = time.Now()
		if err := s.Drain(); err != nil {
			t.Fatalf("Drain: %v", err)
		}
		if took := time.Since(start); took != left {
			t.Fatalf("Drain took %v of clock time for %v buffered", took, left)
		}
		if p, b := s.Played(), s.Buffered(); p != 1050*time.Millisecond || b != 0 {
			t.Fatalf("after Drain: Played %v Buffered %v", p, b)
		}
		if s.Underruns() != 0 {
			t.Fatalf("Underruns %d", s.Underruns())
		}
	})
}

func TestNullSinkPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newPaced(t)
		s.Write(pcmMS(100))
		time.Sleep(30 * time.Millisecond)
		s.Pause()
		time.Sleep(time.Second)
		if p := s.Played(); p != 30*time.Millisecond {
			t.Fatalf("Played while paused %v", p)
		}
		// A Write while paused waits for Resume, however long.
		done, n, _ := goWrite(s, pcmMS(50))
		time.Sleep(time.Minute)
		if returned(done) {
			t.Fatal("Write returned while paused with a full buffer")
		}
		s.Resume()
		<-done
		if *n != 100 {
			t.Fatalf("Write = %d", *n)
		}
		if p := s.Played(); p < 30*time.Millisecond || p > 90*time.Millisecond {
			t.Fatalf("Played after resume %v", p)
		}
		if s.Underruns() != 0 {
			t.Fatalf("pause counted as underrun")
		}
	})
}

func TestNullSinkFlushAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newPaced(t)
		s.Write(pcmMS(100))
		done, n, err := goWrite(s, pcmMS(100))
		if returned(done) { // the writer waits for room
			t.Fatal("Write into a full buffer returned at once")
		}
		s.Flush()
		if !returned(done) {
			t.Fatal("Flush did not end the blocked Write")
		}
		if *n != 200 || *err != nil {
			t.Fatalf("flushed Write = %d, %v", *n, *err)
		}
		if b := s.Buffered(); b != 0 {
			t.Fatalf("Buffered after Flush %v", b)
		}
		s.Write(pcmMS(100))
		done, n, err = goWrite(s, pcmMS(100))
		if returned(done) {
			t.Fatal("Write into a full buffer returned at once")
		}
		s.Close()
		if !returned(done) {
			t.Fatal("Close did not end the blocked Write")
		}
		if !errors.Is(*err, ErrClosed) || *n != 0 {
			t.Fatalf("Write blocked at Close = %d, %v", *n, *err)
		}
		if err := s.Drain(); !errors.Is(err, ErrClosed) {
			t.Fatalf("Drain after Close: %v", err)
		}
	})
}

func TestNullSinkUnderrun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newPaced(t)
		s.Write(pcmMS(10))
		time.Sleep(50 * time.Millisecond) // ran dry 40 ms ago
		if p := s.Played(); p != 10*time.Millisecond {
			t.Fatalf("Played %v", p)
		}
		s.Write(pcmMS(10))
		if u := s.Underruns(); u != 1 {
			t.Fatalf("Underruns %d, want 1", u)
		}
		time.Sleep(5 * time.Millisecond)
		if p := s.Played(); p != 15*time.Millisecond {
			t.Fatalf("clock after underrun %v, want 15 ms", p)
		}
		// Running out at the end of a Drain is not an underrun.
		if err := s.Drain(); err != nil {
			t.Fatalf("Drain: %v", err)
		}
		time.Sleep(time.Second)
		s.Write(pcmMS(10))
		if u := s.Underruns(); u != 1 {
			t.Fatalf("Underruns after drain %d, want 1", u)
		}
		// A new Open restarts the clock.
		s.Open(Format{SampleRate: 8000, Channels: 2, Sample: F32})
		if p := s.Played(); p != 0 {
			t.Fatalf("Played after Open %v", p)
		}
	})
}

// TestNullSinkSmallWritesWaitForHalf: the player writes a few
// milliseconds at a time; through a full buffer each write must not wait
// for just its own room (a timer wait every 10 ms), nor for a quarter of
// the buffer, but for half of it, the later small writes then going in
// at once. The clock and the buffer's bound are unchanged, and the
// device never runs dry.
func TestNullSinkSmallWritesWaitForHalf(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newPaced(t) // 100 ms buffer
		start, before := time.Now(), s.timerWaits()
		for range 100 {
			if n, err := s.Write(pcmMS(10)); n != 20 || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
			if b := s.Buffered(); b > 100*time.Millisecond {
				t.Fatalf("Buffered %v exceeds the device buffer", b)
			}
		}
		if moved := time.Since(start); moved < 900*time.Millisecond || moved > 930*time.Millisecond {
			t.Fatalf("1 s of audio in 10 ms writes took %v of clock time, want 900-925 ms", moved)
		}
		if waits := s.timerWaits() - before; waits > 20 {
			t.Fatalf("%d timer waits for 100 writes of 10 ms, want about one per 50 ms played", waits)
		}
		if s.Underruns() != 0 {
			t.Fatalf("Underruns %d", s.Underruns())
		}
	})
}
