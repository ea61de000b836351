package rtx

import (
	"errors"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

func newTracker(t testing.TB, cfg TrackerConfig) *Tracker {
	t.Helper()
	tr, err := NewTracker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func recv(tr *Tracker, at time.Time, seqs ...uint16) {
	for _, s := range seqs {
		tr.Received(s, uint32(s)*10, at, false)
	}
}

func wantSeqs(t *testing.T, got []uint16, want ...uint16) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("Poll = %v, want %v", got, want)
	}
}

func TestTrackerConfig(t *testing.T) {
	for _, c := range []TrackerConfig{
		{Window: -1}, {Window: MaxWindow + 1}, {Tries: 17}, {Tries: -1},
		{RTT: -time.Second}, {ReorderDelay: -1}, {ClockRate: -5},
	} {
		if _, err := NewTracker(c); !errors.Is(err, ErrConfig) {
			t.Errorf("NewTracker(%+v) = %v", c, err)
		}
	}
}

// A gap is asked for once it has lasted ReorderDelay; a packet that was
// only reordered, and arrives within it, is never asked for.
func TestTrackerReorderDelay(t *testing.T) {
	tr := newTracker(t, TrackerConfig{ReorderDelay: 20 * time.Millisecond})
	recv(tr, ms(0), 1, 3, 6)
	recv(tr, ms(10), 2) // reordered, not lost
	if at, ok := tr.NextPoll(); !ok || !at.Equal(ms(20)) {
		t.Fatalf("NextPoll = %v %v", at, ok)
	}
	wantSeqs(t, tr.Poll(ms(19)))
	wantSeqs(t, tr.Poll(ms(20)), 4, 5)
	if s := tr.Stats(); s.NACKs != 1 || s.Asked != 2 || s.Outstanding != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// A packet not resent is asked for again each retransmission timeout
// (RTT 100 ms: RTO = SRTT + 4·RTTVAR = 100 + 4·50 = 300 ms), Tries times
// in all, then dropped.
func TestTrackerReasksOnRTTBudget(t *testing.T) {
	tr := newTracker(t, TrackerConfig{RTT: 100 * time.Millisecond, Tries: 3})
	recv(tr, ms(0), 1, 3)
	wantSeqs(t, tr.Poll(ms(20)), 2)
	if at, _ := tr.NextPoll(); !at.Equal(ms(320)) {
		t.Fatalf("NextPoll %v, want 320 ms", at.Sub(t0))
	}
	wantSeqs(t, tr.Poll(ms(319)))
	wantSeqs(t, tr.Poll(ms(320)), 2)
	wantSeqs(t, tr.Poll(ms(620)), 2)
	wantSeqs(t, tr.Poll(ms(920)))
	s := tr.Stats()
	if s.Asked != 3 || s.NACKs != 3 || s.Exhausted != 1 || s.Outstanding != 0 {
		t.Fatalf("stats %+v", s)
	}
	if _, ok := tr.NextPoll(); ok {
		t.Fatal("NextPoll with nothing missing")
	}
}

// A resend of a packet asked for once measures the round trip (RFC 6298
// 2.3: RTTVAR = 3/4·50 + 1/4·|100-40| = 52.5 ms, SRTT = 7/8·100 + 1/8·40 =
// 92.5 ms); one asked for twice does not (Karn).
func TestTrackerMeasuresRTT(t *testing.T) {
	tr := newTracker(t, TrackerConfig{RTT: 100 * time.Millisecond})
	recv(tr, ms(0), 1, 3, 5)
	wantSeqs(t, tr.Poll(ms(20)), 2, 4)
	tr.Received(2, 20, ms(60), true)
	if s := tr.Stats(); s.SRTT != 92500*time.Microsecond || s.Filled != 1 {
		t.Fatalf("stats %+v", s)
	}
	// RTO is now 92.5 + 4·52.5 = 302.5 ms.
	wantSeqs(t, tr.Poll(ms(322)))
	wantSeqs(t, tr.Poll(ms(323)), 4)
	tr.Received(4, 40, ms(330), true)
	if s := tr.Stats(); s.SRTT != 92500*time.Microsecond || s.Filled != 2 {
		t.Fatalf("a twice-asked resend changed the RTT: %+v", s)
	}
}

// Once the jitter buffer gives a gap up, it is no longer asked for.
func TestTrackerGiveUp(t *testing.T) {
	tr := newTracker(t, TrackerConfig{})
	recv(tr, ms(0), 1, 3, 5, 8)
	tr.GiveUpBefore(5)
	wantSeqs(t, tr.Poll(ms(100)), 6, 7)
	if s := tr.Stats(); s.Abandoned != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// Only the newest Window numbers are watched.
func TestTrackerWindow(t *testing.T) {
	tr := newTracker(t, TrackerConfig{Window: 8})
	recv(tr, ms(0), 0, 2, 3, 4, 5, 6, 7, 8)
	recv(tr, ms(0), 9) // 1 is now 8 behind the highest
	wantSeqs(t, tr.Poll(ms(100)))
	// A jump past the window asks only for what the window holds.
	recv(tr, ms(100), 30)
	wantSeqs(t, tr.Poll(ms(200)), 23, 24, 25, 26, 27, 28, 29)
	if s := tr.Stats(); s.Abandoned != 1+13 {
		t.Fatalf("stats %+v", s)
	}
}

// One NACK holds at most 128 numbers (MS-RTSP 3.2.5.10) in at most 32
// entries (3.1.4.6); the rest wait for the next NACK, SRTT/4 later.
func TestTrackerPacketLimits(t *testing.T) {
	tr := newTracker(t, TrackerConfig{Window: MaxWindow, RTT: 100 * time.Millisecond})
	recv(tr, ms(0), 0, 201) // 200 missing in a row: 8 entries of 16+1
	first := tr.Poll(ms(20))
	if len(first) != MaxNACKSeqs || first[0] != 1 || first[127] != 128 {
		t.Fatalf("first NACK %d numbers %v..", len(first), first[:1])
	}
	wantSeqs(t, tr.Poll(ms(44)))
	if at, _ := tr.NextPoll(); !at.Equal(ms(45)) {
		t.Fatalf("NextPoll %v, want SRTT/4 after the first", at.Sub(t0))
	}
	if second := tr.Poll(ms(45)); len(second) != 72 || second[0] != 129 {
		t.Fatalf("second NACK %d numbers", len(second))
	}

	tr = newTracker(t, TrackerConfig{Window: MaxWindow})
	for s := range uint16(40*17 + 1) {
		if s%17 != 0 || s == 0 {
			recv(tr, ms(0), s) // every 17th lost: each loss its own entry
		}
	}
	got := tr.Poll(ms(20))
	if Entries(got) != MaxNACKEntries || len(got) != MaxNACKEntries || got[31] != 32*17 {
		t.Fatalf("%d numbers in %d entries: %v", len(got), Entries(got), got)
	}
	n := NACK{Lost: got}
	if _, err := n.Marshal(); err != nil {
		t.Fatalf("a Poll result does not make a NACK: %v", err)
	}
}

// A server keeps about 10 s of packets (MS-RTSP 3.2.4.3): older ones are
// not asked for.
func TestTrackerMaxAge(t *testing.T) {
	tr := newTracker(t, TrackerConfig{})
	tr.Received(1, 0, ms(0), false)
	tr.Received(3, 1000, ms(0), false)  // 2 missing, neighbour ts 1000
	tr.Received(5, 11001, ms(0), false) // 4 missing; newest ts 11001
	wantSeqs(t, tr.Poll(ms(20)), 4)
	if s := tr.Stats(); s.Abandoned != 1 {
		t.Fatalf("stats %+v", s)
	}
}

// With the first sequence number known (RTP-Info), a lost first packet is
// asked for; without it, the first packet received starts the tracking.
func TestTrackerResetAt(t *testing.T) {
	tr := newTracker(t, TrackerConfig{})
	tr.ResetAt(0xffff)
	recv(tr, ms(0), 0x0001)
	wantSeqs(t, tr.Poll(ms(20)), 0xffff, 0x0000)
	tr.Reset()
	recv(tr, ms(100), 0x0005, 0x0007)
	wantSeqs(t, tr.Poll(ms(200)), 0x0006)
}

func TestTrackerWrapAround(t *testing.T) {
	tr := newTracker(t, TrackerConfig{})
	recv(tr, ms(0), 0xfffd, 0xfffe, 0x0001)
	wantSeqs(t, tr.Poll(ms(20)), 0xffff, 0x0000)
}

// A far jump is a restart of the numbering only when the next packet
// follows it (RFC 3550 A.1); a resend never is.
func TestTrackerSequenceJump(t *testing.T) {
	tr := newTracker(t, TrackerConfig{})
	recv(tr, ms(0), 10, 12)
	tr.Received(40000, 0, ms(1), true)
	recv(tr, ms(1), 30000) // stray
	recv(tr, ms(1), 14)
	wantSeqs(t, tr.Poll(ms(30)), 11, 13)
	recv(tr, ms(40), 50000, 50001, 50003)
	wantSeqs(t, tr.Poll(ms(100)), 50002)
}

// FuzzTracker feeds arbitrary receptions, give-ups, resends and time steps,
// and checks that Poll only asks for numbers not received since they went
// missing and not given up, in order, within one NACK's limits, never more
// than Tries times, and that the tracker stays within its window.
func FuzzTracker(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 0, 5, 3, 30, 4, 0, 3, 200, 4, 0, 3, 250, 4, 0})
	f.Add([]byte{0, 1, 0, 0xf0, 3, 25, 4, 0, 1, 0xf1, 3, 100, 4, 0})
	f.Add([]byte{0, 1, 2, 3, 0, 9, 3, 50, 4, 0, 5, 0})
	f.Add([]byte{0, 1, 6, 100, 0, 1, 3, 40, 4, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		const tries = 3
		tr := newTracker(t, TrackerConfig{Window: 64, Tries: tries, RTT: 50 * time.Millisecond})
		now := t0
		seq := uint16(65530)
		have := map[uint16]bool{}  // received since last missing
		asked := map[uint16]int{}  // asks since last missing
		floor := map[uint16]bool{} // given up
		started := false           // a give-up before any packet is moot
		for i := 0; i+1 < len(ops); i += 2 {
			arg := ops[i+1]
			switch ops[i] % 7 {
			case 0, 1: // next packets, skipping arg%8 of them
				for k := uint16(0); k < uint16(arg%8); k++ {
					seq++
					delete(have, seq)
					delete(asked, seq)
					delete(floor, seq)
				}
				seq++
				tr.Received(seq, uint32(seq), now, false)
				have[seq] = true
				started = true
			case 2: // a resend of an older number
				s := seq - uint16(arg%70)
				tr.Received(s, uint32(s), now, true)
				have[s] = true
				started = true
			case 3:
				now = now.Add(time.Duration(arg) * time.Millisecond)
			case 4:
				got := tr.Poll(now)
				if len(got) > MaxNACKSeqs || Entries(got) > MaxNACKEntries {
					t.Fatalf("Poll %d numbers in %d entries", len(got), Entries(got))
				}
				for j, s := range got {
					if j > 0 && int16(s-got[j-1]) <= 0 {
						t.Fatalf("Poll out of order: %v", got)
					}
					if have[s] || floor[s] {
						t.Fatalf("asked for %d, received or given up", s)
					}
					asked[s]++
					if asked[s] > tries {
						t.Fatalf("asked for %d %d times", s, asked[s])
					}
				}
			case 5:
				s := seq - uint16(arg%70)
				tr.GiveUpBefore(s)
				for k := uint16(1); k <= 200 && started; k++ {
					floor[s-k] = true
				}
			case 6: // a far jump, maybe confirmed
				seq += 20000
				tr.Received(seq, uint32(seq), now, false)
				clear(have)
				clear(asked)
				clear(floor)
				have[seq] = true
			}
			if s := tr.Stats(); s.Outstanding < 0 || s.Outstanding > 64 {
				t.Fatalf("outstanding %d", s.Outstanding)
			}
		}
	})
}
