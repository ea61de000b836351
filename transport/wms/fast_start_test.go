package wms

import (
	"testing"
	"time"
)

func TestFastStart(t *testing.T) {
	const s = time.Second
	for _, c := range []struct {
		name       string
		link, rate int64
		buf        time.Duration
		bps        int64
		dur        time.Duration
	}{
		// Unknown link: as fast as possible for twice the buffer.
		{"link unknown", 0, 64000, 5 * s, 2147483647, 10 * s},
		{"link negative", -1, 64000, 5 * s, 2147483647, 10 * s},
		// L = 4r: B·L/(L−r) = 5 s · 4/3, rounded to the millisecond.
		{"link four times the content", 256000, 64000, 5 * s, 256000, 6667 * time.Millisecond},
		// L = 1.1r: 11 B, capped at 120 s for a 15 s buffer.
		{"link barely faster, long buffer", 110000, 100000, 15 * s, 110000, 120 * s},
		{"link barely faster", 110000, 100000, 5 * s, 110000, 55 * s},
		// No faster than 1.05 r: nothing to accelerate.
		{"link no faster than the content", 105000, 100000, 5 * s, 0, 0},
		{"link slower than the content", 50000, 100000, 5 * s, 0, 0},
		{"content rate unknown", 1000000, 0, 5 * s, 0, 0},
		// Twice the buffer never past the bound.
		{"huge buffer, link unknown", 0, 64000, 100 * s, 2147483647, 120 * s},
		{"huge link", 1 << 40, 64000, 5 * s, 1 << 40, 5 * s},
	} {
		bps, dur := FastStart(c.link, c.rate, c.buf)
		// The duration to the millisecond (what goes on the wire).
		if bps != c.bps || dur.Milliseconds() != c.dur.Milliseconds() {
			t.Errorf("%s: %d bit/s for %v, want %d for %v", c.name, bps, dur, c.bps, c.dur)
		}
	}
}
