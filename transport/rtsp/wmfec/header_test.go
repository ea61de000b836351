package wmfec

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// headerCases are FEC headers written byte by byte from the field layout of
// MS-RTSP 2.2.2.4: SN Base (2), Length Recovery (2), E|PT Recovery (1),
// Mask (3), TS Recovery (4), Padding1|FecIndex, Padding2|FecPktSpan,
// Padding3|ExFlags, Reserved. canon is what Marshal writes back (the padding
// bits are ignored on reading and written as zero).
var headerCases = []struct {
	name  string
	wire  string
	canon string
	h     Header
}{
	{
		// The 8.17 parameters FecSpan=4, FecBurstMargin=6: Mask bits 0, 6, 12, 18.
		name: "span of 4 interleaved by 6",
		wire: "1234 0102 60 041041 deadbeef 03 04 00 00",
		h: Header{SNBase: 0x1234, LengthRecovery: 0x0102, PTRecovery: 0x60, Mask: 0x041041,
			TSRecovery: 0xDEADBEEF, FecIndex: 3, FecPktSpan: 4},
	},
	{
		name:  "padding bits set are ignored",
		wire:  "ffff 0008 60 00003f 00000000 e0 a1 e0 00",
		canon: "ffff 0008 60 00003f 00000000 00 01 00 00",
		h:     Header{SNBase: 0xFFFF, LengthRecovery: 8, PTRecovery: 0x60, Mask: 0x3F, FecPktSpan: 1},
	},
	{
		name: "E set, widest fields",
		wire: "0000 ffff ff ffffff ffffffff 1f 1f 1f ff",
		h: Header{LengthRecovery: 0xFFFF, E: true, PTRecovery: 0x7F, Mask: 0xFFFFFF, TSRecovery: 0xFFFFFFFF,
			FecIndex: 31, FecPktSpan: 31, ExFlags: 31, Reserved: 0xFF},
	},
	{
		name: "FEC data after the header is not read",
		wire: "0001 0000 00 000001 00000001 00 00 00 00 aabbcc",
		h:    Header{SNBase: 1, Mask: 1, TSRecovery: 1},
	},
}

func TestHeaderUnmarshal(t *testing.T) {
	for _, c := range headerCases {
		t.Run(c.name, func(t *testing.T) {
			var h Header
			n, err := h.Unmarshal(unhex(t, c.wire))
			if err != nil || n != HeaderSize {
				t.Fatalf("Unmarshal = %d, %v", n, err)
			}
			if h != c.h {
				t.Errorf("got %+v\nwant %+v", h, c.h)
			}
		})
	}
}

func TestHeaderMarshal(t *testing.T) {
	for _, c := range headerCases {
		t.Run(c.name, func(t *testing.T) {
			want := unhex(t, c.wire)[:HeaderSize]
			if c.canon != "" {
				want = unhex(t, c.canon)
			}
			got, err := c.h.Marshal()
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("Marshal = % x, %v; want % x", got, err, want)
			}
			if c.h.MarshalSize() != HeaderSize {
				t.Error("MarshalSize")
			}
		})
	}
}

func TestHeaderErrors(t *testing.T) {
	var h Header
	for _, n := range []int{0, 1, 15} {
		if _, err := h.Unmarshal(make([]byte, n)); !errors.Is(err, ErrShortBuffer) {
			t.Errorf("Unmarshal of %d bytes: %v", n, err)
		}
	}
	if _, err := (Header{}).MarshalTo(make([]byte, 15)); !errors.Is(err, ErrShortBuffer) {
		t.Errorf("MarshalTo 15 bytes: %v", err)
	}
	for _, h := range []Header{{PTRecovery: 0x80}, {Mask: 1 << 24}, {FecIndex: 32}, {FecPktSpan: 32}, {ExFlags: 32}} {
		if _, err := h.Marshal(); !errors.Is(err, ErrFieldRange) {
			t.Errorf("Marshal %+v: %v", h, err)
		}
	}
}

// FuzzFECHeader: whatever the bytes, Unmarshal does not panic; what parses
// marshals back to the same 16 bytes with the padding bits cleared.
func FuzzFECHeader(f *testing.F) {
	for _, c := range headerCases {
		f.Add(unhex(f, c.wire))
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var h Header
		n, err := h.Unmarshal(b)
		if err != nil {
			if len(b) >= HeaderSize {
				t.Fatalf("%d bytes refused: %v", len(b), err)
			}
			return
		}
		out, err := h.Marshal()
		if err != nil || n != HeaderSize {
			t.Fatalf("parsed %+v does not marshal: %v", h, err)
		}
		want := append([]byte(nil), b[:HeaderSize]...)
		want[12] &= 0x1F
		want[13] &= 0x1F
		want[14] &= 0x1F
		if !bytes.Equal(out, want) {
			t.Fatalf("round trip % x -> % x", want, out)
		}
	})
}
