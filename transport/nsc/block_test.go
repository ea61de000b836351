package nsc

import (
	"bytes"
	"errors"
	"testing"
)

// The encoded values of the MS-MSB 4.3 example, verbatim from the spec's
// text (the Multicast Adapter line, which the spec wraps over two lines,
// joined), with what they decode to (digest sstr-asf.md §3.3's table).
var specVectors = []struct {
	key, enc, want string
	length         uint32
	crc            byte
	crcOK          bool
}{
	{"NSC Format Version", "029G0000000008Cm0k0300000", "3.0", 8, 0x25, true},
	{"IP Address", "020G000000000UCW0p03a0BW0n03a0CW0k03G0E00k0340Dm0v0000", "239.192.48.179", 30, 0x01, true},
	{"Multicast Adapter", "0230000000000UCG0r03S0BW0r03K0BW0n03G0EG0k0340C00o0000", "157.55.149.102", 30, 0x0C, true},
	{"Log URL", "020W0000000002000", "", 2, 0x02, true},
	// The spec's own Name does not verify: stored 0x26, computed 0x00.
	{"Name", "029W000000000YJG1P05y0Gm1F04q0K01L05G0HG1I02m0801Y0700S00000", "MY_COMPUTER, bpp", 34, 0x26, false},
	{"Description1", "029m000000000SLm1f06u0P01l07S0Sm0W04q0PG1a06a0OG0000", "Windows Media", 28, 0x27, true},
}

func TestDecodeBlockSpecVectors(t *testing.T) {
	for _, v := range specVectors {
		b, err := DecodeBlock(v.enc)
		if err != nil {
			t.Fatalf("%s: %v", v.key, err)
		}
		if b.Key != 0 || b.Length != v.length || int(b.Length) != len(b.Data) {
			t.Errorf("%s: key %d length %d data %d, want key 0 length %d", v.key, b.Key, b.Length, len(b.Data), v.length)
		}
		if b.CRC != v.crc || b.CRCOK != v.crcOK {
			t.Errorf("%s: CRC 0x%02X ok=%v, want 0x%02X ok=%v", v.key, b.CRC, b.CRCOK, v.crc, v.crcOK)
		}
		s, even := decodeUTF16(b.Data)
		if s != v.want || !even {
			t.Errorf("%s: %q (even %v), want %q", v.key, s, even, v.want)
		}
	}
}

// The spec's Format1 is truncated ("…"); its prefix still gives the
// EncodedDataHeader: CRC 0x84, Key 926 (the Format ID), Length 937 (an
// 887-byte ASF Header Object plus the 50-byte Data Object part), and the
// data starts with the ASF Header Object GUID and size 0x0377.
func TestDecodeBlockSpecFormatPrefix(t *testing.T) {
	const prefix = "02X0000vu000EfC2QoTOvcpn6csG2g06BER7S30000000020000042pdNu"
	b, err := DecodeBlock(prefix)
	if !errors.Is(err, ErrEncoding) {
		t.Fatalf("truncated block: err %v, want ErrEncoding", err)
	}
	if b.CRC != 0x84 || b.Key != 926 || b.Length != 937 {
		t.Fatalf("CRC 0x%02X key %d length %d, want 0x84 926 937", b.CRC, b.Key, b.Length)
	}
	wantData := []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C, 0x77, 0x03}
	if !bytes.HasPrefix(b.Data, wantData) {
		t.Fatalf("data % X, want prefix % X", b.Data, wantData)
	}
}

// NSC Format Version=3.0 encodes to the spec's 4.3 string (Figure 5).
func TestEncodeStringSpec(t *testing.T) {
	if got := EncodeString("3.0"); got != "029G0000000008Cm0k0300000" {
		t.Fatalf("EncodeString(3.0) = %s", got)
	}
	if got := EncodeString("239.192.48.179"); got != "020G000000000UCW0p03a0BW0n03a0CW0k03G0E00k0340Dm0v0000" {
		t.Fatalf("EncodeString(239.192.48.179) = %s", got)
	}
}

func TestDecodeBlockErrors(t *testing.T) {
	for _, s := range []string{
		"",
		"02",
		"0200000000000",              // 11 characters after 02
		"03000000000000000",          // wrong prefix
		"020W000000000200.",          // '.' is not in the alphabet
		"020W0000000002000" + "\xff", // neither is a high byte
		"0200000000{}}}}}}}}}}",      // Length 0xFFFFFFFF..., nothing follows
		"020W0000000004000",          // Length 4, only 2 bytes follow
	} {
		if _, err := DecodeBlock(s); !errors.Is(err, ErrEncoding) {
			t.Errorf("DecodeBlock(%q): err %v, want ErrEncoding", s, err)
		}
	}
}

func TestBlockRoundTrip(t *testing.T) {
	for n := 0; n < 40; n++ {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*37 + n)
		}
		key := uint32(n * 51 % 2048)
		b, err := DecodeBlock(EncodeBlock(key, data))
		if err != nil || !b.CRCOK || b.Key != key || !bytes.Equal(b.Data, data) {
			t.Fatalf("n=%d: %+v %v", n, b, err)
		}
	}
}
