package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Limits on a schedule given on the command line.
const (
	maxSteps    = 64
	maxStepDur  = 24 * time.Hour
	minRate     = 1_000          // 1 kbit/s
	maxRate     = 10_000_000_000 // 10 Gbit/s
	scheduleFmt = "RATE:DURATION[,RATE:DURATION…], e.g. 5M:20s,1M:20s,5M:20s"
)

var errSchedule = errors.New("bad schedule")

// Step is one stretch of the link's schedule: Rate bits per second for
// Dur.
type Step struct {
	Rate int64
	Dur  time.Duration
}

// Schedule is the link's bandwidth over time from its origin; after the
// last step the last rate goes on.
type Schedule []Step

// ParseSchedule reads "5M:20s,1M:20s,5M:20s": rates in bits per second
// with an optional k, M or G suffix (powers of 1000, a fraction allowed:
// 1.5M), durations as time.ParseDuration takes them.
func ParseSchedule(s string) (Schedule, error) {
	parts := strings.Split(s, ",")
	if s == "" || len(parts) > maxSteps {
		return nil, fmt.Errorf("%w %q: want 1 to %d steps: %s", errSchedule, s, maxSteps, scheduleFmt)
	}
	var sch Schedule
	for _, p := range parts {
		rate, dur, ok := strings.Cut(strings.TrimSpace(p), ":")
		if !ok {
			return nil, fmt.Errorf("%w: step %q has no ':': %s", errSchedule, p, scheduleFmt)
		}
		r, err := ParseRate(rate)
		if err != nil {
			return nil, fmt.Errorf("%w: step %q: %w", errSchedule, p, err)
		}
		d, err := time.ParseDuration(dur)
		if err != nil || d <= 0 || d > maxStepDur {
			return nil, fmt.Errorf("%w: step %q: the duration must be over 0 and at most %v", errSchedule, p, maxStepDur)
		}
		sch = append(sch, Step{Rate: r, Dur: d})
	}
	return sch, nil
}

// ParseRate reads a bit rate: "350k", "1.5M", "5000000".
func ParseRate(s string) (int64, error) {
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1e3, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "M"):
		mult, s = 1e6, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1e9, strings.TrimSuffix(s, "G")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f*mult < minRate || f*mult > maxRate {
		return 0, fmt.Errorf("rate %q: want %d to %d bit/s (k, M, G suffixes)", s, minRate, int64(maxRate))
	}
	return int64(f * mult), nil
}

// Length is the sum of the steps' durations.
func (s Schedule) Length() time.Duration {
	var t time.Duration
	for _, st := range s {
		t += st.Dur // at most maxSteps × maxStepDur: no overflow
	}
	return t
}

// RateAt is the rate at t since the origin.
func (s Schedule) RateAt(t time.Duration) int64 {
	var end time.Duration
	for _, st := range s {
		end += st.Dur
		if t < end {
			return st.Rate
		}
	}
	return s[len(s)-1].Rate
}

// Drop is the first step boundary where the rate falls: when (since the
// origin), the rate after it and when that step ends (the next change).
// ok is false when the rate never falls.
func (s Schedule) Drop() (at time.Duration, rate int64, until time.Duration, ok bool) {
	var t time.Duration
	for i, st := range s {
		if i > 0 && st.Rate < s[i-1].Rate {
			return t, st.Rate, t + st.Dur, true
		}
		t += st.Dur
	}
	return 0, 0, 0, false
}

// finish is when bits sent from t on (since the origin) have all left the
// link, the rate following the schedule.
func (s Schedule) finish(t time.Duration, bits float64) time.Duration {
	var end time.Duration
	for _, st := range s {
		end += st.Dur
		if t >= end {
			continue
		}
		room := float64(st.Rate) * (end - t).Seconds()
		if bits <= room {
			return t + secs(bits/float64(st.Rate))
		}
		bits -= room
		t = end
	}
	return t + secs(bits/float64(s[len(s)-1].Rate))
}

// secs converts seconds to a Duration, rounding up so that a link is never
// faster than its rate.
func secs(f float64) time.Duration {
	return time.Duration(math.Ceil(f * float64(time.Second)))
}
