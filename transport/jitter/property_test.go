package jitter

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/pion/rtp"
)

type netEvent struct {
	at     time.Time
	i      int // packet index; seq = first + i
	origin Origin
}

// lossyPath simulates a stream of n packets, one every 10 ms, through a
// path that delays each by 5–85 ms (so reorders), loses pLoss of them,
// duplicates pDup, and sends a resend (50–300 ms after the original was
// sent) or an FEC recovery (120 ms after) for some lost ones.
func lossyPath(rng *rand.Rand, n int, pLoss, pDup float64) []netEvent {
	var ev []netEvent
	for i := range n {
		send := t0.Add(time.Duration(i) * 10 * time.Millisecond)
		delay := func(lo, span int) time.Time {
			return send.Add(time.Duration(lo+rng.IntN(span)) * time.Millisecond)
		}
		if rng.Float64() < pLoss {
			switch r := rng.Float64(); {
			case r < 0.5:
				ev = append(ev, netEvent{delay(50, 250), i, Resent})
			case r < 0.7:
				ev = append(ev, netEvent{send.Add(120 * time.Millisecond), i, Recovered})
			}
			continue
		}
		ev = append(ev, netEvent{delay(5, 80), i, Original})
		if rng.Float64() < pDup {
			ev = append(ev, netEvent{delay(5, 200), i, Original})
		}
		if rng.Float64() < pDup {
			// A resend of a packet that was only late, not lost.
			ev = append(ev, netEvent{delay(50, 250), i, Resent})
		}
	}
	slices.SortStableFunc(ev, func(a, b netEvent) int { return a.at.Compare(b.at) })
	return ev
}

// TestNeverLosesAPacketInTime plays seeded random reorder, loss,
// duplication, resends and FEC recoveries through a Buffer and checks,
// against a model of what it was given:
//   - packets come out in sequence order, each NumLost equal to the 16-bit
//     gap to the previous packet;
//   - every accepted packet comes out exactly once;
//   - no sequence number is given up once any copy of it has arrived, and
//     a copy is late only if its number was given up before it came;
//   - in a window wide enough never to overflow, a gap is given up only
//     once the deadline of a packet held behind it has passed;
//   - the buffer holds no more than its capacity, and the counters add up.
func TestNeverLosesAPacketInTime(t *testing.T) {
	for _, tc := range []struct {
		name     string
		capacity int
		overflow bool
	}{
		{"wide", 256, false},
		{"narrow", 12, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range uint64(12) {
				runLossyPath(t, seed, tc.capacity, tc.overflow)
			}
		})
	}
}

func runLossyPath(t *testing.T, seed uint64, capacity int, allowOverflow bool) {
	const (
		n     = 3000
		first = uint16(65000) // wraps
		hold  = 150 * time.Millisecond
	)
	rng := rand.New(rand.NewPCG(seed, 0x6a17))
	events := lossyPath(rng, n, 0.08, 0.05)
	deadline := func(p *rtp.Packet, arrival time.Time) time.Time { return arrival.Add(hold) }
	b, err := New(Config{Capacity: capacity, ClockRate: 1000, Deadline: deadline})
	if err != nil {
		t.Fatal(err)
	}
	// The session knows the first sequence number from the PLAY
	// response's RTP-Info (RFC 2326 12.33, MS-RTSP 2.2.6.8).
	b.ResetAt(first)

	seqOf := func(i int) uint16 { return first + uint16(i) }
	arrived := map[uint16]bool{}      // a copy was pushed
	accepted := map[uint16]bool{}     // Push said Accepted
	held := map[uint16]time.Time{}    // model: accepted, not released, with deadline
	givenUp := map[uint16]time.Time{} // when a number was given up
	released := map[uint16]int{}      // times released
	outcomes := map[Outcome]int64{}   // Push results
	prev := first - 1                 // so the first packet's NumLost counts from first
	var lostSum int64
	now := t0

	giveUp := func(g uint16, at time.Time) {
		if _, ok := givenUp[g]; ok {
			return // seen pending already
		}
		if arrived[g] {
			t.Fatalf("seed %d: %d given up at %v although it had arrived", seed, g, at.Sub(t0))
		}
		givenUp[g] = at
	}
	popAt := func(at time.Time) {
		if at.After(now) {
			now = at
		}
		// Numbers given up when the window overflowed are reported with the
		// next packet released; until then they follow the last one.
		defer func() {
			for k := range b.Stats().Lost - lostSum {
				giveUp(prev+uint16(k+1), now)
			}
		}()
		for {
			p, lost, ok := b.Pop(now)
			if !ok {
				return
			}
			s := p.SequenceNumber
			if gap := int(s - prev - 1); gap != lost {
				t.Fatalf("seed %d: %d after %d reports %d lost, want %d", seed, s, prev, lost, gap)
			}
			if lost > 0 && !allowOverflow {
				// Given up by deadline: some packet held behind the gap
				// must be due.
				due := false
				for _, dl := range held {
					if !now.Before(dl) {
						due = true
					}
				}
				if !due {
					t.Fatalf("seed %d: gap before %d given up at %v with nothing due", seed, s, now.Sub(t0))
				}
			}
			for k := 1; k <= lost; k++ {
				giveUp(s-uint16(k), now)
			}
			lostSum += int64(lost)
			released[s]++
			if released[s] > 1 {
				t.Fatalf("seed %d: %d released twice", seed, s)
			}
			if !accepted[s] {
				t.Fatalf("seed %d: %d released but never accepted", seed, s)
			}
			delete(held, s)
			prev = s
		}
	}

	for _, e := range events {
		for {
			at, ok := b.NextDeadline()
			if !ok || at.After(e.at) {
				break
			}
			popAt(at)
		}
		if e.at.After(now) {
			now = e.at
		}
		s := seqOf(e.i)
		o := b.Push(&rtp.Packet{Header: rtp.Header{SequenceNumber: s, Timestamp: uint32(e.i * 10)}}, now, e.origin)
		outcomes[o]++
		switch o {
		case Accepted:
			if accepted[s] {
				t.Fatalf("seed %d: %d accepted twice", seed, s)
			}
			accepted[s] = true
			held[s] = deadline(nil, now)
		case Late:
			if _, ok := givenUp[s]; !ok {
				t.Fatalf("seed %d: %d (%v) called late but never given up", seed, s, e.origin)
			}
		case Duplicate:
			if !accepted[s] {
				t.Fatalf("seed %d: %d called duplicate but never accepted", seed, s)
			}
		case Discarded:
			t.Fatalf("seed %d: %d discarded", seed, s)
		}
		arrived[s] = true
		if b.Held() > capacity {
			t.Fatalf("seed %d: holds %d > capacity %d", seed, b.Held(), capacity)
		}
		popAt(now)
	}
	popAt(now.Add(time.Hour))

	if len(held) != 0 {
		t.Fatalf("seed %d: %d accepted packets never released", seed, len(held))
	}
	st := b.Stats()
	if st.Accepted != outcomes[Accepted] || st.Late != outcomes[Late] || st.Duplicate != outcomes[Duplicate] {
		t.Fatalf("seed %d: stats %+v, outcomes %v", seed, st, outcomes)
	}
	if st.Released != st.Accepted || st.Lost != lostSum || st.Dropped != 0 {
		t.Fatalf("seed %d: stats %+v, %d lost reported", seed, st, lostSum)
	}
	if !allowOverflow && st.Overflow != 0 {
		t.Fatalf("seed %d: %d given up by overflow in a wide window", seed, st.Overflow)
	}
	if allowOverflow && st.Overflow == 0 {
		t.Fatalf("seed %d: the narrow window never overflowed; the test does not reach that path", seed)
	}
	if st.Late == 0 || st.Duplicate == 0 || st.RecoveredResent == 0 || st.RecoveredFEC == 0 || st.Lost == 0 {
		t.Fatalf("seed %d: the path did not produce every case: %+v", seed, st)
	}
}
