package asfrtp

import (
	"fmt"

	"github.com/pion/rtp"
)

// Packetizer turns ASF data packets into x-asf-pf RTP packets as a server
// does (MS-RTSP 2.2.1): for the fake server and for tests. It is not safe
// for concurrent use.
type Packetizer struct {
	// PayloadType is the RTP payload type (dynamic, from the SDP rtpmap;
	// 2.2.1.2). It must fit 7 bits.
	PayloadType uint8
	// SSRC of every RTP packet.
	SSRC uint32
	// SequenceNumber is the sequence number of the next RTP packet; it
	// counts up by one per packet, modulo 2^16.
	SequenceNumber uint16
	// MaxPayloadSize is the largest RTP payload (payload format headers
	// plus ASF bytes) of a packet: the MTU minus the IP, UDP and RTP
	// headers (MS-RTSP 4.1: 1500 − 20 − 8 − 12 = 1460). It must leave room
	// for a 16-byte payload format header and one byte of data.
	MaxPayloadSize int
	// PacketSize is the File Properties packet size, used to parse the ASF
	// packets when StripPadding is set (0: each packet's own length).
	PacketSize uint32
	// StripPadding removes each ASF packet's Padding Data and sets its
	// Padding Length to 0 before sending, as a server SHOULD (2.2.1.4).
	StripPadding bool
}

// item is one ASF packet (or fragment) placed in the RTP packet being
// built.
type item struct {
	h    PayloadHeader
	data []byte
}

// Packetize encodes pkts into RTP packets of at most MaxPayloadSize payload
// bytes, in order: consecutive complete ASF packets share an RTP packet
// while they fit; an ASF packet that does not fit an empty RTP packet is
// split into fragments, one per RTP packet (2.2.1.1). An RTP packet never
// holds complete packets and a fragment together. The RTP timestamp is the
// Send Time of the first ASF packet in it and a Relative Timestamp is
// written only when an ASF packet's Send Time differs from it; M is set on
// every RTP packet holding complete ASF packets or the last fragment of one
// (2.2.1.2, 2.2.1.3). Duration and LocationId are written when the Packet
// has them, in every fragment. The batch ends with its last RTP packet: the
// next call starts a new one. On an error nothing is returned and
// SequenceNumber is left as it was.
func (z *Packetizer) Packetize(pkts []Packet) ([]*rtp.Packet, error) {
	if z.PayloadType > 0x7F {
		return nil, fmt.Errorf("%w: payload type %d does not fit 7 bits", ErrConfig, z.PayloadType)
	}
	if z.MaxPayloadSize < MaxPayloadHeaderSize+1 {
		return nil, fmt.Errorf("%w: maximum payload size %d leaves no room for a %d-byte header and data", ErrConfig, z.MaxPayloadSize, MaxPayloadHeaderSize)
	}
	start := z.SequenceNumber
	out, err := z.packetize(pkts)
	if err != nil {
		z.SequenceNumber = start
		return nil, err
	}
	return out, nil
}

func (z *Packetizer) packetize(pkts []Packet) ([]*rtp.Packet, error) {
	var out []*rtp.Packet
	var cur []item
	used := 0
	var ts uint32
	flush := func(marker bool) error {
		if len(cur) == 0 {
			return nil
		}
		payload := make([]byte, used)
		off := 0
		for i := range cur {
			n, err := cur[i].h.MarshalTo(payload[off:])
			if err != nil {
				return err
			}
			off += n
			off += copy(payload[off:], cur[i].data)
		}
		out = append(out, &rtp.Packet{
			Header: rtp.Header{
				Version:        2,
				Marker:         marker,
				PayloadType:    z.PayloadType,
				SequenceNumber: z.SequenceNumber,
				Timestamp:      ts,
				SSRC:           z.SSRC,
			},
			Payload: payload,
		})
		z.SequenceNumber++
		cur, used = cur[:0], 0
		return nil
	}
	for i := range pkts {
		p := pkts[i]
		data := p.Data
		if z.StripPadding {
			var err error
			if data, err = StripPadding(data, z.PacketSize); err != nil {
				return nil, fmt.Errorf("ASF packet %d: %w", i, err)
			}
		}
		if len(data) == 0 {
			return nil, fmt.Errorf("%w: ASF packet %d is empty", ErrConfig, i)
		}
		if len(data) > MaxLengthOrOffset {
			return nil, fmt.Errorf("%w: ASF packet %d has %d bytes, Length/Offset holds 24 bits", ErrTooLarge, i, len(data))
		}
		h := PayloadHeader{
			KeyFrame:      p.KeyFrame,
			IsLength:      true,
			HasDuration:   p.HasDuration,
			Duration:      p.Duration,
			HasLocationID: p.HasLocationID,
			LocationID:    p.LocationID,
		}
		if len(cur) > 0 {
			if rel := int32(p.SendTime - ts); rel != 0 {
				h.HasRelativeTimestamp, h.RelativeTimestamp = true, rel
			}
			if used+h.MarshalSize()+len(data) <= z.MaxPayloadSize {
				h.LengthOrOffset = uint32(len(data))
				cur = append(cur, item{h, data})
				used += h.MarshalSize() + len(data)
				continue
			}
			if err := flush(true); err != nil {
				return nil, err
			}
			h.HasRelativeTimestamp, h.RelativeTimestamp = false, 0
		}
		ts = p.SendTime
		if h.MarshalSize()+len(data) <= z.MaxPayloadSize {
			h.LengthOrOffset = uint32(len(data))
			cur = append(cur, item{h, data})
			used = h.MarshalSize() + len(data)
			continue
		}
		// Fragments: L = 0 and the offset of each piece; S, D, I and their
		// values identical in every fragment (2.2.1.3). The RTP timestamp
		// is this packet's Send Time, so no Relative Timestamp.
		h.IsLength = false
		room := z.MaxPayloadSize - h.MarshalSize()
		for off := 0; off < len(data); off += room {
			end := min(off+room, len(data))
			h.LengthOrOffset = uint32(off)
			cur = append(cur, item{h, data[off:end]})
			used = h.MarshalSize() + end - off
			if err := flush(end == len(data)); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(true); err != nil {
		return nil, err
	}
	return out, nil
}
