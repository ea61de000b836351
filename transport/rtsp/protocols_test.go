package rtsp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestProtocolChoices: with UDP off (transport.Config.NoUDP) rtsp://
// sets up its streams over TCP at once, no UDP tried; rtspu:// is
// refused, as rtspt:// is with TCP off, each with ErrProtocolOff before
// anything reaches the server.
func TestProtocolChoices(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}})
	s := dial(t, &rtsp.Dialer{}, srv.URL(), transport.Config{NoUDP: true})
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.RequestsOf("SETUP") {
		if tr := r.Header.Get("Transport"); !strings.Contains(tr, "RTP/AVP/TCP") {
			t.Errorf("UDP off: SETUP %s with Transport %q", r.URL, tr)
		}
	}
	// The first session's last requests (its TEARDOWN) are in before
	// anything is counted.
	s.Close()
	before := len(srv.Requests())
	for _, c := range []struct {
		scheme string
		cfg    transport.Config
	}{{"rtspu", transport.Config{NoUDP: true}}, {"rtspt", transport.Config{NoTCP: true}}, {"rtsp", transport.Config{NoUDP: true, NoTCP: true}}} {
		if _, err := (&rtsp.Dialer{}).Dial(context.Background(), withScheme(srv.URL(), c.scheme), c.cfg); !errors.Is(err, transport.ErrProtocolOff) {
			t.Errorf("%s with %+v: %v", c.scheme, c.cfg, err)
		}
	}
	if n := len(srv.Requests()); n != before {
		t.Errorf("%d requests reached the server for refused protocols", n-before)
	}
}
