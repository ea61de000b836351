package mmsh

import (
	"encoding/binary"
	"fmt"

	"github.com/eddyplayer/eddy/asf"
)

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
//
// Memory: the fragments' payloads are kept as they come (Reader.Next gives
// each packet a slice of its own) and copied once, into an object of the
// exact size, when the last one arrives; an object that never ends holds
// at most limit bytes before it is refused, and nothing is copied twice.
// When the object's first bytes declare its size (sizer), an object
// declared larger than the limit is refused at its first fragment and
// one that runs past its declared size as soon as it does.
type assembler struct {
	typ   PacketType
	limit int
	// sizer, when set, reads the object's declared size from its first
	// prefix bytes (an error refuses the object).
	sizer  func(prefix []byte) (int, error)
	prefix int

	frags [][]byte
	size  int
	// declared is the size the object's first bytes announce; 0 while
	// unknown.
	declared    int
	next        uint32
	active      bool
	incarnation uint8
}

func newAssembler(typ PacketType, limit int) *assembler {
	return &assembler{typ: typ, limit: limit}
}

// newHeaderAssembler is the $H assembler: the object is an ASF header, the
// Header Object followed by the 50-byte fixed part of the Data Object
// ([MS-WMSP] 2.2.3.5), so its first 24 bytes declare its size.
func newHeaderAssembler(limit int) *assembler {
	a := newAssembler(TypeHeader, limit)
	a.sizer, a.prefix = asfHeaderSize, asfObjectPrefix
	return a
}

// asfObjectPrefix is the Object ID and Object Size of an ASF object
// ([ASF] 3.1: a GUID and a 64-bit little-endian size).
const asfObjectPrefix = 24

// asfHeaderSize returns the size of a $H object from its first bytes: the
// Header Object's size plus the Data Object's fixed part (2.2.3.5).
func asfHeaderSize(prefix []byte) (int, error) {
	if asf.GUID(prefix[:16]) != asf.GUIDHeader {
		return 0, fmt.Errorf("%w: the $H object does not start with an ASF Header Object (2.2.3.5): %w", ErrMalformedPacket, asf.ErrNotASF)
	}
	size := binary.LittleEndian.Uint64(prefix[16:24])
	if size > MaxHeaderSize {
		return 0, fmt.Errorf("%w: the $H object's Header Object declares %d bytes, more than %d", ErrTooLarge, size, MaxHeaderSize)
	}
	if size < asfObjectPrefix {
		return 0, fmt.Errorf("%w: the $H object's Header Object declares %d bytes", ErrMalformedPacket, size)
	}
	return int(size) + asf.DataObjectFixedSize, nil
}

// reset drops a partial object.
func (a *assembler) reset() {
	clear(a.frags)
	a.frags, a.size, a.declared, a.next, a.active = a.frags[:0], 0, 0, 0, false
}

// add takes one fragment and returns the complete object when p was its
// last fragment. add keeps p.Payload until then: the caller must not
// reuse it. The returned slice is owned by the caller.
func (a *assembler) add(p Packet) (obj []byte, done bool, err error) {
	if p.Type != a.typ {
		return nil, false, fmt.Errorf("%w: %s given to the %s assembler", ErrUnexpectedPacket, p.Type, a.typ)
	}
	switch {
	case p.LocationID == 0 && p.AFFlags != AFFirst && p.AFFlags != AFOnly && p.AFFlags != AFMiddle:
		return nil, false, fmt.Errorf("%w: first %s fragment has AFFlags 0x%02X", ErrMalformedPacket, a.typ, p.AFFlags)
	case p.LocationID == 0 || p.AFFlags&AFFirst != 0:
		// A first fragment; a partial object before it is abandoned.
		a.reset()
		a.next, a.active, a.incarnation = p.LocationID, true, p.Incarnation
	case !a.active:
		return nil, false, fmt.Errorf("%w: %s fragment %d without a first fragment", ErrMalformedPacket, a.typ, p.LocationID)
	case p.LocationID != a.next:
		a.reset()
		return nil, false, fmt.Errorf("%w: %s fragment %d, want %d", ErrMalformedPacket, a.typ, p.LocationID, a.next)
	}
	// len(p.Payload) <= MaxPayloadSize and a.size <= a.limit: no overflow.
	size := a.size + len(p.Payload)
	if size > a.limit {
		a.reset()
		return nil, false, fmt.Errorf("%w: %s object larger than %d bytes", ErrTooLarge, a.typ, a.limit)
	}
	if declared := a.declared; declared > 0 && size > declared {
		a.reset()
		return nil, false, fmt.Errorf("%w: %s object longer than the %d bytes it declares", ErrTooLarge, a.typ, declared)
	}
	if len(p.Payload) > 0 {
		a.frags = append(a.frags, p.Payload)
	}
	a.size = size
	a.next++
	if a.sizer != nil && a.declared == 0 && a.size >= a.prefix {
		if err := a.checkDeclared(); err != nil {
			a.reset()
			return nil, false, err
		}
	}
	if p.AFFlags&AFLast == 0 {
		return nil, false, nil
	}
	obj = a.object()
	a.reset()
	return obj, true, nil
}

// checkDeclared reads the declared size once the first bytes are in.
func (a *assembler) checkDeclared() error {
	prefix := make([]byte, 0, a.prefix)
	for _, f := range a.frags {
		prefix = append(prefix, f[:min(len(f), a.prefix-len(prefix))]...)
		if len(prefix) == a.prefix {
			break
		}
	}
	n, err := a.sizer(prefix)
	if err != nil {
		return err
	}
	if n > a.limit {
		return fmt.Errorf("%w: %s object declares %d bytes, more than %d", ErrTooLarge, a.typ, n, a.limit)
	}
	if a.size > n {
		return fmt.Errorf("%w: %s object longer than the %d bytes it declares", ErrTooLarge, a.typ, n)
	}
	a.declared = n
	return nil
}

// object joins the fragments: the only copy of the object's bytes, none
// for an object in one fragment.
func (a *assembler) object() []byte {
	if len(a.frags) == 1 {
		return a.frags[0]
	}
	obj := make([]byte, 0, a.size)
	for _, f := range a.frags {
		obj = append(obj, f...)
	}
	return obj
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
