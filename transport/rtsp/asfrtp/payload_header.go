package asfrtp

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Flag bits of the first byte of a payload format header (MS-RTSP 2.2.1.3).
// The low three bits are RES: zero on write, ignored on read.
const (
	flagS = 0x80 // key frame
	flagL = 0x40 // Length/Offset is a length
	flagR = 0x20 // Relative Timestamp present
	flagD = 0x10 // Duration present
	flagI = 0x08 // LocationId present
)

// MaxLengthOrOffset is the largest value of the 24-bit Length/Offset field
// (MS-RTSP 2.2.1.3).
const MaxLengthOrOffset = 1<<24 - 1

// MinPayloadHeaderSize and MaxPayloadHeaderSize bound the size of a payload
// format header: 4 bytes, plus 4 for each of Relative Timestamp, Duration
// and LocationId (MS-RTSP 4.1).
const (
	MinPayloadHeaderSize = 4
	MaxPayloadHeaderSize = 16
)

// PayloadHeader is the RTP payload format header that precedes every ASF
// data packet or fragment in an x-asf-pf RTP payload (MS-RTSP 2.2.1.3),
// big-endian:
//
//	byte 0     S L R D I RES(3)
//	bytes 1-3  Length/Offset
//	[4 bytes]  Relative Timestamp (R = 1), signed
//	[4 bytes]  Duration (D = 1)
//	[4 bytes]  LocationId (I = 1)
//
// The R, D and I bits are not fields of their own: they are
// HasRelativeTimestamp, HasDuration and HasLocationID.
type PayloadHeader struct {
	// KeyFrame is S: the ASF data packet holds a key-frame payload.
	KeyFrame bool
	// IsLength is L: LengthOrOffset is the size of the complete ASF data
	// packet that follows (true) or the byte offset of the fragment that
	// follows in its ASF data packet (false).
	IsLength bool
	// LengthOrOffset is the 24-bit Length/Offset field (at most
	// MaxLengthOrOffset).
	LengthOrOffset uint32
	// RelativeTimestamp is Send Time of the ASF data packet minus the RTP
	// timestamp, in the RTP timescale (ms). When HasRelativeTimestamp is
	// false it is taken as 0 (MS-RTSP 2.2.1.3, digest §7 rule 2).
	HasRelativeTimestamp bool
	RelativeTimestamp    int32
	// Duration is the ASF data packet's duration in the RTP timescale.
	// When HasDuration is false the duration is unknown, not zero (rule 3).
	HasDuration bool
	Duration    uint32
	// LocationID is the packet's index in the original content. When
	// HasLocationID is false nothing is known of it (rule 4).
	HasLocationID bool
	LocationID    uint32
}

// MarshalSize returns the encoded size: 4, 8, 12 or 16 bytes (MS-RTSP 4.1).
func (h *PayloadHeader) MarshalSize() int {
	n := MinPayloadHeaderSize
	if h.HasRelativeTimestamp {
		n += 4
	}
	if h.HasDuration {
		n += 4
	}
	if h.HasLocationID {
		n += 4
	}
	return n
}

// headerSize is the size a header with first byte flags has.
func headerSize(flags byte) int {
	n := MinPayloadHeaderSize
	for _, f := range [...]byte{flagR, flagD, flagI} {
		if flags&f != 0 {
			n += 4
		}
	}
	return n
}

// Unmarshal parses a payload format header at the start of b and returns
// its size. The RES bits are ignored (MS-RTSP 2.2.1.3). A b shorter than
// the header its flags announce is an error wrapping ErrTruncated.
func (h *PayloadHeader) Unmarshal(b []byte) (int, error) {
	if len(b) < MinPayloadHeaderSize {
		return 0, fmt.Errorf("%w: %d bytes, a payload format header has at least %d", ErrTruncated, len(b), MinPayloadHeaderSize)
	}
	flags := b[0]
	n := headerSize(flags)
	if len(b) < n {
		return 0, fmt.Errorf("%w: flags 0x%02x announce a %d-byte payload format header, %d bytes left", ErrTruncated, flags, n, len(b))
	}
	*h = PayloadHeader{
		KeyFrame:             flags&flagS != 0,
		IsLength:             flags&flagL != 0,
		LengthOrOffset:       uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]),
		HasRelativeTimestamp: flags&flagR != 0,
		HasDuration:          flags&flagD != 0,
		HasLocationID:        flags&flagI != 0,
	}
	off := MinPayloadHeaderSize
	if h.HasRelativeTimestamp {
		h.RelativeTimestamp = int32(binary.BigEndian.Uint32(b[off:]))
		off += 4
	}
	if h.HasDuration {
		h.Duration = binary.BigEndian.Uint32(b[off:])
		off += 4
	}
	if h.HasLocationID {
		h.LocationID = binary.BigEndian.Uint32(b[off:])
		off += 4
	}
	return off, nil
}

// MarshalTo encodes the header into b, RES bits zero, and returns its
// size. It returns io.ErrShortBuffer when b is too small and an error
// wrapping ErrTooLarge when LengthOrOffset does not fit 24 bits.
func (h *PayloadHeader) MarshalTo(b []byte) (int, error) {
	if h.LengthOrOffset > MaxLengthOrOffset {
		return 0, fmt.Errorf("%w: Length/Offset %d does not fit 24 bits", ErrTooLarge, h.LengthOrOffset)
	}
	n := h.MarshalSize()
	if len(b) < n {
		return 0, io.ErrShortBuffer
	}
	var flags byte
	if h.KeyFrame {
		flags |= flagS
	}
	if h.IsLength {
		flags |= flagL
	}
	if h.HasRelativeTimestamp {
		flags |= flagR
	}
	if h.HasDuration {
		flags |= flagD
	}
	if h.HasLocationID {
		flags |= flagI
	}
	b[0] = flags
	b[1], b[2], b[3] = byte(h.LengthOrOffset>>16), byte(h.LengthOrOffset>>8), byte(h.LengthOrOffset)
	off := MinPayloadHeaderSize
	if h.HasRelativeTimestamp {
		binary.BigEndian.PutUint32(b[off:], uint32(h.RelativeTimestamp))
		off += 4
	}
	if h.HasDuration {
		binary.BigEndian.PutUint32(b[off:], h.Duration)
		off += 4
	}
	if h.HasLocationID {
		binary.BigEndian.PutUint32(b[off:], h.LocationID)
		off += 4
	}
	return off, nil
}

// Marshal encodes the header into a new buffer.
func (h *PayloadHeader) Marshal() ([]byte, error) {
	b := make([]byte, h.MarshalSize())
	n, err := h.MarshalTo(b)
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}
