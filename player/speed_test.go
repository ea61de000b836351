package player

import (
	"errors"
	"math"
	"testing"
	"time"
)

// TestSpeedPlaysFasterSamePitch: at SetSpeed(2) three seconds of audio
// reach the sink as 1.5 s (the tempo keeps the pitch: audio.Tempo's own
// tests measure that), the position still runs to the end of the media,
// and Status.Speed says so; SetSpeed(1) afterwards is normal playback.
func TestSpeedPlaysFasterSamePitch(t *testing.T) {
	h := newHarness(t, newFakeSession(3), nil)
	h.p.SetSpeed(2)
	h.p.Open("fake://song")
	end := h.waitState(Ended)
	got := len(samplesIn(h.sink.bytes()))
	if want := 3 * fakeRate / 2; math.Abs(float64(got-want)) > 0.01*float64(want) {
		t.Errorf("%d frames reached the sink at 2x, want about %d", got, want)
	}
	if end.Status.Position != 3*time.Second || end.Status.Speed != 2 {
		t.Errorf("ended at %v, speed %v", end.Status.Position, end.Status.Speed)
	}
	if end.Status.Stats.AudioPlayed != 3*time.Second {
		t.Errorf("audio played %v of media, want 3s", end.Status.Stats.AudioPlayed)
	}
}

func TestSpeedHalf(t *testing.T) {
	h := newHarness(t, newFakeSession(2), nil)
	h.p.SetSpeed(0.5)
	h.p.Open("fake://song")
	end := h.waitState(Ended)
	got := len(samplesIn(h.sink.bytes()))
	if want := 2 * fakeRate * 2; math.Abs(float64(got-want)) > 0.01*float64(want) {
		t.Errorf("%d frames reached the sink at 0.5x, want about %d", got, want)
	}
	if end.Status.Position != 2*time.Second {
		t.Errorf("ended at %v", end.Status.Position)
	}
}

// TestSpeedRefusedLive: a live broadcast plays at normal speed: asking
// for another is a warning saying so, and nothing changes.
func TestSpeedRefusedLive(t *testing.T) {
	sess := newFakeSession(3)
	sess.info.Broadcast, sess.info.Seekable, sess.info.Duration = true, false, 0
	h := newHarness(t, sess, nil)
	h.p.Open("fake://live")
	h.waitState(Playing)
	h.p.SetSpeed(1.5)
	ended := false
	w := h.waitFor("warning", func(ev Event) bool {
		ended = ended || ev.Kind == StateChanged && ev.Status.State == Ended
		return ev.Kind == Warning
	})
	if !errors.Is(w.Err, ErrSpeedUnsupported) {
		t.Fatalf("warning %v", w.Err)
	}
	if !ended {
		h.waitState(Ended)
	}
	if got := len(samplesIn(h.sink.bytes())); got != 3*fakeRate {
		t.Errorf("%d frames, want the 3 s at normal speed", got)
	}
	if sp := h.p.Status().Speed; sp != 1 {
		t.Errorf("Status.Speed %v after the refused speed, want 1", sp)
	}
}
