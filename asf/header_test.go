package asf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestGUID(t *testing.T) {
	const s = "75B22630-668E-11CF-A6D9-00AA0062CE6C"
	g, err := ParseGUID(s)
	if err != nil {
		t.Fatal(err)
	}
	want := GUID{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}
	if g != want {
		t.Fatalf("ParseGUID = % x, want % x", g[:], want[:])
	}
	if g.String() != s {
		t.Fatalf("String = %s", g)
	}
	if g2, err := ParseGUID("{" + strings.ToLower(s) + "}"); err != nil || g2 != g {
		t.Fatalf("braced lower-case: %v %v", g2, err)
	}
	if g.Name() != "Header" {
		t.Fatalf("Name = %q", g.Name())
	}
	for _, bad := range []string{"", "75B22630-668E-11CF-A6D9-00AA0062CE6", "75B22630x668E-11CF-A6D9-00AA0062CE6C", "ZZB22630-668E-11CF-A6D9-00AA0062CE6C"} {
		if _, err := ParseGUID(bad); err == nil {
			t.Errorf("ParseGUID(%q) succeeded", bad)
		}
	}
}

func mustParse(t *testing.T, b []byte) *Header {
	t.Helper()
	h, err := ParseHeader(b)
	if err != nil {
		t.Fatalf("ParseHeader: %v", err)
	}
	return h
}

func TestParseHeaderBasic(t *testing.T) {
	hb := simpleHeader(3200)
	b := append(bytes.Clone(hb), dataObjFixed(testFileID, 10, 50+10*3200)...)
	b = append(b, 0xAA, 0xBB) // a packet's first bytes may follow
	h := mustParse(t, b)
	if h.Size != int64(len(hb)) || !bytes.Equal(h.Raw, b[:len(hb)+50]) {
		t.Fatalf("Size %d Raw %d bytes", h.Size, len(h.Raw))
	}
	if h.FileID != testFileID || h.Packets != 10 || h.PacketSize != 3200 || h.MinPacketSize != 3200 || h.MaxBitrate != 500000 {
		t.Fatalf("file properties: %+v", h)
	}
	if h.Preroll != 3100*time.Millisecond || h.PlayDuration != 9100*time.Millisecond || h.Duration() != 6*time.Second {
		t.Fatalf("durations: preroll %v play %v duration %v", h.Preroll, h.PlayDuration, h.Duration())
	}
	if !h.Seekable || h.Broadcast {
		t.Fatalf("flags %x", h.Flags)
	}
	if want := time.Date(2016, 2, 26, 0, 0, 0, 0, time.UTC); h.Created.Year() != want.Year() {
		t.Fatalf("Created %v", h.Created)
	}
	if h.Data == nil || h.Data.TotalPackets != 10 || h.Data.Size != 50+10*3200 || h.Data.FileID != testFileID || h.Data.Offset != h.Size {
		t.Fatalf("Data %+v", h.Data)
	}
	if len(h.Streams) != 2 || len(h.Warnings) != 0 {
		t.Fatalf("streams %d warnings %v", len(h.Streams), h.Warnings)
	}
	a := h.Stream(1)
	if a.Type != StreamAudio || a.Audio == nil || a.Audio.FormatTag != WaveFormatPCM || a.Audio.Channels != 2 ||
		a.Audio.SampleRate != 44100 || a.Audio.BlockAlign != 4 || a.Audio.BitsPerSample != 16 || a.Bitrate != 8*44100*4 {
		t.Fatalf("audio stream %+v %+v", a, a.Audio)
	}
	v := h.Stream(2)
	if v.Type != StreamVideo || v.Video == nil || v.Video.Width != 320 || v.Video.Height != 240 || v.Video.FourCC != "WMV2" ||
		!bytes.Equal(v.Video.Extra, []byte{1, 2, 3, 4}) || v.Video.BitCount != 24 {
		t.Fatalf("video stream %+v %+v", v, v.Video)
	}
	if h.Stream(3) != nil || h.Encrypted() || h.CheckEncrypted() != nil {
		t.Fatal("unexpected stream 3 or encryption")
	}
	if a.Type.String() != "audio" || v.Type.String() != "video" {
		t.Fatal("StreamType.String")
	}
}

func TestHeaderDurationBroadcast(t *testing.T) {
	h := &Header{Broadcast: true, PlayDuration: time.Hour, Preroll: time.Second}
	if h.Duration() != 0 {
		t.Fatal("broadcast duration")
	}
	h = &Header{PlayDuration: time.Second, Preroll: 3 * time.Second}
	if h.Duration() != 0 {
		t.Fatal("negative duration not clamped")
	}
}

func extensible(sub uint16) []byte {
	w := &wbuf{}
	w.u16(24).u32(0x3) // valid bits, channel mask
	var g GUID
	g[0], g[1] = byte(sub), byte(sub>>8)
	copy(g[4:], ksDataFormatBaseTail[:])
	w.guid(g)
	return waveEx(WaveFormatExtensible, 2, 48000, 6, 24, w.b)
}

// headerCase is a header with extra objects and the check of what
// ParseHeader makes of it; the cases also seed FuzzParseHeader.
type headerCase struct {
	name  string
	extra [][]byte
	check func(t *testing.T, h *Header)
}

func headerObjectCases() []headerCase {
	ecd := &wbuf{}
	ecd.u16(6)
	ecd.str16("WM/AlbumTitle").u16(uint16(AttrString)).str16("Album")
	ecd.str16("WM/Picture").u16(uint16(AttrBytes)).u16(3).raw([]byte{1, 2, 3})
	ecd.str16("IsVBR").u16(uint16(AttrBool)).u16(4).u32(1)
	ecd.str16("WM/TrackNumber").u16(uint16(AttrDWORD)).u16(4).u32(7)
	ecd.str16("Big").u16(uint16(AttrQWORD)).u16(8).u64(1 << 40)
	ecd.str16("Small").u16(uint16(AttrWORD)).u16(2).u16(9)

	cd := &wbuf{}
	fields := []string{"Title", "Author", "(c) Eddy", "Déscription ♪", ""}
	for _, f := range fields {
		cd.u16(uint16(len(encodeUTF16(f))))
	}
	for _, f := range fields {
		cd.raw(encodeUTF16(f))
	}

	codecs := &wbuf{}
	codecs.guid(GUIDReserved2).u32(2)
	codecs.u16(CodecTypeAudio).wstr16("Windows Media Audio V8").wstr16(" 64 kbps, 44 kHz, stereo").u16(2).raw([]byte{0x61, 0x01})
	codecs.u16(CodecTypeVideo).wstr16("Windows Media Video 8").wstr16("").u16(4).raw([]byte("WMV2"))

	script := &wbuf{}
	script.guid(GUIDReserved3).u16(2).u16(2).wstr16("URL").wstr16("FILENAME")
	script.u32(3100 + 1500).u16(0).wstr16("http://example.com/")
	script.u32(3100 + 4000).u16(1).wstr16("next.asf")

	marker := &wbuf{}
	marker.guid(GUIDReserved4).u32(2).u16(0).u16(0)
	for i, name := range []string{"Intro", "Verse"} {
		d := encodeUTF16(name)
		marker.u64(uint64(1000 * i)).u64(uint64((3100 + 2000*i) * 10000)).u16(uint16(12 + len(d))).u32(uint32(2000 * i)).u32(0).u32(uint32(len(d) / 2)).raw(d)
	}

	sbp := &wbuf{}
	sbp.u16(2).u16(1).u32(64000).u16(2).u32(400000)

	bme := &wbuf{}
	bme.guid(GUIDMutexBitrate).u16(2).u16(1).u16(2)
	ame := &wbuf{}
	ame.guid(GUIDMutexLanguage).u16(2).u16(1).u16(3)

	langs := &wbuf{}
	langs.u16(2)
	for _, l := range []string{"en-us", "fr-fr"} {
		e := encodeUTF16(l)
		langs.u8(uint8(len(e))).raw(e)
	}

	meta := &wbuf{}
	meta.u16(2)
	for _, n := range []string{"AspectRatioX", "AspectRatioY"} {
		meta.u16(0).u16(2).u16(uint16(len(encodeUTF16(n)))).u16(uint16(AttrDWORD)).u32(4).raw(encodeUTF16(n)).u32(map[string]uint32{"AspectRatioX": 4, "AspectRatioY": 3}[n])
	}
	metaLib := &wbuf{}
	metaLib.u16(1).u16(1).u16(0).u16(uint16(len(encodeUTF16("WM/Lyrics")))).u16(uint16(AttrString)).u32(uint32(len(encodeUTF16("la la")))).raw(encodeUTF16("WM/Lyrics")).raw(encodeUTF16("la la"))

	ce := &wbuf{}
	ce.u32(2).raw([]byte{9, 9}).u32(4).raw([]byte("DRM\x00")).u32(4).raw([]byte("KEY\x00")).u32(12).raw([]byte("http://lic/\x00"))
	ece := &wbuf{}
	ece.u32(4).raw([]byte{1, 2, 3, 4})

	embedded := streamProps{typ: GUIDStreamTypeAudio, number: 3, timeOffset: 50 * time.Millisecond,
		typeSpecific: waveEx(WaveFormatWMAv2, 1, 22050, 93, 16, []byte{1, 2})}.bytes()

	binary := &wbuf{}
	wf := waveEx(WaveFormatMP3, 2, 44100, 1, 0, nil)
	binary.guid(GUIDMediaTypeAudio).guid(GUID{}).u32(1).u32(0).u32(0).guid(GUID{}).u32(uint32(len(wf))).raw(wf)

	unknown := obj(GUID{0xde, 0xad}, []byte("whatever is inside"))

	return []headerCase{
		{"content description", [][]byte{obj(GUIDContentDescription, cd.b)}, func(t *testing.T, h *Header) {
			want := ContentDescription{Title: "Title", Author: "Author", Copyright: "(c) Eddy", Description: "Déscription ♪"}
			if h.Content != want {
				t.Fatalf("got %+v", h.Content)
			}
		}},
		{"extended content description", [][]byte{obj(GUIDExtendedContentDesc, ecd.b)}, func(t *testing.T, h *Header) {
			want := map[string]string{"WM/AlbumTitle": "Album", "WM/Picture": "010203", "IsVBR": "true",
				"WM/TrackNumber": "7", "Big": "1099511627776", "Small": "9"}
			if len(h.Extended) != len(want) {
				t.Fatalf("%d attributes", len(h.Extended))
			}
			for _, a := range h.Extended {
				if a.String() != want[a.Name] {
					t.Errorf("%s (%v) = %q, want %q", a.Name, a.Type, a.String(), want[a.Name])
				}
			}
			if a, ok := h.Attribute("WM/TrackNumber"); !ok || a.Type != AttrDWORD {
				t.Fatal("Attribute lookup")
			}
		}},
		{"codec list", [][]byte{obj(GUIDCodecList, codecs.b)}, func(t *testing.T, h *Header) {
			if len(h.Codecs) != 2 || h.Codecs[0].Name != "Windows Media Audio V8" || h.Codecs[0].Type != CodecTypeAudio ||
				h.Codecs[0].Description != " 64 kbps, 44 kHz, stereo" || !bytes.Equal(h.Codecs[1].Info, []byte("WMV2")) {
				t.Fatalf("got %+v", h.Codecs)
			}
		}},
		{"script command", [][]byte{obj(GUIDScriptCommand, script.b)}, func(t *testing.T, h *Header) {
			want := []ScriptCommand{{1500 * time.Millisecond, "URL", "http://example.com/"}, {4 * time.Second, "FILENAME", "next.asf"}}
			if len(h.Scripts) != 2 || h.Scripts[0] != want[0] || h.Scripts[1] != want[1] {
				t.Fatalf("got %+v", h.Scripts)
			}
		}},
		{"marker", [][]byte{obj(GUIDMarker, marker.b)}, func(t *testing.T, h *Header) {
			if len(h.Markers) != 2 || h.Markers[1].Name != "Verse" || h.Markers[1].Time != 2*time.Second ||
				h.Markers[0].Time != 0 || h.Markers[1].Offset != 1000 || h.Markers[1].SendTime != 2*time.Second {
				t.Fatalf("got %+v", h.Markers)
			}
		}},
		{"stream bitrate properties", [][]byte{obj(GUIDStreamBitrateProperties, sbp.b)}, func(t *testing.T, h *Header) {
			if h.Stream(1).Bitrate != 64000 || h.Stream(2).Bitrate != 400000 {
				t.Fatalf("bitrates %d %d", h.Stream(1).Bitrate, h.Stream(2).Bitrate)
			}
		}},
		{"bitrate and advanced mutual exclusion", [][]byte{obj(GUIDBitrateMutualExclusion, bme.b),
			headerExt(obj(GUIDAdvancedMutualExclusion, ame.b))}, func(t *testing.T, h *Header) {
			if len(h.Exclusions) != 2 {
				t.Fatalf("got %+v", h.Exclusions)
			}
			e0, e1 := h.Exclusions[0], h.Exclusions[1]
			if e0.Type != ExclusionBitrate || e0.Advanced || !bytes.Equal(e0.Streams, []byte{1, 2}) ||
				e1.Type != ExclusionLanguage || !e1.Advanced || !bytes.Equal(e1.Streams, []byte{1, 3}) {
				t.Fatalf("got %+v", h.Exclusions)
			}
			if e0.Type.String() != "bitrate" || e1.Type.String() != "language" {
				t.Fatal("ExclusionType.String")
			}
		}},
		{"language list and extended stream properties", [][]byte{headerExt(
			obj(GUIDLanguageList, langs.b),
			extProps{number: 1, lang: 1, bitrate: 128000, maxObj: 4096, flags: ExtFlagSeekable | ExtFlagReliable,
				avgTimePerFrame: 40 * time.Millisecond, names: []string{"Commentary"},
				exts: []PayloadExtension{{ID: GUIDExtSampleDuration, Size: 2}, {ID: GUIDExtContentType, Size: 0xFFFF, Info: []byte{7}}}}.bytes(),
		)}, func(t *testing.T, h *Header) {
			s := h.Stream(1)
			if len(h.Languages) != 2 || h.Languages[1] != "fr-fr" || s.Language != "fr-fr" || s.Name != "Commentary" {
				t.Fatalf("languages %v, stream language %q name %q", h.Languages, s.Language, s.Name)
			}
			e := s.Extended
			if e == nil || e.DataBitrate != 128000 || e.MaxObjectSize != 4096 || !e.Seekable() || !e.Reliable() || e.NoCleanpoints() ||
				e.ResendLiveCleanpoints() || e.AvgTimePerFrame != 40*time.Millisecond || len(e.PayloadExtensions) != 2 ||
				e.PayloadExtensions[1].Size != PayloadExtensionVariable || !bytes.Equal(e.PayloadExtensions[1].Info, []byte{7}) {
				t.Fatalf("extended %+v", e)
			}
			if s.Bitrate != 128000 {
				t.Fatalf("bitrate from ESP: %d", s.Bitrate)
			}
		}},
		{"embedded stream properties", [][]byte{headerExt(extProps{number: 3, embedded: embedded}.bytes())}, func(t *testing.T, h *Header) {
			s := h.Stream(3)
			if len(h.Streams) != 3 || s == nil || !s.Embedded || s.Extended == nil || s.Audio.FormatTag != WaveFormatWMAv2 ||
				s.TimeOffset != 50*time.Millisecond || h.Streams[2] != s {
				t.Fatalf("streams %+v", h.Streams)
			}
		}},
		{"metadata and metadata library", [][]byte{headerExt(obj(GUIDMetadata, meta.b), obj(GUIDMetadataLibrary, metaLib.b))}, func(t *testing.T, h *Header) {
			v := h.Stream(2).Video
			if v.AspectX != 4 || v.AspectY != 3 || len(h.Metadata) != 3 {
				t.Fatalf("aspect %d:%d, metadata %+v", v.AspectX, v.AspectY, h.Metadata)
			}
			if m := h.Metadata[2]; !m.Library || m.LanguageIndex != 1 || m.Name != "WM/Lyrics" || m.String() != "la la" {
				t.Fatalf("library record %+v", m)
			}
		}},
		{"content encryption", [][]byte{obj(GUIDContentEncryption, ce.b)}, func(t *testing.T, h *Header) {
			e := h.Encryption
			if e == nil || !e.ContentEncryption || e.ProtectionType != "DRM" || e.KeyID != "KEY" || e.LicenseURL != "http://lic/" {
				t.Fatalf("got %+v", e)
			}
			err := h.CheckEncrypted()
			if !h.Encrypted() || !errors.Is(err, ErrEncrypted) || !strings.Contains(err.Error(), "DRM-protected content is not supported") {
				t.Fatalf("CheckEncrypted = %v", err)
			}
		}},
		{"extended content encryption", [][]byte{obj(GUIDExtendedContentEncryption, ece.b)}, func(t *testing.T, h *Header) {
			if !h.Encrypted() || !h.Encryption.ExtendedContentEncryption || !bytes.Equal(h.Encryption.ExtendedData, []byte{1, 2, 3, 4}) {
				t.Fatalf("got %+v", h.Encryption)
			}
			if !errors.Is(h.CheckEncrypted(), ErrEncrypted) {
				t.Fatal("CheckEncrypted")
			}
		}},
		{"advanced content encryption", [][]byte{headerExt(obj(GUIDAdvancedContentEncryption, []byte{0, 0}))}, func(t *testing.T, h *Header) {
			if !h.Encrypted() || !h.Encryption.AdvancedContentEncryption || !errors.Is(h.CheckEncrypted(), ErrEncrypted) {
				t.Fatalf("got %+v", h.Encryption)
			}
		}},
		{"encrypted stream flag", [][]byte{streamProps{typ: GUIDStreamTypeAudio, number: 5, encrypted: true,
			typeSpecific: waveEx(WaveFormatWMAv2, 2, 44100, 371, 16, nil)}.bytes()}, func(t *testing.T, h *Header) {
			err := h.CheckEncrypted()
			if h.Encryption != nil || !h.Stream(5).Encrypted || !errors.Is(err, ErrEncrypted) || !strings.Contains(err.Error(), "stream 5") {
				t.Fatalf("CheckEncrypted = %v", err)
			}
		}},
		{"audio spread", [][]byte{streamProps{typ: GUIDStreamTypeAudio, ec: GUIDAudioSpread, number: 4,
			typeSpecific: waveEx(WaveFormatWMAv2, 2, 44100, 371, 16, nil), ecData: spreadData(8, 742, 371)}.bytes()}, func(t *testing.T, h *Header) {
			s := h.Stream(4).Spread
			if s == nil || s.Span != 8 || s.VirtualPacketLen != 742 || s.VirtualChunkLen != 371 || !bytes.Equal(s.SilenceData, []byte{0}) || !s.active() {
				t.Fatalf("spread %+v", s)
			}
		}},
		{"wave format extensible", [][]byte{streamProps{typ: GUIDStreamTypeAudio, number: 4, typeSpecific: extensible(WaveFormatIEEEFloat)}.bytes()}, func(t *testing.T, h *Header) {
			a := h.Stream(4).Audio
			if a.FormatTag != WaveFormatIEEEFloat || a.RawFormatTag != WaveFormatExtensible || a.ValidBits != 24 || a.ChannelMask != 3 || len(a.Extra) != 22 {
				t.Fatalf("got %+v", a)
			}
		}},
		{"14-byte WAVEFORMAT and clamped cbSize", [][]byte{
			streamProps{typ: GUIDStreamTypeAudio, number: 4, typeSpecific: waveEx(WaveFormatPCM, 1, 8000, 1, 8, nil)[:14]}.bytes(),
			streamProps{typ: GUIDStreamTypeAudio, number: 5, typeSpecific: append(waveEx(WaveFormatWMAv2, 1, 8000, 64, 16, nil)[:16], 0xFF, 0x00, 7, 7)}.bytes(),
		}, func(t *testing.T, h *Header) {
			a, b := h.Stream(4).Audio, h.Stream(5).Audio
			if a.SampleRate != 8000 || a.BitsPerSample != 0 || a.Extra != nil || !bytes.Equal(b.Extra, []byte{7, 7}) {
				t.Fatalf("got %+v %+v", a, b)
			}
		}},
		{"binary stream with audio major type", [][]byte{streamProps{typ: GUIDStreamTypeBinary, number: 6, typeSpecific: binary.b}.bytes()}, func(t *testing.T, h *Header) {
			s := h.Stream(6)
			if s.Type != StreamBinary || s.Binary == nil || !s.Binary.FixedSizeSamples || s.Audio == nil || s.Audio.FormatTag != WaveFormatMP3 {
				t.Fatalf("got %+v", s)
			}
		}},
		{"command stream", [][]byte{streamProps{typ: GUIDStreamTypeCommand, number: 7}.bytes()}, func(t *testing.T, h *Header) {
			if s := h.Stream(7); s.Type != StreamCommand || s.Type.String() != "command" || s.Audio != nil || s.Video != nil {
				t.Fatalf("got %+v", s)
			}
		}},
		{"unknown object skipped", [][]byte{unknown, headerExt(unknown)}, func(t *testing.T, h *Header) {
			if len(h.Warnings) != 0 || len(h.Objects) != 5 || len(h.Objects[4].Children) != 1 {
				t.Fatalf("warnings %v objects %+v", h.Warnings, h.Objects)
			}
		}},
		{"duplicate stream keeps the first", [][]byte{streamProps{typ: GUIDStreamTypeCommand, number: 1}.bytes()}, func(t *testing.T, h *Header) {
			if len(h.Streams) != 2 || h.Stream(1).Type != StreamAudio || len(h.Warnings) != 1 {
				t.Fatalf("streams %+v warnings %v", h.Streams, h.Warnings)
			}
		}},
		{"malformed optional object is a warning", [][]byte{obj(GUIDContentDescription, []byte{200, 0, 0, 0, 0, 0, 0, 0, 0, 0})}, func(t *testing.T, h *Header) {
			if len(h.Warnings) != 1 || !errors.Is(h.Warnings[0], ErrTruncated) || h.Content != (ContentDescription{}) {
				t.Fatalf("warnings %v content %+v", h.Warnings, h.Content)
			}
		}},
		{"child larger than parent stops the walk", [][]byte{append(obj(GUIDPadding, nil)[:16], 0xFF, 0, 0, 0, 0, 0, 0, 0)}, func(t *testing.T, h *Header) {
			if len(h.Warnings) != 1 || !errors.Is(h.Warnings[0], ErrCorrupt) || len(h.Streams) != 2 {
				t.Fatalf("warnings %v", h.Warnings)
			}
		}},
	}
}

func TestHeaderObjects(t *testing.T) {
	for _, tc := range headerObjectCases() {
		t.Run(tc.name, func(t *testing.T) {
			h := mustParse(t, simpleHeader(3200, tc.extra...))
			tc.check(t, h)
		})
	}
}

func TestParseHeaderErrors(t *testing.T) {
	good := simpleHeader(3200)
	withSize := func(b []byte, size uint64) []byte {
		b = bytes.Clone(b)
		w := &wbuf{}
		w.u64(size)
		copy(b[16:24], w.b)
		return b
	}
	noStreams := headerObj(fileProps{maxPkt: 3200}.bytes())
	noFP := headerObj(streamProps{typ: GUIDStreamTypeAudio, number: 1, typeSpecific: waveEx(1, 1, 8000, 1, 8, nil)}.bytes())
	sp := streamProps{typ: GUIDStreamTypeAudio, number: 1, typeSpecific: waveEx(1, 1, 8000, 1, 8, nil)}.bytes()
	badRes := bytes.Clone(good)
	badRes[29] = 1
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"short", good[:20], ErrTruncated},
		{"not asf", bytes.Repeat([]byte{0x42}, 64), ErrNotASF},
		{"data object first", dataObjFixed(testFileID, 1, 50), ErrNotASF},
		{"reserved2", badRes, ErrNotASF},
		{"size below 30", withSize(good, 29), ErrCorrupt},
		{"size beyond buffer", withSize(good, uint64(len(good)+1)), ErrTruncated},
		{"size beyond limit", withSize(good, MaxHeaderSize+1), ErrTooLarge},
		{"truncated buffer", good[:len(good)-1], ErrTruncated},
		{"no file properties", noFP, ErrCorrupt},
		{"no streams", noStreams, ErrNoStreams},
		{"packet size 0", headerObj(obj(GUIDFileProperties, make([]byte, 80)), sp), ErrCorrupt},
		{"packet size too large", headerObj(fileProps{maxPkt: MaxPacketSize + 1}.bytes(), sp), ErrTooLarge},
		{"short file properties", headerObj(obj(GUIDFileProperties, make([]byte, 79)), sp), ErrTruncated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := ParseHeader(tc.b)
			if !errors.Is(err, tc.want) || h != nil {
				t.Fatalf("ParseHeader = %v, %v; want %v", h, err, tc.want)
			}
		})
	}
}

func TestReadHeader(t *testing.T) {
	hb := simpleHeader(3200)
	d := dataObjFixed(testFileID, 10, 0)
	h, err := ReadHeader(bytes.NewReader(concat(hb, d, []byte{0x82, 0, 0})))
	if err != nil || h.Data == nil || h.Data.TotalPackets != 10 || h.Size != int64(len(hb)) {
		t.Fatalf("ReadHeader = %+v, %v", h, err)
	}
	// An unknown top-level object between header and data is skipped.
	h, err = ReadHeader(bytes.NewReader(concat(hb, obj(GUID{9}, make([]byte, 100)), d)))
	if err != nil || h.Data == nil {
		t.Fatalf("with object between: %v", err)
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"not asf", bytes.Repeat([]byte{1}, 100), ErrNotASF},
		{"header cut", hb[:len(hb)-5], ErrTruncated},
		{"no data object", hb, ErrNoData},
		{"data object cut", concat(hb, d[:40]), ErrTruncated},
		{"huge declared size", concat(hb[:16], []byte{0, 0, 0, 0x10, 0, 0, 0, 0}, hb[24:]), ErrTooLarge},
	} {
		if _, err := ReadHeader(bytes.NewReader(tc.b)); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	// A header size of 1 MiB on a 2 KiB stream must not allocate 1 MiB up
	// front: it fails with ErrTruncated after reading what is there.
	big := bytes.Clone(hb)
	big[18] = 0x10 // size += 1 MiB
	ms1 := memAlloc()
	_, err = ReadHeader(bytes.NewReader(big))
	ms2 := memAlloc()
	if !errors.Is(err, ErrTruncated) || ms2-ms1 > 512<<10 {
		t.Fatalf("err %v, allocated %d bytes", err, ms2-ms1)
	}
}
