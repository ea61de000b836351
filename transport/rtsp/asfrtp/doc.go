// Package asfrtp is the RTP payload format for ASF data packets of MS-RTSP
// (payload name x-asf-pf, MS-RTSP 2.2.1): the payload format header
// (2.2.1.3), a Packetizer that does what a server does (2.2.1.2-2.2.1.4)
// and a Depacketizer that rebuilds the ASF data packets of one RTP session
// (3.1.5.12.2).
//
// The Depacketizer is fed RTP packets in sequence order (the jitter buffer
// orders them, drops duplicates and decides when to give up on a gap); it
// checks the sequence numbers itself as well, and never joins fragments
// across a gap. The ASF packets it returns are usually shorter than the
// File Properties packet size: servers strip the Padding Data (2.2.1.4).
// asf.Demuxer.Push accepts such packets as they are; a consumer that needs
// fixed-size packets (an .asf file, a PacketReader) pads them back with
// asf.Packet.PadTo.
//
// Nothing here logs, sleeps or starts goroutines; a Packetizer or a
// Depacketizer is used by one goroutine at a time.
package asfrtp
