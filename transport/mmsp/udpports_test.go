package mmsp_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/internal/porttest"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
)

// funnelPort is the UDP port a ConnectFunnel names (\\addr\UDP\port,
// MS-MMSP 2.2.4.14), or -1 for a TCP funnel.
func funnelPort(t *testing.T, r mmsptest.Received) int {
	t.Helper()
	name := r.Message.(*mmsp.ConnectFunnel).FunnelName
	_, port, ok := strings.Cut(name, `\UDP\`)
	if !ok {
		return -1
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("funnel name %q", name)
	}
	return p
}

// TestUDPPorts: with Config.UDPPorts set, mmsu:// receives its data on
// the first free port of the range (the port its UDP funnel names, not
// any the system gives). With every port of the range taken, mmsu:// goes
// on over TCP (as Windows Media Player does), and with Dialer.UDPOnly (a
// rollover whose next step is MMST) it fails with ErrUDPBlocked and
// transport.ErrNoFreeUDPPort, naming the range.
func TestUDPPorts(t *testing.T) {
	srv := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	p, release := porttest.Hold(t, 3, false)
	release(1)
	r := transport.PortRange{First: uint16(p), Last: uint16(p + 2)}
	s := dial(t, &mmsp.Dialer{}, udpURL(srv)+"/c.wma", transport.Config{UDPPorts: r})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	cf := srv.ReceivedOf(mmsp.MIDConnectFunnel)
	if len(cf) != 1 || funnelPort(t, cf[0]) != int(r.First)+1 {
		t.Fatalf("funnels %+v, want one UDP funnel on port %d (the free one of %v)", cf, r.First+1, r)
	}
	s.Close()

	full := transport.PortRange{First: r.First, Last: r.First}
	before := len(cf)
	s = dial(t, &mmsp.Dialer{}, udpURL(srv)+"/c.wma", transport.Config{UDPPorts: full})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	cf = srv.ReceivedOf(mmsp.MIDConnectFunnel)[before:]
	if len(cf) != 1 || funnelPort(t, cf[0]) != -1 {
		t.Errorf("range %v taken: funnels %+v, want one TCP funnel", full, cf)
	}

	_, err := (&mmsp.Dialer{UDPOnly: true}).Dial(context.Background(), udpURL(srv)+"/c.wma", transport.Config{UDPPorts: full})
	if !errors.Is(err, mmsp.ErrUDPBlocked) || !errors.Is(err, transport.ErrNoFreeUDPPort) || !strings.Contains(err.Error(), full.String()) {
		t.Errorf("UDPOnly, range %v taken: %v", full, err)
	}
}
