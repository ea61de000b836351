package main

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/cmd/internal/alsasink"
	"github.com/eddyplayer/eddy/player/audio"
)

// memSink is an output that plays at once: what is written is heard,
// except the last hold bytes, which it keeps as buffered. failAfter > 0
// makes Write fail as an unplugged ALSA device does once that many bytes
// were written.
type memSink struct {
	name      string
	failAfter int
	hold      int

	mu      sync.Mutex
	f       audio.Format
	opened  int
	got     []byte
	sinceOp int
	paused  bool
	volume  float64
	closed  bool
}

func (m *memSink) Open(f audio.Format) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.f, m.sinceOp = f, 0
	m.opened++
	return nil
}

func (m *memSink) Write(pcm []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, audio.ErrClosed
	}
	if m.failAfter > 0 && len(m.got)+len(pcm) > m.failAfter {
		return 0, &alsasink.DeviceError{Name: m.name, Err: errors.New("snd_pcm_writei: No such device")}
	}
	m.got = append(m.got, pcm...)
	m.sinceOp += len(pcm)
	return len(pcm), nil
}

func (m *memSink) Played() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.f.Duration(max(m.sinceOp-m.hold, 0))
}

func (m *memSink) Buffered() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.f.Duration(min(m.hold, m.sinceOp))
}

func (m *memSink) Drain() error { return nil }
func (m *memSink) Flush()       {}
func (m *memSink) Pause()       { m.mu.Lock(); m.paused = true; m.mu.Unlock() }
func (m *memSink) Resume()      { m.mu.Lock(); m.paused = false; m.mu.Unlock() }
func (m *memSink) SetVolume(v float64) {
	m.mu.Lock()
	m.volume = v
	m.mu.Unlock()
}
func (m *memSink) Underruns() int { return 1 }
func (m *memSink) Close() error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	return nil
}

// outputs makes memSinks by name: the devices known and the default.
type outputs struct {
	mu      sync.Mutex
	known   map[string]*memSink
	made    []*memSink
	noSound bool // the default is a NullSink with an error
}

func (o *outputs) device(name string) (audio.Sink, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	m, ok := o.known[name]
	if !ok {
		return nil, &alsasink.DeviceError{Name: name, Err: errors.New("snd_pcm_open: No such file or directory")}
	}
	o.made = append(o.made, m)
	return m, nil
}

func (o *outputs) def() (audio.Sink, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := &memSink{name: "(default)"}
	o.made = append(o.made, m)
	if o.noSound {
		return m, errors.New("no sound device: ALSA error")
	}
	return m, nil
}

func (o *outputs) last() *memSink {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.made[len(o.made)-1]
}

var s16 = audio.Format{SampleRate: 8000, Channels: 1, Sample: audio.S16}

// ms is d of S16 mono 8 kHz PCM filled with b.
func ms(d int, b byte) []byte {
	return []byte(strings.Repeat(string(b), s16.Bytes(time.Duration(d)*time.Millisecond)))
}

// TestSoundOutputChange: the device chosen at start plays; a device
// chosen while a stream plays takes over at the next Write, opened at the
// stream's format with the volume and the pause, the old one closed; the
// clock runs on (what the old one was given counts as heard); a device
// that cannot be opened gives way to the default output and the user is
// told; Open restarts the clock.
func TestSoundOutputChange(t *testing.T) {
	usb, hdmi, spdif := &memSink{name: "usb", hold: s16.Bytes(30 * time.Millisecond)}, &memSink{name: "hdmi"}, &memSink{name: "spdif"}
	o := &outputs{known: map[string]*memSink{"usb": usb, "hdmi": hdmi, "spdif": spdif}}
	out := newSoundOutput(o.device, o.def)
	if devErr, defErr := out.start("usb"); devErr != nil || defErr != nil || out.Device() != "usb" {
		t.Fatalf("start: %v %v on %q", devErr, defErr, out.Device())
	}
	var said []string
	out.SetNotify(func(s string) { said = append(said, s) })
	if err := out.Open(s16); err != nil {
		t.Fatal(err)
	}
	out.SetVolume(0.5)
	out.Write(ms(100, 1))
	if p := out.Played(); p != 70*time.Millisecond {
		t.Fatalf("Played %v on usb, holding 30 ms of 100", p)
	}
	out.Use("hdmi")
	out.Pause()
	if out.Device() != "usb" {
		t.Error("the device changed before the next Write")
	}
	out.Write(ms(50, 2))
	if out.Device() != "hdmi" || !usb.closed || hdmi.opened != 1 || hdmi.f != s16 || hdmi.volume != 0.5 || !hdmi.paused {
		t.Fatalf("after the change: on %q, usb closed %v, hdmi opened %d at %v, volume %v, paused %v",
			out.Device(), usb.closed, hdmi.opened, hdmi.f, hdmi.volume, hdmi.paused)
	}
	if len(usb.got) != s16.Bytes(100*time.Millisecond) || string(hdmi.got) != string(ms(50, 2)) {
		t.Errorf("usb got %d bytes, hdmi %d", len(usb.got), len(hdmi.got))
	}
	if p := out.Played(); p != 150*time.Millisecond {
		t.Errorf("Played %v after 100 ms on usb and 50 on hdmi", p)
	}
	if u := out.Underruns(); u != 2 {
		t.Errorf("Underruns %d, want usb's and hdmi's", u)
	}
	out.Resume()
	out.Use("gone")
	out.Write(ms(10, 3))
	def := o.last()
	if out.Device() != "" || def.name != "(default)" || string(def.got) != string(ms(10, 3)) {
		t.Fatalf("a device that does not open: on %q, the default got %d bytes", out.Device(), len(def.got))
	}
	if len(said) != 1 || !strings.Contains(said[0], "audio device gone: snd_pcm_open") || !strings.HasSuffix(said[0], "playing on the default output") {
		t.Errorf("said %q", said)
	}
	if def.paused {
		t.Error("the default output is paused after Resume")
	}
	out.Use("spdif")
	if err := out.Open(s16); err != nil || out.Played() != 0 {
		t.Errorf("Open: %v, clock %v", err, out.Played())
	}
	if out.Device() != "spdif" || spdif.opened != 1 || !def.closed {
		t.Errorf("a device chosen between streams: on %q at Open, opened %d, the default closed %v", out.Device(), spdif.opened, def.closed)
	}
	if err := out.Close(); err != nil || !spdif.closed {
		t.Errorf("Close: %v, closed %v", err, spdif.closed)
	}
}

// TestSoundOutputDeviceFails: a device that fails while playing
// (unplugged) gives way to the default output within the Write, which
// loses nothing of that Write, and the user is told; the clock runs on.
func TestSoundOutputDeviceFails(t *testing.T) {
	usb := &memSink{name: "usb", failAfter: s16.Bytes(100 * time.Millisecond)}
	o := &outputs{known: map[string]*memSink{"usb": usb}}
	out := newSoundOutput(o.device, o.def)
	out.start("usb")
	if err := out.Open(s16); err != nil {
		t.Fatal(err)
	}
	if _, err := out.Write(ms(80, 1)); err != nil {
		t.Fatal(err)
	}
	n, err := out.Write(ms(40, 2))
	if err != nil || n != len(ms(40, 2)) {
		t.Fatalf("the Write the device failed: %d, %v", n, err)
	}
	def := o.last()
	if out.Device() != "" || string(def.got) != string(ms(40, 2)) || def.opened != 1 {
		t.Fatalf("on %q; the default got %d bytes, opened %d", out.Device(), len(def.got), def.opened)
	}
	if p := out.Played(); p != 120*time.Millisecond {
		t.Errorf("Played %v, want 80 ms on usb and 40 on the default", p)
	}
	said := out.SetNotify(nil)
	if len(said) != 1 || !strings.HasPrefix(said[0], "audio device usb: snd_pcm_writei: No such device") {
		t.Errorf("said %q", said)
	}
}

// TestSoundOutputStart: a chosen device that does not open at start
// plays on the default, and openSink's notice says so; without any sound
// device the notice says playback is silent.
func TestSoundOutputStart(t *testing.T) {
	o := &outputs{known: map[string]*memSink{}}
	out := newSoundOutput(o.device, o.def)
	devErr, defErr := out.start("usb")
	if !errors.Is(devErr, alsasink.ErrDevice) || defErr != nil || out.Device() != "" {
		t.Errorf("start: %v, %v, on %q", devErr, defErr, out.Device())
	}
	o.noSound = true
	out2 := newSoundOutput(o.device, o.def)
	devErr, defErr = out2.start("usb")
	if msg := changeNotice(devErr, defErr); !strings.Contains(msg, "audio device usb") || !strings.HasSuffix(msg, "playing silently") {
		t.Errorf("the notice %q", msg)
	}
}
