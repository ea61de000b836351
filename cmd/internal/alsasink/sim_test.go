package alsasink

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
)

// simDevice is a sound card on the time package's clock (run in a
// synctest bubble): a buffer of params.buffer frames that it plays at
// the format's rate once it holds the start threshold (a full buffer, as
// snd_pcm_set_params sets it), that underruns when it runs dry (the next
// write reports the recovered xrun), that pauses if it can, and that can
// fail or stop taking audio.
type simDevice struct {
	pr params

	mu      sync.Mutex
	state   string // prepared, running, paused, xrun
	appl    int64  // frames written
	hw      int64  // frames played at since
	since   time.Time
	got     []byte
	dropped int64 // frames drop discarded
	// failAt, when > 0, fails the write that would take the device past
	// that many frames, as an unplugged USB device does.
	failAt int64
	// stuck makes the device stop playing (a hung device).
	stuck  bool
	closed bool
}

var errUnplugged = errors.New("snd_pcm_writei: No such device")

func newSim(rate, channels int, buffer time.Duration, canPause bool) *simDevice {
	f := audio.Format{SampleRate: rate, Channels: channels, Sample: audio.S16}
	b := f.Bytes(buffer) / f.FrameSize()
	return &simDevice{pr: params{format: f, buffer: b, period: b / 4, canPause: canPause}, state: "prepared"}
}

// opener opens the simulated device for any name and format.
func (d *simDevice) opener(string, []audio.Format, time.Duration) (device, params, error) {
	return d, d.pr, nil
}

// advanceLocked plays what the time since the last look allows.
func (d *simDevice) advanceLocked() {
	now := time.Now()
	if d.state == "running" && !d.stuck {
		played := int64(now.Sub(d.since)) * int64(d.pr.format.SampleRate) / int64(time.Second)
		if d.hw+played >= d.appl {
			d.hw, d.state = d.appl, "xrun"
		} else {
			d.hw += played
			// Keep the remainder of a frame for next time.
			now = d.since.Add(time.Duration(played * int64(time.Second) / int64(d.pr.format.SampleRate)))
		}
	}
	d.since = now
}

func (d *simDevice) write(b []byte) (int, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.advanceLocked()
	if d.state == "xrun" {
		d.state = "prepared" // snd_pcm_recover
		return 0, true, nil
	}
	fs := d.pr.format.FrameSize()
	n := min(int64(len(b)/fs), int64(d.pr.buffer)-(d.appl-d.hw))
	if d.failAt > 0 && d.appl+n > d.failAt {
		return 0, false, errUnplugged
	}
	d.appl += n
	d.got = append(d.got, b[:int(n)*fs]...)
	if d.state == "prepared" && d.appl-d.hw >= int64(d.pr.buffer) {
		d.state, d.since = "running", time.Now()
	}
	return int(n), false, nil
}

func (d *simDevice) wait(max time.Duration) error {
	d.mu.Lock()
	d.advanceLocked()
	room := int64(d.pr.buffer) - (d.appl - d.hw)
	need := int64(d.pr.period) - room
	running := d.state == "running" && !d.stuck
	d.mu.Unlock()
	if need <= 0 {
		return nil
	}
	w := max
	if running {
		w = min(w, time.Duration(need*int64(time.Second)/int64(d.pr.format.SampleRate))+time.Millisecond)
	}
	time.Sleep(w)
	return nil
}

func (d *simDevice) delay() (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.advanceLocked()
	return int(d.appl - d.hw), nil
}

func (d *simDevice) start() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.state == "prepared" && d.appl > d.hw {
		d.state, d.since = "running", time.Now()
	}
	return nil
}

func (d *simDevice) running() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.advanceLocked()
	return d.state == "running"
}

func (d *simDevice) pause(on bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.advanceLocked()
	switch {
	case on && d.state == "running":
		d.state = "paused"
	case !on && d.state == "paused":
		d.state, d.since = "running", time.Now()
	default:
		return errors.New("snd_pcm_pause: File descriptor in bad state")
	}
	return nil
}

func (d *simDevice) drop() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.advanceLocked()
	d.dropped += d.appl - d.hw
	d.hw, d.state = d.appl, "prepared"
	return nil
}

func (d *simDevice) close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
}

func (d *simDevice) set(fn func(d *simDevice)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fn(d)
}

var stereo48 = audio.Format{SampleRate: 48000, Channels: 2, Sample: audio.S16}

// simSink opens a Sink on d for stereo48.
func simSink(t *testing.T, d *simDevice, cfg Config) *Sink {
	t.Helper()
	s, err := newSink("sim", cfg, d.opener)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(stereo48); err != nil {
		t.Fatal(err)
	}
	return s
}

// writer writes d of PCM in 20 ms pieces from its own goroutine (the
// player's writer) and reports the end on the channel returned.
func writer(s *Sink, d time.Duration) <-chan error {
	done := make(chan error, 1)
	go func() {
		piece := make([]byte, stereo48.Bytes(20*time.Millisecond))
		for range d / (20 * time.Millisecond) {
			if _, err := s.Write(piece); err != nil {
				done <- err
				return
			}
		}
		done <- s.Drain()
	}()
	return done
}

// near fails unless got is within tol of want.
func near(t *testing.T, what string, got, want, tol time.Duration) {
	t.Helper()
	if got < want-tol || got > want+tol {
		t.Errorf("%s: %v, want %v ± %v", what, got, want, tol)
	}
}

// TestSimPacing: on a device that plays in real time, Write blocks once
// the ring and the device buffer are full (the player is paced by it),
// Played follows the wall clock within a period, and Drain returns when
// the device has played everything.
func TestSimPacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newSim(48000, 2, 100*time.Millisecond, true)
		s := simSink(t, d, Config{Buffer: 250 * time.Millisecond})
		defer s.Close()
		start := time.Now()
		done := writer(s, 2*time.Second)
		// Between two writes to the device (a period apart) the clock
		// moves on with the wall clock.
		for _, at := range []time.Duration{time.Second, 1012 * time.Millisecond, 1020 * time.Millisecond} {
			time.Sleep(at - time.Since(start))
			near(t, fmt.Sprint("Played after ", at), s.Played(), at, 2*time.Millisecond)
		}
		near(t, "Buffered", s.Buffered(), 350*time.Millisecond, 30*time.Millisecond)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		near(t, "Drain returned after", time.Since(start), 2*time.Second, 25*time.Millisecond)
		if p := s.Played(); p != 2*time.Second {
			t.Errorf("Played %v after draining 2 s", p)
		}
		if n := s.Underruns(); n != 0 {
			t.Errorf("%d underruns", n)
		}
		if got := len(d.got); got != stereo48.Bytes(2*time.Second) {
			t.Errorf("the device got %d bytes", got)
		}
	})
}

// TestSimPause: Pause stops the device and the clock; Resume goes on
// from there. A device that can pause keeps what it holds; one that
// cannot drops it, and the clock counts it as heard.
func TestSimPause(t *testing.T) {
	for _, canPause := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			d := newSim(48000, 2, 100*time.Millisecond, canPause)
			s := simSink(t, d, Config{})
			defer s.Close()
			start := time.Now()
			done := writer(s, 2*time.Second)
			time.Sleep(500 * time.Millisecond)
			s.Pause()
			paused := s.Played()
			// The device goroutine may be waiting for room in the device
			// (as in snd_pcm_wait) when Pause comes: the device stops
			// within a period, and the clock with it.
			time.Sleep(100 * time.Millisecond)
			at := s.Played()
			var dropped time.Duration // what a device that cannot pause dropped, counted as heard
			d.set(func(d *simDevice) { dropped = stereo48.Duration(int(d.dropped) * stereo48.FrameSize()) })
			if at-paused > 25*time.Millisecond+dropped {
				t.Errorf("can pause %v: the clock went on from %v to %v after Pause (%v dropped)", canPause, paused, at, dropped)
			}
			time.Sleep(time.Second)
			if p := s.Played(); p != at {
				t.Errorf("can pause %v: the clock moved from %v to %v while paused", canPause, at, p)
			}
			s.Resume()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			d.set(func(d *simDevice) {
				if canPause && d.dropped != 0 {
					t.Errorf("a device that can pause dropped %d frames", d.dropped)
				}
				if !canPause && (d.dropped == 0 || d.dropped > int64(d.pr.buffer)) {
					t.Errorf("a device that cannot pause dropped %d frames (its buffer: %d)", d.dropped, d.pr.buffer)
				}
			})
			want := 3*time.Second + 100*time.Millisecond
			if !canPause {
				want -= stereo48.Duration(int(d.dropped) * stereo48.FrameSize())
			}
			near(t, "Drain returned after", time.Since(start), want, 30*time.Millisecond)
			if p := s.Played(); p != 2*time.Second {
				t.Errorf("can pause %v: Played %v at the end of 2 s", canPause, p)
			}
			if n := s.Underruns(); n != 0 {
				t.Errorf("can pause %v: %d underruns", canPause, n)
			}
		})
	}
}

// TestSimUnderrun: a device that runs dry while playing (the player had
// nothing to give) underruns; the sink recovers and counts it once.
func TestSimUnderrun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newSim(48000, 2, 100*time.Millisecond, true)
		s := simSink(t, d, Config{})
		defer s.Close()
		piece := make([]byte, stereo48.Bytes(300*time.Millisecond))
		if _, err := s.Write(piece); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second) // starved
		if _, err := s.Write(piece); err != nil {
			t.Fatal(err)
		}
		if err := s.Drain(); err != nil {
			t.Fatal(err)
		}
		if n := s.Underruns(); n != 1 {
			t.Errorf("%d underruns, want 1", n)
		}
		if got := len(d.got); got != 2*len(piece) {
			t.Errorf("the device got %d bytes of %d", got, 2*len(piece))
		}
	})
}

// TestSimDeviceFails: a device that fails while playing (unplugged) makes
// the blocked Write return a *DeviceError naming it, with the cause;
// the next Write and Drain say the same, and Close works.
func TestSimDeviceFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newSim(48000, 2, 100*time.Millisecond, true)
		d.failAt = int64(48000) // after 1 s
		s := simSink(t, d, Config{})
		err := <-writer(s, 3*time.Second)
		var de *DeviceError
		if !errors.As(err, &de) || !errors.Is(err, ErrDevice) || !errors.Is(err, errUnplugged) || de.Name != "sim" {
			t.Fatalf("Write: %v", err)
		}
		if _, err2 := s.Write(make([]byte, 4)); !errors.Is(err2, ErrDevice) {
			t.Errorf("the next Write: %v", err2)
		}
		if err := s.Drain(); !errors.Is(err, ErrDevice) {
			t.Errorf("Drain: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
		if !d.closed {
			t.Error("the device is not closed")
		}
	})
}

// TestSimStall: a device that stops playing makes Write fail after
// Config.StallTimeout rather than block for ever.
func TestSimStall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newSim(48000, 2, 100*time.Millisecond, true)
		d.stuck = true
		s := simSink(t, d, Config{StallTimeout: 2 * time.Second})
		defer s.Close()
		start := time.Now()
		err := <-writer(s, 5*time.Second)
		if !errors.Is(err, ErrDevice) || !errors.Is(err, errStall) {
			t.Fatalf("Write: %v", err)
		}
		near(t, "the stall was reported after", time.Since(start), 2*time.Second, 100*time.Millisecond)
	})
}
