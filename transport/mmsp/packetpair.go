package mmsp

import (
	"time"

	"github.com/eddyplayer/eddy/transport/wms"
)

// Packet-pair bounds (MS-MMSP 3.1.5.4, 3.1.5.11). What the client measures
// is the bit rate at which the second packet of the pair crossed the
// slowest hop: its size over the time since the first arrived
// (wms.PacketPairBandwidth, the arithmetic MS-WMSP and MS-RTSP share).
const (
	// minPairSize is the smallest second packet measured: below it the
	// gap is the hosts' jitter, not the link's (the pairs the spec
	// defines are 512 bytes over TCP, 3.2.5.4, and 1472 over UDP, 4.4.1).
	minPairSize = 256
	// maxPairSize is the largest: a UDP datagram, a TcpMessageHeader
	// packet of at most MaxMessageLength.
	maxPairSize = 0xFFFF + HeaderSize
	// maxPairBps bounds a plausible estimate: a faster one means both
	// packets were already waiting in the socket when the first was
	// read, so the gap timed the reads, not the link (10 Gbit/s: the
	// fastest link a player streams over).
	maxPairBps = 10_000_000_000
)

// pairBandwidth is the packet-pair estimate in bits per second of a second
// packet of size bytes that arrived at second, the first at first; 0
// (nothing measured) when a time is missing, the gap is not positive, the
// size is outside the packet sizes a pair has, or the result is beyond any
// link (maxPairBps).
func pairBandwidth(size int, first, second time.Time) int64 {
	if size < minPairSize || size > maxPairSize {
		return 0
	}
	bps := wms.PacketPairBandwidth(size, first, second)
	if bps > maxPairBps {
		return 0
	}
	return bps
}

// pairProbe follows one packet pair: Packet-Pair-Packets-Expected and
// Packet-Pair-Arrival-Time of 3.1.1, for the two packet-pair Data packets
// over UDP (3.1.5.11) or the first two of the three
// LinkMacToViewerReportFunnelInfo over TCP (3.1.5.4).
type pairProbe struct {
	// expected is Packet-Pair-Packets-Expected: 2, 1 or 0.
	expected int
	// first is Packet-Pair-Arrival-Time: when the first packet came
	// (zero: it did not).
	first time.Time
	// bps is the estimate, 0 until measured.
	bps int64
}

// start expects a new pair (3.1.3; again after a Header timer expiry,
// 3.1.6.1).
func (p *pairProbe) start() { p.expected, p.first = 2, time.Time{} }

// packet takes the pair packet number n (0 first, 1 second: LocationId
// 0xF0F0F000 or 0xF0F0F001; the first and second ReportFunnelInfo) of size
// bytes that arrived at at. A second packet without its first (lost)
// measures nothing; a first after the second, or a repeat, is ignored.
// It reports whether the pair is complete (nothing more expected).
func (p *pairProbe) packet(n, size int, at time.Time) bool {
	switch {
	case p.expected == 2 && n == 0:
		p.first = at
	case p.expected == 2 && n == 1:
		// The first was lost: no measure, and nothing more to wait for.
		p.expected = 0
		return true
	case p.expected == 1 && n == 1:
		if bps := pairBandwidth(size, p.first, at); bps > 0 {
			p.bps = bps
		}
	default:
		return p.expected == 0
	}
	p.expected--
	return p.expected == 0
}
