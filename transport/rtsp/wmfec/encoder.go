package wmfec

import (
	"encoding/binary"
	"fmt"

	"github.com/pion/rtp"
)

// fixedHeaderSize is the fixed part of the RTP header (RFC 3550 5.1), the
// part FEC does not cover ([MS-RTSP] 2.2.2.1).
const fixedHeaderSize = 12

// maxProtected is the largest payload length the 16-bit Length Recovery
// field can code ([MS-RTSP] 2.2.2.4).
const maxProtected = 0xFFFF

// protected returns the bytes of p that FEC covers: the whole packet but the
// 12-byte fixed RTP header ([MS-RTSP] 2.2.2.1), that is the CSRC list, the
// extension, the payload and the padding. With none of the first, second
// and fourth (Windows Media servers use none) it is p.Payload itself.
func protected(p *rtp.Packet) ([]byte, error) {
	var b []byte
	if len(p.CSRC) == 0 && !p.Extension && !p.Padding {
		b = p.Payload
	} else {
		raw, err := p.Marshal()
		if err != nil {
			return nil, fmt.Errorf("wmfec: marshal source packet %d: %w", p.SequenceNumber, err)
		}
		b = raw[fixedHeaderSize:]
	}
	if len(b) > maxProtected {
		return nil, fmt.Errorf("%w: packet %d has %d bytes after its RTP header, Length Recovery holds %d",
			ErrFieldRange, p.SequenceNumber, len(b), maxProtected)
	}
	return b, nil
}

// fieldSymbols is the number of bytes of a symbol that code RTP header
// fields: the 16-bit payload length, the payload type and the 32-bit
// timestamp, each coded byte by byte like the data ([MS-RTSP] 2.2.2.4:
// "the result of applying the FEC algorithm to" each field).
const fieldSymbols = 7

// putFields writes the coded header fields of one source packet.
func putFields(dst []byte, length int, pt uint8, ts uint32) {
	binary.BigEndian.PutUint16(dst[0:], uint16(length))
	dst[2] = pt & 0x7F
	binary.BigEndian.PutUint32(dst[3:], ts)
}

// Encoder makes the FEC packets of spans of source packets: the server side of
// [MS-RTSP] 2.2.2 and 3.2.4.3, used by fake servers and tests. The zero value
// is usable; set the fields first.
type Encoder struct {
	// PayloadType is the FEC payload type (a=rtpmap:<pt> x-wms-fec/1000).
	PayloadType uint8
	// SSRC is the FEC packets' SSRC.
	SSRC uint32
	// SequenceNumber is the sequence number of the next FEC packet; each
	// packet made increments it.
	SequenceNumber uint16
}

// Encode returns perSpan FEC packets (FecIndex 0..perSpan−1) protecting span,
// the source packets in increasing sequence order. SN Base is the first
// packet's sequence number; every other must lie within 23 of it (the Mask,
// [MS-RTSP] 2.2.2.4). Each FEC packet has M = 1, the FEC payload type and
// the timestamp of the span's last packet ([MS-RTSP] 2.2.2.3); its FEC data
// is as long as the longest protected part of a source packet. FecPktSpan is
// perSpan. The source packets are not modified.
func (e *Encoder) Encode(span []*rtp.Packet, perSpan int) ([]*rtp.Packet, error) {
	k := len(span)
	if k == 0 || k > MaxSpan {
		return nil, fmt.Errorf("%w: a span holds 1 to %d packets, not %d", ErrFieldRange, MaxSpan, k)
	}
	if perSpan < 1 || perSpan > MaxFECIndex+1 {
		return nil, fmt.Errorf("%w: %d FEC packets per span (FecIndex has 5 bits)", ErrFieldRange, perSpan)
	}
	base := span[0].SequenceNumber
	var mask uint32
	prev := -1
	data := make([][]byte, k)
	maxLen := 0
	pt0 := span[0].PayloadType
	mixed := false
	for j, p := range span {
		idx := int(p.SequenceNumber - base)
		if idx <= prev || idx >= MaxSpan {
			return nil, fmt.Errorf("%w: packet %d is not after the previous one within 24 of SN Base %d",
				ErrFieldRange, p.SequenceNumber, base)
		}
		if p.PayloadType > 0x7F {
			return nil, fmt.Errorf("%w: payload type %d", ErrFieldRange, p.PayloadType)
		}
		prev = idx
		mask |= 1 << idx
		b, err := protected(p)
		if err != nil {
			return nil, err
		}
		data[j] = b
		maxLen = max(maxLen, len(b))
		mixed = mixed || p.PayloadType != pt0
	}
	rows := fecRows(k)
	out := make([]*rtp.Packet, perSpan)
	sym := make([]byte, fieldSymbols)
	for f := 0; f < perSpan; f++ {
		y := make([]byte, fieldSymbols+maxLen)
		for j, p := range span {
			c := rows[f*k+j]
			putFields(sym, len(data[j]), p.PayloadType, p.Timestamp)
			mulAdd(y[:fieldSymbols], sym, c)
			mulAdd(y[fieldSymbols:], data[j], c)
		}
		// Every row of the generator sums to 1, so a span of one payload
		// type codes to it; a mix can code to a value over 7 bits.
		if mixed && y[2] > 0x7F {
			return nil, fmt.Errorf("%w: FEC packet %d of span at %d", ErrMixedPayloadTypes, f, base)
		}
		h := Header{
			SNBase:         base,
			LengthRecovery: binary.BigEndian.Uint16(y[0:]),
			PTRecovery:     y[2],
			Mask:           mask,
			TSRecovery:     binary.BigEndian.Uint32(y[3:]),
			FecIndex:       uint8(f),
			FecPktSpan:     uint8(min(perSpan, 0x1F)),
		}
		payload := make([]byte, HeaderSize+maxLen)
		if _, err := h.MarshalTo(payload); err != nil {
			return nil, err
		}
		copy(payload[HeaderSize:], y[fieldSymbols:])
		out[f] = &rtp.Packet{
			Header: rtp.Header{
				Version:        2,
				Marker:         true,
				PayloadType:    e.PayloadType,
				SequenceNumber: e.SequenceNumber,
				Timestamp:      span[k-1].Timestamp,
				SSRC:           e.SSRC,
			},
			Payload: payload,
		}
		e.SequenceNumber++
	}
	return out, nil
}

// EncodeInterleaved returns the FEC packets of one Total Span of source
// packets (p.Span × p.BurstMargin of them, in sequence order) as a server
// sends them after the Total Span ([MS-RTSP] 3.2.4.3): span j holds the
// source packets j, j+b, j+2b, ... (b = BurstMargin), each span gets
// p.PerSpan FEC packets, and when PerSpan and BurstMargin are both above 1
// they are interleaved: FEC 0 of every span, then FEC 1 of every span, ...
// A short final Total Span (fewer packets, at the end of a stream) is
// accepted: each span then holds the packets it has.
func (e *Encoder) EncodeInterleaved(total []*rtp.Packet, p Params) ([]*rtp.Packet, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(total) == 0 || len(total) > p.TotalSpan() {
		return nil, fmt.Errorf("%w: %d source packets for a Total Span of %d", ErrFieldRange, len(total), p.TotalSpan())
	}
	b := min(p.BurstMargin, len(total))
	perSpanFEC := make([][]*rtp.Packet, b)
	// Make each span's packets with consecutive sequence numbers first, then
	// renumber them in the interleaved sending order.
	first := e.SequenceNumber
	for j := 0; j < b; j++ {
		var span []*rtp.Packet
		for i := j; i < len(total); i += p.BurstMargin {
			span = append(span, total[i])
		}
		fec, err := e.Encode(span, p.PerSpan)
		if err != nil {
			e.SequenceNumber = first
			return nil, err
		}
		perSpanFEC[j] = fec
	}
	out := make([]*rtp.Packet, 0, b*p.PerSpan)
	for f := 0; f < p.PerSpan; f++ {
		for j := 0; j < b; j++ {
			pkt := perSpanFEC[j][f]
			pkt.SequenceNumber = first + uint16(len(out))
			out = append(out, pkt)
		}
	}
	e.SequenceNumber = first + uint16(len(out))
	return out, nil
}
