package player

import (
	"image"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// videoHarness registers the fake video decoder and a frame log.
func videoHarness(t *testing.T, sess *fakeSession) (*harness, *frameLog, *fakeVideo) {
	log := &frameLog{}
	vd := &fakeVideo{}
	return outputHarness(t, sess, log, vd), log, vd
}

// outputHarness is a harness whose video goes to out, decoded by vd (the
// fake sessions' FAKE codec).
func outputHarness(t *testing.T, sess *fakeSession, out VideoOutput, vd decoder.Video) *harness {
	t.Helper()
	return newHarness(t, sess, func(c *Config) {
		c.Video = out
		c.Decoders.RegisterVideo(transport.FourCC("FAKE"), "fake", func(transport.Track) (decoder.Video, error) { return vd, nil })
	})
}

func TestVideoFramesInOrderAlongsideAudio(t *testing.T) {
	h, log, _ := videoHarness(t, newFakeSession(3).withVideo(false))
	h.p.Open("fake://av")
	ev := h.waitFor("media", func(ev Event) bool { return ev.Kind == MediaChanged })
	sel := 0
	for _, tr := range ev.Status.Media.Tracks {
		if tr.Selected {
			sel++
		}
	}
	if sel != 2 {
		t.Fatalf("selected %d tracks: %+v", sel, ev.Status.Media.Tracks)
	}
	end := h.waitState(Ended)
	pts, _, px := log.frames()
	if len(pts) != 30 {
		t.Fatalf("%d frames presented", len(pts))
	}
	for i := range pts {
		if pts[i] != time.Duration(i)*100*time.Millisecond || px[i] != byte(i) {
			t.Fatalf("frame %d: pts %v pixel %d", i, pts[i], px[i])
		}
	}
	if end.Status.Stats.FramesDecoded != 30 || end.Status.Stats.FramesDropped != 0 {
		t.Fatalf("stats %+v", end.Status.Stats)
	}
	if end.Status.Stats.TimeToFirstFrame <= 0 {
		t.Fatalf("time to first picture not measured: %+v", end.Status.Stats)
	}
	if got := len(samplesIn(h.sink.bytes())); got != 3*fakeRate {
		t.Fatalf("audio frames %d", got)
	}
}

func TestVideoSeekSkipsFramesBeforeStart(t *testing.T) {
	sess := newFakeSession(3).withVideo(false)
	h, log, vd := videoHarness(t, sess)
	h.p.OpenWith("fake://av", OpenOptions{Start: 1500 * time.Millisecond})
	h.waitState(Ended)
	pts, _, _ := log.frames()
	if len(pts) != 15 || pts[0] != 1500*time.Millisecond {
		t.Fatalf("frames %v", pts)
	}
	_ = vd
}

// TestVideoOnlyRunsOnWallClock: without audio, pictures are shown on the
// wall clock, each at its time. It runs in a synctest bubble, so the
// clock is virtual and exact (a loaded machine made real-time runs drop a
// late frame).
func TestVideoOnlyRunsOnWallClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sess := newFakeSession(1).withVideo(true)
		h, log, _ := videoHarness(t, sess)
		h.sink.realtime = true
		start := time.Now()
		h.p.Open("fake://v")
		h.waitState(Ended)
		checkFramesOnTime(t, log, 10)
		if time.Since(start) < 900*time.Millisecond {
			t.Fatal("video-only playback did not keep real time")
		}
	})
}

// checkFramesOnTime checks that log holds n frames, each shown at its
// time after the first (on a synctest bubble's exact clock).
func checkFramesOnTime(t *testing.T, log *frameLog, n int) {
	t.Helper()
	pts, at, _ := log.frames()
	if len(pts) != n {
		t.Fatalf("%d frames shown, want %d", len(pts), n)
	}
	for i := range pts {
		if d := at[i].Sub(at[0]); d != pts[i]-pts[0] {
			t.Errorf("frame %d (%v) shown %v after the first", i, pts[i], d)
		}
	}
}

// TestVideoOnlyAtSpeed: at SetSpeed(2) the pictures come twice as fast.
func TestVideoOnlyAtSpeed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sess := newFakeSession(2).withVideo(true)
		h, log, _ := videoHarness(t, sess)
		h.sink.realtime = true
		h.p.SetSpeed(2)
		h.p.Open("fake://v")
		h.waitState(Ended)
		pts, at, _ := log.frames()
		if len(pts) != 20 {
			t.Fatalf("%d frames", len(pts))
		}
		for i := range pts {
			if d := at[i].Sub(at[0]); d != (pts[i]-pts[0])/2 {
				t.Errorf("frame %d (%v) shown %v after the first, want %v", i, pts[i], d, (pts[i]-pts[0])/2)
			}
		}
	})
}

func TestAudioUnsupportedVideoPlays(t *testing.T) {
	sess := newFakeSession(1).withVideo(false)
	sess.info.Tracks[0].Codec = transport.WaveFormat(transport.TagWMAPro)
	h, log, _ := videoHarness(t, sess)
	h.p.Open("fake://v")
	w := h.waitFor("warning", func(ev Event) bool { return ev.Kind == Warning })
	if w.Err == nil {
		t.Fatal("no warning")
	}
	h.waitState(Ended)
	if pts, _, _ := log.frames(); len(pts) != 10 {
		t.Fatalf("%d frames", len(pts))
	}
}

// returningOutput keeps the picture it shows, like a window, and returns
// it (player.FrameReturner) when the next one replaces it.
type returningOutput struct {
	frameLog
	ret      func(*image.RGBA)
	shown    *image.RGBA
	returned int
}

func (o *returningOutput) SetFrameReturn(ret func(*image.RGBA)) { o.ret = ret }

func (o *returningOutput) Present(f decoder.Frame) {
	o.frameLog.Present(f)
	o.mu.Lock()
	old := o.shown
	o.shown = f.Image
	if old != nil {
		o.returned++
	}
	o.mu.Unlock()
	if old != nil {
		o.ret(old)
	}
}

// TestReturnedPicturesGoBackToTheDecoder: an output that keeps pictures
// and gives them back later (the window) has them handed to the video
// decoder for reuse: all but the last one or two returned reach it.
func TestReturnedPicturesGoBackToTheDecoder(t *testing.T) {
	out := &returningOutput{}
	vd := &fakeVideo{}
	h := outputHarness(t, newFakeSession(3).withVideo(false), out, vd)
	h.p.Open("fake://av")
	h.waitState(Ended)
	out.mu.Lock()
	returned := out.returned
	out.mu.Unlock()
	vd.mu.Lock()
	released := vd.released
	vd.mu.Unlock()
	if returned != 29 {
		t.Fatalf("the output returned %d pictures of 30, want 29", returned)
	}
	// Returned pictures wait for the next decode; the last ones have none.
	if released < returned-2 || released > returned {
		t.Errorf("the decoder got back %d pictures, want %d or one or two fewer", released, returned)
	}
}

// decodeLog is a video output that records, for each frame it is given,
// how many samples the decoder had decoded by then. wants is what it
// answers to PictureWanter.
type decodeLog struct {
	frameLog
	vd      *fakeVideo
	wants   bool
	decoded []int
}

func (o *decodeLog) WantsPictures() bool { return o.wants }

func (o *decodeLog) Present(f decoder.Frame) {
	o.vd.mu.Lock()
	n := o.vd.decoded
	o.vd.mu.Unlock()
	o.frameLog.Present(f)
	o.mu.Lock()
	o.decoded = append(o.decoded, n)
	o.mu.Unlock()
}

// TestVideoDecodesAheadWithoutPictures: for an output that takes no
// pictures, the samples already queued are decoded in bursts of up to
// decodeAhead frames before the first of them is presented, and each
// frame is still presented at its time. An output that takes pictures
// gets each sample decoded just before its frame is presented, so that no
// more than one picture is held (the window's memory).
func TestVideoDecodesAheadWithoutPictures(t *testing.T) {
	for _, wants := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			vd := &fakeVideo{}
			out := &decodeLog{vd: vd, wants: wants}
			h := outputHarness(t, newFakeSession(2).withVideo(true), out, vd)
			h.sink.realtime = true
			h.p.Open("fake://v")
			h.waitState(Ended)
			pts, at, _ := out.frames()
			out.mu.Lock()
			decoded := append([]int(nil), out.decoded...)
			out.mu.Unlock()
			if len(pts) != 20 {
				t.Fatalf("wants pictures %v: %d frames", wants, len(pts))
			}
			most := 0 // the most samples decoded ahead of the frame shown
			for i := range pts {
				if d := at[i].Sub(at[0]); d != pts[i]-pts[0] {
					t.Errorf("wants pictures %v: frame %d (%v) shown %v after the first", wants, i, pts[i], d)
				}
				most = max(most, decoded[i]-(i+1))
			}
			want := decodeAhead - 1
			if wants {
				want = 0
			}
			if most != want {
				t.Errorf("wants pictures %v: up to %d samples decoded ahead of the frame shown, want %d (decoded counts %v)", wants, most, want, decoded)
			}
		})
	}
}

// TestVideoKeepsFramesDecodedBeforeAnError: a sample the decoder fails on
// is counted as a decode error, and the frame it completed before failing
// (decoder.Video.Decode appends those) is still shown.
func TestVideoKeepsFramesDecodedBeforeAnError(t *testing.T) {
	h, log, vd := videoHarness(t, newFakeSession(3).withVideo(false))
	vd.failAt = 5
	h.p.Open("fake://av")
	end := h.waitState(Ended)
	pts, _, _ := log.frames()
	if len(pts) != 30 || pts[4] != 400*time.Millisecond {
		t.Fatalf("%d frames presented: %v", len(pts), pts)
	}
	if end.Status.Stats.DecodeErrors != 1 || end.Status.Stats.FramesDecoded != 30 {
		t.Fatalf("stats %+v", end.Status.Stats)
	}
}
