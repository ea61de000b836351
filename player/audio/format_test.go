package audio

import (
	"math"
	"testing"
	"time"
)

// TestFormatTimeArithmetic: converting between play time and bytes is
// exact for ordinary values and saturates, never wraps, for the extreme
// times a hostile file or server can declare (a preroll of 2^63−1 ms, a
// start position of days).
func TestFormatTimeArithmetic(t *testing.T) {
	f := Format{SampleRate: 48000, Channels: 2, Sample: S16}
	maxBytes := math.MaxInt / 4 * 4
	cases := []struct {
		d           time.Duration
		floor, ceil int
	}{
		{0, 0, 0},
		{-time.Hour, 0, 0},
		{math.MinInt64, 0, 0},
		{time.Second, 192000, 192000},
		{time.Second / 3, 63996, 64000},
		{time.Second/48000 + 1, 4, 8},
		{59 * time.Hour, 59 * 3600 * 192000, 59 * 3600 * 192000},
		{math.MaxInt64, 1770887431076116, 1770887431076120},
	}
	for _, c := range cases {
		if got := f.Bytes(c.d); got != c.floor {
			t.Errorf("Bytes(%v) = %d, want %d", c.d, got, c.floor)
		}
		if got := f.BytesCeil(c.d); got != c.ceil {
			t.Errorf("BytesCeil(%v) = %d, want %d", c.d, got, c.ceil)
		}
	}
	// A rate (beyond what Valid accepts) so high that the byte count leaves
	// int: saturated.
	huge := Format{SampleRate: math.MaxInt32, Channels: 32, Sample: F64}
	if got := huge.Bytes(math.MaxInt64); got != math.MaxInt/huge.FrameSize()*huge.FrameSize() || got <= 0 {
		t.Errorf("Bytes(max) at %v = %d", huge, got)
	}
	for _, c := range []struct {
		n    int
		want time.Duration
	}{
		{0, 0}, {-4, 0}, {3, 0}, {192000, time.Second}, {4, time.Second / 48000},
		{maxBytes, math.MaxInt64},
	} {
		if got := f.Duration(c.n); got != c.want {
			t.Errorf("Duration(%d) = %v, want %v", c.n, got, c.want)
		}
	}
	slow := Format{SampleRate: 1, Channels: 1, Sample: U8}
	if got := slow.Duration(math.MaxInt); got != math.MaxInt64 {
		t.Errorf("Duration(max) at 1 Hz = %v, want saturation", got)
	}
}
