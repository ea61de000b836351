package player

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// rateSession offers fast forward/rewind and playlist skipping.
type rateSession struct {
	*fakeSession
	skips   []int
	skipAt  int
	skipped chan struct{} // receives once per Skip
}

func (r *rateSession) PlayRate(ctx context.Context, from time.Duration, rate float64) error {
	return r.playRate(from, rate)
}

func (r *rateSession) Skip(ctx context.Context, offset int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.skips = append(r.skips, offset)
	next := r.info
	next.Metadata.Title = "Next entry"
	r.newInfo = next
	r.changeAt = max(r.pos, 1)
	r.skipAt = r.changeAt
	if r.skipped != nil {
		r.skipped <- struct{}{}
	}
	return nil
}

func rateHarness(t *testing.T, seconds int) (*harness, *rateSession, *frameLog) {
	return rateHarnessWith(t, seconds, func() decoder.Video { return &fakeVideo{} })
}

// rateHarnessWith is rateHarness with a video decoder of the test's.
func rateHarnessWith(t *testing.T, seconds int, newVideo func() decoder.Video) (*harness, *rateSession, *frameLog) {
	base := newFakeSession(seconds).withVideo(false)
	base.info.Caps = transport.Capabilities{Rate: true, SkipForward: true, SkipBackward: true, SwitchStreams: true}
	rs := &rateSession{fakeSession: base}
	log := &frameLog{}
	h := newHarness(t, base, func(c *Config) {
		c.Video = log
		c.Decoders.RegisterVideo(transport.FourCC("FAKE"), "fake", func(transport.Track) (decoder.Video, error) { return newVideo(), nil })
	})
	h.p.cfg.Transports.Register("rate", transport.MatchSchemes("rate"), transport.DialerFunc(
		func(context.Context, string, transport.Config) (transport.Session, error) { return rs, nil }))
	return h, rs, log
}

func TestFastForwardAndBack(t *testing.T) {
	h, rs, log := rateHarness(t, 6)
	h.sink.block = make(chan struct{})
	h.p.Open("rate://x")
	ev := h.waitFor("media", func(ev Event) bool { return ev.Kind == MediaChanged })
	if !ev.Status.Media.CanRate || !ev.Status.Media.CanSkip {
		t.Fatalf("capabilities %+v", ev.Status.Media)
	}
	h.waitState(Playing)
	for i := 0; i < 10; i++ {
		h.sink.block <- struct{}{}
	}
	h.p.SetRate(5)
	h.waitFor("rate 5", func(ev Event) bool { return ev.Status.Rate == 5 })
	before, _, _ := log.frames()
	n0 := len(before)
	audioBefore := len(h.sink.bytes())
	close(h.sink.block)
	end := h.waitState(Ended)
	if end.Status.Rate != 1 {
		t.Fatalf("rate after the end %v", end.Status.Rate)
	}
	rs.mu.Lock()
	rates, plays := append([]float64(nil), rs.rates...), append([]time.Duration(nil), rs.plays...)
	rs.mu.Unlock()
	if len(rates) != 2 || rates[1] != 5 {
		t.Fatalf("rates asked %v", rates)
	}
	if got := len(h.sink.bytes()); got > audioBefore+2*1600 {
		t.Fatalf("audio written while fast forwarding: %d bytes after %d", got, audioBefore)
	}
	pts, at, _ := log.frames()
	pts, at = pts[n0:], at[n0:]
	// The frames of the fast part come in order, 100 ms of media apart
	// and about 20 ms of real time apart, up to the end.
	for i := range pts {
		if i > 0 && pts[i] <= pts[i-1] {
			t.Fatalf("frames out of order: %v", pts)
		}
	}
	if len(pts) < 50 || pts[len(pts)-1] != 5900*time.Millisecond {
		t.Fatalf("fast forward showed %v", pts)
	}
	span := at[len(at)-1].Sub(at[0])
	media := pts[len(pts)-1] - pts[0]
	if real := time.Duration(float64(media) / 5); span > 3*real+300*time.Millisecond {
		t.Fatalf("%v of media shown over %v at 5x", media, span)
	}

	// Rewind from the end back to the start, where playback goes on at
	// normal speed from 0 (as Windows Media Player does) to the end.
	all, _, _ := log.frames()
	n1 := len(all)
	h.p.SetRate(-5)
	h.waitFor("rewinding", func(ev Event) bool { return ev.Status.Rate == -5 })
	again := h.waitFor("normal speed after the rewind", func(ev Event) bool { return ev.Status.Rate == 1 })
	if again.Status.State == Ended {
		t.Fatalf("the rewind ended playback: %+v", again.Status)
	}
	h.waitState(Ended)
	pts, _, _ = log.frames()
	back := pts[n1:]
	turn := 1
	for turn < len(back) && back[turn] < back[turn-1] {
		turn++
	}
	if turn < 50 || back[turn-1] != 0 {
		t.Fatalf("rewind showed %v", back[:turn])
	}
	// Then every frame again, forwards from the start.
	fwd := back[turn:]
	if len(fwd) != 60 || fwd[0] != 0 || fwd[len(fwd)-1] != 5900*time.Millisecond {
		t.Fatalf("after the rewind %d frames: %v", len(fwd), fwd)
	}
	rs.mu.Lock()
	rates, plays = append([]float64(nil), rs.rates...), append([]time.Duration(nil), rs.plays...)
	rs.mu.Unlock()
	if len(rates) != 4 || rates[2] != -5 || rates[3] != 1 || plays[3] != 0 {
		t.Fatalf("plays %v at rates %v", plays, rates)
	}
}

// TestUnofferedNavigationWarns: fast forward on a file and a playlist
// skip without a server-side playlist each warn and change nothing.
func TestUnofferedNavigationWarns(t *testing.T) {
	for _, c := range []struct {
		name string
		do   func(*Player)
		want error
	}{
		{"rate on a file", func(p *Player) { p.SetRate(2) }, ErrRateUnsupported},
		{"skip without a playlist", func(p *Player) { p.SkipEntry(1) }, ErrNoPlaylist},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, newFakeSession(2), nil)
			h.sink.block = make(chan struct{})
			defer close(h.sink.block)
			h.p.Open("fake://x")
			h.waitState(Playing)
			c.do(h.p)
			ev := h.waitFor("warning", func(ev Event) bool { return ev.Kind == Warning })
			if !errors.Is(ev.Err, c.want) {
				t.Fatalf("%v", ev.Err)
			}
			if h.p.Status().Rate != 1 {
				t.Fatal("rate changed")
			}
		})
	}
}

func TestSkipEntryDropsTheRestOfTheEntry(t *testing.T) {
	h, rs, _ := rateHarness(t, 10)
	rs.gate = make(chan struct{})
	rs.skipped = make(chan struct{}, 1)
	h.sink.block = make(chan struct{})
	h.p.Open("rate://list")
	// One second of the first entry (an audio and a video sample a step).
	for i := 0; i < 20; i++ {
		rs.gate <- struct{}{}
	}
	h.waitState(Playing)
	h.p.SkipEntry(1)
	select {
	case <-rs.skipped:
	case <-time.After(10 * time.Second):
		t.Fatal("Skip not called")
	}
	close(rs.gate)
	h.waitFor("next entry", func(ev Event) bool {
		return ev.Kind == MediaChanged && ev.Status.Media.Metadata.Title == "Next entry"
	})
	close(h.sink.block)
	h.waitState(Ended)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(rs.skips) != 1 || rs.skips[0] != 1 {
		t.Fatalf("skips %v", rs.skips)
	}
	// What was queued of the first entry was dropped, not played: the
	// whole second entry and at most a little of the first.
	got := len(samplesIn(h.sink.bytes()))
	second := (100 - rs.skipAt) * 800
	if got < second || got >= second+rs.skipAt*800 {
		t.Fatalf("%d frames played; the second entry has %d", got, second)
	}
}

// delayVideo is a decoder with one picture of delay (as with B-frame
// reordering): each sample's picture comes out with the next sample, or
// on Flush; Reset drops it.
type delayVideo struct {
	fakeVideo
	held []decoder.Frame
}

func (d *delayVideo) Decode(dst []decoder.Frame, s transport.Sample) ([]decoder.Frame, error) {
	out := d.held
	d.held, _ = d.fakeVideo.Decode(nil, s)
	return append(dst, out...), nil
}

func (d *delayVideo) Flush(dst []decoder.Frame) ([]decoder.Frame, error) {
	out := d.held
	d.held = nil
	return append(dst, out...), nil
}

func (d *delayVideo) Reset() { d.held = nil; d.fakeVideo.Reset() }

// TestRewindShowsKeyFramesOnly: a server that sends every frame backwards
// gets only its key frames decoded, each on its own, so every picture
// shown is the one of its timestamp even with a decoder that holds one
// back.
func TestRewindShowsKeyFramesOnly(t *testing.T) {
	h, rs, log := rateHarnessWith(t, 6, func() decoder.Video { return &delayVideo{} })
	rs.allFrames = true
	h.p.Open("rate://x")
	h.waitState(Ended)
	all, _, _ := log.frames()
	n := len(all)
	h.p.SetRate(-5)
	h.waitFor("rewinding", func(ev Event) bool { return ev.Status.Rate == -5 })
	h.waitFor("normal speed after the rewind", func(ev Event) bool { return ev.Status.Rate == 1 })
	h.waitState(Ended)
	pts, _, pix := log.frames()
	pts, pix = pts[n:], pix[n:]
	var back []time.Duration
	for i := range pts {
		if i > 0 && pts[i] >= pts[i-1] {
			break
		}
		back = append(back, pts[i])
		if want := byte(pts[i] / (100 * time.Millisecond)); pix[i] != want {
			t.Fatalf("picture at %v shows frame %d", pts[i], pix[i])
		}
	}
	want := []time.Duration{5 * time.Second, 4 * time.Second, 3 * time.Second, 2 * time.Second, time.Second, 0}
	if !slices.Equal(back, want) {
		t.Fatalf("rewind showed %v, want the key frames %v", back, want)
	}
}
