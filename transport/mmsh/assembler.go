package mmsh

import "fmt"

// Limits on reassembled objects.
const (
	// MaxHeaderSize bounds a reassembled ASF header ($H), which may carry
	// large attached pictures.
	MaxHeaderSize = 16 << 20
	// MaxMetadataSize bounds a reassembled $M payload.
	MaxMetadataSize = 1 << 20
)

// assembler reassembles an object split over several $H or $M packets
// ([MS-WMSP] 2.2.3.1.2, 3.1.5.7, 3.1.5.8): LocationId 0, 1, 2, ... with
// AFFlags 0x04 on the first, 0x00 in the middle and 0x08 on the last
// (0x0C when there is only one). Fragment boundaries are arbitrary.
//
// A fragment flagged first (0x04 or 0x0C) starts an object whatever its
// LocationId, and the following fragments count on from it: VLC numbers
// every framed packet of its stream with one running counter, $H included,
// so its headers arrive with LocationId 7, 103, ... instead of 0.
type assembler struct {
	typ         PacketType
	limit       int
	buf         []byte
	next        uint32
	active      bool
	incarnation uint8
}

func newAssembler(typ PacketType, limit int) *assembler {
	return &assembler{typ: typ, limit: limit}
}

// reset drops a partial object.
func (a *assembler) reset() {
	a.buf, a.next, a.active = nil, 0, false
}

// add takes one fragment and returns the complete object when p was its
// last fragment. The returned slice is owned by the caller.
func (a *assembler) add(p Packet) (obj []byte, done bool, err error) {
	if p.Type != a.typ {
		return nil, false, fmt.Errorf("%w: %s given to the %s assembler", ErrUnexpectedPacket, p.Type, a.typ)
	}
	switch {
	case p.LocationID == 0 && p.AFFlags != AFFirst && p.AFFlags != AFOnly && p.AFFlags != AFMiddle:
		return nil, false, fmt.Errorf("%w: first %s fragment has AFFlags 0x%02X", ErrMalformedPacket, a.typ, p.AFFlags)
	case p.LocationID == 0 || p.AFFlags&AFFirst != 0:
		// A first fragment; a partial object before it is abandoned.
		a.buf = make([]byte, 0, len(p.Payload))
		a.next, a.active, a.incarnation = p.LocationID, true, p.Incarnation
	case !a.active:
		return nil, false, fmt.Errorf("%w: %s fragment %d without a first fragment", ErrMalformedPacket, a.typ, p.LocationID)
	case p.LocationID != a.next:
		a.reset()
		return nil, false, fmt.Errorf("%w: %s fragment %d, want %d", ErrMalformedPacket, a.typ, p.LocationID, a.next)
	}
	if len(a.buf)+len(p.Payload) > a.limit {
		a.reset()
		return nil, false, fmt.Errorf("%w: %s object larger than %d bytes", ErrTooLarge, a.typ, a.limit)
	}
	a.buf = append(a.buf, p.Payload...)
	a.next++
	if p.AFFlags&AFLast == 0 {
		return nil, false, nil
	}
	obj = a.buf
	a.buf, a.active = nil, false
	return obj, true, nil
}

// Fragment splits an ASF header ($H) or metadata ($M) object into framed
// packets of at most max payload bytes (0 = the 65,527-byte maximum),
// numbered and flagged as [MS-WMSP] 2.2.3.1.2 requires. The fake server and
// tests use it.
func Fragment(typ PacketType, obj []byte, max int, incarnation uint8) []Packet {
	if max <= 0 || max > MaxPayloadSize {
		max = MaxPayloadSize
	}
	var out []Packet
	for i := 0; i == 0 || len(obj) > 0; i++ {
		n := min(len(obj), max)
		p := Packet{Type: typ, LocationID: uint32(i), Incarnation: incarnation, Payload: obj[:n]}
		obj = obj[n:]
		if i == 0 {
			p.AFFlags |= AFFirst
		}
		if len(obj) == 0 {
			p.AFFlags |= AFLast
		}
		out = append(out, p)
	}
	return out
}
