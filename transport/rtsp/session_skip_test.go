package rtsp_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestSkipForward skips from entry 1 of a playlist of 3 while it plays
// (MS-RTSP 2.2.6.20, 3.1.5.9.1, 3.1.5.10, 3.1.5.13): Info().Caps follow
// each entry's a=type (2.2.5.2.6.6/7: the first offers no skip back, the
// last no skip forward); Skip(-1) on the first entry and Skip(2) are
// refused without a request; Skip(1) sends PLAY with exactly
// "X-Playlist: pl-offset=1", X-Playlist-Seek-Id of the entry skipped
// from, Scale and no Range; the server's X-Playlist-Change-Notice keeps
// the EndOfStream that follows from sending LogPlay; ReadSample reports
// ErrInfoChanged with entry 2's tracks, and after Select the samples are
// entry 2's, all of them, up to the next entry's ErrInfoChanged.
func TestSkipForward(t *testing.T) {
	audio, both := fixture(t, "c_wmav2.wma"), fixture(t, "d_wmv2_wmav2.wmv")
	want := reference(t, both)
	for _, scheme := range []string{"rtspt", "rtspu"} {
		t.Run(scheme, func(t *testing.T) {
			p := &pacer{g: newGate(5)}
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{audio, both, audio}, Speed: 20, Sleep: p.sleep})
			s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), scheme), transport.Config{})
			nav, ok := s.(transport.PlaylistNavigator)
			if !ok {
				t.Fatal("the session is no transport.PlaylistNavigator")
			}
			caps := func(what string, fwd, back bool) {
				t.Helper()
				if c := s.Info().Caps; c.SkipForward != fwd || c.SkipBackward != back {
					t.Errorf("%s: Caps.SkipForward %v, SkipBackward %v, want %v, %v (a=type)", what, c.SkipForward, c.SkipBackward, fwd, back)
				}
			}
			caps("entry 1 of 3", true, false)
			selectAll(t, s)
			ctx := testCtx(t)
			if err := s.Play(ctx, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ReadSample(ctx); err != nil {
				t.Fatalf("entry 1's first sample: %v", err)
			}
			plays := len(srv.RequestsOf("PLAY"))
			for _, off := range []int{-1, 2} {
				if err := nav.Skip(ctx, off); !errors.Is(err, rtsp.ErrNotSupported) {
					t.Errorf("Skip(%d) on entry 1: %v, want ErrNotSupported", off, err)
				}
			}
			if err := nav.Skip(ctx, 1); err != nil {
				t.Fatalf("Skip(1): %v", err)
			}
			// What is left of entry 1, then the change to entry 2.
			if _, err := readAll(t, s); !errors.Is(err, transport.ErrInfoChanged) {
				t.Fatalf("after Skip(1): %v, want ErrInfoChanged", err)
			}
			caps("entry 2 of 3", true, true)
			if len(s.Info().Tracks) != 2 {
				t.Errorf("entry 2 has %d tracks, want the video file's 2", len(s.Info().Tracks))
			}
			p.open()
			selectAll(t, s)
			got, err := readAll(t, s)
			if !errors.Is(err, transport.ErrInfoChanged) {
				t.Fatalf("entry 2 after %d samples: %v, want ErrInfoChanged for entry 3", len(got), err)
			}
			// Track by track: entry 2's audio RTP session was set up
			// before its video one, the reference's the other way. Over
			// UDP the last datagrams of an entry may come after its
			// EndOfStream's wait (3.1.5.13 SHOULD), so there every
			// sample must be entry 2's, in order, but not all need come.
			if scheme == "rtspt" {
				sameByTrack(t, got, want)
			} else {
				inOrderOf(t, got, want)
			}
			caps("entry 3 of 3", false, true)
			s.Close()

			reqs := srv.Requests()
			var skips, logsAfter []int
			next := -1 // the PLAY in PLAYING of entry 2
			for i, r := range reqs {
				switch {
				case r.Method == "PLAY" && r.Header.Has("X-Playlist"):
					skips = append(skips, i)
				case r.Method == "PLAY" && len(skips) > 0 && next < 0:
					next = i
				case r.Method == "SET_PARAMETER" && r.Header.Get("Content-Type") == "application/x-wms-Logplaystats;charset=UTF-8" && len(skips) > 0:
					logsAfter = append(logsAfter, i)
				}
			}
			if len(skips) != 1 || plays+2 != len(srv.RequestsOf("PLAY")) {
				t.Fatalf("%d PLAYs with X-Playlist, %d PLAYs after the first, want the skip and entry 2's", len(skips), len(srv.RequestsOf("PLAY"))-plays)
			}
			checkLines(t, "skip PLAY", reqs[skips[0]],
				with(sessionLine, supportedLine, `X-Playlist: pl-offset=1`, `X-Playlist-Seek-Id: 5351`, `Scale: 1(\.0+)?`), "Range")
			// 3.1.5.13: no LogPlay for the EndOfStream after the change
			// notice; entry 2's own EndOfStream has one.
			if next < 0 || len(logsAfter) != 1 || logsAfter[0] < next {
				t.Errorf("LogPlays at requests %v after the skip at %d and entry 2's PLAY at %d: want only entry 2's, after its PLAY", logsAfter, skips[0], next)
			}
			if v := reqs[next].Header.Get("X-Playlist-Seek-Id"); v != "5352" {
				t.Errorf("entry 2's PLAY X-Playlist-Seek-Id %q, want 5352", v)
			}
		})
	}
}

// inOrderOf fails unless each track of got is a part, in order, of the
// same track of want, and got has most of want.
func inOrderOf(t *testing.T, got, want []sampleKey) {
	t.Helper()
	if len(got) < len(want)*9/10 {
		t.Fatalf("%d samples of the %d of entry 2", len(got), len(want))
	}
	next := map[int]int{} // per track, the index in want to search from
	for i, g := range got {
		j := next[g.Track]
		for j < len(want) && want[j] != g {
			j++
		}
		if j == len(want) {
			t.Fatalf("sample %d (track %d at %v) is not entry 2's next on its track", i, g.Track, g.PTS)
		}
		next[g.Track] = j + 1
	}
}

// pacer holds the fake server at a gate until opened (the test decides
// how much of entry 1 is sent before the skip), then paces it by the
// packets' send times as its default Sleep does: UDP at full speed
// outruns the client on a loaded machine, and an EndOfStream arriving
// before the entry's last datagrams ends the entry without them.
type pacer struct {
	g      *gate
	mu     sync.Mutex
	opened bool
}

func (p *pacer) open() {
	p.mu.Lock()
	p.opened = true
	p.mu.Unlock()
	p.g.add(1 << 30)
}

func (p *pacer) sleep(d time.Duration, stop <-chan struct{}) bool {
	if !p.g.sleep(d, stop) {
		return false
	}
	p.mu.Lock()
	opened := p.opened
	p.mu.Unlock()
	if !opened {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	}
}

// TestSkipNotOffered: a single file's a=type has no skip, so Caps offer
// none and Skip is refused with ErrNotSupported, without a request.
func TestSkipNotOffered(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}})
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspt"), transport.Config{})
	if c := s.Info().Caps; c.SkipForward || c.SkipBackward {
		t.Errorf("a single file: Caps %+v offer skips", c)
	}
	selectAll(t, s)
	ctx := testCtx(t)
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
	for _, off := range []int{1, -1} {
		if err := s.(transport.PlaylistNavigator).Skip(ctx, off); !errors.Is(err, rtsp.ErrNotSupported) {
			t.Errorf("Skip(%d): %v, want ErrNotSupported", off, err)
		}
	}
	if n := len(srv.RequestsOf("PLAY")); n != 1 {
		t.Errorf("%d PLAYs, want the one of Play", n)
	}
}
