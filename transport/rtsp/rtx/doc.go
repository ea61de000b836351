// Package rtx holds the retransmission side of an MS-RTSP client (MS-RTSP
// 2.2.3, 2.2.4, 3.1.4.6, 3.1.5.8, 3.1.6.1):
//
//   - NACK builds (and, for a fake server, parses) the compound RTCP packet
//     that asks for lost RTP packets: an empty Receiver Report, an SDES
//     whose CNAME is "<rtx ssrc in decimal>@WMS:7ff42e07-...", and a
//     generic NACK whose first byte is 0x91 (E bit set, MS-RTSP 2.2.4);
//   - Tracker decides which sequence numbers to ask for and when to ask
//     again, on a budget tied to the round-trip time;
//   - Unwrap sorts what arrives on the x-wms-rtx port: retransmitted
//     copies of media packets (returned as the original packet) and
//     packet-pair data; Copy makes such a copy for a fake server;
//   - PairPacket and Probe read the packet-pair data of a UdpPacketPair
//     request, measure the bottleneck bandwidth and run the Firewall timer
//     that tells the session UDP is blocked.
//
// Everything here is synchronous and takes the time as an argument; one
// owner goroutine drives it. Nothing is safe for concurrent use.
//
// pion/interceptor's NACK generator was not used: its receive log is
// unexported, has no retry schedule or deadline, and its interceptor
// builds a plain RFC 4585 packet (first byte 0x81, no SDES); the RTCP
// packets themselves are pion/rtcp's.
package rtx
