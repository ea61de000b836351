package rtsp

import (
	"errors"
	"testing"
	"time"
)

func TestParseTransport(t *testing.T) {
	// MS-RTSP 4.4.4.4's alternatives, as the digest §1.8 quotes them.
	ts, err := ParseTransport("RTP/AVP/UDP;unicast;client_port=2408;ssrc=6dded651;mode=PLAY;FecSpan=4;FecPerSpan=1;FecBurstMargin=6, RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=6dded651;mode=PLAY")
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 {
		t.Fatalf("%d specs", len(ts))
	}
	u, tc := ts[0], ts[1]
	if u.TCP || !u.Unicast || u.ClientPort != [2]int{2408, 0} || !u.HasSSRC || u.SSRC != 0x6dded651 || u.Mode != "PLAY" ||
		!u.HasFEC || u.FecSpan != 4 || u.FecPerSpan != 1 || u.FecBurstMargin != 6 {
		t.Errorf("UDP spec %+v", u)
	}
	if !tc.TCP || !tc.HasInterleaved || tc.Interleaved != [2]int{0, 1} || tc.HasFEC {
		t.Errorf("TCP spec %+v", tc)
	}
	// FEC parameters are hexadecimal (MS-RTSP 2.2.6.11): 0x18 = 24.
	ts, err = ParseTransport("RTP/AVP/UDP;unicast;server_port=5004-5005;client_port=4958-4959;ssrc=B58DB0DE;FecSpan=18;FecPerSpan=a;FecBurstMargin=C;source=10.0.0.1;x-unknown=1")
	if err != nil {
		t.Fatal(err)
	}
	if g := ts[0]; g.FecSpan != 24 || g.FecPerSpan != 10 || g.FecBurstMargin != 12 || g.ServerPort != [2]int{5004, 5005} || g.Source != "10.0.0.1" || g.SSRC != 0xb58db0de {
		t.Errorf("%+v", g)
	}
	// A quote left open takes in the rest of the header as one value; a
	// mode or source that cannot stand unquoted is ignored, and the spec
	// renders as a header that parses to it.
	ts, err = ParseTransport(`RTP/AVP/UDP;unicast;mode="PLAY, RTP/AVP/TCP;source=a b;interleaved=0-1`)
	if err != nil || len(ts) != 1 || ts[0].Mode != "" || ts[0].Source != "" || ts[0].TCP {
		t.Errorf("open quote: %+v %v", ts, err)
	} else if back, err := ParseTransport(ts[0].String()); err != nil || len(back) != 1 || back[0] != ts[0] {
		t.Errorf("open quote: %q parses as %+v %v", ts[0].String(), back, err)
	}
	for _, bad := range []string{"", "RTP/SAVP;unicast", "RTP/AVP;client_port=70000", "RTP/AVP;ssrc=xyz", "RTP/AVP;FecSpan=100"} {
		if _, err := ParseTransport(bad); !errors.Is(err, ErrProtocol) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestTransportString(t *testing.T) {
	// MS-RTSP 2.2.7.10.1's example (digest §8.9) and 4.4.1's rtx SETUP.
	tcp := TransportSpec{TCP: true, Unicast: true, Interleaved: [2]int{0, 1}, HasInterleaved: true, SSRC: 0x6095d7d7, HasSSRC: true, Mode: "PLAY"}
	if got, want := tcp.String(), "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=6095d7d7;mode=PLAY"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	udp := TransportSpec{Unicast: true, ClientPort: [2]int{4958, 4959}, SSRC: 0xb58db0de, HasSSRC: true, Mode: "PLAY"}
	if got, want := udp.String(), "RTP/AVP/UDP;unicast;client_port=4958-4959;ssrc=b58db0de;mode=PLAY"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	fec := TransportSpec{Unicast: true, ClientPort: [2]int{2408}, Mode: "PLAY", HasFEC: true, FecSpan: 24, FecPerSpan: 1, FecBurstMargin: 6}
	if got, want := fec.String(), "RTP/AVP/UDP;unicast;client_port=2408;mode=PLAY;FecSpan=18;FecPerSpan=1;FecBurstMargin=6"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestParseRTPInfo(t *testing.T) {
	// MS-RTSP 2.2.7.1's X-RTP-Info (digest §8.1, joined).
	v := "url=rtsp://myserver.com/ServerSidePlaylist.wsx/audio;transport=RTP/AVP/UDP;unicast;server_port=5004;client_port=1790;ssrc=90cbcaac;mode=PLAY;blocksize=5994;thinlevel=0;seq=26968;rtptime=0, url=rtsp://myserver.com/ServerSidePlaylist.wsx/rtx;transport=RTP/AVP/UDP;unicast;server_port=5004-5005;client_port=1788-1789;ssrc=e740fe80;mode=PLAY;thinlevel=0"
	es, err := ParseRTPInfo(v)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		t.Fatalf("%d entries", len(es))
	}
	a, r := es[0], es[1]
	if a.URL != "rtsp://myserver.com/ServerSidePlaylist.wsx/audio" || a.Transport.TCP || a.Transport.ServerPort != [2]int{5004, 0} ||
		a.Transport.ClientPort != [2]int{1790, 0} || a.Transport.SSRC != 0x90cbcaac || a.BlockSize != 5994 || a.ThinLevel != 0 ||
		!a.HasSeq || a.Seq != 26968 || a.RTPTime != 0 {
		t.Errorf("audio %+v", a)
	}
	if r.URL != "rtsp://myserver.com/ServerSidePlaylist.wsx/rtx" || r.Transport.ServerPort != [2]int{5004, 5005} ||
		r.Transport.ClientPort != [2]int{1788, 1789} || r.Transport.SSRC != 0xe740fe80 || r.HasSeq {
		t.Errorf("rtx %+v", r)
	}
	// MS-RTSP 2.2.7.3's RTP-Info with "Seq=" (digest §8.3).
	es, err = ParseRTPInfo("url=rtsp://myserver.com/ServerSidePlaylist.wsx/audio;Seq=26968, url=rtsp://myserver.com/ServerSidePlaylist.wsx/video;Seq=46497")
	if err != nil || len(es) != 2 || es[0].Seq != 26968 || es[1].Seq != 46497 || es[1].URL != "rtsp://myserver.com/ServerSidePlaylist.wsx/video" {
		t.Fatalf("%+v %v", es, err)
	}
	// A quoted URL holding a comma and a semicolon; PLAY's URL-only form.
	es, err = ParseRTPInfo(`url="rtsp://h/a,b;c/audio";seq=1, rtsp://h/x/rtx`)
	if err != nil || len(es) != 2 || es[0].URL != "rtsp://h/a,b;c/audio" || es[0].Seq != 1 || es[1].URL != "rtsp://h/x/rtx" {
		t.Fatalf("%+v %v", es, err)
	}
	for _, bad := range []string{`url="rtsp://h/a`, "url=;seq=1", "url=rtsp://h/a;seq=70000", "url=rtsp://h/a;thinlevel=3"} {
		if _, err := ParseRTPInfo(bad); !errors.Is(err, ErrProtocol) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestParseSession(t *testing.T) {
	for _, c := range []struct {
		in      string
		id      string
		timeout time.Duration
	}{
		// MS-RTSP 4.4.2's session header; IDs over int64 stay strings.
		{"8134007897615700187;timeout=60", "8134007897615700187", 60 * time.Second},
		{"13856065358275910855", "13856065358275910855", DefaultSessionTimeout},
		{"abc; timeout=5", "abc", 10 * time.Second}, // 3.1.2: at least 10 s
		{"abc;timeout=x", "abc", DefaultSessionTimeout},
		{"abc;timeout=4294967295", "abc", 4294967295 * time.Millisecond},
	} {
		id, to, err := ParseSession(c.in)
		if err != nil || id != c.id || to != c.timeout {
			t.Errorf("%q: %q %v %v", c.in, id, to, err)
		}
	}
	for _, bad := range []string{"", ";timeout=60", "a b"} {
		if _, _, err := ParseSession(bad); !errors.Is(err, ErrProtocol) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestParseEndOfStream(t *testing.T) {
	// MS-RTSP 2.2.7.3's body (digest §8.3) and 4.4.5's "EOF: True".
	e, err := ParseEndOfStream([]byte("Session: 13856065358275910855\r\nEOF: true\r\nEnd-Of-Playlist-Entry: true\r\n"))
	if err != nil || e.Session != "13856065358275910855" || !e.EndOfEntry || e.Administrative || e.Receding {
		t.Fatalf("%+v %v", e, err)
	}
	e, err = ParseEndOfStream([]byte("Session: 1\r\nEOF: True\r\nAdministrativeDisconnection: true\r\n"))
	if err != nil || e.EndOfEntry || !e.Administrative {
		t.Fatalf("%+v %v", e, err)
	}
	if _, err := ParseEndOfStream([]byte("Session: 1\r\n")); !errors.Is(err, ErrProtocol) {
		t.Fatalf("no EOF line: %v", err)
	}
}

func FuzzParseHeaders(f *testing.F) {
	f.Add("RTP/AVP/UDP;unicast;client_port=2408;ssrc=6dded651;mode=PLAY;FecSpan=4;FecPerSpan=1;FecBurstMargin=6, RTP/AVP/TCP;unicast;interleaved=0-1")
	f.Add(`url="rtsp://h/a,b;c/audio";seq=1, rtsp://h/x/rtx;transport=RTP/AVP/TCP;interleaved=2-3`)
	f.Add("8134007897615700187;timeout=60")
	f.Fuzz(func(t *testing.T, v string) {
		if ts, err := ParseTransport(v); err == nil {
			for _, s := range ts {
				back, err := ParseTransport(s.String())
				if err != nil || len(back) != 1 {
					t.Fatalf("%q renders as %q, which does not parse: %v", v, s.String(), err)
				}
			}
		}
		ParseRTPInfo(v)
		ParseSession(v)
		ParseEndOfStream([]byte(v))
	})
}
