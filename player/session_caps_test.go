package player

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// capSession adds the optional capabilities of network sessions.
type capSession struct {
	*fakeSession
	mu      sync.Mutex
	facts   []transport.PlaybackFacts
	pauses  int
	advice  time.Duration
	measure int64
	// paused, when set, gets a token for each Pause.
	paused chan struct{}
}

func (c *capSession) ReportPlayback(f transport.PlaybackFacts) {
	c.mu.Lock()
	c.facts = append(c.facts, f)
	c.mu.Unlock()
}

func (c *capSession) Pause(ctx context.Context) error {
	c.mu.Lock()
	c.pauses++
	c.mu.Unlock()
	if c.paused != nil {
		c.paused <- struct{}{}
	}
	return nil
}

func (c *capSession) StartupBuffer() (time.Duration, bool) { return c.advice, c.advice > 0 }

func (c *capSession) Stats() transport.Stats {
	st := c.fakeSession.Stats()
	st.BandwidthBps = c.measure
	return st
}

func TestPauseReleasesSessionAndResumesExactly(t *testing.T) {
	sess := &capSession{fakeSession: newFakeSession(4)}
	h := newHarness(t, sess.fakeSession, nil)
	h.sess = nil
	reg := h.p.cfg.Transports
	reg.Register("cap", transport.MatchSchemes("cap"), transport.DialerFunc(
		func(context.Context, string, transport.Config) (transport.Session, error) { return sess, nil }))
	h.sink.block = make(chan struct{})
	h.p.Open("cap://x")
	h.waitState(Playing)
	for i := 0; i < 30; i++ {
		h.sink.block <- struct{}{}
	}
	h.p.Pause()
	h.waitState(Paused)
	h.p.closers.Wait()
	close(h.sink.block)
	h.p.Play()
	end := h.waitState(Ended)
	sess.mu.Lock()
	pauses, facts := sess.pauses, len(sess.facts)
	var clocked *transport.PlaybackFacts
	for i := range sess.facts {
		if !sess.facts[i].ClockAt.IsZero() && clocked == nil {
			clocked = &sess.facts[i]
		}
	}
	sess.mu.Unlock()
	if pauses != 1 || facts == 0 {
		t.Fatalf("pauses %d, reports %d", pauses, facts)
	}
	// The report made while playing, at the pause, carries the audio
	// clock: within the presentation.
	if clocked == nil || clocked.Clock < 0 || clocked.Clock > 4*time.Second {
		t.Fatalf("no report with the audio clock while playing: %+v", clocked)
	}
	// The output is the whole presentation, in order, without a gap at
	// the pause. The position is the cursor minus what the sink holds,
	// read while a write may be completing, so the one write chunk
	// (10 ms) accepted in that instant may be heard again; nothing more.
	got := samplesIn(h.sink.bytes())
	want := make([]uint16, 4*fakeRate)
	for i := range want {
		want[i] = uint16(i / 800)
	}
	if !resumedExactly(got, want, fakeRate*int(writeChunk/time.Millisecond)/1000) {
		t.Fatalf("%d frames (want %d) are not the presentation with at most one repeated write chunk", len(got), len(want))
	}
	if len(sess.plays) != 2 || sess.plays[1] <= 0 {
		t.Fatalf("plays %v", sess.plays)
	}
	_ = end
}

func TestMeasuredBandwidthChoosesStream(t *testing.T) {
	base := newFakeSession(1)
	base.info.Tracks = append(base.info.Tracks, transport.Track{ID: 3, Type: transport.Audio,
		Codec: transport.WaveFormat(transport.TagPCM), Bitrate: 32000,
		Audio: transport.AudioParams{SampleRate: fakeRate, Channels: 1, BitsPerSample: 16}})
	sess := &capSession{fakeSession: base, measure: 64000}
	h := newHarness(t, base, nil)
	h.p.cfg.Transports.Register("cap", transport.MatchSchemes("cap"), transport.DialerFunc(
		func(context.Context, string, transport.Config) (transport.Session, error) { return sess, nil }))
	h.p.Open("cap://x")
	ev := h.waitFor("media", func(ev Event) bool { return ev.Kind == MediaChanged })
	for _, tr := range ev.Status.Media.Tracks {
		if tr.Selected != (tr.ID == 3) {
			t.Fatalf("with 64 kb/s measured, selection %+v", ev.Status.Media.Tracks)
		}
	}
	h.waitState(Ended)
}

// resumedExactly reports whether got is want, or want with one run of
// chunk frames, starting at a chunk boundary, played twice.
func resumedExactly(got, want []uint16, chunk int) bool {
	if slices.Equal(got, want) {
		return true
	}
	if len(got) != len(want)+chunk {
		return false
	}
	for k := chunk; k <= len(want); k += chunk {
		if slices.Equal(got[:k], want[:k]) && slices.Equal(got[k:], want[k-chunk:]) {
			return true
		}
	}
	return false
}
