package manifest

import (
	"fmt"
	"iter"
	"math"
	"math/bits"
	"sort"
	"time"
)

// Fragment is one fragment of a stream's timeline ([MS-SSTR] 2.2.2.6):
// the same interval in every quality level of the stream.
type Fragment struct {
	// Index is the fragment's position in the timeline (0 = first).
	Index int
	// Start and Duration are in the stream's TimeScale units. Start is
	// the time put into the fragment URL ({start time}).
	Start, Duration uint64
	// StartTime and EndTime are Start and Start+Duration as durations
	// from time 0 (rounded down to the nanosecond; saturated at the
	// largest time.Duration), so that one fragment's EndTime is the next
	// one's StartTime when they are contiguous.
	StartTime, EndTime time.Duration
}

// run is a series of count fragments of equal duration, the first at
// start: a c element, with its repeat count ([MS-SSTR] 2.2.2.6).
type run struct {
	start, dur, count uint64
	// first is the timeline index of the run's first fragment.
	first int
}

// timeline is a stream's resolved fragment list, held as runs so that a
// repeat count costs no memory.
type timeline struct {
	scale uint64
	runs  []run
	n     int
}

// Len is the number of fragments.
func (t *timeline) Len() int { return t.n }

// Fragment returns the i-th fragment; ok is false when i is out of range.
func (t *timeline) Fragment(i int) (f Fragment, ok bool) {
	if i < 0 || i >= t.n {
		return Fragment{}, false
	}
	k := sort.Search(len(t.runs), func(k int) bool { return t.runs[k].first > i }) - 1
	r := t.runs[k]
	return t.make(i, r.start+uint64(i-r.first)*r.dur, r.dur), true
}

func (t *timeline) make(i int, start, dur uint64) Fragment {
	return Fragment{
		Index: i, Start: start, Duration: dur,
		StartTime: ticksToDuration(start, t.scale),
		EndTime:   ticksToDuration(start+dur, t.scale), // no overflow: checked when the run was added
	}
}

// All yields every fragment in order, without building a list.
func (t *timeline) All() iter.Seq[Fragment] {
	return func(yield func(Fragment) bool) {
		for _, r := range t.runs {
			for k := uint64(0); k < r.count; k++ {
				if !yield(t.make(r.first+int(k), r.start+k*r.dur, r.dur)) {
					return
				}
			}
		}
	}
}

// Fragments returns the whole timeline (at most MaxFragments entries).
func (t *timeline) Fragments() []Fragment {
	out := make([]Fragment, 0, t.n)
	for f := range t.All() {
		out = append(out, f)
	}
	return out
}

// FragmentAt returns the fragment with the greatest Start not after ticks
// (the one to fetch to play from there), or the first fragment when ticks
// precedes the timeline. ok is false only for an empty timeline.
func (t *timeline) FragmentAt(ticks uint64) (f Fragment, ok bool) {
	if t.n == 0 {
		return Fragment{}, false
	}
	k := sort.Search(len(t.runs), func(k int) bool { return t.runs[k].start > ticks }) - 1
	if k < 0 {
		return t.Fragment(0)
	}
	r := t.runs[k]
	j := min((ticks-r.start)/r.dur, r.count-1)
	return t.Fragment(r.first + int(j))
}

// End is the end of the last fragment in TimeScale units (0 when empty).
func (t *timeline) End() uint64 {
	if len(t.runs) == 0 {
		return 0
	}
	r := t.runs[len(t.runs)-1]
	return r.start + r.dur*r.count
}

// Time converts a time in TimeScale units into a time.Duration, rounding
// down and saturating at the largest time.Duration.
func (t *timeline) Time(ticks uint64) time.Duration { return ticksToDuration(ticks, t.scale) }

// Ticks converts d into TimeScale units, rounding down; a negative d is 0
// and the result saturates at the largest uint64.
func (t *timeline) Ticks(d time.Duration) uint64 { return durationToTicks(d, t.scale) }

// Extend adds a fragment announced after the manifest was read (a live
// fragment's tfrf box, [MS-SSTR] 2.2.4.5) to the end of the timeline.
// A fragment that starts before the end of the timeline is already known
// (or overlaps a known one) and is ignored: added is false. A zero
// duration, an end beyond the uint64 range or a timeline already holding
// MaxFragments is an error.
func (t *timeline) Extend(start, duration uint64) (added bool, err error) {
	if duration == 0 {
		return false, fmt.Errorf("%w: fragment at %d has duration 0", ErrInvalid, start)
	}
	if _, c := bits.Add64(start, duration, 0); c != 0 {
		return false, fmt.Errorf("%w: fragment at %d lasting %d ends past 2^64", ErrInvalid, start, duration)
	}
	if start < t.End() {
		return false, nil
	}
	if t.n >= MaxFragments {
		return false, fmt.Errorf("%w: more than %d fragments in one stream", ErrTooLarge, MaxFragments)
	}
	if k := len(t.runs) - 1; k >= 0 && t.runs[k].dur == duration && t.End() == start {
		t.runs[k].count++
	} else {
		t.runs = append(t.runs, run{start: start, dur: duration, count: 1, first: t.n})
	}
	t.n++
	return true, nil
}

// TrimBefore drops the fragments that end at or before ticks (those a
// live server's DVR window no longer holds) and returns how many went.
// The remaining fragments are renumbered from 0.
func (t *timeline) TrimBefore(ticks uint64) int {
	dropped := 0
	keep := t.runs[:0]
	for _, r := range t.runs {
		// Fragments of r that end at or before ticks.
		gone := uint64(0)
		if ticks >= r.start+r.dur {
			gone = min((ticks-r.start)/r.dur, r.count)
		}
		dropped += int(gone)
		if gone == r.count {
			continue
		}
		r.start += gone * r.dur
		r.count -= gone
		keep = append(keep, r)
	}
	t.runs = keep
	t.n = 0
	for i := range t.runs {
		t.runs[i].first = t.n
		t.n += int(t.runs[i].count)
	}
	return dropped
}

// ticksToDuration is ticks/scale seconds as a time.Duration, computed on
// 128 bits so that no product overflows, rounded down and saturated.
func ticksToDuration(ticks, scale uint64) time.Duration {
	if scale == 0 {
		return 0
	}
	hi, lo := bits.Mul64(ticks, uint64(time.Second))
	if hi >= scale {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, scale)
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(q)
}

// durationToTicks is d in 1/scale s units, rounded down, 0 for negative d.
func durationToTicks(d time.Duration, scale uint64) uint64 {
	if d <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(d), scale)
	if hi >= uint64(time.Second) {
		return math.MaxUint64
	}
	q, _ := bits.Div64(hi, lo, uint64(time.Second))
	return q
}
