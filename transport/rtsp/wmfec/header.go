package wmfec

import (
	"encoding/binary"
	"fmt"
)

// HeaderSize is the size of the FEC header ([MS-RTSP] 2.2.2.4).
const HeaderSize = 16

// Header is the RTP payload format header of a FEC packet, the 16 bytes that
// follow the RTP header ([MS-RTSP] 2.2.2.4), big-endian. The FEC data follows
// it. The three 3-bit Padding fields are ignored on reading and written as 0.
//
// Specification: [MS-RTSP] 2.2.2.4.
type Header struct {
	// SNBase is the sequence number of the first source packet of the span.
	SNBase uint16
	// LengthRecovery is the code of the source packets' payload lengths
	// (payload, CSRC list, extension and padding: every byte after the
	// 12-byte fixed RTP header).
	LengthRecovery uint16
	// E is the extension bit; it MUST be 0.
	E bool
	// PTRecovery is the code of the source packets' payload types (7 bits).
	PTRecovery uint8
	// Mask has bit i (i = 0 the least significant) set when the source
	// packet with sequence number SNBase+i (mod 2^16) is in the span (24 bits).
	Mask uint32
	// TSRecovery is the code of the source packets' RTP timestamps.
	TSRecovery uint32
	// FecIndex is this packet's index among the span's FEC packets (5 bits).
	FecIndex uint8
	// FecPktSpan is the number of FEC packets of the span, or 0 when
	// unspecified (5 bits).
	FecPktSpan uint8
	// ExFlags MUST be 0 (5 bits).
	ExFlags uint8
	// Reserved MUST be 0.
	Reserved uint8
}

// Unmarshal parses the header at the start of buf and returns the number of
// bytes read (HeaderSize). It never retains buf.
func (h *Header) Unmarshal(buf []byte) (int, error) {
	if len(buf) < HeaderSize {
		return 0, fmt.Errorf("%w: FEC header needs %d bytes, have %d", ErrShortBuffer, HeaderSize, len(buf))
	}
	h.SNBase = binary.BigEndian.Uint16(buf[0:])
	h.LengthRecovery = binary.BigEndian.Uint16(buf[2:])
	h.E = buf[4]&0x80 != 0
	h.PTRecovery = buf[4] & 0x7F
	h.Mask = uint32(buf[5])<<16 | uint32(buf[6])<<8 | uint32(buf[7])
	h.TSRecovery = binary.BigEndian.Uint32(buf[8:])
	h.FecIndex = buf[12] & 0x1F // Padding1 ignored
	h.FecPktSpan = buf[13] & 0x1F
	h.ExFlags = buf[14] & 0x1F
	h.Reserved = buf[15]
	return HeaderSize, nil
}

// MarshalSize returns HeaderSize.
func (h Header) MarshalSize() int { return HeaderSize }

// MarshalTo writes the header into buf and returns HeaderSize. It fails with
// ErrShortBuffer when buf is shorter and with ErrFieldRange when a field does
// not fit its width.
func (h Header) MarshalTo(buf []byte) (int, error) {
	if len(buf) < HeaderSize {
		return 0, fmt.Errorf("%w: FEC header needs %d bytes, have %d", ErrShortBuffer, HeaderSize, len(buf))
	}
	switch {
	case h.PTRecovery > 0x7F:
		return 0, fmt.Errorf("%w: PT Recovery %#x exceeds 7 bits", ErrFieldRange, h.PTRecovery)
	case h.Mask > 0xFFFFFF:
		return 0, fmt.Errorf("%w: Mask %#x exceeds 24 bits", ErrFieldRange, h.Mask)
	case h.FecIndex > 0x1F, h.FecPktSpan > 0x1F, h.ExFlags > 0x1F:
		return 0, fmt.Errorf("%w: FecIndex %d, FecPktSpan %d, ExFlags %d: each has 5 bits", ErrFieldRange, h.FecIndex, h.FecPktSpan, h.ExFlags)
	}
	binary.BigEndian.PutUint16(buf[0:], h.SNBase)
	binary.BigEndian.PutUint16(buf[2:], h.LengthRecovery)
	buf[4] = h.PTRecovery
	if h.E {
		buf[4] |= 0x80
	}
	buf[5], buf[6], buf[7] = byte(h.Mask>>16), byte(h.Mask>>8), byte(h.Mask)
	binary.BigEndian.PutUint32(buf[8:], h.TSRecovery)
	buf[12] = h.FecIndex
	buf[13] = h.FecPktSpan
	buf[14] = h.ExFlags
	buf[15] = h.Reserved
	return HeaderSize, nil
}

// Marshal returns the header's 16 bytes.
func (h Header) Marshal() ([]byte, error) {
	buf := make([]byte, HeaderSize)
	if _, err := h.MarshalTo(buf); err != nil {
		return nil, err
	}
	return buf, nil
}
