package smooth_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/smooth/smoothtest"
)

// captionEvery is how often the live server's captions come in these
// tests: not a multiple of the 2 s fragments.
const captionEvery = 7 * time.Second

// captionStart is live caption k's absolute start (100-ns units).
func captionStart(k uint64) uint64 {
	return smoothtest.DefaultLiveBase + k*uint64(captionEvery/100)
}

// liveCaption is a caption sample as the test reads it.
type liveCaption struct {
	pts  time.Duration
	text string
}

// captions are the caption samples among got.
func (l *live) captions(got []transport.Sample) []liveCaption {
	var out []liveCaption
	for _, smp := range got {
		if l.stream(smp) == smoothtest.CaptionStream {
			out = append(out, liveCaption{smp.PTS, string(smp.Data)})
		}
	}
	return out
}

// want is caption k as the session must deliver it.
func (l *live) wantCaption(k uint64) liveCaption {
	return liveCaption{l.pts(captionStart(k)), fmt.Sprintf("<tt><body><p>caption %d</p></body></tt>", k)}
}

// TestLiveCaptionsByPointer: a live server that lists no sparse
// fragment in its manifest and points at them from the parent stream's
// fragment responses (the Sparse Stream Pointer, MS-SSTR 2.2.5, in
// Content-Type as IIS sends it, 3.1.3): the session fetches each caption
// the pointers name, once, and delivers every one from the live point on,
// in order, at its time; the media play on meanwhile.
func TestLiveCaptionsByPointer(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{CaptionEvery: captionEvery, SparsePointer: true}, nil, func(l *live) {
		t := l.t
		got := l.play(0, 45*time.Second)
		l.checkContinuous(got)
		caps := l.captions(got)
		starts, statuses := l.fragmentRequests(smoothtest.CaptionStream)
		seen := map[uint64]bool{}
		for i, st := range starts {
			if statuses[i] != http.StatusOK || seen[st] {
				t.Fatalf("caption %d asked again or answered %d", st, statuses[i])
			}
			seen[st] = true
		}
		if len(caps) < 6 {
			t.Fatalf("%d captions in 45 s of media, want one every 7 s: %v", len(caps), caps)
		}
		first := uint64((caps[0].pts + time.Duration(l.origin-smoothtest.DefaultLiveBase)*100) / captionEvery)
		for i, c := range caps {
			if want := l.wantCaption(first + uint64(i)); c != want {
				t.Errorf("caption %d is %v, want %v", i, c, want)
			}
		}
		var firstVideo time.Duration = -1
		for _, smp := range got {
			if l.stream(smp) == "video" {
				firstVideo = smp.PTS - smp.CompositionOffset
				break
			}
		}
		// The first caption is the one showing when the media start.
		if caps[0].pts > firstVideo || caps[0].pts+captionEvery <= firstVideo {
			t.Errorf("first caption at %v, the media start at %v", caps[0].pts, firstVideo)
		}
	})
}

// TestLiveCaptionsSilent: a caption stream that nothing announces (no
// pointer, not in the manifest) never ends the presentation: a sparse
// stream may be silent for minutes (MS-SSTR 2.2.5). Two minutes of media
// play, no caption, the manifest asked again only about every 20 s.
func TestLiveCaptionsSilent(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{CaptionEvery: captionEvery}, nil, func(l *live) {
		t := l.t
		got := l.play(0, 2*time.Minute)
		l.checkContinuous(got)
		if caps := l.captions(got); len(caps) != 0 {
			t.Errorf("captions %v from a server that announced none", caps)
		}
		if n := l.srv.Count("/Manifest", 0); n < 3 || n > 2*60/20+2 {
			t.Errorf("manifest fetched %d times in two minutes", n)
		}
	})
}

// TestLiveCaptionsFromManifest: a server that lists its captions in the
// manifest and sends no pointer: the caption stream starts with the
// caption showing at the live point, not the oldest of the DVR window,
// and later ones come from the manifest refreshes.
func TestLiveCaptionsFromManifest(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{CaptionEvery: captionEvery, CaptionsInManifest: true}, nil, func(l *live) {
		t := l.t
		got := l.play(0, 45*time.Second)
		l.checkContinuous(got)
		caps := l.captions(got)
		if len(caps) < 3 {
			t.Fatalf("%d captions in 45 s of media: %v", len(caps), caps)
		}
		var firstVideo time.Duration = -1
		for _, smp := range got {
			if l.stream(smp) == "video" {
				firstVideo = smp.PTS - smp.CompositionOffset
				break
			}
		}
		if caps[0].pts > firstVideo || caps[0].pts+captionEvery <= firstVideo {
			t.Errorf("first caption at %v, the media start at %v", caps[0].pts, firstVideo)
		}
		for i := 1; i < len(caps); i++ {
			if caps[i].pts != caps[i-1].pts+captionEvery {
				t.Errorf("caption %d at %v after one at %v", i, caps[i].pts, caps[i-1].pts)
			}
		}
	})
}
