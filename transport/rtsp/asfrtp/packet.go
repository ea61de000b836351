package asfrtp

import (
	"fmt"

	"github.com/eddyplayer/eddy/asf"
)

// Packet is one ASF data packet with what the payload format headers say
// of it (MS-RTSP 2.2.1.3). The Packetizer takes Packets; the Depacketizer
// returns them.
type Packet struct {
	// Data is the ASF data packet ([ASF] 5.2), usually without its Padding
	// Data (MS-RTSP 2.2.1.4). A Packet returned by the Depacketizer owns
	// Data.
	Data []byte
	// SendTime is the ASF Send Time in ms: the RTP timestamp plus the
	// Relative Timestamp, modulo 2^32 (2.2.1.2, 2.2.1.3). Only as good as
	// the sender's timestamps: GStreamer's rtpasfpay stamps RTP packets
	// from its own clock (random offset), so the Send Time field inside
	// Data ([ASF] 5.2.2, asf.ParseSendTime) is the one to trust.
	SendTime uint32
	// Duration is the packet's duration in ms, known only when HasDuration
	// is set: an absent Duration is unknown, never zero (2.2.1.3).
	Duration    uint32
	HasDuration bool
	// KeyFrame is the S bit: the packet holds a key-frame payload.
	KeyFrame bool
	// LocationID is the packet's index in the original content, known
	// only when HasLocationID is set (2.2.1.3).
	LocationID    uint32
	HasLocationID bool
}

// PacketFromASF describes the ASF data packet data as a server does before
// sending it: the Send Time and Duration of its payload parsing
// information ([ASF] 5.2.2) and the S bit from the key-frame bits of its
// payloads ([ASF] 5.2.3, MS-RTSP 2.2.1.3). packetSize is the File
// Properties packet size (0 when unknown). The Packet aliases data and has
// no LocationID; the caller sets it.
func PacketFromASF(data []byte, packetSize uint32) (Packet, error) {
	var p asf.Packet
	if err := p.Unmarshal(data, packetSize); err != nil {
		return Packet{}, fmt.Errorf("asfrtp: %w", err)
	}
	pkt := Packet{Data: data, SendTime: p.SendTime, Duration: uint32(p.Duration), HasDuration: true}
	for i := range p.Payloads {
		if p.Payloads[i].Key {
			pkt.KeyFrame = true
		}
	}
	return pkt, nil
}

// StripPadding returns the ASF data packet data without its Padding Data
// and with its Padding Length set to 0, as a server SHOULD send it
// (MS-RTSP 2.2.1.4); an explicit Packet Length is set to the new size, so
// the packet stays self-consistent ([ASF] 5.2.2). A packet without padding,
// or an MS-MSB parity packet, is returned as it is. packetSize is the File
// Properties packet size (0 when unknown). The result is a new slice
// unless data is returned unchanged.
func StripPadding(data []byte, packetSize uint32) ([]byte, error) {
	var p asf.Packet
	if err := p.Unmarshal(data, packetSize); err != nil {
		return nil, fmt.Errorf("asfrtp: strip padding: %w", err)
	}
	if p.Parity || (p.Padding == 0 && p.MarshalSize() == len(data)) {
		return data, nil
	}
	p.Padding = 0
	if (p.LengthTypeFlags>>5)&3 != asf.LengthTypeNone {
		p.Length = uint32(p.MarshalSize())
	}
	out, err := p.Marshal()
	if err != nil {
		return nil, fmt.Errorf("asfrtp: strip padding: %w", err)
	}
	return out, nil
}
