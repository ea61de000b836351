package fmp4

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// esdsPayload is an esds written from ISO/IEC 14496-14 5.6 and 14496-1
// 7.2.6.5–7.2.6.7: version/flags, ES_Descriptor (tag 3, 25 bytes: ES_ID
// 1, no flags), DecoderConfigDescriptor (tag 4, 17 bytes: objectType 0x40
// = MPEG-4 audio, streamType 5 (audio) << 2 | 1, bufferSizeDB 0,
// maxBitrate and avgBitrate 128000, DecoderSpecificInfo (tag 5, 2 bytes:
// the AAC-LC 44.1 kHz stereo AudioSpecificConfig 12 10)),
// SLConfigDescriptor (tag 6, predefined 2).
const esdsPayload = "00000000 03 19 0001 00 04 11 40 15 000000 0001f400 0001f400 05 02 1210 06 01 02"

func TestEsds(t *testing.T) {
	want := Esds{ESID: 1, ObjectType: 0x40, StreamType: 5, MaxBitrate: 128000, AvgBitrate: 128000, DecoderSpecificInfo: hx("1210")}
	for name, payload := range map[string]string{
		"one-byte sizes": esdsPayload,
		// 8.3.3: sizes in up to four bytes of seven bits, as FFmpeg writes.
		"four-byte sizes": "00000000 03 8080801f 0001 00 04 80808014 40 15 000000 0001f400 0001f400 05 80808002 1210 06 01 02",
		// 7.2.6.5: streamDependenceFlag, URL_Flag and OCRstreamFlag add
		// their fields.
		"every flag": "00000000 03 21 0001 e0 0002 03 616263 0003 04 11 40 15 000000 0001f400 0001f400 05 02 1210 06 01 02",
	} {
		var d Esds
		if _, err := d.Unmarshal(hx(box("esds", payload))); err != nil || !bytes.Equal(d.DecoderSpecificInfo, want.DecoderSpecificInfo) {
			t.Fatalf("%s: %v %+v", name, err, d)
		}
		d.DecoderSpecificInfo = want.DecoderSpecificInfo
		if d.ESID != want.ESID || d.ObjectType != want.ObjectType || d.StreamType != want.StreamType || d.MaxBitrate != want.MaxBitrate || d.AvgBitrate != want.AvgBitrate {
			t.Fatalf("%s: %+v", name, d)
		}
	}
	for name, tc := range map[string]struct {
		payload string
		err     error
	}{
		"not an ES_Descriptor":                       {"00000000 04 02 0001", ErrCorrupt},
		"ES_Descriptor longer than the box":          {"00000000 03 19 0001 00", ErrTruncated},
		"DecoderSpecificInfo longer than its parent": {"00000000 03 0b 0001 00 04 07 40 15 000000 05 09 12", ErrTruncated},
		"no DecoderConfigDescriptor":                 {"00000000 03 03 0001 00", ErrMissingBox},
	} {
		var d Esds
		if _, err := d.Unmarshal(hx(box("esds", tc.payload))); !errors.Is(err, tc.err) {
			t.Errorf("%s: %v, want %v", name, err, tc.err)
		}
	}
}

func TestParseInitHostile(t *testing.T) {
	mvhd := box("mvhd", "00000000 00000000 00000000 000003e8 00000000")
	for name, tc := range map[string]struct {
		in  string
		err error
	}{
		"no moov":                   {box("ftyp", "69736f6d"), ErrMissingBox},
		"moov without mvhd":         {box("moov", box("trak")), ErrMissingBox},
		"trak without tkhd":         {box("moov", mvhd, box("trak", box("mdia", box("mdhd", "00000000")))), ErrMissingBox},
		"mvhd cut":                  {box("moov", box("mvhd", "00000000 00000000")), ErrTruncated},
		"trak larger than the moov": {"00000010 6d6f6f76 00000100 7472616b", ErrTruncated},
	} {
		if _, err := ParseInit(hx(tc.in), 0); !errors.Is(err, tc.err) {
			t.Errorf("%s: %v, want %v", name, err, tc.err)
		}
	}
	if _, err := ParseInit(make([]byte, 100), 99); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxSize: %v", err)
	}
}

// TestParseInitTruncated cuts FFmpeg's init segment at every length
// inside its moov: each cut is an error (the moov claims more than is
// there), never a panic or a partial result.
func TestParseInitTruncated(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtureDir(t), "frag.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	ftyp, _ := ReadBoxHeader(b)
	moov, _ := ReadBoxHeader(b[ftyp.Size:])
	end := int(ftyp.Size + moov.Size)
	if _, err := ParseInit(b[:end], 0); err != nil {
		t.Fatal(err)
	}
	for n := int(ftyp.Size) + 1; n < end; n++ {
		if in, err := ParseInit(b[:n], 0); err == nil {
			t.Fatalf("cut at %d of %d: parsed %+v", n, end, in)
		}
	}
}

// matrix is the unity matrix of the mvhd and tkhd (ISO/IEC 14496-12
// 8.2.2.2).
const matrix = "00010000 00000000 00000000 00000000 00010000 00000000 00000000 00000000 40000000"

// initSegment is an init segment written field by field from ISO/IEC
// 14496-12: an ftyp, then a moov with an mvhd (8.2.2, version 0), a video
// trak (tkhd version 1, 8.3.2; mdhd 8.4.2; hdlr 8.4.3; stsd 8.5.2 with an
// avc1 VisualSampleEntry 12.1.3 and its avcC, ISO/IEC 14496-15 5.3.3.1),
// an audio trak (tkhd version 0; mdhd version 1; an mp4a AudioSampleEntry
// 12.2.3 with an esds), and an mvex with a trex per track (8.8.3).
var initSegment = box("ftyp", "69736f36 00000000 69736f36") + box("moov",
	box("mvhd", "00000000 00000000 00000000 000003e8 00002710 00010000 0100 0000 00000000 00000000", matrix,
		"00000000 00000000 00000000 00000000 00000000 00000000 00000003"),
	box("trak",
		box("tkhd", "01000003 00000000 00000000 00000000 00000000 00000001 00000000 00000000 00000000",
			"00000000 00000000 0000 0000 0000 0000", matrix, "02800000 01680000"),
		box("mdia",
			box("mdhd", "00000000 00000000 00000000 00003200 0001f400 55c4 0000"),
			box("hdlr", "00000000 00000000 76696465 00000000 00000000 00000000 566964656f48616e646c657200"),
			box("minf",
				box("vmhd", "00000001 0000 000000000000"),
				box("stbl",
					box("stsd", "00000000 00000001",
						box("avc1", "000000000000 0001 0000 0000 00000000 00000000 00000000 0280 0168 00480000 00480000 00000000 0001",
							"00000000000000000000000000000000 00000000000000000000000000000000 0018 ffff",
							box("avcC", "01 4d401e ff e1 0004 674d401e 01 0002 68ef"))))))),
	box("trak",
		box("tkhd", "00000003 00000000 00000000 00000002 00000000 00000000 00000000 00000000 0000 0000 0100 0000", matrix, "00000000 00000000"),
		box("mdia",
			box("mdhd", "01000000 00000000 00000000 00000000 00000000 0000ac44 00000000 0006baa8 15c7 0000"),
			box("hdlr", "00000000 00000000 736f756e 00000000 00000000 00000000 00"),
			box("minf",
				box("stbl",
					box("stsd", "00000000 00000001",
						box("mp4a", "000000000000 0001 0000 0000 00000000 0002 0010 0000 0000 ac440000",
							box("esds", esdsPayload))))))),
	box("mvex",
		box("trex", "00000000 00000001 00000001 00000200 00000000 01010000"),
		box("trex", "00000000 00000002 00000001 00000400 00000000 02000000")),
)

func TestParseInit(t *testing.T) {
	in, err := ParseInit(hx(initSegment), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := &Init{Timescale: 1000, Duration: 10000, Tracks: []InitTrack{
		{TrackID: 1, Width: 640, Height: 360, Timescale: 12800, Duration: 128000, Language: "und", Handler: BoxType{'v', 'i', 'd', 'e'},
			Entry:    SampleEntry{Format: TypeAvc1, Width: 640, Height: 360, AVCConfig: hx("014d401effe10004674d401e01000268ef")},
			Defaults: TrackDefaults{TrackID: 1, DefaultSampleDescriptionIndex: 1, DefaultSampleDuration: 512, DefaultSampleFlags: 0x01010000}, HasDefaults: true},
		{TrackID: 2, Timescale: 44100, Duration: 441000, Language: "eng", Handler: BoxType{'s', 'o', 'u', 'n'},
			Entry:    SampleEntry{Format: TypeMp4a, ChannelCount: 2, SampleSize: 16, SampleRate: 44100, ObjectType: 0x40, DecoderSpecificInfo: hx("1210")},
			Defaults: TrackDefaults{TrackID: 2, DefaultSampleDescriptionIndex: 1, DefaultSampleDuration: 1024, DefaultSampleFlags: 0x02000000}, HasDefaults: true},
	}}
	if !reflect.DeepEqual(in, want) {
		t.Fatalf("got  %+v\nwant %+v", in, want)
	}
	if d := in.TrackDefaults(); len(d) != 2 || d[1] != want.Tracks[1].Defaults {
		t.Fatalf("TrackDefaults %+v", d)
	}
}
