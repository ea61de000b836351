package main

import (
	"errors"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	good := []struct {
		in   string
		want Schedule
	}{
		{"5M:20s,1M:20s,5M:20s", Schedule{{5_000_000, 20 * time.Second}, {1_000_000, 20 * time.Second}, {5_000_000, 20 * time.Second}}},
		{"350k:1m30s", Schedule{{350_000, 90 * time.Second}}},
		{"1.5M:500ms, 64000:2s", Schedule{{1_500_000, 500 * time.Millisecond}, {64_000, 2 * time.Second}}},
		{"1G:1h", Schedule{{1_000_000_000, time.Hour}}},
	}
	for _, c := range good {
		got, err := ParseSchedule(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: %v, want %v", c.in, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q step %d: %v, want %v", c.in, i, got[i], c.want[i])
			}
		}
	}
	bad := []string{"", "5M", "5M:", ":20s", "5X:20s", "0:20s", "999:1s", "20G:1s", "NaN:1s", "-1M:1s",
		"5M:0s", "5M:-1s", "5M:25h", "5M:20s,", "1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s," +
			"1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s," +
			"1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s,1M:1s"}
	for _, in := range bad {
		if s, err := ParseSchedule(in); !errors.Is(err, errSchedule) {
			t.Errorf("%q: %v, %v; want errSchedule", in, s, err)
		}
	}
}

// TestScheduleTimes: the rate at a time, the drop, and when bits sent from
// a time have left the link, worked out by hand.
func TestScheduleTimes(t *testing.T) {
	s := Schedule{{8_000_000, time.Second}, {800_000, 10 * time.Second}, {8_000_000, time.Second}}
	for _, c := range []struct {
		at   time.Duration
		want int64
	}{{0, 8_000_000}, {999 * time.Millisecond, 8_000_000}, {time.Second, 800_000}, {11 * time.Second, 8_000_000}, {time.Hour, 8_000_000}} {
		if got := s.RateAt(c.at); got != c.want {
			t.Errorf("RateAt(%v) = %d, want %d", c.at, got, c.want)
		}
	}
	if at, rate, until, ok := s.Drop(); !ok || at != time.Second || rate != 800_000 || until != 11*time.Second {
		t.Errorf("Drop = %v %d %v %v, want 1s 800000 11s true", at, rate, until, ok)
	}
	if at, _, _, ok := (Schedule{{2000, time.Second}, {2000, time.Second}, {1000, time.Second}}).Drop(); !ok || at != 2*time.Second {
		t.Errorf("a steady rate is no drop: %v %v", at, ok)
	}
	if _, _, _, ok := (Schedule{{1000, time.Second}, {2000, time.Second}}).Drop(); ok {
		t.Error("a rising schedule has a drop")
	}
	for _, c := range []struct {
		from time.Duration
		bits float64
		want time.Duration
	}{
		{0, 4_000_000, 500 * time.Millisecond},                               // within the first step
		{0, 8_800_000, 2 * time.Second},                                      // 8 Mbit in the first second, 0.8 in the next at 800k
		{500 * time.Millisecond, 4_800_000, 2 * time.Second},                 // 4 Mbit, then 0.8 Mbit
		{10 * time.Second, 1_600_000, 11*time.Second + 100*time.Millisecond}, // 0.8 Mbit to 11 s, 0.8 at 8M
		{20 * time.Second, 8_000, 20*time.Second + time.Millisecond},         // past the end: the last rate
	} {
		if got := s.finish(c.from, c.bits); got != c.want {
			t.Errorf("finish(%v, %g) = %v, want %v", c.from, c.bits, got, c.want)
		}
	}
}
