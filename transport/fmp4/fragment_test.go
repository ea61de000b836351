package fmp4

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// box frames a payload (hex) as an ISO/IEC 14496-12 4.2 box: the 32-bit
// size, header included, then the type. The payloads of these tests are
// written field by field from the specifications.
func box(typ string, payload ...string) string {
	p := hx(strings.Join(payload, ""))
	return fmt.Sprintf("%08x %x %x", 8+len(p), typ, p)
}

// smoothFragment is a fragment response as MS-SSTR 2.2.4 lays it out,
// written by hand: moof{mfhd(7), traf{tfhd, trun, tfxd, tfrf}} mdat. The
// tfhd (2.2.4.6) gives a default duration of 1000, a default size of 4
// and default flags "non-sync, depends on others"; the version 1 trun
// (2.2.4.7) has the data offset from the moof's start, first-sample
// flags "sync", a size and a signed composition offset per sample; the
// tfxd (2.2.4.4) puts the fragment at 5·10^9 (beyond 32 bits) for 3000;
// the tfrf (2.2.4.5) announces one fragment.
//
// Sizes: mfhd 16; tfhd 8+4+4+12 = 28; trun 8+4+4+4+4+3·8 = 48; tfxd 44;
// tfrf 29+16 = 45; traf 8+28+48+44+45 = 173; moof 8+16+173 = 197; the
// data offset is 197+8 = 205 (0xcd).
var smoothFragment = box("moof",
	box("mfhd", "00000000 00000007"),
	box("traf",
		box("tfhd", "00000038 00000001 000003e8 00000004 01010000"),
		box("trun", "01000a05 00000003 000000cd 02000000",
			"00000002 000007d0",  // size 2, composition offset 2000
			"00000003 fffffc18",  // size 3, -1000
			"00000001 00000000"), // size 1, 0
		"0000002c 75756964"+tfxdUUIDHex+"01000000 00000001 2a05f200 00000000 00000bb8",
		"0000002d 75756964"+tfrfUUIDHex+"01000000 01 00000001 2a05fdb8 00000000 00000bb8"),
) + box("mdat", "a1a2 b1b2b3 c1")

func TestParseSmoothFragment(t *testing.T) {
	b := hx(smoothFragment)
	if len(b) != 197+8+6 {
		t.Fatalf("the hand-written fragment is %d bytes, its comment says %d", len(b), 197+8+6)
	}
	f, err := ParseFragment(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.SequenceNumber != 7 || len(f.Tracks) != 1 || f.Size != len(b) || f.MoofOffset != 0 || !bytes.Equal(f.Mdat, hx("a1a2b1b2b3c1")) {
		t.Fatalf("fragment %+v", f)
	}
	tr := f.Tracks[0]
	if tr.TrackID != 1 || tr.TimeSource != TimeFromTfxd || tr.BaseDecodeTime != 5000000000 || tr.Duration != 3000 ||
		*tr.Tfxd != (Tfxd{Version: 1, FragmentAbsoluteTime: 5000000000, FragmentDuration: 3000}) ||
		len(tr.Tfrf.Entries) != 1 || tr.Tfrf.Entries[0] != (TfrfEntry{5000003000, 3000}) {
		t.Fatalf("track %+v", tr)
	}
	want := []Sample{
		{DecodeTime: 5000000000, Duration: 1000, CompositionOffset: 2000, Size: 2, Flags: 0x02000000, Sync: true, Offset: 205, Data: hx("a1a2")},
		{DecodeTime: 5000001000, Duration: 1000, CompositionOffset: -1000, Size: 3, Flags: 0x01010000, Offset: 207, Data: hx("b1b2b3")},
		{DecodeTime: 5000002000, Duration: 1000, Size: 1, Flags: 0x01010000, Offset: 210, Data: hx("c1")},
	}
	checkSamples(t, tr.Samples, want)

	// On demand the tfxd is ignored and the caller's start (the
	// manifest's t) is used.
	f, err = ParseFragment(b, Options{IgnoreTfxd: true, StartTime: 42})
	if err != nil || f.Tracks[0].TimeSource != TimeFromOptions || f.Tracks[0].Samples[2].DecodeTime != 2042 || f.Tracks[0].Tfxd == nil {
		t.Fatalf("IgnoreTfxd: %v %+v", err, f)
	}

	// A FragmentInfo response (MS-SSTR 2.2.4: the moof alone) gives the
	// samples without data.
	f, err = ParseFragment(b[:197], Options{})
	if err != nil || f.Mdat != nil || f.Size != 197 || len(f.Tracks[0].Samples) != 3 || f.Tracks[0].Samples[1].Data != nil || f.Tracks[0].Samples[1].Offset != 207 {
		t.Fatalf("moof only: %v %+v", err, f)
	}
}

func checkSamples(t *testing.T, got, want []Sample) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !bytes.Equal(g.Data, w.Data) || (g.Data == nil) != (w.Data == nil) {
			t.Fatalf("sample %d: data % x, want % x", i, g.Data, w.Data)
		}
		g.Data, w.Data = nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("sample %d: %+v\nwant %+v", i, g, w)
		}
	}
}

// isoFragment has two trafs without data offsets (ISO/IEC 14496-12
// 8.8.7.1, 8.8.8.3): the first run of the first traf starts at the mdat's
// payload (MS-SSTR's reading; the digest §1.7), the second traf's data
// follows the first's. Track 1 has a tfdt (8.8.12) and a default size of
// 2 with durations in the trun; track 2 takes every default from the
// trex (8.8.3): size 1, duration 5, non-sync flags. An sdtp (8.6.4) and a
// 'free' box before the moof are read and skipped.
var isoFragment = box("free", "0000") + box("moof",
	box("mfhd", "00000000 00000001"),
	box("traf",
		box("tfhd", "00000010 00000001 00000002"),
		box("tfdt", "00000000 00000064"),
		box("trun", "00000100 00000002 0000000a 00000014"),
		box("sdtp", "00000000 20 10")),
	box("traf",
		box("tfhd", "00000000 00000002"),
		box("trun", "00000000 00000002")),
) + box("mdat", "a1a2 b1b2 c1 d1")

func TestParseISOFragmentWithImplicitOffsets(t *testing.T) {
	b := hx(isoFragment)
	f, err := ParseFragment(b, Options{StartTime: 900, Defaults: []TrackDefaults{
		{TrackID: 2, DefaultSampleDuration: 5, DefaultSampleSize: 1, DefaultSampleFlags: NonSyncSampleFlags},
		{TrackID: 3, DefaultSampleSize: 99}}})
	if err != nil {
		t.Fatal(err)
	}
	mdat := len(b) - 6
	if f.MoofOffset != 10 || len(f.Tracks) != 2 || f.Track(2) != &f.Tracks[1] || f.Track(4) != nil {
		t.Fatalf("%+v", f)
	}
	t1, t2 := f.Tracks[0], f.Tracks[1]
	if t1.TimeSource != TimeFromTfdt || t1.BaseDecodeTime != 100 || !bytes.Equal(t1.Sdtp, hx("2010")) ||
		t2.TimeSource != TimeFromOptions || t2.BaseDecodeTime != 900 || t2.Duration != 10 {
		t.Fatalf("tracks %+v %+v", t1, t2)
	}
	checkSamples(t, t1.Samples, []Sample{
		{DecodeTime: 100, Duration: 10, Size: 2, Sync: true, Offset: mdat, Data: hx("a1a2")},
		{DecodeTime: 110, Duration: 20, Size: 2, Sync: true, Offset: mdat + 2, Data: hx("b1b2")},
	})
	checkSamples(t, t2.Samples, []Sample{
		{DecodeTime: 900, Duration: 5, Size: 1, Flags: NonSyncSampleFlags, Offset: mdat + 4, Data: hx("c1")},
		{DecodeTime: 905, Duration: 5, Size: 1, Flags: NonSyncSampleFlags, Offset: mdat + 5, Data: hx("d1")},
	})
}

// baseOffsetFragment's tfhd has a base_data_offset, an absolute file
// position (ISO/IEC 14496-12 8.8.7.1), of 1088, and its trun a data offset
// of 1. moof: 8 + mfhd 16 + traf(8 + tfhd 28 + trun 20) = 80; the mdat
// payload is at 88..92.
var baseOffsetFragment = box("moof",
	box("mfhd", "00000000 00000001"),
	box("traf",
		box("tfhd", "00000011 00000001 00000000 00000440 00000002"),
		box("trun", "00000001 00000001 00000001")),
) + box("mdat", "00 e1e2 00")

func TestParseFragmentBaseDataOffset(t *testing.T) {
	b := hx(baseOffsetFragment)
	if len(b) != 92 {
		t.Fatalf("%d bytes", len(b))
	}
	// At file offset 1000, the base is buffer byte 88: the sample is at 89.
	f, err := ParseFragment(b, Options{FileOffset: 1000})
	if err != nil {
		t.Fatal(err)
	}
	checkSamples(t, f.Tracks[0].Samples, []Sample{{Size: 2, Sync: true, Offset: 89, Data: hx("e1e2")}})
	// At file offset 1008 the base is byte 80, and the sample (81) is in
	// the mdat's header, not its payload.
	if f, err := ParseFragment(b, Options{FileOffset: 1008}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("sample in the mdat header: %v %+v", err, f)
	}
	// A base before the buffer is an error, not a wrap-around.
	if _, err := ParseFragment(b, Options{FileOffset: 5000}); !errors.Is(err, ErrCorrupt) {
		t.Fatal(err)
	}
}

// TestParseFragmentDefaultBaseIsMoof: with default-base-is-moof (ISO/IEC
// 14496-12 8.8.7.1) the second traf's data offset counts from the moof,
// not from the end of the first traf's data.
func TestParseFragmentDefaultBaseIsMoof(t *testing.T) {
	// moof = 8 + 16 + 2×(8 + tfhd 20 + trun 20) = 120; mdat payload at 128.
	b := hx(box("moof",
		box("mfhd", "00000000 00000001"),
		box("traf", box("tfhd", "00020010 00000001 00000001"), box("trun", "00000001 00000001 00000081")),
		box("traf", box("tfhd", "00020010 00000002 00000001"), box("trun", "00000001 00000001 00000080")),
	) + box("mdat", "aa bb"))
	f, err := ParseFragment(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d1, d2 := f.Tracks[0].Samples[0].Data, f.Tracks[1].Samples[0].Data; !bytes.Equal(d1, hx("bb")) || !bytes.Equal(d2, hx("aa")) {
		t.Fatalf("track 1 % x, track 2 % x", d1, d2)
	}
}

// hostileFragments are fragments that must be refused with the error
// given, each a variation of the hand-written ones.
func hostileFragments() []struct {
	name string
	in   string
	opts Options
	err  error
} {
	sf := func(trun string) string {
		return box("moof", box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00000000 00000001"), box("trun", trun))) + box("mdat", "a1a2a3a4")
	}
	// sf's moof with a 16-byte trun payload: 8 + mfhd 16 + traf(8 +
	// tfhd 16 + trun 24) = 72; the mdat payload is at 80..84.
	return []struct {
		name string
		in   string
		opts Options
		err  error
	}{
		{"no moof", box("mdat", "00"), Options{}, ErrMissingBox},
		{"moof without traf", box("moof", box("mfhd", "00000000 00000001")), Options{}, ErrMissingBox},
		{"moof without mfhd", box("moof", box("traf", box("tfhd", "00000000 00000001"), box("trun", "00000000 00000000"))), Options{}, ErrMissingBox},
		{"traf without tfhd", box("moof", box("mfhd", "00000000 00000001"), box("traf", box("trun", "00000000 00000000"))), Options{}, ErrMissingBox},
		{"traf without trun", box("moof", box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00000000 00000001"))), Options{}, ErrMissingBox},
		{"two tfhd", box("moof", box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00000000 00000001"), box("tfhd", "00000000 00000001"), box("trun", "00000000 00000000"))), Options{}, ErrCorrupt},
		{"two mfhd", box("moof", box("mfhd", "00000000 00000001"), box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00000000 00000001"), box("trun", "00000000 00000000"))), Options{}, ErrCorrupt},
		// data offset 0 points at the moof itself.
		{"data inside the moof", sf("00000201 00000001 00000000 00000002"), Options{}, ErrCorrupt},
		{"data in the mdat header", sf("00000201 00000001 0000004e 00000002"), Options{}, ErrCorrupt},
		{"data past the mdat", sf("00000201 00000001 00000052 00000004"), Options{}, ErrCorrupt},
		{"negative data offset", sf("00000201 00000001 80000000 00000001"), Options{}, ErrCorrupt},
		{"sample size of 4 GiB", sf("00000201 00000001 00000050 ffffffff"), Options{}, ErrCorrupt},
		{"count beyond the trun", sf("00000200 00100000 00000001"), Options{}, ErrCorrupt},
		{"a million samples without fields", sf("00000000 000f4240"), Options{}, ErrTooLarge},
		{"more samples than bytes", sf("00000000 00000100"), Options{}, ErrTooLarge},
		{"MaxSamples", sf("00000200 00000002 00000001 00000001"), Options{MaxSamples: 1}, ErrTooLarge},
		{"MaxSize", sf("00000200 00000001 00000001"), Options{MaxSize: 16}, ErrTooLarge},
		{"traf larger than the moof", "00000018 6d6f6f66 00000010 6d666864 00000000 00000001 00000100 74726166", Options{}, ErrTruncated},
		{"mfhd size below its header", "00000018 6d6f6f66 00000004 6d666864 00000000 00000001 00000008 74726166", Options{}, ErrCorrupt},
		{"mdat cut", box("moof", box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00000000 00000001"), box("trun", "00000000 00000000"))) + "00000010 6d646174 00", Options{}, ErrTruncated},
		{"decode time overflow", box("moof", box("mfhd", "00000000 00000001"), box("traf",
			box("tfhd", "00000008 00000001 00000010"), box("tfdt", "01000000 ffffffff fffffff8"), box("trun", "00000000 00000001"))), Options{}, ErrCorrupt},
		{"tfxd cut", box("moof", box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00000000 00000001"), box("trun", "00000000 00000000"),
			"00000024 75756964"+tfxdUUIDHex+"01000000 00000000 00000000")), Options{}, ErrTruncated},
		{"trailing bytes that are no box", box("moof", box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00000000 00000001"), box("trun", "00000000 00000000"), "0000")), Options{}, ErrTruncated},
	}
}

func TestParseFragmentHostile(t *testing.T) {
	for _, tc := range hostileFragments() {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFragment(hx(tc.in), tc.opts)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v (fragment %+v)", err, tc.err, f)
			}
		})
	}
}

// TestParseFragmentTruncated cuts the hand-written fragment at every
// length: a cut inside the moof is an error, the moof alone is a
// FragmentInfo response, a cut inside the mdat is ErrTruncated.
func TestParseFragmentTruncated(t *testing.T) {
	b := hx(smoothFragment)
	for n := 0; n < len(b); n++ {
		f, err := ParseFragment(b[:n], Options{})
		switch {
		case n == 197:
			if err != nil || f.Mdat != nil {
				t.Fatalf("moof only: %v", err)
			}
		case n < 197 && err == nil:
			t.Fatalf("cut at %d of the moof: parsed %+v", n, f)
		case n > 197 && !errors.Is(err, ErrTruncated):
			t.Fatalf("cut at %d in the mdat: %v", n, err)
		}
	}
}

// TestParseFragmentDeepNesting: boxes nested 10 000 deep inside a traf are
// skipped as unknown, without recursion; Walk stops at MaxDepth.
func TestParseFragmentDeepNesting(t *testing.T) {
	// 10 000 traf headers, each box holding the rest: level i is
	// 8·(10000-i) bytes.
	const n = 10000
	deep := make([]byte, 0, 8*n)
	for i := 0; i < n; i++ {
		deep = append(deep, byte(8*(n-i)>>24), byte(8*(n-i)>>16), byte(8*(n-i)>>8), byte(8*(n-i)), 't', 'r', 'a', 'f')
	}
	b := hx(box("moof", box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00000000 00000001"), box("trun", "00000000 00000000"), hex.EncodeToString(deep))))
	if _, err := ParseFragment(b, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Walk(b, func(int, BoxHeader, []byte) error { return nil }); !errors.Is(err, ErrTooDeep) {
		t.Fatalf("Walk: %v", err)
	}
	// Within the limit, Walk visits every box with its depth.
	var seen []string
	err := Walk(hx(isoFragment), func(depth int, h BoxHeader, _ []byte) error {
		seen = append(seen, fmt.Sprintf("%d%s", depth, h.Type))
		return nil
	})
	if got := strings.Join(seen, " "); err != nil || got != "0free 0moof 1mfhd 1traf 2tfhd 2tfdt 2trun 2sdtp 1traf 2tfhd 2trun 0mdat" {
		t.Fatalf("Walk: %v %s", err, got)
	}
}

var buildSpec = FragmentSpec{SequenceNumber: 3, TrackID: 1,
	Samples: []FragmentSample{
		{Duration: 1000, CompositionOffset: -2, Flags: SyncSampleFlags, Data: hx("a1a2")},
		{Duration: 1001, Flags: NonSyncSampleFlags, Data: hx("b1")},
	},
	Tfxd: &Tfxd{Version: 1, FragmentAbsoluteTime: 5000000000, FragmentDuration: 2001},
	Tfrf: &Tfrf{Version: 1, Entries: []TfrfEntry{{5000002001, 2000}}},
}

// TestBuildFragment checks BuildFragment's bytes against the layout of
// MS-SSTR 2.2.4 written by hand, and that ParseFragment reads them back.
func TestBuildFragment(t *testing.T) {
	got, err := BuildFragment(buildSpec)
	if err != nil {
		t.Fatal(err)
	}
	// moof = 8 + mfhd 16 + traf(8 + tfhd 16 + trun 8+4+4+4+2·16 + tfxd 44 + tfrf 45)
	//      = 8 + 16 + 8 + 16 + 52 + 44 + 45 = 189; data offset 197 (0xc5).
	want := hx(box("moof",
		box("mfhd", "00000000 00000003"),
		box("traf",
			box("tfhd", "00000000 00000001"),
			box("trun", "01000f01 00000002 000000c5",
				"000003e8 00000002 02000000 fffffffe",
				"000003e9 00000001 01010000 00000000"),
			"0000002c 75756964"+tfxdUUIDHex+"01000000 00000001 2a05f200 00000000 000007d1",
			"0000002d 75756964"+tfrfUUIDHex+"01000000 01 00000001 2a05f9d1 00000000 000007d0"),
	) + box("mdat", "a1a2 b1"))
	if !bytes.Equal(got, want) {
		t.Fatalf("BuildFragment\n got % x\nwant % x", got, want)
	}
	f, err := ParseFragment(got, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkSamples(t, f.Tracks[0].Samples, []Sample{
		{DecodeTime: 5000000000, Duration: 1000, CompositionOffset: -2, Size: 2, Flags: SyncSampleFlags, Sync: true, Offset: 197, Data: hx("a1a2")},
		{DecodeTime: 5000001000, Duration: 1001, Size: 1, Flags: NonSyncSampleFlags, Offset: 199, Data: hx("b1")},
	})
}

// TestSyncIsTheNonSyncBit: a sample is a random-access point iff
// sample_is_non_sync_sample is clear (ISO/IEC 14496-12 8.8.3.1; MS-SSTR
// 2.2.4.9 SampleIsDifferenceValue), whatever sample_depends_on says.
func TestSyncIsTheNonSyncBit(t *testing.T) {
	// moof 8 + mfhd 16 + traf(8 + tfhd 16 + trun 20 + 3·8) = 92; data at 100.
	b := hx(box("moof", box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00000000 00000001"),
		box("trun", "00000601 00000003 00000064",
			"00000001 00010000",                              // depends unknown, non-sync
			"00000001 02010000",                              // depends on none, yet marked non-sync
			"00000001 01000000"))) + box("mdat", "a1 b1 c1")) // depends on others, sync bit clear
	f, err := ParseFragment(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, false, true} {
		if s := f.Tracks[0].Samples[i]; s.Sync != want {
			t.Errorf("sample %d, flags %#08x: sync %v", i, uint32(s.Flags), s.Sync)
		}
	}
}

// TestParseFragmentStopsAtItsMdat: in a buffer holding several fragments
// (a whole file), ParseFragment reads the first moof and the mdat after
// it, and Size says where the next one starts; a moof followed by
// another moof has no mdat (it does not take the next fragment's).
func TestParseFragmentStopsAtItsMdat(t *testing.T) {
	one := hx(smoothFragment)
	f, err := ParseFragment(append(append([]byte{}, one...), one...), Options{})
	if err != nil || f.Size != len(one) || f.Tracks[0].Samples[2].Offset != 210 {
		t.Fatalf("%v %+v", err, f)
	}
	f, err = ParseFragment(append(append([]byte{}, one[:197]...), one...), Options{})
	if err != nil || f.Size != 197 || f.Mdat != nil || f.Tracks[0].Samples[0].Data != nil {
		t.Fatalf("moof then a fragment: %v %+v", err, f)
	}
}

// TestParseFragmentDurationIsEmpty: a traf whose tfhd has
// duration-is-empty (ISO/IEC 14496-12 8.8.7.1) may have no trun, and has
// no samples; without the flag a traf needs a trun (MS-SSTR 2.2.4.3).
func TestParseFragmentDurationIsEmpty(t *testing.T) {
	b := hx(box("moof", box("mfhd", "00000000 00000001"), box("traf", box("tfhd", "00010000 00000001"), box("tfdt", "00000000 00000010"))))
	f, err := ParseFragment(b, Options{})
	if err != nil || len(f.Tracks) != 1 || len(f.Tracks[0].Samples) != 0 || f.Tracks[0].BaseDecodeTime != 16 {
		t.Fatalf("%v %+v", err, f)
	}
	for s, want := range map[TimeSource]string{TimeFromTfdt: "tfdt", TimeFromTfxd: "tfxd", TimeFromOptions: "caller", 9: "TimeSource(9)"} {
		if s.String() != want {
			t.Errorf("%d: %s", s, s)
		}
	}
}
