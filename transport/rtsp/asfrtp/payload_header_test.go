package asfrtp

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// headerCase is a payload format header written byte by byte from the
// field layout of MS-RTSP 2.2.1.3 (S L R D I RES, 24-bit Length/Offset,
// then Relative Timestamp, Duration, LocationId, big-endian) and the sizes
// of 4.1. These bytes are used by the Unmarshal, Marshal and fuzz tests.
type headerCase struct {
	name string
	b    []byte
	h    PayloadHeader
	// canonical: Marshal gives b back (false when b has RES bits set).
	canonical bool
}

func headerCases() []headerCase {
	return []headerCase{
		{
			// 4.1: no optional field, a 4-byte header. L = 1 and the
			// length of the typical ASF packet of 4.1: 12 bytes of packet
			// header + 1444 bytes of payloads = 1456 = 0x0005B0.
			name:      "4.1 typical complete packet",
			b:         []byte{0x40, 0x00, 0x05, 0xB0},
			h:         PayloadHeader{IsLength: true, LengthOrOffset: 1456},
			canonical: true,
		},
		{
			// S = 1, L = 0: a fragment of a key-frame packet starting at
			// byte 1456 of it.
			name:      "key-frame fragment at offset 1456",
			b:         []byte{0x80, 0x00, 0x05, 0xB0},
			h:         PayloadHeader{KeyFrame: true, LengthOrOffset: 1456},
			canonical: true,
		},
		{
			name:      "fragment at offset 0",
			b:         []byte{0x00, 0x00, 0x00, 0x00},
			h:         PayloadHeader{},
			canonical: true,
		},
		{
			name:      "largest Length/Offset",
			b:         []byte{0x40, 0xFF, 0xFF, 0xFF},
			h:         PayloadHeader{IsLength: true, LengthOrOffset: 0xFFFFFF},
			canonical: true,
		},
		{
			// R = 1: 8 bytes; Relative Timestamp is signed: -5 ms.
			name:      "R only, negative relative timestamp",
			b:         []byte{0x60, 0x00, 0x0C, 0x80, 0xFF, 0xFF, 0xFF, 0xFB},
			h:         PayloadHeader{IsLength: true, LengthOrOffset: 3200, HasRelativeTimestamp: true, RelativeTimestamp: -5},
			canonical: true,
		},
		{
			// D = 1: 8 bytes, Duration 46 ms.
			name:      "D only",
			b:         []byte{0x50, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x2E},
			h:         PayloadHeader{IsLength: true, LengthOrOffset: 100, HasDuration: true, Duration: 46},
			canonical: true,
		},
		{
			// I = 1: 8 bytes, LocationId 0 (the first packet of the file).
			name:      "I only, first packet of the file",
			b:         []byte{0x48, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00},
			h:         PayloadHeader{IsLength: true, LengthOrOffset: 100, HasLocationID: true},
			canonical: true,
		},
		{
			// R and I: 12 bytes, Relative Timestamp before LocationId.
			name: "R and I",
			b: []byte{0x68, 0x00, 0x00, 0x64,
				0x00, 0x00, 0x00, 0x14,
				0x00, 0x01, 0x00, 0x02},
			h:         PayloadHeader{IsLength: true, LengthOrOffset: 100, HasRelativeTimestamp: true, RelativeTimestamp: 20, HasLocationID: true, LocationID: 0x00010002},
			canonical: true,
		},
		{
			// D and I on a fragment: 12 bytes, Duration before LocationId.
			name: "D and I on a fragment",
			b: []byte{0x18, 0x00, 0x02, 0x00,
				0x00, 0x00, 0x01, 0x00,
				0x00, 0x00, 0x00, 0x07},
			h:         PayloadHeader{LengthOrOffset: 512, HasDuration: true, Duration: 256, HasLocationID: true, LocationID: 7},
			canonical: true,
		},
		{
			// 4.1: all three fields, 16 bytes, in the order R, D, I.
			name: "S L R D I",
			b: []byte{0xF8, 0x00, 0x0C, 0x80,
				0x80, 0x00, 0x00, 0x00,
				0xFF, 0xFF, 0xFF, 0xFF,
				0x12, 0x34, 0x56, 0x78},
			h: PayloadHeader{KeyFrame: true, IsLength: true, LengthOrOffset: 3200,
				HasRelativeTimestamp: true, RelativeTimestamp: -1 << 31,
				HasDuration: true, Duration: 0xFFFFFFFF,
				HasLocationID: true, LocationID: 0x12345678},
			canonical: true,
		},
		{
			// RES = 0b111: MUST be ignored by the receiver (digest §7
			// rule 1).
			name: "RES bits set",
			b:    []byte{0x47, 0x00, 0x05, 0xB0},
			h:    PayloadHeader{IsLength: true, LengthOrOffset: 1456},
		},
		{
			name: "RES bits set with R",
			b:    []byte{0x65, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01},
			h:    PayloadHeader{IsLength: true, LengthOrOffset: 16, HasRelativeTimestamp: true, RelativeTimestamp: 1},
		},
	}
}

func TestPayloadHeaderUnmarshal(t *testing.T) {
	for _, tc := range headerCases() {
		t.Run(tc.name, func(t *testing.T) {
			// Trailing bytes (the ASF packet) are not part of the header.
			in := append(append([]byte(nil), tc.b...), 0xAA, 0xBB)
			var h PayloadHeader
			n, err := h.Unmarshal(in)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(tc.b) {
				t.Errorf("size %d, want %d", n, len(tc.b))
			}
			if h != tc.h {
				t.Errorf("got %+v\nwant %+v", h, tc.h)
			}
			if h.MarshalSize() != len(tc.b) {
				t.Errorf("MarshalSize %d, want %d", h.MarshalSize(), len(tc.b))
			}
		})
	}
}

func TestPayloadHeaderMarshal(t *testing.T) {
	for _, tc := range headerCases() {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.h.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			want := append([]byte(nil), tc.b...)
			want[0] &^= 0x07 // RES is zero on write
			if !bytes.Equal(b, want) {
				t.Errorf("got % x\nwant % x", b, want)
			}
			if tc.canonical && !bytes.Equal(b, tc.b) {
				t.Errorf("not the spec bytes: % x", b)
			}
			if _, err := tc.h.MarshalTo(make([]byte, len(tc.b)-1)); !errors.Is(err, io.ErrShortBuffer) {
				t.Errorf("short buffer: %v", err)
			}
		})
	}
}

func TestPayloadHeaderErrors(t *testing.T) {
	truncated := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"3 bytes", []byte{0x40, 0x00, 0x05}},
		{"R announced, 7 bytes", []byte{0x60, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00}},
		{"R D I announced, 15 bytes", append([]byte{0xF8}, make([]byte, 14)...)},
		{"I announced, 4 bytes", []byte{0x48, 0x00, 0x00, 0x10}},
	}
	for _, tc := range truncated {
		var h PayloadHeader
		if _, err := h.Unmarshal(tc.b); !errors.Is(err, ErrTruncated) {
			t.Errorf("%s: err %v, want ErrTruncated", tc.name, err)
		}
	}
	h := PayloadHeader{IsLength: true, LengthOrOffset: 1 << 24}
	if _, err := h.Marshal(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Length/Offset 2^24: err %v, want ErrTooLarge", err)
	}
}
