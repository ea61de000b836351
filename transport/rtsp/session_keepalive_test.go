package rtsp_test

import (
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestKeepAlive: with the Session timeout at its 10 s minimum (3.1.2),
// a session paused over TCP (the PLAY answer stopped the timer,
// 3.1.5.10; the PAUSE restarts it, digest §9 item 24) sends KeepAlive
// before the server's timeout: GET_PARAMETER on the aggregate URL with
// Session, no Content-Type and no body (2.2.7.5, 8.5).
//
// Time is real here: testing/synctest fakes timers only while every
// goroutine of the bubble is durably blocked, and the session's readers
// block on sockets, which are not; so the test waits the 5 s the client
// takes, in parallel with the others, for the KeepAlive on the wire.
func TestKeepAlive(t *testing.T) {
	t.Parallel()
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")},
		SessionTimeout: 10, Speed: 1, Sleep: newGate(5).sleep})
	w := &wire{}
	s := dial(t, w.dialer(&rtsp.Dialer{}), withScheme(srv.URL(), "rtspt"), transport.Config{})
	selectAll(t, s)
	ctx := testCtx(t)
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	paused := time.Now()
	line := "GET_PARAMETER " + srv.URL() + " RTSP/1.0\r\n" // TcpPacketPair's too
	wait(t, w.after(line, strings.Count(w.text(), line)+1), "a KeepAlive")
	if d := time.Since(paused); d >= 10*time.Second {
		t.Errorf("KeepAlive %v after the PAUSE, the session times out at 10 s", d)
	}
	s.Close() // the TEARDOWN answer: the server has read the KeepAlive
	var ka []rtsptest.Request
	for _, r := range srv.RequestsOf("GET_PARAMETER") {
		if !r.Header.Has("Content-Type") {
			ka = append(ka, r)
		}
	}
	if len(ka) != 1 {
		t.Fatalf("%d KeepAlives", len(ka))
	}
	checkLines(t, "KeepAlive", ka[0], with(sessionLine), "Content-Type", "Content-Length")
	if len(ka[0].Body) != 0 || ka[0].URL != srv.URL() {
		t.Errorf("KeepAlive %s with %d bytes of body", ka[0].URL, len(ka[0].Body))
	}
	if !strings.Contains(w.text(), "PAUSE ") {
		t.Error("no PAUSE")
	}
}
