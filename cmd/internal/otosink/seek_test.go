package otosink

import (
	"io"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	eddy "github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/progressive"
)

// countFrames is a video output that only counts.
type countFrames struct{}

func (countFrames) Present(decoder.Frame) {}
func (countFrames) WantsPictures() bool   { return false }

// TestPlayerSeeksOnTheSoundCardSink: the player seeks during playback of
// the WMV fixture (WMV8 with WMA, so the audio waits for the first picture
// after the seek) on this sink over a device the test plays by hand. After
// the seek, the position follows what the device plays, from the target.
// It runs in a synctest bubble, so the player's position ticker ticks on
// virtual time, which moves only while every goroutine of the bubble
// waits (decoding in libavcodec and reading the file hold it): after the
// device has played, the test lets one tick pass and reads the position
// the player published.
func TestPlayerSeeksOnTheSoundCardSink(t *testing.T) {
	if lavc.Version() == "" {
		t.Fatal("needs libavcodec (a cgo build, as this package is)")
	}
	synctest.Test(t, testPlayerSeeksOnTheSoundCardSink)
}

func testPlayerSeeksOnTheSoundCardSink(t *testing.T) {
	const tick = 100 * time.Millisecond
	dev := &fakeDevice{}
	sink := newSink(Config{Buffer: 250 * time.Millisecond, DeviceBuffer: 100 * time.Millisecond},
		func(f audio.Format) (device, audio.Format, error) { return dev, f, nil })
	reg := transport.NewRegistry()
	reg.Register("file", progressive.MatchFile, progressive.FileDialer{})
	decs := decoder.NewRegistry()
	decoder.RegisterBuiltin(decs)
	lavc.RegisterMissing(decs)
	p, err := eddy.New(eddy.Config{
		Transports: reg, Decoders: decs, Sink: sink, Video: countFrames{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Tick:   tick,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	events := make(chan eddy.Event, 1024)
	p.Subscribe(func(ev eddy.Event) {
		select {
		case events <- ev:
		default:
		}
	})
	waitFor := func(what string, ok func(eddy.Event) bool) eddy.Event {
		t.Helper()
		limit := time.After(10 * time.Second)
		for {
			select {
			case ev := <-events:
				if ev.Kind == eddy.ErrorOccurred {
					t.Fatalf("error before %s: %v", what, ev.Err)
				}
				if ok(ev) {
					return ev
				}
			case <-limit:
				t.Fatalf("no %s (status %v at %v; the sink played %v, holds %v)", what, p.Status().State, p.Status().Position, sink.Played(), sink.Buffered())
			}
		}
	}
	// play hands the device d of audio (or fails when the player writes
	// none) and returns the position the player reports then.
	play := func(d time.Duration) time.Duration {
		t.Helper()
		// The device's first player comes with the first sound written,
		// which may be after Playing is reported.
		if dp, newer := dev.current(); dp == nil {
			select {
			case <-newer:
			case <-time.After(5 * time.Second):
				t.Fatal("no sound written 5 s after Playing")
			}
		}
		f := sink.DeviceFormat()
		for left := f.Bytes(d); left > 0; {
			dp, newer := dev.current()
			got := make(chan struct{})
			go func() { dp.waitBuffered(f.FrameSize()); close(got) }()
			select {
			case <-got:
			case <-time.After(5 * time.Second):
				t.Fatalf("the player wrote no sound for 5 s (position %v)", p.Status().Position)
			}
			n := dp.consume(min(left, f.Bytes(10*time.Millisecond)))
			if n == 0 {
				// This device player is closed (the sink reopened after
				// the seek): play the next one.
				select {
				case <-newer:
				case <-time.After(5 * time.Second):
					t.Fatalf("the player wrote no sound for 5 s (position %v)", p.Status().Position)
				}
			}
			left -= n
		}
		// The device holds still from here: the next tick publishes the
		// position for what it played.
		time.Sleep(tick)
		synctest.Wait()
		return p.Status().Position
	}

	p.Open("../../../testdata/asf/d_wmv2_wmav2.wmv")
	waitFor("Playing", func(ev eddy.Event) bool { return ev.Kind == eddy.StateChanged && ev.Status.State == eddy.Playing })
	// oto appends what a read returned to its buffer just after the
	// read, so for that instant the sink counts the piece as played: a
	// position may run ahead by one device read (DeviceBuffer, 100 ms).
	const ahead = 100 * time.Millisecond
	if pos := play(time.Second); pos < 600*time.Millisecond || pos > time.Second+ahead {
		t.Fatalf("after 1 s on the device the position is %v", pos)
	}
	p.Seek(3 * time.Second)
	waitFor("the seek", func(ev eddy.Event) bool {
		return ev.Kind == eddy.PositionChanged && ev.Status.Position == 3*time.Second
	})
	for _, want := range []time.Duration{3500 * time.Millisecond, 4 * time.Second, 4500 * time.Millisecond} {
		// The sink's ring and the device's buffer hold at most 350 ms
		// not yet played.
		if pos := play(500 * time.Millisecond); pos < want-350*time.Millisecond || pos > want+ahead {
			t.Fatalf("the position is %v, want about %v", pos, want)
		}
	}
}
