package smooth

import (
	"math"
	"sync"
	"time"
)

// Adaptation (MS-SSTR leaves the heuristics to the client; digest §1.14):
// at each fragment boundary the fetcher of a stream with several allowed
// qualities asks choose for the next fragment's. The inputs are the
// throughput measured on the fragments downloaded so far (two moving
// averages, the lower one counts, so a falling link is believed at once
// and a rising one only when it lasts) and the media buffered ahead of
// the listener (the player's buffer plus the fragments queued here).
const (
	// safety is the share of the throughput a quality may use.
	safety = 0.8
	// panicBuffer: below it, the quality must fit in half the throughput.
	panicBuffer = 4 * time.Second
	// climbBuffer: a higher quality is taken with this much buffered…
	climbBuffer = 6 * time.Second
	// …or, with headroom (the throughput's safe share holds twice the
	// higher quality), with this much: a link far faster than the
	// qualities does not keep the start's low quality for long.
	headroomBuffer = 2 * time.Second
)

// Half-lives of the throughput averages, in download time: each
// download weighs by how long it took, so a stream's estimate moves at
// the same pace whatever its fragments' sizes.
const (
	fastHalfLife = 2 * time.Second
	slowHalfLife = 8 * time.Second
)

// estimator keeps the throughput, in bits per second.
type estimator struct {
	mu         sync.Mutex
	fast, slow float64
	samples    int
}

// add records a download of n bytes that took d.
func (e *estimator) add(n int, d time.Duration) {
	if n <= 0 {
		return
	}
	d = max(d, time.Millisecond)
	bps := float64(n) * 8 / d.Seconds()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.samples == 0 {
		e.fast, e.slow = bps, bps
	} else {
		af := 1 - math.Exp2(-d.Seconds()/fastHalfLife.Seconds())
		as := 1 - math.Exp2(-d.Seconds()/slowHalfLife.Seconds())
		e.fast = af*bps + (1-af)*e.fast
		e.slow = as*bps + (1-as)*e.slow
	}
	e.samples++
}

// rate is the conservative throughput estimate, 0 before any download.
func (e *estimator) rate() float64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.samples == 0 {
		return 0
	}
	return min(e.fast, e.slow)
}

// choose picks the index into bitrates (ascending) for the next fragment,
// from cur (the index playing, -1 before the first fragment), the
// throughput estimate (bits per second, 0 = none yet: a fast start at the
// lowest quality unless hint says the link is fast), the bit rate the
// other streams use, and the media buffered ahead.
func choose(bitrates []int64, cur int, rate float64, hint int64, others int64, buffered time.Duration) int {
	if len(bitrates) == 0 {
		return -1
	}
	if rate == 0 {
		if hint <= 0 {
			return 0 // fast start: the lowest quality, climbing once measured
		}
		rate = float64(hint)
	}
	share := safety
	if buffered < panicBuffer && cur >= 0 {
		share = 0.5
	}
	budget := rate*share - float64(others)
	best := 0
	for i, b := range bitrates {
		if float64(b) <= budget {
			best = i
		}
	}
	switch {
	case cur < 0:
		return best
	case best > cur && buffered < climbBuffer:
		// Climb only with a buffer to fall back on, or with headroom.
		if buffered >= headroomBuffer && float64(2*bitrates[best]) <= budget {
			return best
		}
		return cur
	}
	return best
}
