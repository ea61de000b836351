// Package rtsptest is a loopback MS-RTSP server for tests, in the manner
// of net/http/httptest: it streams real ASF files as Windows Media
// Services does ([MS-RTSP] 3.2), or as GStreamer's rtpasfpay does, so
// that a client can be run against it end to end.
//
//   - DESCRIBE answers with an SDP written as WMS writes it (a=maxps before
//     t=, the ASF header in a=pgmpu, a=stream per ASF stream, the FEC
//     payload type, the rtx stream; 2.2.5) or as GStreamer does (one
//     m=application, the header in config= of a=fmtp); redirects (302,
//     305) and a Basic challenge (401) on demand.
//   - SETUP over TCP (interleaved) and UDP (client_port), with the Session
//     id larger than int64, ssrc, server_port, the FEC stream's parameters
//     in hex (2.2.6.11) and the rtx stream (UDP only).
//   - PLAY with Range (npt or x-asf-packet; from the key frame at or
//     before the position), Scale, Speed, X-Accelerate-Streaming granted
//     within caps, RTP-Info; packets paced by their ASF send times at a
//     chosen speed (Config.Speed, Config.Sleep) or as fast as possible.
//   - ASF packets as x-asf-pf RTP (asfrtp.Packetizer, padding stripped),
//     each ASF stream's RTP session carrying only its payloads (WMS);
//     FEC packets after every Total Span (wmfec.Encoder,
//     3.2.4.3); RTCP generic NACKs on the rtx RTCP port answered with
//     exact copies on the rtx port (2.2.3.1, 3.2.5.10); UdpPacketPair.
//   - PAUSE, GET_PARAMETER keep-alive, SET_PARAMETER logs (kept),
//     SelectStream with SETUP, TEARDOWN and SET_PARAMETER, TEARDOWN.
//   - EndOfStream (2.2.7.3) at the end; for a playlist of several files
//     EndOfStream with End-Of-Playlist-Entry, then ANNOUNCE of the next
//     entry with X-Playlist-Gen-Id and X-RTP-Info, then PLAY in PLAYING;
//     a=type skipforward / skipbackward where an entry has a next /
//     previous one, and PLAY with X-Playlist: pl-offset=1 or -1 answered
//     with X-Playlist-Change-Notice: true, no RTP, the EndOfStream and the
//     ANNOUNCE of the entry skipped to (2.2.6.20, 3.2.5.8); with
//     Config.RenamedStreams later entries name their streams audio=N and
//     video=N (4.4.4.3), so the predicted streams have other URLs than the
//     SETUPs of their RTP sessions and a SelectStream TEARDOWN of one is
//     taken only on a SETUP's URL with its SSEntry body (2.2.7.10.2).
//   - Faults (Config.Faults): loss by pattern and by seeded random rate,
//     reordering and duplication on the wire after FEC, a stall, a closed
//     connection, garbage interleaved frames, UDP from a wrong source
//     port, a lying Content-Length, 461 for UDP, error statuses, an
//     entry's last UDP packets sent after the next entry's ANNOUNCE.
//
// Every request is recorded as it came (header lines in order, body),
// and so are the client's answers to the server's requests:
//
//	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{asfFile}})
//	sess, err := (&rtsp.Dialer{}).Dial(ctx, srv.URL(), transport.Config{})
//	...
//	logs := srv.RequestsOf("SET_PARAMETER application/x-wms-Logplaystats")
//
// The server's goroutines all end by Close (New registers it with
// t.Cleanup).
package rtsptest
