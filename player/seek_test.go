package player

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// TestSeekKeepsTheClock seeks during playback of audio with video, where
// the source restarts at the key point 2 s before the target (as an index
// does), with each kind of sink: the audio after the seek is the target
// onwards, exactly once, the clock moves on from the target and the
// presentation ends at its duration. It runs in a synctest bubble: the
// paced sink plays on the bubble's virtual clock, as the window's silent
// output plays on the real one, and the position ticker ticks on it.
func TestSeekKeepsTheClock(t *testing.T) {
	const target = 5 * time.Second
	for _, kind := range []string{"realtime", "paced-null", "wav"} {
		t.Run(kind, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { testSeekKeepsTheClock(t, kind, target) })
		})
	}
}

func testSeekKeepsTheClock(t *testing.T, kind string, target time.Duration) {
	sess := newFakeSession(10).withVideo(false)
	sess.keyBack = 2 * time.Second
	sess.gate = make(chan struct{})
	var null *audio.NullSink
	var wav bytes.Buffer
	var sink audio.Sink
	switch kind {
	case "paced-null":
		null = audio.NewNullSink(audio.NullSinkConfig{Paced: true})
		sink = null
	case "wav":
		sink = audio.NewWAVSink(&wav)
	}
	frames := &frameLog{}
	h := newHarness(t, sess, func(c *Config) {
		c.Tick = 100 * time.Millisecond
		c.Video = frames
		c.Decoders.RegisterVideo(transport.FourCC("FAKE"), "fake", func(transport.Track) (decoder.Video, error) { return &fakeVideo{}, nil })
		if sink != nil {
			c.Sink = sink
		}
	})
	h.sink.realtime = kind == "realtime"
	h.p.Open("fake://av")
	// Eight audio samples, each followed by its video frame: more than
	// the 500 ms preroll.
	for i := 0; i < 16; i++ {
		sess.gate <- struct{}{}
	}
	h.waitState(Playing)
	h.p.Seek(target)
	h.waitFor("the seek", func(ev Event) bool {
		return ev.Kind == PositionChanged && ev.Status.Position == target
	})
	close(sess.gate)
	if null != nil {
		// Let the sink play a second: the position must follow its
		// clock from the target.
		for start := time.Now(); null.Played() < time.Second; time.Sleep(10 * time.Millisecond) {
			if time.Since(start) > 3*time.Second {
				t.Fatalf("after %v the sink played %v", time.Since(start), null.Played())
			}
		}
		// The next tick's position against what the sink has played at
		// that instant: the virtual clock stands still from the tick
		// until this goroutine blocks again.
		for len(h.events) > 0 {
			<-h.events
		}
		ev := h.waitFor("position after the seek", func(ev Event) bool { return ev.Kind == PositionChanged })
		played := null.Played()
		lo, hi := target+played-audio.DefaultDeviceBuffer-10*time.Millisecond, target+played
		if p := ev.Status.Position; p < lo || p > hi {
			t.Fatalf("after the sink played %v from the seek the position is %v, want %v..%v", played, p, lo, hi)
		}
	}
	h.waitState(Ended)
	if p := h.p.Status().Position; p != 10*time.Second {
		t.Errorf("ended at %v, want the duration 10s", p)
	}
	var pcm []byte
	switch kind {
	case "realtime":
		pcm = h.sink.bytes()
	case "wav":
		pcm = wav.Bytes()[44:]
	case "paced-null":
		if got := null.Played(); got != 10*time.Second-target {
			t.Errorf("the sink played %v after the seek, want %v", got, 10*time.Second-target)
		}
	}
	if pcm != nil {
		got := samplesIn(pcm)
		tail := 5 * fakeRate
		if len(got) < tail {
			t.Fatalf("%d frames in all", len(got))
		}
		for k, v := range got[len(got)-tail:] {
			if want := uint16(50 + k/800); v != want {
				t.Fatalf("frame %d after the seek is from sample %d, want %d", k, v, want)
			}
		}
		// Before the seek, at most what was let through (8 samples)
		// played, in order from the start.
		for k, v := range got[:len(got)-tail] {
			if want := uint16(k / 800); v != want || want >= 8 {
				t.Fatalf("frame %d before the seek is from sample %d, want %d", k, v, want)
			}
		}
	}
	// The pictures after the seek start at the target: those the source
	// sent from the key point before it are decoded, not shown. (How many
	// later ones are dropped as late depends on how fast the test's sink
	// plays.)
	pts, _, _ := frames.frames()
	var after []time.Duration
	for _, p := range pts {
		if p >= target-2*time.Second {
			after = append(after, p)
		}
	}
	if len(after) == 0 || after[0] != target {
		t.Fatalf("pictures after the seek: %v", after)
	}
	for i := 1; i < len(after); i++ {
		if after[i] <= after[i-1] {
			t.Fatalf("pictures out of order after the seek: %v", after)
		}
	}
	if kind == "wav" && len(after) != 50 {
		t.Errorf("%d pictures after the seek, want all 50 (an unpaced sink drops none)", len(after))
	}
}

// pausablePictures is the harness of the paused-picture tests: a 10 s
// clip with video whose key points are 2 s apart, played from the
// "cap" scheme by a session that reports each Pause, its pictures logged,
// and a sink that holds the sound until the test closes h.sink.block.
func pausablePictures(t *testing.T) (*harness, *capSession, *frameLog) {
	sess := &capSession{fakeSession: newFakeSession(10).withVideo(false), paused: make(chan struct{}, 8)}
	sess.keyBack = 2 * time.Second
	frames := &frameLog{notify: make(chan struct{}, 1)}
	h := newHarness(t, sess.fakeSession, func(c *Config) {
		c.Video = frames
		c.Decoders.RegisterVideo(transport.FourCC("FAKE"), "fake", func(transport.Track) (decoder.Video, error) { return &fakeVideo{}, nil })
		c.Transports.Register("cap", transport.MatchSchemes("cap"), transport.DialerFunc(
			func(context.Context, string, transport.Config) (transport.Session, error) { return sess, nil }))
	})
	h.sink.block = make(chan struct{})
	return h, sess, frames
}

// seekWhilePaused opens the pausable pictures, pauses, seeks to to and
// waits for the picture shown and the source paused again; it returns how
// many pictures were shown and how much sound written before the seek.
func seekWhilePaused(t *testing.T, to time.Duration) (h *harness, sess *capSession, frames *frameLog, shown, sound int) {
	t.Helper()
	h, sess, frames = pausablePictures(t)
	h.p.Open("cap://x")
	h.waitState(Playing)
	h.p.Pause()
	h.waitState(Paused)
	await(t, "the pause", sess.paused)
	sound = len(h.sink.bytes())
	pts, _, _ := frames.frames()
	shown = len(pts)
	select {
	case <-frames.notify: // a picture shown before the pause
	default:
	}
	h.p.Seek(to)
	await(t, "a picture", frames.notify)
	await(t, "the source paused again", sess.paused)
	return h, sess, frames, shown, sound
}

// TestSeekWhilePausedShowsThePicture: a seek while paused shows the
// picture at the new position at once (decoded from the key point before
// it, the earlier pictures not shown), plays no sound, releases the
// source again as a pause does, and Play goes on from there.
func TestSeekWhilePausedShowsThePicture(t *testing.T) {
	h, _, frames, nPictures, before := seekWhilePaused(t, 5*time.Second)
	pts, _, px := frames.frames()
	if got := pts[nPictures:]; len(got) != 1 || got[0] != 5*time.Second || px[nPictures] != 50 {
		t.Fatalf("while paused, pictures %v were shown, want the one at 5s", got)
	}
	if st := h.p.Status(); st.State != Paused || st.Position != 5*time.Second {
		t.Fatalf("after the seek: %v at %v", st.State, st.Position)
	}
	if len(h.sink.bytes()) != before {
		t.Fatal("sound was written while paused")
	}
	close(h.sink.block)
	h.p.Play()
	h.waitState(Ended)
	got := samplesIn(h.sink.bytes()[before:])
	if len(got) != 5*fakeRate || got[0] != 50 || got[len(got)-1] != 99 {
		t.Fatalf("after Play: %d frames from sample %d to %d, want 5 s from 50", len(got), got[0], got[len(got)-1])
	}
}

// await waits for a token on c, failing after 10 s.
func await(t *testing.T, what string, c <-chan struct{}) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// TestStepFrame: StepFrame while playing pauses; paused, each StepFrame
// shows the next picture (decoded from the key point before it, the ones
// between not shown), moves the position to it, plays no sound, and Play
// goes on from there.
func TestStepFrame(t *testing.T) {
	h, sess, frames := pausablePictures(t)
	h.p.Open("cap://x")
	h.waitState(Playing)
	h.p.StepFrame()
	h.waitState(Paused)
	await(t, "the pause", sess.paused)
	h.p.Seek(5 * time.Second)
	await(t, "the picture at 5s", frames.notify)
	await(t, "the source paused again", sess.paused)
	before := len(h.sink.bytes())
	pts, _, _ := frames.frames()
	n := len(pts)
	for i := 1; i <= 3; i++ {
		h.p.StepFrame()
		await(t, "the next picture", frames.notify)
		await(t, "the source paused again", sess.paused)
	}
	pts, _, px := frames.frames()
	want := []time.Duration{5100 * time.Millisecond, 5200 * time.Millisecond, 5300 * time.Millisecond}
	if got := pts[n:]; !slices.Equal(got, want) || px[len(px)-1] != 53 {
		t.Fatalf("frame steps showed %v, want %v", got, want)
	}
	if st := h.p.Status(); st.State != Paused || st.Position != 5300*time.Millisecond {
		t.Fatalf("after the steps: %v at %v", st.State, st.Position)
	}
	if len(h.sink.bytes()) != before {
		t.Fatal("sound was written while stepping")
	}
	close(h.sink.block)
	h.p.Play()
	h.waitState(Ended)
	got := samplesIn(h.sink.bytes()[before:])
	if len(got) == 0 || got[0] != 53 {
		t.Fatalf("after Play the sound starts at sample %v, want 53 (5.3 s)", got[:min(1, len(got))])
	}
}
