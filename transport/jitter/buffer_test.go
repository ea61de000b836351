package jitter

import (
	"errors"
	"testing"
	"time"

	"github.com/pion/rtp"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func pkt(seq uint16, ts uint32) *rtp.Packet {
	return &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts}}
}

func newBuf(t testing.TB, capacity int, wait time.Duration) *Buffer {
	t.Helper()
	b, err := New(Config{Capacity: capacity, ClockRate: 1000, MaxWait: wait})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type popped struct {
	seq  uint16
	lost int
}

// drain pops everything that can go at now.
func drain(b *Buffer, now time.Time) []popped {
	var out []popped
	for {
		p, lost, ok := b.Pop(now)
		if !ok {
			return out
		}
		out = append(out, popped{p.SequenceNumber, lost})
	}
}

func wantPops(t *testing.T, got []popped, want ...popped) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("popped %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("popped %v, want %v", got, want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{
		{Capacity: 1, ClockRate: 1000, MaxWait: time.Second},
		{Capacity: MaxCapacity + 1, ClockRate: 1000, MaxWait: time.Second},
		{Capacity: 16, ClockRate: 0, MaxWait: time.Second},
		{Capacity: 16, ClockRate: MaxClockRate + 1, MaxWait: time.Second},
		{Capacity: 16, ClockRate: 1000},
	} {
		if _, err := New(c); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", c, err)
		}
	}
}

func TestInOrderGoesAtOnce(t *testing.T) {
	b := newBuf(t, 16, time.Second)
	for i := range uint16(5) {
		if o := b.Push(pkt(100+i, 0), t0, Original); o != Accepted {
			t.Fatalf("push %d: %v", i, o)
		}
		wantPops(t, drain(b, t0), popped{100 + i, 0})
	}
	if _, ok := b.NextDeadline(); ok {
		t.Fatal("NextDeadline with nothing held")
	}
}

// A gap holds the packets behind it until the missing one arrives (MS-RTSP
// 3.1.5.12.2: the higher layer keeps the current packet and waits).
func TestGapFilledInTime(t *testing.T) {
	b := newBuf(t, 16, 100*time.Millisecond)
	b.Push(pkt(1, 0), t0, Original)
	b.Push(pkt(3, 0), t0, Original)
	b.Push(pkt(4, 0), t0, Original)
	wantPops(t, drain(b, t0.Add(99*time.Millisecond)), popped{1, 0})
	if at, ok := b.NextDeadline(); !ok || !at.Equal(t0.Add(100*time.Millisecond)) {
		t.Fatalf("NextDeadline = %v %v, want the held packets' deadline", at, ok)
	}
	if o := b.Push(pkt(2, 0), t0.Add(99*time.Millisecond), Resent); o != Accepted {
		t.Fatalf("resend: %v", o)
	}
	wantPops(t, drain(b, t0.Add(99*time.Millisecond)), popped{2, 0}, popped{3, 0}, popped{4, 0})
	s := b.Stats()
	if s.Lost != 0 || s.RecoveredResent != 1 || s.Released != 4 {
		t.Fatalf("stats %+v", s)
	}
}

// The gap is given up when the deadline of a packet behind it passes; the
// packet that then goes reports NumLost, and the missing packet arriving
// afterwards is late.
func TestGapGivenUpAtDeadline(t *testing.T) {
	b := newBuf(t, 16, 100*time.Millisecond)
	b.Push(pkt(10, 0), t0, Original)
	wantPops(t, drain(b, t0), popped{10, 0})
	b.Push(pkt(13, 0), t0.Add(5*time.Millisecond), Original)
	b.Push(pkt(14, 0), t0.Add(6*time.Millisecond), Original)
	wantPops(t, drain(b, t0.Add(104*time.Millisecond)))
	wantPops(t, drain(b, t0.Add(105*time.Millisecond)), popped{13, 2}, popped{14, 0})
	if o := b.Push(pkt(11, 0), t0.Add(106*time.Millisecond), Resent); o != Late {
		t.Fatalf("after the give-up: %v, want late", o)
	}
	if o := b.Push(pkt(12, 0), t0.Add(106*time.Millisecond), Original); o != Late {
		t.Fatalf("after the give-up: %v, want late", o)
	}
	s := b.Stats()
	if s.Lost != 2 || s.Late != 2 || s.RecoveredResent != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// The gap's deadline is the earliest deadline of every packet behind it,
// not only of the first.
func TestGapDeadlineIsEarliestHeld(t *testing.T) {
	dl := map[uint16]time.Time{
		3: t0.Add(300 * time.Millisecond),
		4: t0.Add(50 * time.Millisecond), // a key packet due sooner
		6: t0.Add(400 * time.Millisecond),
	}
	b, err := New(Config{Capacity: 16, ClockRate: 1000, Deadline: func(p *rtp.Packet, _ time.Time) time.Time {
		return dl[p.SequenceNumber]
	}})
	if err != nil {
		t.Fatal(err)
	}
	b.Push(pkt(1, 0), t0, Original)
	drain(b, t0)
	b.Push(pkt(3, 0), t0, Original)
	b.Push(pkt(4, 0), t0, Original)
	b.Push(pkt(6, 0), t0, Original)
	if at, _ := b.NextDeadline(); !at.Equal(dl[4]) {
		t.Fatalf("NextDeadline %v, want %v", at, dl[4])
	}
	// At 50 ms packet 4 is due: the gaps before it (2) go; 3 and 4 go.
	// The gap 5 waits for 6's deadline.
	wantPops(t, drain(b, dl[4]), popped{3, 1}, popped{4, 0})
	if at, _ := b.NextDeadline(); !at.Equal(dl[6]) {
		t.Fatalf("NextDeadline %v, want %v", at, dl[6])
	}
	wantPops(t, drain(b, dl[6]), popped{6, 1})
}

func TestMaxWaitCapsDeadline(t *testing.T) {
	b, err := New(Config{Capacity: 16, ClockRate: 1000, MaxWait: 20 * time.Millisecond,
		Deadline: func(*rtp.Packet, time.Time) time.Time { return t0.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	b.Push(pkt(1, 0), t0, Original)
	drain(b, t0)
	b.Push(pkt(3, 0), t0, Original)
	if at, _ := b.NextDeadline(); !at.Equal(t0.Add(20 * time.Millisecond)) {
		t.Fatalf("NextDeadline %v", at)
	}
}

// Sequence numbers wrap: 0xFFFF is followed by 0x0000 (MS-RTSP
// 3.1.5.12.2), and ordering uses the signed 16-bit difference.
func TestWrapAround(t *testing.T) {
	b := newBuf(t, 16, time.Second)
	for _, s := range []uint16{0xfffd, 0x0000, 0xfffe, 0x0002, 0xffff, 0x0001} {
		b.Push(pkt(s, 0), t0, Original)
	}
	wantPops(t, drain(b, t0), popped{0xfffd, 0}, popped{0xfffe, 0}, popped{0xffff, 0},
		popped{0x0000, 0}, popped{0x0001, 0}, popped{0x0002, 0})
	if o := b.Push(pkt(0xffff, 0), t0, Original); o != Duplicate {
		t.Fatalf("0xffff again: %v", o)
	}
	// A gap across the wrap is counted as 16-bit arithmetic says.
	b.Push(pkt(0x0005, 0), t0, Original)
	wantPops(t, drain(b, t0.Add(time.Second)), popped{0x0005, 2})
}

func TestDuplicates(t *testing.T) {
	b := newBuf(t, 16, time.Second)
	b.Push(pkt(1, 0), t0, Original)
	b.Push(pkt(3, 0), t0, Original)
	if o := b.Push(pkt(3, 0), t0, Resent); o != Duplicate {
		t.Fatalf("held twice: %v", o)
	}
	wantPops(t, drain(b, t0), popped{1, 0})
	if o := b.Push(pkt(1, 0), t0, Original); o != Duplicate {
		t.Fatalf("released twice: %v", o)
	}
	s := b.Stats()
	if s.Duplicate != 2 || s.Accepted != 2 || s.RecoveredResent != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// Before anything is released the window may start earlier: a stream that
// begins reordered loses nothing.
func TestStartReordered(t *testing.T) {
	b := newBuf(t, 16, time.Second)
	b.Push(pkt(7, 0), t0, Original)
	b.Push(pkt(5, 0), t0, Original)
	b.Push(pkt(6, 0), t0, Original)
	wantPops(t, drain(b, t0), popped{5, 0}, popped{6, 0}, popped{7, 0})
}

// ResetAt starts at the PLAY response's RTP-Info seq: a packet before it is
// late, and a missing first packet is a gap.
func TestResetAt(t *testing.T) {
	b := newBuf(t, 16, 10*time.Millisecond)
	b.Push(pkt(40, 0), t0, Original)
	b.ResetAt(100)
	if b.Held() != 0 {
		t.Fatalf("Reset kept %d packets", b.Held())
	}
	if o := b.Push(pkt(99, 0), t0, Original); o != Late {
		t.Fatalf("before RTP-Info seq: %v", o)
	}
	b.Push(pkt(101, 0), t0, Original)
	wantPops(t, drain(b, t0))
	wantPops(t, drain(b, t0.Add(10*time.Millisecond)), popped{101, 1})
}

// A packet Capacity or more past the oldest gap gives the gap up at once;
// the window never holds more than Capacity.
func TestOverflowGivesUpOldestGap(t *testing.T) {
	b := newBuf(t, 8, time.Hour)
	b.Push(pkt(0, 0), t0, Original)
	drain(b, t0)
	for s := uint16(2); s <= 8; s++ {
		b.Push(pkt(s, 0), t0, Original)
	}
	wantPops(t, drain(b, t0))
	b.Push(pkt(9, 0), t0, Original)
	got := drain(b, t0)
	want := []popped{{2, 1}}
	for s := uint16(3); s <= 9; s++ {
		want = append(want, popped{s, 0})
	}
	wantPops(t, got, want...)
	if s := b.Stats(); s.Lost != 1 || s.Overflow != 1 {
		t.Fatalf("stats %+v", s)
	}
}

// An owner that pushes without popping cannot grow the buffer past twice
// its capacity; what had to go is counted.
func TestNoPopStaysBounded(t *testing.T) {
	const n = 8
	b := newBuf(t, n, time.Hour)
	for s := range uint16(5 * n) {
		b.Push(pkt(s, 0), t0, Original)
		if b.Held() > 2*n {
			t.Fatalf("holds %d after %d pushes", b.Held(), s+1)
		}
	}
	got := drain(b, t0.Add(2*time.Hour))
	total := 0
	for _, p := range got {
		total += 1 + p.lost
	}
	if total != 5*n {
		t.Fatalf("released+lost = %d, want %d", total, 5*n)
	}
	if s := b.Stats(); s.Dropped == 0 || s.Lost != int64(5*n-len(got)) {
		t.Fatalf("stats %+v, %d released", s, len(got))
	}
}

// A far jump is believed only when the next packet follows it (RFC 3550
// A.1): one stray packet does not flush the window, a restarted numbering
// does.
func TestSequenceJump(t *testing.T) {
	b := newBuf(t, 16, time.Hour)
	b.Push(pkt(1000, 0), t0, Original)
	drain(b, t0)
	b.Push(pkt(1002, 0), t0, Original)
	if o := b.Push(pkt(20000, 0), t0, Original); o != Discarded {
		t.Fatalf("stray far packet: %v", o)
	}
	b.Push(pkt(1001, 0), t0, Original)
	wantPops(t, drain(b, t0), popped{1001, 0}, popped{1002, 0})
	b.Push(pkt(1004, 0), t0, Original)
	b.Push(pkt(50000, 0), t0, Original) // discarded, then confirmed
	if o := b.Push(pkt(50001, 0), t0, Original); o != Accepted {
		t.Fatalf("confirmed jump: %v", o)
	}
	wantPops(t, drain(b, t0), popped{1004, 1}, popped{50001, 0})
	if s := b.Stats(); s.Resyncs != 1 || s.Discarded != 2 {
		t.Fatalf("stats %+v", s)
	}
	// Resends far from the sequence never restart it: 40000 is far behind
	// 50001 (late), 1005 and 1006 far ahead in 16-bit terms (discarded).
	if o := b.Push(pkt(40000, 0), t0, Resent); o != Late {
		t.Fatalf("old resend: %v", o)
	}
	for _, s := range []uint16{1005, 1006} {
		if o := b.Push(pkt(s, 0), t0, Resent); o != Discarded {
			t.Fatalf("resend %d: %v", s, o)
		}
	}
	if s := b.Stats(); s.Resyncs != 1 {
		t.Fatalf("resends restarted the sequence: %+v", s)
	}
}

func TestOriginsCounted(t *testing.T) {
	b := newBuf(t, 16, time.Second)
	b.Push(pkt(1, 0), t0, Original)
	b.Push(pkt(2, 0), t0, Recovered)
	b.Push(pkt(3, 0), t0, Resent)
	s := b.Stats()
	if s.Accepted != 3 || s.RecoveredFEC != 1 || s.RecoveredResent != 1 {
		t.Fatalf("stats %+v", s)
	}
	if b.Push(nil, t0, Original) != Discarded {
		t.Fatal("nil packet accepted")
	}
}

// Interarrival jitter by RFC 3550 A.8 (integer form, jitter scaled by 16):
// packets sent every 20 ms (clock 1000 Hz), the third 10 ms late. Transit
// times 0, 0, 10, 0 give D = 0, 10, 10 and J16 = 0, 10, 10+10-((10+8)>>4)
// = 19, i.e. 19/16 ms.
func TestJitterRFC3550(t *testing.T) {
	b := newBuf(t, 16, time.Second)
	arr := []time.Duration{0, 20, 50, 60}
	for i, a := range arr {
		b.Push(pkt(uint16(i), uint32(20*i)), t0.Add(a*time.Millisecond), Original)
	}
	want := 19 * time.Millisecond / 16
	if got := b.Stats().Jitter; got != want {
		t.Fatalf("jitter %v, want %v", got, want)
	}
	// Resent and recovered packets do not measure the network's jitter.
	b.Push(pkt(9, 80), t0.Add(900*time.Millisecond), Resent)
	if got := b.Stats().Jitter; got != want {
		t.Fatalf("jitter after a resend %v, want %v", got, want)
	}
}

func TestSize(t *testing.T) {
	// 50 packets/s, 200 ms RTT, 2 asks: 3 round trips of packets = 30,
	// plus the FEC queue 24 and the margin 16.
	if got := Size(24, 50, 200*time.Millisecond, 2); got != 24+30+16 {
		t.Fatalf("Size = %d", got)
	}
	for _, c := range []struct {
		q     int
		rate  float64
		rtt   time.Duration
		tries int
	}{
		{-5, -1, -time.Second, -3},
		{1 << 30, 1e300, time.Duration(1<<63 - 1), 1 << 30},
	} {
		if got := Size(c.q, c.rate, c.rtt, c.tries); got < MinCapacity || got > MaxCapacity {
			t.Fatalf("Size(%+v) = %d", c, got)
		}
	}
}
