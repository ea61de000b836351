package asfrtp

import (
	"errors"
	"fmt"

	"github.com/eddyplayer/eddy/asf"
	"github.com/pion/rtp"
)

// DefaultMaxPacketSize bounds an ASF data packet when the SDP gives no
// a=maxps (MS-RTSP 2.2.5.2.2), and any a=maxps larger than it: the largest
// packet the asf package parses.
const DefaultMaxPacketSize = asf.MaxPacketSize

// LengthReading is how the Length of an L = 1 payload format header was
// read (digest §2.3, interop caution).
type LengthReading int

const (
	// LengthUnknown: no RTP packet with a complete ASF packet was decoded
	// yet, or none unambiguously.
	LengthUnknown LengthReading = iota
	// LengthExclusive: Length is the size of the ASF packet alone, as
	// MS-RTSP 2.2.1.3 says.
	LengthExclusive
	// LengthInclusive: Length also counts the payload format header
	// (FFmpeg's reading of Windows Media servers).
	LengthInclusive
	// LengthRemaining: a lone header whose Length matches neither reading
	// but reaches past the payload; the ASF packet is the rest of the
	// payload (VLC's min(Length, remaining)).
	LengthRemaining
)

func (r LengthReading) String() string {
	switch r {
	case LengthExclusive:
		return "exclusive"
	case LengthInclusive:
		return "inclusive"
	case LengthRemaining:
		return "remaining"
	}
	return "unknown"
}

// DepacketizerStats are a Depacketizer's counters.
type DepacketizerStats struct {
	// RTPPackets is the number of RTP packets pushed, Duplicates those
	// dropped for repeating the previous sequence number.
	RTPPackets, Duplicates uint64
	// Packets is the number of ASF packets returned, Reassembled those of
	// them rebuilt from fragments.
	Packets, Reassembled uint64
	// Gaps counts the discontinuities seen: a sequence number that does not
	// follow the previous one, a new SSRC, or a Lost call.
	Gaps uint64
	// PartialsDropped counts ASF packets whose fragments were discarded
	// before the last one came (a gap, an offset that does not continue
	// the packet, a new packet starting, a size over the maximum);
	// FragmentsDropped counts the fragments discarded: those of dropped
	// partial packets and those that continue no packet.
	PartialsDropped, FragmentsDropped uint64
	// Malformed counts RTP payloads that do not follow the payload format
	// (MS-RTSP 3.1.5.12), discarded whole; TooLarge counts ASF packets
	// larger than the maximum packet size, discarded.
	Malformed, TooLarge uint64
	// LengthExclusive, LengthInclusive and LengthRemaining count the RTP
	// packets whose L = 1 headers were read each way; Ambiguous those that
	// parsed both ways (decided by the reading learned so far, else by
	// PreferInclusive).
	LengthExclusive, LengthInclusive, LengthRemaining, Ambiguous uint64
}

// Depacketizer rebuilds the ASF data packets of one RTP session (one UDP
// port or interleaved channel and its SSRC) from x-asf-pf RTP packets
// given in sequence order (MS-RTSP 3.1.5.12.2). It is not safe for
// concurrent use.
type Depacketizer struct {
	// PreferInclusive decides an RTP payload that parses with both
	// readings of Length in favour of the inclusive one until a payload
	// that parses one way only shows which the server uses. Set it for a
	// server whose Server header starts with "WMServer/" (digest §2.3).
	PreferInclusive bool

	maxps   int
	reading LengthReading
	stats   DepacketizerStats

	started bool
	ssrc    uint32
	lastSeq uint16

	// Reusable splits of a payload under each reading of Length.
	ex, in []entry

	// The ASF packet being reassembled from fragments.
	active  bool
	partial []byte
	pieces  uint64 // fragments in partial
	meta    Packet // everything but Data
}

// entry is one payload format header of an RTP payload and its bytes.
type entry struct {
	h    PayloadHeader
	data []byte
}

// NewDepacketizer returns a Depacketizer for ASF packets of at most
// maxPacketSize bytes: the SDP's a=maxps (MS-RTSP 2.2.5.2.2). 0 (absent;
// a=maxps:0 is invalid) or a value above DefaultMaxPacketSize means
// DefaultMaxPacketSize.
func NewDepacketizer(maxPacketSize uint32) *Depacketizer {
	m := DefaultMaxPacketSize
	if maxPacketSize != 0 && maxPacketSize < DefaultMaxPacketSize {
		m = int(maxPacketSize)
	}
	return &Depacketizer{maxps: m}
}

// MaxPacketSize returns the bound on an ASF packet's size in use.
func (d *Depacketizer) MaxPacketSize() int { return d.maxps }

// Stats returns a snapshot of the counters.
func (d *Depacketizer) Stats() DepacketizerStats { return d.stats }

// Reading returns the reading of L = 1 lengths the Depacketizer has
// learned from the last payload that parsed one way only: what the
// session logs about the server.
func (d *Depacketizer) Reading() LengthReading { return d.reading }

// Lost tells the Depacketizer that the n RTP packets following the last
// one pushed are lost for good (the jitter buffer gave up on them,
// MS-RTSP 3.1.5.12.2 NumLost): a partial ASF packet is dropped now, and
// the packet after the gap is taken as consecutive. n ≤ 0 does nothing.
func (d *Depacketizer) Lost(n int) {
	if n <= 0 {
		return
	}
	d.stats.Gaps++
	d.dropPartial()
	if d.started {
		d.lastSeq += uint16(n)
	}
}

// Reset forgets the sequence numbers and any partial packet without
// counting anything: after a seek, a new PLAY or a new playlist entry.
func (d *Depacketizer) Reset() {
	d.started = false
	d.active = false
	d.partial = d.partial[:0]
	d.pieces = 0
}

// Push decodes one RTP packet and calls emit, on the caller's goroutine,
// for every ASF packet it completes; each Packet owns its Data. The RTP
// packet is not retained.
//
// A sequence number that does not follow the previous packet's (or a new
// SSRC) drops the ASF packet being reassembled; one equal to the previous
// is a duplicate and ignored. A payload that breaks the payload format is
// discarded whole (nothing of it is emitted) and an ASF packet over the
// maximum size is discarded: Push then returns an error wrapping
// ErrMalformed, ErrTruncated or ErrTooLarge, counted in Stats, and the
// Depacketizer stays usable.
func (d *Depacketizer) Push(pkt *rtp.Packet, emit func(Packet)) error {
	d.stats.RTPPackets++
	seq := pkt.SequenceNumber
	if d.started {
		switch {
		case pkt.SSRC != d.ssrc:
			d.stats.Gaps++
			d.dropPartial()
		case seq == d.lastSeq:
			d.stats.Duplicates++
			return nil
		case seq != d.lastSeq+1:
			d.stats.Gaps++
			d.dropPartial()
		}
	}
	d.started, d.ssrc, d.lastSeq = true, pkt.SSRC, seq

	// The splits alias the payload: let it go when done.
	defer func() { clear(d.ex); clear(d.in) }()
	items, err := d.parse(pkt.Payload)
	if err != nil {
		d.stats.Malformed++
		d.dropPartial()
		return fmt.Errorf("asfrtp: RTP packet %d: %w", seq, err)
	}
	var errs []error
	for i := range items {
		it := &items[i]
		sendTime := pkt.Timestamp + uint32(it.h.RelativeTimestamp)
		if it.h.IsLength {
			// A complete ASF packet: whatever was being reassembled
			// never got its last fragment.
			d.dropPartial()
			if len(it.data) > d.maxps {
				d.stats.TooLarge++
				errs = append(errs, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(it.data), d.maxps))
				continue
			}
			d.stats.Packets++
			emit(Packet{
				Data:          append([]byte(nil), it.data...),
				SendTime:      sendTime,
				Duration:      it.h.Duration,
				HasDuration:   it.h.HasDuration,
				KeyFrame:      it.h.KeyFrame,
				LocationID:    it.h.LocationID,
				HasLocationID: it.h.HasLocationID,
			})
			continue
		}
		// A fragment: the last item of the payload (parse guarantees it).
		held, err := d.fragment(&it.h, it.data, sendTime)
		if err != nil {
			errs = append(errs, err)
		}
		if !held {
			continue
		}
		// M = 1 ends the packet when this fragment continues one, or is
		// the payload's only item; after complete packets, M = 1 is theirs
		// (2.2.1.2), and the fragment at offset 0 only starts a packet.
		if pkt.Marker && (it.h.LengthOrOffset > 0 || len(items) == 1) {
			d.stats.Packets++
			d.stats.Reassembled++
			p := d.meta
			p.Data = append([]byte(nil), d.partial...)
			d.active, d.partial, d.pieces = false, d.partial[:0], 0
			emit(p)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("asfrtp: RTP packet %d: %w", seq, errors.Join(errs...))
	}
	return nil
}

// fragment adds a fragment at offset h.LengthOrOffset to the packet being
// reassembled: offset 0 starts one, any other offset must be the bytes
// received so far (2.2.1.3). held reports the fragment added.
func (d *Depacketizer) fragment(h *PayloadHeader, data []byte, sendTime uint32) (held bool, err error) {
	off := int(h.LengthOrOffset)
	if off == 0 {
		d.dropPartial()
		d.active = true
		d.meta = Packet{
			SendTime:    sendTime,
			KeyFrame:    h.KeyFrame,
			Duration:    h.Duration,
			HasDuration: h.HasDuration,
		}
	} else if !d.active || off != len(d.partial) {
		// Continues no packet we hold: its start was lost or dropped.
		d.stats.FragmentsDropped++
		d.dropPartial()
		return false, nil
	}
	if len(data) > d.maxps-len(d.partial) {
		d.stats.TooLarge++
		d.stats.FragmentsDropped++
		d.dropPartial()
		return false, fmt.Errorf("%w: fragments reach %d bytes, at most %d", ErrTooLarge, off+len(data), d.maxps)
	}
	if h.HasLocationID {
		// The server puts it at least in the header that ends the packet
		// (2.2.6.10.3).
		d.meta.LocationID, d.meta.HasLocationID = h.LocationID, true
	}
	if h.HasDuration && !d.meta.HasDuration {
		d.meta.Duration, d.meta.HasDuration = h.Duration, true
	}
	if need := len(d.partial) + len(data); need > cap(d.partial) {
		// Grow within the maximum packet size, never past it.
		grown := make([]byte, len(d.partial), min(max(need, 2*cap(d.partial)), d.maxps))
		copy(grown, d.partial)
		d.partial = grown
	}
	d.partial = append(d.partial, data...)
	d.pieces++
	return true, nil
}

// dropPartial discards the packet being reassembled, counting it.
func (d *Depacketizer) dropPartial() {
	if !d.active {
		return
	}
	d.stats.PartialsDropped++
	d.stats.FragmentsDropped += d.pieces
	d.active, d.partial, d.pieces = false, d.partial[:0], 0
}

// parse splits an RTP payload into its payload format headers and their
// bytes (MS-RTSP 2.2.1.3), choosing the reading of L = 1 lengths (digest
// §2.3): the one that lands exactly on the end of the payload or on a
// fragment; when both do, see the comment below. A lone header whose
// Length reaches past the payload takes the rest of it.
func (d *Depacketizer) parse(payload []byte) ([]entry, error) {
	ex, hasLength, errEx := split(d.ex[:0], payload, LengthExclusive)
	d.ex = ex
	if errEx == nil && !hasLength {
		return ex, nil // a lone fragment: no length to read
	}
	in, _, errIn := split(d.in[:0], payload, LengthInclusive)
	d.in = in
	var r LengthReading
	var items []entry
	switch {
	case errEx == nil && errIn == nil:
		// Decided by the reading learned, else by the split that lands
		// exactly on the end of the payload when the other ends in a
		// fragment (any bytes can pass for a fragment), else by
		// PreferInclusive.
		d.stats.Ambiguous++
		exFrag, inFrag := !ex[len(ex)-1].h.IsLength, !in[len(in)-1].h.IsLength
		r = d.reading
		switch {
		case r == LengthExclusive || r == LengthInclusive:
		case exFrag && !inFrag:
			r = LengthInclusive
		case inFrag && !exFrag:
			r = LengthExclusive
		case d.PreferInclusive:
			r = LengthInclusive
		default:
			r = LengthExclusive
		}
		items = ex
		if r == LengthInclusive {
			items = in
		}
	case errEx == nil:
		r, items = LengthExclusive, ex
		d.reading = r
	case errIn == nil:
		r, items = LengthInclusive, in
		d.reading = r
	default:
		// A lone header whose Length reaches at least to the end of the
		// payload: the rest of the payload is the ASF packet.
		var h PayloadHeader
		n, err := h.Unmarshal(payload)
		if err != nil || !h.IsLength || n == len(payload) || int(h.LengthOrOffset) < len(payload)-n {
			return nil, errEx
		}
		r, items = LengthRemaining, append(d.ex[:0], entry{h, payload[n:]})
		d.ex = items
		d.reading = r
	}
	switch r {
	case LengthExclusive:
		d.stats.LengthExclusive++
	case LengthInclusive:
		d.stats.LengthInclusive++
	case LengthRemaining:
		d.stats.LengthRemaining++
	}
	return items, nil
}

// split reads payload as a chain of payload format headers, each followed
// by a complete ASF packet of its Length (read as r says) or by a fragment
// running to the end of the payload. The chain must end exactly at the end
// of the payload, and a fragment after complete packets must be the start
// of one. hasLength reports an L = 1 header in the chain.
func split(items []entry, payload []byte, r LengthReading) ([]entry, bool, error) {
	hasLength := false
	if len(payload) == 0 {
		return items, false, fmt.Errorf("%w: empty RTP payload", ErrMalformed)
	}
	for off := 0; off < len(payload); {
		var h PayloadHeader
		n, err := h.Unmarshal(payload[off:])
		if err != nil {
			return items, hasLength, fmt.Errorf("header at byte %d: %w", off, err)
		}
		start := off + n
		if !h.IsLength {
			if start == len(payload) {
				return items, hasLength, fmt.Errorf("%w: empty fragment at byte %d", ErrMalformed, off)
			}
			if hasLength && h.LengthOrOffset != 0 {
				// After complete packets only the first fragment of the
				// next packet can come: the others sit in consecutive RTP
				// packets of their own (2.2.1.1).
				return items, hasLength, fmt.Errorf("%w: fragment at offset %d after complete packets", ErrMalformed, h.LengthOrOffset)
			}
			items = append(items, entry{h, payload[start:]})
			return items, hasLength, nil
		}
		hasLength = true
		end := start + int(h.LengthOrOffset)
		if r == LengthInclusive {
			if int(h.LengthOrOffset) < n {
				return items, hasLength, fmt.Errorf("%w: Length %d at byte %d is shorter than its %d-byte header", ErrMalformed, h.LengthOrOffset, off, n)
			}
			end = off + int(h.LengthOrOffset)
		}
		switch {
		case end == start:
			return items, hasLength, fmt.Errorf("%w: empty ASF packet at byte %d", ErrMalformed, off)
		case end > len(payload):
			return items, hasLength, fmt.Errorf("%w: ASF packet of Length %d at byte %d, %d bytes left", ErrTruncated, h.LengthOrOffset, off, len(payload)-start)
		}
		items = append(items, entry{h, payload[start:end]})
		off = end
	}
	return items, hasLength, nil
}
