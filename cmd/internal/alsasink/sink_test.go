package alsasink

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/player/audio"
)

// reference is FFmpeg's decode of a 6 s stereo 44.1 kHz WMA made by
// FFmpeg: the decoded audio a player gives the sink.
func reference(t *testing.T) []byte {
	t.Helper()
	files, err := asftest.NewFiles("alsasink-", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(files.Remove)
	return asftest.ReferencePCM(t, files.Path(t, "c_wmav2.wma"), 2, 44100)
}

// output reads and removes what the test device wrote.
func output(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(testOutput)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(testOutput)
	return b
}

// openTest opens the test device for f.
func openTest(t *testing.T, f audio.Format, cfg Config) *Sink {
	t.Helper()
	s, err := Open(testDevice, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(f); err != nil {
		s.Close()
		t.Fatal(err)
	}
	return s
}

// TestDevices: the PCMs of alsa-lib's name hints are listed with their
// descriptions, the test device among them.
func TestDevices(t *testing.T) {
	devs, err := Devices()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range devs {
		if d.Name == testDevice {
			found = true
			if d.Description != "Eddy test "+testDevice {
				t.Errorf("the test device's description is %q", d.Description)
			}
		}
	}
	if !found {
		t.Fatalf("the test device is not in %+v", devs)
	}
}

// TestOutputHint: a hint for a capture-only PCM (IOID Input) is not
// offered; one for both directions (no IOID) or for output is.
func TestOutputHint(t *testing.T) {
	for _, c := range []struct {
		ioid string
		has  bool
		want bool
	}{{"", false, true}, {"Output", true, true}, {"Input", true, false}} {
		if got := outputHint(c.ioid, c.has); got != c.want {
			t.Errorf("IOID %q (set %v): %v", c.ioid, c.has, got)
		}
	}
}

// TestPlay: decoded audio written through the sink in pieces of several
// sizes, with a pause and a resume in the middle, reaches the device
// byte for byte (the file PCM records what ALSA was given), the stream's
// own format is what the device plays, and after Drain the clock is the
// stream's length.
func TestPlay(t *testing.T) {
	pcm := reference(t)
	f := audio.Format{SampleRate: 44100, Channels: 2, Sample: audio.S16}
	s := openTest(t, f, Config{})
	defer s.Close()
	if got := s.DeviceFormat(); got != f {
		t.Errorf("the device plays %v, want the stream's %v", got, f)
	}
	sizes := []int{4096, 1000, 17, 8192, 3}
	rest := pcm
	for i := 0; len(rest) > 0; i++ {
		n := min(sizes[i%len(sizes)], len(rest))
		if i == 50 {
			s.Pause()
			s.Resume()
		}
		w, err := s.Write(rest[:n])
		if err != nil || w != n {
			t.Fatalf("Write %d: %d, %v", n, w, err)
		}
		rest = rest[n:]
	}
	if err := s.Drain(); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Played(), f.Duration(len(pcm)); got != want {
		t.Errorf("Played %v after draining %v", got, want)
	}
	if b := s.Buffered(); b != 0 {
		t.Errorf("Buffered %v after Drain", b)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got := output(t)
	if len(got) != len(pcm) {
		t.Fatalf("the device got %d bytes, want %d", len(got), len(pcm))
	}
	if !bytes.Equal(got, pcm) {
		t.Fatal("the device got other bytes than the decoded audio")
	}
	if _, err := s.Write(pcm[:4]); !errors.Is(err, audio.ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
}

// TestConvert: a stream the device is opened for in its own rate and
// channel count (mono 22.05 kHz, 32-bit float) is converted to S16 at
// that format; the samples keep their values.
func TestConvert(t *testing.T) {
	f := audio.Format{SampleRate: 22050, Channels: 1, Sample: audio.F32}
	s := openTest(t, f, Config{})
	defer s.Close()
	if got := s.DeviceFormat(); got != (audio.Format{SampleRate: 22050, Channels: 1, Sample: audio.S16}) {
		t.Errorf("the device plays %v", got)
	}
	vals := []float32{0, 0.5, -0.5, 1, -1}
	var in []byte
	for range 1000 {
		for _, v := range vals {
			in = binary.LittleEndian.AppendUint32(in, math.Float32bits(v))
		}
	}
	if _, err := s.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := s.Drain(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	got := output(t)
	if len(got) != 2*len(in)/4 {
		t.Fatalf("%d bytes for %d samples", len(got), len(in)/4)
	}
	want := []int16{0, 16384, -16384, 32767, -32768}
	for i := range len(got) / 2 {
		v := int16(uint16(got[2*i]) | uint16(got[2*i+1])<<8)
		if w := int(want[i%len(want)]); int(v) < w-1 || int(v) > w+1 {
			t.Fatalf("sample %d is %d, want %d", i, v, w)
		}
	}
}

// TestFlushReleasesWrite: while paused the ring fills and Write blocks;
// Flush makes it return at once with everything counted as taken, and the
// clock keeps what was heard before.
func TestFlushReleasesWrite(t *testing.T) {
	f := audio.Format{SampleRate: 44100, Channels: 2, Sample: audio.S16}
	s := openTest(t, f, Config{Buffer: 100 * time.Millisecond})
	defer func() { s.Close(); os.Remove(testOutput) }()
	s.Pause()
	big := make([]byte, f.Bytes(time.Second))
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := s.Write(big)
		done <- result{n, err}
	}()
	// Wait until the ring is full: Write is then blocked on it.
	deadline := time.Now().Add(10 * time.Second)
	for s.Buffered() < 90*time.Millisecond {
		if time.Now().After(deadline) {
			t.Fatalf("the ring holds %v", s.Buffered())
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case r := <-done:
		t.Fatalf("Write returned %d, %v while paused with a full ring", r.n, r.err)
	default:
	}
	played := s.Played()
	s.Flush()
	r := <-done
	if r.n != len(big) || r.err != nil {
		t.Errorf("Write after Flush: %d, %v", r.n, r.err)
	}
	if s.Buffered() != 0 {
		t.Errorf("Buffered %v after Flush", s.Buffered())
	}
	if p := s.Played(); p != played {
		t.Errorf("Played %v after Flush, %v before", p, played)
	}
}

// TestMissingDevice: a device name ALSA does not know is a clear error
// naming it, at once.
func TestMissingDevice(t *testing.T) {
	_, err := Open("eddy_no_such_device", Config{})
	if !errors.Is(err, ErrDevice) {
		t.Fatalf("Open: %v", err)
	}
	var de *DeviceError
	if !errors.As(err, &de) || de.Name != "eddy_no_such_device" {
		t.Fatalf("Open: %#v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "audio device eddy_no_such_device: snd_pcm_open: ") {
		t.Errorf("the error says %q", msg)
	}
}
