package rtsp_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestUDPBlocked: the client's UDP ports are on 127.0.0.1 while the
// server sends to 127.0.0.2 (the address it sees), so no datagram
// arrives, as behind a firewall. When the Firewall time (1 s here)
// passes with nothing, rtsp:// goes over to TCP and plays the whole
// file (3.1.6.1: the higher layer's fallback), and rtspu:// fails with
// ErrUDPBlocked; with the rtx stream the packet-pair probe decides
// during Dial (3.1.5.6), without it the PLAY's wait does.
func TestUDPBlocked(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	want := reference(t, file)
	for _, rtx := range []bool{true, false} {
		name := "probe"
		if !rtx {
			name = "play"
		}
		if !rtx {
			// With the rtx stream, see TestUDPBlockedProbeFallback.
			t.Run(name+"/rtsp", func(t *testing.T) { playAfterFallback(t, file, want, rtx) })
		}
		t.Run(name+"/rtspu", func(t *testing.T) {
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, RTX: rtx, Speed: 1, Sleep: newGate(0).sleep})
			w := &wire{local: "127.0.0.2"}
			d := w.dialer(&rtsp.Dialer{FirewallTimeout: time.Second})
			start := time.Now()
			s, err := d.Dial(testCtx(t), withScheme(srv.URL(), "rtspu"), transport.Config{Timeout: 10 * time.Second})
			if err == nil {
				defer s.Close()
				selectAll(t, s)
				if err = s.Play(testCtx(t), 0); err == nil {
					_, err = readAll(t, s)
				}
			}
			if !errors.Is(err, rtsp.ErrUDPBlocked) {
				t.Fatalf("%v, want ErrUDPBlocked", err)
			}
			if el := time.Since(start); el < time.Second || el > 6*time.Second {
				t.Errorf("UDP declared blocked after %v, Firewall time 1 s", el)
			}
		})
	}
}

// playAfterFallback plays rtsp:// with UDP blocked (TestUDPBlocked): the
// whole file must come over TCP.
func playAfterFallback(t *testing.T, file []byte, want []sampleKey, rtx bool) {
	// The server holds the stream after its first packet (so
	// that no EndOfStream comes before the Firewall time) until
	// the client sets up over TCP.
	g := newGate(0)
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, RTX: rtx, Speed: 1, Sleep: g.sleep})
	w := &wire{local: "127.0.0.2"}
	d := w.dialer(&rtsp.Dialer{FirewallTimeout: time.Second})
	s := dial(t, d, srv.URL(), transport.Config{})
	overTCP := w.after("RTP/AVP/TCP", 1)
	go func() {
		select {
		case <-overTCP:
			g.add(1 << 30)
		case <-testCtx(t).Done():
		}
	}()
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, s)
	if err != nil {
		t.Fatalf("after %d samples: %v", len(got), err)
	}
	sameSamples(t, got, want)
	var tcp bool
	for _, r := range srv.RequestsOf("SETUP") {
		if strings.Contains(r.Header.Get("Transport"), "RTP/AVP/TCP") {
			tcp = true
		}
	}
	if !tcp {
		t.Error("no SETUP over TCP after UDP was blocked")
	}
}
