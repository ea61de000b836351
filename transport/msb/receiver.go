package msb

import (
	"net/netip"
	"time"

	"github.com/eddyplayer/eddy/asf"
)

// Bounds of the receiver's state, in packets.
const (
	// maxSpan is the largest FEC span ([MS-MSB] 2.2.2: at most 15).
	maxSpan = 15
	// maxAhead is how far past a gap packets are held before the gap is
	// given up: two spans and their parity packets, so that a loss can
	// wait for its parity even when packets come slightly out of order.
	maxAhead = 2 * (maxSpan + 1)
	// keep is how many packets behind the delivery point are kept for
	// parity recovery.
	keep = 2 * (maxSpan + 1)
	// maxJump is the largest dwPacketID distance taken as loss or late
	// arrival; beyond it the sequence restarted (resync).
	maxJump = 4096
	// DefaultGapHold is how long a gap holds back the packets after it
	// when neither the missing packet nor its parity comes.
	DefaultGapHold = 2 * time.Second
)

// item is a data packet delivered in order.
type item struct {
	stream uint16
	pkt    []byte
	// gap: packets were lost just before this one.
	gap bool
	// end marks the end of the stream (the End of Stream timer, 3.2.6.2);
	// err a receiving error that ends it.
	end bool
	err error
	// epoch is the session's play epoch when the item was queued.
	epoch uint32
}

type stored struct {
	stream uint16
	ec     ecInfo
	pkt    []byte // the whole ASF packet
}

// receiver turns datagrams into ASF packets in dwPacketID order ([MS-MSB]
// 3.2.5): it filters them (source, Beacons, unknown formats, malformed
// ones), drops duplicates, reorders within maxAhead packets, rebuilds one
// lost packet per span from its parity packet (3.2.5.3) and gives up gaps
// that cannot be filled. It does no I/O and reads no clock: the caller
// passes the time. It is used by one goroutine.
type receiver struct {
	// known reports whether a wStreamID names a Format of the station.
	known func(streamID uint16) bool
	// source, when valid, is the only accepted sender address.
	source netip.Addr
	// hold is how long a gap may hold delivery (DefaultGapHold when 0).
	hold time.Duration
	c    *counters
	// onLost is told of each run of packets given up (for play logs).
	onLost func(n int64)

	// heard is set by the first Beacon or known MSB packet; lastData is
	// when the last known MSB packet came.
	heard    bool
	lastData time.Time
	// first is the wStreamID of the first known MSB packet, -1 before.
	first int32

	started bool
	next    uint32 // next dwPacketID to deliver
	gap     bool   // packets were given up before next
	gapAt   time.Time
	held    map[uint32]stored // data packets at or after next
	data    map[uint32]stored // data packets received recently (for XOR)
	parity  map[uint32]stored // parity packets by dwPacketID
	pktBuf  asf.Packet
}

func newReceiver(known func(uint16) bool, source netip.Addr, hold time.Duration, c *counters) *receiver {
	if hold <= 0 {
		hold = DefaultGapHold
	}
	return &receiver{
		known: known, source: source, hold: hold, c: c, onLost: func(int64) {}, first: -1,
		held: map[uint32]stored{}, data: map[uint32]stored{}, parity: map[uint32]stored{},
	}
}

// before reports a < b in dwPacketID order (serial arithmetic).
func before(a, b uint32) bool { return int32(a-b) < 0 }

// datagram processes one datagram from address from, received at now, and
// emits the packets it makes deliverable. b is not retained.
func (r *receiver) datagram(b []byte, from netip.Addr, now time.Time, emit func(item)) {
	r.c.datagrams.Add(1)
	if r.source.IsValid() && from.Unmap() != r.source {
		r.c.wrongSource.Add(1)
		return
	}
	if IsBeacon(b) {
		r.c.beacons.Add(1)
		r.heard = true
		return
	}
	var p Packet
	if err := p.Unmarshal(b); err != nil {
		r.c.malformed.Add(1)
		return
	}
	if p.StreamID&reservedBits != 0 || !r.known(p.StreamID) {
		// 3.2.5.2: ignore packets of an unknown wStreamID.
		r.c.unknownFormat.Add(1)
		return
	}
	ec, ok := parseEC(p.ASF)
	if !ok {
		r.c.malformed.Add(1)
		return
	}
	r.heard = true
	r.lastData = now
	if r.first < 0 {
		r.first = int32(p.StreamID)
	}
	r.c.bytes.Add(int64(len(b)))
	s := stored{stream: p.StreamID, ec: ec, pkt: append([]byte(nil), p.ASF...)}
	if ec.parity {
		r.addParity(p.ID, s, now, emit)
		return
	}
	r.addData(p.ID, s, now, emit)
}

func (r *receiver) addData(id uint32, s stored, now time.Time, emit func(item)) {
	if !r.started {
		r.started, r.next = true, id
	}
	if before(id, r.next) {
		switch {
		case r.next-id > maxJump:
			r.resync(id, emit)
		case r.hasData(id):
			r.c.duplicate.Add(1)
			return
		default:
			r.c.late.Add(1)
			return
		}
	} else if id-r.next > maxJump {
		r.resync(id, emit)
	}
	if r.hasData(id) {
		r.c.duplicate.Add(1)
		return
	}
	r.c.received.Add(1)
	r.data[id] = s
	r.held[id] = s
	// A parity packet that came before this (reordered) packet may now
	// rebuild another one of its span.
	for pid, ps := range r.parity {
		if ps.ec.cycle == s.ec.cycle && !before(pid, id) && pid-id <= maxSpan {
			r.recover(pid)
			break
		}
	}
	r.drain(now, emit)
}

func (r *receiver) hasData(id uint32) bool {
	_, ok := r.data[id]
	return ok
}

func (r *receiver) addParity(id uint32, s stored, now time.Time, emit func(item)) {
	if _, dup := r.parity[id]; dup {
		r.c.duplicate.Add(1)
		return
	}
	r.c.parity.Add(1)
	if r.started && before(id, r.next) && r.next-id > maxJump {
		r.resync(id+1, emit)
	}
	if r.started && (before(id, r.next-keep) || !before(id, r.next) && id-r.next > 2*maxAhead) {
		// Too old to help, or so far ahead that the gaps before it will
		// be given up: not kept, so that parity packets cannot pile up.
		return
	}
	r.parity[id] = s
	r.recover(id)
	r.drain(now, emit)
}

// resync restarts delivery at id after a jump of the sequence: what is
// held is delivered first.
func (r *receiver) resync(id uint32, emit func(item)) {
	r.c.resyncs.Add(1)
	r.flush(emit)
	clear(r.data)
	clear(r.parity)
	r.next, r.gap = id, true
}

// spanStart finds the first dwPacketID of the span that the parity packet
// pid closes ([MS-MSB] 2.2.2): right after the previous cycle's parity
// packet; or from the parity's Number when the server numbers packets by
// their position (the parity is span+1); or the first received packet of
// the cycle when the packet before it belongs to another cycle.
func (r *receiver) spanStart(pid uint32, pe ecInfo) (uint32, bool) {
	for qid, q := range r.parity {
		if q.ec.fec && q.ec.cycle == pe.cycle-1 && before(qid, pid) && pid-qid <= maxSpan {
			return qid + 1, true
		}
	}
	if pe.number >= 2 && int(pe.number) <= maxSpan+1 {
		s := pid - uint32(pe.number) + 2
		consistent := true
		for id := s; !before(pid, id); id++ {
			if d, ok := r.data[id]; ok && (d.ec.cycle != pe.cycle || d.ec.number != byte(id-s+1)) {
				consistent = false
			}
		}
		if consistent {
			return s, true
		}
	}
	first, found := uint32(0), false
	for id := pid - maxSpan + 1; !before(pid, id); id++ {
		if d, ok := r.data[id]; ok && d.ec.cycle == pe.cycle {
			first, found = id, true
			break
		}
	}
	if !found {
		return 0, false
	}
	if d, ok := r.data[first-1]; ok && d.ec.cycle != pe.cycle {
		return first, true
	}
	if q, ok := r.parity[first-1]; ok && q.ec.cycle != pe.cycle {
		return first, true
	}
	return 0, false
}

// recover rebuilds the one missing data packet of the span closed by the
// parity packet pid, if exactly one is missing and not yet given up: the
// XOR of the parity data and the span's other packets, each without its
// Error Correction Flags and Data and zero-padded to the longest
// ([MS-MSB] 2.2.2, 3.2.5.3).
func (r *receiver) recover(pid uint32) {
	ps := r.parity[pid]
	if !ps.ec.fec {
		return
	}
	start, ok := r.spanStart(pid, ps.ec)
	if !ok || pid-start >= maxSpan {
		return
	}
	missing, nMissing := uint32(0), 0
	size := len(ps.pkt) - ps.ec.skip
	for id := start; !before(pid, id); id++ {
		d, ok := r.data[id]
		if !ok {
			missing = id
			nMissing++
			continue
		}
		if d.ec.skip != ps.ec.skip || d.ec.cycle != ps.ec.cycle {
			return // not one span after all
		}
		size = max(size, len(d.pkt)-d.ec.skip)
	}
	if nMissing != 1 || (r.started && before(missing, r.next)) {
		return
	}
	body := make([]byte, size)
	copy(body, ps.pkt[ps.ec.skip:])
	for id := start; !before(pid, id); id++ {
		if d, ok := r.data[id]; ok {
			for i, b := range d.pkt[d.ec.skip:] {
				body[i] ^= b
			}
		}
	}
	pkt := make([]byte, 0, ps.ec.skip+size)
	pkt = append(pkt, ps.pkt[0]&^0x10) // a data packet: Opaque Data Present 0
	if ps.ec.skip >= 3 {
		number := byte(1)
		if ps.ec.number >= 2 {
			number = byte(missing - start + 1)
		}
		pkt = append(pkt, 1<<4|number&0x0F, ps.ec.cycle)
		pkt = append(pkt, ps.pkt[3:ps.ec.skip]...)
	} else {
		pkt = append(pkt, ps.pkt[1:ps.ec.skip]...)
	}
	pkt = r.trim(append(pkt, body...))
	s := stored{stream: ps.stream, ec: ecInfo{skip: ps.ec.skip, fec: true, typ: 1, cycle: ps.ec.cycle}, pkt: pkt}
	for id := start; !before(pid, id); id++ {
		if d, ok := r.data[id]; ok {
			s.stream = d.stream // the span's own wStreamID
			break
		}
	}
	r.c.recovered.Add(1)
	r.data[missing] = s
	r.held[missing] = s
}

// trim removes the zero bytes the XOR padded a rebuilt packet with when
// its sender had stripped its padding: a single-payload packet without a
// Packet Length field runs to its end, so they would be taken as payload.
// The payload's real length is what its media object still needed
// (Media Object Size − Offset).
func (r *receiver) trim(pkt []byte) []byte {
	p := &r.pktBuf
	if p.Unmarshal(pkt, 0) != nil || p.Multiple || len(p.Payloads) != 1 || (p.LengthTypeFlags>>5)&3 != 0 {
		return pkt
	}
	pl := &p.Payloads[0]
	if pl.Compressed || pl.ObjectSize == 0 || pl.Offset >= pl.ObjectSize {
		return pkt
	}
	need := uint64(pl.ObjectSize - pl.Offset)
	if uint64(len(pl.Data)) <= need {
		return pkt
	}
	excess := len(pl.Data) - int(need)
	for _, b := range pkt[len(pkt)-excess:] {
		if b != 0 {
			return pkt
		}
	}
	return pkt[:len(pkt)-excess]
}

// drain delivers the packets that follow next without a gap, and gives up
// a gap when maxAhead packets wait behind it or it has lasted the hold
// time.
func (r *receiver) drain(now time.Time, emit func(item)) {
	for {
		if s, ok := r.held[r.next]; ok {
			delete(r.held, r.next)
			emit(item{stream: s.stream, pkt: s.pkt, gap: r.gap})
			r.gap = false
			r.gapAt = time.Time{}
			r.next++
			continue
		}
		if len(r.held) == 0 {
			break
		}
		if r.gapAt.IsZero() {
			r.gapAt = now
		}
		lo, hi := r.heldRange()
		if hi-r.next < maxAhead && now.Sub(r.gapAt) < r.hold {
			break
		}
		r.giveUp(lo)
	}
	r.prune()
}

// heldRange returns the lowest and highest held dwPacketID.
func (r *receiver) heldRange() (lo, hi uint32) {
	first := true
	for id := range r.held {
		if first || before(id, lo) {
			lo = id
		}
		if first || before(hi, id) {
			hi = id
		}
		first = false
	}
	return lo, hi
}

// giveUp counts the packets from next to lo as lost and moves on to lo.
func (r *receiver) giveUp(lo uint32) {
	n := int64(lo - r.next)
	r.c.lost.Add(n)
	r.onLost(n)
	r.next, r.gap = lo, true
}

// prune forgets packets too old to help a recovery.
func (r *receiver) prune() {
	for id := range r.data {
		if before(id, r.next-keep) {
			delete(r.data, id)
		}
	}
	for id := range r.parity {
		if before(id, r.next-keep) {
			delete(r.parity, id)
		}
	}
}

// tick gives up gaps whose hold time has passed.
func (r *receiver) tick(now time.Time, emit func(item)) { r.drain(now, emit) }

// deadline is when tick must run next: when the current gap's hold time
// ends (zero when there is no gap).
func (r *receiver) deadline() time.Time {
	if len(r.held) == 0 || r.gapAt.IsZero() {
		return time.Time{}
	}
	return r.gapAt.Add(r.hold)
}

// flush delivers everything held, counting the gaps between as lost (the
// end of the stream: nothing more will come).
func (r *receiver) flush(emit func(item)) {
	for len(r.held) > 0 {
		if s, ok := r.held[r.next]; ok {
			delete(r.held, r.next)
			emit(item{stream: s.stream, pkt: s.pkt, gap: r.gap})
			r.gap = false
			r.next++
			continue
		}
		lo, _ := r.heldRange()
		r.giveUp(lo)
	}
	r.gapAt = time.Time{}
}
