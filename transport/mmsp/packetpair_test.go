package mmsp_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
)

// pairGap spaces the fake server's packet pair as a slow link would; the
// estimate must then be at most the second packet's bits over a tenth of
// it (a reader that took the first packet late shortens the gap it
// measures; nine tenths of it is a margin no scheduler reaches).
const pairGap = 50 * time.Millisecond

func pairBound(size int) int64 { return int64(size) * 8 * int64(time.Second) / int64(pairGap/10) }

// TestPacketPairTCP: mmst:// asks for packet pairs (Connect 0xF0F0F0F0,
// FunnelInfo MMS_PACKET_PAIR_TCP_HIGH_ENTROPY, 4.4.2), times the first two
// of the three ReportFunnelInfo (3.1.5.4) and reports the estimate as
// Stats().BandwidthBps before anything plays (what the player's automatic
// stream choice reads) and as Counters().PacketPairBps.
func TestPacketPairTCP(t *testing.T) {
	srv := server(t, mmsptest.Options{PairGap: pairGap}, "/c.wma", content(t, "c_wmav2.wma"))
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{})
	bps := counters(s).PacketPairBps
	if bps <= 0 || bps > pairBound(512) {
		t.Fatalf("packet-pair estimate %d bit/s, want 0 < it ≤ %d (512 bytes %v apart)", bps, pairBound(512), pairGap)
	}
	if st := s.Stats(); st.BandwidthBps != bps {
		t.Errorf("Stats().BandwidthBps %d, want the estimate %d", st.BandwidthBps, bps)
	}
	rs := srv.Received()
	if c := rs[0].Message.(*mmsp.Connect); c.PlayIncarnation != mmsp.PacketPairUse {
		t.Errorf("Connect %+v", c)
	}
	if fi := rs[1].Message.(*mmsp.FunnelInfo); fi.PlayIncarnation != mmsp.PacketPairTCP {
		t.Errorf("FunnelInfo %+v", fi)
	}
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	if st := s.Stats(); st.BandwidthBps != bps {
		t.Errorf("after playing, Stats().BandwidthBps %d, want the estimate %d", st.BandwidthBps, bps)
	}
}

// TestPacketPairUDP: mmsu:// asks for the UDP pair (FunnelInfo
// MMS_PACKET_PAIR_UDP_HIGH_ENTROPY, 4.4.1) and times the two packet-pair
// Data packets (3.1.5.11) that precede the ASF file header; the file
// then plays over UDP.
func TestPacketPairUDP(t *testing.T) {
	srv := server(t, mmsptest.Options{PairGap: pairGap}, "/c.wma", content(t, "c_wmav2.wma"))
	s := dial(t, &mmsp.Dialer{}, udpURL(srv)+"/c.wma", transport.Config{})
	bps := counters(s).PacketPairBps
	if bps <= 0 || bps > pairBound(1472) {
		t.Fatalf("packet-pair estimate %d bit/s, want 0 < it ≤ %d (1472 bytes %v apart)", bps, pairBound(1472), pairGap)
	}
	if fi := srv.ReceivedOf(mmsp.MIDFunnelInfo)[0].Message.(*mmsp.FunnelInfo); fi.PlayIncarnation != mmsp.PacketPairUDP {
		t.Errorf("FunnelInfo %+v", fi)
	}
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	if c := counters(s); c.Transport != "UDP" || srv.Connections() != 1 {
		t.Errorf("transport %s on %d connections", c.Transport, srv.Connections())
	}
}

// TestPacketPairRefused: a server answering MMS_DISABLE_PACKET_PAIR gets
// FunnelInfo with 0xF0F0F0EF (3.1.5.3: MUST, when ReportConnectedEX's
// playIncarnation is not 0xF0F0F0F0), and nothing is measured; a Dialer
// with DisablePacketPair asks for none (Connect 0xF0F0F0EF, 3.1.4.1.1).
// A server that drops the UDP pair leaves no estimate, and UDP is not
// taken as blocked: its header came over UDP.
func TestPacketPairRefused(t *testing.T) {
	for _, c := range []struct {
		name      string
		opts      mmsptest.Options
		d         *mmsp.Dialer
		udp       bool
		connect   uint32
		funnelPI  uint32
		transport string
	}{
		{"server refuses, TCP", mmsptest.Options{DisablePacketPair: true}, &mmsp.Dialer{}, false, mmsp.PacketPairUse, mmsp.PacketPairDisabled, "TCP"},
		{"server refuses, UDP", mmsptest.Options{DisablePacketPair: true}, &mmsp.Dialer{}, true, mmsp.PacketPairUse, mmsp.PacketPairDisabled, "UDP"},
		{"client off", mmsptest.Options{}, &mmsp.Dialer{DisablePacketPair: true}, false, mmsp.PacketPairDisabled, mmsp.PacketPairDisabled, "TCP"},
		{"UDP pair dropped", mmsptest.Options{DropUDPPair: true}, &mmsp.Dialer{HeaderTimeout: 200 * time.Millisecond}, true, mmsp.PacketPairUse, mmsp.PacketPairUDP, "UDP"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := server(t, c.opts, "/c.wma", content(t, "c_wmav2.wma"))
			url := srv.URL + "/c.wma"
			if c.udp {
				url = udpURL(srv) + "/c.wma"
			}
			s := dial(t, c.d, url, transport.Config{})
			rs := srv.Received()
			if pi := rs[0].Message.(*mmsp.Connect).PlayIncarnation; pi != c.connect {
				t.Errorf("Connect playIncarnation 0x%08X, want 0x%08X", pi, c.connect)
			}
			if pi := rs[1].Message.(*mmsp.FunnelInfo).PlayIncarnation; pi != c.funnelPI {
				t.Errorf("FunnelInfo playIncarnation 0x%08X, want 0x%08X", pi, c.funnelPI)
			}
			if n := len(srv.ReceivedOf(mmsp.MIDFunnelInfo)); n != 1 {
				t.Errorf("%d FunnelInfo", n)
			}
			if err := s.Play(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
			if got := counters(s); got.PacketPairBps != 0 || got.Transport != c.transport || srv.Connections() != 1 {
				t.Errorf("estimate %d, transport %s on %d connections; want none, %s on 1", got.PacketPairBps, got.Transport, srv.Connections(), c.transport)
			}
			if strings.Contains(c.name, "dropped") && len(srv.ReceivedOf(mmsp.MIDReadBlock)) != 1 {
				t.Errorf("%d ReadBlocks, want 1 (the header came at the first)", len(srv.ReceivedOf(mmsp.MIDReadBlock)))
			}
		})
	}
}
