package smooth_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/fmp4"
	"github.com/eddyplayer/eddy/transport/smooth"
	"github.com/eddyplayer/eddy/transport/smooth/smoothtest"
)

// The live tests run in a testing/synctest bubble: the live server
// (smoothtest.LiveServer) produces fragments on the bubble's virtual
// clock and talks to the session over in-memory pipes, so the session's
// own timers (its pacing behind the live edge, retries, manifest
// refreshes) let virtual time pass and nothing sleeps for real. The
// server's fragments are FFmpeg's on-demand tree looped: 2 s video
// fragments, audio ones of about 2 s, a 10 s period.

var liveSource = sync.OnceValues(func() (*smoothtest.LiveSource, error) {
	dir, err := tree()
	if err != nil {
		return nil, err
	}
	return smoothtest.LoadLive(filepath.Join(dir, "ss"))
})

// live is one test's server and session, inside the bubble.
type live struct {
	t   *testing.T
	srv *smoothtest.LiveServer
	s   transport.Session
	// origin is the session's time 0: the earliest fragment start in
	// the manifest the session opened with (absolute, 100-ns units).
	origin uint64
	byID   map[int]transport.Track
}

// liveTest runs fn in a bubble with a live server made with opt and a
// session opened on it (every track selected).
func liveTest(t *testing.T, opt smoothtest.LiveOptions, d *smooth.Dialer, fn func(l *live)) {
	t.Helper()
	src, err := liveSource()
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		srv := smoothtest.NewLiveServer(src, opt)
		defer srv.Close()
		if d == nil {
			d = &smooth.Dialer{}
		}
		s, err := d.Dial(liveCtx(t), srv.ManifestURL(), transport.Config{HTTPClient: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		l := &live{t: t, srv: srv, s: s, byID: map[int]transport.Track{}}
		l.origin = ^uint64(0)
		for _, name := range []string{"video", "audio"} {
			if w := srv.Window(srv.Stream(name), opt.AnnounceEarly); len(w) > 0 {
				l.origin = min(l.origin, w[0].Start)
			}
		}
		var ids []int
		for _, tr := range s.Info().Tracks {
			ids = append(ids, tr.ID)
			l.byID[tr.ID] = tr
		}
		if err := s.Select(liveCtx(t), ids); err != nil {
			t.Fatal(err)
		}
		fn(l)
	})
}

// liveCtx bounds a test's waits in virtual time.
func liveCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// pts is absolute time t (100-ns units) as a PTS of the session.
func (l *live) pts(t uint64) time.Duration { return time.Duration(t-l.origin) * 100 }

// stream names a sample's stream.
func (l *live) stream(smp transport.Sample) string {
	switch l.byID[smp.Track].Type {
	case transport.Video:
		return "video"
	case transport.Text:
		return smoothtest.CaptionStream
	}
	return "audio"
}

// readMedia reads samples until the video has gone media on from its
// first sample, or an error.
func (l *live) readMedia(media time.Duration) ([]transport.Sample, error) {
	var out []transport.Sample
	first := time.Duration(-1)
	for {
		smp, err := l.s.ReadSample(liveCtx(l.t))
		if err != nil {
			return out, err
		}
		out = append(out, smp)
		if l.stream(smp) == "video" {
			if first < 0 {
				first = smp.PTS
			}
			if smp.PTS-first >= media {
				return out, nil
			}
		}
	}
}

// play starts delivery at from and reads media of video (readMedia),
// failing the test on an error.
func (l *live) play(from, media time.Duration) []transport.Sample {
	l.t.Helper()
	if err := l.s.Play(liveCtx(l.t), from); err != nil {
		l.t.Fatal(err)
	}
	got, err := l.readMedia(media)
	if err != nil {
		l.t.Fatal(err)
	}
	return got
}

// fragmentRequests are the fragment starts asked of a stream, in order,
// with their statuses.
func (l *live) fragmentRequests(name string) (starts []uint64, statuses []int) {
	for _, r := range l.srv.Requests() {
		i := strings.Index(r.Path, "/Fragments("+name+"=")
		if i < 0 {
			continue
		}
		v := strings.TrimSuffix(r.Path[i+len("/Fragments("+name+"="):], ")")
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			l.t.Fatalf("request %s", r.Path)
		}
		starts = append(starts, n)
		statuses = append(statuses, r.Status)
	}
	return starts, statuses
}

// checkContinuous: per track group (stream), decode times follow each
// other without gap or overlap across fragments and loops of the source.
func (l *live) checkContinuous(got []transport.Sample) {
	l.t.Helper()
	next := map[string]time.Duration{}
	for i, smp := range got {
		name := l.stream(smp)
		if name == smoothtest.CaptionStream {
			continue // sparse: gaps are its nature
		}
		dts := smp.PTS - smp.CompositionOffset
		if want, ok := next[name]; ok && (dts < want || dts > want+time.Microsecond) {
			l.t.Fatalf("sample %d (%s) decodes at %v, the one before ends at %v", i, name, dts, want)
		}
		next[name] = dts + smp.Duration
	}
	if len(next) != 2 {
		l.t.Fatalf("samples of %d streams, want video and audio", len(next))
	}
}

// TestLiveInfo: a live manifest (IsLive, LookaheadCount, DVRWindowLength,
// MS-SSTR 2.2.2.1) opens as a broadcast that is not seekable as a whole
// but has a seek window equal to the DVR window, and a live edge at the
// end of the newest fragment listed, which grows as the timeline does.
func TestLiveInfo(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{}, nil, func(l *live) {
		t := l.t
		in := l.s.Info()
		if !in.Broadcast || in.Seekable || in.Duration != 0 || in.SeekWindow != 20*time.Second {
			t.Fatalf("info %+v", in)
		}
		var edge time.Duration
		for _, name := range []string{"video", "audio"} {
			w := l.srv.Window(l.srv.Stream(name), 0)
			last := w[len(w)-1]
			edge = max(edge, l.pts(last.Start+last.Duration))
		}
		if in.LiveEdge != edge {
			t.Fatalf("live edge %v, the manifest's newest fragment ends at %v", in.LiveEdge, edge)
		}
		l.play(0, 20*time.Second)
		if grown := l.s.Info().LiveEdge - in.LiveEdge; grown < 16*time.Second {
			t.Errorf("after 20 s of media the live edge grew by %v", grown)
		}
	})
}

// TestLiveNoDVR: a live manifest without DVRWindowLength (an infinite
// window, MS-SSTR 2.2.2.1) keeps every fragment listed; the session
// reports no seek window, so Play(from) other than the live point is
// ErrNotSeekable, and the live point is near the newest fragment, not
// at the presentation's start.
func TestLiveNoDVR(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{DVRWindow: -1}, nil, func(l *live) {
		t := l.t
		if in := l.s.Info(); !in.Broadcast || in.SeekWindow != 0 || in.LiveEdge != 30*time.Second {
			t.Fatalf("info %+v", in)
		}
		if err := l.s.Play(liveCtx(t), 5*time.Second); !errors.Is(err, transport.ErrNotSeekable) {
			t.Fatalf("Play(5s): %v", err)
		}
		got := l.play(0, 0)
		if first := got[len(got)-1]; first.PTS < 22*time.Second {
			t.Errorf("the live point is at %v of 30 s", first.PTS)
		}
	})
}

// TestLiveStartsNearEdge: Play(0) starts each stream LookaheadCount+1
// fragments behind the newest in the manifest (within LookaheadCount+2),
// not at the DVR window's start; the first samples' times are the
// fragments' tfxd times relative to the session's origin.
func TestLiveStartsNearEdge(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{}, nil, func(l *live) {
		t := l.t
		win := map[string][]smoothtest.LiveFragment{}
		for _, name := range []string{"video", "audio"} {
			win[name] = l.srv.Window(l.srv.Stream(name), 0)
		}
		got := l.play(0, 0)
		for _, name := range []string{"video", "audio"} {
			starts, _ := l.fragmentRequests(name)
			if len(starts) == 0 {
				t.Fatalf("no %s fragment asked", name)
			}
			w := win[name]
			pos := -1
			for i, f := range w {
				if f.Start == starts[0] {
					pos = i
				}
			}
			if behind := len(w) - 1 - pos; pos < 0 || behind > 2+2 || behind < 1 {
				t.Errorf("%s starts at %d, %d fragments behind the newest of the %d listed: want 1..4", name, starts[0], behind, len(w))
			}
		}
		var firstVideo transport.Sample
		for _, smp := range got {
			if l.stream(smp) == "video" {
				firstVideo = smp
				break
			}
		}
		starts, _ := l.fragmentRequests("video")
		if want := l.pts(starts[0]); firstVideo.PTS-firstVideo.CompositionOffset != want || !firstVideo.Key {
			t.Errorf("first picture decodes at %v (key %v), its fragment starts at %v", firstVideo.PTS-firstVideo.CompositionOffset, firstVideo.Key, want)
		}
	})
}

// TestLiveTfrfGrowsTimeline: with the server's tfrf boxes (MS-SSTR
// 2.2.4.5) the session plays on for a minute of virtual time, across six
// passes of the looped source, without fetching the manifest again, each
// fragment asked once and never early (no 412), the decode times
// continuous per stream; and it goes at the live pace: a minute of media
// takes about a minute; the timeline holds no more than the DVR window
// (20 s: 10 fragments) and the lookahead. Then the server stops sending tfrf boxes, and
// the session fetches the manifest again to go on.
func TestLiveTfrfGrowsTimeline(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{}, nil, func(l *live) {
		t := l.t
		began := time.Now()
		got := l.play(0, 60*time.Second)
		l.checkContinuous(got)
		if n := l.srv.Count("/Manifest", 0); n != 1 {
			t.Errorf("manifest fetched %d times, want once (the timeline grows from tfrf)", n)
		}
		for _, name := range []string{"video", "audio"} {
			starts, statuses := l.fragmentRequests(name)
			seen := map[uint64]bool{}
			for i, st := range starts {
				if statuses[i] != http.StatusOK || seen[st] {
					t.Fatalf("%s fragment %d asked again or answered %d", name, st, statuses[i])
				}
				seen[st] = true
			}
		}
		// The session starts 3 fragments (6 s) behind the edge and may
		// run that far ahead of the clock, no further.
		if took := time.Since(began); took < 60*time.Second-8*time.Second || took > 60*time.Second+4*time.Second {
			t.Errorf("a minute of media took %v of the live clock", took)
		}

		for _, name := range []string{"video", "audio"} {
			if n := smooth.TimelineLen(l.s, name); n < 10 || n > 10+2+1 {
				t.Errorf("the %s timeline holds %d fragments, the DVR window 10 (+ the lookahead)", name, n)
			}
		}

		l.srv.SetTfrf(false)
		more, err := l.readMedia(30 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		l.checkContinuous(append(got, more...))
		if n := l.srv.Count("/Manifest", http.StatusOK); n < 4 {
			t.Errorf("without tfrf, 30 s of media with %d manifest fetches, want the manifest fetched again", n)
		}
	})
}

// TestLiveManifestOnly: a server that sends no tfrf at all: the timeline
// grows from manifest refreshes alone.
func TestLiveManifestOnly(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{NoTfrf: true}, nil, func(l *live) {
		t := l.t
		got := l.play(0, 30*time.Second)
		l.checkContinuous(got)
		if n := l.srv.Count("/Manifest", 0); n < 4 {
			t.Errorf("%d manifest fetches for 30 s of media", n)
		}
	})
}

// TestLiveNotYet: fragments announced before they can be fetched (an
// origin ahead of its edge, AnnounceEarly: by more than LookaheadCount
// fragments, so the session asks before the server has them) answer 412 (MS-SSTR 2.2.6) or
// 404: the session waits them out and plays on, each fragment delivered
// once and continuous.
func TestLiveNotYet(t *testing.T) {
	for _, code := range []int{http.StatusPreconditionFailed, http.StatusNotFound} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			liveTest(t, smoothtest.LiveOptions{AnnounceEarly: 7 * time.Second, NotYetStatus: code}, nil, func(l *live) {
				t := l.t
				got := l.play(0, 30*time.Second)
				l.checkContinuous(got)
				if n := l.srv.Count("Fragments(", code); n == 0 {
					t.Errorf("no fragment answered %d: the test did not test", code)
				}
			})
		})
	}
}

// TestLivePauseResume: after a pause longer than the DVR window, Play(0)
// resumes at the new live point (the manifest fetched again first): the
// first fragment asked is near the server's newest, none answers 404.
func TestLivePauseResume(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{}, nil, func(l *live) {
		t := l.t
		l.play(0, 6*time.Second)
		if err := l.s.Pause(liveCtx(t)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		before := len(l.srv.Requests())
		w := l.srv.Window(l.srv.Stream("video"), 0)
		got := l.play(0, 4*time.Second)
		var first time.Duration = -1
		for _, smp := range got {
			if l.stream(smp) == "video" {
				first = smp.PTS - smp.CompositionOffset
				break
			}
		}
		newest := w[len(w)-1]
		if lag := l.pts(newest.Start) - first; lag < 0 || lag > 4*2*time.Second {
			t.Errorf("resumed at %v, the newest fragment starts at %v", first, l.pts(newest.Start))
		}
		for _, r := range l.srv.Requests()[before:] {
			if r.Status != http.StatusOK {
				t.Errorf("after the resume %s answered %d", r.Path, r.Status)
			}
		}
	})
}

// TestLiveSeekWindow: Play(from) within the DVR window starts each stream
// at the fragment holding from; a position before the window (the window
// has moved on since the Info the caller clamped with) starts at its
// oldest fragment, none answering 404.
func TestLiveSeekWindow(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{}, nil, func(l *live) {
		t := l.t
		l.play(0, 12*time.Second)
		for _, tc := range []struct {
			name string
			back time.Duration // from the live edge
			wait time.Duration // paused before playing
		}{
			{"within", 9 * time.Second, 0},
			{"oldest", 20 * time.Second, 0},
			{"before", 25 * time.Second, 0},
			{"moved on", 20 * time.Second, 7 * time.Second},
		} {
			l.s.Pause(liveCtx(t))
			in := l.s.Info()
			time.Sleep(tc.wait)
			w := l.srv.Window(l.srv.Stream("video"), 0)
			from := in.LiveEdge - tc.back
			want := w[0].Start // clamped to the window
			for _, f := range w {
				if l.pts(f.Start) <= from {
					want = f.Start
				}
			}
			before := len(l.srv.Requests())
			if err := l.s.Play(liveCtx(t), from); err != nil {
				t.Fatal(err)
			}
			got, err := l.readMedia(0)
			if err != nil {
				t.Fatal(err)
			}
			first := got[len(got)-1] // readMedia(0) ends at the first picture
			if dts := first.PTS - first.CompositionOffset; dts != l.pts(want) {
				t.Errorf("%s: Play(%v) starts the video at %v, want %v", tc.name, from, dts, l.pts(want))
			}
			for _, r := range l.srv.Requests()[before:] {
				if r.Status != http.StatusOK {
					t.Errorf("%s: %s answered %d", tc.name, r.Path, r.Status)
				}
			}
		}
	})
}

// TestLiveFellBehind: a reader that stops reading (without Pause) for
// longer than the DVR window finds the fragment its session fetches next
// gone (404): the session learns the window again and goes on from its
// oldest fragment, asking the gone one once, not retrying it; the
// other stream follows.
func TestLiveFellBehind(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{}, nil, func(l *live) {
		t := l.t
		got := l.play(0, 2*time.Second)
		time.Sleep(40 * time.Second)
		more, err := l.readMedia(20 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		jumps := 0
		var last time.Duration = -1
		for _, smp := range append(got, more...) {
			if l.stream(smp) != "video" {
				continue
			}
			if dts := smp.PTS - smp.CompositionOffset; last >= 0 && dts-last > 10*time.Second {
				jumps++
			}
			last = smp.PTS - smp.CompositionOffset
		}
		if jumps != 1 {
			t.Errorf("%d jumps forward in the video, want one to the window", jumps)
		}
		// The first stream to find its fragment gone brings the window
		// up to date for both: the other may skip without a 404.
		total := 0
		for _, name := range []string{"video", "audio"} {
			_, statuses := l.fragmentRequests(name)
			gone := 0
			for _, st := range statuses {
				if st == http.StatusNotFound {
					gone++
				}
			}
			if gone > 1 {
				t.Errorf("%s: %d fragments answered 404, want at most the one gone", name, gone)
			}
			total += gone
		}
		if total == 0 {
			t.Error("no fragment answered 404: the test did not test")
		}
	})
}

// TestLiveAbsurdTfrf: tfrf boxes announcing next fragments that last
// 3000 years are not believed: the session learns the next fragments
// from the manifest instead and plays on, neither waiting for the absurd
// fragment nor failing.
func TestLiveAbsurdTfrf(t *testing.T) {
	tamper := func(k uint64, spec *fmp4.FragmentSpec) {
		if spec.Tfrf != nil && k >= 17 {
			for i := range spec.Tfrf.Entries {
				spec.Tfrf.Entries[i].FragmentDuration = 1 << 60
			}
		}
	}
	liveTest(t, smoothtest.LiveOptions{Tamper: tamper}, nil, func(l *live) {
		t := l.t
		began := time.Now()
		got := l.play(0, 30*time.Second)
		l.checkContinuous(got)
		if took := time.Since(began); took > 40*time.Second {
			t.Errorf("30 s of media took %v", took)
		}
		if n := l.srv.Count("/Manifest", 0); n < 2 {
			t.Errorf("manifest fetched %d times: the timeline did not go on without the tfrf", n)
		}
	})
}

// TestLiveRefreshBounded: manifest refreshes that fail end the stream
// after 5 in a row with an error saying so, not an endless retry.
func TestLiveRefreshBounded(t *testing.T) {
	liveTest(t, smoothtest.LiveOptions{NoTfrf: true}, nil, func(l *live) {
		t := l.t
		if err := l.s.Play(liveCtx(t), 0); err != nil {
			t.Fatal(err)
		}
		l.srv.SetManifestStatus(http.StatusServiceUnavailable)
		_, err := l.readMedia(time.Hour)
		if err == nil || !strings.Contains(err.Error(), "refresh failed 5 times in a row") || !strings.Contains(err.Error(), "503") {
			t.Fatalf("err %v, want the refresh failures", err)
		}
		if n := l.srv.Count("/Manifest", http.StatusServiceUnavailable); n != 5 {
			t.Errorf("%d failed refreshes", n)
		}
	})
}

// TestLiveStalled: a server whose timeline stops growing (its clock
// stands still) ends the stream after the Timeout with an error saying
// no new fragment came.
func TestLiveStalled(t *testing.T) {
	src, err := liveSource()
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		frozen := time.Now()
		srv := smoothtest.NewLiveServer(src, smoothtest.LiveOptions{Now: func() time.Time { return frozen }})
		defer srv.Close()
		s, err := (&smooth.Dialer{}).Dial(liveCtx(t), srv.ManifestURL(), transport.Config{HTTPClient: srv.Client(), Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Play(liveCtx(t), 0); err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		for {
			_, err := s.ReadSample(liveCtx(t))
			if err == nil {
				continue
			}
			if !strings.Contains(err.Error(), "no new fragment for") || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err %v", err)
			}
			break
		}
		if took := time.Since(began); took < 10*time.Second || took > 20*time.Second {
			t.Errorf("the stall ended the stream after %v, the Timeout is 10 s", took)
		}
	})
}
