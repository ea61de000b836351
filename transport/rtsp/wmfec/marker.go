package wmfec

import "github.com/pion/rtp"

// The marker bit of a rebuilt packet. FEC does not code M ([MS-RTSP] 2.2.2.4
// recovers the length, PT and timestamp only), but the x-asf-pf payload tells
// it: M is 1 when the RTP packet holds one or more complete ASF packets or
// the last fragment of one, and 0 when it holds only a fragment that goes on
// in the next RTP packet ([MS-RTSP] 2.2.1.2). The payload format header in
// front of each ASF packet or fragment ([MS-RTSP] 2.2.1.3) has L = 1 before a
// complete packet and L = 0 before a fragment, whose Length/Offset field is
// then its byte offset in the ASF packet; a fragment runs to the end of the
// RTP payload.

const (
	pfL = 0x40 // L: a complete ASF packet follows
	pfR = 0x20 // Relative Timestamp present
	pfD = 0x10 // Duration present
	pfI = 0x08 // LocationId present
)

// inferMarker returns the M bit of a rebuilt x-asf-pf packet, given next, the
// RTP packet with the following sequence number, or nil when it is not known. known is false when the payload is a lone
// fragment and next is nil: only the next packet tells whether the fragment
// was the last of its ASF packet (the next one then starts a new packet, or
// goes on at this fragment's end offset).
func inferMarker(payload []byte, next *rtp.Packet) (m, known bool) {
	if len(payload) < 4 {
		return false, true // no x-asf-pf payload: the depacketizer rejects it whatever M says
	}
	flags := payload[0]
	if flags&pfL != 0 {
		return true, true // a complete ASF packet (possibly more, and a trailing fragment)
	}
	h := 4
	for _, bit := range []byte{pfR, pfD, pfI} {
		if flags&bit != 0 {
			h += 4
		}
	}
	if h > len(payload) {
		return false, true
	}
	if next == nil {
		return false, false
	}
	end := be24(payload[1:]) + len(payload) - h
	if nb := next.Payload; len(nb) >= 4 && nb[0]&pfL == 0 && be24(nb[1:]) == end {
		return false, true // the next RTP packet goes on with this ASF packet
	}
	return true, true
}

func be24(b []byte) int { return int(b[0])<<16 | int(b[1])<<8 | int(b[2]) }
