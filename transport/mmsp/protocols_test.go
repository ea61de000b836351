package mmsp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
)

// TestProtocolChoices: the user's protocol switches (transport.Config
// NoUDP, NoTCP): with UDP off, mmsu:// plays over TCP from the first
// funnel; with TCP off, mmst:// is refused with ErrProtocolOff and a
// server refusing UDP is not fallen back from; with both off nothing is
// tried.
func TestProtocolChoices(t *testing.T) {
	srv := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	udpURL := strings.Replace(srv.URL, "mmst:", "mmsu:", 1) + "/c.wma"
	s := dial(t, &mmsp.Dialer{}, udpURL, transport.Config{NoUDP: true})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	cf := srv.ReceivedOf(mmsp.MIDConnectFunnel)
	if len(cf) != 1 || !strings.Contains(cf[0].Message.(*mmsp.ConnectFunnel).FunnelName, `\TCP\`) {
		t.Errorf("UDP off: funnels %+v, want one TCP funnel", cf)
	}
	if _, err := (&mmsp.Dialer{}).Dial(context.Background(), srv.URL+"/c.wma", transport.Config{NoTCP: true}); !errors.Is(err, transport.ErrProtocolOff) {
		t.Errorf("TCP off, mmst://: %v", err)
	}
	refusing := server(t, mmsptest.Options{RefuseUDP: true}, "/c.wma", content(t, "c_wmav2.wma"))
	if _, err := (&mmsp.Dialer{}).Dial(context.Background(), strings.Replace(refusing.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{NoTCP: true}); !errors.Is(err, mmsp.ErrUDPBlocked) {
		t.Errorf("TCP off, UDP refused: %v, want no fall back to TCP", err)
	}
	before := len(srv.Received())
	if _, err := (&mmsp.Dialer{}).Dial(context.Background(), udpURL, transport.Config{NoTCP: true, NoUDP: true}); !errors.Is(err, transport.ErrProtocolOff) {
		t.Errorf("both off: %v", err)
	}
	if n := len(srv.Received()); n != before {
		t.Errorf("both off: %d messages reached the server", n-before)
	}
}
