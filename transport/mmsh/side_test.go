package mmsh_test

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/hostile"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// sideTimeout is the Config.Timeout of the side-request tests.
const sideTimeout = 500 * time.Millisecond

// TestSideRequestTimeout: a Log or KeepAlive ([MS-WMSP] 2.2.2.3.1,
// 2.2.2.4; non-pipelined, on a connection of its own) that gets no answer,
// or whose answer stops after its header, fails after Config.Timeout with
// an error that says what arrived (nothing, or only N bytes) and wraps
// ErrTimeout and the deadline's error. It is not fatal: the failure is
// counted (Counters.SideFailures, LastSideError), the session plays again,
// and Close does not wait for the stalled answer longer than the timeout.
// Each case runs in a testing/synctest bubble, the hostile server on
// in-memory pipes: the KeepAlive's 55 s and the timeout pass on the
// virtual clock, and the failure comes exactly when the timeout has run
// out since the server took the request.
func TestSideRequestTimeout(t *testing.T) {
	_, file := fixture(t, "c_wmav2.wma")
	m, err := hostile.NewMedia(file)
	if err != nil {
		t.Fatal(err)
	}
	const head = "HTTP/1.1 200 OK\r\nServer: Cougar/9.01.01.3814\r\nContent-Length: 100\r\n\r\n"
	for _, tc := range []sideCase{
		{"Log gets no answer", false, "", `^mmsh: Log http://ADDR/a\.wma: no data from ADDR for 500ms: mmsh: timed out: `},
		{"KeepAlive gets no answer", true, "", `^mmsh: KeepAlive http://ADDR/a\.wma: no data from ADDR for 500ms: mmsh: timed out: `},
		{"Log answer stalls after its header", false, head + "0123456789",
			`^mmsh: Log http://ADDR/a\.wma: ADDR answered 200 OK, then: only \d+ bytes from ADDR in 500ms, no complete response: mmsh: timed out: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { testSideRequestTimeout(t, m, tc) })
		})
	}
}

type sideCase struct {
	name string
	// keepAlive stalls the KeepAlive (fired 55 s into the pause after
	// the end) instead of the Log sent at the $E.
	keepAlive bool
	// sent is what the server sends of its answer before it stalls.
	sent string
	want string
}

func testSideRequestTimeout(t *testing.T, m *hostile.Media, tc sideCase) {
	stalled := make(chan time.Time, 1)
	w := &hostile.WMSP{Media: m}
	w.OnOther = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		_, ka := r.Pragma("xKeepAliveInPause")
		if ka != tc.keepAlive {
			resp.Write(c)
			return
		}
		c.WriteString(tc.sent)
		select {
		case stalled <- time.Now():
		default:
		}
		c.Stall()
	}
	ln := mmshtest.NewPipeListener()
	srv := hostile.Serve(ln, w.Handle)
	t.Cleanup(srv.Close)
	d := baseDialer()
	d.DialContext = ln.DialContext
	s, err := d.Dial(ctxT(t), srv.URL("mmsh", "/a.wma"), transport.Config{Timeout: sideTimeout})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			closeWithin(t, s, 5*time.Second)
		}
	})
	play(t, s, nil)
	first, err := readAll(t, s)
	if err != nil || len(first) == 0 {
		t.Fatalf("%d samples: %v", len(first), err)
	}
	synctest.Wait()
	if tc.keepAlive {
		// The $E's Log went through; the KeepAlive timer runs
		// (timeout=60000: every 55 s).
		time.Sleep(55 * time.Second)
		synctest.Wait()
	}
	var at time.Time
	select {
	case at = <-stalled:
	default:
		t.Fatal("the request to stall never came")
	}
	counters := func() mmsh.Counters {
		synctest.Wait()
		c, _ := mmsh.SessionCounters(s)
		return c
	}
	time.Sleep(sideTimeout - time.Millisecond)
	if c := counters(); c.SideFailures != 0 {
		t.Fatalf("side request failed %v after the server took it, before the %v timeout: %v", time.Since(at), sideTimeout, c.LastSideError)
	}
	time.Sleep(time.Millisecond)
	c := counters()
	rx := regexp.MustCompile(strings.ReplaceAll(tc.want, "ADDR", regexp.QuoteMeta(srv.Addr)))
	if err := c.LastSideError; c.SideFailures != 1 || !errors.Is(err, mmsh.ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) || !rx.MatchString(err.Error()) {
		t.Fatalf("%d side failures %v after the server took the request, the last %v; want one matching %s", c.SideFailures, time.Since(at), err, rx)
	}
	// Not fatal: the session plays the file again.
	play(t, s, nil)
	again, err := readAll(t, s)
	if err != nil || len(again) != len(first) {
		t.Fatalf("played again: %d samples of %d, %v", len(again), len(first), err)
	}
	closed = true
	closeWithin(t, s, sideTimeout+time.Millisecond)
}

// closeWithin closes s and fails the test when that takes longer than d
// (the Close is then left running).
func closeWithin(t *testing.T, s transport.Session, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		s.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Errorf("Close still running after %v", d)
	}
}
