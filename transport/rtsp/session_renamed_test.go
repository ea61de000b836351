package rtsp_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestPredictedUnderOtherURLs plays a playlist whose later entries name
// their streams "video=1" and "audio=2" (the fixture's ASF stream
// numbers), as MS-RTSP 4.4.4.2 and 4.4.4.3 do, so the streams the server
// predicts for them (X-RTP-Info, 2.2.6.27) travel in the RTP sessions the
// client set up as /video and /audio for the first entry.
//
// Kept, they play without a SelectStream (3.1.4.5), PLAY in PLAYING lists
// their own URLs (3.1.5.16.1) and the entry's samples are the file's.
// Deselected, the TEARDOWN goes to the URL of the SETUP of their RTP
// session (2.2.7.10.2) — the first entry's, however many entries later
// (2.2.7.10.3's chain rule) — with Content-Type
// application/x-wms-streamswitch and the body "SSEntry: <stream>
// 4294967295 0 <stream URL>" CRLF: NewStream 4294967295, ThinLevel 0,
// OldStreamURI the deselected stream's URL and no NewStreamURI (2.2.7.10,
// 2.2.7.10.2; the digest's §8.16 normative form "SSEntry: 5 4294967295 0
// rtsp://host/abc/audio=5"). The fake server removes the stream only for
// that exact request and counts what it refuses. A server that does not
// list sswitch gets no body (2.2.6.10.7): a bodiless TEARDOWN on the
// stream's own URL, all the client can say without one.
func TestPredictedUnderOtherURLs(t *testing.T) {
	both := fixture(t, "d_wmv2_wmav2.wmv")
	all := func(ts []transport.Track) []int {
		var ids []int
		for _, tr := range ts {
			ids = append(ids, tr.ID)
		}
		return ids
	}
	audioOnly := func(ts []transport.Track) []int {
		var ids []int
		for _, tr := range ts {
			if tr.Type == transport.Audio {
				ids = append(ids, tr.ID)
			}
		}
		return ids
	}
	type step struct {
		pick func([]transport.Track) []int
		// teardowns are the SelectStream TEARDOWNs wanted, "<path> <body>"
		// with <agg> for the content URL.
		teardowns []string
		xrtp      string // the PLAY's X-RTP-Info, <agg> for the content URL
	}
	cases := []struct {
		name    string
		entries int
		// noSSwitch: the server does not list com.microsoft.wm.sswitch,
		// so no SelectStream body may be sent (2.2.6.10.7): the TEARDOWN
		// goes bodiless to the stream's own URL, which this server
		// refuses (the stream plays on, 3.1.5.2).
		noSSwitch bool
		steps     []step // one per entry after the first
	}{
		{"keep", 2, false, []step{{all, nil, "url=<agg>/video=1, url=<agg>/audio=2"}}},
		{"drop-video", 2, false, []step{{audioOnly, []string{"/video SSEntry: 1 4294967295 0 <agg>/video=1\r\n"}, "url=<agg>/audio=2"}}},
		{"no-sswitch", 2, true, []step{{audioOnly, []string{"/video=1 "}, "url=<agg>/audio=2"}}},
		{"drop-video-third", 3, false, []step{
			{all, nil, "url=<agg>/video=1, url=<agg>/audio=2"},
			{audioOnly, []string{"/video SSEntry: 1 4294967295 0 <agg>/video=1\r\n"}, "url=<agg>/audio=2"},
		}},
	}
	for _, c := range cases {
		for _, scheme := range []string{"rtspt", "rtspu"} {
			t.Run(c.name+"/"+scheme, func(t *testing.T) {
				var entries [][]byte
				for range c.entries {
					entries = append(entries, both)
				}
				cfg := rtsptest.Config{Entries: entries, Speed: 20, RenamedStreams: true}
				if c.noSSwitch {
					cfg.Supported = []string{"com.microsoft.wm.eosmsg", "com.microsoft.wm.srvppair"}
				}
				srv := rtsptest.New(t, cfg)
				agg := srv.URL()
				s := dial(t, &rtsp.Dialer{}, withScheme(agg, scheme), transport.Config{})
				first := playFirstEntry(t, s)
				ctx := testCtx(t)
				for i, st := range c.steps {
					nreq := len(srv.Requests())
					if err := s.Select(ctx, st.pick(s.Info().Tracks)); err != nil {
						t.Fatalf("entry %d: %v", i+2, err)
					}
					got, err := readAll(t, s)
					last := i == len(c.steps)-1
					if last && err != nil || !last && !errors.Is(err, transport.ErrInfoChanged) {
						t.Fatalf("entry %d after %d samples: %v", i+2, len(got), err)
					}
					if st.teardowns == nil {
						// The predicted streams were received: the same
						// file's samples again.
						sameByTrack(t, got, first)
					}
					if st.teardowns != nil && len(got) == 0 {
						t.Errorf("entry %d: no samples", i+2)
					}
					reqs := srv.Requests()
					var tds []string
					var play *rtsptest.Request
					for j := nreq; j < len(reqs); j++ {
						r := reqs[j]
						switch {
						case r.Method == "SETUP":
							t.Errorf("entry %d: SETUP %s, want none (every wanted stream was predicted)", i+2, r.URL)
						case r.Method == "TEARDOWN" && r.URL != agg:
							tds = append(tds, strings.TrimPrefix(r.URL, agg)+" "+strings.ReplaceAll(string(r.Body), agg, "<agg>"))
							lines := with(sessionLine, `X-Playlist-Gen-Id: `+strconv.Itoa(5351+i+1))
							if c.noSSwitch {
								checkLines(t, "SelectStream TEARDOWN", r, lines, "Content-Type", "Content-Length")
								break
							}
							checkLines(t, "SelectStream TEARDOWN", r, append(lines,
								`Content-Type: application/x-wms-streamswitch`,
								`Content-Length: `+strconv.Itoa(len(r.Body))))
						case r.Method == "PLAY" && play == nil:
							play = &reqs[j]
						}
					}
					if strings.Join(tds, "|") != strings.Join(st.teardowns, "|") {
						t.Errorf("entry %d: SelectStream TEARDOWNs %q, want %q", i+2, tds, st.teardowns)
					}
					if play == nil {
						t.Fatalf("entry %d: no PLAY", i+2)
					}
					if got, want := play.Header.Get("X-RTP-Info"), strings.ReplaceAll(st.xrtp, "<agg>", agg); got != want {
						t.Errorf("entry %d: PLAY X-RTP-Info %q, want %q", i+2, got, want)
					}
				}
				want := 0
				for _, st := range c.steps {
					want += len(st.teardowns)
				}
				refused := 0
				if c.noSSwitch {
					want, refused = 0, want
				}
				if x := srv.Stats(); x.Deselected != want || x.DeselectRefused != refused {
					t.Errorf("the server removed %d streams and refused %d SelectStreams, want %d and %d", x.Deselected, x.DeselectRefused, want, refused)
				}
			})
		}
	}
}

// TestDeselectPredictedDuringPlayback removes a stream predicted under
// another URL while its entry plays (3.1.4.4: the player's Select in
// PLAYING): the TEARDOWN goes to the SETUP URL of its RTP session with
// the SSEntry body naming it (2.2.7.10.2), as after an ANNOUNCE, and the
// entry plays to its end. The fake server's packets are held at a gate
// during the Select, so the entry is still playing.
func TestDeselectPredictedDuringPlayback(t *testing.T) {
	both := fixture(t, "d_wmv2_wmav2.wmv")
	for _, scheme := range []string{"rtspt", "rtspu"} {
		t.Run(scheme, func(t *testing.T) {
			g := newGate(1 << 30)
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{both, both}, Speed: 1, Sleep: g.sleep, RenamedStreams: true})
			agg := srv.URL()
			s := dial(t, &rtsp.Dialer{}, withScheme(agg, scheme), transport.Config{})
			playFirstEntry(t, s)
			g.mu.Lock()
			g.budget = 0 // the second entry waits at the gate
			g.mu.Unlock()
			selectAll(t, s)
			n := len(srv.Requests())
			var audio []int
			for _, tr := range s.Info().Tracks {
				if tr.Type == transport.Audio {
					audio = append(audio, tr.ID)
				}
			}
			if err := s.Select(testCtx(t), audio); err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()[n:]
			if len(reqs) != 1 || reqs[0].Method != "TEARDOWN" || reqs[0].URL != agg+"/video" ||
				string(reqs[0].Body) != "SSEntry: 1 4294967295 0 "+agg+"/video=1\r\n" {
				t.Fatalf("requests of the Select %+v, want TEARDOWN %s/video with SSEntry: 1 4294967295 0 %s/video=1", reqs, agg, agg)
			}
			checkLines(t, "TEARDOWN", reqs[0], with(sessionLine, `X-Playlist-Gen-Id: 5352`, `Content-Type: application/x-wms-streamswitch`))
			g.add(1 << 30)
			if got, err := readAll(t, s); err != nil || len(got) == 0 {
				t.Fatalf("the second entry after the Select: %d samples: %v", len(got), err)
			}
			if x := srv.Stats(); x.Deselected != 1 || x.DeselectRefused != 0 {
				t.Errorf("the server removed %d streams and refused %d, want 1 and 0", x.Deselected, x.DeselectRefused)
			}
		})
	}
}
