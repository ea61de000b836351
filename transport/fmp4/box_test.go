package fmp4

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// hx decodes hex written with spaces and line breaks, as the byte strings
// of these tests are written from the specifications' field layouts.
func hx(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// The uuid boxes' extended types as MS-SSTR 2.2.4.4 and 2.2.4.5 list their
// bytes.
const (
	tfxdUUIDHex = "6D1D9B05 42D544E6 80E2141D AFF757B2"
	tfrfUUIDHex = "D4807EF2 CA394695 8E5426CB 9E46A79F"
)

type headerCase struct {
	name string
	in   string
	want BoxHeader
	err  error
}

// headerCases are box headers written from ISO/IEC 14496-12 4.2 (size,
// type, largesize when size is 1, size 0 meaning "to the end", the
// extended type of a uuid box) and MS-SSTR 2.2.4.1 ("If the value of the
// MoofBoxLength field is %00.00.00.01, the MoofBoxLongLength field MUST be
// present").
func headerCases() []headerCase {
	return []headerCase{
		{"32-bit size", "00000010 6d666864 00000000 00000002", BoxHeader{Type: TypeMfhd, Size: 16, HeaderSize: 8}, nil},
		{"largesize", "00000001 6d646174 00000000 00000014 aabbccdd", BoxHeader{Type: TypeMdat, Size: 20, HeaderSize: 16}, nil},
		{"size 0 is to the end", "00000000 6d646174 01020304 05", BoxHeader{Type: TypeMdat, Size: 13, HeaderSize: 8}, nil},
		{"uuid", "00000018 75756964" + tfxdUUIDHex, BoxHeader{Type: TypeUUID, Size: 24, HeaderSize: 24, UserType: UUIDTfxd}, nil},
		{"uuid with largesize", "00000001 75756964 00000000 00000020" + tfrfUUIDHex, BoxHeader{Type: TypeUUID, Size: 32, HeaderSize: 32, UserType: UUIDTfrf}, nil},
		{"shorter than a header", "00000010 6d6668", BoxHeader{}, ErrTruncated},
		{"largesize cut", "00000001 6d646174 00000000", BoxHeader{}, ErrTruncated},
		{"size below the header", "00000004 6d646174", BoxHeader{}, ErrCorrupt},
		{"largesize below its header", "00000001 6d646174 00000000 00000008", BoxHeader{}, ErrCorrupt},
		{"claims more than the container", "00000064 6d646174 00000000 00000000", BoxHeader{}, ErrTruncated},
		{"largesize of 2^64-1", "00000001 6d646174 ffffffff ffffffff", BoxHeader{}, ErrTruncated},
		{"uuid cut", "00000008 75756964", BoxHeader{}, ErrTruncated},
		{"uuid size below its header", "00000014 75756964" + tfxdUUIDHex, BoxHeader{}, ErrCorrupt},
	}
}

func TestReadBoxHeader(t *testing.T) {
	for _, tc := range headerCases() {
		t.Run(tc.name, func(t *testing.T) {
			h, err := ReadBoxHeader(hx(tc.in))
			if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if tc.err == nil && h != tc.want {
				t.Fatalf("got %+v, want %+v", h, tc.want)
			}
		})
	}
}

// boxCase is one byte string written from a box's layout in the
// specification, with the value it holds, or the error it must give.
type boxCase[T any] struct {
	name string
	in   string
	want T
	err  error
	// canonical: marshalling want gives in back.
	canonical bool
}

type wireBox[T any] interface {
	*T
	Unmarshal([]byte) (int, error)
	Marshal() ([]byte, error)
	MarshalSize() int
	MarshalTo([]byte) (int, error)
}

// runBoxCases checks Unmarshal against each case and, for the canonical
// ones, Marshal against the case's bytes (and MarshalTo's short-buffer
// error).
func runBoxCases[T any, P wireBox[T]](t *testing.T, cases []boxCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := hx(tc.in)
			var got T
			n, err := P(&got).Unmarshal(in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil || n != len(in) {
				t.Fatalf("Unmarshal: n %d of %d, err %v", n, len(in), err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
			if !tc.canonical {
				return
			}
			out, err := P(&tc.want).Marshal()
			if err != nil || !bytes.Equal(out, in) {
				t.Fatalf("Marshal: %v\n got % x\nwant % x", err, out, in)
			}
			if _, err := P(&tc.want).MarshalTo(make([]byte, len(in)-1)); err == nil {
				t.Fatal("MarshalTo into a short buffer succeeded")
			}
		})
	}
}

func mfhdCases() []boxCase[Mfhd] {
	return []boxCase[Mfhd]{
		// MS-SSTR 2.2.4.2: MfhdBoxLength, 'mfhd', version/flags 0,
		// SequenceNumber.
		{"sequence 2", "00000010 6d666864 00000000 00000002", Mfhd{SequenceNumber: 2}, nil, true},
		{"largesize", "00000001 6d666864 00000000 00000018 00000000 ffffffff", Mfhd{SequenceNumber: 0xffffffff}, nil, false},
		{"version 1", "00000010 6d666864 01000000 00000002", Mfhd{}, ErrCorrupt, false},
		{"cut", "0000000c 6d666864 00000000", Mfhd{}, ErrTruncated, false},
		{"a tfhd", "00000010 74666864 00000000 00000001", Mfhd{}, ErrWrongType, false},
	}
}

func TestMfhd(t *testing.T) { runBoxCases(t, mfhdCases()) }

func tfhdCases() []boxCase[Tfhd] {
	return []boxCase[Tfhd]{
		// FFmpeg's Smooth video tfhd: default-sample-flags only
		// (non-sync, depends on others).
		{"default flags", "00000014 74666864 00000020 00000001 01010000",
			Tfhd{Flags: 0x20, TrackID: 1, DefaultSampleFlags: 0x01010000}, nil, true},
		// MS-SSTR 2.2.4.6 order: BaseDataOffset (8), SampleDescriptionIndex,
		// DefaultSampleDuration, DefaultSampleSize, DefaultSampleFlags (4 each).
		{"every field, default-base-is-moof", "00000028 74666864 0002003b 00000002 00000000 00001000 00000001 00000400 00000200 02000000",
			Tfhd{Flags: 0x2003b, TrackID: 2, BaseDataOffset: 0x1000, SampleDescriptionIndex: 1, DefaultSampleDuration: 0x400,
				DefaultSampleSize: 0x200, DefaultSampleFlags: 0x02000000}, nil, true},
		{"duration-is-empty", "00000010 74666864 00010000 00000003", Tfhd{Flags: TfhdDurationIsEmpty, TrackID: 3}, nil, true},
		{"base offset cut", "00000014 74666864 00000001 00000001 00000000", Tfhd{}, ErrTruncated, false},
		{"version 1", "00000010 74666864 01000000 00000001", Tfhd{}, ErrCorrupt, false},
	}
}

func TestTfhd(t *testing.T) { runBoxCases(t, tfhdCases()) }

// TestTfhdEveryFlagCombination writes a tfhd for each of the 2^7
// combinations of its flags, fields in the order of ISO/IEC 14496-12
// 8.8.7.1, and checks each field lands where its flag says.
func TestTfhdEveryFlagCombination(t *testing.T) {
	optional := []struct {
		flag  uint32
		bytes string
	}{
		{TfhdBaseDataOffset, "11111111 22222222"},
		{TfhdSampleDescriptionIndex, "00000003"},
		{TfhdDefaultSampleDuration, "00000004"},
		{TfhdDefaultSampleSize, "00000005"},
		{TfhdDefaultSampleFlags, "00010006"},
	}
	for combo := 0; combo < 1<<7; combo++ {
		var flags uint32
		fields := ""
		for i, o := range optional {
			if combo&(1<<i) != 0 {
				flags |= o.flag
				fields += o.bytes
			}
		}
		if combo&(1<<5) != 0 {
			flags |= TfhdDurationIsEmpty
		}
		if combo&(1<<6) != 0 {
			flags |= TfhdDefaultBaseIsMoof
		}
		payload := hx(hex.EncodeToString([]byte{0, byte(flags >> 16), byte(flags >> 8), byte(flags)}) + "00000009" + fields)
		in := append(hx(hex.EncodeToString([]byte{0, 0, 0, byte(8 + len(payload))})+"74666864"), payload...)
		var got Tfhd
		if _, err := got.Unmarshal(in); err != nil {
			t.Fatalf("flags %#x: %v", flags, err)
		}
		want := Tfhd{Flags: flags, TrackID: 9}
		if flags&TfhdBaseDataOffset != 0 {
			want.BaseDataOffset = 0x1111111122222222
		}
		if flags&TfhdSampleDescriptionIndex != 0 {
			want.SampleDescriptionIndex = 3
		}
		if flags&TfhdDefaultSampleDuration != 0 {
			want.DefaultSampleDuration = 4
		}
		if flags&TfhdDefaultSampleSize != 0 {
			want.DefaultSampleSize = 5
		}
		if flags&TfhdDefaultSampleFlags != 0 {
			want.DefaultSampleFlags = 0x00010006
		}
		if got != want {
			t.Fatalf("flags %#x: got %+v, want %+v", flags, got, want)
		}
		if out, err := want.Marshal(); err != nil || !bytes.Equal(out, in) {
			t.Fatalf("flags %#x: Marshal % x, want % x (%v)", flags, out, in, err)
		}
	}
}

func trunCases() []boxCase[Trun] {
	return []boxCase[Trun]{
		// FFmpeg's Smooth video trun: version 1, data-offset,
		// first-sample-flags, duration and size per sample (MS-SSTR
		// 2.2.4.7; the ISO masks, erratum E6).
		{"smooth video", "00000028 7472756e 01000305 00000002 0000024d 02000000 00061a80 000022b2 00061a80 00000444",
			Trun{Version: 1, Flags: 0x305, DataOffset: 0x24d, FirstSampleFlags: 0x02000000,
				Entries: []TrunEntry{{Duration: 400000, Size: 0x22b2}, {Duration: 400000, Size: 0x444}}}, nil, true},
		// Every per-sample field; the composition offset 0xffffffff is
		// unsigned in version 0 and -1 in version 1 (ISO/IEC 14496-12
		// 8.8.8.2).
		{"version 0, every field", "00000024 7472756e 00000f01 00000001 fffffff0 00000005 00000006 00010000 ffffffff",
			Trun{Flags: 0xf01, DataOffset: -16, Entries: []TrunEntry{{Duration: 5, Size: 6, Flags: 0x10000, CompositionOffset: 0xffffffff}}}, nil, true},
		{"version 1, every field", "00000024 7472756e 01000f01 00000001 fffffff0 00000005 00000006 00010000 ffffffff",
			Trun{Version: 1, Flags: 0xf01, DataOffset: -16, Entries: []TrunEntry{{Duration: 5, Size: 6, Flags: 0x10000, CompositionOffset: -1}}}, nil, true},
		{"no per-sample fields", "00000014 7472756e 00000001 00000003 00000064",
			Trun{Flags: 1, DataOffset: 100, Entries: make([]TrunEntry, 3)}, nil, true},
		{"composition offsets only", "00000018 7472756e 00000800 00000002 00000001 00000002",
			Trun{Flags: 0x800, Entries: []TrunEntry{{CompositionOffset: 1}, {CompositionOffset: 2}}}, nil, true},
		{"count larger than the box", "00000018 7472756e 00000200 ffffffff 00000001 00000002", Trun{}, ErrCorrupt, false},
		{"count of 2^32-1 without fields", "00000010 7472756e 00000000 ffffffff", Trun{}, ErrTooLarge, false},
		{"version 2", "00000010 7472756e 02000000 00000000", Trun{}, ErrCorrupt, false},
		{"data offset cut", "00000012 7472756e 00000001 00000000 0000", Trun{}, ErrTruncated, false},
	}
}

func TestTrun(t *testing.T) { runBoxCases(t, trunCases()) }

func TestTrunMarshalRejectsOffsetsItsVersionCannotHold(t *testing.T) {
	for _, tr := range []Trun{
		{Version: 0, Flags: TrunSampleCompositionTimeOffset, Entries: []TrunEntry{{CompositionOffset: -1}}},
		{Version: 1, Flags: TrunSampleCompositionTimeOffset, Entries: []TrunEntry{{CompositionOffset: 1 << 31}}},
		{Version: 2},
	} {
		if _, err := tr.Marshal(); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%+v: %v", tr, err)
		}
	}
}

func tfdtCases() []boxCase[Tfdt] {
	return []boxCase[Tfdt]{
		// ISO/IEC 14496-12 8.8.12.2: 32-bit in version 0, 64 in version 1.
		{"version 0", "00000010 74666474 00000000 0000ffff", Tfdt{BaseMediaDecodeTime: 0xffff}, nil, true},
		{"version 1", "00000014 74666474 01000000 00000001 00000000", Tfdt{Version: 1, BaseMediaDecodeTime: 1 << 32}, nil, true},
		{"version 2", "00000014 74666474 02000000 00000001 00000000", Tfdt{}, ErrCorrupt, false},
		{"version 1 cut", "00000010 74666474 01000000 00000001", Tfdt{}, ErrTruncated, false},
	}
}

func TestTfdt(t *testing.T) { runBoxCases(t, tfdtCases()) }

func sdtpCases() []boxCase[Sdtp] {
	return []boxCase[Sdtp]{
		// ISO/IEC 14496-12 8.6.4.2: one byte per sample.
		{"three samples", "0000000f 73647470 00000000 20 10 18", Sdtp{Entries: hx("20 10 18")}, nil, true},
		{"version 1", "0000000d 73647470 01000000 20", Sdtp{}, ErrCorrupt, false},
	}
}

func TestSdtp(t *testing.T) {
	runBoxCases(t, sdtpCases())
	s := Sdtp{Entries: hx("20 10")}
	if s.DependsOn(0) != DependsNo || s.DependsOn(1) != DependsYes {
		t.Fatal(s.DependsOn(0), s.DependsOn(1))
	}
}

func tfxdCases() []boxCase[Tfxd] {
	return []boxCase[Tfxd]{
		// The digest's vector (§1.15 item 7) for MS-SSTR 2.2.4.4: size 44,
		// 'uuid', the UUID, version 1, flags 0, FragmentAbsoluteTime64,
		// FragmentDuration64.
		{"version 1", "0000002C 75756964" + tfxdUUIDHex + "01 000000 00000001 2A05F200 00000000 01312D00",
			Tfxd{Version: 1, FragmentAbsoluteTime: 5000000000, FragmentDuration: 20000000}, nil, true},
		// Version 0: 32-bit fields, 36 bytes.
		{"version 0", "00000024 75756964" + tfxdUUIDHex + "00 000000 01312D00 001E8480",
			Tfxd{FragmentAbsoluteTime: 20000000, FragmentDuration: 2000000}, nil, true},
		{"version 2", "00000024 75756964" + tfxdUUIDHex + "02 000000 01312D00 001E8480", Tfxd{}, ErrCorrupt, false},
		{"version 1 cut", "00000024 75756964" + tfxdUUIDHex + "01 000000 01312D00 001E8480", Tfxd{}, ErrTruncated, false},
		{"a tfrf", "00000024 75756964" + tfrfUUIDHex + "00 000000 01312D00 001E8480", Tfxd{}, ErrWrongType, false},
	}
}

func TestTfxd(t *testing.T) { runBoxCases(t, tfxdCases()) }

func tfrfCases() []boxCase[Tfrf] {
	return []boxCase[Tfrf]{
		// MS-SSTR 2.2.4.5: the UUID, version, flags, FragmentCount (one
		// byte, as the ABNF has it: erratum E7), then the entries.
		{"version 1, two fragments", "0000003D 75756964" + tfrfUUIDHex + "01 000000 02" +
			"00000000 02625A00 00000000 01312D00 00000000 03938700 00000000 01312D00",
			Tfrf{Version: 1, Entries: []TfrfEntry{{40000000, 20000000}, {60000000, 20000000}}}, nil, true},
		{"version 0, one fragment", "00000025 75756964" + tfrfUUIDHex + "00 000000 01 00000064 0000000A",
			Tfrf{Entries: []TfrfEntry{{100, 10}}}, nil, true},
		{"no fragments", "0000001D 75756964" + tfrfUUIDHex + "01 000000 00", Tfrf{Version: 1, Entries: []TfrfEntry{}}, nil, true},
		{"count beyond the box", "00000025 75756964" + tfrfUUIDHex + "00 000000 03 00000064 0000000A", Tfrf{}, ErrTruncated, false},
		{"version 2", "0000001D 75756964" + tfrfUUIDHex + "02 000000 00", Tfrf{}, ErrCorrupt, false},
	}
}

func TestTfrf(t *testing.T) { runBoxCases(t, tfrfCases()) }

func TestUUIDString(t *testing.T) {
	if s := UUIDTfxd.String(); s != "6d1d9b05-42d5-44e6-80e2-141daff757b2" {
		t.Fatal(s)
	}
	if s := (BoxType{'a', 0, 'b', 'c'}).String(); s != `"a\x00bc"` {
		t.Fatal(s)
	}
}
