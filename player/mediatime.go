package player

import (
	"math"
	"time"
)

// Media times reach the player from files, servers and flags, none of
// them trusted: a hostile header can put a timestamp anywhere in
// time.Duration's range. The player's arithmetic on them saturates at the
// limits instead of wrapping, so a wild value gives a wild but ordered
// result (audio cut, a frame dropped, a clear "nothing decoded"), never a
// wrapped one or a panic further down.

// maxStart bounds positions the player is asked for (a start position, a
// seek): far beyond any presentation (about 146 years), and far enough
// from time.Duration's limits that a position plus a buffer or a frame
// time cannot overflow.
const maxStart = time.Duration(1 << 62)

// addDur is a + b, saturating.
func addDur(a, b time.Duration) time.Duration {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

// subDur is a − b, saturating.
func subDur(a, b time.Duration) time.Duration {
	if b == math.MinInt64 {
		if a >= 0 {
			return math.MaxInt64
		}
		return a - b
	}
	return addDur(a, -b)
}

// absDur is |d|, saturating (|MinInt64| is MaxInt64).
func absDur(d time.Duration) time.Duration {
	switch {
	case d == math.MinInt64:
		return math.MaxInt64
	case d < 0:
		return -d
	}
	return d
}

// clampPosition bounds a requested position to [0, maxStart].
func clampPosition(d time.Duration) time.Duration {
	return min(max(d, 0), maxStart)
}
