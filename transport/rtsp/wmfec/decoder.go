package wmfec

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"sort"

	"github.com/pion/rtp"
)

const (
	// DefaultWindow is the DecoderConfig.Window used when it is 0.
	DefaultWindow = 2
	// MaxWindow is the largest DecoderConfig.Window.
	MaxWindow = 16
)

// DecoderConfig configures a Decoder.
type DecoderConfig struct {
	// Params are the FEC parameters in force: those of the SETUP response's
	// Transport header ([MS-RTSP] 3.1.5.9), else the a=fmtp defaults. They
	// size the window; FEC packets are decoded by their own headers.
	Params Params
	// Window is how many Total Spans (Params.Span × Params.BurstMargin
	// source packets) of sequence numbers behind the newest source packet
	// the Decoder keeps: source packets, spans and rebuilt packets older
	// than that are dropped. 0 means DefaultWindow; at most MaxWindow.
	Window int
	// SSRC is the source stream's SSRC (the ssrc parameter of the SETUP
	// response's Transport header, [MS-RTSP] 2.2.6.11), given to packets
	// rebuilt before any source packet of the stream arrived. Once one has,
	// the SSRC of the source packets is used.
	SSRC uint32
}

// Stats are a Decoder's counters.
type Stats struct {
	// Recovered counts the source packets rebuilt from FEC.
	Recovered uint64
	// RecoveredSpans counts the spans in which packets were rebuilt.
	RecoveredSpans uint64
	// CompleteSpans counts the spans whose source packets all arrived, so
	// their FEC packets were discarded unused ([MS-RTSP] 3.1.5.12.1).
	CompleteSpans uint64
	// UnrecoverableSpans counts the spans that left the window (or were
	// flushed) missing more source packets than FEC packets arrived for
	// them, or whose FEC packets contradict their source packets (a rebuilt
	// length beyond the FEC data, a known packet longer than the FEC data,
	// a payload type over 7 bits).
	UnrecoverableSpans uint64
	// MalformedFEC counts FEC packets dropped for their header: shorter
	// than 16 bytes, E = 1, or an empty Mask ([MS-RTSP] 2.2.2.4).
	MalformedFEC uint64
	// Late counts packets dropped because their span or sequence number is
	// outside the window (too old, or implausibly far ahead for a FEC packet).
	Late uint64
	// Duplicates counts source packets and FEC packets received twice (a
	// source packet already rebuilt counts too); the copies are ignored.
	Duplicates uint64
	// MarkerGuessed counts rebuilt packets handed out with M = 0 because the
	// packet after them never arrived to tell whether their fragment ended
	// an ASF packet.
	MarkerGuessed uint64
}

// Decoder rebuilds lost source RTP packets of one RTP stream (one SSRC) from
// the FEC packets of [MS-RTSP] 2.2.2, as 3.1.5.12.1 describes: a span is
// the source packets a FEC packet's SN Base and Mask name; once a packet at
// or after a span's last one has arrived, a span missing no more packets than
// it has FEC packets is rebuilt, and a complete span's FEC packets are
// discarded. Source packets pass through the caller unchanged; the Decoder
// returns only the packets it rebuilt, header fields included (sequence
// number, timestamp, payload type, the marker bit inferred from the x-asf-pf
// payload, the SSRC of the span's other packets, V = 2 with no CSRC,
// extension or padding, which Windows Media servers do not use).
//
// Packets may come in any order, twice, or too late: what falls outside the
// window is counted and dropped. Memory is bounded by the window: at most
// Window × TotalSpan + 24 sequence numbers of source packets (rounded up to a
// power of two), (Window+1) × BurstMargin spans, each keeping at most as
// many FEC packets as it has source packets.
//
// The Decoder keeps references to the packets pushed (their Payload must not
// change afterwards) and returns packets it allocated. It is not safe for
// concurrent use; it reads no clock.
type Decoder struct {
	window   int           // sequence numbers kept behind the newest, a power of two
	ring     []*rtp.Packet // source packets (received or rebuilt) by sequence number & (window−1)
	started  bool          // a source packet has arrived
	highest  uint16        // the newest source sequence number
	ssrc     uint32        // the SSRC of the last source packet
	spans    map[uint64]*span
	order    []*span // by creation, oldest first
	maxSpans int
	pending  []*rtp.Packet // rebuilt, waiting for the next packet to settle M; oldest first
	stats    Stats
}

type span struct {
	key  uint64
	base uint16 // SN Base
	last uint16 // the sequence number of the span's last packet
	mask uint32
	k    int
	fec  []fecPacket // distinct FecIndex, at most k
	done bool        // complete, rebuilt or given up: later FEC packets are dropped
}

type fecPacket struct {
	h    Header
	data []byte
}

// NewDecoder returns a Decoder for cfg. It fails when cfg.Params break
// Params.Validate or cfg.Window is not in 0..MaxWindow.
func NewDecoder(cfg DecoderConfig) (*Decoder, error) {
	if err := cfg.Params.Validate(); err != nil {
		return nil, fmt.Errorf("wmfec: decoder: %w", err)
	}
	w := cfg.Window
	if w == 0 {
		w = DefaultWindow
	}
	if w < 1 || w > MaxWindow {
		return nil, fmt.Errorf("%w: decoder window %d not in 1..%d", ErrParamRange, cfg.Window, MaxWindow)
	}
	n := 1
	for n < w*cfg.Params.TotalSpan()+MaxSpan {
		n <<= 1
	}
	return &Decoder{
		window:   n,
		ring:     make([]*rtp.Packet, n),
		spans:    make(map[uint64]*span),
		maxSpans: (w + 1) * cfg.Params.BurstMargin,
		ssrc:     cfg.SSRC,
	}, nil
}

// Stats returns the counters.
func (d *Decoder) Stats() Stats { return d.stats }

// age returns how far seq is behind the newest source sequence number
// (negative when it is ahead), in the RFC 3550 serial sense.
func (d *Decoder) age(seq uint16) int { return int(int16(d.highest - seq)) }

// get returns the source packet with sequence number seq, or nil.
func (d *Decoder) get(seq uint16) *rtp.Packet {
	if p := d.ring[int(seq)&(d.window-1)]; p != nil && p.SequenceNumber == seq {
		return p
	}
	return nil
}

// PushMedia takes a received source packet of the stream (the packet itself
// goes on to the caller's reorder list: the Decoder only keeps a reference)
// and returns the packets it could rebuild because of it, in no particular
// order, or nil.
func (d *Decoder) PushMedia(p *rtp.Packet) []*rtp.Packet {
	if p == nil {
		return nil
	}
	seq := p.SequenceNumber
	var out []*rtp.Packet
	if !d.started {
		d.started, d.highest = true, seq
	} else if a := d.age(seq); a >= d.window {
		d.stats.Late++
		return nil
	} else if a < 0 {
		out = d.advance(seq, out)
	}
	if d.get(seq) != nil {
		d.stats.Duplicates++
		return out
	}
	d.ring[int(seq)&(d.window-1)] = p
	d.ssrc = p.SSRC
	out = d.settle(out)
	for _, s := range d.order {
		if !s.done && d.age(s.last) >= 0 && int16(seq-s.base) >= 0 {
			out = d.recover(s, out)
		}
	}
	return out
}

// advance makes seq the newest source sequence number: spans and pending
// packets that fall out of the window leave first (with a last attempt at
// recovery while their packets are still in the ring), then the sequence
// numbers passed over are cleared from the ring.
func (d *Decoder) advance(seq uint16, out []*rtp.Packet) []*rtp.Packet {
	old := d.highest
	d.highest = seq
	out = d.expire(out)
	if step := int(seq - old); step >= d.window {
		clear(d.ring)
	} else {
		for s := old + 1; s != seq+1; s++ {
			d.ring[int(s)&(d.window-1)] = nil
		}
	}
	return out
}

// expire drops the spans whose first packet and the pending packets whose
// successor are outside the window.
func (d *Decoder) expire(out []*rtp.Packet) []*rtp.Packet {
	for len(d.order) > 0 && d.age(d.order[0].base) >= d.window {
		out = d.evict(out)
	}
	for len(d.pending) > 0 && d.age(d.pending[0].SequenceNumber+1) >= d.window {
		out = d.release(out)
	}
	return out
}

// evict removes the oldest span, trying its recovery one last time.
func (d *Decoder) evict(out []*rtp.Packet) []*rtp.Packet {
	s := d.order[0]
	d.order[0] = nil
	d.order = d.order[1:]
	delete(d.spans, s.key)
	if !s.done {
		out = d.recover(s, out)
		if !s.done {
			d.stats.UnrecoverableSpans++
		}
	}
	return out
}

// release hands out the oldest pending packet with M = 0: its successor
// never came.
func (d *Decoder) release(out []*rtp.Packet) []*rtp.Packet {
	p := d.pending[0]
	d.pending[0] = nil
	d.pending = d.pending[1:]
	p.Marker = false
	d.stats.MarkerGuessed++
	return append(out, p)
}

// settle hands out the pending packets whose successor has arrived.
func (d *Decoder) settle(out []*rtp.Packet) []*rtp.Packet {
	kept := d.pending[:0]
	for _, p := range d.pending {
		next := d.get(p.SequenceNumber + 1)
		if next == nil {
			kept = append(kept, p)
			continue
		}
		p.Marker, _ = inferMarker(p.Payload, next)
		out = append(out, p)
	}
	clear(d.pending[len(kept):])
	d.pending = kept
	return out
}

// PushFEC takes a FEC packet of the stream ([MS-RTSP] 2.2.2: its RTP payload
// is the 16-byte FEC header and the FEC data) and returns the packets it could
// rebuild because of it, or nil. The FEC packet is never a source packet
// ([MS-RTSP] 3.1.5.12.2: the caller drops it after this call). The Decoder
// keeps a reference to its payload.
func (d *Decoder) PushFEC(p *rtp.Packet) []*rtp.Packet {
	if p == nil {
		return nil
	}
	var h Header
	if _, err := h.Unmarshal(p.Payload); err != nil || h.E || h.Mask == 0 || h.Mask > 0xFFFFFF {
		d.stats.MalformedFEC++
		return nil
	}
	if d.started {
		if a := d.age(h.SNBase); a >= d.window || a < -d.window {
			d.stats.Late++
			return nil
		}
	}
	key := uint64(h.SNBase)<<24 | uint64(h.Mask)
	var out []*rtp.Packet
	s := d.spans[key]
	if s == nil {
		s = &span{
			key:  key,
			base: h.SNBase,
			last: h.SNBase + uint16(bits.Len32(h.Mask)-1),
			mask: h.Mask,
			k:    bits.OnesCount32(h.Mask),
		}
		d.spans[key] = s
		d.order = append(d.order, s)
		for len(d.order) > d.maxSpans {
			out = d.evict(out)
		}
	}
	if s.done {
		return out // complete or rebuilt: the FEC packet is not needed
	}
	for _, f := range s.fec {
		if f.h.FecIndex == h.FecIndex {
			d.stats.Duplicates++
			return out
		}
	}
	if len(s.fec) >= s.k {
		return out // k FEC packets rebuild any loss the span can have
	}
	s.fec = append(s.fec, fecPacket{h: h, data: p.Payload[HeaderSize:]})
	if d.started && d.age(s.last) >= 0 {
		out = d.recover(s, out)
	}
	return out
}

// Flush ends the stream: it makes a last attempt at every span (the packets
// after the last spans will not come), hands out every rebuilt packet still
// waiting for its successor (M = 0 when it cannot be told), and empties the
// Decoder, which can then take a new stream. The counters are kept.
func (d *Decoder) Flush() []*rtp.Packet {
	var out []*rtp.Packet
	for len(d.order) > 0 {
		out = d.evict(out)
	}
	out = d.settle(out)
	for len(d.pending) > 0 {
		out = d.release(out) // a lone fragment whose successor never came
	}
	clear(d.ring)
	d.started = false
	d.pending = nil
	d.order = nil
	return out
}

// recover rebuilds the span's missing packets when it has enough FEC
// packets, or marks a complete span done ([MS-RTSP] 3.1.5.12.1).
func (d *Decoder) recover(s *span, out []*rtp.Packet) []*rtp.Packet {
	if s.done {
		return out
	}
	var cols [MaxSpan]uint16
	var known [MaxSpan]*rtp.Packet
	var missing []int
	k := 0
	for i := 0; i < MaxSpan; i++ {
		if s.mask&(1<<i) == 0 {
			continue
		}
		cols[k] = s.base + uint16(i)
		known[k] = d.get(cols[k])
		if known[k] == nil {
			missing = append(missing, k)
		}
		k++
	}
	if len(missing) == 0 {
		s.done, s.fec = true, nil
		d.stats.CompleteSpans++
		return out
	}
	e := len(missing)
	if e > len(s.fec) {
		return out
	}
	fec := s.fec[:e]
	sort.Slice(fec, func(a, b int) bool { return fec[a].h.FecIndex < fec[b].h.FecIndex })
	rebuilt, ok := d.solve(s, cols[:k], known[:k], missing, fec)
	s.done, s.fec = true, nil
	if !ok {
		d.stats.UnrecoverableSpans++
		return out
	}
	d.stats.RecoveredSpans++
	d.stats.Recovered += uint64(len(rebuilt))
	for _, p := range rebuilt {
		d.ring[int(p.SequenceNumber)&(d.window-1)] = p
	}
	for _, p := range rebuilt {
		m, known := inferMarker(p.Payload, d.get(p.SequenceNumber+1))
		if !known {
			if len(d.pending) >= d.window {
				out = d.release(out)
			}
			d.pending = append(d.pending, p)
			continue
		}
		p.Marker = m
		out = append(out, p)
	}
	return out
}

// solve rebuilds the missing columns of a span from e FEC packets: with
// x_j the symbols of source packet j (the coded header fields, then its bytes
// after the fixed RTP header, zero-padded to the FEC data length L) and g_f
// the generator row of FecIndex f, y_f = Σ_j g_f[j]·x_j; subtracting the
// known packets leaves e equations in the e missing ones, solved with the
// inverse of A[a][b] = g_{f_a}[m_b] ([MS-RTSP] 2.2.2.2.1).
func (d *Decoder) solve(s *span, cols []uint16, known []*rtp.Packet, missing []int, fec []fecPacket) ([]*rtp.Packet, bool) {
	k, e := len(cols), len(missing)
	rows := fecRows(k)
	L := 0
	for _, f := range fec {
		L = max(L, len(f.data))
	}
	ssrc := d.ssrc
	ys := make([][]byte, e)
	for a, f := range fec {
		y := make([]byte, fieldSymbols+L)
		binary.BigEndian.PutUint16(y[0:], f.h.LengthRecovery)
		y[2] = f.h.PTRecovery
		binary.BigEndian.PutUint32(y[3:], f.h.TSRecovery)
		copy(y[fieldSymbols:], f.data)
		ys[a] = y
	}
	var sym [fieldSymbols]byte
	for j, p := range known {
		if p == nil {
			continue
		}
		b, err := protected(p)
		if err != nil || len(b) > L || p.PayloadType > 0x7F {
			return nil, false
		}
		ssrc = p.SSRC
		putFields(sym[:], len(b), p.PayloadType, p.Timestamp)
		for a, f := range fec {
			c := rows[int(f.h.FecIndex)*k+j]
			mulAdd(ys[a][:fieldSymbols], sym[:], c)
			mulAdd(ys[a][fieldSymbols:], b, c)
		}
	}
	A := make([]byte, e*e)
	for a, f := range fec {
		for b, m := range missing {
			A[a*e+b] = rows[int(f.h.FecIndex)*k+m]
		}
	}
	inv, ok := invert(A, e)
	if !ok {
		return nil, false
	}
	out := make([]*rtp.Packet, e)
	for b, m := range missing {
		x := make([]byte, fieldSymbols+L)
		for a := 0; a < e; a++ {
			mulAdd(x, ys[a], inv[b*e+a])
		}
		n := int(binary.BigEndian.Uint16(x[0:]))
		if n > L || x[2] > 0x7F {
			return nil, false
		}
		out[b] = &rtp.Packet{
			Header: rtp.Header{
				Version:        2,
				PayloadType:    x[2],
				SequenceNumber: cols[m],
				Timestamp:      binary.BigEndian.Uint32(x[3:]),
				SSRC:           ssrc,
			},
			Payload: x[fieldSymbols : fieldSymbols+n : fieldSymbols+n],
		}
	}
	return out, true
}
