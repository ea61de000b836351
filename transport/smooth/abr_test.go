package smooth

import (
	"testing"
	"time"
)

// TestChoose: the adaptation rules: a fast start at the lowest quality
// (unless a bandwidth hint says more), the highest quality within 80% of
// the throughput less the other streams, a climb only with a buffer, a
// fall at once, and half the throughput when the buffer runs low.
func TestChoose(t *testing.T) {
	rates := []int64{300000, 800000, 2000000}
	for _, tc := range []struct {
		name     string
		cur      int
		rate     float64
		hint     int64
		others   int64
		buffered time.Duration
		want     int
	}{
		{"fast start", -1, 0, 0, 0, 0, 0},
		{"hinted start", -1, 0, 3000000, 0, 0, 2},
		{"first measured", -1, 1200000, 0, 0, 0, 1},
		{"climb with a buffer", 0, 5e6, 0, 0, 8 * time.Second, 2},
		{"no climb without a buffer", 0, 3e6, 0, 0, 3 * time.Second, 0},
		{"climb with headroom", 0, 1e7, 0, 0, 3 * time.Second, 2},
		{"no headroom climb on an empty buffer", 0, 1e7, 0, 0, time.Second, 0},
		{"fall at once", 2, 1.1e6, 0, 0, 20 * time.Second, 1},
		{"others take their share", 2, 2.6e6, 0, 1e6, 20 * time.Second, 1},
		{"low buffer: half the throughput", 1, 1.2e6, 0, 0, 2 * time.Second, 0},
		{"nothing fits: the lowest", 1, 100000, 0, 0, 20 * time.Second, 0},
	} {
		if got := choose(rates, tc.cur, tc.rate, tc.hint, tc.others, tc.buffered); got != tc.want {
			t.Errorf("%s: choose = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestEstimator: the lower of a fast and a slow average, each weighing a
// download by how long it took: a drop (long downloads) shows at once, a
// rise (one short download) only when it lasts.
func TestEstimator(t *testing.T) {
	var e estimator
	if e.rate() != 0 {
		t.Fatal("rate before any download")
	}
	for range 5 {
		e.add(1_000_000, time.Second) // 8 Mbit/s
	}
	if r := e.rate(); r < 7.9e6 || r > 8.1e6 {
		t.Fatalf("steady rate %v", r)
	}
	e.add(1_000_000, 8*time.Second) // the same fragment at 1 Mbit/s takes 8 s
	if r := e.rate(); r > 2e6 {
		t.Errorf("after a drop %v: the fast average should show it", r)
	}
	var u estimator
	for range 5 {
		u.add(125_000, time.Second)
	}
	u.add(1_000_000, time.Second)
	if r := u.rate(); r > 2.1e6 {
		t.Errorf("after one fast download %v: the slow average holds the rise back", r)
	}
}
