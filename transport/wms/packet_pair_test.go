package wms

import (
	"math"
	"testing"
	"time"
)

// TestPacketPairBandwidth: the size of the second packet over the gap
// between the two arrivals ([MS-WMSP] 3.1.5.6; [MS-RTSP] 3.1.5.5, 3.1.5.8),
// 0 when the gap cannot be measured, saturated instead of overflowing.
func TestPacketPairBandwidth(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name   string
		size   int
		t1, t2 time.Time
		want   int64
	}{
		// 1,448 bytes (a $P of 1,440 payload bytes and its 8-byte
		// framing) 1 ms apart: 11,584,000 bits/s.
		{"1448 bytes in 1 ms", 1448, t0, t0.Add(time.Millisecond), 11_584_000},
		{"10 kB in 80 ms", 10_000, t0, t0.Add(80 * time.Millisecond), 1_000_000},
		{"same read", 1448, t0, t0, 0},
		{"out of order", 1448, t0.Add(time.Millisecond), t0, 0},
		{"first missing", 1448, time.Time{}, t0, 0},
		{"second missing", 1448, t0, time.Time{}, 0},
		{"empty packet", 0, t0, t0.Add(time.Millisecond), 0},
		{"negative size", -5, t0, t0.Add(time.Millisecond), 0},
		{"saturated", math.MaxInt, t0, t0.Add(time.Nanosecond), math.MaxInt64},
	}
	for _, tc := range cases {
		if got := PacketPairBandwidth(tc.size, tc.t1, tc.t2); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
