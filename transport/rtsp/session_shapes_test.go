package rtsp_test

import (
	"bytes"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// The expected header lines below are written from MS-RTSP's examples
// (digest §8: 8.2 DESCRIBE, 8.5 KeepAlive, 8.6 LogConnect/LogPlay, 8.7
// PAUSE, 8.8 PLAY, 8.9 and 8.13 SETUP, 8.11 UdpPacketPair, 8.17 FEC
// SETUP) and the ABNF of 2.2.6, as "Name: regular expression of the
// whole value". Nothing is built with the session's own builders.
const (
	// 2.2.6.12: client-token "/" major "." minor [SP client-guid] *(SP
	// product); a player sends WMPlayer and the guid (3.1.5.1).
	uaLine = `User-Agent: WMPlayer/\d{1,2}\.\d{1,2}(\.\d{1,4}\.\d{1,4})? guid/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}( \S+)*`
	// 8.5's lines, and MS-WMSP 2.2.1.9's X-Accept-Authentication.
	charsetLine  = `Accept-Charset: UTF-8, \*;q=0\.1`
	languageLine = `Accept-Language: en-US, \*;q=0\.1`
	acceptAuth   = `X-Accept-Authentication: (Negotiate|NTLM|Digest|Basic)(, (Negotiate|NTLM|Digest|Basic))*`
	cseqLine     = `CSeq: \d+`
	sessionLine  = `Session: 13856065358275910855` // the fake server's id, > int64 (1.1)
	// 2.2.6.10: WMCfeat *7("," [SP] WMCfeat) with eosmsg and sswitch
	// (MUST support, 3.1.5.1), never locid (a player relays nothing) or
	// startupprofile (not implemented, 3.1.5.9.1).
	supportedLine = `Supported: (com\.microsoft\.wm\.(eosmsg|sswitch|predstrm|srvppair))(, ?com\.microsoft\.wm\.(eosmsg|sswitch|predstrm|srvppair)){1,3}`
)

var common = []string{uaLine, charsetLine, languageLine, acceptAuth, cseqLine}

// checkLines fails unless every want line is present (name, then the
// whole value matching), and no forbidden header is.
func checkLines(t *testing.T, what string, r rtsptest.Request, want []string, forbid ...string) {
	t.Helper()
	for _, w := range want {
		name, re, _ := strings.Cut(w, ": ")
		vals := r.Header.Values(name)
		if len(vals) != 1 {
			t.Errorf("%s: %d %s headers %q, want one matching %q", what, len(vals), name, vals, re)
			continue
		}
		if !regexp.MustCompile(`^(?:` + re + `)$`).MatchString(vals[0]) {
			t.Errorf("%s: %s: %q does not match %q", what, name, vals[0], re)
		}
	}
	for _, f := range forbid {
		if r.Header.Has(f) {
			t.Errorf("%s: carries %s: %q", what, f, r.Header.Get(f))
		}
	}
	if name := "Supported"; r.Header.Has(name) && strings.Contains(r.Header.Get(name), "supported") {
		t.Errorf("%s: odd Supported %q", what, r.Header.Get(name))
	}
}

func with(lines ...string) []string { return append(append([]string(nil), common...), lines...) }

// transportRE parses what a Transport line must hold.
var clientPortRE = regexp.MustCompile(`;client_port=(\d+)-(\d+)(;|$)`)

// TestRequestShapesUDP drives one session over UDP through every request
// a player sends (DESCRIBE, rtx SETUP, UdpPacketPair, media and FEC
// SETUPs, PLAY, LogConnect, a seek: PAUSE + LogPlay + PLAY, Pause: PAUSE
// + LogPlay, TEARDOWN) and compares each with the spec's example.
func TestRequestShapesUDP(t *testing.T) {
	file := fixture(t, "d_wmv2_wmav2.wmv")
	g := newGate(40)
	srv := rtsptest.New(t, rtsptest.Config{
		Entries: [][]byte{file}, RTX: true, Speed: 1, Sleep: g.sleep,
		// FecSpan 12 is "0c" in hex (2.2.6.11): a decimal "12" would
		// be 18.
		FEC: &wmfec.Params{Span: 12, PerSpan: 2, BurstMargin: 1},
	})
	w := &wire{}
	s := dial(t, w.dialer(&rtsp.Dialer{}), withScheme(srv.URL(), "rtspu"), transport.Config{Bandwidth: 1234567})
	if !s.Info().Seekable {
		t.Fatal("the fixture is not seekable")
	}
	selectAll(t, s)
	ctx := testCtx(t)
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := s.ReadSample(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Play(ctx, 2*time.Second); err != nil { // a seek while playing
		t.Fatal(err)
	}
	if err := s.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()

	reqs := srv.Requests()
	var seq []string
	for _, r := range reqs {
		k := r.Method
		if ct := r.Header.Get("Content-Type"); ct != "" {
			k += " " + strings.ToLower(strings.Split(ct, ";")[0])
		}
		if r.Method == "SETUP" {
			k += " " + r.URL[strings.LastIndex(r.URL, "/"):]
		}
		seq = append(seq, k)
	}
	// 3.1.5.4: the rtx SETUP first, then UdpPacketPair (2.2.7.14 after
	// the rtx SelectStream); the rtx answer made the state READY, so the
	// media SETUPs of Select go pipelined (3.1.4.3.1), each FEC SETUP
	// after its media's answer; LogConnect right after the first PLAY (3.1.5.9.1);
	// a seek while PLAYING is PAUSE, LogPlay, PLAY (3.1.4.7, 3.1.4.8);
	// a stop is PAUSE then LogPlay; the end is TEARDOWN (3.1.4.10).
	want := []string{
		"DESCRIBE", "SETUP /rtx", "SET_PARAMETER application/x-rtsp-udp-packetpair",
		"SETUP /video", "SETUP /audio", "SETUP /fec", "SETUP /fec",
		"PLAY", "SET_PARAMETER application/x-wms-logconnectstats",
		"PAUSE", "SET_PARAMETER application/x-wms-logplaystats", "PLAY",
		"PAUSE", "SET_PARAMETER application/x-wms-logplaystats",
		"TEARDOWN",
	}
	if strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("requests\n %s\nwant\n %s", strings.Join(seq, "\n "), strings.Join(want, "\n "))
	}
	agg := srv.URL()
	for _, i := range []int{5, 6} {
		if u := reqs[i].URL; !strings.HasPrefix(u, reqs[i-2].URL+"/") {
			t.Errorf("FEC SETUP %s is not the FEC stream of %s", u, reqs[i-2].URL)
		}
	}
	byIdx := func(i int) rtsptest.Request { return reqs[i] }

	// 8.2 DESCRIBE.
	d := byIdx(0)
	if d.URL != agg {
		t.Errorf("DESCRIBE %s, want %s", d.URL, agg)
	}
	checkLines(t, "DESCRIBE", d, with(`Accept: application/sdp`, supportedLine), "Session", "Content-Type", "X-Playlist-Gen-Id")

	// 8.13/8.14 rtx SETUP: UDP, unicast, its own client_port pair, an
	// ssrc of the client's, mode=PLAY; no Session yet (INIT).
	rtxReq := byIdx(1)
	checkLines(t, "rtx SETUP", rtxReq, with(supportedLine,
		`Transport: RTP/AVP/UDP;unicast;client_port=\d+-\d+;ssrc=[0-9a-fA-F]{8};mode=PLAY`), "Session")
	rtxPorts := clientPortRE.FindStringSubmatch(rtxReq.Header.Get("Transport"))

	// 8.11 UdpPacketPair: 43 bytes, no CRLF.
	pp := byIdx(2)
	checkLines(t, "UdpPacketPair", pp, with(sessionLine, `Content-Type: application/x-rtsp-udp-packetpair`, `Content-Length: 43`))
	if pp.URL != agg || string(pp.Body) != "type: high-entropy-packetpair variable-size" {
		t.Errorf("UdpPacketPair %s body %q", pp.URL, pp.Body)
	}

	// 8.9/2.2.7.10.1 media SETUPs: the same client_port pair in every
	// non-rtx Transport, two different ports, different from the rtx's.
	var mediaPorts []string
	for _, i := range []int{3, 4, 5, 6} {
		r := byIdx(i)
		tr := `Transport: RTP/AVP/UDP;unicast;client_port=\d+-\d+;mode=PLAY`
		if strings.HasSuffix(r.URL, "fec") || strings.Contains(r.URL, "/fec") {
			// 8.17 and 2.2.6.11: fec-parameters in hex, FecSpan 12 =
			// 0c, FecPerSpan 2, FecBurstMargin one digit.
			tr = `Transport: RTP/AVP/UDP;unicast;client_port=\d+-\d+;mode=PLAY;FecSpan=0?[cC];FecPerSpan=0?2;FecBurstMargin=[1-9a-cA-C]`
		}
		checkLines(t, "SETUP "+r.URL, r, with(supportedLine, sessionLine, tr))
		m := clientPortRE.FindStringSubmatch(r.Header.Get("Transport"))
		if m == nil {
			continue
		}
		if m[1] == m[2] {
			t.Errorf("SETUP %s: client_port=%s-%s, two equal ports", r.URL, m[1], m[2])
		}
		mediaPorts = append(mediaPorts, m[1]+"-"+m[2])
	}
	for _, p := range mediaPorts {
		if p != mediaPorts[0] {
			t.Errorf("media client ports %v: not all the same (2.2.7.10.1)", mediaPorts)
		}
	}
	if rtxPorts == nil || len(mediaPorts) == 0 || rtxPorts[1] == strings.Split(mediaPorts[0], "-")[0] ||
		rtxPorts[1] == strings.Split(mediaPorts[0], "-")[1] || rtxPorts[2] == strings.Split(mediaPorts[0], "-")[0] {
		t.Errorf("rtx client_port %v shares a port with the media's %v (2.2.7.10.1)", rtxPorts, mediaPorts)
	}

	// 8.8 PLAY: Range npt (only npt, no ;time=), Scale (3.1.5.9.1 MUST),
	// Bandwidth in bits/s, X-Accelerate-Streaming with both values.
	play := func(i int, rng string) {
		r := byIdx(i)
		if r.URL != agg {
			t.Errorf("PLAY %s, want the aggregate %s", r.URL, agg)
		}
		checkLines(t, "PLAY", r, with(sessionLine, supportedLine, `Range: npt=`+rng+`-`, `Scale: 1(\.0+)?`,
			`Bandwidth: 1234567`, `X-Accelerate-Streaming: AccelDuration=\d{1,10};AccelBandwidth=\d{1,10}`),
			"Speed", "X-Playlist-Seek-Id", "X-RTP-Info", "Content-Type")
	}
	play(7, `0\.000`)
	play(11, `2\.000`)

	// 8.6 LogConnect and LogPlay: SET_PARAMETER on the aggregate URL,
	// their Content-Type with charset, a body ([MS-WMLOG] XML).
	logs := map[int]string{8: "application/x-wms-Logconnectstats;charset=UTF-8",
		10: "application/x-wms-Logplaystats;charset=UTF-8", 13: "application/x-wms-Logplaystats;charset=UTF-8"}
	for i, ct := range logs {
		r := byIdx(i)
		checkLines(t, r.Method+" "+ct, r, with(sessionLine, `Content-Type: `+regexp.QuoteMeta(ct),
			`Content-Length: `+strconv.Itoa(len(r.Body))))
		if r.URL != agg || !bytes.HasPrefix(r.Body, []byte("<XML>")) {
			t.Errorf("log %d: %s body %.40q", i, r.URL, r.Body)
		}
	}

	// 8.7 PAUSE: Session, no Range (2.2.7.8).
	for _, i := range []int{9, 12} {
		checkLines(t, "PAUSE", byIdx(i), with(sessionLine), "Range", "Content-Type", "Content-Length")
	}
	// 2.2.7.13 TEARDOWN: the aggregate URL with Session.
	td := byIdx(14)
	if td.URL != agg {
		t.Errorf("TEARDOWN %s, want %s", td.URL, agg)
	}
	checkLines(t, "TEARDOWN", td, with(sessionLine), "Content-Type")

	// 2.2.6.12, 3.1.5.1: one GUID for every request of the session;
	// CSeq counts up from 1.
	ua := reqs[0].Header.Get("User-Agent")
	for i, r := range reqs {
		if r.Header.Get("User-Agent") != ua {
			t.Errorf("request %d User-Agent %q, the first was %q", i, r.Header.Get("User-Agent"), ua)
		}
		if r.Header.Get("CSeq") != strconv.Itoa(i+1) {
			t.Errorf("request %d CSeq %q", i, r.Header.Get("CSeq"))
		}
	}
	// The bytes on the wire: request lines "METHOD url RTSP/1.0", header
	// lines ending CRLF (RFC 2326 §6).
	for _, line := range strings.Split(w.text(), "\r\n") {
		if strings.Contains(line, "\n") {
			t.Fatalf("a bare LF in %q", line)
		}
	}
	if !strings.HasPrefix(w.text(), "DESCRIBE "+agg+" RTSP/1.0\r\n") {
		t.Errorf("first bytes %.60q", w.text())
	}
}

// TestRequestShapesTCP: over TCP (rtspt://) the SETUPs ask for
// interleaved channels, one pair per stream (8.9), there is no rtx SETUP
// or UdpPacketPair (3.1.5.4: the rtx stream is UDP only) and no FEC
// stream (3.1.4.3.1: FEC for UDP streams).
func TestRequestShapesTCP(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{
		Entries: [][]byte{fixture(t, "d_wmv2_wmav2.wmv")}, RTX: true,
		FEC: &wmfec.Params{Span: 4, PerSpan: 1, BurstMargin: 1},
	})
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspt"), transport.Config{})
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var seq []string
	channels := map[string]bool{}
	for _, r := range srv.Requests() {
		seq = append(seq, r.Method+" "+r.URL[len(srv.URL()):])
		if r.Method == "SETUP" {
			checkLines(t, "SETUP "+r.URL, r, with(supportedLine,
				`Transport: RTP/AVP/TCP;unicast;interleaved=\d+-\d+;mode=PLAY`))
			m := regexp.MustCompile(`interleaved=(\d+)-(\d+)`).FindStringSubmatch(r.Header.Get("Transport"))
			a, _ := strconv.Atoi(m[1])
			b, _ := strconv.Atoi(m[2])
			if b != a+1 || channels[m[1]] {
				t.Errorf("SETUP %s: interleaved=%s-%s (taken: %v)", r.URL, m[1], m[2], channels)
			}
			channels[m[1]] = true
		}
	}
	// 3.1.5.4: without the UDP rtx stream, a server that offers
	// srvppair gets TcpPacketPair (MUST) before the SETUPs.
	want := []string{"DESCRIBE ", "GET_PARAMETER ", "SETUP /video", "SETUP /audio", "PLAY ", "SET_PARAMETER ", "SET_PARAMETER ", "TEARDOWN "}
	if strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("requests %q, want %q", seq, want)
	}
	// 8.10 TcpPacketPair: Content-Type, Content-Length 0, no body.
	checkLines(t, "TcpPacketPair", srv.Requests()[1], with(`Content-Type: application/x-rtsp-packetpair`, `Content-Length: 0`), "Session")
	if len(srv.Requests()[1].Body) != 0 {
		t.Error("TcpPacketPair has a body")
	}

}

// TestLogConnectPipelined: LogConnect goes right after the first PLAY,
// pipelined (3.1.5.9.1: "immediately"), not after its answer. The
// client's reads are held while a PLAY is written and no LogConnect
// yet: a client that waits for the PLAY answer before LogConnect gets
// it only after a 2 s bound, and the order on the wire shows it.
func TestLogConnectPipelined(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}})
	w := &wire{}
	logged := w.after("application/x-wms-Logconnectstats", 1)
	played := w.after("PLAY ", 1)
	var late atomic.Bool
	w.holdRead = func() {
		select {
		case <-played:
		default:
			return
		}
		select {
		case <-logged:
		case <-time.After(2 * time.Second):
			late.Store(true)
		}
	}
	s := dial(t, w.dialer(&rtsp.Dialer{}), withScheme(srv.URL(), "rtspt"), transport.Config{})
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	if late.Load() {
		t.Fatal("LogConnect was not sent before the PLAY answer was read")
	}
	if n := strings.Count(w.text(), "Content-Type: application/x-wms-Logconnectstats"); n != 1 {
		t.Fatalf("%d LogConnects written when Play returned, want 1", n)
	}
}

// TestNoPacketPairWithoutSrvppair: a server whose Supported lacks
// com.microsoft.wm.srvppair gets neither UdpPacketPair nor TcpPacketPair
// (2.2.6.10.6 MUST NOT); the session plays all the same.
func TestNoPacketPairWithoutSrvppair(t *testing.T) {
	for _, scheme := range []string{"rtspt", "rtspu"} {
		srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}, RTX: true,
			Supported: []string{"com.microsoft.wm.eosmsg", "com.microsoft.wm.sswitch"}})
		s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), scheme), transport.Config{})
		selectAll(t, s)
		if err := s.Play(testCtx(t), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := readAll(t, s); err != nil {
			t.Fatal(err)
		}
		s.Close()
		for _, r := range srv.Requests() {
			if ct := r.Header.Get("Content-Type"); strings.Contains(ct, "packetpair") {
				t.Errorf("%s: %s %s with %s to a server without srvppair", scheme, r.Method, r.URL, ct)
			}
		}
	}
}

// TestCookieOnDescribe: a cookie the HTTP side got for http://host/ goes
// on the RTSP DESCRIBE to rtsp://host/ (2.2.6.4: one store, the schemes
// equivalent; 2.2.7.2: MUST include Cookie).
func TestCookieOnDescribe(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}})
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	hu, _ := url.Parse("http://" + srv.Addr() + "/")
	jar.SetCookies(hu, []*http.Cookie{{Name: "wmsAuth", Value: "c0ffee"}})
	dial(t, &rtsp.Dialer{}, srv.URL(), transport.Config{HTTPClient: &http.Client{Jar: jar}})
	d := srv.RequestsOf("DESCRIBE")
	if len(d) != 1 || d[0].Header.Get("Cookie") != "wmsAuth=c0ffee" {
		t.Fatalf("DESCRIBE Cookie %q, want wmsAuth=c0ffee", d[0].Header.Get("Cookie"))
	}
}
