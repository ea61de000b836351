package fmp4

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"runtime"
	"testing"
)

// Fuzz targets, seeded from the table tests (not from FFmpeg's files,
// which every fuzz worker would have to make first). Each asserts no panic, the package's
// invariants, and for the boxes with a marshaller "if it parses, it
// marshals back without error and parses again to the same value".

func memAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// checkAlloc fails when handling an input of n bytes allocated more than
// factor·n plus a constant: no declared size or count drives allocation.
func checkAlloc(t *testing.T, before uint64, n int, factor, constant uint64) {
	t.Helper()
	if got, limit := memAlloc()-before, factor*uint64(n)+constant; got > limit {
		t.Fatalf("allocated %d bytes for a %d-byte input (limit %d)", got, n, limit)
	}
}

func FuzzParseFragment(f *testing.F) {
	for _, s := range []string{smoothFragment, isoFragment, baseOffsetFragment} {
		f.Add(hx(s))
	}
	for _, tc := range hostileFragments() {
		f.Add(hx(tc.in))
	}
	if b, err := BuildFragment(buildSpec); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		before := memAlloc()
		fr, err := ParseFragment(b, Options{StartTime: 1, Defaults: []TrackDefaults{{TrackID: 1, DefaultSampleSize: 1}}})
		checkAlloc(t, before, len(b), 256, 64<<10)
		if err != nil {
			return
		}
		if fr.Size > len(b) || fr.MoofOffset >= fr.Size {
			t.Fatalf("size %d, moof at %d, of %d bytes", fr.Size, fr.MoofOffset, len(b))
		}
		for _, tr := range fr.Tracks {
			when := tr.BaseDecodeTime
			for _, s := range tr.Samples {
				if s.DecodeTime != when {
					t.Fatalf("decode time %d, want %d", s.DecodeTime, when)
				}
				when += uint64(s.Duration)
				if fr.Mdat != nil && (len(s.Data) != int(s.Size) || !bytes.Equal(s.Data, b[s.Offset:s.Offset+int(s.Size)])) {
					t.Fatalf("sample data of %d bytes at %d, size %d", len(s.Data), s.Offset, s.Size)
				}
				if s.Sync == s.Flags.IsNonSync() {
					t.Fatalf("sync %v with flags %#x", s.Sync, s.Flags)
				}
			}
		}
	})
}

func FuzzParseInit(f *testing.F) {
	f.Add(hx(initSegment))
	f.Add(hx(box("moov", box("mvhd", "00000000"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		before := memAlloc()
		in, err := ParseInit(b, 0)
		checkAlloc(t, before, len(b), 64, 64<<10)
		if err == nil && in == nil {
			t.Fatal("nil Init without an error")
		}
	})
}

func FuzzReadBoxHeader(f *testing.F) {
	for _, tc := range headerCases() {
		f.Add(hx(tc.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ReadBoxHeader(b)
		if err == nil && (h.Size > uint64(len(b)) || h.Size < uint64(h.HeaderSize)) {
			t.Fatalf("header %+v of a %d-byte container", h, len(b))
		}
	})
}

func FuzzWalk(f *testing.F) {
	f.Add(hx(isoFragment))
	f.Add(hx(smoothFragment))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Walk(b, func(depth int, h BoxHeader, p []byte) error {
			if depth >= MaxDepth || len(p) != int(h.Size)-h.HeaderSize {
				t.Fatalf("depth %d, header %+v, payload %d", depth, h, len(p))
			}
			return nil
		})
	})
}

// fuzzBox is the body of a box parser's fuzz target. The allocation
// bound's constant covers a trun of DefaultMaxSamples samples without
// per-sample fields (24 bytes each), whose count its size cannot bound.
func fuzzBox[T any, P wireBox[T]](t *testing.T, b []byte) {
	before := memAlloc()
	var v T
	n, err := P(&v).Unmarshal(b)
	checkAlloc(t, before, len(b), 64, 2<<20)
	if err != nil {
		return
	}
	if n > len(b) {
		t.Fatalf("consumed %d of %d bytes", n, len(b))
	}
	out, err := P(&v).Marshal()
	if err != nil {
		t.Fatalf("parsed %+v does not marshal: %v", v, err)
	}
	var again T
	if _, err := P(&again).Unmarshal(out); err != nil || !reflect.DeepEqual(again, v) {
		t.Fatalf("marshalled % x parses to %+v (%v), want %+v", out, again, err, v)
	}
}

func seedBoxes[T any](f *testing.F, cases []boxCase[T]) {
	for _, tc := range cases {
		f.Add(hx(tc.in))
	}
}

func FuzzMfhd(f *testing.F) {
	seedBoxes(f, mfhdCases())
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBox[Mfhd](t, b) })
}

func FuzzTfhd(f *testing.F) {
	seedBoxes(f, tfhdCases())
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBox[Tfhd](t, b) })
}

func FuzzTrun(f *testing.F) {
	seedBoxes(f, trunCases())
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBox[Trun](t, b) })
}

func FuzzTfdt(f *testing.F) {
	seedBoxes(f, tfdtCases())
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBox[Tfdt](t, b) })
}

func FuzzSdtp(f *testing.F) {
	seedBoxes(f, sdtpCases())
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBox[Sdtp](t, b) })
}

func FuzzTfxd(f *testing.F) {
	seedBoxes(f, tfxdCases())
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBox[Tfxd](t, b) })
}

func FuzzTfrf(f *testing.F) {
	seedBoxes(f, tfrfCases())
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBox[Tfrf](t, b) })
}

// trafMoofSeeds are the trafs and moofs of the hand-written fragments.
func trafMoofSeeds(f *testing.F, typ BoxType) {
	for _, s := range []string{smoothFragment, isoFragment, baseOffsetFragment} {
		_ = Walk(hx(s), func(_ int, h BoxHeader, p []byte) error {
			if h.Type == typ {
				f.Add(hx(box(string(typ[:]), hex.EncodeToString(p))))
			}
			return nil
		})
	}
}

func FuzzTraf(f *testing.F) {
	trafMoofSeeds(f, TypeTraf)
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBox[Traf](t, b) })
}

func FuzzMoof(f *testing.F) {
	trafMoofSeeds(f, TypeMoof)
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBox[Moof](t, b) })
}

func FuzzEsds(f *testing.F) {
	// ISO/IEC 14496-1 7.2.6.5: ES_Descriptor(3){ES_ID, flags,
	// DecoderConfigDescriptor(4){objectType 0x40, streamType 5<<2|1,
	// bufferSize, max and avg bit rate, DecoderSpecificInfo(5){12 10}}}.
	f.Add(hx(box("esds", esdsPayload)))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Esds
		_, _ = d.Unmarshal(b)
	})
}
