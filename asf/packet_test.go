package asf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"
)

// packetCase is one packet layout used by the Unmarshal, Marshal and fuzz
// tests.
type packetCase struct {
	name       string
	pkt        Packet
	packetSize uint32 // fixed size the packet is padded to (0: no padding)
}

func ecPacket(p Packet) Packet {
	p.ECFlags = 0x82
	p.ECData = []byte{0, 0}
	return p
}

func payloadSet(n int, withExt bool) []Payload {
	var pls []Payload
	for i := 0; i < n; i++ {
		pl := Payload{Stream: uint8(1 + i%2), Key: i == 0, ObjectNumber: uint32(i), ObjectSize: uint32(10 + i),
			PresentationTime: uint32(3100 + 40*i), Data: bytes.Repeat([]byte{byte(i + 1)}, 10+i)}
		if withExt {
			pl.Replicated = append(make([]byte, 8), 1, 2, 3)
		}
		pls = append(pls, pl)
	}
	return pls
}

func packetCases() []packetCase {
	var cases []packetCase
	// Every combination of the packet length, sequence and padding length
	// types, with and without error correction data, single and multiple
	// payloads.
	for lt := byte(0); lt < 4; lt++ {
		for st := byte(0); st < 4; st++ {
			for pt := byte(0); pt < 4; pt++ {
				for _, ec := range []bool{false, true} {
					for _, multi := range []bool{false, true} {
						n := 1
						if multi {
							n = 3
						}
						p := Packet{LengthTypeFlags: lt<<5 | st<<1 | pt<<3, PropertyFlags: DefaultPropertyFlags,
							SendTime: 1234, Duration: 40, Multiple: multi, Payloads: payloadSet(n, false)}
						if st != 0 {
							p.Sequence = 7
						}
						if ec {
							p = ecPacket(p)
						}
						size := uint32(0)
						if pt != 0 {
							size = 200 // padded to a fixed size
						} else if lt != 0 {
							size = uint32(p.MarshalSize())
						}
						if lt != 0 && size == 0 {
							size = uint32(p.MarshalSize())
						}
						cases = append(cases, packetCase{
							name: fmt.Sprintf("len%d_seq%d_pad%d_ec%v_multi%v", lt, st, pt, ec, multi),
							pkt:  p, packetSize: size,
						})
					}
				}
			}
		}
	}
	// Property flag widths: replicated length, offset, object number and
	// payload length in every width.
	for _, pf := range []byte{0x55, 0x59, 0x5D, 0x6A, 0x7F, 0x45, 0x51, 0x5E} {
		for plt := byte(1); plt < 4; plt++ {
			pls := payloadSet(2, true)
			for i := range pls {
				if (pf>>4)&3 == LengthTypeNone {
					pls[i].ObjectNumber = 0 // field absent
				}
			}
			cases = append(cases, packetCase{
				name: fmt.Sprintf("propflags_%02x_plt%d", pf, plt),
				pkt: Packet{LengthTypeFlags: 0x08, PropertyFlags: pf, PayloadFlags: plt << 6, Multiple: true,
					SendTime: 99, Payloads: pls},
				packetSize: 160,
			})
		}
	}
	cases = append(cases,
		packetCase{name: "compressed single", packetSize: 100, pkt: Packet{LengthTypeFlags: 0x08, PropertyFlags: DefaultPropertyFlags,
			Payloads: []Payload{{Stream: 1, Key: true, ObjectNumber: 5, Compressed: true, PresentationTime: 3100, TimeDelta: 23,
				Data: []byte{2, 0xA, 0xB, 3, 1, 2, 3, 0, 1, 9}}}}},
		packetCase{name: "compressed among multiple", packetSize: 120, pkt: ecPacket(Packet{LengthTypeFlags: 0x09, PropertyFlags: DefaultPropertyFlags,
			Multiple: true, Payloads: []Payload{
				{Stream: 2, ObjectNumber: 1, ObjectSize: 4, PresentationTime: 3000, Data: []byte{1, 2, 3, 4}},
				{Stream: 1, ObjectNumber: 9, Compressed: true, PresentationTime: 3200, TimeDelta: 10, Data: []byte{1, 0xF, 1, 0xE}},
			}})},
		packetCase{name: "fragment with offset", packetSize: 64, pkt: Packet{LengthTypeFlags: 0x10, PropertyFlags: DefaultPropertyFlags,
			Payloads: []Payload{{Stream: 3, ObjectNumber: 200, Offset: 1000, ObjectSize: 5000, PresentationTime: 77, Data: []byte("fragment")}}}},
		packetCase{name: "no replicated data", packetSize: 0, pkt: Packet{PropertyFlags: DefaultPropertyFlags,
			Payloads: []Payload{{Stream: 4, Data: []byte("raw")}}}},
		packetCase{name: "63 payloads", packetSize: 0, pkt: Packet{LengthTypeFlags: 0x01, PropertyFlags: DefaultPropertyFlags,
			Multiple: true, Payloads: payloadSet(MaxPayloadsPerPacket, false)}},
	)
	return cases
}

func encodeCase(t testing.TB, tc packetCase) []byte {
	t.Helper()
	p := tc.pkt
	p.Payloads = append([]Payload(nil), tc.pkt.Payloads...)
	if tc.packetSize != 0 {
		if err := p.PadTo(tc.packetSize); err != nil {
			t.Fatalf("%s: PadTo: %v", tc.name, err)
		}
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatalf("%s: Marshal: %v", tc.name, err)
	}
	if tc.packetSize != 0 && len(b) != int(tc.packetSize) {
		t.Fatalf("%s: marshalled %d bytes, want %d", tc.name, len(b), tc.packetSize)
	}
	return b
}

// normPayload fills the fields Unmarshal derives, for comparison with the
// input of Marshal.
func normPayload(pl Payload) Payload {
	pl.Replicated, pl.Data = nil, append([]byte{}, pl.Data...)
	if pl.Compressed {
		pl.Offset, pl.ObjectSize = 0, 0
	}
	return pl
}

func TestPacketRoundTrip(t *testing.T) {
	for _, tc := range packetCases() {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeCase(t, tc)
			var p Packet
			if err := p.Unmarshal(b, tc.packetSize); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if p.SendTime != tc.pkt.SendTime || p.Duration != tc.pkt.Duration || p.Multiple != tc.pkt.Multiple ||
				p.Sequence != tc.pkt.Sequence || p.ECFlags != tc.pkt.ECFlags || !bytes.Equal(p.ECData, tc.pkt.ECData) {
				t.Fatalf("header mismatch: %+v", p)
			}
			if len(p.Payloads) != len(tc.pkt.Payloads) {
				t.Fatalf("%d payloads, want %d", len(p.Payloads), len(tc.pkt.Payloads))
			}
			for i := range p.Payloads {
				got, want := normPayload(p.Payloads[i]), normPayload(tc.pkt.Payloads[i])
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("payload %d:\n got %+v\nwant %+v", i, got, want)
				}
				if n, _ := tc.pkt.Payloads[i].replicatedLen(); len(p.Payloads[i].Replicated) != n {
					t.Fatalf("payload %d: %d replicated bytes, want %d", i, len(p.Payloads[i].Replicated), n)
				}
			}
			// Marshal(Unmarshal(b)) == b.
			b2, err := p.Marshal()
			if err != nil || !bytes.Equal(b, b2) {
				t.Fatalf("re-marshal differs (%v):\n% x\n% x", err, b, b2)
			}
			// Stripped padding: the sender removed the padding bytes but
			// kept the Padding Length field.
			if p.Padding > 0 && p.Length == 0 {
				var q Packet
				if err := q.Unmarshal(b[:len(b)-int(p.Padding)], tc.packetSize); err != nil {
					t.Fatalf("stripped padding: %v", err)
				}
				if !reflect.DeepEqual(q.Payloads, p.Payloads) {
					t.Fatalf("stripped padding: payloads differ")
				}
			}
		})
	}
}

// TestPacketKnownBytes checks Unmarshal against packets written by hand
// from ASF spec §5.2 (independently of Marshal), in the two layouts the
// peers' muxers use.
func TestPacketKnownBytes(t *testing.T) {
	// FFmpeg style: EC 0x82 00 00, flags 0x09 (multiple, padding BYTE),
	// property 0x5D, padding 3, send 0x64, duration 0x28, payload flags 0x82
	// (2 payloads, WORD lengths).
	ff := []byte{
		0x82, 0x00, 0x00, 0x09, 0x5D, 0x03, 0x64, 0, 0, 0, 0x28, 0,
		0x82,
		0x81, 0x07, 0, 0, 0, 0, 0x08, 0x03, 0, 0, 0, 0x1C, 0x0C, 0, 0, 0x03, 0, 'a', 'b', 'c',
		0x02, 0x09, 0x02, 0, 0, 0, 0x08, 0x05, 0, 0, 0, 0x20, 0x0C, 0, 0, 0x02, 0, 'x', 'y',
		0, 0, 0,
	}
	var p Packet
	if err := p.Unmarshal(ff, uint32(len(ff))); err != nil {
		t.Fatal(err)
	}
	want := []Payload{
		{Stream: 1, Key: true, ObjectNumber: 7, ObjectSize: 3, PresentationTime: 3100, Replicated: ff[20:28], Data: []byte("abc")},
		{Stream: 2, ObjectNumber: 9, Offset: 2, ObjectSize: 5, PresentationTime: 3104, Replicated: ff[40:48], Data: []byte("xy")},
	}
	if p.Padding != 3 || p.SendTime != 100 || p.Duration != 40 || !reflect.DeepEqual(p.Payloads, want) {
		t.Fatalf("got %+v", p)
	}
	// GStreamer asfmux style: no EC, flags 0x51 (multiple, padding WORD,
	// packet length WORD), explicit length 40 in a 48-byte packet size (8
	// bytes extra padding), then a single... multiple payload with a BYTE
	// length (payload flags 0x41).
	gst := []byte{
		0x51, 0x5D, 40, 0, 0, 0, 0x10, 0x27, 0, 0, 0, 0,
		0x41,
		0x82, 0, 0, 0, 0, 0, 0x08, 0x04, 0, 0, 0, 0x88, 0x13, 0, 0, 0x04, 'w', 'x', 'y', 'z',
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	}
	if err := p.Unmarshal(gst, 48); err != nil {
		t.Fatal(err)
	}
	if p.Length != 40 || p.SendTime != 10000 || len(p.Payloads) != 1 || p.Payloads[0].Stream != 2 || !p.Payloads[0].Key ||
		p.Payloads[0].PresentationTime != 5000 || string(p.Payloads[0].Data) != "wxyz" {
		t.Fatalf("got %+v", p)
	}
	if st, err := ParseSendTime(gst); err != nil || st != 10000 {
		t.Fatalf("ParseSendTime = %d, %v", st, err)
	}
	if st, err := ParseSendTime(ff); err != nil || st != 100 {
		t.Fatalf("ParseSendTime = %d, %v", st, err)
	}
}

func TestPacketStrippedPaddingRewritten(t *testing.T) {
	// [MS-MSB] 2.2.4: the sender removes the padding and rewrites Padding
	// Length to 0; the packet is shorter than the header's packet size.
	p := Packet{LengthTypeFlags: 0x08, PropertyFlags: DefaultPropertyFlags, SendTime: 5,
		Payloads: []Payload{{Stream: 1, ObjectSize: 6, PresentationTime: 3100, Data: []byte("abcdef")}}}
	if err := p.PadTo(100); err != nil {
		t.Fatal(err)
	}
	full, _ := p.Marshal()
	p.Padding = 0
	short, _ := p.Marshal()
	short = short[:len(short)-(100-len(full)+int(p.Padding))] // no padding bytes
	var q Packet
	for _, b := range [][]byte{full, short} {
		if err := q.Unmarshal(b, 100); err != nil {
			t.Fatal(err)
		}
		if string(q.Payloads[0].Data) != "abcdef" {
			t.Fatalf("payload %q from %d bytes", q.Payloads[0].Data, len(b))
		}
	}
	// Explicit packet length smaller than the fixed size: the bytes after
	// it are extra padding, even when they are not zero.
	e := Packet{LengthTypeFlags: 0x40, PropertyFlags: DefaultPropertyFlags,
		Payloads: []Payload{{Stream: 1, ObjectSize: 3, PresentationTime: 1, Data: []byte("xyz")}}}
	e.Length = uint32(e.MarshalSize())
	b, _ := e.Marshal()
	b = append(b, 0xEE, 0xEE, 0xEE)
	if err := q.Unmarshal(b, uint32(len(b))); err != nil || string(q.Payloads[0].Data) != "xyz" {
		t.Fatalf("explicit length: %v %q", err, q.Payloads[0].Data)
	}
}

func TestPacketParity(t *testing.T) {
	b := []byte{0x92, 0x2B, 0x07, 0xFF, 0xFF, 0xFF}
	var p Packet
	if err := p.Unmarshal(b, 6); err != nil || !p.Parity || len(p.Payloads) != 0 || !bytes.Equal(p.ECData, []byte{0x2B, 0x07}) {
		t.Fatalf("parity: %v %+v", err, p)
	}
	if _, err := p.Marshal(); err == nil {
		t.Fatal("marshalled a parity packet")
	}
}

func TestSubPayloads(t *testing.T) {
	pl := Payload{Compressed: true, PresentationTime: 100, TimeDelta: 5, Data: []byte{1, 'a', 0, 2, 'b', 'c'}}
	var got []string
	for pt, d := range pl.SubPayloads() {
		got = append(got, fmt.Sprintf("%d:%s", pt, d))
	}
	if want := []string{"100:a", "105:", "110:bc"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	for range (&Payload{Data: []byte{1, 2}}).SubPayloads() {
		t.Fatal("uncompressed payload has sub-payloads")
	}
	for _, d := range (&Payload{Compressed: true, Data: []byte{5, 1}}).SubPayloads() {
		t.Fatalf("malformed run yielded %v", d)
	}
}

func TestPacketUnmarshalErrors(t *testing.T) {
	valid := encodeCase(t, packetCase{name: "v", packetSize: 64, pkt: Packet{LengthTypeFlags: 0x09, PropertyFlags: DefaultPropertyFlags,
		Multiple: true, Payloads: payloadSet(1, false)}})
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(valid)) }
	tests := []struct {
		name string
		b    []byte
		size uint32
	}{
		{"empty", nil, 0},
		{"EC length type", []byte{0xA2, 0, 0, 0, 0x5D}, 0},
		{"EC data beyond end", []byte{0x8F, 0, 0}, 0},
		{"no parsing info", []byte{0x82, 0, 0}, 0},
		{"truncated parsing info", []byte{0x82, 0, 0, 0x60, 0x5D, 0x10, 0}, 0},
		{"no send time", []byte{0x00, 0x5D, 1, 2, 3}, 0},
		{"padding longer than packet", mod(func(b []byte) []byte { b[2] = 200; return b }), 64},
		{"explicit length above packet size", []byte{0x40, 0x5D, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0}, 100},
		{"explicit length shorter than header", []byte{0x20, 0x5D, 4, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0}, 100},
		{"zero payload count", mod(func(b []byte) []byte { b[9] = 0x80; return b }), 64},
		{"payload length type 0", mod(func(b []byte) []byte { b[9] = 0x01; return b }), 64},
		{"payload beyond end", mod(func(b []byte) []byte { b[9] = 0x82; return b }), 64},
		{"stream number length type 0", mod(func(b []byte) []byte { b[1] = 0x1D; return b }), 64},
		{"replicated beyond end", []byte{0x00, 0x5D, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0x40, 1, 2}, 0},
		{"payload header cut", []byte{0x00, 0x7F, 0, 0, 0, 0, 0, 0, 0x01, 0, 0}, 0},
		{"malformed compressed", []byte{0x00, 0x5D, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0x01, 0x05, 9, 1}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p Packet
			err := p.Unmarshal(tc.b, tc.size)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Unmarshal = %v, want ErrCorrupt", err)
			}
		})
	}
	if _, err := ParseSendTime([]byte{0x82, 0}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("ParseSendTime short: %v", err)
	}
}

func TestPacketMarshalErrors(t *testing.T) {
	pl := payloadSet(1, false)
	tests := []struct {
		name string
		p    Packet
	}{
		{"single payload with two", Packet{Payloads: payloadSet(2, false)}},
		{"object number too wide", Packet{PropertyFlags: 0x5D, Payloads: []Payload{{Stream: 1, ObjectNumber: 300, ObjectSize: 1, Data: []byte{1}}}}},
		{"padding without a field", Packet{Padding: 3, Payloads: pl}},
		{"EC length mismatch", Packet{ECFlags: 0x82, ECData: []byte{0}, Payloads: pl}},
		{"stream 128", Packet{Payloads: []Payload{{Stream: 128, ObjectSize: 1, Data: []byte{1}}}}},
		{"malformed compressed", Packet{Payloads: []Payload{{Stream: 1, Compressed: true, Data: []byte{4}}}}},
		{"too many payloads", Packet{Multiple: true, Payloads: payloadSet(64, false)}},
	}
	for _, tc := range tests {
		if _, err := tc.p.Marshal(); err == nil {
			t.Errorf("%s: Marshal succeeded", tc.name)
		}
	}
	p := Packet{Payloads: pl}
	if _, err := p.MarshalTo(make([]byte, 3)); !errors.Is(err, io.ErrShortBuffer) {
		t.Errorf("short buffer: %v", err)
	}
	big := Packet{Payloads: []Payload{{Stream: 1, ObjectSize: 1000, Data: make([]byte, 1000)}}}
	if err := big.PadTo(100); err == nil {
		t.Error("PadTo smaller than the content succeeded")
	}
}
