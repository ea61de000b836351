package rtx

import (
	"fmt"
	"slices"

	"github.com/pion/rtp"
)

// Kind is what a datagram on the retransmission port carries.
type Kind uint8

const (
	// KindResent is a retransmitted copy of a media RTP packet (MS-RTSP
	// 2.2.3.1).
	KindResent Kind = iota + 1
	// KindPacketPair is packet-pair data (MS-RTSP 2.2.3.2).
	KindPacketPair
)

func (k Kind) String() string {
	switch k {
	case KindResent:
		return "resent"
	case KindPacketPair:
		return "packet-pair"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Port describes the RTP payload types of a session, to sort what arrives
// on the retransmission stream's client RTP port.
type Port struct {
	// RtxPT is the payload type of the x-wms-rtx media description
	// (a=rtpmap:<pt> x-wms-rtx/1000, MS-RTSP 2.2.5.5).
	RtxPT uint8
	// MediaPTs are the payload types of the ASF streams (x-asf-pf).
	MediaPTs []uint8
}

// Unwrap parses a datagram received on the retransmission stream's port
// (MS-RTSP 2.2.3). Its payload type tells what it is:
//
//   - a media payload type: a retransmitted copy. "The RTP header in the
//     copied RTP packet MUST be identical to the RTP header of the original
//     RTP packet" and no header of its own is added (2.2.3.1), so the copy
//     is the original packet, sequence number included: it goes into the
//     media stream's ordering (3.1.5.12.2) as it is;
//   - the rtx payload type: packet-pair data (2.2.3.2), for PairPacket.
//
// The packet aliases buf (pion/rtp's Unmarshal keeps the payload in it).
// Anything else is an error: not RTP version 2, or another payload type.
func (pt Port) Unwrap(buf []byte) (Kind, *rtp.Packet, error) {
	p := &rtp.Packet{}
	if err := p.Unmarshal(buf); err != nil {
		return 0, nil, fmt.Errorf("%w: RTP: %w", ErrMalformed, err)
	}
	if p.Version != 2 {
		return 0, nil, fmt.Errorf("%w: RTP version %d", ErrMalformed, p.Version)
	}
	switch {
	case p.PayloadType == pt.RtxPT:
		return KindPacketPair, p, nil
	case slices.Contains(pt.MediaPTs, p.PayloadType):
		return KindResent, p, nil
	}
	return 0, nil, fmt.Errorf("%w: %d (rtx %d, media %v)", ErrUnknownPayloadType, p.PayloadType, pt.RtxPT, pt.MediaPTs)
}

// Copy returns the datagram a server sends to retransmit the RTP packet
// original (the bytes it sent first): an exact copy, since neither the RTP
// header nor the payload format headers may change and nothing is added
// (MS-RTSP 2.2.3.1). It checks that original is an RTP packet.
func Copy(original []byte) ([]byte, error) {
	var h rtp.Header
	if _, err := h.Unmarshal(original); err != nil {
		return nil, fmt.Errorf("%w: RTP: %w", ErrMalformed, err)
	}
	if h.Version != 2 {
		return nil, fmt.Errorf("%w: RTP version %d", ErrMalformed, h.Version)
	}
	return slices.Clone(original), nil
}
