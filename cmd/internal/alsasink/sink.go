package alsasink

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
)

// Defaults of Config.
const (
	DefaultBuffer       = 250 * time.Millisecond
	DefaultLatency      = 100 * time.Millisecond
	DefaultStallTimeout = 3 * time.Second
)

// Device is a PCM alsa-lib offers for playback.
type Device struct {
	// Name is what Open takes ("default", "front:CARD=PCH,DEV=0", …).
	Name string
	// Description is alsa-lib's description on one line ("HDA Intel
	// PCH, ALC892 Analog Front output / input"); may be empty.
	Description string
}

// Devices lists the PCMs alsa-lib's name hints offer for playback
// (snd_device_name_hint "pcm", those whose IOID is Output or absent).
func Devices() ([]Device, error) {
	d, err := listHints()
	if err != nil {
		return nil, fmt.Errorf("listing the audio devices: %w", err)
	}
	return d, nil
}

// outputHint reports whether a hint with IOID ioid (has: set at all) can
// play: an absent IOID means both directions.
func outputHint(ioid string, has bool) bool { return !has || ioid == "Output" }

// device is an open playback PCM as the device goroutine drives it:
// alsa-lib's (alsa.go), or a simulated one in tests.
type device interface {
	// write writes whole frames of b without blocking: the frames taken
	// (0: no room, wait), and xrun when an underrun (EPIPE) or a suspend
	// (ESTRPIPE) was recovered instead.
	write(b []byte) (frames int, xrun bool, err error)
	// wait waits at most d for room.
	wait(d time.Duration) error
	// delay is the frames written and not played yet.
	delay() (int, error)
	// start starts a prepared device holding less than its start
	// threshold.
	start() error
	// running reports whether the device is playing.
	running() bool
	// pause pauses or resumes a device that can (params.canPause).
	pause(on bool) error
	// drop discards what the device holds and prepares it again.
	drop() error
	close()
}

// maxBufferSeconds bounds the device buffer a device may set (the ring
// and the write chunk are sized from it).
const maxBufferSeconds = 10

// params are an open device's settings.
type params struct {
	format   audio.Format // S16 at the device's rate and channels
	buffer   int          // frames
	period   int          // frames
	canPause bool
}

// opener opens the device name for playback at the first format of want
// it takes, with about latency of buffer.
type opener func(name string, want []audio.Format, latency time.Duration) (device, params, error)

// Config configures a Sink. The zero value is usable.
type Config struct {
	// Buffer is the ring between Write and the device (DefaultBuffer).
	Buffer time.Duration
	// Latency is the device buffer asked of ALSA (DefaultLatency).
	Latency time.Duration
	// StallTimeout is how long the device may take no audio while playing
	// before it counts as failed (DefaultStallTimeout).
	StallTimeout time.Duration
}

// Sink plays PCM on one ALSA PCM (see the package documentation). Open,
// Write and Drain are called from the player's writer goroutine; Flush,
// Pause, Resume, SetVolume, the clock methods and Close from any.
type Sink struct {
	name string
	cfg  Config
	open opener

	wmu sync.Mutex // the writer: Open, Write, Drain
	out []byte

	mu     sync.Mutex
	cond   *sync.Cond    // writers: room in the ring, drained, failed, closed
	wake   chan struct{} // the device goroutine: something to do (cap 1)
	dev    device        // owned by the device goroutine
	quit   chan struct{} // stops the device goroutine
	done   chan struct{} // closed when it has stopped
	devFmt audio.Format
	asked  audio.Format // the format the device was opened for
	conv   *audio.Converter
	volume float64

	ring     []byte
	r, n     int
	opened   bool
	closed   bool
	paused   bool
	draining bool
	gen      uint64 // bumped by Flush and Open: discard what is in flight
	err      error  // the device failed

	// The clock, in device frames since Open.
	base      int64     // played before the last Flush
	written   int64     // written to the device since then
	delay     int64     // in the device at stamp
	stamp     time.Time // when delay was read
	ticking   bool      // the device was playing at stamp
	last      int64     // the largest value Played returned (monotonic)
	underruns int
}

// Open returns a Sink for the PCM name after opening it once to check
// that it exists and can play (a *DeviceError wrapping ErrDevice
// otherwise). The device is opened again at the first Sink.Open, at the
// stream's format.
func Open(name string, cfg Config) (*Sink, error) {
	return newSink(name, cfg, openPCM)
}

// newSink is Open on the devices of open.
func newSink(name string, cfg Config, open opener) (*Sink, error) {
	if cfg.Buffer <= 0 {
		cfg.Buffer = DefaultBuffer
	}
	if cfg.Latency <= 0 {
		cfg.Latency = DefaultLatency
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = DefaultStallTimeout
	}
	p, _, err := open(name, []audio.Format{{SampleRate: 48000, Channels: 2, Sample: audio.S16}, {SampleRate: 44100, Channels: 2, Sample: audio.S16}}, cfg.Latency)
	if err != nil {
		return nil, &DeviceError{Name: name, Err: err}
	}
	p.close()
	s := &Sink{name: name, cfg: cfg, open: open, volume: 1, wake: make(chan struct{}, 1)}
	s.cond = sync.NewCond(&s.mu)
	return s, nil
}

// Name is the PCM's name.
func (s *Sink) Name() string { return s.name }

// Realtime reports true: the device plays at the speed of its clock.
func (s *Sink) Realtime() bool { return true }

// DeviceFormat is the format the device plays (zero before Open).
func (s *Sink) DeviceFormat() audio.Format {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.devFmt
}

// formats are the device formats tried for f, best first: f's own rate
// and channels (at most 8), stereo at f's rate, then stereo at 48 and
// 44.1 kHz, which every device that plays takes.
func formats(f audio.Format) []audio.Format {
	var out []audio.Format
	add := func(rate, ch int) {
		g := audio.Format{SampleRate: rate, Channels: ch, Sample: audio.S16}
		for _, o := range out {
			if o == g {
				return
			}
		}
		out = append(out, g)
	}
	if f.Channels <= 8 {
		add(f.SampleRate, f.Channels)
	}
	add(f.SampleRate, 2)
	add(48000, 2)
	add(44100, 2)
	return out
}

// Open prepares for PCM in format f: the device is (re)opened when f's
// rate or channels differ from what it plays, and the clock restarts at
// zero. A device that cannot be opened gives a *DeviceError.
func (s *Sink) Open(f audio.Format) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if !f.Valid() {
		return fmt.Errorf("%w: %v", audio.ErrFormat, f)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return audio.ErrClosed
	}
	want := formats(f)
	reopen := s.dev == nil || s.err != nil || s.asked != want[0]
	s.mu.Unlock()
	if reopen {
		s.stopDevice()
		p, pr, err := s.open(s.name, want, s.cfg.Latency)
		if err != nil {
			return &DeviceError{Name: s.name, Err: err}
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			p.close()
			return audio.ErrClosed
		}
		s.dev, s.devFmt, s.asked, s.err = p, pr.format, want[0], nil
		s.ring = make([]byte, max(pr.format.Bytes(s.cfg.Buffer)/pr.format.FrameSize(), pr.period)*pr.format.FrameSize())
		s.quit, s.done = make(chan struct{}), make(chan struct{})
		go s.run(p, pr, s.quit, s.done)
		s.mu.Unlock()
	}
	conv, err := audio.NewConverter(f, s.DeviceFormat())
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	conv.SetGain(s.volume)
	conv.Reset()
	s.conv = conv
	s.resetLocked()
	s.base, s.last = 0, 0
	s.opened = true
	return nil
}

// stopDevice stops the device goroutine, which closes the PCM.
func (s *Sink) stopDevice() {
	s.mu.Lock()
	quit, done := s.quit, s.done
	s.quit, s.done, s.dev = nil, nil, nil
	s.mu.Unlock()
	if quit != nil {
		close(quit)
		<-done
	}
}

// resetLocked discards the ring and what the device holds, keeping the
// clock's base.
func (s *Sink) resetLocked() {
	s.gen++
	s.r, s.n = 0, 0
	s.written, s.delay, s.ticking, s.draining = 0, 0, false, false
	s.cond.Broadcast()
	s.poke()
}

// poke wakes the device goroutine.
func (s *Sink) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// converter is the opened stream's converter, nil before Open.
func (s *Sink) converter() *audio.Converter {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.opened {
		return nil
	}
	return s.conv
}

// Write converts pcm to the device format and queues it, blocking while
// the ring is full. A Flush meanwhile makes it return len(pcm), nil;
// Close makes it return audio.ErrClosed; a failed device its
// *DeviceError.
func (s *Sink) Write(pcm []byte) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	conv := s.converter()
	if conv == nil {
		return 0, audio.ErrNotOpen
	}
	s.out = conv.Convert(s.out[:0], pcm)
	if err := s.queue(s.out); err != nil {
		return 0, err
	}
	return len(pcm), nil
}

// queue copies device PCM into the ring.
func (s *Sink) queue(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	gen := s.gen
	fs := s.devFmt.FrameSize()
	for len(b) >= fs {
		switch {
		case s.closed:
			return audio.ErrClosed
		case s.err != nil:
			return s.err
		case s.gen != gen:
			return nil // flushed
		}
		room := (len(s.ring) - s.n) / fs * fs
		if room == 0 {
			s.cond.Wait()
			continue
		}
		k := min(room, len(b)/fs*fs)
		w := (s.r + s.n) % len(s.ring)
		c := copy(s.ring[w:], b[:k])
		copy(s.ring, b[c:k])
		s.n += k
		b = b[k:]
		s.poke()
	}
	return nil
}

// Drain plays out everything written and returns when the device has
// played it (or a Flush or Close came first); a paused sink waits for
// Resume.
func (s *Sink) Drain() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	conv := s.converter()
	if conv == nil {
		return nil
	}
	if err := s.queue(conv.Flush(s.out[:0])); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	gen := s.gen
	s.draining = true
	s.poke()
	for s.draining && !s.closed && s.err == nil && s.gen == gen {
		s.cond.Wait()
	}
	switch {
	case s.closed:
		return audio.ErrClosed
	case s.err != nil:
		return s.err
	}
	return nil
}

// Flush discards the buffered audio (the ring and the device's); a
// blocked Write returns. The clock keeps what was heard.
func (s *Sink) Flush() {
	s.mu.Lock()
	s.base = s.playedLocked(time.Now())
	s.last = s.base
	s.resetLocked()
	s.mu.Unlock()
	s.wmu.Lock()
	s.mu.Lock()
	if s.conv != nil {
		s.conv.Reset()
	}
	s.mu.Unlock()
	s.wmu.Unlock()
}

// Pause stops the output (and the clock).
func (s *Sink) Pause() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.paused {
		s.last = s.playedLocked(time.Now())
		s.paused = true
		s.poke()
	}
}

// Resume restarts the output.
func (s *Sink) Resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused {
		s.paused = false
		s.stamp = time.Now()
		s.cond.Broadcast()
		s.poke()
	}
}

// SetVolume sets the gain, 0..1 (ramped over 10 ms, from the audio
// written next).
func (s *Sink) SetVolume(v float64) {
	if !(v >= 0) {
		v = 0
	}
	v = min(v, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.volume = v
	if s.conv != nil {
		s.conv.SetGain(v)
	}
}

// playedLocked is the device frames heard since Open at now: written
// minus what the device held at the last reading, less what it has
// played since while it runs; never less than the last value given.
func (s *Sink) playedLocked(now time.Time) int64 {
	held := s.delay
	if s.ticking && !s.paused && s.devFmt.SampleRate > 0 {
		el := now.Sub(s.stamp)
		if el > 0 {
			held -= min(int64(el.Seconds()*float64(s.devFmt.SampleRate)), held)
		}
	}
	p := s.base + s.written - held
	if p < s.last {
		p = s.last
	}
	s.last = p
	return p
}

// Played is the play time heard since Open (the audio clock).
func (s *Sink) Played() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.devFmt.SampleRate == 0 {
		return 0
	}
	return s.frames(s.playedLocked(time.Now()))
}

func (s *Sink) frames(n int64) time.Duration {
	return time.Duration(n) * time.Second / time.Duration(s.devFmt.SampleRate)
}

// Buffered is the play time written but not yet heard.
func (s *Sink) Buffered() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.devFmt.SampleRate == 0 {
		return 0
	}
	inDevice := max(s.base+s.written-s.playedLocked(time.Now()), 0)
	return s.frames(int64(s.n/s.devFmt.FrameSize()) + inDevice)
}

// Underruns counts the times the device ran dry while playing.
func (s *Sink) Underruns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.underruns
}

// Close stops playback and closes the device; blocked Write and Drain
// calls return audio.ErrClosed.
func (s *Sink) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
	s.stopDevice()
	return nil
}

// errStall is the cause of a device that took no audio for StallTimeout.
var errStall = errors.New("the device took no audio")

// run is the device goroutine: it alone uses p, and closes it on quit.
func (s *Sink) run(p device, pr params, quit, done chan struct{}) {
	defer close(done)
	defer p.close()
	fs := pr.format.FrameSize()
	periodTime := time.Duration(pr.period) * time.Second / time.Duration(pr.format.SampleRate)
	chunk := make([]byte, pr.period*fs)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	sleep := func(d time.Duration) bool {
		timer.Reset(d)
		defer timer.Stop()
		select {
		case <-quit:
			return false
		case <-s.wake:
		case <-timer.C:
		}
		return true
	}
	s.mu.Lock()
	seen := s.gen
	s.mu.Unlock()
	hwPaused, paused := false, false
	var drainSince time.Time
	var drainLeft int64
	fail := func(err error) {
		s.mu.Lock()
		s.err = &DeviceError{Name: s.name, Err: err}
		s.cond.Broadcast()
		s.mu.Unlock()
	}
	// note records the device's delay after a write or a wait.
	note := func(gen uint64) bool {
		d, err := p.delay()
		if err != nil {
			fail(err)
			return false
		}
		ticking := p.running()
		s.mu.Lock()
		if s.gen == gen {
			s.delay, s.stamp, s.ticking = min(int64(d), s.written), time.Now(), ticking
		}
		s.mu.Unlock()
		return true
	}
	for {
		select {
		case <-quit:
			return
		default:
		}
		s.mu.Lock()
		gen := s.gen
		switch {
		case gen != seen:
			seen = gen
			s.mu.Unlock()
			if err := p.drop(); err != nil {
				fail(err)
				return
			}
			hwPaused = false
			drainSince = time.Time{}
			continue
		case s.paused != paused:
			paused = s.paused
			s.mu.Unlock()
			if err := s.pauseDevice(p, pr.canPause, paused, &hwPaused, gen); err != nil {
				fail(err)
				return
			}
			continue
		case paused:
			s.mu.Unlock()
			if !sleep(time.Hour) {
				return
			}
			continue
		case s.n == 0 && s.draining:
			s.mu.Unlock()
			if !note(gen) {
				return
			}
			s.mu.Lock()
			left, ticking := s.delay, s.ticking
			s.mu.Unlock()
			if left > 0 && !ticking {
				// Less than the start threshold was written: start.
				if err := p.start(); err != nil {
					fail(err)
					return
				}
			}
			if left == 0 {
				// Played out: stop the device so that the next write
				// starts it again without an underrun.
				if err := p.drop(); err != nil {
					fail(err)
					return
				}
				s.mu.Lock()
				if s.gen == gen {
					s.delay, s.ticking, s.draining = 0, false, false
					s.cond.Broadcast()
				}
				s.mu.Unlock()
				drainSince = time.Time{}
				continue
			}
			if drainSince.IsZero() || left < drainLeft {
				drainSince, drainLeft = time.Now(), left
			} else if time.Since(drainSince) > s.cfg.StallTimeout {
				fail(fmt.Errorf("%w for %v while draining", errStall, s.cfg.StallTimeout))
				return
			}
			if !sleep(periodTime / 2) {
				return
			}
			continue
		case s.n == 0:
			s.mu.Unlock()
			if !sleep(time.Hour) {
				return
			}
			if !note(gen) {
				return
			}
			continue
		}
		k := min(s.n, len(chunk)) / fs * fs
		c := copy(chunk[:k], s.ring[s.r:])
		copy(chunk[c:k], s.ring)
		s.mu.Unlock()
		frames, err := s.writeAll(p, fs, chunk[:k], gen, periodTime, quit)
		if err != nil {
			fail(err)
			return
		}
		// The frames written and the device's delay change together, so
		// that the clock never counts what was just written as heard.
		d, err := p.delay()
		if err != nil {
			fail(err)
			return
		}
		ticking := p.running()
		s.mu.Lock()
		if s.gen == gen {
			b := frames * fs
			s.r = (s.r + b) % len(s.ring)
			s.n -= b
			s.written += int64(frames)
			s.delay, s.stamp, s.ticking = min(int64(d), s.written), time.Now(), ticking
			s.cond.Broadcast()
		}
		s.mu.Unlock()
	}
}

// writeAll writes b to the device, waiting for room; it stops early (with
// what it wrote) on a Flush, a Pause or quit, and fails when the device
// takes nothing for StallTimeout.
func (s *Sink) writeAll(p device, fs int, b []byte, gen uint64, periodTime time.Duration, quit chan struct{}) (int, error) {
	total := 0
	idle := time.Now()
	for len(b) >= fs {
		select {
		case <-quit:
			return total, nil
		default:
		}
		s.mu.Lock()
		stop := s.gen != gen || s.paused
		started := s.written > 0 || total > 0
		s.mu.Unlock()
		if stop {
			return total, nil
		}
		n, xrun, err := p.write(b)
		if err != nil {
			return total, err
		}
		if xrun && started {
			s.mu.Lock()
			s.underruns++
			s.mu.Unlock()
		}
		if n > 0 {
			total += n
			b = b[n*fs:]
			idle = time.Now()
			continue
		}
		if xrun {
			continue
		}
		if time.Since(idle) > s.cfg.StallTimeout {
			return total, fmt.Errorf("%w for %v", errStall, s.cfg.StallTimeout)
		}
		if err := p.wait(2 * periodTime); err != nil {
			return total, err
		}
	}
	return total, nil
}

// pauseDevice pauses or resumes the device: snd_pcm_pause where the
// device can and is playing; otherwise pausing drops what the device
// holds (counted as heard) and resuming starts it with the next write.
func (s *Sink) pauseDevice(p device, canPause, on bool, hwPaused *bool, gen uint64) error {
	if !on {
		if *hwPaused {
			*hwPaused = false
			return p.pause(false)
		}
		return nil
	}
	if canPause && p.running() {
		if err := p.pause(true); err != nil {
			return err
		}
		*hwPaused = true
		return nil
	}
	if err := p.drop(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.gen == gen {
		s.delay, s.ticking = 0, false
	}
	s.mu.Unlock()
	return nil
}

var _ audio.Sink = (*Sink)(nil)
