package mmsh

import (
	"encoding/binary"
	"fmt"
	"io"
)

// PacketType is the PacketID of a framed packet ([MS-WMSP] 2.2.3.1.1).
type PacketType byte

// Packet types ([MS-WMSP] 2.2.3.2–2.2.3.8).
const (
	TypeStreamChange PacketType = 'C' // $C, 2.2.3.2
	TypeData         PacketType = 'D' // $D, 2.2.3.3
	TypeEnd          PacketType = 'E' // $E, 2.2.3.4
	TypeHeader       PacketType = 'H' // $H, 2.2.3.5
	TypeMetadata     PacketType = 'M' // $M, 2.2.3.6
	TypePacketPair   PacketType = 'P' // $P, 2.2.3.7
	TypeTest         PacketType = 'T' // $T, 2.2.3.8
)

// String renders "$D" etc.
func (t PacketType) String() string {
	if t >= 0x20 && t < 0x7f {
		return "$" + string(rune(t))
	}
	return fmt.Sprintf("packet type 0x%02X", byte(t))
}

func (t PacketType) known() bool {
	switch t {
	case TypeStreamChange, TypeData, TypeEnd, TypeHeader, TypeMetadata, TypePacketPair, TypeTest:
		return true
	}
	return false
}

// hasMMSData reports the types carrying an MMS data packet (2.2.3.1.2).
func (t PacketType) hasMMSData() bool {
	return t == TypeData || t == TypeHeader || t == TypeMetadata
}

// Sizes from [MS-WMSP] 2.2.3.
const (
	// FramingHeaderSize is the B/Frame, PacketID, PacketLength prefix.
	FramingHeaderSize = 4
	// MMSHeaderSize is the LocationId/Incarnation/AFFlags/PacketSize
	// header of an MMS data packet (AF_HEADER_TYPE0).
	MMSHeaderSize = 8
	// MaxMMSPacketSize is the largest MMS data packet (2.2.3.1.2).
	MaxMMSPacketSize = 65535
	// MaxPayloadSize is the largest $D/$H/$M payload.
	MaxPayloadSize = MaxMMSPacketSize - MMSHeaderSize
	// frameByte is the 7-bit Frame value '$'.
	frameByte = 0x24
	// bBit is the B flag in byte 0.
	bBit = 0x80
)

// $P nominal PacketLength values (2.2.3.7).
const (
	pairLength12 = 504
	pairLength3  = 1048
)

// AFFlags values of $H and $M fragments (2.2.3.1.2).
const (
	AFFirst  = 0x04
	AFLast   = 0x08
	AFOnly   = AFFirst | AFLast
	AFMiddle = 0x00
)

// HRESULT Reasons with a special meaning in $E and $C (2.2.3.2, 2.2.3.4).
const (
	ReasonOK             uint32 = 0x00000000 // S_OK: stream finished
	ReasonMoreEntries    uint32 = 0x00000001 // S_FALSE: playlist entry finished, $C follows
	ReasonEOSReceding    uint32 = 0x000D2F09 // NS_S_EOS_RECEDING: rewound to the start
	ReasonReverseChange  uint32 = 0x400D14BE // $C: reverse play into the previous entry
	hresultFailureBitMsk uint32 = 0x80000000
)

// IsFailure reports an HRESULT with the severity bit set (MS-ERREF).
func IsFailure(hr uint32) bool { return hr&hresultFailureBitMsk != 0 }

// Packet is one framed packet ([MS-WMSP] 2.2.3).
//
// For $D, $H and $M, LocationID, Incarnation, AFFlags and Payload are the
// MMS data packet (2.2.3.1.2). For $C, $E and $P, Reason is set. For $P,
// PairIndex (1, 2 or 3) says which of the three packet-pair packets it is,
// which fixes the nominal PacketLength and the payload size (2.2.3.7).
// Payload returned by Reader.Next is owned by the caller.
type Packet struct {
	Type PacketType
	// B is the framing header's B flag: the server sent the next packet
	// without pacing (set by WMS on accelerated packets, <56>).
	B           bool
	Reason      uint32
	LocationID  uint32
	Incarnation uint8
	AFFlags     uint8
	PairIndex   int
	Payload     []byte
}

// packetLength is the PacketLength field for the packet.
func (p *Packet) packetLength() (int, error) {
	switch {
	case p.Type.hasMMSData():
		n := MMSHeaderSize + len(p.Payload)
		if n > MaxMMSPacketSize {
			return 0, fmt.Errorf("%w: %s payload of %d bytes", ErrTooLarge, p.Type, len(p.Payload))
		}
		return n, nil
	case p.Type == TypeStreamChange || p.Type == TypeEnd:
		return 4, nil
	case p.Type == TypeTest:
		return 0, nil
	case p.Type == TypePacketPair:
		want, err := pairPayloadSize(p.PairIndex, p.Reason)
		if err != nil {
			return 0, err
		}
		if len(p.Payload) != want {
			return 0, fmt.Errorf("%w: $P %d with Reason %d needs %d payload bytes, have %d",
				ErrMalformedPacket, p.PairIndex, p.Reason, want, len(p.Payload))
		}
		if p.PairIndex == 3 {
			return pairLength3, nil
		}
		return pairLength12, nil
	}
	return 0, fmt.Errorf("%w: unknown %s", ErrMalformedPacket, p.Type)
}

// pairPayloadSize is the $P payload size for the index'th packet of the
// pair with the given Reason (2.2.3.7).
func pairPayloadSize(index int, reason uint32) (int, error) {
	if reason > pairLength12 {
		return 0, fmt.Errorf("%w: $P Reason %d > 504", ErrMalformedPacket, reason)
	}
	switch index {
	case 1:
		return pairLength12 - int(reason), nil
	case 2:
		return pairLength12, nil
	case 3:
		return pairLength3 + int(reason), nil
	}
	return 0, fmt.Errorf("%w: $P index %d not 1..3", ErrMalformedPacket, index)
}

// MarshalSize returns the number of bytes Marshal writes, or 0 for an
// invalid packet.
func (p *Packet) MarshalSize() int {
	if _, err := p.packetLength(); err != nil {
		return 0
	}
	n := FramingHeaderSize
	switch {
	case p.Type.hasMMSData():
		n += MMSHeaderSize + len(p.Payload)
	case p.Type == TypeStreamChange || p.Type == TypeEnd:
		n += 4
	case p.Type == TypePacketPair:
		n += 4 + len(p.Payload)
	}
	return n
}

// MarshalTo writes the packet into buf and returns the bytes written, or
// io.ErrShortBuffer.
func (p *Packet) MarshalTo(buf []byte) (int, error) {
	length, err := p.packetLength()
	if err != nil {
		return 0, err
	}
	n := p.MarshalSize()
	if len(buf) < n {
		return 0, io.ErrShortBuffer
	}
	buf[0] = frameByte
	if p.B {
		buf[0] |= bBit
	}
	buf[1] = byte(p.Type)
	binary.LittleEndian.PutUint16(buf[2:], uint16(length))
	switch {
	case p.Type.hasMMSData():
		binary.LittleEndian.PutUint32(buf[4:], p.LocationID)
		buf[8] = p.Incarnation
		buf[9] = p.AFFlags
		binary.LittleEndian.PutUint16(buf[10:], uint16(length))
		copy(buf[12:], p.Payload)
	case p.Type == TypeStreamChange || p.Type == TypeEnd:
		binary.LittleEndian.PutUint32(buf[4:], p.Reason)
	case p.Type == TypePacketPair:
		binary.LittleEndian.PutUint32(buf[4:], p.Reason)
		copy(buf[8:], p.Payload)
	}
	return n, nil
}

// Marshal returns the packet's wire form.
func (p *Packet) Marshal() ([]byte, error) {
	if _, err := p.packetLength(); err != nil {
		return nil, err
	}
	buf := make([]byte, p.MarshalSize())
	_, err := p.MarshalTo(buf)
	return buf, err
}

// Unmarshal parses one packet at the start of buf and returns its size.
// A $P packet is parsed as packet number p.PairIndex (1 when unset).
// Payload aliases buf.
func (p *Packet) Unmarshal(buf []byte) (int, error) {
	pairIndex := p.PairIndex
	if pairIndex == 0 {
		pairIndex = 1
	}
	*p = Packet{}
	h, err := parseFramingHeader(buf)
	if err != nil {
		return 0, err
	}
	p.Type, p.B = h.typ, h.b
	rest := buf[FramingHeaderSize:]
	switch {
	case h.typ.hasMMSData():
		if err := h.checkMMSLength(); err != nil {
			return 0, err
		}
		if len(rest) < h.length {
			return 0, fmt.Errorf("%w: %s needs %d bytes, have %d", ErrMalformedPacket, h.typ, h.length, len(rest))
		}
		if err := p.parseMMSHeader(rest[:MMSHeaderSize], h.length); err != nil {
			return 0, err
		}
		p.Payload = rest[MMSHeaderSize:h.length]
		return FramingHeaderSize + h.length, nil
	case h.typ == TypeStreamChange || h.typ == TypeEnd:
		if h.length != 4 {
			return 0, fmt.Errorf("%w: %s PacketLength %d, want 4", ErrMalformedPacket, h.typ, h.length)
		}
		if len(rest) < 4 {
			return 0, fmt.Errorf("%w: truncated %s", ErrMalformedPacket, h.typ)
		}
		p.Reason = binary.LittleEndian.Uint32(rest)
		return FramingHeaderSize + 4, nil
	case h.typ == TypeTest:
		if h.length != 0 {
			return 0, fmt.Errorf("%w: $T PacketLength %d, want 0", ErrMalformedPacket, h.length)
		}
		return FramingHeaderSize, nil
	default: // $P
		if len(rest) < 4 {
			return 0, fmt.Errorf("%w: truncated $P", ErrMalformedPacket)
		}
		p.Reason = binary.LittleEndian.Uint32(rest)
		p.PairIndex = pairIndex
		if err := checkPairLength(pairIndex, h.length); err != nil {
			return 0, err
		}
		size, err := pairPayloadSize(pairIndex, p.Reason)
		if err != nil {
			return 0, err
		}
		if len(rest) < 4+size {
			return 0, fmt.Errorf("%w: $P %d needs %d bytes, have %d", ErrMalformedPacket, pairIndex, 4+size, len(rest))
		}
		p.Payload = rest[4 : 4+size]
		return FramingHeaderSize + 4 + size, nil
	}
}

func checkPairLength(index, length int) error {
	want := pairLength12
	if index == 3 {
		want = pairLength3
	}
	if length != want {
		return fmt.Errorf("%w: $P %d PacketLength %d, want %d", ErrMalformedPacket, index, length, want)
	}
	return nil
}

func (p *Packet) parseMMSHeader(b []byte, length int) error {
	p.LocationID = binary.LittleEndian.Uint32(b)
	p.Incarnation = b[4]
	p.AFFlags = b[5]
	if size := int(binary.LittleEndian.Uint16(b[6:])); size != length {
		return fmt.Errorf("%w: %s PacketSize %d != PacketLength %d", ErrMalformedPacket, p.Type, size, length)
	}
	return nil
}

type framingHeader struct {
	typ    PacketType
	b      bool
	length int
}

func parseFramingHeader(buf []byte) (framingHeader, error) {
	if len(buf) < FramingHeaderSize {
		return framingHeader{}, fmt.Errorf("%w: %d bytes, need a 4-byte framing header", ErrMalformedPacket, len(buf))
	}
	if buf[0]&^bBit != frameByte {
		return framingHeader{}, fmt.Errorf("%w: frame byte 0x%02X, want 0x24 or 0xA4", ErrMalformedPacket, buf[0])
	}
	h := framingHeader{typ: PacketType(buf[1]), b: buf[0]&bBit != 0, length: int(binary.LittleEndian.Uint16(buf[2:]))}
	if !h.typ.known() {
		return framingHeader{}, fmt.Errorf("%w: unknown %s", ErrMalformedPacket, h.typ)
	}
	return h, nil
}

func (h framingHeader) checkMMSLength() error {
	if h.length < MMSHeaderSize {
		return fmt.Errorf("%w: %s PacketLength %d < %d", ErrMalformedPacket, h.typ, h.length, MMSHeaderSize)
	}
	return nil
}
