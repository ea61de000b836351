package wmfec

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/pion/rtp"
)

func rawFEC(t testing.TB, h Header, data []byte) *rtp.Packet {
	t.Helper()
	b, err := h.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 98, Marker: true}, Payload: append(b, data...)}
}

// TestMalformedFEC: a FEC payload shorter than its 16-byte header, one with
// E = 1 or with an empty Mask (MS-RTSP 2.2.2.4) is counted and dropped.
func TestMalformedFEC(t *testing.T) {
	d := mustDecoder(t, Params{4, 1, 1}, 0)
	bad := []*rtp.Packet{
		{Payload: nil},
		{Payload: make([]byte, 15)},
		rawFEC(t, Header{E: true, Mask: 1}, nil),
		rawFEC(t, Header{Mask: 0}, nil),
	}
	for _, p := range bad {
		if got := d.PushFEC(p); got != nil {
			t.Fatalf("rebuilt %v", got)
		}
	}
	if d.PushFEC(nil) != nil || d.PushMedia(nil) != nil {
		t.Fatal("nil packet")
	}
	if s := d.Stats(); s.MalformedFEC != 4 || len(d.spans) != 0 {
		t.Errorf("stats %+v, %d spans", s, len(d.spans))
	}
}

// TestUnrecoverable: a span losing more packets than it has FEC packets is
// counted when it leaves the window; nothing is rebuilt.
func TestUnrecoverable(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	p := Params{4, 1, 1}
	src := asfStream(rng, 40, 500, 1, 96)
	fec, _ := (&Encoder{PayloadType: 98}).Encode(src[:4], 1)
	d := mustDecoder(t, p, 1)
	d.PushMedia(src[0])
	d.PushMedia(src[3])
	var got []*rtp.Packet
	got = append(got, d.PushFEC(fec[0])...)
	for _, s := range src[4:] {
		got = append(got, d.PushMedia(s)...)
	}
	if len(got) != 0 || d.Stats().UnrecoverableSpans != 1 || len(d.spans) != 0 {
		t.Fatalf("rebuilt %d, stats %+v, %d spans left", len(got), d.Stats(), len(d.spans))
	}
}

// TestInconsistentFEC: FEC data shorter than a received source packet, or
// coding a length beyond the FEC data, cannot come from that span: nothing
// is rebuilt and the span counts as unrecoverable.
func TestInconsistentFEC(t *testing.T) {
	src := []*rtp.Packet{
		{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 1}, Payload: make([]byte, 100)},
		{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 2}, Payload: make([]byte, 10)},
	}
	d := mustDecoder(t, Params{2, 1, 1}, 0)
	d.PushMedia(src[0])
	d.PushMedia(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: 3}})
	// k = 1 would be a copy; with k = 2 the data must be as long as the
	// longest source packet: 20 bytes cannot cover the 100 received.
	got := d.PushFEC(rawFEC(t, Header{SNBase: 1, Mask: 3, LengthRecovery: 10}, make([]byte, 20)))
	if len(got) != 0 || d.Stats().UnrecoverableSpans != 1 {
		t.Fatalf("rebuilt %d, stats %+v", len(got), d.Stats())
	}
	// A length that decodes beyond the data.
	d = mustDecoder(t, Params{1, 1, 1}, 0)
	d.PushMedia(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: 9}})
	got = d.PushFEC(rawFEC(t, Header{SNBase: 8, Mask: 1, LengthRecovery: 50}, make([]byte, 20)))
	if len(got) != 0 || d.Stats().UnrecoverableSpans != 1 {
		t.Fatalf("rebuilt %d, stats %+v", len(got), d.Stats())
	}
}

// TestLatePackets: source and FEC packets older than the window are counted
// and dropped; a FEC packet for a span already rebuilt or complete is
// dropped without effect.
func TestLatePackets(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	p := Params{4, 1, 1}
	src := asfStream(rng, 200, 65000, 1, 96)
	fec, _ := (&Encoder{PayloadType: 98}).Encode(src[:4], 1)
	d := mustDecoder(t, p, 1) // 1 Total Span: 4 + 24 rounded up to 32 sequence numbers
	d.PushMedia(src[0])
	d.PushMedia(src[1])
	d.PushMedia(src[3])
	for _, s := range src[4:100] {
		d.PushMedia(s)
	}
	if got := d.PushFEC(fec[0]); len(got) != 0 {
		t.Fatalf("an old span was rebuilt: %v", got)
	}
	if got := d.PushMedia(src[2]); len(got) != 0 {
		t.Fatal("an old packet rebuilt something")
	}
	if s := d.Stats(); s.Late != 2 || len(d.spans) != 0 {
		t.Fatalf("stats %+v, %d spans", s, len(d.spans))
	}
	// A span completed, then its FEC packet again.
	fec2, _ := (&Encoder{PayloadType: 98}).Encode(src[100:104], 1)
	for _, s := range src[100:105] {
		d.PushMedia(s)
	}
	d.PushFEC(fec2[0])
	d.PushFEC(fec2[0])
	if s := d.Stats(); s.CompleteSpans != 1 || s.Recovered != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// TestBoundedMemory: a flood of FEC packets naming distinct spans, source
// packets with random sequence numbers and rebuilt lone fragments never
// waiting on their successor keep the Decoder within its window.
func TestBoundedMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	p := Params{4, 1, 6}
	d := mustDecoder(t, p, 2)
	maxSpans := 3 * 6
	if d.window != 128 || d.maxSpans != maxSpans {
		t.Fatalf("window %d maxSpans %d", d.window, d.maxSpans)
	}
	for i := 0; i < 20000; i++ {
		base := uint16(rng.IntN(64))
		switch rng.IntN(3) {
		case 0:
			d.PushFEC(rawFEC(t, Header{SNBase: base, Mask: rng.Uint32N(1<<24-1) + 1, FecIndex: uint8(rng.IntN(32))}, make([]byte, rng.IntN(64))))
		case 1:
			d.PushMedia(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: base}, Payload: []byte{0, 0, 0, 0, 1}})
		default:
			d.PushMedia(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(rng.Uint32())}})
		}
		if len(d.spans) > maxSpans || len(d.order) != len(d.spans) || len(d.pending) > d.window || len(d.ring) != d.window {
			t.Fatalf("after %d packets: %d spans, %d in order, %d pending", i, len(d.spans), len(d.order), len(d.pending))
		}
		for _, s := range d.order {
			if len(s.fec) > s.k {
				t.Fatalf("span keeps %d FEC packets for %d source packets", len(s.fec), s.k)
			}
		}
	}
}

// TestOnlyFEC: a span of one packet whose FEC packet (a copy) is all that
// arrived is rebuilt at Flush with the configured SSRC.
func TestOnlyFEC(t *testing.T) {
	src := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 4, Timestamp: 8, SSRC: 0x77, Marker: true},
		Payload: []byte{pfL, 0, 0, 1, 0xEE}}
	fec, _ := (&Encoder{PayloadType: 98, SSRC: 0x55}).Encode([]*rtp.Packet{src}, 1)
	d, err := NewDecoder(DecoderConfig{Params: Params{1, 1, 1}, SSRC: 0x77})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.PushFEC(fec[0]); len(got) != 0 {
		t.Fatal("rebuilt before any source packet or the end")
	}
	got := d.Flush()
	checkRebuilt(t, "only FEC", got, []*rtp.Packet{src})
}

func TestNewDecoderErrors(t *testing.T) {
	if _, err := NewDecoder(DecoderConfig{Params: Params{5, 1, 6}}); !errors.Is(err, ErrParamRange) {
		t.Errorf("bad params: %v", err)
	}
	for _, w := range []int{-1, MaxWindow + 1} {
		if _, err := NewDecoder(DecoderConfig{Params: Params{4, 1, 1}, Window: w}); !errors.Is(err, ErrParamRange) {
			t.Errorf("window %d: %v", w, err)
		}
	}
}

// FuzzDecoder drives a Decoder with packet streams made from the input: a
// genuine stream and its FEC packets, each lost, duplicated, delayed or
// corrupted as the input says, and raw FEC payloads from the input. It never
// panics, stays within its bounds, and every packet it rebuilds while no
// FEC packet was corrupted is the original, field for field.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, uint8(3), uint64(1))
	f.Add([]byte{0xFF, 0xFE, 0x10, 0x20, 0x30}, uint8(0), uint64(2))
	f.Add(make([]byte, 64), uint8(7), uint64(3))
	for _, c := range headerCases {
		f.Add(unhex(f, c.wire), uint8(9), uint64(4))
	}
	f.Fuzz(runDecoderOps)
}

// runDecoderOps is the body of FuzzDecoder.
func runDecoderOps(t *testing.T, ops []byte, pick uint8, seed uint64) {
	paramsList := []Params{{4, 1, 1}, {8, 2, 1}, {10, 3, 1}, {4, 1, 6}, {3, 2, 4}, {1, 1, 1}, {24, 4, 1}}
	p := paramsList[int(pick)%len(paramsList)]
	rng := rand.New(rand.NewPCG(seed, uint64(pick)))
	n := 2 * p.TotalSpan()
	src := asfStream(rng, n, uint16(seed), 9, 96)
	orig := clone(src)
	enc := Encoder{PayloadType: 98}
	var fec []*rtp.Packet
	for i := 0; i < n; i += p.TotalSpan() {
		fp, err := enc.EncodeInterleaved(src[i:i+p.TotalSpan()], p)
		if err != nil {
			t.Fatal(err)
		}
		fec = append(fec, fp...)
	}
	d, err := NewDecoder(DecoderConfig{Params: p, Window: 1 + int(pick)%3, SSRC: 9})
	if err != nil {
		t.Fatal(err)
	}
	corrupted := false
	var got []*rtp.Packet
	var delayed []*rtp.Packet
	si, fi := 0, 0
	for i, op := range ops {
		switch op % 8 {
		case 0, 1, 2: // next source packet
			if si < n {
				got = append(got, d.PushMedia(src[si])...)
				si++
			}
		case 3: // lose the next source packet
			si = min(si+1, n)
		case 4: // delay the next source packet
			if si < n {
				delayed = append(delayed, src[si])
				si++
			}
		case 5: // next FEC packet, or a delayed source packet
			if fi < len(fec) {
				got = append(got, d.PushFEC(fec[fi])...)
				fi++
			} else if len(delayed) > 0 {
				got = append(got, d.PushMedia(delayed[0])...)
				delayed = delayed[1:]
			}
		case 6: // a duplicate of something already sent
			if si > 0 {
				got = append(got, d.PushMedia(src[int(op)%si])...)
			}
		case 7: // raw bytes as a FEC payload
			end := min(len(ops), i+1+int(op>>3))
			raw := ops[i+1 : end]
			if len(raw) >= HeaderSize {
				corrupted = true
			}
			got = append(got, d.PushFEC(&rtp.Packet{Payload: raw})...)
		}
		if len(d.spans) > d.maxSpans || len(d.pending) > d.window {
			t.Fatalf("%d spans, %d pending", len(d.spans), len(d.pending))
		}
	}
	for _, p := range delayed {
		got = append(got, d.PushMedia(p)...)
	}
	got = append(got, d.Flush()...)
	if corrupted {
		return
	}
	for _, g := range got {
		i := int(g.SequenceNumber - uint16(seed))
		if i < 0 || i >= n {
			t.Fatalf("rebuilt a packet %d outside the stream", g.SequenceNumber)
		}
		w := orig[i]
		if diff := samePacket(g, w); diff != "" {
			// A lone fragment whose successor was lost gets M = 0 by guess.
			g.Marker = w.Marker
			if samePacket(g, w) != "" || d.Stats().MarkerGuessed == 0 {
				t.Fatal(diff)
			}
		}
	}
}
