package asfrtp

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pion/rtp"
)

// wantRTP is an expected RTP packet, its payload written from MS-RTSP
// 2.2.1.3 by hand.
type wantRTP struct {
	seq     uint16
	ts      uint32
	marker  bool
	payload []byte
}

func checkRTP(t *testing.T, got []*rtp.Packet, want []wantRTP, pt uint8, ssrc uint32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d RTP packets, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Version != 2 || g.PayloadType != pt || g.SSRC != ssrc || g.SequenceNumber != w.seq || g.Timestamp != w.ts || g.Marker != w.marker {
			t.Errorf("RTP packet %d header: %+v, want seq %d ts %d marker %v", i, g.Header, w.seq, w.ts, w.marker)
		}
		if !bytes.Equal(g.Payload, w.payload) {
			t.Errorf("RTP packet %d payload:\n got % x\nwant % x", i, g.Payload, w.payload)
		}
	}
}

func TestPacketizePacks(t *testing.T) {
	z := &Packetizer{PayloadType: 96, SSRC: 0xCAFE, SequenceNumber: 0xFFFF, MaxPayloadSize: 30}
	pkts := []Packet{
		{Data: seqBytes(0x10, 5), SendTime: 1000, KeyFrame: true},
		// 20 ms later: a Relative Timestamp of 20.
		{Data: seqBytes(0x20, 6), SendTime: 1020, Duration: 46, HasDuration: true},
		// 4 + 5 + 12 + 6 = 27 bytes so far, 36 with this one: next RTP packet. Its
		// Send Time is the RTP timestamp, so no Relative Timestamp.
		{Data: seqBytes(0x30, 1), SendTime: 1040, LocationID: 3, HasLocationID: true},
		// Same Send Time as the first of the packet: R = 0 (SHOULD NOT be
		// present when the difference is zero).
		{Data: seqBytes(0x40, 2), SendTime: 1040},
		// 10 ms before: a negative Relative Timestamp.
		{Data: seqBytes(0x50, 1), SendTime: 1030},
	}
	got, err := z.Packetize(pkts)
	if err != nil {
		t.Fatal(err)
	}
	checkRTP(t, got, []wantRTP{
		{0xFFFF, 1000, true, cat(
			[]byte{0xC0, 0, 0, 5}, seqBytes(0x10, 5),
			[]byte{0x70, 0, 0, 6, 0, 0, 0, 20, 0, 0, 0, 46}, seqBytes(0x20, 6))},
		{0x0000, 1040, true, cat(
			[]byte{0x48, 0, 0, 1, 0, 0, 0, 3}, seqBytes(0x30, 1),
			[]byte{0x40, 0, 0, 2}, seqBytes(0x40, 2),
			[]byte{0x60, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xF6}, seqBytes(0x50, 1))},
	}, 96, 0xCAFE)
	if z.SequenceNumber != 1 {
		t.Errorf("next sequence number %d", z.SequenceNumber)
	}
}

func TestPacketizeFragments(t *testing.T) {
	z := &Packetizer{PayloadType: 97, SSRC: 1, SequenceNumber: 100, MaxPayloadSize: 20}
	pkts := []Packet{
		{Data: seqBytes(0, 2), SendTime: 10},
		// 30 bytes with S, D and I: 12-byte headers, 8 bytes of data per
		// fragment; S, D and I in every fragment (2.2.1.3).
		{Data: seqBytes(0x80, 20), SendTime: 50, KeyFrame: true, Duration: 7, HasDuration: true, LocationID: 2, HasLocationID: true},
		{Data: seqBytes(0xC0, 3), SendTime: 90},
	}
	got, err := z.Packetize(pkts)
	if err != nil {
		t.Fatal(err)
	}
	fragHeader := func(off byte) []byte { return []byte{0x98, 0, 0, off, 0, 0, 0, 7, 0, 0, 0, 2} }
	checkRTP(t, got, []wantRTP{
		// The first packet goes alone: the next does not fit beside it.
		{100, 10, true, cat([]byte{0x40, 0, 0, 2}, seqBytes(0, 2))},
		{101, 50, false, cat(fragHeader(0), seqBytes(0x80, 8))},
		{102, 50, false, cat(fragHeader(8), seqBytes(0x88, 8))},
		{103, 50, true, cat(fragHeader(16), seqBytes(0x90, 4))},
		{104, 90, true, cat([]byte{0x40, 0, 0, 3}, seqBytes(0xC0, 3))},
	}, 97, 1)
}

// A packet that exactly fills an RTP packet is sent whole.
func TestPacketizeExactFit(t *testing.T) {
	z := &Packetizer{PayloadType: 96, MaxPayloadSize: 20}
	got, err := z.Packetize([]Packet{{Data: seqBytes(0, 16), SendTime: 5}, {Data: seqBytes(0, 17), SendTime: 6}})
	if err != nil {
		t.Fatal(err)
	}
	checkRTP(t, got, []wantRTP{
		{0, 5, true, cat([]byte{0x40, 0, 0, 16}, seqBytes(0, 16))},
		{1, 6, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 16))},
		{2, 6, true, cat([]byte{0x00, 0, 0, 16}, seqBytes(16, 1))},
	}, 96, 0)
}

func TestPacketizeErrors(t *testing.T) {
	ok := []Packet{{Data: []byte{1}}}
	cases := []struct {
		name string
		z    Packetizer
		pkts []Packet
		want error
	}{
		{"payload type over 7 bits", Packetizer{PayloadType: 128, MaxPayloadSize: 100}, ok, ErrConfig},
		{"no room for a header and a byte", Packetizer{MaxPayloadSize: 16}, ok, ErrConfig},
		// The first packet is sent as fragments before the error.
		{"empty ASF packet", Packetizer{MaxPayloadSize: 100}, []Packet{{Data: make([]byte, 300)}, {}}, ErrConfig},
		{"ASF packet over 24 bits", Packetizer{MaxPayloadSize: 100}, []Packet{{Data: make([]byte, 1<<24)}}, ErrTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			z := tc.z
			z.SequenceNumber = 42
			got, err := z.Packetize(tc.pkts)
			if !errors.Is(err, tc.want) || got != nil {
				t.Errorf("got %d packets, err %v; want %v", len(got), err, tc.want)
			}
			if z.SequenceNumber != 42 {
				t.Errorf("sequence number moved to %d", z.SequenceNumber)
			}
		})
	}
}
