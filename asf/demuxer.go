package asf

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Demuxer limits.
const (
	// DefaultMaxObjectSize is the default Demuxer.MaxObjectSize: a larger
	// media object is dropped (and counted in OversizeObjects).
	DefaultMaxObjectSize = 16 << 20
	// maxRetainedScratch: a stream's reassembly buffer above this capacity
	// is released after use instead of being kept for the next object.
	maxRetainedScratch = 4 << 20
)

// Memory: an object that arrives in one payload is copied out of the
// packet once (its one allocation). An object in several fragments is
// gathered in a per-stream scratch buffer that grows with the bytes actually
// received — never with the declared Media Object Size alone — and is
// reused; once complete it is copied into one exact-size allocation. So
// memory is bounded by the data pushed, whatever the sizes claim.

// Object is one complete media object (an audio block or a video frame).
type Object struct {
	Stream uint8
	// PTS is the presentation time minus the preroll minus the stream's
	// Time Offset. It may be negative.
	PTS time.Duration
	// SendTime is the Send Time of the packet that completed the object.
	SendTime time.Duration
	// Duration comes from the SampleDuration payload extension when the
	// stream declares it, else 0.
	Duration time.Duration
	// Key is the key-frame bit of the payloads, or a nonzero
	// OutputCleanPoint payload extension.
	Key bool
	// Discontinuity is set on the first object of a stream after the
	// Demuxer was created or Reset, and after data of that stream was lost:
	// a dropped fragment, an incomplete or oversize object, a corrupt
	// packet, or a gap in the stream's media object numbers (which count
	// up by one per object, modulo the field width; not checked across
	// compressed payloads).
	Discontinuity bool
	// ObjectNumber is the Media Object Number of the object.
	ObjectNumber uint32
	// Data is owned by the receiver: freshly allocated, or obtained from
	// Demuxer.Alloc.
	Data []byte
}

// DemuxStats counts what the Demuxer saw. All counters only grow (Reset
// does not clear them).
type DemuxStats struct {
	Packets uint64 // packets pushed
	Bytes   uint64 // bytes pushed
	Corrupt uint64 // packets that failed to parse (Push returned an error)
	Parity  uint64 // MSB parity packets skipped
	// Payloads counts every payload of the parsed packets.
	Payloads uint64
	// Skipped counts payloads of streams not selected by SetStreams;
	// UnknownStream those of streams absent from the header.
	Skipped, UnknownStream uint64
	// InvalidPayloads counts payloads with 2..7 bytes of replicated data or
	// an object size of 0.
	InvalidPayloads uint64
	Objects         uint64 // complete objects emitted
	ObjectBytes     uint64 // their total size
	// DroppedFragments counts fragments that did not continue the object
	// being assembled (wrong object number, offset or size).
	DroppedFragments uint64
	// IncompleteObjects counts partial objects abandoned because a new
	// object started or a fragment was missing.
	IncompleteObjects uint64
	// OversizeObjects counts objects larger than the size limit.
	OversizeObjects uint64
	// ObjectGaps counts jumps in a stream's media object numbers that
	// nothing else revealed (whole objects lost with their packets).
	ObjectGaps uint64
	// Descrambled counts objects passed through Audio Spread descrambling.
	Descrambled uint64
}

// Demuxer turns ASF data packets into complete media objects (ASF spec §5.2
// and §9.1): it parses packets, reassembles objects across payloads and
// packets by object number and offset, splits compressed payloads into
// their sub-payloads, descrambles Audio Spread streams and computes
// presentation times. It is not safe for concurrent use; emit is called
// synchronously from Push and must not call back into the Demuxer.
type Demuxer struct {
	// MaxObjectSize bounds a media object; larger ones are dropped and
	// counted. NewDemuxer sets DefaultMaxObjectSize.
	MaxObjectSize uint32
	// Alloc, when set, provides the buffer for each emitted object's Data:
	// it must return a slice with capacity ≥ n, whose first n bytes the
	// Demuxer overwrites. A player uses it to recycle buffers (a pool its
	// decoders return Data to once decoded), which spares the garbage
	// collector one allocation per object. nil allocates a fresh slice.
	// It is called from Push.
	Alloc func(n int) []byte

	h          *Header
	preroll    int64 // ms
	packetSize uint32
	streams    [128]*streamState
	pkt        Packet
	stats      DemuxStats
}

type streamState struct {
	number     uint8
	selected   bool
	timeOffset time.Duration
	// Audio Spread: descramble objects of spreadSize bytes.
	spreadSize, span, packetLen, chunk int
	// Payload extension layout: sizes in declaration order, and the index
	// of the OutputCleanPoint and SampleDuration extensions (-1 if absent).
	extSizes         []uint16
	cleanIdx, durIdx int
	disc             bool
	numKnown         bool // lastNum/numWidth hold the last object number
	numWidth         byte
	lastNum          uint32
	active           bool
	skipping         bool
	skipNum          uint32
	num, size        uint32
	pts              int64 // ms, preroll included
	dur              time.Duration
	key              bool
	buf              []byte
	scratch          []byte
}

// NewDemuxer returns a Demuxer for the streams of h (nil h: every stream
// number is accepted, preroll 0, no descrambling). All streams are selected.
func NewDemuxer(h *Header) *Demuxer {
	d := &Demuxer{h: h, MaxObjectSize: DefaultMaxObjectSize}
	if h == nil {
		return d
	}
	d.preroll = h.Preroll.Milliseconds()
	d.packetSize = h.PacketSize
	for _, s := range h.Streams {
		if s.Number == 0 || s.Number > 127 {
			continue
		}
		st := &streamState{number: s.Number, selected: true, disc: true, timeOffset: s.TimeOffset, cleanIdx: -1, durIdx: -1}
		if s.Type == StreamAudio && s.Spread.active() {
			st.span, st.packetLen, st.chunk = int(s.Spread.Span), int(s.Spread.VirtualPacketLen), int(s.Spread.VirtualChunkLen)
			st.spreadSize = st.span * st.packetLen
		}
		if e := s.Extended; e != nil {
			for i, x := range e.PayloadExtensions {
				st.extSizes = append(st.extSizes, x.Size)
				switch x.ID {
				case GUIDExtOutputCleanPoint:
					st.cleanIdx = i
				case GUIDExtSampleDuration:
					st.durIdx = i
				}
			}
		}
		d.streams[s.Number] = st
	}
	return d
}

// SetStreams selects the streams to reassemble: nil selects all, an empty
// slice none. Payloads of other streams are skipped without copying (counted
// in Skipped); their partial objects are dropped.
func (d *Demuxer) SetStreams(numbers []uint8) {
	for _, st := range d.streams {
		if st == nil {
			continue
		}
		sel := numbers == nil
		for _, n := range numbers {
			if n == st.number {
				sel = true
			}
		}
		if !sel && st.selected {
			st.abandon()
			st.disc = true
		}
		st.selected = sel
	}
}

// Reset drops every partial object (after a seek or a loss the caller
// detected); the next object of each stream has Discontinuity set.
func (d *Demuxer) Reset() {
	for _, st := range d.streams {
		if st != nil {
			st.abandon()
			st.skipping = false
			st.disc = true
			st.numKnown = false
		}
	}
}

// Stats returns a snapshot of the counters.
func (d *Demuxer) Stats() DemuxStats { return d.stats }

func (st *streamState) abandon() {
	st.active = false
	if st.buf != nil {
		st.scratch = st.buf[:0]
		st.buf = nil
	}
	if cap(st.scratch) > maxRetainedScratch {
		st.scratch = nil
	}
}

func (d *Demuxer) stream(n uint8) *streamState {
	if st := d.streams[n]; st != nil || d.h != nil {
		return st
	}
	st := &streamState{number: n, selected: true, disc: true, cleanIdx: -1, durIdx: -1}
	d.streams[n] = st
	return st
}

// Push parses one data packet and calls emit for every media object it
// completes. A packet that does not parse returns an error wrapping
// ErrCorrupt; the Demuxer stays usable (the caller counts and continues).
// pkt may be shorter than the header's packet size (stripped padding). Push
// does not retain pkt.
func (d *Demuxer) Push(pkt []byte, emit func(Object)) error {
	d.stats.Packets++
	d.stats.Bytes += uint64(len(pkt))
	if err := d.pkt.Unmarshal(pkt, d.packetSize); err != nil {
		d.stats.Corrupt++
		for _, st := range d.streams {
			if st != nil {
				st.disc = true
			}
		}
		return fmt.Errorf("asf: demux packet %d: %w", d.stats.Packets-1, err)
	}
	if d.pkt.Parity {
		d.stats.Parity++
		return nil
	}
	send := time.Duration(d.pkt.SendTime) * time.Millisecond
	for i := range d.pkt.Payloads {
		pl := &d.pkt.Payloads[i]
		d.stats.Payloads++
		st := d.stream(pl.Stream)
		switch {
		case st == nil:
			d.stats.UnknownStream++
		case !st.selected:
			d.stats.Skipped++
		case pl.Compressed:
			if st.active {
				d.stats.IncompleteObjects++
				st.abandon()
				st.disc = true
			}
			num := pl.ObjectNumber
			for pt, data := range pl.SubPayloads() {
				if len(data) > 0 {
					d.complete(st, data, int64(pt), pl.Key, 0, num, false, send, emit)
				}
				num++
			}
		case len(pl.Replicated) == 0:
			// No replicated data: no object size or presentation time. The
			// payload is taken as a whole object presented at the send time
			// (send times exclude the preroll, so add it back).
			if len(pl.Data) > 0 {
				d.complete(st, pl.Data, int64(d.pkt.SendTime)+d.preroll, pl.Key, 0, pl.ObjectNumber, false, send, emit)
			}
		case len(pl.Replicated) < 8:
			d.stats.InvalidPayloads++
			st.disc = true
		default:
			d.fragment(st, pl, send, emit)
		}
	}
	return nil
}

// extension returns the data of payload extension idx in a payload's
// replicated data (after its 8 fixed bytes), walking the declared sizes.
func (st *streamState) extension(rep []byte, idx int) []byte {
	off := 8
	for i, sz := range st.extSizes {
		n := int(sz)
		if sz == PayloadExtensionVariable {
			if off+2 > len(rep) {
				return nil
			}
			n = int(binary.LittleEndian.Uint16(rep[off:]))
			off += 2
		}
		if off+n > len(rep) {
			return nil
		}
		if i == idx {
			return rep[off : off+n]
		}
		off += n
	}
	return nil
}

func (st *streamState) payloadKey(pl *Payload) bool {
	if pl.Key {
		return true
	}
	if st.cleanIdx >= 0 {
		for _, c := range st.extension(pl.Replicated, st.cleanIdx) {
			if c != 0 {
				return true
			}
		}
	}
	return false
}

func (st *streamState) payloadDuration(pl *Payload) time.Duration {
	if st.durIdx < 0 {
		return 0
	}
	if x := st.extension(pl.Replicated, st.durIdx); len(x) == 2 {
		return time.Duration(binary.LittleEndian.Uint16(x)) * time.Millisecond
	}
	return 0
}

// fragment adds one fragment of a (possibly) multi-payload object.
func (d *Demuxer) fragment(st *streamState, pl *Payload, send time.Duration, emit func(Object)) {
	size := pl.ObjectSize
	if pl.Offset == 0 {
		if st.active {
			d.stats.IncompleteObjects++
			st.abandon()
			st.disc = true
		}
		st.skipping = false
		switch {
		case size == 0:
			d.stats.InvalidPayloads++
			st.disc = true
			return
		case size > d.MaxObjectSize:
			d.stats.OversizeObjects++
			st.disc = true
			st.skipping, st.skipNum = true, pl.ObjectNumber
			return
		case uint64(len(pl.Data)) > uint64(size):
			d.stats.DroppedFragments++
			st.disc = true
			return
		case uint64(len(pl.Data)) == uint64(size):
			d.complete(st, pl.Data, int64(pl.PresentationTime), st.payloadKey(pl), st.payloadDuration(pl), pl.ObjectNumber, true, send, emit)
			return
		}
		st.active = true
		st.num, st.size = pl.ObjectNumber, size
		st.pts = int64(pl.PresentationTime)
		st.key = st.payloadKey(pl)
		st.dur = st.payloadDuration(pl)
		st.buf = append(st.scratch[:0], pl.Data...)
		return
	}
	if st.skipping && pl.ObjectNumber == st.skipNum {
		d.stats.DroppedFragments++
		return
	}
	if !st.active || pl.ObjectNumber != st.num || size != st.size || uint64(pl.Offset) != uint64(len(st.buf)) ||
		uint64(len(pl.Data)) > uint64(size)-uint64(len(st.buf)) {
		d.stats.DroppedFragments++
		if st.active {
			d.stats.IncompleteObjects++
			st.abandon()
		}
		st.disc = true
		return
	}
	st.buf = append(st.buf, pl.Data...)
	if st.payloadKey(pl) {
		st.key = true
	}
	if uint64(len(st.buf)) < uint64(st.size) {
		return
	}
	st.active = false
	st.scratch = st.buf[:0]
	st.buf = nil
	d.complete(st, st.scratch[:st.size], st.pts, st.key, st.dur, st.num, true, send, emit)
	if cap(st.scratch) > maxRetainedScratch {
		st.scratch = nil
	}
}

// complete emits an object whose bytes are in src (not owned): it makes the
// object's one allocation, descrambling Audio Spread objects on the way.
func (d *Demuxer) complete(st *streamState, src []byte, pts int64, key bool, dur time.Duration, num uint32, checkGap bool, send time.Duration, emit func(Object)) {
	var data []byte
	if d.Alloc != nil {
		if data = d.Alloc(len(src)); cap(data) < len(src) {
			data = make([]byte, len(src))
		}
		data = data[:len(src)]
	}
	switch {
	case st.spreadSize != 0 && len(src) == st.spreadSize:
		if data == nil {
			data = make([]byte, len(src))
		}
		descramble(data, src, st.span, st.packetLen, st.chunk)
		d.stats.Descrambled++
	case data != nil:
		copy(data, src)
	default:
		// append to nil allocates without zeroing the bytes it copies.
		data = append([]byte(nil), src...)[:len(src):len(src)]
	}
	d.emit(st, data, pts, key, dur, num, checkGap, send, emit)
}

func (d *Demuxer) emit(st *streamState, data []byte, pts int64, key bool, dur time.Duration, num uint32, checkGap bool, send time.Duration, emit func(Object)) {
	w := (d.pkt.PropertyFlags >> 4) & 3
	if !checkGap || w == LengthTypeNone {
		st.numKnown = false
	} else {
		mask := uint32(1<<(8*varWidth(w)) - 1)
		if st.numKnown && st.numWidth == w && num != (st.lastNum+1)&mask && !st.disc {
			d.stats.ObjectGaps++
			st.disc = true
		}
		st.numKnown, st.numWidth, st.lastNum = true, w, num
	}
	d.stats.Objects++
	d.stats.ObjectBytes += uint64(len(data))
	o := Object{
		Stream:        st.number,
		PTS:           time.Duration(pts-d.preroll)*time.Millisecond - st.timeOffset,
		SendTime:      send,
		Duration:      dur,
		Key:           key,
		Discontinuity: st.disc,
		ObjectNumber:  num,
		Data:          data,
	}
	st.disc = false
	emit(o)
}
