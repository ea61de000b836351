package rtsp_test

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestPlaylist plays a server-side playlist of two entries (3.1.4.5,
// 3.1.5.13-3.1.5.16): EndOfStream with End-Of-Playlist-Entry leaves the
// state PLAYING (no io.EOF), LogPlay, ANNOUNCE answered 200,
// ErrInfoChanged with the next entry's tracks; the player's Select sets
// up what the server did not predict and tears down what it does not
// want, then PLAY in PLAYING has X-Playlist-Seek-Id = the new
// X-Playlist-Gen-Id, Scale, no Range, and X-RTP-Info with the untouched
// predicted streams' URLs only.
func TestPlaylist(t *testing.T) {
	audio, both := fixture(t, "c_wmav2.wma"), fixture(t, "d_wmv2_wmav2.wmv")
	cases := []struct {
		name    string
		entries [][]byte
		// second picks the tracks of the second entry.
		second    func(tracks []transport.Track) []int
		selection []string // SelectStreams after ANNOUNCE, "METHOD /control"
		xrtp      []string // X-RTP-Info entries of the PLAY
	}{
		{"add-video", [][]byte{audio, both}, func(ts []transport.Track) []int {
			var ids []int
			for _, tr := range ts {
				ids = append(ids, tr.ID)
			}
			return ids
		}, []string{"SETUP /video"}, []string{"url=/audio"}},
		{"drop-video", [][]byte{both, both}, func(ts []transport.Track) []int {
			var ids []int
			for _, tr := range ts {
				if tr.Type == transport.Audio {
					ids = append(ids, tr.ID)
				}
			}
			return ids
		}, []string{"TEARDOWN /video"}, []string{"url=/audio"}},
		{"audio-next", [][]byte{both, audio}, func(ts []transport.Track) []int {
			return []int{ts[0].ID}
		}, nil, []string{"url=/audio"}},
	}
	for _, c := range cases {
		for _, scheme := range []string{"rtspt", "rtspu"} {
			t.Run(c.name+"/"+scheme, func(t *testing.T) {
				srv := rtsptest.New(t, rtsptest.Config{Entries: c.entries, Speed: 20})
				s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), scheme), transport.Config{})
				playFirstEntry(t, s)
				ctx := testCtx(t)
				nreq := len(srv.Requests())
				if err := s.Select(ctx, c.second(s.Info().Tracks)); err != nil {
					t.Fatal(err)
				}
				second, err := readAll(t, s)
				if err != nil {
					t.Fatalf("second entry after %d samples: %v", len(second), err)
				}
				if len(second) == 0 {
					t.Fatal("no samples of the second entry")
				}
				s.Close() // answered: the server has read all before it
				reqs := srv.Requests()
				agg := srv.URL()
				var sel []string
				var play *rtsptest.Request
				for i := nreq; i < len(reqs); i++ {
					r := reqs[i]
					switch r.Method {
					case "SETUP", "TEARDOWN":
						if r.URL == agg {
							continue // Close's TEARDOWN of the session
						}
						sel = append(sel, r.Method+" "+strings.TrimPrefix(r.URL, agg))
						if r.Header.Get("X-Playlist-Gen-Id") != "5352" {
							t.Errorf("%s %s: X-Playlist-Gen-Id %q, want 5352 (3.1.5.1)", r.Method, r.URL, r.Header.Get("X-Playlist-Gen-Id"))
						}
					case "PLAY":
						if play == nil {
							play = &reqs[i]
						}
					}
				}
				if strings.Join(sel, "|") != strings.Join(c.selection, "|") {
					t.Errorf("SelectStreams %q, want %q", sel, c.selection)
				}
				if play == nil {
					t.Fatal("no PLAY for the second entry")
				}
				// The first PLAY names the first entry (3.1.5.9.1), the
				// session's TEARDOWN carries the current generation
				// (3.1.5.1 rule 5).
				if v := srv.RequestsOf("PLAY")[0].Header.Get("X-Playlist-Seek-Id"); v != "5351" {
					t.Errorf("the first PLAY's X-Playlist-Seek-Id %q, want 5351", v)
				}
				if last := reqs[len(reqs)-1]; last.Method != "TEARDOWN" || last.URL != agg || last.Header.Get("X-Playlist-Gen-Id") != "5352" {
					t.Errorf("the last request %s %s with X-Playlist-Gen-Id %q, want the TEARDOWN with 5352", last.Method, last.URL, last.Header.Get("X-Playlist-Gen-Id"))
				}
				checkLines(t, "PLAY in PLAYING", *play, with(sessionLine, `X-Playlist-Seek-Id: 5352`, `Scale: 1(\.0+)?`), "Range")
				var xr []string
				for _, e := range strings.Split(play.Header.Get("X-RTP-Info"), ",") {
					xr = append(xr, strings.Replace(strings.TrimSpace(e), agg, "", 1))
				}
				if strings.Join(xr, "|") != strings.Join(c.xrtp, "|") {
					t.Errorf("X-RTP-Info %q, want %q (URLs only, 2.2.6.27)", play.Header.Get("X-RTP-Info"), c.xrtp)
				}
				// Every server request answered 200: EndOfStream, ANNOUNCE,
				// the last EndOfStream.
				var ans []string
				for _, r := range srv.Responses() {
					ans = append(ans, r.Method+" "+r.Header.Get("CSeq"))
					if r.StatusCode != 200 {
						t.Errorf("answer to %s: %d", r.Method, r.StatusCode)
					}
				}
				if len(ans) != 3 || !strings.HasPrefix(ans[1], "ANNOUNCE ") {
					t.Errorf("answers %q, want EndOfStream, ANNOUNCE, EndOfStream", ans)
				}
				// LogPlay for each EndOfStream (3.1.5.13).
				if n := len(srv.RequestsOf("SET_PARAMETER application/x-wms-Logplaystats")); n != 2 {
					t.Errorf("%d LogPlays, want 2", n)
				}
			})
		}
	}
}

// TestPlaylistPlayListsRtx: over UDP with the retransmission stream set
// up, the ANNOUNCE's X-RTP-Info lists it among the streams the server
// selected for the next entry; no SelectStream touches it, so PLAY in
// PLAYING lists it with the media (3.1.5.16.1: every server-selected
// stream left untouched; its example ends with url=…/rtx), URLs only.
func TestPlaylistPlayListsRtx(t *testing.T) {
	both := fixture(t, "d_wmv2_wmav2.wmv")
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{both, both}, Speed: 20, RTX: true})
	agg := srv.URL()
	s := dial(t, &rtsp.Dialer{}, withScheme(agg, "rtspu"), transport.Config{})
	playFirstEntry(t, s)
	selectAll(t, s)
	if got, err := readAll(t, s); err != nil || len(got) == 0 {
		t.Fatalf("second entry: %d samples: %v", len(got), err)
	}
	plays := srv.RequestsOf("PLAY")
	if len(plays) != 2 {
		t.Fatalf("%d PLAYs, want 2", len(plays))
	}
	want := "url=" + agg + "/video, url=" + agg + "/audio, url=" + agg + "/rtx"
	if got := plays[1].Header.Get("X-RTP-Info"); got != want {
		t.Errorf("PLAY in PLAYING X-RTP-Info %q, want %q", got, want)
	}
}

// playFirstEntry selects every track and plays the first entry of a
// playlist up to the next one's ANNOUNCE (transport.ErrInfoChanged),
// returning its samples.
func playFirstEntry(t *testing.T, s transport.Session) []sampleKey {
	t.Helper()
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	first, err := readAll(t, s)
	if !errors.Is(err, transport.ErrInfoChanged) {
		t.Fatalf("after %d samples: %v, want ErrInfoChanged", len(first), err)
	}
	if len(first) == 0 {
		t.Fatal("no samples of the first entry")
	}
	return first
}

// TestPlaylistEntryEndWaitingForALostPacket: over UDP the last packet of
// the first entry is lost, so the entry's end waits for it (3.1.5.13:
// packets the RTP-Info shows not yet received SHOULD be waited for).
// The player chooses the next entry's streams meanwhile: the end is
// settled when that choice goes out, so the first entry is logged then
// (its LogPlay before the next entry's PLAY), and the second entry's own
// end is logged too: two LogPlays. The end used to stay pending across
// the PLAY, then logged the period that PLAY had started, leaving the
// second entry's end nothing to log (seen in CI as a loopback UDP packet
// lost).
func TestPlaylistEntryEndWaitingForALostPacket(t *testing.T) {
	audio := fixture(t, "c_wmav2.wma")
	_, n := playReference(t, rtsptest.Config{Entries: [][]byte{audio}, Speed: 20})

	const firstSeq = 1000
	last := uint16(firstSeq + n - 1)
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{audio, audio}, Speed: 20, FirstSeq: firstSeq,
		Faults: rtsptest.Faults{DropSeqs: []uint16{last}}})
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspu"), transport.Config{})
	playFirstEntry(t, s)
	if d := srv.DroppedSeqs(); len(d) == 0 || d[0] != last {
		t.Fatalf("dropped %v, want the first entry's last packet %d", d, last)
	}
	selectAll(t, s)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if got := playsAndLogPlays(srv); got != "PLAY LogPlay PLAY LogPlay" {
		t.Errorf("PLAYs and LogPlays %q, want PLAY LogPlay PLAY LogPlay", got)
	}
}

// TestPlaylistEntryTailAfterAnnounce: over UDP the last packets of each
// entry arrive after the client has answered the next entry's ANNOUNCE
// (the path delays them past the control connection's EndOfStream and
// ANNOUNCE). The entry's end waits for them (3.1.5.13) and they belong to
// it: each entry plays every sample of its file, with nothing lost or
// late, and each LogPlay describes the entry it logs (its filesize, from
// its own header). The ANNOUNCE used to move the streams to the next
// entry at once: the late packets went to it and were dropped as late
// (seen in CI: one sample short, one packet late), and the LogPlay sent
// at the end of the wait described the next entry.
func TestPlaylistEntryTailAfterAnnounce(t *testing.T) {
	both := fixture(t, "d_wmv2_wmav2.wmv")
	audio := fixture(t, "c_wmav2.wma")
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{both, audio}, Speed: 20,
		Faults: rtsptest.Faults{TailAfterAnnounce: 6}})
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspu"), transport.Config{})
	first := playFirstEntry(t, s)
	sameByTrack(t, first, reference(t, both))
	selectAll(t, s)
	second, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	sameByTrack(t, second, reference(t, audio))
	if st := s.Stats(); st.PacketsLost != 0 || st.PacketsLate != 0 {
		t.Errorf("%d packets lost and %d late, want none", st.PacketsLost, st.PacketsLate)
	}
	s.Close()
	var sizes []string
	size := regexp.MustCompile(`<filesize>([^<]*)</filesize>`)
	for _, r := range srv.Requests() {
		if r.Method == "SET_PARAMETER" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-wms-Logplaystats") {
			if m := size.FindSubmatch(r.Body); m != nil {
				sizes = append(sizes, string(m[1]))
			}
		}
	}
	if want := []string{strconv.Itoa(len(both)), strconv.Itoa(len(audio))}; !slices.Equal(sizes, want) {
		t.Errorf("LogPlays with filesize %q, want %q (the first entry's, then the second's)", sizes, want)
	}
}

// TestSeekWhileTheEndWaitsForALostPacket: over UDP the stream's last
// packet is lost, so its end waits for it; a Play (a seek to the start)
// meanwhile settles the end: the period played is logged before the
// PLAY, no io.EOF of the old end follows the seek, and the stream plays
// again to its own end and LogPlay. The pending end used to fire after
// the seek: io.EOF at once, and the log of the new period instead.
func TestSeekWhileTheEndWaitsForALostPacket(t *testing.T) {
	audio := fixture(t, "c_wmav2.wma")
	ref, n := playReference(t, rtsptest.Config{Entries: [][]byte{audio}, Speed: 20})

	const firstSeq = 1000
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{audio}, Speed: 20, FirstSeq: firstSeq,
		Faults: rtsptest.Faults{DropSeqs: []uint16{uint16(firstSeq + n - 1)}}})
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspu"), transport.Config{})
	selectAll(t, s)
	ctx := testCtx(t)
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
	// The client has answered the EndOfStream: its end waits (at least
	// 300 ms) for the packet that never comes.
	for len(srv.Responses()) == 0 {
		select {
		case <-ctx.Done():
			t.Fatal("no answer to the EndOfStream")
		case <-time.After(time.Millisecond):
		}
	}
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
	again, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) < len(ref)/2 {
		t.Errorf("after the seek %d samples of %d, then io.EOF", len(again), len(ref))
	}
	s.Close()
	if got := playsAndLogPlays(srv); got != "PLAY LogPlay PLAY LogPlay" {
		t.Errorf("PLAYs and LogPlays %q, want PLAY LogPlay PLAY LogPlay", got)
	}
}

// playsAndLogPlays lists the PLAY and LogPlay requests srv received, in
// order, separated by spaces.
func playsAndLogPlays(srv *rtsptest.Server) string {
	var order []string
	for _, r := range srv.Requests() {
		switch {
		case r.Method == "PLAY":
			order = append(order, "PLAY")
		case r.Method == "SET_PARAMETER" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-wms-Logplaystats"):
			order = append(order, "LogPlay")
		}
	}
	return strings.Join(order, " ")
}
