package asfrtp

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/pion/rtp"
)

// cat joins byte strings: the payloads below are written header by header
// from MS-RTSP 2.2.1.3, never with the Packetizer.
func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// seqBytes returns n bytes counting up from first: recognisable ASF data.
func seqBytes(first byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = first + byte(i)
	}
	return b
}

const testSSRC = 0x11223344

func rtpPacket(seq uint16, ts uint32, marker bool, payload []byte) *rtp.Packet {
	return &rtp.Packet{
		Header:  rtp.Header{Version: 2, Marker: marker, PayloadType: 96, SequenceNumber: seq, Timestamp: ts, SSRC: testSSRC},
		Payload: payload,
	}
}

// push feeds the packets and returns what came out and the errors.
func push(d *Depacketizer, pkts ...*rtp.Packet) ([]Packet, []error) {
	var out []Packet
	var errs []error
	for _, p := range pkts {
		if err := d.Push(p, func(p Packet) { out = append(out, p) }); err != nil {
			errs = append(errs, err)
		}
	}
	return out, errs
}

func wantPackets(t *testing.T, got, want []Packet) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d packets out, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("packet %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestDepacketizeOneCompletePacket(t *testing.T) {
	d := NewDepacketizer(0)
	// L = 1, Length 5, no optional field: R = 0 means a Relative Timestamp
	// of 0 (rule 2), D = 0 an unknown duration (rule 3), I = 0 no location
	// (rule 4).
	out, errs := push(d, rtpPacket(7, 1000, true, cat([]byte{0x40, 0, 0, 5}, seqBytes(1, 5))))
	if errs != nil {
		t.Fatal(errs)
	}
	wantPackets(t, out, []Packet{{Data: seqBytes(1, 5), SendTime: 1000}})
	if st := d.Stats(); st.Packets != 1 || st.LengthExclusive != 1 || d.Reading() != LengthExclusive {
		t.Errorf("stats %+v, reading %v", st, d.Reading())
	}
}

func TestDepacketizeSeveralPackets(t *testing.T) {
	d := NewDepacketizer(0)
	payload := cat(
		// S = 1, L = 1, D = 1 (Duration 40), I = 1 (LocationId 9).
		[]byte{0xD8, 0, 0, 3, 0, 0, 0, 40, 0, 0, 0, 9}, seqBytes(0x10, 3),
		// L = 1, R = 1: Send Time 20 ms after the RTP timestamp.
		[]byte{0x60, 0, 0, 2, 0, 0, 0, 20}, seqBytes(0x20, 2),
		// L = 1, R = 1: 20 ms before it (signed).
		[]byte{0x60, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xEC}, seqBytes(0x30, 4),
		// RES bits set: ignored (rule 1).
		[]byte{0x47, 0, 0, 1}, seqBytes(0x40, 1),
	)
	out, errs := push(d, rtpPacket(1, 1000, true, payload))
	if errs != nil {
		t.Fatal(errs)
	}
	wantPackets(t, out, []Packet{
		{Data: seqBytes(0x10, 3), SendTime: 1000, KeyFrame: true, Duration: 40, HasDuration: true, LocationID: 9, HasLocationID: true},
		{Data: seqBytes(0x20, 2), SendTime: 1020},
		{Data: seqBytes(0x30, 4), SendTime: 980},
		{Data: seqBytes(0x40, 1), SendTime: 1000},
	})
}

// A Relative Timestamp is added modulo 2^32 (Send Time is a 32-bit ms
// count).
func TestDepacketizeSendTimeWraps(t *testing.T) {
	d := NewDepacketizer(0)
	out, errs := push(d,
		rtpPacket(1, 10, true, cat([]byte{0x60, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xEC}, []byte{1})),
		rtpPacket(2, 0xFFFFFFF0, true, cat([]byte{0x60, 0, 0, 1, 0, 0, 0, 0x20}, []byte{2})))
	if errs != nil {
		t.Fatal(errs)
	}
	if out[0].SendTime != 0xFFFFFFF6 || out[1].SendTime != 0x10 {
		t.Errorf("send times %#x %#x", out[0].SendTime, out[1].SendTime)
	}
}

func TestDepacketizeFragments(t *testing.T) {
	d := NewDepacketizer(0)
	// Three fragments in consecutive RTP packets, S and D in every header,
	// LocationId only in the header that ends the packet (2.2.6.10.3);
	// offsets 0, 4, 8; M = 1 only on the last (2.2.1.2).
	out, errs := push(d,
		rtpPacket(0xFFFE, 5000, false, cat([]byte{0x90, 0, 0, 0, 0, 0, 0, 100}, seqBytes(0, 4))),
		rtpPacket(0xFFFF, 5000, false, cat([]byte{0x90, 0, 0, 4, 0, 0, 0, 100}, seqBytes(4, 4))),
		rtpPacket(0x0000, 5000, true, cat([]byte{0x98, 0, 0, 8, 0, 0, 0, 100, 0, 0, 0x01, 0x00}, seqBytes(8, 3))))
	if errs != nil {
		t.Fatal(errs)
	}
	wantPackets(t, out, []Packet{{Data: seqBytes(0, 11), SendTime: 5000, KeyFrame: true, Duration: 100, HasDuration: true, LocationID: 256, HasLocationID: true}})
	if st := d.Stats(); st.Reassembled != 1 || st.Gaps != 0 || st.PartialsDropped != 0 {
		t.Errorf("stats %+v", st)
	}
}

// A fragment alone in an RTP packet with M = 1 at offset 0 is a whole
// packet sent as one fragment.
func TestDepacketizeSingleFragmentWithMarker(t *testing.T) {
	d := NewDepacketizer(0)
	out, errs := push(d, rtpPacket(1, 70, true, cat([]byte{0x00, 0, 0, 0}, seqBytes(9, 6))))
	if errs != nil {
		t.Fatal(errs)
	}
	wantPackets(t, out, []Packet{{Data: seqBytes(9, 6), SendTime: 70}})
}

// Complete packets, then the first fragment of the next one, in one RTP
// packet: M = 1 is for the complete packets (2.2.1.2), so the fragment is
// held until its last piece (digest §9 item 9).
func TestDepacketizeCompletePacketsThenFragment(t *testing.T) {
	d := NewDepacketizer(0)
	out, errs := push(d,
		rtpPacket(10, 2000, true, cat(
			[]byte{0x40, 0, 0, 3}, seqBytes(0x50, 3),
			// Fragment at offset 0 of a packet sent 30 ms later.
			[]byte{0x20, 0, 0, 0, 0, 0, 0, 30}, seqBytes(0x60, 4))),
		rtpPacket(11, 2030, true, cat([]byte{0x00, 0, 0, 4}, seqBytes(0x64, 2))))
	if errs != nil {
		t.Fatal(errs)
	}
	wantPackets(t, out, []Packet{
		{Data: seqBytes(0x50, 3), SendTime: 2000},
		{Data: seqBytes(0x60, 6), SendTime: 2030},
	})
}

func TestDepacketizeGapDropsPartial(t *testing.T) {
	first := rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 4)))
	second := rtpPacket(2, 0, false, cat([]byte{0x00, 0, 0, 4}, seqBytes(4, 4)))
	last := rtpPacket(3, 0, true, cat([]byte{0x00, 0, 0, 8}, seqBytes(8, 4)))
	next := rtpPacket(4, 40, true, cat([]byte{0x40, 0, 0, 2}, []byte{7, 7}))

	t.Run("sequence number skips", func(t *testing.T) {
		d := NewDepacketizer(0)
		out, errs := push(d, first, last, next)
		if errs != nil {
			t.Fatal(errs)
		}
		wantPackets(t, out, []Packet{{Data: []byte{7, 7}, SendTime: 40}})
		st := d.Stats()
		if st.Gaps != 1 || st.PartialsDropped != 1 || st.FragmentsDropped != 2 || st.Reassembled != 0 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("Lost", func(t *testing.T) {
		d := NewDepacketizer(0)
		out, _ := push(d, first)
		d.Lost(1)
		if st := d.Stats(); st.PartialsDropped != 1 || st.FragmentsDropped != 1 {
			t.Errorf("Lost did not drop the partial: %+v", st)
		}
		more, errs := push(d, last, next)
		if errs != nil {
			t.Fatal(errs)
		}
		wantPackets(t, append(out, more...), []Packet{{Data: []byte{7, 7}, SendTime: 40}})
		// The packet after the reported gap is consecutive: one gap.
		if st := d.Stats(); st.Gaps != 1 || st.FragmentsDropped != 2 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("new SSRC", func(t *testing.T) {
		d := NewDepacketizer(0)
		other := *second
		other.SSRC = 99
		out, _ := push(d, first, &other)
		if st := d.Stats(); len(out) != 0 || st.Gaps != 1 || st.PartialsDropped != 1 || st.FragmentsDropped != 2 {
			t.Errorf("out %v, stats %+v", out, d.Stats())
		}
	})
	t.Run("no gap", func(t *testing.T) {
		d := NewDepacketizer(0)
		out, errs := push(d, first, second, last, next)
		if errs != nil || len(out) != 2 || !bytes.Equal(out[0].Data, seqBytes(0, 12)) {
			t.Errorf("out %v, errs %v", out, errs)
		}
	})
}

func TestDepacketizeBadOffsets(t *testing.T) {
	cases := []struct {
		name string
		pkts []*rtp.Packet
	}{
		{"offset past the bytes held", []*rtp.Packet{
			rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 4))),
			rtpPacket(2, 0, true, cat([]byte{0x00, 0, 0, 5}, seqBytes(5, 4))),
		}},
		{"offset before the bytes held", []*rtp.Packet{
			rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 4))),
			rtpPacket(2, 0, true, cat([]byte{0x00, 0, 0, 3}, seqBytes(3, 4))),
		}},
		{"continuation without a start", []*rtp.Packet{
			rtpPacket(1, 0, true, cat([]byte{0x00, 0, 0, 4}, seqBytes(4, 4))),
		}},
		{"complete packet interrupts", []*rtp.Packet{
			rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 4))),
			rtpPacket(2, 0, true, cat([]byte{0x40, 0, 0, 1}, []byte{9})),
			rtpPacket(3, 0, true, cat([]byte{0x00, 0, 0, 4}, seqBytes(4, 4))),
		}},
		{"new start before the end", []*rtp.Packet{
			rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 4))),
			rtpPacket(2, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 4))),
			rtpPacket(3, 0, true, cat([]byte{0x00, 0, 0, 8}, seqBytes(8, 4))),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDepacketizer(0)
			out, errs := push(d, tc.pkts...)
			if errs != nil {
				t.Fatal(errs)
			}
			for _, p := range out {
				if len(p.Data) != 1 {
					t.Errorf("a reassembled packet came out: % x", p.Data)
				}
			}
			if st := d.Stats(); st.FragmentsDropped == 0 || st.Reassembled != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestDepacketizeMaxPacketSize(t *testing.T) {
	t.Run("complete", func(t *testing.T) {
		d := NewDepacketizer(4)
		out, errs := push(d, rtpPacket(1, 0, true, cat(
			[]byte{0x40, 0, 0, 5}, seqBytes(0, 5),
			[]byte{0x40, 0, 0, 4}, seqBytes(5, 4))))
		if len(errs) != 1 || !errors.Is(errs[0], ErrTooLarge) {
			t.Fatalf("errs %v", errs)
		}
		wantPackets(t, out, []Packet{{Data: seqBytes(5, 4)}})
		if d.Stats().TooLarge != 1 {
			t.Errorf("stats %+v", d.Stats())
		}
	})
	t.Run("reassembled", func(t *testing.T) {
		d := NewDepacketizer(10)
		out, errs := push(d,
			rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 6))),
			rtpPacket(2, 0, false, cat([]byte{0x00, 0, 0, 6}, seqBytes(6, 5))),
			rtpPacket(3, 0, true, cat([]byte{0x00, 0, 0, 11}, seqBytes(11, 1))))
		if len(errs) != 1 || !errors.Is(errs[0], ErrTooLarge) || len(out) != 0 {
			t.Fatalf("out %v errs %v", out, errs)
		}
		if st := d.Stats(); st.TooLarge != 1 || st.PartialsDropped != 1 || st.FragmentsDropped != 3 || cap(d.partial) > 10 {
			t.Errorf("stats %+v, buffer cap %d", st, cap(d.partial))
		}
	})
	t.Run("exactly the maximum", func(t *testing.T) {
		d := NewDepacketizer(10)
		out, errs := push(d,
			rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 6))),
			rtpPacket(2, 0, true, cat([]byte{0x00, 0, 0, 6}, seqBytes(6, 4))))
		if errs != nil || len(out) != 1 || len(out[0].Data) != 10 {
			t.Fatalf("out %v errs %v", out, errs)
		}
	})
	t.Run("bounds", func(t *testing.T) {
		for _, tc := range []struct {
			in   uint32
			want int
		}{{0, DefaultMaxPacketSize}, {3200, 3200}, {1 << 31, DefaultMaxPacketSize}, {0xFFFFFFFF, DefaultMaxPacketSize}} {
			if got := NewDepacketizer(tc.in).MaxPacketSize(); got != tc.want {
				t.Errorf("maxps %d: bound %d, want %d", tc.in, got, tc.want)
			}
		}
	})
}

// Lengths that count the payload format header too (FFmpeg's reading of
// Windows Media servers, digest §2.3).
func TestDepacketizeInclusiveLengths(t *testing.T) {
	d := NewDepacketizer(0)
	payload := cat(
		[]byte{0x40, 0, 0, 7}, seqBytes(1, 3),
		[]byte{0x60, 0, 0, 10, 0, 0, 0, 5}, seqBytes(4, 2))
	out, errs := push(d, rtpPacket(1, 100, true, payload))
	if errs != nil {
		t.Fatal(errs)
	}
	wantPackets(t, out, []Packet{{Data: seqBytes(1, 3), SendTime: 100}, {Data: seqBytes(4, 2), SendTime: 105}})
	if d.Reading() != LengthInclusive || d.Stats().LengthInclusive != 1 {
		t.Errorf("reading %v, stats %+v", d.Reading(), d.Stats())
	}
	// A lone packet with an inclusive length.
	out, errs = push(d, rtpPacket(2, 200, true, cat([]byte{0x40, 0, 0, 6}, []byte{8, 9})))
	if errs != nil {
		t.Fatal(errs)
	}
	wantPackets(t, out, []Packet{{Data: []byte{8, 9}, SendTime: 200}})
}

// A lone header whose Length reaches past the payload (a server that
// writes the unstripped packet size): the rest of the payload is the
// packet.
func TestDepacketizeRemainingLength(t *testing.T) {
	d := NewDepacketizer(0)
	out, errs := push(d, rtpPacket(1, 300, true, cat([]byte{0x40, 0, 0x0C, 0x80}, seqBytes(0, 100))))
	if errs != nil {
		t.Fatal(errs)
	}
	wantPackets(t, out, []Packet{{Data: seqBytes(0, 100), SendTime: 300}})
	if d.Reading() != LengthRemaining || d.Stats().LengthRemaining != 1 {
		t.Errorf("reading %v, stats %+v", d.Reading(), d.Stats())
	}
}

// A payload that parses both ways: bytes 0-3 a header of Length 8, bytes
// 8-11 a header of Length 12, bytes 12-15 a header of Length 4, 20 bytes
// in all. Exclusive: [4,12) and [16,20); inclusive: [4,8) and [12,20).
func TestDepacketizeAmbiguousLengths(t *testing.T) {
	payload := cat(
		[]byte{0x40, 0, 0, 8}, []byte{0xA0, 0xA1, 0xA2, 0xA3},
		[]byte{0x40, 0, 0, 12}, []byte{0x40, 0, 0, 4},
		[]byte{0xB0, 0xB1, 0xB2, 0xB3})
	exclusive := [][]byte{payload[4:12], payload[16:20]}
	inclusive := [][]byte{payload[4:8], payload[12:20]}
	check := func(t *testing.T, d *Depacketizer, seq uint16, want [][]byte) {
		t.Helper()
		out, errs := push(d, rtpPacket(seq, 0, true, payload))
		if errs != nil {
			t.Fatal(errs)
		}
		if len(out) != 2 || !bytes.Equal(out[0].Data, want[0]) || !bytes.Equal(out[1].Data, want[1]) {
			t.Errorf("got %v, want %v", out, want)
		}
	}
	t.Run("spec reading by default", func(t *testing.T) {
		d := NewDepacketizer(0)
		check(t, d, 1, exclusive)
		if d.Stats().Ambiguous != 1 || d.Reading() != LengthUnknown {
			t.Errorf("stats %+v, reading %v", d.Stats(), d.Reading())
		}
	})
	t.Run("PreferInclusive", func(t *testing.T) {
		d := NewDepacketizer(0)
		d.PreferInclusive = true
		check(t, d, 1, inclusive)
	})
	t.Run("learned inclusive", func(t *testing.T) {
		d := NewDepacketizer(0)
		push(d, rtpPacket(1, 0, true, cat([]byte{0x40, 0, 0, 6}, []byte{8, 9})))
		check(t, d, 2, inclusive)
	})
	t.Run("learned exclusive beats PreferInclusive", func(t *testing.T) {
		d := NewDepacketizer(0)
		d.PreferInclusive = true
		push(d, rtpPacket(1, 0, true, cat([]byte{0x40, 0, 0, 2}, []byte{8, 9})))
		check(t, d, 2, exclusive)
	})
}

func TestDepacketizeMalformed(t *testing.T) {
	cases := []struct {
		name    string
		payload []byte
		want    error
	}{
		{"empty payload", nil, ErrMalformed},
		{"3 bytes", []byte{0x40, 0, 0}, ErrTruncated},
		{"empty complete packet", []byte{0x40, 0, 0, 0}, ErrMalformed},
		{"empty complete packet before another", cat([]byte{0x40, 0, 0, 0}, []byte{0x40, 0, 0, 1, 9}), ErrMalformed},
		{"empty fragment", []byte{0x00, 0, 0, 0}, ErrMalformed},
		{"header cut after a packet", cat([]byte{0x40, 0, 0, 1}, []byte{9}, []byte{0x60, 0, 0, 1, 0, 0}), ErrTruncated},
		{"second Length past the end", cat([]byte{0x40, 0, 0, 1}, []byte{9}, []byte{0x40, 0, 0, 9, 1, 2}), ErrTruncated},
		{"header cut by its R field", []byte{0x60, 0, 0, 1, 0, 0, 0}, ErrTruncated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDepacketizer(0)
			// A partial packet in progress is dropped with the bad payload.
			_, _ = push(d, rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 4))))
			out, errs := push(d, rtpPacket(2, 0, true, tc.payload))
			if len(out) != 0 {
				t.Errorf("emitted %v", out)
			}
			if len(errs) != 1 || !errors.Is(errs[0], tc.want) {
				t.Fatalf("errs %v, want %v", errs, tc.want)
			}
			if st := d.Stats(); st.Malformed != 1 || st.PartialsDropped != 1 {
				t.Errorf("stats %+v", st)
			}
			// Still usable.
			out, errs = push(d, rtpPacket(3, 0, true, cat([]byte{0x40, 0, 0, 1}, []byte{5})))
			if errs != nil || len(out) != 1 {
				t.Errorf("after: out %v errs %v", out, errs)
			}
		})
	}
}

func TestDepacketizeDuplicate(t *testing.T) {
	d := NewDepacketizer(0)
	p := rtpPacket(5, 0, true, cat([]byte{0x40, 0, 0, 1}, []byte{1}))
	out, _ := push(d, p, p)
	if len(out) != 1 || d.Stats().Duplicates != 1 || d.Stats().Gaps != 0 {
		t.Errorf("out %v, stats %+v", out, d.Stats())
	}
}

// Returned packets own their bytes: the RTP buffer can be reused.
func TestDepacketizeOwnsData(t *testing.T) {
	d := NewDepacketizer(0)
	payload := cat([]byte{0x40, 0, 0, 2}, []byte{1, 2})
	out, _ := push(d, rtpPacket(1, 0, true, payload))
	frag1 := cat([]byte{0x00, 0, 0, 0}, []byte{3})
	frag2 := cat([]byte{0x00, 0, 0, 1}, []byte{4})
	more, _ := push(d, rtpPacket(2, 0, false, frag1), rtpPacket(3, 0, true, frag2))
	out = append(out, more...)
	// And a later reassembly does not overwrite an earlier one.
	more, _ = push(d, rtpPacket(4, 0, false, cat([]byte{0x00, 0, 0, 0}, []byte{7})), rtpPacket(5, 0, true, cat([]byte{0x00, 0, 0, 1}, []byte{8})))
	out = append(out, more...)
	clear(payload)
	clear(frag1)
	clear(frag2)
	if !bytes.Equal(out[0].Data, []byte{1, 2}) || !bytes.Equal(out[1].Data, []byte{3, 4}) || !bytes.Equal(out[2].Data, []byte{7, 8}) {
		t.Errorf("data changed: %v", out)
	}
}

func TestDepacketizeReset(t *testing.T) {
	d := NewDepacketizer(0)
	push(d, rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, []byte{1})))
	d.Reset()
	out, errs := push(d, rtpPacket(900, 0, true, cat([]byte{0x40, 0, 0, 1}, []byte{2})))
	if errs != nil || len(out) != 1 {
		t.Fatalf("out %v errs %v", out, errs)
	}
	if st := d.Stats(); st.Gaps != 0 || st.PartialsDropped != 0 {
		t.Errorf("Reset counted: %+v", st)
	}
}

// A payload that parses both ways where the exclusive split ends in a
// fragment (bytes 11-14 read as a header at offset 0): the split that lands
// exactly on the end of the payload wins, unless a reading was learned.
func TestDepacketizeAmbiguousTrailingFragment(t *testing.T) {
	payload := cat(
		[]byte{0x40, 0, 0, 7}, []byte{1, 2, 3},
		[]byte{0x60, 0, 0, 10, 0, 0, 0, 0}, []byte{4, 5})
	d := NewDepacketizer(0)
	out, errs := push(d, rtpPacket(1, 0, true, payload))
	if errs != nil {
		t.Fatal(errs)
	}
	wantPackets(t, out, []Packet{{Data: []byte{1, 2, 3}}, {Data: []byte{4, 5}}})
	if st := d.Stats(); st.Ambiguous != 1 || st.LengthInclusive != 1 || st.PartialsDropped != 0 {
		t.Errorf("stats %+v", st)
	}

	d = NewDepacketizer(0)
	push(d, rtpPacket(1, 0, true, cat([]byte{0x40, 0, 0, 2}, []byte{8, 9})))
	out, errs = push(d, rtpPacket(2, 0, true, payload))
	if errs != nil {
		t.Fatal(errs)
	}
	// Learned exclusive: one complete packet and the start of the next.
	wantPackets(t, out, []Packet{{Data: payload[4:11]}})
	if !d.active || !bytes.Equal(d.partial, []byte{4, 5}) {
		t.Errorf("partial %v % x", d.active, d.partial)
	}
}
