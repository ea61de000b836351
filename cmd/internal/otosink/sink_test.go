package otosink

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
)

// One frame of devFmt is 4 bytes and 1 ms.
var devFmt = audio.Format{SampleRate: 1000, Channels: 2, Sample: audio.S16}

// newFake returns a sink opened on a fake device that plays only when
// the test says so.
func newFake(t *testing.T) (*Sink, *fakeDevice) {
	t.Helper()
	dev := &fakeDevice{}
	s := newSink(Config{Buffer: 250 * time.Millisecond, DeviceBuffer: 100 * time.Millisecond},
		func(audio.Format) (device, audio.Format, error) { return dev, devFmt, nil })
	t.Cleanup(func() { s.Close() })
	if err := s.Open(devFmt); err != nil {
		t.Fatal(err)
	}
	return s, dev
}

func ramp(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 13)
	}
	return b
}

func TestSinkClock(t *testing.T) {
	s, dev := newFake(t)
	pcm := ramp(4 * 1500) // 1.5 s
	if n, err := s.Write(pcm[:200]); n != 200 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	p := dev.last()
	p.waitBuffered(200)
	if pl, b := s.Played(), s.Buffered(); pl != 0 || b != 50*time.Millisecond {
		t.Fatalf("Played %v Buffered %v", pl, b)
	}
	p.consume(80)
	if pl, b := s.Played(), s.Buffered(); pl != 20*time.Millisecond || b != 30*time.Millisecond {
		t.Fatalf("after 20 ms: Played %v Buffered %v", pl, b)
	}
	// The rest blocks on the full ring until the device plays.
	done := make(chan struct{})
	go func() {
		defer close(done)
		if n, err := s.Write(pcm[200:]); n != len(pcm)-200 || err != nil {
			t.Errorf("Write = %d, %v", n, err)
		}
	}()
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		default:
			// Play only while the device holds plenty, as a real device
			// fed in time would: no underrun.
			if p.UnplayedBufferSize() >= 80 {
				p.consume(40)
			} else {
				runtime.Gosched()
			}
		}
		// oto (like the fake) reads a buffer's worth past its buffer size.
		if b := s.Buffered(); b > 450*time.Millisecond {
			s.Close()
			<-done
			t.Fatalf("Buffered %v beyond ring + device buffers", b)
		}
	}
	for p.UnplayedBufferSize() > 0 || s.Buffered() > 0 {
		p.waitBuffered(4)
		p.consume(400)
	}
	if !bytes.Equal(p.played, pcm) {
		t.Fatalf("device played %d bytes, not the %d written", len(p.played), len(pcm))
	}
	if pl := s.Played(); pl != 1500*time.Millisecond {
		t.Fatalf("Played %v", pl)
	}
	if s.Underruns() != 0 {
		t.Fatalf("Underruns %d", s.Underruns())
	}
}

func TestSinkUnderrun(t *testing.T) {
	s, dev := newFake(t)
	s.Write(ramp(40))
	p := dev.last()
	p.waitBuffered(40)
	// The device still holds audio when more arrives: no underrun.
	p.consume(20)
	s.Write(ramp(40))
	p.waitBuffered(60)
	if u := s.Underruns(); u != 0 {
		t.Fatalf("Underruns %d while the device had audio", u)
	}
	// It runs dry, then data arrives: one underrun.
	p.consume(1000)
	s.Write(ramp(40))
	p.waitBuffered(40)
	if u := s.Underruns(); u != 1 {
		t.Fatalf("Underruns %d, want 1", u)
	}
}

// TestSinkDrainAndReopen runs in a synctest bubble, where Drain's polling
// of oto's buffer moves on virtual time: Drain waits for the device to
// play everything, however long that takes, and returns within one poll
// once it has.
func TestSinkDrainAndReopen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, dev := newFake(t)
		s.Write(ramp(400))
		p := dev.last()
		drained := make(chan struct{})
		go func() {
			defer close(drained)
			if err := s.Drain(); err != nil {
				t.Errorf("Drain: %v", err)
			}
		}()
		time.Sleep(time.Minute) // the device plays nothing meanwhile
		select {
		case <-drained:
			t.Fatal("Drain returned before the device played")
		default:
		}
		// The device plays the 400 bytes as they come (oto pulls them in
		// pieces).
		for got := 0; got < 400; got += p.consume(400) {
			p.waitBuffered(4)
		}
		played := time.Now()
		<-drained
		if d := time.Since(played); d > drainPoll {
			t.Fatalf("Drain returned %v after the device played the last byte, want at most %v", d, drainPoll)
		}
		if pl, b := s.Played(), s.Buffered(); pl != 100*time.Millisecond || b != 0 {
			t.Fatalf("after Drain: Played %v Buffered %v", pl, b)
		}
		// A new stream at another rate is resampled to the device's.
		if err := s.Open(audio.Format{SampleRate: 500, Channels: 1, Sample: audio.F32}); err != nil {
			t.Fatal(err)
		}
		if s.Played() != 0 {
			t.Fatalf("Played after Open %v", s.Played())
		}
		s.Write(make([]byte, 4*50)) // 100 ms of mono f32 at 500 Hz
		drained = make(chan struct{})
		go func() { defer close(drained); s.Drain() }()
		p2 := dev.last()
		if p2 == p {
			t.Fatal("no new player after Drain")
		}
		for {
			p2.waitBuffered(4)
			p2.consume(4000)
			p2.mu.Lock()
			// Drain may close the player once everything is played,
			// before oto's next read would have seen io.EOF.
			done := (p2.eof || p2.closed) && len(p2.buf) == 0
			p2.mu.Unlock()
			if done {
				break
			}
		}
		<-drained
		if got := len(p2.played); got != 400 { // 100 frames of stereo s16 at 1 kHz
			t.Fatalf("device got %d bytes for 100 ms, want 400", got)
		}
		if pl := s.Played(); pl != 100*time.Millisecond {
			t.Fatalf("Played %v", pl)
		}
	})
}

func TestSinkFlushAndClose(t *testing.T) {
	s, dev := newFake(t)
	done := make(chan error)
	go func() {
		_, err := s.Write(ramp(4 * 2000)) // more than ring + device buffer
		done <- err
	}()
	p := dev.waitPlayer(1)
	p.waitBuffered(400)
	p.consume(40)
	s.Flush()
	if err := <-done; err != nil {
		t.Fatalf("Write ended by Flush: %v", err)
	}
	if b, pl := s.Buffered(), s.Played(); b != 0 || pl != 10*time.Millisecond {
		t.Fatalf("after Flush: Buffered %v Played %v", b, pl)
	}
	s.SetVolume(0.25)
	go func() {
		_, err := s.Write(ramp(4 * 2000))
		done <- err
	}()
	p2 := dev.waitPlayer(2)
	p2.waitBuffered(400)
	if p2.volume != 0.25 {
		t.Fatalf("volume %v", p2.volume)
	}
	s.Pause()
	if !dev.suspended {
		t.Fatal("Pause did not suspend the device")
	}
	s.Resume()
	s.Close()
	if err := <-done; !errors.Is(err, audio.ErrClosed) {
		t.Fatalf("Write ended by Close: %v", err)
	}
	if !dev.suspended {
		t.Fatal("Close did not suspend the device")
	}
	if err := s.Open(devFmt); !errors.Is(err, audio.ErrClosed) {
		t.Fatalf("Open after Close: %v", err)
	}
}

func TestSinkNoDeviceFromOpener(t *testing.T) {
	want := &DeviceError{Err: errors.New("ALSA error at snd_pcm_open: \"default\": No such file or directory")}
	s := newSink(Config{}, func(audio.Format) (device, audio.Format, error) { return nil, audio.Format{}, want })
	err := s.Open(devFmt)
	if !errors.Is(err, ErrNoDevice) || err.Error() != "no sound device: ALSA error at snd_pcm_open: \"default\": No such file or directory" {
		t.Fatalf("Open: %v", err)
	}
	if _, err := s.Write([]byte{0, 0, 0, 0}); !errors.Is(err, audio.ErrNotOpen) {
		t.Fatalf("Write: %v", err)
	}
	s.Close()
}
