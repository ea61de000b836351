package rtsptest

import (
	"strings"
	"testing"
)

// TestRenamedStreamsAndDeselect plays a two-entry playlist whose second
// entry names its streams "video=1" and "audio=2" (Config.RenamedStreams,
// MS-RTSP 4.4.4.3): the ANNOUNCE predicts them into the slots set up as
// /video and /audio, listed under their own URLs (2.2.6.27). A
// SelectStream TEARDOWN is then taken only as 2.2.7.10.2 writes it: on a
// URL a SETUP of the session used, with the body "SSEntry: <old>
// 4294967295 <thin> <old-url>" CRLF when the stream is not that URL's;
// 4.4.4.3 lets any slot on the same transport name it.
func TestRenamedStreamsAndDeselect(t *testing.T) {
	both := fixture(t, "d_wmv2_wmav2.wmv")
	s := New(t, Config{Entries: [][]byte{both, both}, RenamedStreams: true})
	u := s.URL()
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", u, "")
	rc.do("SETUP", u+"/video", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY", "X-Playlist-Gen-Id: 5351")
	rc.do("SETUP", u+"/audio", "", "Transport: RTP/AVP/TCP;unicast;interleaved=2-3;mode=PLAY", "X-Playlist-Gen-Id: 5351")
	rc.do("PLAY", u, "", "Range: npt=0.000-", "Scale: 1.0")
	rc.answer(rc.untilRequest("SET_PARAMETER"))
	ann := rc.untilRequest("ANNOUNCE")
	info := ann.get("X-RTP-Info")
	if !strings.HasPrefix(info, "url="+u+"/video=1;transport=RTP/AVP/TCP;unicast;interleaved=0-1;") ||
		!strings.Contains(info, ", url="+u+"/audio=2;transport=RTP/AVP/TCP;unicast;interleaved=2-3;") {
		t.Errorf("ANNOUNCE X-RTP-Info %q, want video=1 on channel 0 and audio=2 on channel 2", info)
	}
	if b := string(ann.body); !strings.Contains(b, "\r\na=control:video=1\r\n") || !strings.Contains(b, "\r\na=control:audio=2\r\n") {
		t.Errorf("the second entry's SDP does not name its streams video=1 and audio=2:\n%s", b)
	}
	rc.answer(ann)
	const ctype = "Content-Type: application/x-wms-streamswitch"
	gen := "X-Playlist-Gen-Id: 5352"
	refused := []struct {
		name, url, body string
		headers         []string
		want            int
	}{
		{"the predicted stream's own URL", u + "/video=1", "", []string{gen}, 404},
		{"no body for a renamed stream", u + "/video", "", []string{gen}, 400},
		{"4.4.4.2's informative body", u + "/video", "1 1 2 " + u + "/video=1 " + u + "/video=1\r\n", []string{ctype, gen}, 400},
		{"OldStream = NewStream", u + "/video", "SSEntry: 1 1 0 " + u + "/video=1 " + u + "/video=1\r\n", []string{ctype, gen}, 400},
		{"NewStream not 4294967295", u + "/video", "SSEntry: 1 3 0 " + u + "/video=1\r\n", []string{ctype, gen}, 400},
		{"no CRLF", u + "/video", "SSEntry: 1 4294967295 0 " + u + "/video=1", []string{ctype, gen}, 400},
		{"no OldStreamURI", u + "/video", "SSEntry: 1 4294967295 0\r\n", []string{ctype, gen}, 400},
		{"a NewStreamURI", u + "/video", "SSEntry: 1 4294967295 0 " + u + "/video=1 " + u + "/video=1\r\n", []string{ctype, gen}, 400},
		{"another stream number", u + "/video", "SSEntry: 2 4294967295 0 " + u + "/video=1\r\n", []string{ctype, gen}, 400},
		{"no Content-Type", u + "/video", "SSEntry: 1 4294967295 0 " + u + "/video=1\r\n", []string{gen}, 400},
	}
	for _, c := range refused {
		if r := rc.do("TEARDOWN", c.url, c.body, c.headers...); r.status() != c.want {
			t.Errorf("%s: %q, want %d", c.name, r.start, c.want)
		}
	}
	if r := rc.do("TEARDOWN", u+"/audio", "SSEntry: 1 4294967295 0 "+u+"/video=1\r\n", ctype, gen); r.status() != 200 {
		t.Errorf("TEARDOWN of video=1 named from the audio slot (4.4.4.3): %q", r.start)
	}
	if r := rc.do("TEARDOWN", u+"/video", "SSEntry: 1 4294967295 0 "+u+"/video=1\r\n", ctype, gen); r.status() != 404 {
		t.Errorf("a TEARDOWN on /video, whose slot is gone with video=1: %q, want 404", r.start)
	}
	if r := rc.do("PLAY", u, "", "Scale: 1.0", "X-Playlist-Seek-Id: 5352", "X-RTP-Info: url="+u+"/audio=2"); r.status() != 200 {
		t.Fatalf("PLAY in PLAYING: %q", r.start)
	}
	eos := rc.untilRequest("SET_PARAMETER")
	if got := eos.get("RTP-Info"); !strings.HasPrefix(got, "url="+u+"/audio=2;seq=") || strings.Contains(got, "video") {
		t.Errorf("EndOfStream RTP-Info %q, want audio=2 only", got)
	}
	if st := s.Stats(); st.Deselected != 1 || st.DeselectRefused != len(refused)+1 {
		t.Errorf("Deselected %d, DeselectRefused %d; want 1 and %d", st.Deselected, st.DeselectRefused, len(refused)+1)
	}
}
