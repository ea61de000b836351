package wms

import (
	"math"
	"time"
)

// PacketPairBandwidth is the bottleneck bandwidth, in bits per second,
// that a packet pair measures: the size in bytes of the second packet over
// the time between the arrivals of the first and the second ([MS-WMSP]
// 3.1.5.6; [MS-RTSP] 3.1.5.5 and 3.1.5.8, "the rate of the second
// packet"). The server sends the two back to back, so the link spaces
// them by the time the second takes to cross the slowest hop.
//
// It returns 0 (unknown) when the gap is zero or negative (both arrived in
// one read: too fast to tell), when a time is missing (zero), or when the
// size is not positive. The result saturates at math.MaxInt64.
func PacketPairBandwidth(secondSize int, first, second time.Time) int64 {
	if secondSize <= 0 || first.IsZero() || second.IsZero() {
		return 0
	}
	d := second.Sub(first)
	if d <= 0 {
		return 0
	}
	bps := float64(secondSize) * 8 / d.Seconds()
	if bps >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(bps)
}
