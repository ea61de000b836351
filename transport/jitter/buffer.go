package jitter

import (
	"fmt"
	"math"
	"time"

	"github.com/pion/rtp"
)

const (
	// MinCapacity is the smallest window New accepts.
	MinCapacity = 2
	// MaxCapacity bounds the window (and the memory a Buffer holds).
	MaxCapacity = 1 << 14
	// MaxClockRate bounds Config.ClockRate.
	MaxClockRate = 10_000_000

	// maxDropout and maxMisorder are RFC 3550 A.1's limits: a packet
	// further ahead of the highest sequence number, or further behind the
	// window, than these starts a new sequence only when the packet after
	// it confirms the jump.
	maxDropout  = 3000
	maxMisorder = 100

	// minHistory is the least number of released or given-up sequence
	// numbers remembered, to tell a duplicate from a late packet.
	minHistory = 1024
)

// Origin says where a packet came from.
type Origin uint8

const (
	// Original is a packet from the media RTP session.
	Original Origin = iota
	// Resent is a copy retransmitted on the x-wms-rtx session after a
	// NACK (MS-RTSP 2.2.3.1).
	Resent
	// Recovered is a packet rebuilt by FEC (MS-RTSP 3.1.5.12.1).
	Recovered
)

func (o Origin) String() string {
	switch o {
	case Original:
		return "original"
	case Resent:
		return "resent"
	case Recovered:
		return "recovered"
	}
	return fmt.Sprintf("Origin(%d)", uint8(o))
}

// Outcome is what Push did with a packet.
type Outcome uint8

const (
	// Accepted: the packet is held for Pop.
	Accepted Outcome = iota
	// Duplicate: the packet is held already or was released already; it is
	// dropped (MS-RTSP 3.1.5.12.2: "unless the RTP packet has the same
	// value for the Sequence Number field").
	Duplicate
	// Late: the gap the packet would have filled was given up; dropped.
	Late
	// Discarded: a nil packet, or a sequence jump (RFC 3550 A.1) that the
	// next packet has not confirmed; dropped.
	Discarded
)

func (o Outcome) String() string {
	switch o {
	case Accepted:
		return "accepted"
	case Duplicate:
		return "duplicate"
	case Late:
		return "late"
	case Discarded:
		return "discarded"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Config configures a Buffer.
type Config struct {
	// Capacity is the reorder window in sequence numbers, and so the most
	// packets held: MinCapacity..MaxCapacity. Size it with Size. A packet
	// arriving Capacity or more sequence numbers after the oldest gap
	// gives that gap up at once.
	Capacity int
	// ClockRate is the RTP clock of the timestamps, in Hz, for the
	// interarrival jitter: 1000 for x-asf-pf (MS-RTSP 2.2.5.3).
	ClockRate int
	// Deadline returns the time by which p must be handed on: its playout
	// time (from the ASF send time in the RTP timestamp and the audio
	// clock) less what decoding needs. A gap is given up when the
	// deadline of any packet held behind it passes. It is called once per
	// accepted packet, inside Push, on Push's goroutine. Nil means no
	// deadline but MaxWait.
	Deadline func(p *rtp.Packet, arrival time.Time) time.Time
	// MaxWait, when positive, caps every deadline at the packet's arrival
	// plus MaxWait. At least one of Deadline and MaxWait is required.
	MaxWait time.Duration
}

// Stats is a snapshot of a Buffer's counters.
type Stats struct {
	// Accepted counts packets held for release, of every origin.
	Accepted int64
	// Released counts packets returned by Pop.
	Released int64
	// Lost counts sequence numbers given up (reported by Pop as lost).
	Lost int64
	// Overflow counts the sequence numbers of Lost given up early because
	// the window was full.
	Overflow int64
	// Late counts packets that arrived after their gap was given up.
	Late int64
	// Duplicate counts packets already held or released.
	Duplicate int64
	// Discarded counts nil packets and unconfirmed sequence jumps.
	Discarded int64
	// Dropped counts packets forced out of the window that were dropped
	// because Pop was not called (they are in Lost too).
	Dropped int64
	// Resyncs counts confirmed sequence jumps (RFC 3550 A.1): the sender
	// restarted its numbering and the buffer followed it.
	Resyncs int64
	// RecoveredResent counts resent packets accepted in time.
	RecoveredResent int64
	// RecoveredFEC counts FEC-recovered packets accepted in time.
	RecoveredFEC int64
	// Jitter is the RFC 3550 (6.4.1, A.8) interarrival jitter of the
	// original packets.
	Jitter time.Duration
}

type slot struct {
	p        *rtp.Packet
	deadline time.Time
	used     bool
}

type readyItem struct {
	p    *rtp.Packet
	lost int
}

const (
	histNone uint8 = iota
	histDelivered
	histGivenUp
)

// Buffer reorders the RTP packets of one RTP session (one SSRC) by
// sequence number (MS-RTSP 3.1.5.12.2). It is not safe for concurrent use:
// one owner goroutine pushes, pops and reads the stats.
//
// Sequence numbers are extended to 64 bits internally (RFC 3550 A.1) and
// compared as the spec asks: the difference of two 16-bit numbers read as
// a signed 16-bit integer.
type Buffer struct {
	cfg Config
	n   int64

	ring []slot  // held packets, index ext mod n, for ext in [next, next+n)
	hist []uint8 // fate of ext in [next-len(hist), next), index ext mod len(hist)
	hn   int64   // len(hist)

	ready     []readyItem // packets forced out of the window, FIFO, cap n
	readyHead int
	readyLen  int

	init    bool
	started bool  // a packet was released: next no longer moves back
	next    int64 // next extended sequence number to release
	highest int64 // highest extended sequence number accepted
	head    int64 // lowest held, valid when count > 0
	count   int
	carry   int // sequence numbers given up before the next release

	badSeq   uint16
	badValid bool

	haveT0      bool
	t0          time.Time
	transit     uint32
	haveTransit bool
	jitter16    int64 // RFC 3550 A.8 jitter, in clock units, times 16

	stats Stats
}

// New returns an empty Buffer.
func New(cfg Config) (*Buffer, error) {
	if cfg.Capacity < MinCapacity || cfg.Capacity > MaxCapacity {
		return nil, fmt.Errorf("%w: capacity %d outside %d..%d", ErrConfig, cfg.Capacity, MinCapacity, MaxCapacity)
	}
	if cfg.ClockRate <= 0 || cfg.ClockRate > MaxClockRate {
		return nil, fmt.Errorf("%w: clock rate %d outside 1..%d", ErrConfig, cfg.ClockRate, MaxClockRate)
	}
	if cfg.Deadline == nil && cfg.MaxWait <= 0 {
		return nil, fmt.Errorf("%w: neither Deadline nor MaxWait", ErrConfig)
	}
	return &Buffer{
		cfg:   cfg,
		n:     int64(cfg.Capacity),
		ring:  make([]slot, cfg.Capacity),
		hist:  make([]uint8, max(cfg.Capacity, minHistory)),
		hn:    int64(max(cfg.Capacity, minHistory)),
		ready: make([]readyItem, cfg.Capacity),
	}, nil
}

// Capacity returns the window size.
func (b *Buffer) Capacity() int { return int(b.n) }

// Held returns the number of packets waiting to be popped.
func (b *Buffer) Held() int { return b.count + b.readyLen }

// Stats returns the counters.
func (b *Buffer) Stats() Stats {
	s := b.stats
	s.Jitter = time.Duration(float64(b.jitter16) / 16 / float64(b.cfg.ClockRate) * float64(time.Second))
	return s
}

// Reset drops every held packet and forgets the sequence (after a seek the
// server starts a new run of packets); the next packet pushed starts it
// again. Counters are kept.
func (b *Buffer) Reset() {
	clear(b.ring)
	clear(b.hist)
	clear(b.ready)
	b.readyHead, b.readyLen = 0, 0
	b.init, b.started = false, false
	b.count, b.carry = 0, 0
	b.badValid = false
	b.haveTransit = false
}

// ResetAt is Reset, then expects seq as the first packet: the seq of the
// PLAY response's RTP-Info (RFC 2326 12.33, MS-RTSP 2.2.6.8). A missing
// first packet is then a gap like any other, and earlier packets are late.
// Without it (Reset, or a new Buffer) the window starts at the lowest
// packet pushed before the first Pop, and a packet older than the first
// one released is late.
func (b *Buffer) ResetAt(seq uint16) {
	b.Reset()
	b.begin(seq)
	b.started = true
}

func (b *Buffer) begin(seq uint16) {
	b.init = true
	b.highest = 1<<16 + int64(seq)
	b.next = b.highest
}

func (b *Buffer) idx(ext int64) int { return int(ext % b.n) }

// unwrap extends seq to 64 bits next to the highest sequence number so far.
func (b *Buffer) unwrap(seq uint16) int64 {
	return b.highest + int64(int16(seq-uint16(b.highest)))
}

// Push offers a packet that arrived at arrival. The buffer keeps p (it
// does not copy it) until Pop returns it.
func (b *Buffer) Push(p *rtp.Packet, arrival time.Time, origin Origin) Outcome {
	if p == nil {
		b.stats.Discarded++
		return Discarded
	}
	seq := p.SequenceNumber
	if !b.init {
		b.begin(seq)
	}
	ext := b.unwrap(seq)
	switch {
	case ext < b.next:
		if !b.started && b.highest-ext < b.n {
			// Nothing released yet: the window may still start earlier.
			b.next = ext
			break
		}
		back := b.next - ext
		if back <= b.hn && b.hist[ext%b.hn] == histDelivered {
			b.stats.Duplicate++
			return Duplicate
		}
		if back <= b.n || back <= maxMisorder || origin != Original {
			b.stats.Late++
			if origin == Original {
				b.updateJitter(p.Timestamp, arrival)
			}
			return Late
		}
		if !b.confirmJump(seq) {
			return Discarded
		}
		ext = b.unwrap(seq)
	case ext-b.highest > max(maxDropout, b.n):
		if origin != Original || !b.confirmJump(seq) {
			if origin != Original {
				b.stats.Discarded++
			}
			return Discarded
		}
		ext = b.unwrap(seq)
	case ext >= b.next+b.n:
		b.overflow(ext - b.n + 1)
	}
	s := &b.ring[b.idx(ext)]
	if s.used {
		b.stats.Duplicate++
		return Duplicate
	}
	b.badValid = false
	if origin == Original {
		b.updateJitter(p.Timestamp, arrival)
	}
	*s = slot{p: p, deadline: b.deadline(p, arrival), used: true}
	if b.count == 0 || ext < b.head {
		b.head = ext
	}
	b.count++
	if ext > b.highest {
		b.highest = ext
	}
	b.stats.Accepted++
	switch origin {
	case Resent:
		b.stats.RecoveredResent++
	case Recovered:
		b.stats.RecoveredFEC++
	}
	return Accepted
}

// confirmJump applies RFC 3550 A.1's probation to an original packet far
// from the sequence: the first is discarded, and a second that follows it
// (seq = the first's + 1) starts a new sequence at itself, after the held
// packets are forced out.
func (b *Buffer) confirmJump(seq uint16) bool {
	if !b.badValid || seq != b.badSeq {
		b.badSeq, b.badValid = seq+1, true
		b.stats.Discarded++
		return false
	}
	b.badValid = false
	b.overflow(b.highest + 1)
	b.begin(seq)
	clear(b.hist)
	b.started = true
	b.haveTransit = false
	b.stats.Resyncs++
	return true
}

func (b *Buffer) deadline(p *rtp.Packet, arrival time.Time) time.Time {
	var dl time.Time
	if b.cfg.Deadline != nil {
		dl = b.cfg.Deadline(p, arrival)
	}
	if b.cfg.MaxWait > 0 {
		limit := arrival.Add(b.cfg.MaxWait)
		if b.cfg.Deadline == nil || limit.Before(dl) {
			dl = limit
		}
	}
	return dl
}

// overflow moves the window so that it starts at to: held packets before
// it go to the ready queue in order, the missing ones are given up.
func (b *Buffer) overflow(to int64) {
	if to <= b.next {
		return
	}
	gap, total := 0, int64(0)
	end := min(to, b.next+b.n) // the ring holds nothing at or beyond next+n
	for e := b.next; e < end; e++ {
		s := &b.ring[b.idx(e)]
		if s.used {
			b.enqueueReady(readyItem{p: s.p, lost: b.carry + gap})
			b.carry, gap = 0, 0
			*s = slot{}
			b.count--
			b.setHist(e, histDelivered)
			continue
		}
		gap++
		total++
		b.setHist(e, histGivenUp)
	}
	if to > end {
		// Beyond the ring: nothing held, all given up. Only the last hn
		// need a history entry.
		for e := max(end, to-b.hn); e < to; e++ {
			b.setHist(e, histGivenUp)
		}
		gap += int(to - end)
		total += to - end
	}
	b.carry += gap
	b.stats.Lost += total
	b.stats.Overflow += total
	b.next = to
	b.started = true
	if b.count > 0 {
		b.head = b.scanHeld(to)
	}
}

func (b *Buffer) enqueueReady(it readyItem) {
	if b.readyLen == len(b.ready) {
		// Pop was not called while the window overflowed again and again:
		// drop the oldest, count it lost before the next one.
		old := b.ready[b.readyHead]
		b.ready[b.readyHead] = readyItem{}
		b.readyHead = (b.readyHead + 1) % len(b.ready)
		b.readyLen--
		b.stats.Dropped++
		b.stats.Lost++
		if b.readyLen > 0 {
			b.ready[b.readyHead].lost += old.lost + 1
		} else {
			it.lost += old.lost + 1
		}
	}
	b.ready[(b.readyHead+b.readyLen)%len(b.ready)] = it
	b.readyLen++
}

func (b *Buffer) setHist(ext int64, v uint8) { b.hist[ext%b.hn] = v }

// scanHeld returns the lowest held extended sequence number at or after
// from; count must be positive.
func (b *Buffer) scanHeld(from int64) int64 {
	for e := from; e <= b.highest; e++ {
		if b.ring[b.idx(e)].used {
			return e
		}
	}
	return b.highest // not reached while count > 0
}

// minDeadline is the earliest deadline of the held packets; count > 0.
func (b *Buffer) minDeadline() time.Time {
	var dl time.Time
	first := true
	for e := b.head; e <= b.highest; e++ {
		s := &b.ring[b.idx(e)]
		if s.used && (first || s.deadline.Before(dl)) {
			dl, first = s.deadline, false
		}
	}
	return dl
}

// Pop returns the next packet in sequence order when it can go now: the
// oldest packet forced out of the window, the packet at the head, or the
// packet after a gap whose deadline has passed (the gap is given up).
// lost is the number of sequence numbers given up just before p
// (NumLost, MS-RTSP 3.1.5.12.2). ok is false when nothing can go at now.
func (b *Buffer) Pop(now time.Time) (p *rtp.Packet, lost int, ok bool) {
	if b.readyLen > 0 {
		it := b.ready[b.readyHead]
		b.ready[b.readyHead] = readyItem{}
		b.readyHead = (b.readyHead + 1) % len(b.ready)
		b.readyLen--
		b.stats.Released++
		return it.p, it.lost, true
	}
	if b.count == 0 {
		return nil, 0, false
	}
	h := b.head
	if h != b.next {
		if now.Before(b.minDeadline()) {
			return nil, 0, false
		}
		gap := h - b.next
		for e := max(b.next, h-b.hn); e < h; e++ {
			b.setHist(e, histGivenUp)
		}
		b.stats.Lost += gap
		b.carry += int(gap)
	}
	s := &b.ring[b.idx(h)]
	p = s.p
	*s = slot{}
	b.count--
	b.setHist(h, histDelivered)
	b.next = h + 1
	b.started = true
	if b.count > 0 {
		b.head = b.scanHeld(h + 1)
	}
	lost, b.carry = b.carry, 0
	b.stats.Released++
	return p, lost, true
}

// NextDeadline returns when Pop will next have a packet without another
// Push: a time not after now when one can go already, or the deadline at
// which the gap at the head will be given up. ok is false when nothing is
// held.
func (b *Buffer) NextDeadline() (at time.Time, ok bool) {
	if b.readyLen > 0 || (b.count > 0 && b.head == b.next) {
		return time.Time{}, true
	}
	if b.count == 0 {
		return time.Time{}, false
	}
	return b.minDeadline(), true
}

// updateJitter is RFC 3550 A.8: J += (|D| - J)/16, where D is the
// difference of the transit times (arrival in clock units minus the RTP
// timestamp) of this packet and the previous one.
func (b *Buffer) updateJitter(ts uint32, arrival time.Time) {
	if !b.haveT0 {
		b.t0, b.haveT0 = arrival, true
	}
	d := arrival.Sub(b.t0)
	rate := int64(b.cfg.ClockRate)
	units := int64(d/time.Second)*rate + int64(d%time.Second)*rate/int64(time.Second)
	transit := uint32(units) - ts
	if b.haveTransit {
		delta := int64(int32(transit - b.transit))
		if delta < 0 {
			delta = -delta
		}
		b.jitter16 += delta - ((b.jitter16 + 8) >> 4)
	}
	b.transit, b.haveTransit = transit, true
}

// Size returns a Capacity for a stream: the FEC queue (RTP-Queue-Limit =
// FecSpan×FecBurstMargin + FecPerSpan, MS-RTSP 3.1.5.9; 0 without FEC),
// plus the packets that arrive, at packetRate packets per second, during
// tries+1 round trips (noticing the loss, then each ask for a resend),
// plus a reorder margin of MinCapacity×8. Bad inputs (negative, NaN) count as
// zero; the result is within MinCapacity..MaxCapacity.
func Size(queueLimit int, packetRate float64, rtt time.Duration, tries int) int {
	const margin = MinCapacity * 8
	queueLimit = min(max(queueLimit, 0), MaxCapacity)
	if math.IsNaN(packetRate) || packetRate < 0 {
		packetRate = 0
	}
	rtt = max(rtt, 0)
	tries = min(max(tries, 1), 16)
	inFlight := packetRate * rtt.Seconds() * float64(tries+1)
	if inFlight > MaxCapacity {
		inFlight = MaxCapacity
	}
	n := queueLimit + int(math.Ceil(inFlight)) + margin
	return min(max(n, MinCapacity), MaxCapacity)
}
