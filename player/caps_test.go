package player

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// pcmTrack is an audio track the pass decoder plays.
func pcmTrack(id, bitrate int, lang string) transport.Track {
	return transport.Track{ID: id, Type: transport.Audio, Codec: transport.WaveFormat(transport.TagPCM), Bitrate: bitrate, Language: lang,
		Audio: transport.AudioParams{SampleRate: fakeRate, Channels: 1, BitsPerSample: 16, BlockAlign: 2}}
}

// TestCapabilitiesComeFromInfo: a session that has the methods of fast
// forward and playlist skipping (transport.RatePlayer,
// PlaylistNavigator) does not offer them for content whose Info.Caps
// says no: Media says so, and SetRate and SkipEntry warn without calling
// the session. A direction the content offers is used.
func TestCapabilitiesComeFromInfo(t *testing.T) {
	h, rs, _ := rateHarness(t, 2)
	rs.info.Caps = transport.Capabilities{SkipBackward: true, SwitchStreams: true}
	h.sink.block = make(chan struct{})
	defer close(h.sink.block)
	h.p.Open("rate://x")
	ev := h.waitFor("media", func(ev Event) bool { return ev.Kind == MediaChanged })
	if m := ev.Status.Media; m.CanRate || m.CanSkip || !m.CanSkipBack {
		t.Fatalf("media capabilities rate %v, next %v, previous %v; want the content's: previous only", m.CanRate, m.CanSkip, m.CanSkipBack)
	}
	h.waitState(Playing)
	for _, c := range []struct {
		name string
		do   func()
		want error
	}{
		{"rate", func() { h.p.SetRate(5) }, ErrRateUnsupported},
		{"next entry", func() { h.p.SkipEntry(1) }, ErrSkipUnsupported},
	} {
		c.do()
		ev := h.waitFor(c.name+" warning", func(ev Event) bool { return ev.Kind == Warning })
		if !errors.Is(ev.Err, c.want) {
			t.Fatalf("%s: %v, want %v", c.name, ev.Err, c.want)
		}
	}
	rs.mu.Lock()
	rs.skipped = make(chan struct{}, 1)
	rs.mu.Unlock()
	h.p.SkipEntry(-1)
	select {
	case <-rs.skipped:
	case <-time.After(10 * time.Second):
		t.Fatal("Skip(-1) not called")
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if !slices.Equal(rs.skips, []int{-1}) || !slices.Equal(rs.rates, []float64{1}) {
		t.Fatalf("session asked to skip %v and to play at rates %v; want one skip back and normal speed only", rs.skips, rs.rates)
	}
}

// TestCapabilitiesChangeWithInfo: the capabilities of a new presentation
// (ErrInfoChanged: here the last entry of a server-side playlist, which
// has no next entry) replace the old ones in Media and in what the player
// asks of the session.
func TestCapabilitiesChangeWithInfo(t *testing.T) {
	h, rs, _ := rateHarness(t, 3)
	rs.changeAt = 10
	rs.newInfo = rs.info
	rs.newInfo.Metadata.Title = "Last entry"
	rs.newInfo.Caps = transport.Capabilities{SkipBackward: true, SwitchStreams: true}
	h.p.Open("rate://list")
	first := h.waitFor("media", func(ev Event) bool { return ev.Kind == MediaChanged })
	if m := first.Status.Media; !m.CanRate || !m.CanSkip || !m.CanSkipBack {
		t.Fatalf("entry 1 capabilities %+v", m)
	}
	last := h.waitFor("last entry", func(ev Event) bool {
		return ev.Kind == MediaChanged && ev.Status.Media.Metadata.Title == "Last entry"
	})
	if m := last.Status.Media; m.CanRate || m.CanSkip || !m.CanSkipBack {
		t.Fatalf("last entry: rate %v, next %v, previous %v; want previous only", m.CanRate, m.CanSkip, m.CanSkipBack)
	}
	h.waitState(Ended)
	h.p.SkipEntry(1)
	ev := h.waitFor("warning", func(ev Event) bool { return ev.Kind == Warning })
	if !errors.Is(ev.Err, ErrSkipUnsupported) {
		t.Fatalf("skip from the last entry: %v", ev.Err)
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(rs.skips) != 0 {
		t.Fatalf("session asked to skip %v", rs.skips)
	}
}

// TestNewPresentationChoiceIsThePlayers: when a session reports a new
// presentation (ErrInfoChanged), the player chooses its tracks and the
// session is told that choice (Select): the user's explicit choice while
// the new presentation has the chosen track with the same number and
// type, else the automatic choice preferring the language of what was
// playing, else the automatic choice by bit rate.
func TestNewPresentationChoiceIsThePlayers(t *testing.T) {
	for _, c := range []struct {
		name        string
		first, next []transport.Track
		user        []int
		want        []int // the Select after the change
	}{
		{"user choice carried", []transport.Track{pcmTrack(1, 128000, ""), pcmTrack(3, 32000, "")},
			[]transport.Track{pcmTrack(1, 128000, ""), pcmTrack(3, 32000, "")}, []int{3}, []int{3}},
		{"user choice gone", []transport.Track{pcmTrack(1, 128000, ""), pcmTrack(3, 32000, "")},
			[]transport.Track{pcmTrack(1, 128000, ""), pcmTrack(4, 32000, "")}, []int{3}, []int{1}},
		{"language carried", []transport.Track{pcmTrack(1, 64000, "en")},
			[]transport.Track{pcmTrack(4, 128000, "de"), pcmTrack(5, 32000, "en-us")}, nil, []int{5}},
		{"by bit rate", []transport.Track{pcmTrack(1, 64000, "")},
			[]transport.Track{pcmTrack(4, 32000, ""), pcmTrack(5, 128000, "")}, nil, []int{5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sess := newFakeSession(2)
			sess.info.Tracks = c.first
			sess.changeAt = 10
			sess.newInfo = sess.info
			sess.newInfo.Metadata.Title = "Entry 2"
			sess.newInfo.Tracks = c.next
			h := newHarness(t, sess, nil)
			h.p.OpenWith("fake://list", OpenOptions{Streams: c.user})
			ev := h.waitFor("entry 2", func(ev Event) bool {
				return ev.Kind == MediaChanged && ev.Status.Media.Metadata.Title == "Entry 2"
			})
			var shown []int
			for _, tr := range ev.Status.Media.Tracks {
				if tr.Selected {
					shown = append(shown, tr.ID)
				}
			}
			h.waitState(Ended)
			sess.mu.Lock()
			selects := slices.Clone(sess.selects)
			sess.mu.Unlock()
			if len(selects) != 2 || !slices.Equal(selects[1], c.want) || !slices.Equal(shown, c.want) {
				t.Fatalf("session told %v, Media shows %v selected; want the player's choice %v after the change", selects, shown, c.want)
			}
		})
	}
}

// TestLiveSwitchNeedsCapability: on a source that cannot seek, a stream
// switch during playback goes to the running session only where its
// content allows switching (Caps.SwitchStreams); otherwise the player
// warns and the session is not asked.
func TestLiveSwitchNeedsCapability(t *testing.T) {
	for _, canSwitch := range []bool{false, true} {
		sess := newFakeSession(30)
		sess.info.Seekable = false
		sess.info.Tracks = []transport.Track{pcmTrack(1, 128000, ""), pcmTrack(3, 32000, "")}
		sess.info.Caps.SwitchStreams = canSwitch
		sess.gate = make(chan struct{})
		h := newHarness(t, sess, nil)
		h.p.Open("fake://live")
		for i := 0; i < 10; i++ {
			sess.gate <- struct{}{}
		}
		h.waitState(Playing)
		h.p.SelectStreams([]int{3})
		if !canSwitch {
			ev := h.waitFor("warning", func(ev Event) bool { return ev.Kind == Warning })
			if !errors.Is(ev.Err, ErrSwitchUnsupported) {
				t.Fatalf("switch without the capability: %v", ev.Err)
			}
		} else {
			h.waitFor("switch", func(ev Event) bool {
				return ev.Kind == MediaChanged && len(ev.Status.Media.Tracks) == 2 && ev.Status.Media.Tracks[1].Selected
			})
			// The reader applies the switch before its next read.
			sess.gate <- struct{}{}
		}
		close(sess.gate)
		h.waitState(Ended)
		sess.mu.Lock()
		selects := slices.Clone(sess.selects)
		sess.mu.Unlock()
		want := [][]int{{1}}
		if canSwitch {
			want = append(want, []int{3})
		}
		if !slices.EqualFunc(selects, want, slices.Equal) {
			t.Fatalf("switch capability %v: session told %v, want %v", canSwitch, selects, want)
		}
		h.p.Close()
	}
}
