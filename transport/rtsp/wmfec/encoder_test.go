package wmfec

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/pion/rtp"
)

// figure12Sources are the six 8-byte source packets of MS-RTSP 4.2 Figure 12.
var figure12Sources = []string{
	"df e3 ab c9 41 cf f8 f5",
	"c5 6b e7 1b b8 a5 42 2f",
	"4d b1 fc a7 35 4e 67 dc",
	"6f 4c a7 b4 62 4b 67 7e",
	"29 c5 ca 1d 2e 4f a4 69",
	"fa 1b eb d2 4b c2 68 47",
}

// figure12FEC are G × sources with the generator of Figure 10. Figure 12
// prints other rows ("65 65 76 6d 5c 70 72 6f", ...: ASCII text, "eevm\pro
// gs PROMPT=$P$G ..."), which are not the product.
var figure12FEC = []string{
	"58 c0 c8 cc 90 52 b0 c6",
	"79 76 23 12 1b fd 19 ef",
	"6e e9 54 74 14 2b 69 55",
	"8a f2 34 c0 1e 73 d9 37",
}

func figure12Packets(t testing.TB) []*rtp.Packet {
	var out []*rtp.Packet
	for i, row := range hexRows(t, figure12Sources...) {
		out = append(out, &rtp.Packet{
			Header:  rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 100 + uint16(i), Timestamp: 5000 + uint32(i), SSRC: 0x6dded651, Marker: true},
			Payload: row,
		})
	}
	return out
}

// TestEncodeFigure12 codes the six source packets of Figure 12 into four
// FEC packets and checks every field of MS-RTSP 2.2.2.3 and 2.2.2.4 in the
// bytes: M = 1, the FEC payload type, the last source timestamp, SN Base,
// Mask 0x3F, the length (8: every row sums to 1), PT and timestamps coded
// byte by byte, FecIndex and FecPktSpan, then the FEC data of G × sources.
func TestEncodeFigure12(t *testing.T) {
	src := figure12Packets(t)
	enc := Encoder{PayloadType: 98, SSRC: 0x3874dd27, SequenceNumber: 0xFFFE}
	fec, err := enc.Encode(src, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := hexRows(t, figure12FEC...)
	// The timestamps 5000..5005 (00 00 13 88 .. 13 8d) code byte by byte:
	// only the last byte varies; sum over j of G[6+f][j]·(0x88+j).
	tsLow := func(f int) byte {
		g := hexRows(t, figure10[6+f])[0]
		var s byte
		for j := 0; j < 6; j++ {
			s ^= gfMul(g[j], byte(0x88+j))
		}
		return s
	}
	for f, p := range fec {
		raw, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		wantRaw := append(unhex(t, "80e2"), byte((0xFFFE+f)>>8), byte(0xFFFE+f))
		wantRaw = append(wantRaw, unhex(t, "0000138d 3874dd27")...) // timestamp of Src5, SSRC
		wantRaw = append(wantRaw, unhex(t, "0064 0008 60 00003f 000013")...)
		wantRaw = append(wantRaw, tsLow(f), byte(f), 4, 0, 0)
		wantRaw = append(wantRaw, want[f]...)
		if !bytes.Equal(raw, wantRaw) {
			t.Errorf("FEC %d:\n got % x\nwant % x", f, raw, wantRaw)
		}
	}
	if enc.SequenceNumber != 2 {
		t.Errorf("next FEC sequence number %d, want 2 (wrapped)", enc.SequenceNumber)
	}
}

// TestWorkedRecovery is the recovery of MS-RTSP 4.2 worked through: Src1
// and Src4 lost, FEC0 and FEC1 received. The inverse of the rows {0, 2, 3,
// 5, 6, 7} of G, times the received packets, gives every source packet.
func TestWorkedRecovery(t *testing.T) {
	g := bytes.Join(hexRows(t, figure10...), nil)
	var gp []byte
	for _, r := range []int{0, 2, 3, 5, 6, 7} {
		gp = append(gp, g[r*6:(r+1)*6]...)
	}
	inv, ok := invert(gp, 6)
	if !ok {
		t.Fatal("G' singular")
	}
	wantInv := bytes.Join(hexRows(t,
		"01 00 00 00 00 00",
		"15 ff d3 f9 f5 34",
		"00 01 00 00 00 00",
		"00 00 01 00 00 00",
		"fc 92 81 64 30 ba",
		"00 00 00 01 00 00"), nil)
	if !bytes.Equal(inv, wantInv) {
		t.Errorf("inverse of G' =\n% x\nwant\n% x", inv, wantInv)
	}
	src := hexRows(t, figure12Sources...)
	fec := hexRows(t, figure12FEC...)
	recv := [][]byte{src[0], src[2], src[3], src[5], fec[0], fec[1]}
	for r := 0; r < 6; r++ {
		x := make([]byte, 8)
		for c := 0; c < 6; c++ {
			mulAdd(x, recv[c], inv[r*6+c])
		}
		if !bytes.Equal(x, src[r]) {
			t.Errorf("Src%d = % x, want % x", r, x, src[r])
		}
	}
	// The Decoder does the same from the packets.
	pkts := figure12Packets(t)
	enc := Encoder{PayloadType: 98}
	fp, err := enc.Encode(pkts, 2)
	if err != nil {
		t.Fatal(err)
	}
	d := mustDecoder(t, Params{6, 2, 1}, 0)
	for _, i := range []int{0, 2, 3, 5} {
		d.PushMedia(pkts[i])
	}
	var got []*rtp.Packet
	got = append(got, d.PushFEC(fp[0])...)
	got = append(got, d.PushFEC(fp[1])...)
	if len(got) != 2 || !bytes.Equal(got[0].Payload, src[1]) || !bytes.Equal(got[1].Payload, src[4]) {
		t.Fatalf("decoder rebuilt %v", got)
	}
}

// TestEncodeInterleaved: with FecSpan 4 and FecBurstMargin 6 (MS-RTSP
// 4.4.4.4), 24 source packets make six spans of Mask bits 0, 6, 12, 18, one
// FEC packet each; with FecPerSpan 2 and FecBurstMargin 3 the FEC packets go
// out interleaved: FecIndex 0 of spans 0, 1, 2, then FecIndex 1 (3.2.4.3).
func TestEncodeInterleaved(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := asfStream(rng, 24, 65530, 7, 96)
	enc := Encoder{PayloadType: 98, SequenceNumber: 10}
	fec, err := enc.EncodeInterleaved(src, Params{4, 1, 6})
	if err != nil {
		t.Fatal(err)
	}
	if len(fec) != 6 {
		t.Fatalf("%d FEC packets", len(fec))
	}
	for j, p := range fec {
		var h Header
		if _, err := h.Unmarshal(p.Payload); err != nil {
			t.Fatal(err)
		}
		if h.SNBase != 65530+uint16(j) || h.Mask != 0x041041 || h.FecIndex != 0 || h.FecPktSpan != 1 ||
			p.SequenceNumber != 10+uint16(j) || p.Timestamp != src[18+j].Timestamp {
			t.Errorf("FEC %d: seq %d ts %d header %+v", j, p.SequenceNumber, p.Timestamp, h)
		}
	}
	fec, err = enc.EncodeInterleaved(src[:12], Params{4, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	var order [][2]int
	for _, p := range fec {
		var h Header
		h.Unmarshal(p.Payload)
		order = append(order, [2]int{int(h.SNBase - 65530), int(h.FecIndex)})
	}
	want := [][2]int{{0, 0}, {1, 0}, {2, 0}, {0, 1}, {1, 1}, {2, 1}}
	if len(order) != len(want) {
		t.Fatalf("order %v", order)
	}
	for i := range want {
		if order[i] != want[i] || fec[i].SequenceNumber != 16+uint16(i) {
			t.Fatalf("order (span, FecIndex) %v, want %v", order, want)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := asfStream(rng, 30, 0, 1, 96)
	enc := Encoder{PayloadType: 98}
	cases := []struct {
		name string
		span []*rtp.Packet
		per  int
	}{
		{"empty", nil, 1},
		{"25 packets", src[:25], 1},
		{"no FEC packet", src[:4], 0},
		{"33 FEC packets", src[:4], 33},
		{"out of order", []*rtp.Packet{src[1], src[0]}, 1},
		{"twice the same", []*rtp.Packet{src[1], src[1]}, 1},
		{"beyond Mask index 23", []*rtp.Packet{src[0], src[24]}, 1},
		{"payload over 65535", []*rtp.Packet{{Header: rtp.Header{Version: 2}, Payload: make([]byte, 65536)}}, 1},
		{"payload type over 7 bits", []*rtp.Packet{{Header: rtp.Header{Version: 2, PayloadType: 200}}}, 1},
	}
	for _, c := range cases {
		if _, err := enc.Encode(c.span, c.per); !errors.Is(err, ErrFieldRange) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := enc.EncodeInterleaved(src[:25], Params{4, 1, 6}); !errors.Is(err, ErrFieldRange) {
		t.Errorf("25 packets for a Total Span of 24: %v", err)
	}
	if _, err := enc.EncodeInterleaved(src[:4], Params{5, 1, 6}); !errors.Is(err, ErrParamRange) {
		t.Errorf("invalid params: %v", err)
	}
	// Payload types 96 and 127 in one span code PT Recovery 0xF6 for
	// FecIndex 0 of k = 2 (0xf4·96 ⊕ 0xf5·127): over 7 bits.
	mixed := []*rtp.Packet{
		{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 1}},
		{Header: rtp.Header{Version: 2, PayloadType: 127, SequenceNumber: 2}},
	}
	if v := gfMul(0xf4, 96) ^ gfMul(0xf5, 127); v <= 0x7F {
		t.Fatalf("the chosen mix codes to %#x", v)
	}
	if _, err := enc.Encode(mixed, 1); !errors.Is(err, ErrMixedPayloadTypes) {
		t.Errorf("mixed payload types: %v", err)
	}
}

// TestEncodeProtectsCSRCAndExtension: the FEC data covers everything after
// the fixed RTP header (MS-RTSP 2.2.2.1), CSRC list and extension included,
// and Length Recovery counts them (2.2.2.4).
func TestEncodeProtectsCSRCAndExtension(t *testing.T) {
	p := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 9, CSRC: []uint32{0x01020304}}, Payload: []byte{0xAA, 0xBB}}
	fec, err := (&Encoder{PayloadType: 98}).Encode([]*rtp.Packet{p}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// k = 1: the FEC packet is a copy: length 6, data = CSRC then payload.
	want := unhex(t, "0009 0006 60 000001 00000000 00 01 00 00 01020304 aabb")
	if !bytes.Equal(fec[0].Payload, want) {
		t.Errorf("payload % x, want % x", fec[0].Payload, want)
	}
}
