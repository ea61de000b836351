package main

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/cmd/internal/alsasink"
	"github.com/eddyplayer/eddy/cmd/internal/otosink"
	"github.com/eddyplayer/eddy/cmd/internal/wiring"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/ui"
)

// openSink returns the sound output chosen with -audio and the audio
// device of File ▸ Preferences (device, an ALSA PCM name; "" the system
// default), the switchable output when there is one (nil with -audio
// none), and a notice for the status bar when playback will be silent or
// is not on the device chosen:
//
//   - auto: the device chosen, else the system default (oto); without
//     either, a real-time paced NullSink (the position and the buffering
//     behave as with sound) and a notice;
//   - device: as auto, but with no sound device at all it is an error;
//   - none: the paced NullSink.
func openSink(mode, device string, logger *slog.Logger) (audio.Sink, *soundOutput, string, error) {
	if mode == "none" {
		return audio.NewNullSink(audio.NullSinkConfig{Paced: true}), nil, "Sound is off (-audio none): playing silently", nil
	}
	out := newSoundOutput(
		func(name string) (audio.Sink, error) { return alsasink.Open(name, alsasink.Config{}) },
		wiring.SoundOutput)
	devErr, defaultErr := out.start(device)
	if defaultErr == nil {
		if devErr != nil {
			return out, out, devErr.Error() + ": playing on the default output", nil
		}
		return out, out, "", nil
	}
	if mode == "device" {
		out.Close()
		if devErr != nil {
			return nil, nil, "", fmt.Errorf("%w; and the default: %w", devErr, defaultErr)
		}
		return nil, nil, "", defaultErr
	}
	logger.Warn("no sound output", "err", defaultErr)
	var notice string
	if errors.Is(defaultErr, otosink.ErrNoDevice) {
		notice = "No sound device found: playing silently"
	} else {
		notice = "The sound device failed (" + defaultErr.Error() + "): playing silently"
	}
	if devErr != nil {
		notice = devErr.Error() + ". " + notice
	}
	return out, out, notice, nil
}

// soundOutput is the window's audio.Sink: the ALSA device chosen in
// File ▸ Preferences (alsasink) or the system default (oto through
// wiring.SoundOutput; a paced NullSink without a sound device). Use
// changes the device while the player runs: the writer goroutine makes
// the change at its next Write (a stream playing moves over within a
// Write, losing what the old device still held) or Open. A chosen device
// that cannot be opened, or that fails while playing (unplugged), gives
// way to the system default, and the user is told (notify): playback goes
// on, on the default output, rather than stopping. The clock (Played)
// runs on across a change: what the old device was given counts as heard.
type soundOutput struct {
	openDevice  func(name string) (audio.Sink, error)
	openDefault func() (audio.Sink, error)

	wmu sync.Mutex // the writer: Open, Write, Drain and the changes they make

	mu      sync.Mutex
	cur     audio.Sink
	curName string // "" the system default
	want    string
	format  audio.Format
	opened  bool
	closed  bool
	paused  bool
	volume  float64
	offset  time.Duration // heard on outputs replaced since Open
	under   int           // underruns of outputs replaced
	notify  func(string)
	notices []string // said before notify was set
}

func newSoundOutput(openDevice func(string) (audio.Sink, error), openDefault func() (audio.Sink, error)) *soundOutput {
	return &soundOutput{openDevice: openDevice, openDefault: openDefault, volume: 1}
}

// start opens the first output: device, else the system default. It
// returns device's error and the default's, when they were opened and
// failed (the default's output is then a paced NullSink).
func (s *soundOutput) start(device string) (devErr, defErr error) {
	sink, name, devErr, defErr := s.openNamed(device)
	s.mu.Lock()
	s.cur, s.curName, s.want = sink, name, name
	s.mu.Unlock()
	return devErr, defErr
}

// openNamed opens device name, falling back to the system default; it
// returns the output, the name of the one opened ("" the default), and
// the errors of name's device and of the default when they failed.
func (s *soundOutput) openNamed(name string) (sink audio.Sink, got string, devErr, defErr error) {
	if name != "" {
		sink, err := s.openDevice(name)
		if err == nil {
			return sink, name, nil, nil
		}
		devErr = err
	}
	sink, defErr = s.openDefault()
	return sink, "", devErr, defErr
}

// changeNotice says what a change of output did, when it is not what
// the user asked for: "" when it is.
func changeNotice(devErr, defErr error) string {
	switch {
	case devErr != nil && defErr != nil:
		return fmt.Sprintf("%v; and the default output: %v: playing silently", devErr, defErr)
	case devErr != nil:
		return fmt.Sprintf("%v: playing on the default output", devErr)
	case defErr != nil:
		return fmt.Sprintf("The default output: %v: playing silently", defErr)
	}
	return ""
}

// SetNotify sets where notices go from now on (the status bar); the
// notices made before are returned.
func (s *soundOutput) SetNotify(fn func(string)) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notify = fn
	n := s.notices
	s.notices = nil
	return n
}

func (s *soundOutput) say(msg string) {
	if msg == "" {
		return
	}
	s.mu.Lock()
	fn := s.notify
	if fn == nil {
		s.notices = append(s.notices, msg)
	}
	s.mu.Unlock()
	if fn != nil {
		fn(msg)
	}
}

// Use plays on the ALSA device name ("" the system default) from the
// next Write or Open on.
func (s *soundOutput) Use(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.want = name
}

// Device is the name of the device playing ("" the system default).
func (s *soundOutput) Device() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.curName
}

// change replaces the output by name's (or the default's, when name
// fails), with the pause and the volume, opened at the stream's format
// when one is open; the old one's clock is carried over. The writer
// calls it (wmu held).
func (s *soundOutput) change(name string) error {
	sink, got, devErr, defErr := s.openNamed(name)
	notice := changeNotice(devErr, defErr)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		sink.Close()
		return audio.ErrClosed
	}
	old := s.cur
	if s.opened {
		s.offset += old.Played() + old.Buffered()
	}
	s.under += old.Underruns()
	s.cur, s.curName, s.want = sink, got, got
	sink.SetVolume(s.volume)
	if s.paused {
		sink.Pause()
	}
	opened, f := s.opened, s.format
	s.mu.Unlock()
	old.Close()
	s.say(notice)
	if !opened {
		return nil
	}
	if err := sink.Open(f); err != nil {
		if got == "" {
			return err
		}
		s.say(fmt.Sprintf("%v: playing on the default output", err))
		return s.change("")
	}
	return nil
}

// current returns the output and, when the user chose another device,
// its name.
func (s *soundOutput) current() (audio.Sink, string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur, s.want, s.want != s.curName
}

// failed handles an error of the chosen device: the user is told and
// the default output takes over. Errors of the default itself, and
// others, are returned as they are.
func (s *soundOutput) failed(err error) (bool, error) {
	s.mu.Lock()
	dev := s.curName
	s.mu.Unlock()
	if dev == "" || !errors.Is(err, alsasink.ErrDevice) {
		return false, err
	}
	s.say(fmt.Sprintf("%v: playing on the default output", err))
	return true, s.change("")
}

// Open prepares for PCM in format f on the device chosen; the clock
// restarts at zero.
func (s *soundOutput) Open(f audio.Format) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	s.opened = false
	s.mu.Unlock()
	if _, want, differs := s.current(); differs {
		if err := s.change(want); err != nil {
			return err
		}
	}
	cur, _, _ := s.current()
	err := cur.Open(f)
	if moved, ferr := s.failed(err); moved {
		if ferr != nil {
			return ferr
		}
		cur, _, _ = s.current()
		err = cur.Open(f)
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.format, s.opened, s.offset = f, true, 0
	s.mu.Unlock()
	return nil
}

// Write queues pcm on the output, first moving to the device the user
// chose meanwhile.
func (s *soundOutput) Write(pcm []byte) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, want, differs := s.current(); differs {
		if err := s.change(want); err != nil {
			return 0, err
		}
	}
	cur, _, _ := s.current()
	n, err := cur.Write(pcm)
	if moved, ferr := s.failed(err); moved {
		if ferr != nil {
			return 0, ferr
		}
		cur, _, _ = s.current()
		return cur.Write(pcm)
	}
	return n, err
}

// Drain plays out what was written; when the device fails meanwhile,
// what it held is lost and the default output takes over.
func (s *soundOutput) Drain() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	cur, _, _ := s.current()
	err := cur.Drain()
	if moved, ferr := s.failed(err); moved {
		return ferr
	}
	return err
}

// Flush discards the buffered audio.
func (s *soundOutput) Flush() {
	cur, _, _ := s.current()
	cur.Flush()
}

// Pause stops the output and the clock.
func (s *soundOutput) Pause() {
	s.mu.Lock()
	s.paused = true
	cur := s.cur
	s.mu.Unlock()
	cur.Pause()
}

// Resume restarts them.
func (s *soundOutput) Resume() {
	s.mu.Lock()
	s.paused = false
	cur := s.cur
	s.mu.Unlock()
	cur.Resume()
}

// SetVolume sets the gain, kept across a change of device.
func (s *soundOutput) SetVolume(v float64) {
	s.mu.Lock()
	s.volume = v
	cur := s.cur
	s.mu.Unlock()
	cur.SetVolume(v)
}

// Played is the play time heard since Open, across changes of device.
func (s *soundOutput) Played() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offset + s.cur.Played()
}

// Buffered is the play time written and not heard, on the output playing.
func (s *soundOutput) Buffered() time.Duration {
	cur, _, _ := s.current()
	return cur.Buffered()
}

// Underruns counts the times the outputs ran dry.
func (s *soundOutput) Underruns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.under + s.cur.Underruns()
}

// Realtime reports true: every output it uses plays in real time (a
// sound device, or the paced NullSink without one).
func (s *soundOutput) Realtime() bool { return true }

// Close closes the output playing.
func (s *soundOutput) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cur := s.cur
	s.mu.Unlock()
	return cur.Close()
}

var _ audio.Sink = (*soundOutput)(nil)

// controller is the player as the window's Controller, with the sound
// output's device choice (ui.AudioOutputs) for File ▸ Preferences.
type controller struct {
	*player.Player
	out *soundOutput
	// devices lists the ALSA devices (alsasink.Devices).
	devices func() ([]alsasink.Device, error)
}

// AudioDevices lists the ALSA PCMs that can play, but "default" and
// "null": the Preferences' "Default (system)" is the first, and the
// second plays nothing.
func (c controller) AudioDevices() ([]ui.AudioDevice, error) {
	devs, err := c.devices()
	if err != nil {
		return nil, err
	}
	var out []ui.AudioDevice
	for _, d := range devs {
		if d.Name == "default" || d.Name == "null" {
			continue
		}
		out = append(out, ui.AudioDevice{Name: d.Name, Description: d.Description})
	}
	return out, nil
}

// SetAudioDevice plays on name's device from the next Write or Open.
func (c controller) SetAudioDevice(name string) { c.out.Use(name) }

var (
	_ ui.Controller   = controller{}
	_ ui.AudioOutputs = controller{}
)
