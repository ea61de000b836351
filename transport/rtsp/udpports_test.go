package rtsp_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/internal/porttest"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestUDPPortsRange: with Config.UDPPorts set, rtspu:// receives the RTP
// and RTCP of every stream, the retransmission stream's too, on an even
// port of the range and the next (the SETUPs' client_port).
func TestUDPPortsRange(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}, RTX: true})
	p, release := porttest.Hold(t, 4, true)
	for i := range 4 {
		release(i)
	}
	r := transport.PortRange{First: uint16(p), Last: uint16(p + 3)}
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspu"), transport.Config{UDPPorts: r})
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	setups := srv.RequestsOf("SETUP")
	if len(setups) < 2 {
		t.Fatalf("%d SETUPs, want the retransmission stream's and the audio's", len(setups))
	}
	for _, q := range setups {
		tr := q.Header.Get("Transport")
		_, ports, ok := strings.Cut(tr, "client_port=")
		ports, _, _ = strings.Cut(ports, ";")
		a, b, ok2 := strings.Cut(ports, "-")
		pa, err1 := strconv.Atoi(a)
		pb, err2 := strconv.Atoi(b)
		if !ok || !ok2 || err1 != nil || err2 != nil || pa%2 != 0 || pb != pa+1 || pa < int(r.First) || pb > int(r.Last) {
			t.Errorf("SETUP %s: Transport %q, want client_port an even port and the next within %v", q.URL, tr, r)
		}
	}
}

// TestUDPPortsTaken: with every port of the range taken, rtspu:// fails
// with ErrNoFreeUDPPort naming the range; rtsp:// (the mms:// rollover's
// RTSP step) goes on over TCP.
func TestUDPPortsTaken(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}, RTX: true})
	p, _ := porttest.Hold(t, 2, true)
	r := transport.PortRange{First: uint16(p), Last: uint16(p + 1)}
	cfg := transport.Config{UDPPorts: r}
	err := func() error {
		s, err := (&rtsp.Dialer{}).Dial(testCtx(t), withScheme(srv.URL(), "rtspu"), cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		selectAll(t, s)
		return s.Play(testCtx(t), 0)
	}()
	if !errors.Is(err, transport.ErrNoFreeUDPPort) || !strings.Contains(err.Error(), r.String()) {
		t.Fatalf("rtspu:// with %v taken: %v, want ErrNoFreeUDPPort naming the range", r, err)
	}
	before := len(srv.RequestsOf("SETUP"))
	s := dial(t, &rtsp.Dialer{}, srv.URL(), cfg)
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	setups := srv.RequestsOf("SETUP")[before:]
	if len(setups) == 0 {
		t.Fatal("no SETUP")
	}
	for _, q := range setups {
		if tr := q.Header.Get("Transport"); !strings.Contains(tr, "RTP/AVP/TCP") {
			t.Errorf("rtsp:// with %v taken: SETUP %s with Transport %q, want TCP", r, q.URL, tr)
		}
	}
}
