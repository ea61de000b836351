package rtx

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
)

// specNACK is written by hand from MS-RTSP 2.2.4 / 3.1.4.6 and RFC 3550
// 6.4.2, 6.5 and RFC 4585 6.1, 6.2.1, with the values of the MS-RTSP 4.4.2
// exchange: the client's rtx SETUP has ssrc=16a4ffff, the server answers
// ssrc=2f73682b (796092459 in decimal); the lost packets are 26968, 26970
// and 26985 of the audio stream (ssrc 90cbcaac, MS-RTSP 4.4.5).
var specNACK = strings.Join([]string{
	// Receiver Report: V=2 P=0 RC=0, PT=201, length 1 word; SSRC of sender.
	"80 c9 0001", "16a4ffff",
	// SDES: V=2 P=0 SC=1, PT=202, length 15 words; one chunk: SSRC, item
	// CNAME (1) of 50 octets, then null octets to the 32-bit boundary
	// (56 octets of chunk need 4 for at least one null).
	"81 ca 000f", "16a4ffff", "01 32",
	hex.EncodeToString([]byte("796092459@WMS:7ff42e07-3c7c-4eb5-9c17-6bdd11ad90de")),
	"00000000",
	// Generic NACK: V=2 P=0 E=1 FMT=1 = 0x91, PT=205 (RTPFB), length 4
	// words; SSRC of packet sender, SSRC of media source; FCI 1: PID 26968
	// (0x6958), BLP bit 1 for 26970; FCI 2: PID 26985 (0x6969), BLP 0
	// (26985 is 17 after 26968, past the first entry's bitmask).
	"91 cd 0004", "16a4ffff", "90cbcaac", "6958 0002", "6969 0000",
}, "")

func specBytes(t testing.TB) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(specNACK, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCNAME(t *testing.T) {
	// MS-RTSP 4.4.2: ssrc=2f73682b.
	if got := CNAME(0x2f73682b); got != "796092459@WMS:7ff42e07-3c7c-4eb5-9c17-6bdd11ad90de" {
		t.Fatalf("CNAME = %q", got)
	}
	if got := CNAME(0xffffffff); got != "4294967295"+CNAMESuffix {
		t.Fatalf("CNAME = %q", got)
	}
}

func TestNACKMarshalSpecBytes(t *testing.T) {
	n := NACK{SenderSSRC: 0x16a4ffff, RtxSSRC: 0x2f73682b, MediaSSRC: 0x90cbcaac, Lost: []uint16{26968, 26970, 26985}}
	got, err := n.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if want := specBytes(t); !bytes.Equal(got, want) {
		t.Fatalf("NACK\n got %x\nwant %x", got, want)
	}
}

func TestNACKUnmarshalSpecBytes(t *testing.T) {
	var n NACK
	if err := n.Unmarshal(specBytes(t)); err != nil {
		t.Fatal(err)
	}
	want := NACK{SenderSSRC: 0x16a4ffff, RtxSSRC: 0x2f73682b, MediaSSRC: 0x90cbcaac, Lost: []uint16{26968, 26970, 26985}}
	if n.SenderSSRC != want.SenderSSRC || n.RtxSSRC != want.RtxSSRC || n.MediaSSRC != want.MediaSSRC || !slices.Equal(n.Lost, want.Lost) {
		t.Fatalf("got %+v, want %+v", n, want)
	}
	// Servers MUST ignore the E bit (MS-RTSP 2.2.4): 0x81 parses the same.
	b := specBytes(t)
	b[len(b)-20] = 0x81
	var plain NACK
	if err := plain.Unmarshal(b); err != nil || !slices.Equal(plain.Lost, want.Lost) {
		t.Fatalf("without E: %+v, %v", plain, err)
	}
}

func TestNACKWrapAroundAndLimits(t *testing.T) {
	// Across the wrap, 0xfffe and 0x0001 share one entry (bit 2).
	n := NACK{SenderSSRC: 1, RtxSSRC: 2, MediaSSRC: 3, Lost: []uint16{0xfffe, 0x0001}}
	b, err := n.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if fci := b[len(b)-4:]; !bytes.Equal(fci, []byte{0xff, 0xfe, 0x00, 0x04}) {
		t.Fatalf("FCI %x, want fffe0004", fci)
	}

	var seqs []uint16
	for i := range MaxNACKSeqs + 1 {
		seqs = append(seqs, uint16(1000+i))
	}
	n.Lost = seqs
	if _, err := n.Marshal(); !errors.Is(err, ErrTooMany) {
		t.Fatalf("129 numbers: %v", err)
	}
	n.Lost = seqs[:MaxNACKSeqs] // 128 consecutive: 8 entries
	if _, err := n.Marshal(); err != nil {
		t.Fatalf("128 numbers: %v", err)
	}
	seqs = seqs[:0]
	for i := range MaxNACKEntries + 1 {
		seqs = append(seqs, uint16(20*i)) // one entry each
	}
	n.Lost = seqs
	if _, err := n.Marshal(); !errors.Is(err, ErrTooMany) {
		t.Fatalf("33 entries: %v", err)
	}
	n.Lost = seqs[:MaxNACKEntries]
	if _, err := n.Marshal(); err != nil {
		t.Fatalf("32 entries: %v", err)
	}
	for _, lost := range [][]uint16{nil, {5, 5}, {5, 4}} {
		n.Lost = lost
		if _, err := n.Marshal(); !errors.Is(err, ErrMalformed) {
			t.Fatalf("Lost %v: %v", lost, err)
		}
	}
}

func TestEntries(t *testing.T) {
	for _, c := range []struct {
		seqs []uint16
		want int
	}{
		{nil, 0},
		{[]uint16{7}, 1},
		{[]uint16{7, 23}, 1}, // 23 = 7+16, last bit of the mask
		{[]uint16{7, 24}, 2},
		{[]uint16{0xfff0, 0x0000}, 1},
		{[]uint16{1, 2, 3, 40, 41, 100}, 3},
	} {
		if got := Entries(c.seqs); got != c.want {
			t.Errorf("Entries(%v) = %d, want %d", c.seqs, got, c.want)
		}
	}
}

var badNACKs = map[string]string{
	"empty":           "",
	"short":           "80c900",
	"version 1":       "40c9000116a4ffff",
	"length past end": "80c9000516a4ffff",
	"no CNAME":        "80c9000116a4ffff" + "91cd000216a4ffff90cbcaac69580002",
	"no NACK":         "80c9000116a4ffff" + "81ca000f16a4ffff0132" + hex.EncodeToString([]byte("796092459@WMS:7ff42e07-3c7c-4eb5-9c17-6bdd11ad90de")) + "00000000",
	"CNAME hex ssrc":  "81ca000716a4ffff0116" + hex.EncodeToString([]byte("2f73682b@WMS:7ff42e07")) + "0000",
	"NACK w/o FCI":    "81ca000f16a4ffff0132" + hex.EncodeToString([]byte("796092459@WMS:7ff42e07-3c7c-4eb5-9c17-6bdd11ad90de")) + "00000000" + "91cd000216a4ffff90cbcaac",
}

func TestNACKUnmarshalErrors(t *testing.T) {
	for name, h := range badNACKs {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var n NACK
		if err := n.Unmarshal(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
	// An 11-digit (even zero-padded) or too large ssrc breaks ssrc =
	// 1*10DIGIT / 32 bits.
	for _, c := range []string{"12345678901" + CNAMESuffix, "00000000012" + CNAMESuffix, "4294967296" + CNAMESuffix,
		CNAMESuffix, "12 " + CNAMESuffix, "+12" + CNAMESuffix, "12" + strings.ToUpper(CNAMESuffix)} {
		if _, err := parseCNAME(c); !errors.Is(err, ErrMalformed) {
			t.Errorf("parseCNAME(%q) = %v", c, err)
		}
	}
}

// FuzzNACK: whatever Unmarshal accepts has a CNAME and 1..128 numbers, and
// marshals back (in the packet's order) to bytes that parse to the same
// request.
func FuzzNACK(f *testing.F) {
	f.Add(specBytes(f))
	for _, h := range badNACKs {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n NACK
		if err := n.Unmarshal(b); err != nil {
			return
		}
		if len(n.Lost) == 0 || len(n.Lost) > MaxNACKSeqs {
			t.Fatalf("%d numbers", len(n.Lost))
		}
		if n.check() != nil {
			return // a wire packet may list numbers out of order; ours never does
		}
		out, err := n.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		var back NACK
		if err := back.Unmarshal(out); err != nil {
			t.Fatal(err)
		}
		if back.RtxSSRC != n.RtxSSRC || back.MediaSSRC != n.MediaSSRC || !slices.Equal(back.Lost, n.Lost) {
			t.Fatalf("round trip %+v -> %+v", n, back)
		}
		if out[len(out)-(8+4*Entries(n.Lost))-4] != 0x91 {
			t.Fatal("E bit not set")
		}
	})
}
