package msb

import (
	"encoding/binary"
	"fmt"
	"io"
)

// HeaderSize is the size of the MSB packet header: dwPacketID, wStreamID,
// wPacketSize ([MS-MSB] 2.2.4).
const HeaderSize = 8

// Beacon is the 4-byte Beacon packet, "MSB " ([MS-MSB] 2.2.3).
var Beacon = []byte("MSB ")

// IsBeacon reports whether a datagram is a Beacon packet.
func IsBeacon(b []byte) bool {
	return len(b) == len(Beacon) && string(b) == string(Beacon)
}

// Bits of wStreamID ([MS-MSB] 2.2.4).
const (
	// FormatIDMask selects the Format ID, the low 11 bits.
	FormatIDMask = 0x07FF
	// EntryToggle is the top bit, toggled at each server-side playlist
	// entry.
	EntryToggle = 0x8000
	// reservedBits must be zero.
	reservedBits = 0x7800
)

// Packet is an MSB packet ([MS-MSB] 2.2.4): the header and one ASF data
// packet, whose padding the server may have stripped.
type Packet struct {
	// ID is dwPacketID: incremented per data packet; a parity packet
	// repeats the previous one's.
	ID uint32
	// StreamID is wStreamID: the Format ID in the low 11 bits, the entry
	// toggle in the top bit.
	StreamID uint16
	// ASF is the ASF data packet. After Unmarshal it aliases the input.
	ASF []byte
}

// FormatID returns the Format ID of the packet's ASF header.
func (p *Packet) FormatID() uint16 { return p.StreamID & FormatIDMask }

// Unmarshal parses an MSB packet. wPacketSize must lie in 9..len(b) (a
// packet without an ASF packet is of no use); bytes after it are ignored.
// Errors wrap ErrMalformed; a Beacon is not an MSB packet (check IsBeacon
// first).
func (p *Packet) Unmarshal(b []byte) error {
	if len(b) < HeaderSize {
		return fmt.Errorf("%w: %d bytes, the header needs %d", ErrMalformed, len(b), HeaderSize)
	}
	size := int(binary.LittleEndian.Uint16(b[6:]))
	if size <= HeaderSize || size > len(b) {
		return fmt.Errorf("%w: wPacketSize %d in a %d-byte datagram", ErrMalformed, size, len(b))
	}
	p.ID = binary.LittleEndian.Uint32(b)
	p.StreamID = binary.LittleEndian.Uint16(b[4:])
	p.ASF = b[HeaderSize:size:size]
	return nil
}

// MarshalSize is the encoded size.
func (p *Packet) MarshalSize() int { return HeaderSize + len(p.ASF) }

// MarshalTo encodes the packet into b (io.ErrShortBuffer when too small).
func (p *Packet) MarshalTo(b []byte) (int, error) {
	n := p.MarshalSize()
	if n > 0xFFFF {
		return 0, fmt.Errorf("%w: %d bytes do not fit wPacketSize", ErrMalformed, n)
	}
	if len(b) < n {
		return 0, io.ErrShortBuffer
	}
	binary.LittleEndian.PutUint32(b, p.ID)
	binary.LittleEndian.PutUint16(b[4:], p.StreamID)
	binary.LittleEndian.PutUint16(b[6:], uint16(n))
	copy(b[HeaderSize:], p.ASF)
	return n, nil
}

// Marshal encodes the packet into a new buffer.
func (p *Packet) Marshal() ([]byte, error) {
	b := make([]byte, p.MarshalSize())
	n, err := p.MarshalTo(b)
	return b[:n], err
}

// ecInfo is what the ASF packet's Error Correction Flags and Data say
// about FEC ([MS-MSB] 2.2.2, ASF spec §5.2.1).
type ecInfo struct {
	// skip is the size of the Error Correction Flags and Data, which the
	// parity XOR leaves out.
	skip int
	// parity is the Opaque Data Present bit: a parity packet.
	parity bool
	// fec is set when the EC data is present and 2 bytes or more, so that
	// number and cycle are known; typ is its Type (1 data, 2 parity),
	// number the packet's position in the span (the parity's is span+1,
	// or 1 in every packet) and cycle the span's counter.
	fec                bool
	typ, number, cycle byte
}

// parseEC reads the Error Correction Flags: bit 7 Error Correction
// Present, bits 5-6 length type (must be 0), bit 4 Opaque Data Present,
// bits 0-3 the data length. The EC data's first byte holds the Type in its
// high nibble and the Number in its low one, the second the Cycle.
func parseEC(b []byte) (ecInfo, bool) {
	if len(b) == 0 {
		return ecInfo{}, false
	}
	f := b[0]
	if f&0x80 == 0 {
		return ecInfo{}, true
	}
	if (f>>5)&3 != 0 {
		return ecInfo{}, false
	}
	n := int(f & 0x0F)
	if 1+n > len(b) {
		return ecInfo{}, false
	}
	e := ecInfo{skip: 1 + n, parity: f&0x10 != 0}
	if n >= 2 {
		e.fec = true
		e.typ, e.number, e.cycle = b[1]>>4, b[1]&0x0F, b[2]
	}
	return e, true
}
