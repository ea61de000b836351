package asf

import (
	"bytes"
	"errors"
	"testing"
)

// Data packets written byte by byte from ASF spec §5.2 (error correction
// data, payload parsing information §5.2.2, single payload §5.2.3.1) with
// their Padding Data stripped, and the same packets at the 40-byte packet
// size as RestorePadding must return them.
var (
	// strippedNoPaddingField: Padding Length Type 00 (no field), as an
	// MS-RTSP server leaves it ([MS-RTSP] 2.2.1.4). 31 bytes.
	strippedNoPaddingField = []byte{
		0x82, 0x00, 0x00, // EC flags: present, 2 bytes of EC data
		0x00,                   // length type flags: single payload, no packet length, sequence or padding length
		0x5D,                   // property flags: replicated BYTE, offset DWORD, object number BYTE, stream BYTE
		0x64, 0x00, 0x00, 0x00, // send time 100 ms
		0x2E, 0x00, // duration 46 ms
		0x81,                   // stream 1, key frame
		0x00,                   // media object number 0
		0x00, 0x00, 0x00, 0x00, // offset into media object 0
		0x08,                   // replicated data length 8
		0x05, 0x00, 0x00, 0x00, // media object size 5
		0x80, 0x0C, 0x00, 0x00, // presentation time 3200 ms
		'h', 'e', 'l', 'l', 'o',
	}
	// restoredNoPaddingField: the Padding Length Type widened to BYTE
	// (length type flags 0x08), Padding Length 8, 8 zero bytes. 40 bytes.
	restoredNoPaddingField = []byte{
		0x82, 0x00, 0x00,
		0x08, // padding length type BYTE
		0x5D,
		0x08, // padding length 8
		0x64, 0x00, 0x00, 0x00,
		0x2E, 0x00,
		0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
		0x05, 0x00, 0x00, 0x00, 0x80, 0x0C, 0x00, 0x00,
		'h', 'e', 'l', 'l', 'o',
		0, 0, 0, 0, 0, 0, 0, 0,
	}
	// strippedWithLength: Packet Length WORD 40 and Padding Length WORD 5
	// kept, the 5 padding bytes gone (35 bytes).
	strippedWithLength = []byte{
		0x82, 0x00, 0x00,
		0x50, // packet length type WORD, padding length type WORD
		0x5D,
		0x28, 0x00, // packet length 40
		0x05, 0x00, // padding length 5
		0x64, 0x00, 0x00, 0x00,
		0x2E, 0x00,
		0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
		0x05, 0x00, 0x00, 0x00, 0x80, 0x0C, 0x00, 0x00,
		'h', 'e', 'l', 'l', 'o',
	}
	// strippedMultiple: two payloads (§5.2.3.3, payload flags 0x80: WORD
	// payload lengths), no padding field, 41 bytes of a 64-byte packet.
	strippedMultiple = []byte{
		0x82, 0x00, 0x00,
		0x01, // multiple payloads
		0x5D,
		0xC8, 0x00, 0x00, 0x00, // send time 200
		0x14, 0x00, // duration 20
		0x82,                                     // payload flags: length type WORD, 2 payloads
		0x02, 0x07, 0x00, 0x00, 0x00, 0x00, 0x08, // stream 2, object 7, offset 0, replicated 8
		0x02, 0x00, 0x00, 0x00, 0xD0, 0x07, 0x00, 0x00, // size 2, time 2000
		0x02, 0x00, 'a', 'b', // payload length 2
		0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, // stream 1, object 8, offset 0, replicated 0
		0x01, 0x00, 'c', // payload length 1
	}
	// restoredMultiple: Padding Length BYTE 22 (64 − 42: the 41 bytes and
	// the new Padding Length byte), 22 zero bytes.
	restoredMultiple = append([]byte{
		0x82, 0x00, 0x00,
		0x09, // multiple payloads, padding length type BYTE
		0x5D,
		0x16, // padding length 22
		0xC8, 0x00, 0x00, 0x00,
		0x14, 0x00,
		0x82,
		0x02, 0x07, 0x00, 0x00, 0x00, 0x00, 0x08,
		0x02, 0x00, 0x00, 0x00, 0xD0, 0x07, 0x00, 0x00,
		0x02, 0x00, 'a', 'b',
		0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x00, 'c',
	}, make([]byte, 22)...)
)

// TestRestorePadding: a packet whose Padding Data was stripped comes back
// at the packet size with a Padding Length (and Packet Length) that says
// so; a whole packet and an unknown packet size come back as they are; a
// packet longer than the packet size, one that does not parse and a size
// beyond MaxPacketSize are errors.
func TestRestorePadding(t *testing.T) {
	restoredWithLength := append(append([]byte(nil), strippedWithLength...), 0, 0, 0, 0, 0)
	cases := []struct {
		name     string
		in       []byte
		size     uint32
		want     []byte
		sameBack bool
	}{
		{"no padding field (MS-RTSP)", strippedNoPaddingField, 40, restoredNoPaddingField, false},
		{"packet length and padding fields kept", strippedWithLength, 40, restoredWithLength, false},
		{"multiple payloads", strippedMultiple, 64, restoredMultiple, false},
		{"already whole", restoredNoPaddingField, 40, restoredNoPaddingField, true},
		{"unknown packet size", strippedNoPaddingField, 0, strippedNoPaddingField, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RestorePadding(tc.in, tc.size)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("got  % x\nwant % x", got, tc.want)
			}
			if tc.sameBack != (len(got) > 0 && &got[0] == &tc.in[0]) {
				t.Errorf("aliasing the input: %v, want %v", !tc.sameBack, tc.sameBack)
			}
		})
	}
	t.Run("parity packet", func(t *testing.T) {
		// EC flags with Opaque Data Present ([MS-MSB] 2.2.2): zero-extended.
		in := []byte{0x92, 0x2B, 0x07, 0xFF}
		got, err := RestorePadding(in, 8)
		if err != nil || !bytes.Equal(got, []byte{0x92, 0x2B, 0x07, 0xFF, 0, 0, 0, 0}) {
			t.Errorf("% x %v", got, err)
		}
	})
	for _, bad := range []struct {
		name string
		in   []byte
		size uint32
		want error
	}{
		{"longer than the packet size", restoredNoPaddingField, 39, ErrCorrupt},
		{"truncated inside the payload header", strippedNoPaddingField[:14], 40, ErrCorrupt},
		{"empty", nil, 40, ErrCorrupt},
		{"packet size beyond the limit", strippedNoPaddingField, MaxPacketSize + 1, ErrTooLarge},
	} {
		if _, err := RestorePadding(bad.in, bad.size); !errors.Is(err, bad.want) {
			t.Errorf("%s: %v, want %v", bad.name, err, bad.want)
		}
	}
}

// FuzzRestorePadding: whatever the bytes and the packet size, no panic;
// a restored packet is exactly the packet size, parses, and holds the
// payloads of the input with a Padding Length that fills the packet.
func FuzzRestorePadding(f *testing.F) {
	for _, b := range [][]byte{strippedNoPaddingField, strippedWithLength, strippedMultiple, restoredNoPaddingField, {0x92, 0x2B, 0x07, 0xFF}} {
		f.Add(b, uint32(40))
		f.Add(b, uint32(64))
		f.Add(b, uint32(len(b)))
	}
	for _, tc := range packetCases() {
		b := encodeCase(f, tc)
		f.Add(b, tc.packetSize)
		f.Add(b[:len(b)*3/4], tc.packetSize)
	}
	f.Fuzz(func(t *testing.T, b []byte, size uint32) {
		size %= 1 << 17 // room above a 64 KiB packet, bounded allocations
		out, err := RestorePadding(b, size)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error wraps neither ErrCorrupt nor ErrTooLarge: %v", err)
			}
			return
		}
		if size == 0 || uint32(len(b)) == size {
			if !bytes.Equal(out, b) {
				t.Fatal("a packet of unknown or full size changed")
			}
			return
		}
		if uint32(len(out)) != size {
			t.Fatalf("%d bytes, want %d", len(out), size)
		}
		var in, p Packet
		if err := in.Unmarshal(b, size); err != nil {
			t.Fatalf("input does not parse but was restored: %v", err)
		}
		if err := p.Unmarshal(out, size); err != nil {
			t.Fatalf("restored packet does not parse: %v", err)
		}
		if in.Parity {
			return
		}
		if int(p.Padding) != int(size)-p.contentSize() {
			t.Fatalf("padding %d, content %d, size %d", p.Padding, p.contentSize(), size)
		}
		if len(p.Payloads) != len(in.Payloads) {
			t.Fatalf("%d payloads, want %d", len(p.Payloads), len(in.Payloads))
		}
		for i := range in.Payloads {
			a, c := in.Payloads[i], p.Payloads[i]
			if !bytes.Equal(a.Data, c.Data) || a.Stream != c.Stream || a.PresentationTime != c.PresentationTime || a.Offset != c.Offset {
				t.Fatalf("payload %d differs:\n%+v\n%+v", i, a, c)
			}
		}
	})
}
