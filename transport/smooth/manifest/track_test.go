package manifest

import (
	"bytes"
	"testing"

	"github.com/eddyplayer/eddy/transport"
)

// AudioSpecificConfig bits (ISO/IEC 14496-3 1.6.2.1): audioObjectType(5)
// samplingFrequencyIndex(4) channelConfiguration(4), for HE-AAC then
// extensionSamplingFrequencyIndex(4) audioObjectType(5)=2, then the
// GASpecificConfig's three zero bits.
func TestAudioSpecificConfig(t *testing.T) {
	cases := []struct {
		aot, rate, ch int
		want          string
	}{
		// 00010 0011 0010 000: the CodecPrivateData="1190" Unified Streaming
		// writes (LC, 48 kHz, 2 ch).
		{AACLC, 48000, 2, "1190"},
		// 00010 0100 0010 000: the first two bytes of FFmpeg's "121056e500".
		{AACLC, 44100, 2, "1210"},
		// 00010 1011 0001 000: 8 kHz mono.
		{AACLC, 8000, 1, "1588"},
		// 8 channels are configuration 7: 00010 0011 0111 000.
		{AACLC, 48000, 8, "11b8"},
		// 00101 0110 0010 0011 00010 000 + 7 padding bits: HE-AAC,
		// core 24 kHz, 48 kHz out, stereo.
		{AACHE, 48000, 2, "2b118800"},
		// Escape: 00010 1111 <50000 on 24 bits> 0001 000.
		// 50000 = 0x00C350 = 0000 0000 1100 0011 0101 0000.
		// 00010111 10000000 01100001 10101000 00001000 → 17 80 61 a8 08
		{AACLC, 50000, 1, "178061a808"},
	}
	for _, c := range cases {
		got, err := AudioSpecificConfig(c.aot, c.rate, c.ch)
		if err != nil || !bytes.Equal(got, unhex(t, c.want)) {
			t.Errorf("AudioSpecificConfig(%d, %d, %d) = %x, %v; want %s", c.aot, c.rate, c.ch, got, err, c.want)
		}
	}
	for _, c := range [][3]int{{AACLC, 48000, 0}, {AACLC, 48000, 7}, {AACLC, 0, 2}, {AACLC, 1 << 24, 2}, {1, 48000, 2}, {AACHE, 1, 2}} {
		if b, err := AudioSpecificConfig(c[0], c[1], c[2]); err == nil {
			t.Errorf("AudioSpecificConfig%v = %x, want an error", c, b)
		}
	}
}

// The avcC record (ISO/IEC 14496-15 5.3.3.1) from FFmpeg's Annex-B
// CodecPrivateData: 01, profile 4d, compatibility 40, level 1e,
// 111111 + lengthSizeMinusOne, 111 + 1 SPS, length 0019, the SPS, 1 PPS,
// length 0004, the PPS.
func TestAVCDecoderConfigurationRecord(t *testing.T) {
	cpd := unhex(t, "00000001674d401eda0280bfe5c044000003000400000300c83c58ba800000000168ef3c80")
	sps := "674d401eda0280bfe5c044000003000400000300c83c58ba80"
	for _, c := range []struct {
		n    int
		want string
	}{
		{4, "014d401effe10019" + sps + "01000468ef3c80"},
		{2, "014d401efde10019" + sps + "01000468ef3c80"},
		{1, "014d401efce10019" + sps + "01000468ef3c80"},
	} {
		got, err := AVCDecoderConfigurationRecord(cpd, c.n)
		if err != nil || !bytes.Equal(got, unhex(t, c.want)) {
			t.Errorf("NAL length %d: %x, %v\nwant %s", c.n, got, err, c.want)
		}
	}
	// Three-byte start codes too.
	got, err := AVCDecoderConfigurationRecord(unhex(t, "000001"+sps+"000001"+"68ef3c80"), 4)
	if err != nil || !bytes.Equal(got, unhex(t, "014d401effe10019"+sps+"01000468ef3c80")) {
		t.Errorf("3-byte start codes: %x, %v", got, err)
	}
	for name, bad := range map[string]string{
		"no PPS":    "00000001" + sps,
		"no SPS":    "0000000168ef3c80",
		"short SPS": "00000001674d40" + "0000000168ef3c80",
		"no codes":  sps,
		"empty":     "",
	} {
		if b, err := AVCDecoderConfigurationRecord(unhex(t, bad), 4); err == nil {
			t.Errorf("%s: %x, want an error", name, b)
		}
	}
	if _, err := AVCDecoderConfigurationRecord(cpd, 3); err == nil {
		t.Error("NAL length 3 accepted")
	}
}

func level(s *StreamIndex, q *QualityLevel) transport.Track {
	s.QualityLevels = append(s.QualityLevels, q)
	return q.Track(1, s)
}

// Codec and Config per FourCC, as transport.Track.Config's contract says.
func TestTrackCodecs(t *testing.T) {
	sps := "674d401eda0280bfe5c044000003000400000300c83c58ba80"
	cpd := unhex(t, "00000001"+sps+"0000000168ef3c80")

	t.Run("H264 with 2-byte lengths gets an avcC", func(t *testing.T) {
		tr := level(&StreamIndex{Type: "video"}, &QualityLevel{FourCC: "H264", CodecPrivateData: cpd, NALUnitLengthField: 2, MaxWidth: 640, MaxHeight: 360})
		if tr.Codec != transport.FourCC("H264") || !bytes.Equal(tr.Config, unhex(t, "014d401efde10019"+sps+"01000468ef3c80")) {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("AVC1 kept, DAVC is H264", func(t *testing.T) {
		for cc, want := range map[string]string{"AVC1": "AVC1", "avc1": "AVC1", "DAVC": "H264", "X264": "H264"} {
			tr := level(&StreamIndex{Type: "video"}, &QualityLevel{FourCC: cc, CodecPrivateData: cpd, NALUnitLengthField: 4})
			if tr.Codec != transport.FourCC(want) || !bytes.Equal(tr.Config, cpd) {
				t.Errorf("%s: %+v", cc, tr)
			}
		}
	})
	t.Run("WMAP with the WAVEFORMATEX of [MS-SSTR] 4.5", func(t *testing.T) {
		// The 4.5 value with its "(no line break here)" marks and the
		// white space removed: WMA v2, 2 ch, 44100 Hz, 16005 B/s, block
		// 2973, 16 bits, cbSize 10 (the attributes say otherwise:
		// erratum; the WAVEFORMATEX is what the encoder wrote).
		wfx := unhex(t, "6101020044AC0000853E00009D0B10000A00008800000F0000000000")
		tr := level(&StreamIndex{Type: "audio"}, &QualityLevel{FourCC: "WMAP", AudioTag: 354, SamplingRate: 48000, Channels: 2, PacketSize: 1115, CodecPrivateData: wfx, Bitrate: 94208})
		want := transport.AudioParams{SampleRate: 44100, Channels: 2, BitsPerSample: 16, BlockAlign: 2973, AvgBytesPerSec: 16005}
		if tr.Codec != transport.WaveFormat(0x0161) || !bytes.Equal(tr.Config, unhex(t, "008800000F0000000000")) || tr.Audio != want || tr.Bitrate != 94208 {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("WAVE_FORMAT_EXTENSIBLE", func(t *testing.T) {
		// wFormatTag FFFE, 2 ch, 48000 Hz, 24000 B/s, block 4, 16 bits,
		// cbSize 22+2; wValidBitsPerSample 16, mask 3, SubFormat
		// {00000162-0000-0010-8000-00AA00389B71} (WMA Pro), then 2 bytes.
		wfx := unhex(t, "FEFF"+"0200"+"80BB0000"+"C05D0000"+"0400"+"1000"+"1800"+
			"1000"+"03000000"+"62010000"+"0000"+"1000"+"800000AA00389B71"+"ABCD")
		tr := level(&StreamIndex{Type: "audio"}, &QualityLevel{AudioTag: 65534, CodecPrivateData: wfx})
		if tr.Codec != transport.WaveFormat(transport.TagWMAPro) || !bytes.Equal(tr.Config, []byte{0xAB, 0xCD}) || tr.Audio.SampleRate != 48000 {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("WMAP without WAVEFORMATEX", func(t *testing.T) {
		tr := level(&StreamIndex{Type: "audio"}, &QualityLevel{FourCC: "WMAP", AudioTag: 354, SamplingRate: 48000, Channels: 2, BitsPerSample: 16, PacketSize: 1115, Bitrate: 96000})
		want := transport.AudioParams{SampleRate: 48000, Channels: 2, BitsPerSample: 16, BlockAlign: 1115, AvgBytesPerSec: 12000}
		if tr.Codec != transport.FourCC("WMAP") || tr.Config != nil || tr.Audio != want {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("vendor WaveFormatEx attribute", func(t *testing.T) {
		wfx := unhex(t, "6101020044AC0000853E00009D0B10000A00008800000F0000000000")
		tr := level(&StreamIndex{Type: "audio"}, &QualityLevel{AudioTag: 353, WaveFormatEx: wfx})
		if tr.Codec != transport.WaveFormat(0x0161) || len(tr.Config) != 10 {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("truncated WAVEFORMATEX is not one", func(t *testing.T) {
		wfx := unhex(t, "6101020044AC0000853E00009D0B10000A000088") // cbSize 10, 2 extra bytes
		tr := level(&StreamIndex{Type: "audio"}, &QualityLevel{FourCC: "WMAP", CodecPrivateData: wfx})
		if tr.Codec != transport.FourCC("WMAP") || !bytes.Equal(tr.Config, wfx) {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("AACL without CodecPrivateData", func(t *testing.T) {
		tr := level(&StreamIndex{Type: "audio"}, &QualityLevel{FourCC: "AACL", SamplingRate: 48000, Channels: 2, AudioTag: 255})
		if tr.Codec != transport.FourCC("AACL") || !bytes.Equal(tr.Config, unhex(t, "1190")) {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("AACH without CodecPrivateData", func(t *testing.T) {
		tr := level(&StreamIndex{Type: "audio"}, &QualityLevel{FourCC: "AACH", SamplingRate: 48000, Channels: 2})
		if tr.Codec != transport.FourCC("AACH") || !bytes.Equal(tr.Config, unhex(t, "2b118800")) {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("AudioTag 255 without FourCC", func(t *testing.T) {
		tr := level(&StreamIndex{Type: "audio"}, &QualityLevel{AudioTag: 255, SamplingRate: 44100, Channels: 2})
		if tr.Codec != transport.WaveFormat(transport.TagAAC) || !bytes.Equal(tr.Config, unhex(t, "1210")) {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("MP3 by AudioTag", func(t *testing.T) {
		tr := level(&StreamIndex{Type: "audio"}, &QualityLevel{AudioTag: 85, SamplingRate: 44100, Channels: 2, PacketSize: 1})
		if tr.Codec != transport.WaveFormat(transport.TagMP3) || tr.Config != nil {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("WVC1 in a VIDEOINFOHEADER", func(t *testing.T) {
		// rcSource, rcTarget (32 bytes), dwBitRate, dwBitErrorRate,
		// AvgTimePerFrame (16 bytes), then BITMAPINFOHEADER: biSize 40,
		// 720×480, 1 plane, 24 bits, "WVC1", 20 more bytes (size, pels
		// per metre, colours), then the extra bytes (the 4.5 sequence
		// header).
		extra := "250000010FD37E27F1678A27F859E80490824C4ADF5DC00000010E5A67F840"
		vih := unhex(t, "00000000000000000000000000000000"+"00000000000000000000000000000000"+
			"00000000000000000000000000000000"+
			"28000000"+"D0020000"+"E0010000"+"0100"+"1800"+"57564331"+"0000000000000000000000000000000000000000"+extra)
		tr := level(&StreamIndex{Type: "video"}, &QualityLevel{FourCC: "WVC1", CodecPrivateData: vih, MaxWidth: 720, MaxHeight: 480})
		if tr.Codec != transport.FourCC("WVC1") || !bytes.Equal(tr.Config, unhex(t, extra)) {
			t.Errorf("%+v", tr)
		}
	})
	t.Run("pixel aspect from the display size", func(t *testing.T) {
		s := &StreamIndex{Type: "video", DisplayWidth: 853, DisplayHeight: 480}
		tr := level(s, &QualityLevel{FourCC: "WVC1", MaxWidth: 720, MaxHeight: 480})
		if tr.Video.AspectX != 853 || tr.Video.AspectY != 720 {
			t.Errorf("aspect %d:%d, want 853:720", tr.Video.AspectX, tr.Video.AspectY)
		}
		s = &StreamIndex{Type: "video", DisplayWidth: 1280, DisplayHeight: 720, MaxWidth: 640, MaxHeight: 360}
		tr = level(s, &QualityLevel{FourCC: "H264", NALUnitLengthField: 4})
		if tr.Video.Width != 640 || tr.Video.Height != 360 || tr.Video.AspectX != 0 || tr.Video.AspectY != 0 {
			t.Errorf("level without size: %+v", tr.Video)
		}
	})
	t.Run("vendor FourCC", func(t *testing.T) {
		tr := level(&StreamIndex{Type: "video", Language: "fr"}, &QualityLevel{FourCC: "HEVC", CodecPrivateData: []byte{1, 2}, Language: "de"})
		if tr.Codec != transport.FourCC("HEVC") || !bytes.Equal(tr.Config, []byte{1, 2}) || tr.Language != "fr" {
			t.Errorf("%+v", tr)
		}
	})
}

// An audio level described only by the vendor WaveFormatEx attribute
// (MajorVersion 1 servers; VLC reads it): an AAC WAVEFORMATEX (tag 0x00FF,
// 2 ch, 44100 Hz, 12000 B/s, block 1, 16 bits, cbSize 2) whose extra
// bytes are the AudioSpecificConfig 12 10.
func TestWaveFormatExAttribute(t *testing.T) {
	in := doc(`MajorVersion="1" MinorVersion="0" Duration="20000000"`,
		`<StreamIndex Type="audio" Url="QualityLevels({bitrate})/Fragments(audio={start time})">`+
			`<QualityLevel Bitrate="96000" WaveFormatEx="FF00020044AC0000E02E0000010010000200 1210"/>`+
			`<c n="0" d="20000000"/></StreamIndex>`)
	m, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	s := m.Streams[0]
	tr := s.QualityLevels[0].Track(1, s)
	want := transport.AudioParams{SampleRate: 44100, Channels: 2, BitsPerSample: 16, BlockAlign: 1, AvgBytesPerSec: 12000}
	if tr.Codec != transport.WaveFormat(transport.TagAAC) || !bytes.Equal(tr.Config, []byte{0x12, 0x10}) || tr.Audio != want || tr.Bitrate != 96000 {
		t.Errorf("%+v", tr)
	}
}
