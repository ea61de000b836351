package wmfec

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pion/rtp"
)

func mustDecoder(t testing.TB, p Params, window int) *Decoder {
	t.Helper()
	d, err := NewDecoder(DecoderConfig{Params: p, Window: window})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// samePacket reports how got differs from want, every header field and the
// payload, or "".
func samePacket(got, want *rtp.Packet) string {
	switch {
	case got.Version != 2 || got.Padding || got.Extension || len(got.CSRC) != 0:
		return fmt.Sprintf("V=%d P=%v X=%v CC=%d", got.Version, got.Padding, got.Extension, len(got.CSRC))
	case got.SequenceNumber != want.SequenceNumber:
		return fmt.Sprintf("seq %d, want %d", got.SequenceNumber, want.SequenceNumber)
	case got.Timestamp != want.Timestamp:
		return fmt.Sprintf("seq %d: timestamp %d, want %d", want.SequenceNumber, got.Timestamp, want.Timestamp)
	case got.PayloadType != want.PayloadType:
		return fmt.Sprintf("seq %d: PT %d, want %d", want.SequenceNumber, got.PayloadType, want.PayloadType)
	case got.Marker != want.Marker:
		return fmt.Sprintf("seq %d: M %v, want %v", want.SequenceNumber, got.Marker, want.Marker)
	case got.SSRC != want.SSRC:
		return fmt.Sprintf("seq %d: SSRC %x, want %x", want.SequenceNumber, got.SSRC, want.SSRC)
	case !bytes.Equal(got.Payload, want.Payload):
		return fmt.Sprintf("seq %d: payload of %d bytes differs from the %d sent", want.SequenceNumber, len(got.Payload), len(want.Payload))
	}
	return ""
}

// checkRebuilt fails unless got holds exactly the packets of want (any order).
func checkRebuilt(t *testing.T, what string, got []*rtp.Packet, want []*rtp.Packet) {
	t.Helper()
	if len(got) != len(want) {
		var seqs []uint16
		for _, p := range got {
			seqs = append(seqs, p.SequenceNumber)
		}
		t.Fatalf("%s: rebuilt %d packets %v, want %d", what, len(got), seqs, len(want))
	}
	slices.SortFunc(got, func(a, b *rtp.Packet) int { return int(int16(a.SequenceNumber - b.SequenceNumber)) })
	slices.SortFunc(want, func(a, b *rtp.Packet) int { return int(int16(a.SequenceNumber - b.SequenceNumber)) })
	for i := range want {
		if diff := samePacket(got[i], want[i]); diff != "" {
			t.Fatalf("%s: %s", what, diff)
		}
	}
}

// TestRecoverEveryLossCombination loses every combination of up to
// FecPerSpan source packets of a span, for spans of 4 with 1 FEC packet, 8
// with 2 and 10 with 3, and with every subset of FEC packets as large as the
// loss, and checks each rebuilt packet field by field and byte by byte: the
// payload, its length, the sequence number, timestamp, payload type, SSRC and
// the marker bit (MS-RTSP 2.2.2.4, 2.2.1.2). The source packets are an
// x-asf-pf stream with fragments (M = 0) and complete packets (M = 1); the
// packet after the span arrives after the FEC packets, as it does from a
// server, and settles a lost last packet's marker.
func TestRecoverEveryLossCombination(t *testing.T) {
	for _, c := range []struct{ span, per int }{{4, 1}, {8, 2}, {10, 3}} {
		t.Run(fmt.Sprintf("span%d_per%d", c.span, c.per), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(c.span), uint64(c.per)))
			p := Params{c.span, c.per, 1}
			tried := 0
			for e := 1; e <= c.per; e++ {
				forEachSubset(c.span, e, func(lost []int) {
					forEachSubset(c.per, e, func(fecUsed []int) {
						// A new stream each time, starting near the wrap.
						src := asfStream(rng, c.span+1, uint16(65535-rng.IntN(c.span)), 0xabcdef, 101)
						orig := clone(src)
						fec, err := (&Encoder{PayloadType: 98, SSRC: 5}).Encode(src[:c.span], c.per)
						if err != nil {
							t.Fatal(err)
						}
						d := mustDecoder(t, p, 0)
						var got, want []*rtp.Packet
						for i := 0; i < c.span; i++ {
							if slices.Contains(lost, i) {
								want = append(want, orig[i])
								continue
							}
							got = append(got, d.PushMedia(src[i])...)
						}
						for _, f := range fecUsed {
							got = append(got, d.PushFEC(fec[f])...)
						}
						got = append(got, d.PushMedia(src[c.span])...)
						what := fmt.Sprintf("lost %v, FEC %v", lost, fecUsed)
						checkRebuilt(t, what, got, want)
						if s := d.Stats(); s.Recovered != uint64(e) || s.RecoveredSpans != 1 || s.MarkerGuessed != 0 {
							t.Fatalf("%s: stats %+v", what, s)
						}
						if rest := d.Flush(); len(rest) != 0 {
							t.Fatalf("%s: Flush rebuilt %d more", what, len(rest))
						}
						tried++
					})
				})
			}
			t.Logf("%d loss patterns recovered", tried)
		})
	}
}

// TestMarkerFromNextPacket: a lost fragment's marker bit is settled by the
// packet that follows it: M = 0 when that packet goes on at the fragment's
// end offset, 1 when it starts a new ASF packet (MS-RTSP 2.2.1.2). When the
// following packet only arrives later, the rebuilt packet waits for it.
func TestMarkerFromNextPacket(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	// An ASF packet of 3000 bytes in three fragments, then a small one.
	var src []*rtp.Packet
	for len(src) < 5 || src[0].Payload[0]&pfL != 0 || src[1].Marker || !src[2].Marker || src[3].Payload[0]&pfL == 0 {
		src = asfStream(rng, 5, 300, 1, 96)
	}
	orig := clone(src)
	p := Params{4, 1, 1}
	fec, err := (&Encoder{PayloadType: 98}).Encode(src[:4], 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, lost := range []int{1, 2} { // a middle fragment (M=0), the last fragment (M=1)
		d := mustDecoder(t, p, 0)
		var got []*rtp.Packet
		for i := 0; i < 4; i++ {
			if i != lost {
				got = append(got, d.PushMedia(src[i])...)
			}
		}
		got = append(got, d.PushFEC(fec[0])...)
		checkRebuilt(t, fmt.Sprintf("fragment %d", lost), got, []*rtp.Packet{orig[lost]})
	}
	// The span's last packet is a lone fragment when the span is cut after
	// packet 1 (span of 2): its marker waits for packet 2.
	fec2, err := (&Encoder{PayloadType: 98}).Encode(src[:2], 1)
	if err != nil {
		t.Fatal(err)
	}
	d := mustDecoder(t, Params{2, 1, 1}, 0)
	d.PushMedia(src[0])
	if got := d.PushFEC(fec2[0]); len(got) != 0 {
		t.Fatalf("rebuilt %d before a packet past the span arrived", len(got))
	}
	got := d.PushMedia(src[2])
	checkRebuilt(t, "last of span, next arrives later", got, []*rtp.Packet{orig[1]})
	// With the next packet never coming, Flush hands it out with M = 0 and
	// counts the guess.
	d = mustDecoder(t, Params{2, 1, 1}, 0)
	d.PushMedia(src[0])
	d.PushFEC(fec2[0])
	got = d.Flush()
	if len(got) != 1 || got[0].Marker || !bytes.Equal(got[0].Payload, orig[1].Payload) || d.Stats().MarkerGuessed != 1 {
		t.Fatalf("Flush: %v, stats %+v", got, d.Stats())
	}
}

// TestInterleavedBurst: with FecSpan 4, FecPerSpan 1 and FecBurstMargin 6
// (MS-RTSP 4.4.4.4), a burst of six consecutive lost packets hits each of the
// six interleaved spans once, and all six are rebuilt (2.2.6.11).
func TestInterleavedBurst(t *testing.T) {
	p := Params{4, 1, 6}
	for start := 0; start+6 <= 24; start++ {
		rng := rand.New(rand.NewPCG(9, uint64(start)))
		src := asfStream(rng, 48, uint16(rng.Uint32()), 77, 96)
		orig := clone(src)
		enc := Encoder{PayloadType: 98}
		fec1, err := enc.EncodeInterleaved(src[:24], p)
		if err != nil {
			t.Fatal(err)
		}
		fec2, err := enc.EncodeInterleaved(src[24:], p)
		if err != nil {
			t.Fatal(err)
		}
		d := mustDecoder(t, p, 0)
		var got, want []*rtp.Packet
		for i := 0; i < 24; i++ {
			if i >= start && i < start+6 {
				want = append(want, orig[i])
				continue
			}
			got = append(got, d.PushMedia(src[i])...)
		}
		for _, f := range fec1 {
			got = append(got, d.PushFEC(f)...)
		}
		for i := 24; i < 48; i++ {
			got = append(got, d.PushMedia(src[i])...)
		}
		for _, f := range fec2 {
			got = append(got, d.PushFEC(f)...)
		}
		got = append(got, d.Flush()...)
		checkRebuilt(t, fmt.Sprintf("burst at %d", start), got, want)
		if s := d.Stats(); s.CompleteSpans != 6 || s.RecoveredSpans != 6 || s.UnrecoverableSpans != 0 {
			t.Fatalf("burst at %d: %+v", start, s)
		}
	}
}

// TestArrivalOrders: FEC before its media, everything reversed, everything
// twice: the lost packets are rebuilt once, and the duplicates are counted.
func TestArrivalOrders(t *testing.T) {
	p := Params{8, 2, 1}
	rng := rand.New(rand.NewPCG(11, 12))
	src := asfStream(rng, 17, 1000, 3, 96)
	orig := clone(src)
	enc := Encoder{PayloadType: 98}
	fec, _ := enc.Encode(src[:8], 2)
	fecB, _ := enc.Encode(src[8:16], 2)
	lost := map[int]bool{2: true, 7: true, 9: true}
	want := []*rtp.Packet{orig[2], orig[7], orig[9]}
	type ev struct {
		fec bool
		p   *rtp.Packet
	}
	var normal []ev
	for i := 0; i < 8; i++ {
		if !lost[i] {
			normal = append(normal, ev{false, src[i]})
		}
	}
	normal = append(normal, ev{true, fec[0]}, ev{true, fec[1]})
	for i := 8; i < 17; i++ {
		if !lost[i] {
			normal = append(normal, ev{false, src[i]})
		}
	}
	normal = append(normal, ev{true, fecB[0]}, ev{true, fecB[1]})
	orders := map[string][]ev{
		"normal":    normal,
		"fec first": append(append([]ev{{true, fec[0]}, {true, fec[1]}, {true, fecB[1]}}, normal[:6]...), normal[8:]...),
	}
	rev := slices.Clone(normal)
	slices.Reverse(rev)
	orders["reversed"] = rev
	for _, e := range normal {
		orders["duplicated"] = append(orders["duplicated"], e, e)
	}
	for name, evs := range orders {
		d := mustDecoder(t, p, 0)
		var got []*rtp.Packet
		for _, e := range evs {
			if e.fec {
				got = append(got, d.PushFEC(e.p)...)
			} else {
				got = append(got, d.PushMedia(e.p)...)
			}
		}
		got = append(got, d.Flush()...)
		if name == "reversed" {
			// Packets arriving in reverse leave a span short of its first
			// packets, which have not arrived yet, when it can already be
			// rebuilt: they are rebuilt too, identical to the originals.
			for _, w := range want {
				if !slices.ContainsFunc(got, func(p *rtp.Packet) bool { return p.SequenceNumber == w.SequenceNumber }) {
					t.Fatalf("reversed: %d not rebuilt", w.SequenceNumber)
				}
			}
			for _, g := range got {
				if diff := samePacket(g, orig[g.SequenceNumber-1000]); diff != "" {
					t.Fatalf("reversed: %s", diff)
				}
			}
			continue
		}
		checkRebuilt(t, name, got, slices.Clone(want))
		if name == "duplicated" && d.Stats().Duplicates < uint64(len(normal)-4) {
			t.Errorf("duplicated: %d duplicates counted, want at least the %d source packets", d.Stats().Duplicates, len(normal)-4)
		}
	}
}

// TestNoPrematureRecovery: a span is rebuilt only once a packet at or after
// its last one has arrived; before that, a missing packet may still be on
// its way (a FEC packet overtaking the end of its span, or arriving first).
func TestNoPrematureRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	src := asfStream(rng, 5, 40, 1, 96)
	fec, _ := (&Encoder{PayloadType: 98}).Encode(src[:4], 1)
	for _, fecAt := range []int{0, 3} { // FEC first, FEC before the span's last packet
		d := mustDecoder(t, Params{4, 1, 1}, 0)
		var got []*rtp.Packet
		for i := 0; i < 5; i++ {
			if i == fecAt {
				got = append(got, d.PushFEC(fec[0])...)
			}
			got = append(got, d.PushMedia(src[i])...)
		}
		if s := d.Stats(); len(got) != 0 || s.Recovered != 0 || s.CompleteSpans != 1 {
			t.Errorf("FEC at %d: rebuilt %d, stats %+v", fecAt, len(got), s)
		}
	}
}

// TestFECKeptPerSpan: a span keeps at most as many FEC packets as it has
// source packets (more can never be needed), whatever FecIndex values come.
func TestFECKeptPerSpan(t *testing.T) {
	d := mustDecoder(t, Params{2, 1, 1}, 0)
	for f := 0; f <= MaxFECIndex; f++ {
		d.PushFEC(rawFEC(t, Header{SNBase: 7, Mask: 0b101, FecIndex: uint8(f)}, make([]byte, 100)))
	}
	if len(d.order) != 1 || len(d.order[0].fec) != 2 {
		t.Fatalf("%d spans, %d FEC packets kept", len(d.order), len(d.order[0].fec))
	}
}
