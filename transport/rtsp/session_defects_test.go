package rtsp_test

import (
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// TestWrongSourcePort: a well-formed RTP packet with the stream's SSRC
// and the next sequence number, from the server's address but another
// port than the server_port of the SETUP answer, must not be played.
// It fails: the session checks the source IP only, takes the forged
// packet (a corrupt packet) and drops the real one as its duplicate.
func TestWrongSourcePort(t *testing.T) {
	file := fixture(t, "d_wmv2_wmav2.wmv")
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, Speed: 8,
		Faults: rtsptest.Faults{WrongSourceAfter: 30}})
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspu"), transport.Config{})
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.PacketsDuplicate != 0 || st.CorruptPackets != 0 {
		t.Errorf("stats %+v: the packet from the wrong source port was taken", st)
	}
}

// TestFECSeveralStreams is TestLossRecovery's FEC case with a video and
// an audio stream on the one client port. It fails: the FEC stream has
// its own SSRC (the FEC SETUP answer's ssrc, MS-RTSP 4.4.4.4), which
// the session does not keep, so bySSRC gives every FEC packet to the
// first channel with that payload type and the second stream's losses
// stay lost (5 of 10 recovered, 12 audio samples missing).
func TestFECSeveralStreams(t *testing.T) {
	file := fixture(t, "d_wmv2_wmav2.wmv")
	want := reference(t, file)
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, Speed: 8,
		FEC: &wmfec.Params{Span: 4, PerSpan: 1, BurstMargin: 1}, Faults: rtsptest.Faults{DropSeqs: lossPattern}})
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspu"), transport.Config{})
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if st, ss := s.Stats(), srv.Stats(); st.PacketsRecoveredFEC != int64(ss.Dropped) || st.PacketsLost != 0 {
		t.Errorf("recovered by FEC %d, lost %d; the server dropped %d", st.PacketsRecoveredFEC, st.PacketsLost, ss.Dropped)
	}
	sameByTrack(t, got, want)
}

// TestUDPBlockedProbeFallback is TestUDPBlocked's rtsp:// case with the
// rtx stream: the packet-pair probe finds UDP blocked during Dial and
// tears the rtx stream down, but the state stays READY with no media
// path, so Select sets nothing up and the PLAY dereferences the nil
// media path (a panic in holdUntilPlayed since d0d91f9; before it the
// server answered the PLAY 455). The fallback must leave the session in
// INIT so that Play sets the streams up over TCP.
func TestUDPBlockedProbeFallback(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	playAfterFallback(t, file, reference(t, file), true)
}
