package player

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// TestAdaptiveQualities: on an adaptive presentation the automatic choice
// selects every quality of the stream (the session adapts among them);
// when the session changes quality the output re-makes its decoder for
// the new track without losing a sample, Media shows the quality playing
// and the switch is counted. A user's choice pins one quality.
func TestAdaptiveQualities(t *testing.T) {
	sess := newFakeSession(1).withQualities(5)
	var opened atomic.Int32
	h := newHarness(t, sess, func(c *Config) {
		decs := decoder.NewRegistry()
		decs.RegisterAudio(transport.WaveFormat(transport.TagPCM), "pass", func(transport.Track) (decoder.Audio, error) {
			opened.Add(1)
			return &passDecoder{rate: fakeRate}, nil
		})
		c.Decoders = decs
	})
	h.p.Open("fake://x")
	ev := h.waitFor("Ended", func(ev Event) bool { return ev.Kind == StateChanged && ev.Status.State == Ended })
	sess.mu.Lock()
	first := fmt.Sprint(sess.selects[0])
	sess.mu.Unlock()
	if first != "[1 3]" {
		t.Errorf("selected %s, want both qualities [1 3]", first)
	}
	got := samplesOf(h.sink.bytes())
	if fmt.Sprint(got) != fmt.Sprint([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("the sink got %v: every sample across the switch", got)
	}
	if n := opened.Load(); n != 2 {
		t.Errorf("%d audio decoders opened, want 2 (one per quality played)", n)
	}
	st := ev.Status
	if st.Stats.QualitySwitches != 1 || fmt.Sprint(st.Stats.QualitiesPlayed) != "[64000 128000]" {
		t.Errorf("QualitySwitches %d, QualitiesPlayed %v", st.Stats.QualitySwitches, st.Stats.QualitiesPlayed)
	}
	m := st.Media
	if m == nil || m.Tracks[0].Selected || !m.Tracks[1].Selected {
		t.Errorf("media tracks %+v: the quality playing (3) selected, not 1", m.Tracks)
	}

	// Pinned by the user: one quality only.
	sess2 := newFakeSession(1).withQualities(0)
	h2 := newHarness(t, sess2, nil)
	h2.p.OpenWith("fake://x", OpenOptions{Streams: []int{3}})
	h2.waitFor("Ended", func(ev Event) bool { return ev.Kind == StateChanged && ev.Status.State == Ended })
	sess2.mu.Lock()
	defer sess2.mu.Unlock()
	if fmt.Sprint(sess2.selects[0]) != "[3]" {
		t.Errorf("pinned: selected %v, want [3]", sess2.selects[0])
	}
}

// samplesOf lists the fake PCM's sample indexes, one per 100 ms.
func samplesOf(pcm []byte) []int {
	var out []int
	frames := fakeRate / 10
	for i := 0; i+1 < len(pcm); i += 2 * frames {
		out = append(out, int(pcm[i])|int(pcm[i+1])<<8)
	}
	return out
}

// TestDVRSeek: a live source with a DVR window seeks within it (a seek
// before the window's start lands on it, one past the live edge on the
// edge); a live source without one refuses to seek.
func TestDVRSeek(t *testing.T) {
	sess := newFakeSession(600)
	sess.info.Broadcast, sess.info.Seekable = true, false
	sess.info.SeekWindow, sess.info.LiveEdge = 20*time.Second, 60*time.Second
	sess.gate = make(chan struct{}) // nothing plays: only the Plays count
	sess.playCh = make(chan time.Duration, 8)
	h := newHarness(t, sess, nil)
	h.p.Open("fake://x")
	if got := <-sess.playCh; got != 0 {
		t.Fatalf("first Play at %v", got)
	}
	for _, tc := range []struct{ seek, at time.Duration }{
		{50 * time.Second, 50 * time.Second}, // inside
		{10 * time.Second, 40 * time.Second}, // before the window: its start
		{90 * time.Second, 60 * time.Second}, // past the edge: the edge
	} {
		h.p.Seek(tc.seek)
		select {
		case got := <-sess.playCh:
			if got != tc.at {
				t.Errorf("seek to %v played from %v, want %v", tc.seek, got, tc.at)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no Play after the seek to %v", tc.seek)
		}
	}

	live := newFakeSession(600)
	live.info.Broadcast, live.info.Seekable = true, false
	live.gate = make(chan struct{})
	h2 := newHarness(t, live, nil)
	h2.p.Open("fake://x")
	h2.waitFor("buffering", func(ev Event) bool { return ev.Kind == StateChanged && ev.Status.State == Buffering })
	h2.p.Seek(5 * time.Second)
	ev := h2.waitFor("a warning", func(ev Event) bool { return ev.Kind == Warning })
	if !errors.Is(ev.Err, transport.ErrNotSeekable) {
		t.Errorf("warning %v", ev.Err)
	}
}

// TestCaptions: a text stream's samples are shown as captions as they
// reach the output (Status.Caption, CaptionChanged): TTML paragraphs as
// lines without markup, plain text as it is, the next replacing the
// last; the automatic choice takes the caption stream.
func TestCaptions(t *testing.T) {
	sess := newFakeSession(1)
	sess.info.Tracks = append(sess.info.Tracks, transport.Track{ID: 7, Type: transport.Text, Codec: transport.FourCC("TTML")})
	sess.captions = map[int]transport.Sample{
		2: {Track: 7, PTS: 200 * time.Millisecond, Duration: time.Second,
			Data: []byte(`<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p>Hello <span>there</span></p><p>second<br/>line</p></div></body></tt>`)},
		6: {Track: 7, PTS: 600 * time.Millisecond, Data: []byte("plain & simple")},
	}
	h := newHarness(t, sess, nil)
	h.p.Open("fake://x")
	var got []string
	h.waitFor("Ended", func(ev Event) bool {
		if ev.Kind == CaptionChanged {
			got = append(got, ev.Status.Caption)
		}
		return ev.Kind == StateChanged && ev.Status.State == Ended
	})
	want := []string{"Hello there\nsecond\nline", "plain & simple"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("captions %q, want %q", got, want)
	}
	sess.mu.Lock()
	sel := fmt.Sprint(sess.selects[0])
	sess.mu.Unlock()
	if sel != "[1 7]" {
		t.Errorf("selected %s: the caption stream goes with the audio", sel)
	}
}

// TestAdaptiveBandwidthCap: the user's bandwidth cap keeps the qualities
// above it out of the adaptive choice.
func TestAdaptiveBandwidthCap(t *testing.T) {
	sess := newFakeSession(1).withQualities(0) // track 3 at 64 kbit/s, 1 at 128
	sess.switchAt = 0
	h := newHarness(t, sess, func(c *Config) { c.Bandwidth = 100000 })
	h.p.Open("fake://x")
	h.waitFor("Ended", func(ev Event) bool { return ev.Kind == StateChanged && ev.Status.State == Ended })
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if got := fmt.Sprint(sess.selects[0]); got != "[3]" {
		t.Errorf("selected %s under a 100 kbit/s cap, want only the 64 kbit/s quality", got)
	}
}
