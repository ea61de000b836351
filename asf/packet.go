package asf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Length type codes of the 2-bit fields of the Length Type Flags, Property
// Flags and Payload Flags (ASF spec §5.2.2): the field is absent (value 0),
// a BYTE, a WORD or a DWORD.
const (
	LengthTypeNone  = 0
	LengthTypeByte  = 1
	LengthTypeWord  = 2
	LengthTypeDWord = 3
)

// DefaultPropertyFlags is the usual Property Flags value: replicated data
// length BYTE, offset DWORD, media object number BYTE, stream number BYTE.
const DefaultPropertyFlags = 0x5D

// MaxPayloadsPerPacket is the largest payload count the 6-bit Number of
// Payloads field can hold.
const MaxPayloadsPerPacket = 63

// Packet is an ASF data packet (ASF spec §5.2): error correction data,
// payload parsing information and payloads. Payloads, ECData and the
// payloads' slices alias the buffer given to Unmarshal.
type Packet struct {
	// ECFlags is the Error Correction Flags byte (0 when absent): bits 0-3
	// data length, bit 4 opaque data present, bits 5-6 length type, bit 7
	// error correction present.
	ECFlags byte
	ECData  []byte
	// Parity is set when the Opaque Data Present bit is set: an MSB FEC
	// parity packet ([MS-MSB] 2.2.2). Its remaining bytes are XOR data,
	// not payloads, so Payloads is empty.
	Parity bool
	// LengthTypeFlags: bit 0 multiple payloads, bits 1-2 sequence type,
	// bits 3-4 padding length type, bits 5-6 packet length type.
	LengthTypeFlags byte
	// PropertyFlags: bits 0-1 replicated data length type, bits 2-3 offset
	// into media object type, bits 4-5 media object number type, bits 6-7
	// stream number type (01).
	PropertyFlags byte
	// Length is the explicit Packet Length (0 when the field is absent);
	// Sequence and Padding are the Sequence and Padding Length fields.
	Length, Sequence, Padding uint32
	// SendTime in ms (from the start of sending, preroll not included) and
	// Duration in ms.
	SendTime uint32
	Duration uint16
	// Multiple is the Multiple Payloads Present bit; PayloadFlags is the
	// payload flags byte then present (bits 6-7 payload length type).
	Multiple     bool
	PayloadFlags byte
	Payloads     []Payload
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: packet: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// readVar reads a field whose width is given by a 2-bit length type code,
// never past end.
func readVar(b []byte, off, end int, t byte) (uint32, int, bool) {
	switch t & 3 {
	case LengthTypeByte:
		if off+1 > end {
			return 0, off, false
		}
		return uint32(b[off]), off + 1, true
	case LengthTypeWord:
		if off+2 > end {
			return 0, off, false
		}
		return uint32(binary.LittleEndian.Uint16(b[off:])), off + 2, true
	case LengthTypeDWord:
		if off+4 > end {
			return 0, off, false
		}
		return binary.LittleEndian.Uint32(b[off:]), off + 4, true
	}
	return 0, off, true
}

func varWidth(t byte) int {
	switch t & 3 {
	case LengthTypeByte:
		return 1
	case LengthTypeWord:
		return 2
	case LengthTypeDWord:
		return 4
	}
	return 0
}

// Unmarshal parses a data packet (ASF spec §5.2). packetSize is the fixed
// packet size from File Properties (0 when unknown: then len(b) is the
// packet size).
//
// Packet length: an explicit Packet Length field wins; one smaller than
// packetSize means the rest is extra padding, except when Packet Length +
// Padding Length equals packetSize exactly: that is GStreamer asfmux's
// convention of a length that excludes the padding. b may be shorter than the
// packet length: senders (MSB, RTSP X-ASF-PF) strip the padding, so the
// missing bytes are treated as padding. The payload area therefore ends at
// min(packet length − Padding, len(b)).
//
// Unmarshal reuses the capacity of p.Payloads. Every error wraps ErrCorrupt.
// Payloads with 2..7 bytes of replicated data (invalid) are returned as is,
// with ObjectSize and PresentationTime 0; the Demuxer skips them.
func (p *Packet) Unmarshal(b []byte, packetSize uint32) error {
	payloads := p.Payloads[:0]
	*p = Packet{Payloads: payloads}
	if len(b) == 0 {
		return corrupt("empty")
	}
	off := 0
	if b[0]&0x80 != 0 {
		p.ECFlags = b[0]
		if (b[0]>>5)&3 != 0 {
			return corrupt("error correction length type %d", (b[0]>>5)&3)
		}
		n := int(b[0] & 0x0F)
		if 1+n > len(b) {
			return corrupt("%d bytes of error correction data, %d present", n, len(b)-1)
		}
		p.ECData = b[1 : 1+n : 1+n]
		off = 1 + n
		if b[0]&0x10 != 0 {
			p.Parity = true
			return nil
		}
	}
	if off+2 > len(b) {
		return corrupt("truncated payload parsing information")
	}
	ltf, pf := b[off], b[off+1]
	p.LengthTypeFlags, p.PropertyFlags = ltf, pf
	p.Multiple = ltf&1 != 0
	off += 2
	var ok1, ok2, ok3 bool
	p.Length, off, ok1 = readVar(b, off, len(b), ltf>>5)
	p.Sequence, off, ok2 = readVar(b, off, len(b), ltf>>1)
	p.Padding, off, ok3 = readVar(b, off, len(b), ltf>>3)
	if !ok1 || !ok2 || !ok3 || off+6 > len(b) {
		return corrupt("truncated payload parsing information")
	}
	p.SendTime = binary.LittleEndian.Uint32(b[off:])
	p.Duration = binary.LittleEndian.Uint16(b[off+4:])
	off += 6

	length := packetSize
	explicit := (ltf>>5)&3 != LengthTypeNone
	if explicit {
		length = p.Length
		if packetSize != 0 && length > packetSize {
			return corrupt("packet length %d > packet size %d", length, packetSize)
		}
	}
	if length == 0 {
		length = uint32(min(len(b), MaxPacketSize))
	}
	if length > MaxPacketSize {
		return corrupt("packet length %d > %d", length, MaxPacketSize)
	}
	if uint32(off) > length {
		return corrupt("packet length %d shorter than its %d-byte header", length, off)
	}
	var end int
	if explicit && packetSize != 0 && length < packetSize && uint64(length)+uint64(p.Padding) == uint64(packetSize) {
		// GStreamer's asfmux writes Packet Length = the bytes used and
		// Padding Length = packetSize − Packet Length: its padding follows
		// the Packet Length instead of being part of it (ASF spec §5.2.2
		// counts the padding in). Both fields adding up to exactly the
		// packet size is that convention.
		end = min(int(length), len(b))
	} else {
		if p.Padding > length-uint32(off) {
			return corrupt("padding %d does not fit packet length %d", p.Padding, length)
		}
		end = min(int(length-p.Padding), len(b))
	}

	if !p.Multiple {
		pl, _, err := p.parsePayload(b, off, end, LengthTypeNone)
		if err != nil {
			return err
		}
		p.Payloads = append(p.Payloads, pl)
		return nil
	}
	if off+1 > end {
		return corrupt("truncated payload flags")
	}
	p.PayloadFlags = b[off]
	off++
	n := int(p.PayloadFlags & 0x3F)
	lt := p.PayloadFlags >> 6
	if n == 0 {
		return corrupt("multiple payloads with a payload count of 0")
	}
	if lt == LengthTypeNone {
		return corrupt("multiple payloads without payload length field")
	}
	for i := 0; i < n; i++ {
		pl, next, err := p.parsePayload(b, off, end, lt)
		if err != nil {
			return fmt.Errorf("payload %d of %d: %w", i+1, n, err)
		}
		p.Payloads = append(p.Payloads, pl)
		off = next
	}
	return nil
}

// parsePayload parses one payload header and data within b[off:end]. lt is
// the payload length type (LengthTypeNone for a single payload, which then
// runs to end).
func (p *Packet) parsePayload(b []byte, off, end int, lt byte) (Payload, int, error) {
	var pl Payload
	pf := p.PropertyFlags
	if pf>>6 == LengthTypeNone {
		return pl, off, corrupt("stream number length type 0")
	}
	sn, off, ok := readVar(b, off, end, pf>>6)
	if !ok {
		return pl, off, corrupt("truncated payload header")
	}
	pl.Stream = uint8(sn & 0x7F)
	pl.Key = sn&0x80 != 0
	var ok1, ok2, ok3 bool
	var offset, repLen uint32
	pl.ObjectNumber, off, ok1 = readVar(b, off, end, pf>>4)
	offset, off, ok2 = readVar(b, off, end, pf>>2)
	repLen, off, ok3 = readVar(b, off, end, pf)
	if !ok1 || !ok2 || !ok3 {
		return pl, off, corrupt("truncated payload header")
	}
	if uint64(repLen) > uint64(end-off) {
		return pl, off, corrupt("%d bytes of replicated data, %d left", repLen, end-off)
	}
	pl.Replicated = b[off : off+int(repLen) : off+int(repLen)]
	off += int(repLen)
	var n int
	if lt == LengthTypeNone {
		n = end - off
	} else {
		v, next, ok := readVar(b, off, end, lt)
		if !ok {
			return pl, off, corrupt("truncated payload length")
		}
		off = next
		if uint64(v) > uint64(end-off) {
			return pl, off, corrupt("payload length %d, %d bytes left", v, end-off)
		}
		n = int(v)
	}
	pl.Data = b[off : off+n : off+n]
	off += n
	switch {
	case repLen == 1:
		pl.Compressed = true
		pl.PresentationTime = offset
		pl.TimeDelta = pl.Replicated[0]
		if !validSubPayloads(pl.Data) {
			return pl, off, corrupt("malformed compressed payload of stream %d", pl.Stream)
		}
	case repLen >= 8:
		pl.Offset = offset
		pl.ObjectSize = binary.LittleEndian.Uint32(pl.Replicated[0:])
		pl.PresentationTime = binary.LittleEndian.Uint32(pl.Replicated[4:])
	default:
		pl.Offset = offset
	}
	return pl, off, nil
}

// ParseSendTime returns the Send Time of a packet from its first bytes
// without parsing the payloads (used to bisect a file by time).
func ParseSendTime(b []byte) (uint32, error) {
	off := 0
	if len(b) > 0 && b[0]&0x80 != 0 {
		if b[0]&0x10 != 0 {
			return 0, corrupt("parity packet has no send time")
		}
		off = 1 + int(b[0]&0x0F)
	}
	if off+2 > len(b) {
		return 0, corrupt("truncated payload parsing information")
	}
	ltf := b[off]
	off += 2 + varWidth(ltf>>5) + varWidth(ltf>>1) + varWidth(ltf>>3)
	if off+4 > len(b) {
		return 0, corrupt("truncated payload parsing information")
	}
	return binary.LittleEndian.Uint32(b[off:]), nil
}

// errMarshal wraps problems that make a Packet impossible to encode.
var errMarshal = errors.New("asf: cannot marshal packet")

func fits(v uint32, t byte) bool {
	switch t & 3 {
	case LengthTypeNone:
		return v == 0
	case LengthTypeByte:
		return v <= 0xFF
	case LengthTypeWord:
		return v <= 0xFFFF
	}
	return true
}

func (p *Packet) payloadLengthType() byte {
	if lt := p.PayloadFlags >> 6; lt != LengthTypeNone {
		return lt
	}
	return LengthTypeWord
}

func (p *Packet) propertyFlags() byte {
	if p.PropertyFlags == 0 {
		return DefaultPropertyFlags
	}
	return p.PropertyFlags
}

// contentSize is the encoded size without the padding bytes.
func (p *Packet) contentSize() int {
	n := 0
	if p.ECFlags&0x80 != 0 {
		n += 1 + len(p.ECData)
	}
	ltf := p.LengthTypeFlags
	n += 2 + varWidth(ltf>>5) + varWidth(ltf>>1) + varWidth(ltf>>3) + 6
	pf := p.propertyFlags()
	if p.Multiple {
		n++
	}
	for i := range p.Payloads {
		pl := &p.Payloads[i]
		rl, _ := pl.replicatedLen()
		n += varWidth(pf>>6) + varWidth(pf>>4) + varWidth(pf>>2) + varWidth(pf) + rl + len(pl.Data)
		if p.Multiple {
			n += varWidth(p.payloadLengthType())
		}
	}
	return n
}

// MarshalSize returns the encoded size: headers, payloads and Padding bytes.
func (p *Packet) MarshalSize() int { return p.contentSize() + int(p.Padding) }

// PadTo sets Padding (and Length, when the packet length field is present)
// so that the encoded packet is exactly size bytes, widening the padding
// length type when the padding does not fit it.
func (p *Packet) PadTo(size uint32) error {
	cur := (p.LengthTypeFlags >> 3) & 3
	for _, t := range []byte{cur, LengthTypeByte, LengthTypeWord, LengthTypeDWord} {
		p.LengthTypeFlags = p.LengthTypeFlags&^(3<<3) | t<<3
		c := p.contentSize()
		if c > int(size) {
			continue
		}
		if pad := uint32(int(size) - c); fits(pad, t) {
			p.Padding = pad
			if (p.LengthTypeFlags>>5)&3 != LengthTypeNone {
				p.Length = size
			}
			return nil
		}
	}
	p.LengthTypeFlags = p.LengthTypeFlags&^(3<<3) | cur<<3
	return fmt.Errorf("%w: content of %d bytes does not fit %d", errMarshal, p.contentSize(), size)
}

// Marshal encodes the packet into a new buffer.
func (p *Packet) Marshal() ([]byte, error) {
	b := make([]byte, p.MarshalSize())
	n, err := p.MarshalTo(b)
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}

// MarshalTo encodes the packet into b and returns the bytes written
// (io.ErrShortBuffer when b is too small). Field widths come from
// LengthTypeFlags, PropertyFlags (0 means DefaultPropertyFlags) and
// PayloadFlags bits 6-7 (0 means WORD); bit 0 of LengthTypeFlags and the
// payload count are set from Multiple and len(Payloads). For each payload
// the replicated data is: 1 byte TimeDelta when Compressed (Offset field =
// PresentationTime); else ObjectSize, PresentationTime and Replicated[8:]
// when Replicated has ≥ 8 bytes or ObjectSize/PresentationTime are set;
// else Replicated verbatim.
func (p *Packet) MarshalTo(b []byte) (int, error) {
	if p.Parity {
		return 0, fmt.Errorf("%w: parity packet payload is opaque", errMarshal)
	}
	size := p.MarshalSize()
	if len(b) < size {
		return 0, io.ErrShortBuffer
	}
	if !p.Multiple && len(p.Payloads) != 1 {
		return 0, fmt.Errorf("%w: single-payload packet with %d payloads", errMarshal, len(p.Payloads))
	}
	if len(p.Payloads) > MaxPayloadsPerPacket {
		return 0, fmt.Errorf("%w: %d payloads", errMarshal, len(p.Payloads))
	}
	ltf := p.LengthTypeFlags &^ 1
	if p.Multiple {
		ltf |= 1
	}
	pf := p.propertyFlags()
	if !fits(p.Length, ltf>>5) || !fits(p.Sequence, ltf>>1) || !fits(p.Padding, ltf>>3) {
		return 0, fmt.Errorf("%w: length/sequence/padding do not fit their length types", errMarshal)
	}
	off := 0
	if p.ECFlags&0x80 != 0 {
		if int(p.ECFlags&0x0F) != len(p.ECData) {
			return 0, fmt.Errorf("%w: EC flags say %d bytes, ECData has %d", errMarshal, p.ECFlags&0x0F, len(p.ECData))
		}
		b[0] = p.ECFlags
		copy(b[1:], p.ECData)
		off = 1 + len(p.ECData)
	}
	b[off], b[off+1] = ltf, pf
	off += 2
	off = putVar(b, off, ltf>>5, p.Length)
	off = putVar(b, off, ltf>>1, p.Sequence)
	off = putVar(b, off, ltf>>3, p.Padding)
	binary.LittleEndian.PutUint32(b[off:], p.SendTime)
	binary.LittleEndian.PutUint16(b[off+4:], p.Duration)
	off += 6
	lt := p.payloadLengthType()
	if p.Multiple {
		b[off] = lt<<6 | byte(len(p.Payloads))
		off++
	}
	for i := range p.Payloads {
		pl := &p.Payloads[i]
		sn := uint32(pl.Stream & 0x7F)
		if pl.Key {
			sn |= 0x80
		}
		offField := pl.Offset
		if pl.Compressed {
			offField = pl.PresentationTime
			if !validSubPayloads(pl.Data) {
				return 0, fmt.Errorf("%w: payload %d: malformed sub-payloads", errMarshal, i)
			}
		}
		rl, _ := pl.replicatedLen()
		if pl.Stream > 127 || !fits(pl.ObjectNumber, pf>>4) || !fits(offField, pf>>2) ||
			!fits(uint32(rl), pf) || (p.Multiple && !fits(uint32(len(pl.Data)), lt)) {
			return 0, fmt.Errorf("%w: payload %d: a field does not fit its length type", errMarshal, i)
		}
		off = putVar(b, off, pf>>6, sn)
		off = putVar(b, off, pf>>4, pl.ObjectNumber)
		off = putVar(b, off, pf>>2, offField)
		off = putVar(b, off, pf, uint32(rl))
		pl.putReplicated(b[off : off+rl])
		off += rl
		if p.Multiple {
			off = putVar(b, off, lt, uint32(len(pl.Data)))
		}
		off += copy(b[off:], pl.Data)
	}
	clear(b[off:size])
	return size, nil
}

func putVar(b []byte, off int, t byte, v uint32) int {
	switch t & 3 {
	case LengthTypeByte:
		b[off] = byte(v)
		return off + 1
	case LengthTypeWord:
		binary.LittleEndian.PutUint16(b[off:], uint16(v))
		return off + 2
	case LengthTypeDWord:
		binary.LittleEndian.PutUint32(b[off:], v)
		return off + 4
	}
	return off
}
