package rtsp_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestUseProxy follows a 305 Use Proxy to DESCRIBE (MS-RTSP 3.1.5.4):
// the Location names a proxy, the DESCRIBE goes to it on a new
// connection with the URL unchanged, and the session goes on there (the
// proxy here is a second fake server serving the same path); a 302 from
// the proxy sends it to the new server directly. A proxy that
// answers 305 again is followed no further than any redirect, and a 305
// naming something that is not an RTSP proxy ends the open with an error
// that says so, not with a redirect to open that URL as content.
func TestUseProxy(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	proxy := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}})
	for _, loc := range []string{"rtsp://" + proxy.Addr() + "/", proxy.Addr()} {
		origin := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file},
			Redirects: map[string]rtsptest.Redirect{"/content.wmv": {Status: 305, Location: loc}}})
		before := len(proxy.Requests())
		s := dial(t, &rtsp.Dialer{}, withScheme(origin.URL(), "rtspt"), transport.Config{})
		if got := s.Info().URL; got != origin.URL() {
			t.Errorf("Location %q: Info().URL %q, want the URL asked for, %q", loc, got, origin.URL())
		}
		selectAll(t, s)
		if err := s.Play(testCtx(t), 0); err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, s)
		if err != nil || len(got) == 0 {
			t.Fatalf("Location %q: %d samples through the proxy: %v", loc, len(got), err)
		}
		s.Close()
		if m := methodsOf(origin.Requests()); m != "DESCRIBE" {
			t.Errorf("Location %q: the origin got %s, want one DESCRIBE", loc, m)
		}
		reqs := proxy.Requests()[before:]
		if len(reqs) == 0 || reqs[0].Method != "DESCRIBE" || reqs[0].URL != origin.URL() {
			t.Fatalf("Location %q: the proxy's first request %+v, want DESCRIBE %s", loc, reqs[:min(1, len(reqs))], origin.URL())
		}
		if m := methodsOf(reqs); !strings.Contains(m, " SETUP ") || !strings.Contains(m, " PLAY ") || !strings.HasSuffix(m, " TEARDOWN") {
			t.Errorf("Location %q: the proxy got %s, want the whole session", loc, m)
		}
	}

	// A proxy that answers 302: the new server is asked directly, not
	// through the proxy named for the old one.
	final := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}})
	moving := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file},
		Redirects: map[string]rtsptest.Redirect{"/content.wmv": {Status: 302, Location: final.URL()}}})
	origin := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file},
		Redirects: map[string]rtsptest.Redirect{"/content.wmv": {Status: 305, Location: moving.Addr()}}})
	s := dial(t, &rtsp.Dialer{}, withScheme(origin.URL(), "rtspt"), transport.Config{})
	if got := s.Info().URL; got != final.URL() {
		t.Errorf("305 then 302: Info().URL %q, want the 302's Location %q", got, final.URL())
	}
	if m := methodsOf(moving.Requests()); m != "DESCRIBE" {
		t.Errorf("305 then 302: the proxy got %s, want one DESCRIBE", m)
	}
	if r := final.RequestsOf("DESCRIBE"); len(r) != 1 || r[0].URL != final.URL() {
		t.Errorf("305 then 302: the new server's DESCRIBEs %+v, want one of %s", r, final.URL())
	}
	s.Close()

	// A proxy that sends the client to itself: each DESCRIBE answered
	// 305 naming its own address, the connection closed (3.2.5.4).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var describes atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(c)
			cseq := ""
			for {
				line, err := br.ReadString('\n')
				if err != nil || line == "\r\n" {
					break
				}
				if v, ok := strings.CutPrefix(line, "CSeq: "); ok {
					cseq = strings.TrimSpace(v)
				}
				if strings.HasPrefix(line, "DESCRIBE ") {
					describes.Add(1)
				}
			}
			io.WriteString(c, "RTSP/1.0 305 Use Proxy\r\nCSeq: "+cseq+"\r\nLocation: rtsp://"+ln.Addr().String()+"/\r\n\r\n")
			c.Close()
		}
	}()
	_, err = (&rtsp.Dialer{}).Dial(testCtx(t), "rtsp://"+ln.Addr().String()+"/content.wmv", transport.Config{Timeout: 5 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("a proxy naming itself: %v, want the redirect bound's error", err)
	}
	if n := describes.Load(); n != 6 {
		t.Errorf("%d DESCRIBEs to a proxy naming itself, want the first and 5 more (the redirect bound)", n)
	}

	for _, loc := range []string{"http://proxy.example:8080/", "rtsp:///"} {
		bad := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file},
			Redirects: map[string]rtsptest.Redirect{"/content.wmv": {Status: 305, Location: loc}}})
		_, err := (&rtsp.Dialer{}).Dial(testCtx(t), bad.URL(), transport.Config{Timeout: 5 * time.Second})
		var re *transport.RedirectError
		if err == nil || errors.As(err, &re) || !strings.Contains(err.Error(), "305") {
			t.Errorf("305 to %q: %v, want an error naming the 305, not a redirect", loc, err)
		}
	}
}

// methodsOf lists the methods of recorded requests.
func methodsOf(rs []rtsptest.Request) string {
	var m []string
	for _, r := range rs {
		m = append(m, r.Method)
	}
	return strings.Join(m, " ")
}
