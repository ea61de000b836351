package otosink

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
)

// Defaults of Config.
const (
	DefaultBuffer       = 250 * time.Millisecond
	DefaultDeviceBuffer = 100 * time.Millisecond
	DefaultReadyTimeout = 5 * time.Second
	// drainPoll is how often Drain looks at oto's buffer (oto has no
	// notification for "played out").
	drainPoll = 10 * time.Millisecond
)

// Config configures a Sink. The zero value is usable.
type Config struct {
	// Buffer is the size of the ring between Write and oto
	// (default DefaultBuffer).
	Buffer time.Duration
	// DeviceBuffer is oto's per-player buffer (default DefaultDeviceBuffer).
	DeviceBuffer time.Duration
	// Sample is the device sample format, audio.F32 (default) or audio.S16.
	Sample audio.SampleFormat
	// ReadyTimeout bounds the wait for the device to open
	// (default DefaultReadyTimeout).
	ReadyTimeout time.Duration
	// ALSAMessages keeps alsa-lib's own messages on stderr (by default
	// they are silenced: the errors are returned anyway).
	ALSAMessages bool
}

// Sink plays PCM on the sound device (see the package documentation).
// Open, Write and Drain are called from the player's writer goroutine;
// Flush, Pause, Resume, SetVolume, the clock methods and Close from any.
type Sink struct {
	cfg  Config
	open func(f audio.Format) (device, audio.Format, error)

	wmu  sync.Mutex // the writer: Open, Write, Drain
	conv *audio.Converter
	out  []byte

	mu     sync.Mutex
	dev    device
	devFmt audio.Format
	gen    *generation
	opened bool
	closed bool
	paused bool
	volume float64
	played int64 // device bytes played by generations that ended
	origin int64 // device bytes played when Open was called
	done   chan struct{}

	underruns atomic.Int64
}

// generation is one ring and one oto player; Flush and Drain end it.
type generation struct {
	s       *Sink
	ring    *audio.Ring
	frame   int
	player  player
	read    atomic.Int64 // bytes oto took from the ring
	eof     atomic.Bool  // oto's read got io.EOF: the ring is closed and empty
	started atomic.Bool
}

// Read feeds oto's player. It blocks while the ring is empty (oto plays
// silence meanwhile) and returns io.EOF only once the generation has
// ended (Drain, Flush, Close). A wait that ends with oto's buffer empty
// counts as an underrun.
func (g *generation) Read(p []byte) (int, error) {
	wait := g.ring.Len() < g.frame
	n, err := g.ring.Read(p)
	if n > 0 {
		if wait && g.started.Load() && g.player.UnplayedBufferSize() == 0 && !g.s.isPaused() {
			g.s.underruns.Add(1)
		}
		g.read.Add(int64(n))
		g.started.Store(true)
	}
	if err != nil {
		g.eof.Store(true)
	}
	return n, err
}

// playedBytes is what the device has taken from this generation's
// PCM: read from the ring minus what oto still buffers. For the instant
// between a read's return and oto appending its bytes to its buffer this
// runs ahead by that read (at most DeviceBuffer).
func (g *generation) playedBytes() int64 {
	return max(0, g.read.Load()-int64(g.player.UnplayedBufferSize()))
}

// Probe reports whether a sound device can be opened, without creating
// oto's context: nil, or a *DeviceError wrapping ErrNoDevice.
func Probe() error {
	silenceALSA()
	if err := probeALSA(); err != nil {
		return &DeviceError{Err: err}
	}
	return nil
}

// New returns a Sink after checking that a sound device opens (Probe);
// without one it returns a *DeviceError wrapping ErrNoDevice at once.
// oto's context is created at the first Open.
func New(cfg Config) (*Sink, error) {
	if !cfg.ALSAMessages {
		silenceALSA()
	}
	if err := probeALSA(); err != nil {
		return nil, &DeviceError{Err: err}
	}
	s := newSink(cfg, nil)
	return s, nil
}

// newSink builds a sink on an injected device opener (nil: oto).
func newSink(cfg Config, open func(audio.Format) (device, audio.Format, error)) *Sink {
	if cfg.Buffer <= 0 {
		cfg.Buffer = DefaultBuffer
	}
	if cfg.DeviceBuffer <= 0 {
		cfg.DeviceBuffer = DefaultDeviceBuffer
	}
	if cfg.Sample != audio.S16 {
		cfg.Sample = audio.F32
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = DefaultReadyTimeout
	}
	s := &Sink{cfg: cfg, open: open, volume: 1, done: make(chan struct{})}
	if s.open == nil {
		s.open = func(f audio.Format) (device, audio.Format, error) {
			return openDevice(f, cfg.Sample, cfg.ReadyTimeout)
		}
	}
	return s
}

// Realtime reports true: the device plays at the speed of its clock.
func (s *Sink) Realtime() bool { return true }

// DeviceFormat is the format the device plays (zero before the first
// successful Open).
func (s *Sink) DeviceFormat() audio.Format {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.devFmt
}

func (s *Sink) isPaused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// Open prepares for PCM in format f, creating the device at the first
// call (at f's rate). It returns a *DeviceError (ErrNoDevice) when the
// device cannot be opened. The clock restarts at zero.
func (s *Sink) Open(f audio.Format) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return audio.ErrClosed
	}
	dev := s.dev
	s.mu.Unlock()
	if !f.Valid() {
		return fmt.Errorf("%w: %v", audio.ErrFormat, f)
	}
	devFmt := s.DeviceFormat()
	if dev == nil {
		var err error
		if dev, devFmt, err = s.open(f); err != nil {
			return err
		}
	}
	conv, err := audio.NewConverter(f, devFmt)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return audio.ErrClosed
	}
	if s.dev == nil {
		s.dev, s.devFmt = dev, devFmt
		if !s.paused {
			s.dev.Resume() // a previous Sink's Close suspended the context
		}
	}
	s.conv = conv
	s.origin = s.totalLocked()
	s.opened = true
	return nil
}

// totalLocked is the device bytes played since the sink was made.
func (s *Sink) totalLocked() int64 {
	t := s.played
	if s.gen != nil {
		t += s.gen.playedBytes()
	}
	return t
}

// generation returns the current generation, starting one if needed.
func (s *Sink) generation() (*generation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, audio.ErrClosed
	}
	if s.gen == nil {
		fs := s.devFmt.FrameSize()
		g := &generation{s: s, frame: fs, ring: audio.NewRing(s.devFmt.Bytes(s.cfg.Buffer), fs, audio.BlockWhenEmpty)}
		g.player = s.dev.NewPlayer(g, s.devFmt.Bytes(s.cfg.DeviceBuffer))
		g.player.SetVolume(s.volume)
		s.gen = g
		g.player.Play()
	}
	return s.gen, nil
}

// Write converts pcm to the device format and queues it, blocking while
// the ring is full. A Flush meanwhile makes it return len(pcm), nil;
// Close makes it return audio.ErrClosed.
func (s *Sink) Write(pcm []byte) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if !s.opened {
		return 0, audio.ErrNotOpen
	}
	s.out = s.conv.Convert(s.out[:0], pcm)
	if err := s.queue(s.out); err != nil {
		return 0, err
	}
	return len(pcm), nil
}

// queue writes device PCM to the current generation's ring.
func (s *Sink) queue(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	g, err := s.generation()
	if err != nil {
		return err
	}
	if _, err := g.ring.Write(b); err != nil {
		s.mu.Lock()
		closed := s.closed
		s.mu.Unlock()
		if closed {
			return audio.ErrClosed
		}
		// The generation ended under us: a Flush discarded this audio.
	}
	return nil
}

// Drain plays out everything written (including the resampler's tail)
// and ends the generation; it polls oto's buffer every 10 ms. While
// paused it waits for Resume. It returns audio.ErrClosed if Close comes
// first, nil if a Flush does.
func (s *Sink) Drain() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if !s.opened {
		return nil
	}
	if err := s.queue(s.conv.Flush(s.out[:0])); err != nil {
		return err
	}
	s.mu.Lock()
	g := s.gen
	s.mu.Unlock()
	if g == nil {
		return nil
	}
	g.ring.Close() // the reader returns what is left, then io.EOF
	poll := time.NewTicker(drainPoll)
	defer poll.Stop()
	for {
		s.mu.Lock()
		closed, cur := s.closed, s.gen
		s.mu.Unlock()
		if closed {
			return audio.ErrClosed
		}
		if cur != g {
			return nil
		}
		// Done when oto has come back after the last byte and found
		// the end, and has played what it holds. An empty ring is not
		// enough: oto appends what a read returned to its buffer only
		// after the read, so the last piece may be on its way.
		if g.eof.Load() && g.player.UnplayedBufferSize() == 0 {
			break
		}
		select {
		case <-poll.C:
		case <-s.done:
		}
	}
	s.mu.Lock()
	if s.gen == g {
		s.played += g.read.Load()
		s.gen = nil
	}
	s.mu.Unlock()
	g.player.Close()
	return nil
}

// endLocked ends the current generation, counting what was heard, and
// returns its player for closing outside the lock.
func (s *Sink) endLocked() player {
	g := s.gen
	if g == nil {
		return nil
	}
	s.played += g.playedBytes()
	s.gen = nil
	g.ring.Close()
	return g.player
}

// Flush discards buffered audio (ring and oto's buffer); a blocked Write
// returns.
func (s *Sink) Flush() {
	s.mu.Lock()
	p := s.endLocked()
	s.mu.Unlock()
	if p != nil {
		p.Close()
	}
	s.wmu.Lock()
	if s.conv != nil {
		s.conv.Reset()
	}
	s.wmu.Unlock()
}

// Pause suspends the device (oto's context: all output stops at once).
func (s *Sink) Pause() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused {
		return
	}
	s.paused = true
	if s.dev != nil {
		s.dev.Suspend()
	}
}

// Resume restarts the device.
func (s *Sink) Resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.paused {
		return
	}
	s.paused = false
	if s.dev != nil && !s.closed {
		s.dev.Resume()
	}
}

// SetVolume sets the gain, 0..1 (oto ramps it over one buffer).
func (s *Sink) SetVolume(v float64) {
	if !(v >= 0) {
		v = 0
	}
	v = min(v, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.volume = v
	if s.gen != nil {
		s.gen.player.SetVolume(v)
	}
}

// Played is the play time heard since Open: what oto has taken from the
// ring minus what it still buffers.
func (s *Sink) Played() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.devFmt.Duration(int(s.totalLocked() - s.origin))
}

// Buffered is the play time written but not yet heard (ring and oto's
// buffer).
func (s *Sink) Buffered() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == nil {
		return 0
	}
	return s.devFmt.Duration(s.gen.ring.Len() + s.gen.player.UnplayedBufferSize())
}

// Underruns counts the times the device ran dry while playing.
func (s *Sink) Underruns() int { return int(s.underruns.Load()) }

// Close stops playback and releases the player; blocked Write and Drain
// calls return. The device is suspended (oto's context cannot be closed;
// a later Sink resumes it).
func (s *Sink) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	p := s.endLocked()
	dev := s.dev
	s.mu.Unlock()
	if p != nil {
		p.Close()
	}
	if dev != nil {
		dev.Suspend()
	}
	return nil
}

var _ audio.Sink = (*Sink)(nil)
