package wmfec

import (
	"math/rand/v2"
	"testing"

	"github.com/pion/rtp"
)

// benchSpan is a typical span: FecSpan 8, FecPerSpan 2, 1400-byte payloads
// (the 1500-byte IP packets of MS-RTSP 4.1), and the packet after it.
func benchSpan() ([]*rtp.Packet, Params) {
	rng := rand.New(rand.NewPCG(5, 5))
	p := Params{8, 2, 1}
	src := make([]*rtp.Packet, p.Span+1)
	for i := range src {
		pl := make([]byte, 1400)
		for j := range pl {
			pl[j] = byte(rng.Uint32())
		}
		pl[0] = pfL
		src[i] = &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: uint16(i), Timestamp: uint32(i), Marker: true}, Payload: pl}
	}
	return src, p
}

func BenchmarkEncode(b *testing.B) {
	src, p := benchSpan()
	enc := Encoder{PayloadType: 98}
	b.SetBytes(int64(p.Span * 1400))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := enc.Encode(src[:p.Span], p.PerSpan); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode feeds a span with two packets lost, its two FEC packets and
// the next packet, and rebuilds the two.
func BenchmarkDecode(b *testing.B) {
	src, p := benchSpan()
	fec, err := (&Encoder{PayloadType: 98}).Encode(src[:p.Span], p.PerSpan)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(p.Span * 1400))
	b.ReportAllocs()
	for b.Loop() {
		d, _ := NewDecoder(DecoderConfig{Params: p})
		n := 0
		for i, s := range src {
			if i != 2 && i != 5 {
				n += len(d.PushMedia(s))
			}
		}
		n += len(d.PushFEC(fec[0]))
		n += len(d.PushFEC(fec[1]))
		if n != 2 {
			b.Fatalf("rebuilt %d", n)
		}
	}
}
