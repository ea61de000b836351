// Package jitter is the reorder buffer between the RTP sockets and the ASF
// depacketizer of an MS-RTSP session: the RTP-Order-List of MS-RTSP
// 3.1.5.12.2.
//
// Packets go in by Push in any order, from the media RTP session, from the
// retransmission session (x-wms-rtx copies keep the original sequence
// number, MS-RTSP 2.2.3.1) and from FEC recovery (MS-RTSP 3.1.5.12.1); they
// come out of Pop in sequence-number order, with 16-bit wrap-around. A
// missing packet (a gap) holds the packets behind it while a resend or FEC
// can still fill it; the gap is given up when the playout deadline of a
// packet behind it passes, or when the window (the capacity) is full, and
// Pop then reports how many sequence numbers were lost before the packet it
// returns (NumLost, MS-RTSP 3.1.5.12.2).
//
// A Buffer is driven by one owner goroutine and takes the time as an
// argument, so it never sleeps and tests step time by hand:
//
//	b, err := jitter.New(jitter.Config{Capacity: n, ClockRate: 1000, Deadline: playoutDeadline})
//	...
//	b.Push(pkt, arrival, jitter.Original)
//	for {
//		p, lost, ok := b.Pop(now)
//		if !ok {
//			break
//		}
//		// lost sequence numbers were given up just before p
//	}
//	if at, ok := b.NextDeadline(); ok {
//		timer.Reset(at.Sub(now)) // Pop again then
//	}
//
// Buffer also counts late, duplicate and lost packets, packets recovered in
// time by resends and by FEC, and the RFC 3550 (A.8) interarrival jitter.
//
// pion/interceptor's jitterbuffer was not used: it has no deadline to give
// a gap up, starts and stops at hard-coded packet counts, keeps storing
// past its overflow mark, and calls listeners under its lock.
package jitter
