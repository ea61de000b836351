package rtsptest

import (
	"fmt"
	"strings"
	"testing"
)

// TestSkipAnswersWithChangeNoticeThenEndOfStreamAndAnnounce skips through
// a playlist of three entries, forward twice and back once (MS-RTSP 2.2.6.20, 2.2.6.21, 3.2.5.8):
// a=type offers skipforward where an entry has a next one and
// skipbackward where it has a previous one (2.2.5.2.6.6/7); a PLAY with
// X-Playlist that names no entry there, has Range besides, lacks
// X-Playlist-Seek-Id or has a malformed offset is 400, one from another
// entry 412; a valid one is answered 200 with X-Playlist-Change-Notice:
// true and no RTP-Info, no RTP follows it, then the EndOfStream with
// End-Of-Playlist-Entry and RTP-Info naming the next sequence number,
// and once that is answered the ANNOUNCE of the entry skipped to, with
// a new X-Playlist-Gen-Id.
func TestSkipAnswersWithChangeNoticeThenEndOfStreamAndAnnounce(t *testing.T) {
	audio, both := fixture(t, "c_wmav2.wma"), fixture(t, "d_wmv2_wmav2.wmv")
	g := make(gate)
	s := New(t, Config{Entries: [][]byte{audio, both, audio}, Speed: 1, Sleep: g.sleep})
	rc := dialRaw(t, s.Addr())
	r := rc.do("DESCRIBE", s.URL(), "")
	if !strings.Contains(string(r.body), "\r\na=type:playlist,skipforward\r\n") {
		t.Errorf("DESCRIBE of the first of three entries: want a=type:playlist,skipforward in\n%s", r.body)
	}
	rc.do("SETUP", s.URL()+"/audio", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY", "X-Playlist-Gen-Id: 5351")
	rc.do("PLAY", s.URL(), "", "Range: npt=0.000-", "Scale: 1.0", "X-Playlist-Seek-Id: 5351")
	for range 3 {
		g <- struct{}{}
	}
	for _, c := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"no previous entry", []string{"X-Playlist: pl-offset=-1", "X-Playlist-Seek-Id: 5351"}, 400},
		{"offset 2", []string{"X-Playlist: pl-offset=2", "X-Playlist-Seek-Id: 5351"}, 400},
		{"offset without sign rules", []string{"X-Playlist: pl-offset=+1", "X-Playlist-Seek-Id: 5351"}, 400},
		{"no seek id", []string{"X-Playlist: pl-offset=1"}, 400},
		{"with Range", []string{"X-Playlist: pl-offset=1", "X-Playlist-Seek-Id: 5351", "Range: npt=0.000-"}, 400},
		{"another entry", []string{"X-Playlist: pl-offset=1", "X-Playlist-Seek-Id: 5350"}, 412},
	} {
		if r := rc.do("PLAY", s.URL(), "", append(c.headers, "Scale: 1.0")...); r.status() != c.status {
			t.Errorf("%s: %q, want %d", c.name, r.start, c.status)
		}
	}
	// skip sends a skip and checks the answer, that no RTP comes between
	// it and the EndOfStream, the EndOfStream, and the ANNOUNCE; it
	// returns the ANNOUNCE's SDP.
	skip := func(offset, from, to int) string {
		t.Helper()
		r := rc.do("PLAY", s.URL(), "", fmt.Sprintf("X-Playlist: pl-offset=%d", offset), fmt.Sprintf("X-Playlist-Seek-Id: %d", from), "Scale: 1.0")
		if r.status() != 200 || r.get("X-Playlist-Change-Notice") != "true" || r.get("RTP-Info") != "" {
			t.Fatalf("skip by %d: %q\n%s", offset, r.start, strings.Join(r.lines, "\n"))
		}
		sent := len(rc.media(0))
		if sent == 0 {
			t.Fatalf("skip by %d: nothing was sent before it", offset)
		}
		eos := rc.untilRequest("SET_PARAMETER")
		if n := len(rc.media(0)); n != sent {
			t.Errorf("skip by %d: %d RTP packets after the answer (2.2.6.21: none)", offset, n-sent)
		}
		if eos.get("X-Playlist-Gen-Id") != fmt.Sprint(from) ||
			string(eos.body) != "Session: 13856065358275910855\r\nEOF: true\r\nEnd-Of-Playlist-Entry: true\r\n" {
			t.Errorf("skip by %d: EndOfStream %q %q", offset, eos.lines, eos.body)
		}
		// RTP-Info names the packet after the last one sent (2.2.7.3);
		// every entry's audio goes on the one slot from seq 1000 on.
		if want := fmt.Sprintf("url=%s/audio;seq=%d", s.URL(), 1000+sent); eos.get("RTP-Info") != want {
			t.Errorf("skip by %d: EndOfStream RTP-Info %q, want %q", offset, eos.get("RTP-Info"), want)
		}
		// The ANNOUNCE waits for the EndOfStream's answer (3.2.4.1).
		if len(rc.requests) != rc.seen {
			t.Errorf("skip by %d: a request before the EndOfStream was answered", offset)
		}
		rc.answer(eos)
		ann := rc.untilRequest("ANNOUNCE")
		if ann.get("X-Playlist-Gen-Id") != fmt.Sprint(to) {
			t.Errorf("skip by %d: ANNOUNCE X-Playlist-Gen-Id %q, want %d", offset, ann.get("X-Playlist-Gen-Id"), to)
		}
		rc.answer(ann)
		return string(ann.body)
	}
	sdp := skip(1, 5351, 5352)
	if !strings.Contains(sdp, "\r\na=type:playlist,skipbackward,skipforward\r\n") || !strings.Contains(sdp, "\r\nm=video ") {
		t.Errorf("ANNOUNCE after skipping forward is not the second entry's (video, both skips):\n%s", sdp)
	}
	if r := rc.do("PLAY", s.URL(), "", "Scale: 1.0", "X-Playlist-Seek-Id: 5352"); r.status() != 200 {
		t.Fatalf("PLAY in PLAYING of the second entry: %q", r.start)
	}
	g <- struct{}{}
	sdp = skip(1, 5352, 5353)
	if !strings.Contains(sdp, "\r\na=type:playlist,skipbackward,lastentry\r\n") || strings.Contains(sdp, "\r\nm=video ") {
		t.Errorf("ANNOUNCE after skipping forward again is not the last entry's:\n%s", sdp)
	}
	if r := rc.do("PLAY", s.URL(), "", "Scale: 1.0", "X-Playlist-Seek-Id: 5353"); r.status() != 200 {
		t.Fatalf("PLAY in PLAYING of the last entry: %q", r.start)
	}
	g <- struct{}{}
	if r := rc.do("PLAY", s.URL(), "", "X-Playlist: pl-offset=1", "X-Playlist-Seek-Id: 5353", "Scale: 1.0"); r.status() != 400 {
		t.Errorf("skip forward from the last entry: %q, want 400 (3.2.5.8)", r.start)
	}
	sdp = skip(-1, 5353, 5354)
	if !strings.Contains(sdp, "\r\na=type:playlist,skipbackward,skipforward\r\n") || !strings.Contains(sdp, "\r\nm=video ") {
		t.Errorf("ANNOUNCE after skipping back is not the second entry's:\n%s", sdp)
	}
	if st := s.Stats(); st.Skips != 3 || st.EndOfStreams != 3 || st.Announces != 3 {
		t.Errorf("stats %+v, want 3 skips, EndOfStreams and ANNOUNCEs", st)
	}
}
