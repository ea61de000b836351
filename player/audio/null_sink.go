package audio

import (
	"sync"
	"time"
)

// DefaultDeviceBuffer is the simulated device buffer of a paced NullSink.
const DefaultDeviceBuffer = 200 * time.Millisecond

// NullSinkConfig configures a NullSink.
type NullSinkConfig struct {
	// Paced makes the sink behave like a sound device: it "plays" at the
	// stream's rate on the wall clock (time.Now), Write blocks while its
	// buffer is full, and Played advances in real time. The player uses a
	// paced NullSink when there is no sound card. Unpaced, Write never
	// blocks and Played is what was written.
	Paced bool
	// Buffer is the simulated device buffer of a paced sink;
	// 0 means DefaultDeviceBuffer.
	Buffer time.Duration
}

// NullSink discards PCM but keeps the audio clock (see NullSinkConfig).
// A paced NullSink waits on timers, never by spinning.
type NullSink struct {
	paced bool
	bufd  time.Duration

	mu       sync.Mutex
	format   Format
	fs       int
	capBytes int64
	opened   bool
	closed   bool
	written  int64     // bytes since Open
	base     int64     // bytes played when the clock (re)started
	start    time.Time // when the clock (re)started
	running  bool      // the simulated device is consuming
	paused   bool
	dry      bool // ran out of data while the stream went on
	draining bool
	gen      uint64 // incremented by Flush
	under    int
	volume   float64
	wake     chan struct{}
	waits    int // timer waits of Write and Drain (a sink that spun would make many)
}

// NewNullSink returns a NullSink.
func NewNullSink(cfg NullSinkConfig) *NullSink {
	s := &NullSink{paced: cfg.Paced, bufd: cfg.Buffer, volume: 1, wake: make(chan struct{})}
	if s.bufd <= 0 {
		s.bufd = DefaultDeviceBuffer
	}
	return s
}

// Realtime reports whether the sink is paced (the player treats an empty
// queue as an underrun only for real-time sinks).
func (s *NullSink) Realtime() bool { return s.paced }

// Open starts a new stream in format f; the clock restarts at zero.
func (s *NullSink) Open(f Format) error {
	if !f.Valid() {
		return ErrFormat
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.format, s.fs, s.opened = f, f.FrameSize(), true
	s.capBytes = max(int64(f.Bytes(s.bufd)), int64(s.fs))
	s.written, s.base, s.running, s.dry = 0, 0, false, false
	return nil
}

// Write accepts pcm; paced, it blocks while the simulated device buffer
// is full or the sink is paused. A Flush from another goroutine ends a
// blocked Write (returning len(pcm), nil); Close ends it with ErrClosed.
func (s *NullSink) Write(pcm []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrClosed
	}
	if !s.opened {
		return 0, ErrNotOpen
	}
	if !s.paced {
		s.written += int64(len(pcm))
		return len(pcm), nil
	}
	gen := s.gen
	done := 0
	for done < len(pcm) {
		if s.closed {
			return done, ErrClosed
		}
		if s.gen != gen {
			return len(pcm), nil
		}
		now := time.Now()
		played := s.playedAt(now)
		free := s.capBytes - (s.written - played)
		if !s.paused && free > 0 {
			k := int(min(free, int64(len(pcm)-done)))
			if s.dry {
				s.under++
				s.dry = false
			}
			s.written += int64(k)
			done += k
			if !s.running {
				s.running, s.start, s.base = true, now, played
			}
			continue
		}
		var wait time.Duration // 0: no timer, only a wake (paused)
		if !s.paused {
			// Full: wait until half the buffer has played, however
			// small the write (the player writes a few milliseconds at
			// a time; waking for each made a hundred timer waits a
			// second), the device still holding the other half. Each
			// wake costs more than the timer: the Go runtime's monitor
			// thread wakes for every timer of an idle program. Waiting
			// for a quarter instead cost eddyplay 15% more CPU time
			// playing a video (issue 12).
			need := max(s.capBytes/2, int64(s.fs)) - free
			wait = s.bytesDur(need)
		}
		s.sleep(wait)
	}
	return done, nil
}

// playedAt advances the simulated device to now and returns the bytes
// played since Open.
func (s *NullSink) playedAt(now time.Time) int64 {
	if !s.paced {
		return s.written
	}
	if !s.running {
		return s.base
	}
	el := now.Sub(s.start)
	if el < 0 {
		el = 0
	}
	rate := int64(s.format.SampleRate)
	frames := int64(el/time.Second)*rate + int64(el%time.Second)*rate/int64(time.Second)
	p := s.base + frames*int64(s.fs)
	if p >= s.written {
		s.base, s.running = s.written, false
		if !s.draining {
			s.dry = true
		}
		return s.written
	}
	return p
}

// bytesDur is the play time of n bytes, rounded up to whole frames and at
// least one frame.
func (s *NullSink) bytesDur(n int64) time.Duration {
	frames := max((n+int64(s.fs)-1)/int64(s.fs), 1)
	rate := int64(s.format.SampleRate)
	return time.Duration((frames*int64(time.Second) + rate - 1) / rate)
}

// sleep releases s.mu until d has passed (never when d is 0) or a
// broadcast (Flush, Pause, Resume, Close) wakes the sink. Called with s.mu
// held; returns with it held.
func (s *NullSink) sleep(d time.Duration) {
	var timer <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
		s.waits++
	}
	wake := s.wake
	s.mu.Unlock()
	select {
	case <-timer:
	case <-wake:
	}
	s.mu.Lock()
}

func (s *NullSink) broadcast() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// Buffered is the play time written but not yet played.
func (s *NullSink) Buffered() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.opened {
		return 0
	}
	return s.format.Duration(int(s.written - s.playedAt(time.Now())))
}

// Played is the play time since Open.
func (s *NullSink) Played() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.opened {
		return 0
	}
	return s.format.Duration(int(s.playedAt(time.Now())))
}

// Drain waits until everything written has been played (paced), while
// not paused. It returns ErrClosed if the sink is closed first.
func (s *NullSink) Drain() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.draining = true
	defer func() { s.draining = false }()
	for {
		if s.closed {
			return ErrClosed
		}
		if !s.opened {
			return nil
		}
		left := s.written - s.playedAt(time.Now())
		if left <= 0 {
			s.dry = false
			return nil
		}
		var wait time.Duration
		if !s.paused {
			wait = s.bytesDur(left)
		}
		s.sleep(wait)
	}
}

// Flush discards what is buffered; the clock keeps what was played.
func (s *NullSink) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opened {
		s.written = s.playedAt(time.Now())
		s.base, s.running, s.dry = s.written, false, false
	}
	s.gen++
	s.broadcast()
}

// Pause stops the clock; a paced Write blocks until Resume.
func (s *NullSink) Pause() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused {
		return
	}
	if s.opened {
		s.base, s.running = s.playedAt(time.Now()), false
	}
	s.paused = true
	s.broadcast()
}

// Resume restarts the clock.
func (s *NullSink) Resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.paused {
		return
	}
	s.paused = false
	if s.opened && s.written > s.base {
		s.running, s.start = true, time.Now()
	}
	s.broadcast()
}

// SetVolume records the gain (a NullSink has nothing to scale).
func (s *NullSink) SetVolume(v float64) {
	s.mu.Lock()
	s.volume = v
	s.mu.Unlock()
}

// Volume returns the last gain set.
func (s *NullSink) Volume() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.volume
}

// Underruns counts the times a paced sink ran dry while the stream went
// on (a Write arrived after the simulated buffer emptied, outside Drain).
func (s *NullSink) Underruns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.under
}

// Close ends the sink; blocked Write and Drain calls return ErrClosed.
func (s *NullSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		s.broadcast()
	}
	return nil
}

var _ Sink = (*NullSink)(nil)
