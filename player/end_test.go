package player

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// TestEndIsTheDuration: a presentation whose last audio ends before its
// declared duration (the last picture lasts longer, a muxer rounded the
// duration up) ends with the position at the duration; a --duration run
// ends where it was cut.
func TestEndIsTheDuration(t *testing.T) {
	sess := newFakeSession(3)
	sess.info.Duration = 3*time.Second + 400*time.Millisecond
	h := newHarness(t, sess, nil)
	h.p.Open("fake://x")
	if end := h.waitState(Ended); end.Status.Position != sess.info.Duration {
		t.Errorf("ended at %v, want the duration %v", end.Status.Position, sess.info.Duration)
	}

	sess = newFakeSession(3)
	h = newHarness(t, sess, nil)
	h.p.OpenWith("fake://x", OpenOptions{Start: 500 * time.Millisecond, Duration: time.Second})
	if end := h.waitState(Ended); end.Status.Position != 1500*time.Millisecond {
		t.Errorf("a 1 s run from 0.5 s ended at %v", end.Status.Position)
	}
}

// TestNothingDecodedIsAnError: a presentation that ends before one audio
// sample or picture was decoded is a failure that says why, not a
// successful end: a source with a header and no media, every sample
// failing to decode, a start position past the last media of a source
// whose duration is unknown, a start at or past a known end.
func TestNothingDecodedIsAnError(t *testing.T) {
	cases := []struct {
		name string
		sess func() *fakeSession
		dec  func(*passDecoder)
		opts OpenOptions
		is   error
		want string
	}{
		{"no media", func() *fakeSession { s := newFakeSession(2); s.n = 0; return s }, nil, OpenOptions{},
			ErrNothingDecoded, "the source ended before any media arrived"},
		{"every sample corrupt", func() *fakeSession { return newFakeSession(2) },
			func(d *passDecoder) { d.fail = func(transport.Sample) bool { return true } }, OpenOptions{},
			ErrNothingDecoded, "20 of 20 samples failed to decode"},
		{"start past the media, duration unknown", func() *fakeSession {
			s := newFakeSession(2)
			s.info.Duration = 0
			s.keyBack = time.Second // the source starts at its last key point
			return s
		}, nil, OpenOptions{Start: 59 * time.Hour},
			ErrNothingDecoded, "the start position 59h0m0s is past the last media, at 1.9s"},
		{"start past a known end", func() *fakeSession { return newFakeSession(6) }, nil, OpenOptions{Start: 59 * time.Hour},
			ErrPastEnd, "cannot start at 59h0m0s: that is past the end (fake://x lasts 6s)"},
		{"start at a flag's extreme", func() *fakeSession { return newFakeSession(6) }, nil, OpenOptions{Start: math.MaxInt64, Duration: math.MaxInt64},
			ErrPastEnd, "lasts 6s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sess := c.sess()
			h := newHarness(t, sess, nil)
			if c.dec != nil {
				c.dec(h.dec)
			}
			h.p.OpenWith("fake://x", c.opts)
			ev := h.waitFor("the end", func(ev Event) bool {
				return ev.Kind == ErrorOccurred || (ev.Kind == StateChanged && ev.Status.State == Ended)
			})
			if ev.Kind != ErrorOccurred || !errors.Is(ev.Err, c.is) || !strings.Contains(ev.Err.Error(), c.want) {
				t.Fatalf("got %v %v, want an error %q", ev.Status.State, ev.Err, c.want)
			}
		})
	}
}

// TestPlayAgainAfterTheEnd: Play after the end starts over: from 0 in the
// open session when it can seek, by opening it again when it cannot (a
// broadcast that ended, HTTP without ranges).
func TestPlayAgainAfterTheEnd(t *testing.T) {
	for _, seekable := range []bool{true, false} {
		sess := newFakeSession(1)
		sess.info.Seekable = seekable
		h := newHarness(t, sess, nil)
		h.p.Open("fake://x")
		h.waitState(Ended)
		again := sess
		if !seekable {
			again = newFakeSession(1)
			again.info.Seekable = false
			h.setSession(again)
		}
		h.p.Play()
		h.waitState(Playing)
		h.waitState(Ended)
		wantDials, wantPlays := 1, 2
		if !seekable {
			wantDials, wantPlays = 2, 1
		}
		if h.dialCount() != wantDials || len(again.plays) != wantPlays {
			t.Errorf("seekable %v: %d dials and plays %v", seekable, h.dialCount(), again.plays)
		}
	}
}

// TestPlayAgainCountsAfresh: the statistics of a second playing after
// the end are that playing's (issue 11: they added up across replays),
// and a stopped player shows nothing buffered.
func TestPlayAgainCountsAfresh(t *testing.T) {
	sess := newFakeSession(1).withVideo(false)
	h := outputHarness(t, sess, &frameLog{}, &fakeVideo{})
	h.p.Open("fake://x")
	first := h.waitState(Ended).Status.Stats
	if first.FramesDecoded == 0 || first.AudioPlayed == 0 {
		t.Fatalf("first playing: %+v", first)
	}
	h.p.Play()
	h.waitState(Playing)
	second := h.waitState(Ended).Status.Stats
	if second.FramesDecoded != first.FramesDecoded || second.AudioPlayed != first.AudioPlayed {
		t.Errorf("second playing: %d frames, %v audio; the first had %d, %v", second.FramesDecoded, second.AudioPlayed, first.FramesDecoded, first.AudioPlayed)
	}
	h.p.Stop()
	if st := h.waitState(Stopped).Status; st.Stats.BufferLevel != 0 {
		t.Errorf("stopped with %v buffered", st.Stats.BufferLevel)
	}
}
