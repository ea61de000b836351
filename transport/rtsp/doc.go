// Package rtsp is the client of RTSP with the Windows Media extensions
// ([MS-RTSP]): ASF data packets carried in RTP (x-asf-pf), with forward
// error correction (x-wms-fec) and retransmission (x-wms-rtx, RTCP NACK),
// over UDP or interleaved in the TCP control connection.
//
// A Dialer opens rtsp://, rtspu:// (UDP only) and rtspt:// (TCP only)
// URLs as a transport.Session:
//
//	s, err := (&rtsp.Dialer{}).Dial(ctx, "rtsp://server/file.wmv", transport.Config{})
//	ids := transport.ChooseTracks(s.Info(), s.Stats().BandwidthBps, prefs)
//	s.Select(ctx, ids)
//	s.Play(ctx, 0)
//	for {
//		smp, err := s.ReadSample(ctx) // io.EOF, transport.ErrInfoChanged
//		...
//	}
//
// The session follows the client flow of [MS-RTSP] 3.1: DESCRIBE (with
// redirects, a 305 through the proxy it names, and authentication,
// 3.1.5.4), the retransmission stream and the UDP packet pair
// (3.1.5.6-3.1.5.8) or TcpPacketPair (3.1.5.5), one SETUP per chosen ASF
// stream and its FEC stream (3.1.4.3.1), PLAY with fast start and
// LogConnect (3.1.5.9.1) and, when asked for (Dialer.FastCacheSpeed,
// over TCP), Fast Cache's Speed, PAUSE and LogPlay (3.1.4.7) with the
// remote-log SendEvent a subscribing server gets after a Speed PLAY
// (3.1.4.9), EndOfStream and ANNOUNCE of server-side playlists
// (3.1.5.13-3.1.5.16) with the streams the server predicted, torn down
// on their RTP session's SETUP URL with an SSEntry body where their own
// URL differs (2.2.7.10.2), keep-alive (3.1.6.2) and TEARDOWN (3.1.4.10).
// One owner goroutine holds the protocol state; the control connection's
// reader sorts responses, server requests and interleaved frames
// (Reader); one reader per UDP socket hands it datagrams.
//
// Received RTP goes through the FEC decoder (package wmfec), the jitter
// buffer (package transport/jitter, the RTP-Order-List of 3.1.5.12.2) with
// the NACK tracker (package rtx) and the depacketizer (package asfrtp)
// into the ASF demuxer. The SDP is read by package wmsdp.
package rtsp
