package rtsp_test

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// subsequence fails unless every sample of got is one of want's, in
// want's order within its track (over UDP each stream is its own RTP
// session, so the tracks interleave differently): nothing that is not
// the file's was played.
func subsequence(t *testing.T, got, want []sampleKey) {
	t.Helper()
	next := map[int]int{} // track → index in want to search from
	for i, g := range got {
		j := next[g.Track]
		for j < len(want) && want[j] != g {
			j++
		}
		if j == len(want) {
			t.Fatalf("sample %d (track %d at %v) is not the file's, or out of order", i, g.Track, g.PTS)
		}
		next[g.Track] = j + 1
	}
}

// TestAuthentication: a 401 to DESCRIBE without credentials ends Dial
// with an AuthRequiredError naming the scheme and realm (3.1.5.4, the
// player's login prompt); with credentials the DESCRIBE is sent again
// with Authorization on the same connection (3.2.5.4 keeps it open) and
// the session opens; wrong credentials are Rejected.
func TestAuthentication(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")},
		Auth: &rtsptest.Auth{User: "Aladdin", Password: "open sesame", Realm: "wms"}})
	_, err := (&rtsp.Dialer{}).Dial(testCtx(t), srv.URL(), transport.Config{Timeout: 5 * time.Second})
	var ae *transport.AuthRequiredError
	if !errors.As(err, &ae) || !errors.Is(err, transport.ErrAuthRequired) || ae.Rejected || ae.Realm != "wms" ||
		len(ae.Schemes) != 1 || !strings.EqualFold(ae.Schemes[0], "Basic") {
		t.Fatalf("Dial without credentials: %v (%+v), want an AuthRequiredError for Basic realm wms", err, ae)
	}
	_, err = (&rtsp.Dialer{}).Dial(testCtx(t), srv.URL(), transport.Config{Timeout: 5 * time.Second,
		Credentials: &transport.Credentials{User: "Aladdin", Password: "wrong"}})
	if !errors.As(err, &ae) || !ae.Rejected {
		t.Fatalf("Dial with wrong credentials: %v, want a rejected AuthRequiredError", err)
	}
	w := &wire{}
	s := dial(t, w.dialer(&rtsp.Dialer{}), srv.URL(), transport.Config{
		Credentials: &transport.Credentials{User: "Aladdin", Password: "open sesame"}})
	if len(s.Info().Tracks) == 0 {
		t.Fatal("no tracks")
	}
	// RFC 7617's example credentials.
	if !strings.Contains(w.text(), "\r\nAuthorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n") {
		t.Errorf("no Basic credentials on the wire:\n%s", w.text())
	}
	if n := strings.Count(w.text(), "DESCRIBE "); n != 2 {
		t.Errorf("%d DESCRIBEs on the connection, want 2 (the 401, then the answer)", n)
	}
}

// TestRedirects: 302 to DESCRIBE is followed on a new connection to the
// Location (3.1.5.4); a loop ends with an error after a bounded number
// of DESCRIBEs.
func TestRedirects(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}})
	base := "rtsp://" + srv.Addr()
	loop := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")},
		Redirects: map[string]rtsptest.Redirect{
			"/moved.wma": {Status: 302, Location: srv.URL()},
			"/a":         {Status: 302, Location: "/b"},
			"/b":         {Status: 302, Location: "/a"},
		}})
	s := dial(t, &rtsp.Dialer{}, "rtsp://"+loop.Addr()+"/moved.wma", transport.Config{})
	if got := s.Info().URL; got != srv.URL() {
		t.Errorf("Info().URL %q, want the Location %q", got, srv.URL())
	}
	if n := len(srv.RequestsOf("DESCRIBE")); n != 1 {
		t.Errorf("%d DESCRIBEs at the Location, want 1", n)
	}
	start := time.Now()
	_, err := (&rtsp.Dialer{}).Dial(testCtx(t), "rtsp://"+loop.Addr()+"/a", transport.Config{Timeout: 5 * time.Second})
	if err == nil {
		t.Fatal("a redirect loop opened a session")
	}
	if n := len(loop.RequestsOf("DESCRIBE")); n > 10 {
		t.Errorf("%d DESCRIBEs for a redirect loop", n)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("the loop took %v to fail", d)
	}
	_ = base
}

// TestStatusErrors: a failed Describe, SelectStream or Play is an error
// with its status (3.1.5.2: MUST be reported).
func TestStatusErrors(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	var se *rtsp.StatusError
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, Faults: rtsptest.Faults{DescribeStatus: 404}})
	if _, err := (&rtsp.Dialer{}).Dial(testCtx(t), srv.URL(), transport.Config{}); !errors.As(err, &se) || se.Code != 404 {
		t.Errorf("DESCRIBE 404: %v", err)
	}
	for _, c := range []struct {
		name string
		f    rtsptest.Faults
		code int
	}{
		{"SETUP", rtsptest.Faults{SetupStatus: 503}, 503},
		{"UDP refused", rtsptest.Faults{RefuseUDP: true}, 461},
		{"PLAY", rtsptest.Faults{PlayStatus: 500}, 500},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, Faults: c.f})
			s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspu"), transport.Config{})
			selectAll(t, s)
			if err := s.Play(testCtx(t), 0); !errors.As(err, &se) || se.Code != c.code {
				t.Errorf("Play: %v, want status %d", err, c.code)
			}
		})
	}
}

// TestUnanswered: a server that accepts and never answers ends Dial
// with ErrTimeout after Config.Timeout; so does a DESCRIBE answer whose
// Content-Length promises more than comes.
func TestUnanswered(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(io.Discard, c) // read, never answer, until the client closes
		c.Close()
	}()
	for _, c := range []struct {
		name, url string
	}{
		{"silent", "rtsp://" + ln.Addr().String() + "/x.wmv"},
		{"short body", rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")},
			Faults: rtsptest.Faults{DescribeLengthDelta: 100}}).URL()},
	} {
		start := time.Now()
		_, err := (&rtsp.Dialer{}).Dial(testCtx(t), c.url, transport.Config{Timeout: time.Second})
		if !errors.Is(err, rtsp.ErrTimeout) || !strings.Contains(err.Error(), "DESCRIBE") {
			t.Errorf("%s: %v, want ErrTimeout naming the DESCRIBE", c.name, err)
		}
		if d := time.Since(start); d < time.Second || d > 5*time.Second {
			t.Errorf("%s: failed after %v, want about the 1 s timeout", c.name, d)
		}
	}
	ln.Close()
	<-done
}

// TestDescribeLengthShort: a Content-Length shorter than the SDP leaves
// junk after the message: an error or a session, never a hang or panic.
func TestDescribeLengthShort(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")},
		Faults: rtsptest.Faults{DescribeLengthDelta: -40}})
	s, err := (&rtsp.Dialer{}).Dial(testCtx(t), srv.URL(), transport.Config{Timeout: 2 * time.Second})
	if err == nil {
		s.Close()
		return
	}
	if strings.Contains(err.Error(), "panic") {
		t.Fatal(err)
	}
}

// TestMidStreamFaults: a stall ends the stream with ErrTimeout within
// the timeout (3.1: report, stop); a connection the server closes is an
// error, not an end (3.1.7.1); garbage between interleaved frames, a
// frame on a channel nobody set up and a junk datagram are survived:
// every sample played is the file's (all of them over TCP).
func TestMidStreamFaults(t *testing.T) {
	file := fixture(t, "d_wmv2_wmav2.wmv")
	want := reference(t, file)
	for _, c := range []struct {
		name    string
		scheme  string
		f       rtsptest.Faults
		wantErr error // nil: plays to io.EOF
	}{
		{"stall tcp", "rtspt", rtsptest.Faults{StallAfter: 30}, rtsp.ErrTimeout},
		{"stall udp", "rtspu", rtsptest.Faults{StallAfter: 30}, rtsp.ErrTimeout},
		{"closed", "rtspt", rtsptest.Faults{CloseAfter: 30}, errAny},
		{"garbage tcp", "rtspt", rtsptest.Faults{GarbageAfter: 30}, nil},
		{"garbage udp", "rtspu", rtsptest.Faults{GarbageAfter: 30}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, Speed: 8, Faults: c.f})
			// The stalls are timed with 1 s; the other faults get 5 s so
			// that a loaded machine cannot pass for a stall.
			timeout := 5 * time.Second
			if c.wantErr == rtsp.ErrTimeout {
				timeout = time.Second
			}
			s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), c.scheme), transport.Config{Timeout: timeout})
			selectAll(t, s)
			if err := s.Play(testCtx(t), 0); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			got, err := readAll(t, s)
			switch {
			case c.wantErr == nil && err != nil:
				t.Fatalf("after %d samples: %v", len(got), err)
			case c.wantErr == errAny && err == nil:
				t.Fatalf("a closed connection ended as a normal end after %d samples", len(got))
			case c.wantErr != nil && c.wantErr != errAny && !errors.Is(err, c.wantErr):
				t.Fatalf("after %d samples: %v, want %v", len(got), err, c.wantErr)
			}
			if c.wantErr == rtsp.ErrTimeout {
				if d := time.Since(start); d > 6*time.Second {
					t.Errorf("the stall was reported after %v (timeout 1 s)", d)
				}
			}
			subsequence(t, got, want)
			if c.name == "garbage tcp" {
				sameSamples(t, got, want)
			}
		})
	}
}

var errAny = errors.New("any error")
