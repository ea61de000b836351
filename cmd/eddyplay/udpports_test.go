package main

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
)

// TestUDPPortsFlag: --udp-ports takes "FIRST-LAST" or one port, strictly;
// anything else is a usage error before anything is opened.
func TestUDPPortsFlag(t *testing.T) {
	for _, c := range []struct {
		arg  string
		want transport.PortRange
	}{{"7000-7010", transport.PortRange{First: 7000, Last: 7010}}, {"7000", transport.PortRange{First: 7000, Last: 7000}}} {
		o, err := parseFlags([]string{"--udp-ports", c.arg, "x.wma"}, &strings.Builder{})
		if err != nil || o.udpPorts != c.want {
			t.Errorf("--udp-ports %s: %+v, %v; want %v", c.arg, o, err, c.want)
		}
	}
	for _, bad := range []string{"", "7010-7000", "0-10", "7000-70000", "7000-", "a-b", "7000,7001", " 7000"} {
		var e strings.Builder
		if _, err := parseFlags([]string{"--udp-ports", bad, "x.wma"}, &e); err == nil || !strings.Contains(e.String(), "usage") {
			t.Errorf("--udp-ports %q: %v, usage printed %v", bad, err, strings.Contains(e.String(), "usage"))
		}
	}
}

// TestUDPPortsReachTheTransport: mmsu:// played by eddyplay with
// --udp-ports receives its data on that port (the port of its UDP funnel,
// MS-MMSP 2.2.4.14).
func TestUDPPortsReachTheTransport(t *testing.T) {
	data, err := os.ReadFile(wmaFixture)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mmsptest.NewServer(mmsptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := mmsptest.File(data)
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/c.wma", c)
	// A port that was free a moment ago.
	u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := u.LocalAddr().(*net.UDPAddr).Port
	u.Close()
	url := strings.Replace(srv.URL, "mmst:", "mmsu:", 1) + "/c.wma"
	if _, stderr, err := eddyplay(t, "--udp-ports", strconv.Itoa(port), "--duration", "1s", "--out", t.TempDir()+"/a.wav", url); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	cf := srv.ReceivedOf(mmsp.MIDConnectFunnel)
	if len(cf) == 0 || !strings.HasSuffix(cf[0].Message.(*mmsp.ConnectFunnel).FunnelName, `\UDP\`+strconv.Itoa(port)) {
		t.Errorf("funnels %+v, want UDP on port %d", cf, port)
	}
}
