package wmfec

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/pion/rtp"
)

// pfHeader writes an x-asf-pf payload format header (MS-RTSP 2.2.1.3): the
// S L R D I flags, the 24-bit Length/Offset, then the optional 4-byte fields
// in the order R, D, I.
func pfHeader(flags byte, lenOff int, rng *rand.Rand) []byte {
	b := []byte{flags, byte(lenOff >> 16), byte(lenOff >> 8), byte(lenOff)}
	for _, bit := range []byte{pfR, pfD, pfI} {
		if flags&bit != 0 {
			b = binary.BigEndian.AppendUint32(b, rng.Uint32())
		}
	}
	return b
}

// asfStream returns n RTP packets of an x-asf-pf stream as MS-RTSP 2.2.1
// describes it: ASF packets of 40 to 3000 bytes, small ones sometimes two to
// an RTP packet (L = 1 each), large ones cut into fragments (L = 0, the
// offset in Length/Offset) that fill a 1400-byte payload, M = 1 on a packet
// holding complete ASF packets or a last fragment, 0 otherwise (2.2.1.2),
// the timestamp of the first ASF packet, R, D and I flags at random.
func asfStream(rng *rand.Rand, n int, seq uint16, ssrc uint32, pt uint8) []*rtp.Packet {
	const mtu = 1400
	ts := rng.Uint32()
	var out []*rtp.Packet
	emit := func(payload []byte, marker bool, t uint32) {
		out = append(out, &rtp.Packet{
			Header: rtp.Header{Version: 2, Marker: marker, PayloadType: pt,
				SequenceNumber: seq, Timestamp: t, SSRC: ssrc},
			Payload: payload,
		})
		seq++
	}
	for len(out) < n {
		flags := byte(rng.IntN(8)) << 3 // R, D, I
		if rng.IntN(2) == 0 {
			flags |= 0x80 // S
		}
		size := 40 + rng.IntN(2961)
		if rng.IntN(3) == 0 {
			size = 40 + rng.IntN(400)
		}
		asf := make([]byte, size)
		for i := range asf {
			asf[i] = byte(rng.Uint32())
		}
		h := pfHeader(flags, 0, rng)
		if len(h)+size <= mtu {
			p := append(pfHeader(flags|pfL, size, rng), asf...)
			if rng.IntN(2) == 0 && len(p) < mtu-100 {
				second := make([]byte, 20+rng.IntN(60))
				p = append(p, pfHeader(pfL, len(second), rng)...)
				p = append(p, second...)
			}
			emit(p, true, ts)
		} else {
			for off := 0; off < size; {
				h := pfHeader(flags, off, rng)
				end := min(size, off+mtu-len(h))
				emit(append(h, asf[off:end]...), end == size, ts)
				off = end
			}
		}
		ts += uint32(rng.IntN(100))
	}
	return out[:n]
}

// clone deep-copies packets so a test can compare against the originals.
func clone(ps []*rtp.Packet) []*rtp.Packet {
	out := make([]*rtp.Packet, len(ps))
	for i, p := range ps {
		out[i] = p.Clone()
	}
	return out
}
