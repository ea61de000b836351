package mmsh

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// readerPeekSize is the buffer a Reader needs: the largest $P (8 + 1048 +
// 504 bytes, [MS-WMSP] 2.2.3.7) plus the next framing header, peeked at
// together to size the $P (pairSize).
const readerPeekSize = 4 << 10

// Reader reads framed packets ([MS-WMSP] 2.2.3) from a response body.
//
// It validates each packet's framing (frame byte with the B bit masked,
// known PacketID, PacketLength consistent with the type, PacketSize equal
// to PacketLength) and returns io.EOF only at a packet boundary; a body
// that ends inside a packet gives an ErrMalformedPacket wrapping
// io.ErrUnexpectedEOF. $P packets are sized by their position (the first,
// second and third of the Describe response), not by PacketLength
// (2.2.3.7, D5 3).
type Reader struct {
	br    *bufio.Reader
	pairs int
	n     int64
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < readerPeekSize {
		// A small buffer: a body is read packet by packet, and a large
		// packet bypasses the buffer (bufio reads it straight into the
		// payload slice).
		br = bufio.NewReaderSize(r, readerPeekSize)
	}
	return &Reader{br: br}
}

// BytesRead returns how many bytes the returned packets occupied.
func (r *Reader) BytesRead() int64 { return r.n }

// Next reads the next packet. The payload is a fresh slice.
func (r *Reader) Next() (Packet, error) {
	hdr, err := r.br.Peek(FramingHeaderSize)
	if err != nil {
		if errors.Is(err, io.EOF) {
			if len(hdr) == 0 {
				return Packet{}, io.EOF
			}
			return Packet{}, fmt.Errorf("%w: body ends inside a framing header: %w", ErrMalformedPacket, io.ErrUnexpectedEOF)
		}
		return Packet{}, err
	}
	h, err := parseFramingHeader(hdr)
	if err != nil {
		return Packet{}, err
	}
	var size int
	switch {
	case h.typ.hasMMSData():
		if err := h.checkMMSLength(); err != nil {
			return Packet{}, err
		}
		size = FramingHeaderSize + h.length
	case h.typ == TypeStreamChange || h.typ == TypeEnd:
		size = FramingHeaderSize + 4
	case h.typ == TypeTest:
		size = FramingHeaderSize
	default:
		size, err = r.pairSize(h)
		if err != nil {
			return Packet{}, err
		}
	}
	buf := make([]byte, size)
	if n, err := io.ReadFull(r.br, buf); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Packet{}, &TruncatedError{Type: h.typ, Size: size, Got: n}
		}
		return Packet{}, err
	}
	var p Packet
	if h.typ == TypePacketPair {
		// Sized above, by position or by the PacketLength fallback.
		p = Packet{Type: h.typ, B: h.b, PairIndex: r.pairs, Payload: buf[8:],
			Reason: uint32(buf[4]) | uint32(buf[5])<<8 | uint32(buf[6])<<16 | uint32(buf[7])<<24}
	} else if _, err := p.Unmarshal(buf); err != nil {
		return Packet{}, err
	}
	r.n += int64(size)
	return p, nil
}

// pairSize works out the wire size of a $P: by position (2.2.3.7), falling
// back to 4+PacketLength when the positional size does not land on another
// framing header but the PacketLength one does.
func (r *Reader) pairSize(h framingHeader) (int, error) {
	r.pairs++
	if r.pairs > 3 {
		return 0, fmt.Errorf("%w: more than three $P packets", ErrUnexpectedPacket)
	}
	head, err := r.br.Peek(8)
	if err != nil {
		return 0, fmt.Errorf("%w: truncated $P: %w", ErrMalformedPacket, io.ErrUnexpectedEOF)
	}
	reason := uint32(head[4]) | uint32(head[5])<<8 | uint32(head[6])<<16 | uint32(head[7])<<24
	if err := checkPairLength(r.pairs, h.length); err != nil {
		return 0, err
	}
	payload, err := pairPayloadSize(r.pairs, reason)
	if err != nil {
		return 0, err
	}
	spec := 8 + payload
	alt := FramingHeaderSize + h.length
	if spec == alt || r.framingAt(spec) {
		return spec, nil
	}
	if r.framingAt(alt) {
		return alt, nil
	}
	return spec, nil
}

// framingAt reports whether a plausible framing header starts at offset
// off of the buffered input (or the input ends exactly there).
func (r *Reader) framingAt(off int) bool {
	b, err := r.br.Peek(off + 2)
	if err != nil {
		return len(b) == off && errors.Is(err, io.EOF)
	}
	return b[off]&^bBit == frameByte && PacketType(b[off+1]).known()
}

// TruncatedError reports a body that ends inside a framed packet: the
// connection closed (or was cut) after Got of the packet's Size bytes. It
// is an ErrMalformedPacket and an io.ErrUnexpectedEOF; whether the
// PacketLength lied or the connection broke, the bytes cannot tell.
type TruncatedError struct {
	Type      PacketType
	Size, Got int
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("%v: body ends after %d bytes of a %d-byte %s: %v", ErrMalformedPacket, e.Got, e.Size, e.Type, io.ErrUnexpectedEOF)
}

// Unwrap makes errors.Is true for ErrMalformedPacket and
// io.ErrUnexpectedEOF.
func (e *TruncatedError) Unwrap() []error { return []error{ErrMalformedPacket, io.ErrUnexpectedEOF} }

// PairsRead returns how many $P packets were read.
func (r *Reader) PairsRead() int { return r.pairs }
