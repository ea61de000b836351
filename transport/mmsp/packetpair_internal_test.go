package mmsp

import (
	"testing"
	"time"
)

// TestPairBandwidth: the estimate is the second packet's bits over the
// gap (MS-MMSP 3.1.5.4, 3.1.5.11); a zero or negative gap, a missing time,
// a size no pair has, or a rate beyond any link measure nothing (0), never
// a division by zero or an absurd figure.
func TestPairBandwidth(t *testing.T) {
	t0 := time.Unix(1000, 0)
	for _, c := range []struct {
		name          string
		size          int
		first, second time.Time
		want          int64
	}{
		{"UDP pair, 1472 bytes in 1 ms", 1472, t0, t0.Add(time.Millisecond), 11_776_000},
		{"TCP pair, 512 bytes in 4 ms", 512, t0, t0.Add(4 * time.Millisecond), 1_024_000},
		{"zero gap", 1472, t0, t0, 0},
		{"negative gap", 1472, t0.Add(time.Millisecond), t0, 0},
		{"first missing", 1472, time.Time{}, t0, 0},
		{"second missing", 1472, t0, time.Time{}, 0},
		{"size zero", 0, t0, t0.Add(time.Millisecond), 0},
		{"size negative", -5, t0, t0.Add(time.Millisecond), 0},
		{"size below a pair packet", 100, t0, t0.Add(time.Millisecond), 0},
		{"huge size", 1 << 40, t0, t0.Add(time.Millisecond), 0},
		// 1472 bytes in 1 ns: 11.8 Tbit/s, both read from the socket's
		// buffer at once.
		{"beyond any link", 1472, t0, t0.Add(time.Nanosecond), 0},
		{"10 Gbit/s is the bound", 1250, t0, t0.Add(time.Microsecond), 10_000_000_000},
	} {
		if got := pairBandwidth(c.size, c.first, c.second); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestPairProbe: Packet-Pair-Packets-Expected (3.1.1) counts 2, 1, 0; the
// estimate comes from the first and the second packet only; a lost first
// packet, a repeat, packets out of order measure nothing and never leave
// the probe waiting for more than the two.
func TestPairProbe(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	type pkt struct{ n, size, at int }
	for _, c := range []struct {
		name     string
		pkts     []pkt
		done     []bool
		bps      int64
		expected int
	}{
		{"both", []pkt{{0, 1472, 0}, {1, 1472, 1}}, []bool{false, true}, 11_776_000, 0},
		{"first lost", []pkt{{1, 1472, 1}}, []bool{true}, 0, 0},
		{"second lost", []pkt{{0, 1472, 0}}, []bool{false}, 0, 1},
		{"first repeated", []pkt{{0, 1472, 0}, {0, 1472, 5}, {1, 1472, 6}}, []bool{false, false, true}, 1472 * 8 * 1000 / 6, 0},
		{"after the pair", []pkt{{0, 1472, 0}, {1, 1472, 2}, {1, 1472, 9}, {0, 1472, 10}}, []bool{false, true, true, true}, 1472 * 8 * 1000 / 2, 0},
		{"same instant", []pkt{{0, 1472, 3}, {1, 1472, 3}}, []bool{false, true}, 0, 0},
		{"unknown number", []pkt{{7, 1472, 0}}, []bool{false}, 0, 2},
	} {
		var p pairProbe
		p.start()
		for i, k := range c.pkts {
			if got := p.packet(k.n, k.size, ms(k.at)); got != c.done[i] {
				t.Errorf("%s: packet %d: done %v, want %v", c.name, i, got, c.done[i])
			}
		}
		if p.bps != c.bps || p.expected != c.expected {
			t.Errorf("%s: bps %d expected %d; want %d, %d", c.name, p.bps, p.expected, c.bps, c.expected)
		}
	}
}
