package rtsp_test

import (
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// lossPattern loses one packet in each of several spans of 4 (FirstSeq
// is 1000), away from the start and from the end of the WMA file's 43
// packets: at the end the session waits only the gap hold time for a
// resend (3.1.5.13), which a loaded machine can miss.
var lossPattern = []uint16{1008, 1014, 1019, 1025, 1030}

// TestLossRecovery plays over UDP with packets lost on purpose: with FEC
// (one loss per span of 4 with one FEC packet, 3.1.5.12.1) every lost
// packet is rebuilt; with the retransmission stream each is asked for
// with a NACK to the rtx RTCP port and resent (3.1.4.6). Stats count
// exactly what the server dropped, and the samples are the file's.
//
// The file has one stream (WMA): with several streams on the port the
// FEC packets are not told apart (TestFECSeveralStreams).
func TestLossRecovery(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	want := reference(t, file)
	for _, c := range []struct {
		name string
		cfg  rtsptest.Config
	}{
		{"fec", rtsptest.Config{FEC: &wmfec.Params{Span: 4, PerSpan: 1, BurstMargin: 1}}},
		{"rtx", rtsptest.Config{RTX: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.Entries, cfg.Speed = [][]byte{file}, 4
			cfg.Faults.DropSeqs = lossPattern
			srv := rtsptest.New(t, cfg)
			s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspu"), transport.Config{})
			selectAll(t, s)
			if err := s.Play(testCtx(t), 0); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, s)
			if err != nil {
				t.Fatal(err)
			}
			st, ss := s.Stats(), srv.Stats()
			if ss.Dropped == 0 {
				t.Fatal("the server dropped nothing")
			}
			if st.PacketsLost != 0 {
				t.Errorf("stats %+v: packets lost", st)
			}
			switch c.name {
			case "fec":
				if st.PacketsRecoveredFEC != int64(ss.Dropped) || st.PacketsRecoveredResent != 0 {
					t.Errorf("recovered by FEC %d (resent %d), the server dropped %d", st.PacketsRecoveredFEC, st.PacketsRecoveredResent, ss.Dropped)
				}
			case "rtx":
				if st.PacketsRecoveredResent != int64(ss.Dropped) || ss.Resent != ss.Dropped || ss.NotFound != 0 || ss.RTCPIgnored != 0 {
					t.Errorf("recovered by resends %d; server: %+v", st.PacketsRecoveredResent, ss)
				}
				if st.NACKsSent == 0 || st.NACKsSent != int64(ss.NACKs) {
					t.Errorf("NACKs sent %d, the server accepted %d", st.NACKsSent, ss.NACKs)
				}
			}
			sameByTrack(t, got, want)
		})
	}
}
