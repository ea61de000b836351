package rtsp_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
	"github.com/eddyplayer/eddy/transport/wmlog"
)

// TestFastCacheAndRemoteLog plays a file to its end with
// Dialer.FastCacheSpeed 5 and checks the logs of 3.1.4.7 and 3.1.4.9:
// Speed on PLAY only where the server lists fastcache (3.1.5.9.1: MUST
// NOT otherwise) and the media go over TCP; when the PLAY asked for Speed
// and the DESCRIBE's Cache-Control subscribed to remote-log (2.2.6.2.10),
// the LogPlay is a streaming log (MS-WMLOG 2.6: no codecs) and a SendEvent
// follows (2.2.7.11: SET_PARAMETER, Content-Type
// application/x-wms-sendevent) whose body is [MS-WMSP] 2.2.5's remote-log
// event as the digest's D2.5 writes it: "1" CRLF "1,30,0" CRLF, the
// user agent and {GUID} description, then the URL and the rendering log
// (MS-WMLOG 2.7: protocol Cache, c-ip "-"), lengths in bytes. Otherwise
// the LogPlay is the legacy log and no SendEvent is sent (2.2.7.11: only
// subscribed events; 3.1.4.9 needs Speed).
func TestFastCacheAndRemoteLog(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	const guid = "3300AD50-2C39-46C0-AE0A-4F6B136D663C"
	noFastCache := []string{"com.microsoft.wm.eosmsg", "com.microsoft.wm.sswitch", "com.microsoft.wm.srvppair"}
	cases := []struct {
		name      string
		scheme    string
		speed     float64
		remoteLog bool
		supported []string
		wantSpeed bool
		wantEvent bool
	}{
		{"tcp-subscribed", "rtspt", 5, true, nil, true, true},
		{"tcp-not-subscribed", "rtspt", 5, false, nil, true, false},
		{"udp", "rtspu", 5, true, nil, false, false},
		{"no-fastcache", "rtspt", 5, true, noFastCache, false, false},
		{"off", "rtspt", 0, true, nil, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, Speed: 20, RemoteLog: c.remoteLog, Supported: c.supported})
			s := dial(t, &rtsp.Dialer{FastCacheSpeed: c.speed}, withScheme(srv.URL(), c.scheme), transport.Config{ClientID: guid})
			selectAll(t, s)
			if err := s.Play(testCtx(t), 0); err != nil {
				t.Fatal(err)
			}
			if got, err := readAll(t, s); err != nil || len(got) == 0 {
				t.Fatalf("%d samples: %v", len(got), err)
			}
			s.Close()
			play := srv.RequestsOf("PLAY")[0]
			if c.wantSpeed {
				checkLines(t, "PLAY", play, []string{`Speed: 5\.000`})
			} else if play.Header.Has("Speed") {
				t.Errorf("PLAY carries Speed: %q", play.Header.Get("Speed"))
			}
			logs := srv.RequestsOf("SET_PARAMETER application/x-wms-Logplaystats")
			if len(logs) != 1 {
				t.Fatalf("%d LogPlays, want 1", len(logs))
			}
			lp, err := wmlog.ParseXML(logs[0].Body)
			if err != nil {
				t.Fatalf("LogPlay: %v", err)
			}
			if codec, _ := lp.Get("audiocodec"); (codec == "-") != c.wantEvent {
				t.Errorf("LogPlay audiocodec %q: want a streaming log (\"-\") iff SendEvents are sent (%v)", codec, c.wantEvent)
			}
			events := srv.RequestsOf("SET_PARAMETER application/x-wms-sendevent")
			if !c.wantEvent {
				if len(events) != 0 {
					t.Errorf("%d SendEvents, want none", len(events))
				}
				return
			}
			if len(events) != 1 {
				t.Fatalf("%d SendEvents, want 1", len(events))
			}
			ev := events[0]
			if ev.URL != srv.URL() {
				t.Errorf("SendEvent on %s, want the content URL %s", ev.URL, srv.URL())
			}
			checkLines(t, "SendEvent", ev, with(sessionLine, `Content-Type: application/x-wms-sendevent`, `Content-Length: `+strconv.Itoa(len(ev.Body))))
			ua, url := play.Header.Get("User-Agent"), srv.URL()
			head := "1\r\n1,30,0\r\n" +
				"12,context-type,3,1,2,14,WMS_USER_AGENT,31," + strconv.Itoa(len(ua)) + "," + ua +
				",13,WMS_USER_GUID,31,38,{" + guid + "}\r\n" +
				"12,context-type,3,1,5,24,@WMS_COMMAND_CONTEXT_URL,31," + strconv.Itoa(len(url)) + "," + url +
				",12,@.REMOTE_LOG,31,"
			body := string(ev.Body)
			rest, ok := strings.CutPrefix(body, head)
			if !ok {
				t.Fatalf("SendEvent body\n%q\ndoes not start with\n%q", body, head)
			}
			n, xml, _ := strings.Cut(rest, ",")
			xml, ok = strings.CutSuffix(xml, "\r\n")
			if l, err := strconv.Atoi(n); err != nil || !ok || l != len(xml) {
				t.Fatalf("@.REMOTE_LOG length %q for a %d-byte value (CRLF at the end: %v)", n, len(xml), ok)
			}
			rl, err := wmlog.ParseXML([]byte(xml))
			if err != nil {
				t.Fatalf("the remote log: %v", err)
			}
			if p, _ := rl.Get("protocol"); p != "Cache" {
				t.Errorf("the remote log's protocol %q, want Cache (a rendering log, MS-WMLOG 2.7.1)", p)
			}
			if i, j := indexOf(srv.Requests(), logs[0]), indexOf(srv.Requests(), ev); i > j {
				t.Errorf("the SendEvent (request %d) before the LogPlay (request %d)", j, i)
			}
		})
	}
}

// indexOf finds a recorded request by its CSeq.
func indexOf(rs []rtsptest.Request, r rtsptest.Request) int {
	for i, x := range rs {
		if x.Header.Get("CSeq") == r.Header.Get("CSeq") {
			return i
		}
	}
	return -1
}
