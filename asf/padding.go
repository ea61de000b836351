package asf

import "fmt"

// RestorePadding returns the data packet b at the fixed packet size
// packetSize again when its sender stripped the Padding Data (ASF spec
// §5.2.2: the padding bytes that fill a packet up to the File Properties
// packet size, §3.2). MS-WMSP servers may strip it from a $D payload
// ([MS-WMSP] 2.2.3.3), and MS-RTSP servers do from the ASF packets they
// packetize into RTP, setting the Padding Length to "no padding"
// ([MS-RTSP] 2.2.1.4). A demuxer copes with short packets, but a file
// writer (and a reader that needs fixed-size packets) needs them whole.
//
// The packet is parsed and encoded again with zero padding bytes appended
// and the payload parsing information made consistent: the Padding Length
// says how many (its length type widened when the value does not fit),
// and an explicit Packet Length says packetSize. The payloads are kept as
// they are. A packet already packetSize long, or a packetSize of 0
// (unknown), comes back as is (b itself); an MSB parity packet (Opaque
// Data Present, [MS-MSB] 2.2.2) has no parsing information to fix and is
// zero-extended.
//
// A packet longer than packetSize, or one that does not parse, is an error
// wrapping ErrCorrupt; a packetSize above MaxPacketSize one wrapping
// ErrTooLarge. The result never aliases b when it differs in length.
func RestorePadding(b []byte, packetSize uint32) ([]byte, error) {
	switch {
	case packetSize == 0 || uint64(len(b)) == uint64(packetSize):
		return b, nil
	case packetSize > MaxPacketSize:
		return nil, fmt.Errorf("%w: data packet size %d > %d", ErrTooLarge, packetSize, MaxPacketSize)
	case uint64(len(b)) > uint64(packetSize):
		return nil, corrupt("%d bytes exceed the %d-byte packet size", len(b), packetSize)
	}
	var p Packet
	if err := p.Unmarshal(b, packetSize); err != nil {
		return nil, err
	}
	if p.Parity {
		out := make([]byte, packetSize)
		copy(out, b)
		return out, nil
	}
	if err := p.PadTo(packetSize); err != nil {
		return nil, fmt.Errorf("%w: restoring the padding: %w", ErrCorrupt, err)
	}
	out, err := p.Marshal()
	if err != nil {
		return nil, fmt.Errorf("%w: restoring the padding: %w", ErrCorrupt, err)
	}
	return out, nil
}
