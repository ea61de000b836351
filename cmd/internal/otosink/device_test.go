package otosink

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
)

// runDevice runs scenario name in a child process with ALSA_CONFIG_PATH
// set to alsaConf, and returns its output and CPU time.
func runDevice(t *testing.T, name, alsaConf string) (string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+name, "ALSA_CONFIG_PATH="+alsaConf)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("child %s: %v after %v\n%s", name, err, wall, out)
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	t.Logf("child %s: %v wall, %v CPU\n%s", name, wall, cpu, out)
	return string(out), cpu
}

// TestNoDevice: with no usable sound device (an ALSA configuration whose
// default PCM is a missing card, so the result does not depend on the
// machine), Probe and New fail at once with ErrNoDevice and alsa-lib's
// reason; and Open without the probe detects oto's silent failure
// (NewContext succeeds, Context.Err is set after ready). Nothing hangs,
// and the child, which idles 300 ms after the failures, uses little CPU:
// no goroutine spins.
func TestNoDevice(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "nodevice.conf")
	if err := os.WriteFile(conf, []byte("pcm.!default { type hw card 99 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, cpu := runDevice(t, "nodevice", conf)
	for _, want := range []string{
		"probe: no sound device: ALSA error at snd_pcm_open:",
		"new: no sound device: ALSA error at snd_pcm_open:",
		"open: no sound device: oto: ALSA error at snd_pcm_open:",
		"again: cached",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if cpu > 200*time.Millisecond { // a spinning goroutine would burn the 300 ms window
		t.Errorf("child used %v of CPU: something spins", cpu)
	}
}

// TestNullDevice plays through oto on ALSA's null PCM (.ci/asound-null.conf,
// as CI does): Open, Write, Drain at two formats, Flush and Close work.
// The null PCM drains instantly, so no timing is asserted.
func TestNullDevice(t *testing.T) {
	conf, err := filepath.Abs(filepath.Join("..", "..", "..", ".ci", "asound-null.conf"))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := runDevice(t, "null", conf)
	if !strings.Contains(out, "null: ok") {
		t.Errorf("output lacks null: ok")
	}
}

// runChild runs a scenario and returns the exit code.
func runChild(name string) int {
	var err error
	switch name {
	case "nodevice":
		err = childNoDevice()
	case "null":
		err = childNull()
	default:
		err = fmt.Errorf("unknown scenario %q", name)
	}
	if err != nil {
		fmt.Println("FAIL:", err)
		return 1
	}
	return 0
}

func childNoDevice() error {
	err := Probe()
	fmt.Println("probe:", err)
	if !errors.Is(err, ErrNoDevice) {
		return fmt.Errorf("Probe: %v", err)
	}
	if _, err := New(Config{}); !errors.Is(err, ErrNoDevice) {
		return fmt.Errorf("New: %v", err)
	} else {
		fmt.Println("new:", err)
	}
	// Without the probe: oto's own failure path.
	s := newSink(Config{ReadyTimeout: 10 * time.Second}, nil)
	err = s.Open(audio.Format{SampleRate: 44100, Channels: 2, Sample: audio.S16})
	fmt.Println("open:", err)
	if !errors.Is(err, ErrNoDevice) {
		return fmt.Errorf("Open: %v", err)
	}
	s2 := newSink(Config{}, nil)
	if err2 := s2.Open(audio.Format{SampleRate: 48000, Channels: 1, Sample: audio.F32}); err2 == err {
		fmt.Println("again: cached")
	}
	time.Sleep(300 * time.Millisecond) // a CPU-measurement window, see TestNoDevice
	return nil
}

func childNull() error {
	s, err := New(Config{})
	if err != nil {
		return fmt.Errorf("New: %v", err)
	}
	defer s.Close()
	sine := func(f audio.Format, d time.Duration) []byte {
		n := f.Bytes(d) / f.FrameSize()
		var b []byte
		for i := range n {
			v := 0.3 * math.Sin(2*math.Pi*440*float64(i)/float64(f.SampleRate))
			for range f.Channels {
				switch f.Sample {
				case audio.S16:
					b = binary.LittleEndian.AppendUint16(b, uint16(int16(v*32767)))
				case audio.F32:
					b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(v)))
				}
			}
		}
		return b
	}
	f1 := audio.Format{SampleRate: 44100, Channels: 2, Sample: audio.S16}
	if err := s.Open(f1); err != nil {
		return fmt.Errorf("Open: %v", err)
	}
	if d := s.DeviceFormat(); d != (audio.Format{SampleRate: 44100, Channels: 2, Sample: audio.F32}) {
		return fmt.Errorf("device format %v", d)
	}
	if _, err := s.Write(sine(f1, 300*time.Millisecond)); err != nil {
		return fmt.Errorf("Write: %v", err)
	}
	if err := s.Drain(); err != nil {
		return fmt.Errorf("Drain: %v", err)
	}
	if p := s.Played(); p < 299*time.Millisecond || p > 301*time.Millisecond {
		return fmt.Errorf("Played %v after draining 300 ms", p)
	}
	// A second stream at another rate and layout is converted.
	f2 := audio.Format{SampleRate: 22050, Channels: 1, Sample: audio.F32}
	if err := s.Open(f2); err != nil {
		return fmt.Errorf("second Open: %v", err)
	}
	s.SetVolume(0.5)
	s.Write(sine(f2, 200*time.Millisecond))
	s.Flush()
	s.Write(sine(f2, 100*time.Millisecond))
	s.Pause()
	s.Resume()
	if err := s.Drain(); err != nil {
		return fmt.Errorf("second Drain: %v", err)
	}
	if err := s.Close(); err != nil {
		return err
	}
	if _, err := s.Write(sine(f2, 10*time.Millisecond)); !errors.Is(err, audio.ErrClosed) {
		return fmt.Errorf("Write after Close: %v", err)
	}
	fmt.Println("null: ok")
	return nil
}
