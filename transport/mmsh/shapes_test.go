package mmsh_test

import (
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// shape renders a recorded request as its lines, with the values that vary
// between runs (host, GUID, client-id, lengths) replaced by placeholders.
func shape(r *mmshtest.Request) []string {
	out := []string{r.Method + " " + r.Target + " " + r.Proto}
	for _, h := range r.Headers {
		out = append(out, h.Name+": "+h.Value)
	}
	re := []struct {
		re   *regexp.Regexp
		repl string
	}{
		{regexp.MustCompile(`127\.0\.0\.1:\d+|` + regexp.QuoteMeta(mmshtest.PipeAddr)), "HOST"},
		{regexp.MustCompile(`\{[0-9A-Fa-f-]{36}\}`), "GUID"},
		{regexp.MustCompile(`client-id=\d+`), "client-id=ID"},
		{regexp.MustCompile(`playlist-gen-id=\d+`), "playlist-gen-id=GEN"},
		{regexp.MustCompile(`Content-Length: [1-9]\d*`), "Content-Length: N"},
	}
	for i := range out {
		for _, x := range re {
			out[i] = x.re.ReplaceAllString(out[i], x.repl)
		}
	}
	return out
}

func checkShape(t *testing.T, what string, r *mmshtest.Request, want []string) {
	t.Helper()
	got := shape(r)
	if !slices.Equal(got, want) {
		t.Errorf("%s request:\n got:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestRequestShapes pins the exact requests of a non-pipelined session
// against the digest's D4 vectors (Describe 2.2.2.1, Play 2.2.2.6, Log
// 2.2.2.4, SelectStream 2.2.2.8, KeepAlive 2.2.2.3.1). It runs in a
// testing/synctest bubble, where the 55 s to the KeepAlive pass on the
// virtual clock.
func TestRequestShapes(t *testing.T) {
	noGC(t)
	c := fileContent(t, "mbr_20s.wma")
	synctest.Test(t, func(t *testing.T) { testRequestShapes(t, c) })
}

func testRequestShapes(t *testing.T, c *mmshtest.Content) {
	d := baseDialer()
	// Paced: the stream must still be running when the switch is made (a
	// short file sent as fast as it goes may have ended by then, and a
	// switch after the end sends nothing).
	// The server keeps every connection open until the client closes it,
	// so that the client's closes show.
	srv := pipeServer(t, mmshtest.Options{Pace: true, KeepSideConnections: true}, map[string]*mmshtest.Content{"/mbr.wma": c}, d)
	s := dial(t, d, srv.URL+"/mbr.wma", transport.Config{})
	play(t, s, []int{1})
	smp, err := s.ReadSample(ctxT(t))
	if err != nil || smp.Track != 1 {
		t.Fatalf("first sample %v %v", smp.Track, err)
	}
	if err := s.Select(ctxT(t), []int{2}); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	if n := len(srv.RequestsOf("SelectStream")); n != 1 {
		t.Fatalf("%d SelectStreams", n)
	}
	if err := s.Pause(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	if n := len(srv.RequestsOf("Log")); n != 1 {
		t.Fatalf("%d Logs", n)
	}
	// The KeepAlive timer runs while paused (3.1.6.1): timeout 60 s, sent
	// 5 s early.
	time.Sleep(55 * time.Second)
	synctest.Wait()
	if n := len(srv.RequestsOf("KeepAlive")); n != 1 {
		t.Fatalf("%d KeepAlives 55 s into the pause", n)
	}

	checkShape(t, "Describe", srv.RequestsOf("Describe")[0], []string{
		"GET /mbr.wma HTTP/1.1",
		"Accept: */*",
		"User-Agent: NSPlayer/12.0.7724.0",
		"Host: HOST",
		"X-Accept-Authentication: Negotiate, NTLM, Digest, Basic",
		"Pragma: no-cache,rate=1.000,stream-time=0,stream-offset=0:0,packet-num=4294967295,max-duration=0,request-context=1",
		"Supported: com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.startupprofile",
		"Pragma: xClientGUID=GUID",
		"Accept-Language: en-US, *;q=0.1",
		"Cache-Control: no-cache",
		"Connection: Close",
	})
	checkShape(t, "Play", srv.RequestsOf("Play")[0], []string{
		"GET /mbr.wma HTTP/1.1",
		"Accept: */*",
		"User-Agent: NSPlayer/12.0.7724.0",
		"Host: HOST",
		"X-Accept-Authentication: Negotiate, NTLM, Digest, Basic",
		"Pragma: no-cache,rate=1.000,stream-time=0,stream-offset=4294967295:4294967295,packet-num=4294967295,max-duration=0,request-context=2",
		"Pragma: xPlayStrm=1",
		"Pragma: client-id=ID",
		"Pragma: AccelBW=2147483647, AccelDuration=6200",
		"Supported: com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.startupprofile",
		"Pragma: playlist-gen-id=GEN",
		"Pragma: xClientGUID=GUID",
		"Pragma: stream-switch-count=2",
		"Pragma: stream-switch-entry=ffff:1:0 ffff:2:2",
		"Accept-Language: en-US, *;q=0.1",
		"Cache-Control: no-cache",
	})
	checkShape(t, "SelectStream", srv.RequestsOf("SelectStream")[0], []string{
		"POST /mbr.wma HTTP/1.1",
		"Accept: */*",
		"User-Agent: NSPlayer/12.0.7724.0",
		"Host: HOST",
		"X-Accept-Authentication: Negotiate, NTLM, Digest, Basic",
		"Pragma: no-cache",
		"Pragma: client-id=ID",
		"Pragma: xClientGUID=GUID",
		"Supported: com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.startupprofile",
		"Pragma: stream-switch-count=2",
		"Pragma: stream-switch-entry=ffff:1:2 ffff:2:0",
		"Accept-Language: en-US, *;q=0.1",
		"Cache-Control: no-cache",
		"Content-Length: 0",
		"Connection: Close",
	})
	checkShape(t, "Log", srv.RequestsOf("Log")[0], []string{
		"POST /mbr.wma HTTP/1.1",
		"Accept: */*",
		"User-Agent: NSPlayer/12.0.7724.0",
		"Host: HOST",
		"X-Accept-Authentication: Negotiate, NTLM, Digest, Basic",
		"Pragma: xClientGUID=GUID",
		"Pragma: no-cache",
		"Pragma: client-id=ID",
		"Content-Length: N",
		"Content-Type: application/x-wms-LogStats;charset=UTF-8",
		"Connection: Close",
	})
	checkShape(t, "KeepAlive", srv.RequestsOf("KeepAlive")[0], []string{
		"POST /mbr.wma HTTP/1.1",
		"Accept: */*",
		"User-Agent: NSPlayer/12.0.7724.0",
		"Host: HOST",
		"X-Accept-Authentication: Negotiate, NTLM, Digest, Basic",
		"Pragma: xClientGUID=GUID",
		"Pragma: no-cache",
		"Pragma: xKeepAliveInPause=1",
		"Pragma: client-id=ID",
		"Content-Length: 0",
		"Connection: Close",
	})
	checkSessionInvariants(t, srv.Requests())
	synctest.Wait()
	checkConnections(t, srv)
}

// noGC turns the garbage collector off for the test: a connection the
// client forgets to close would otherwise be closed by the collector's
// finalizer, some seconds later, and look closed by the client.
func noGC(t *testing.T) {
	old := debug.SetGCPercent(-1)
	t.Cleanup(func() { debug.SetGCPercent(old) })
}

// checkConnections checks a non-pipelined session's use of connections:
// the Describe's is closed by the client before the Play goes out on
// another (3.1.4.3, checklist 40); the Play connection is closed by the
// client to stop streaming (3.1.4.6, checklist 63); every SelectStream,
// Log and KeepAlive goes on a new connection of its own (3.1.4.4, 3.1.4.6,
// 3.1.6.1) that the client closes after the answer (3.1.5.15–3.1.5.17,
// checklist 111). The server must have kept its side open
// (KeepSideConnections) for the closes to be the client's, and the test
// must run without the garbage collector (noGC).
func checkConnections(t *testing.T, srv *mmshtest.Server) {
	t.Helper()
	desc, play := srv.RequestsOf("Describe")[0], srv.RequestsOf("Play")[0]
	if desc.Conn == play.Conn {
		t.Errorf("Describe and Play on one connection (%d)", play.Conn)
	}
	used := map[int]string{desc.Conn: "Describe", play.Conn: "Play"}
	for _, r := range srv.Requests() {
		if r.Kind == "Describe" || r.Kind == "Play" {
			continue
		}
		if k, ok := used[r.Conn]; ok {
			t.Errorf("%s on connection %d, already used by the %s", r.Kind, r.Conn, k)
		}
		used[r.Conn] = r.Kind
	}
	for n, kind := range used {
		waitFor(t, "the client to close the "+kind+" connection", func() bool { return srv.ClosedByClient(n) })
	}
}

// checkSessionInvariants checks rules that hold for every request of a
// session: one xClientGUID (3.1.5.1 item 78), the server's client-id on
// every request after the Describe (item 79), an NSPlayer User-Agent
// (item 74), the HTTP/1.1-only tokens only in HTTP/1.1 requests,
// increasing request-context.
func checkSessionInvariants(t *testing.T, reqs []*mmshtest.Request) {
	t.Helper()
	var guid string
	ctx := 0
	for i, r := range reqs {
		if g, ok := r.Token("xClientGUID"); ok {
			if guid == "" {
				guid = g
			} else if g != guid {
				t.Errorf("request %d (%s): xClientGUID %s, earlier %s", i, r.Kind, g, guid)
			}
		} else if r.Kind != "KeepAlive" || r.Method != "OPTIONS" {
			t.Errorf("request %d (%s) without xClientGUID", i, r.Kind)
		}
		if i > 0 && !r.Pragma.Has("client-id") {
			t.Errorf("request %d (%s) without client-id", i, r.Kind)
		}
		if !strings.HasPrefix(r.Get("User-Agent"), "NSPlayer/") {
			t.Errorf("request %d (%s): User-Agent %q", i, r.Kind, r.Get("User-Agent"))
		}
		// Tokens defined for HTTP/1.1 only (2.2.2; checklist 5, 16).
		for _, tok := range []string{"pipeline-experiment", "pipeline-request", "version11-enabled"} {
			if r.Pragma.Has(tok) && r.Proto != "HTTP/1.1" {
				t.Errorf("request %d (%s): %s in an %s request", i, r.Kind, tok, r.Proto)
			}
		}
		if v, ok := r.Token("request-context"); ok {
			n, _ := strconv.Atoi(v)
			if n <= ctx {
				t.Errorf("request %d (%s): request-context %d after %d", i, r.Kind, n, ctx)
			}
			ctx = n
		}
	}
}
