package manifest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// badCases are manifests a client must refuse ([MS-SSTR] 2.2.2, 3.1.5.1)
// or that break this package's bounds; they seed FuzzParse too.
var badCases = []struct {
	name string
	in   []byte
	want error
}{
	{"t going backwards", doc(v22, video(`<c t="100" d="10"/><c t="50" d="10"/>`)), ErrInvalid},
	{"t inside a repeat run", doc(v22, video(`<c t="100" d="10" r="5"/><c t="130" d="10"/>`)), ErrInvalid},
	{"t repeated", doc(v22, video(`<c t="100"/><c t="100" d="10"/>`)), ErrInvalid},
	{"neither t nor d", doc(v22, video(`<c t="0" d="1"/><c n="1"/><c t="5" d="1"/>`)), ErrInvalid},
	{"last c without d", doc(v22, video(`<c t="0"/><c t="10"/>`)), ErrInvalid},
	{"only c without d", doc(v22, video(`<c t="0"/>`)), ErrInvalid},
	{"no t after a c without d", doc(v22, video(`<c t="0"/><c d="10"/>`)), ErrInvalid},
	{"r without d", doc(v22, video(`<c t="0" r="3"/><c t="30" d="10"/>`)), ErrInvalid},
	{"r in a 2.0 manifest", doc(`MajorVersion="2" MinorVersion="0" Duration="10"`, video(`<c d="5" r="2"/>`)), ErrInvalid},
	{"r=0", doc(v22, video(`<c d="5" r="0"/>`)), ErrInvalid},
	{"d=0", doc(v22, video(`<c t="0" d="0"/>`)), ErrInvalid},
	{"r=2^32", doc(v22, video(`<c t="0" d="1" r="4294967296"/>`)), ErrTooLarge},
	{"r=2^64-1", doc(v22, video(`<c t="0" d="1" r="18446744073709551615"/>`)), ErrTooLarge},
	{"runs beyond MaxFragments", doc(v22, video(`<c t="0" d="1" r="1048576"/><c d="1"/>`)), ErrTooLarge},
	{"end past 2^64", doc(v22, video(`<c t="18446744073709551600" d="5" r="4"/>`)), ErrInvalid},
	{"d*r past 2^64", doc(v22, video(`<c t="0" d="9223372036854775808" r="2"/>`)), ErrInvalid},
	{"negative t", doc(v22, video(`<c t="-5" d="10"/>`)), ErrInvalid},
	{"negative d", doc(v22, video(`<c d="-10"/>`)), ErrInvalid},
	{"t past 2^64", doc(v22, video(`<c t="18446744073709551616" d="1"/>`)), ErrInvalid},
	{"plus sign", doc(v22, video(`<c t="+5" d="1"/>`)), ErrInvalid},
	{"hex number", doc(v22, video(`<c t="0x10" d="1"/>`)), ErrInvalid},
	{"n past 2^32", doc(v22, video(`<c n="4294967296" d="1"/>`)), ErrInvalid},
	{"negative Bitrate", doc(v22, `<StreamIndex Type="video" Url="x({start time})"><QualityLevel Index="0" Bitrate="-1"/></StreamIndex>`), ErrInvalid},
	{"Channels past 2^16", doc(v22, `<StreamIndex Type="audio" Url="x({start time})"><QualityLevel Index="0" Bitrate="1" Channels="65536"/></StreamIndex>`), ErrInvalid},
	{"no Bitrate", doc(v22, `<StreamIndex Type="video" Url="x({start time})"><QualityLevel Index="0"/></StreamIndex>`), ErrInvalid},
	{"bad hex", doc(v22, `<StreamIndex Type="video" Url="x({start time})"><QualityLevel Index="0" Bitrate="1" CodecPrivateData="0G"/></StreamIndex>`), ErrInvalid},
	{"odd hex", doc(v22, `<StreamIndex Type="video" Url="x({start time})"><QualityLevel Index="0" Bitrate="1" CodecPrivateData="123"/></StreamIndex>`), ErrInvalid},
	{"NALUnitLengthField 3", doc(v22, `<StreamIndex Type="video" Url="x({start time})"><QualityLevel Index="0" Bitrate="1" NALUnitLengthField="3"/></StreamIndex>`), ErrInvalid},
	{"duplicate Index", doc(v22, `<StreamIndex Type="video" Url="x({start time})"><QualityLevel Index="1" Bitrate="1"/><QualityLevel Index="1" Bitrate="2"/></StreamIndex>`), ErrInvalid},
	{"duplicate names", doc(v22, video(`<c d="1"/>`), video(`<c d="1"/>`)), ErrInvalid},
	{"no Type", doc(v22, `<StreamIndex Url="x({start time})"></StreamIndex>`), ErrInvalid},
	{"no StreamIndex", doc(v22), ErrInvalid},
	{"TimeScale 0", doc(`MajorVersion="2" MinorVersion="0" Duration="1" TimeScale="0"`, video(`<c d="1"/>`)), ErrInvalid},
	{"stream TimeScale 0", doc(v22, `<StreamIndex Type="video" TimeScale="0" Url="x({start time})"></StreamIndex>`), ErrInvalid},
	{"MajorVersion 3", doc(`MajorVersion="3" MinorVersion="0" Duration="1"`, video(`<c d="1"/>`)), ErrVersion},
	{"no MajorVersion", doc(`MinorVersion="0" Duration="1"`, video(`<c d="1"/>`)), ErrVersion},
	{"sparse without parent", doc(v22, video(`<c d="1"/>`), `<StreamIndex Type="text" Subtype="CAPT" Name="cc" ParentStreamIndex="nothing" Url="x({start time})"></StreamIndex>`), ErrInvalid},
	{"sparse parent is sparse", doc(v22, video(`<c d="1"/>`),
		`<StreamIndex Type="text" Name="a" ParentStreamIndex="video" Url="x({start time})"></StreamIndex>`,
		`<StreamIndex Type="text" Name="b" ParentStreamIndex="a" Url="x({start time})"></StreamIndex>`), ErrInvalid},
	{"bad base64 in f", doc(v22, `<StreamIndex Type="text" Name="t" ManifestOutput="TRUE" Url="x({start time})"><QualityLevel Index="0" Bitrate="0"/><c d="1"><f i="0">!!!</f></c></StreamIndex>`), ErrInvalid},
	{"f without i", doc(v22, `<StreamIndex Type="text" Name="t" ManifestOutput="true" Url="x({start time})"><QualityLevel Index="0" Bitrate="0"/><c d="1"><f>AA==</f></c></StreamIndex>`), ErrInvalid},
	{"custom attribute without name", doc(v22, `<StreamIndex Type="video" Url="x({start time})"><QualityLevel Index="0" Bitrate="1"><CustomAttributes><Attribute Value="v"/></CustomAttributes></QualityLevel></StreamIndex>`), ErrInvalid},
	{"other root", []byte(`<?xml version="1.0"?><MPD/>`), ErrInvalid},
	{"empty", nil, ErrInvalid},
	{"not XML", []byte("0&&&"), ErrInvalid},
	{"unclosed", []byte(`<SmoothStreamingMedia MajorVersion="2" MinorVersion="0" Duration="1"><StreamIndex Type="video">`), ErrInvalid},
	{"mismatched end", []byte(`<SmoothStreamingMedia MajorVersion="2" MinorVersion="0" Duration="1"><StreamIndex Type="video"></c></SmoothStreamingMedia>`), ErrInvalid},
	{"DTD", []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>` + string(doc(v22, video(`<c d="1"/>`))[len(`<?xml version="1.0" encoding="utf-8"?>`):])), ErrInvalid},
	{"unknown encoding", []byte(`<?xml version="1.0" encoding="ebcdic"?><SmoothStreamingMedia MajorVersion="2" MinorVersion="0" Duration="1"/>`), ErrInvalid},
	{"odd UTF-16", []byte{0xFF, 0xFE, '<'}, ErrInvalid},
}

func TestRejects(t *testing.T) {
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.in)
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse = %v, want an error wrapping %v", err, c.want)
			}
			if m != nil {
				t.Errorf("a manifest came with the error")
			}
		})
	}
}

// More than MaxManifestSize bytes is refused before any parsing.
func TestTooLarge(t *testing.T) {
	in := append(doc(v22, video(`<c d="1"/>`)), bytes.Repeat([]byte(" "), MaxManifestSize)...)
	if _, err := Parse(in); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse of %d bytes: %v", len(in), err)
	}
}

// The counts Parse keeps are bounded: streams, quality levels, custom
// attributes.
func TestCountLimits(t *testing.T) {
	many := func(n int, s string) string { return strings.Repeat(s, n) }
	cases := map[string][]byte{
		"streams": doc(v22, many(MaxStreams+1, `<StreamIndex Type="text" Url="x({start time})"></StreamIndex>`)),
		"quality levels": doc(v22, `<StreamIndex Type="video" Url="x({start time})">`+
			many(MaxQualityLevels+1, `<QualityLevel Bitrate="1"/>`)+`</StreamIndex>`),
		"custom attributes": doc(v22, `<StreamIndex Type="video" Url="x({start time})"><QualityLevel Bitrate="1"><CustomAttributes>`+
			many(MaxCustomAttributes+1, `<Attribute Name="a" Value="b"/>`)+`</CustomAttributes></QualityLevel></StreamIndex>`),
	}
	for name, in := range cases {
		if _, err := Parse(in); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Leniency where real servers differ from [MS-SSTR]: attribute names in
// another case, MajorVersion 1, Name defaulted to Type, the Type's case,
// white space around numbers and inside hex, unknown elements and
// attributes, a UTF-16 document (4.4 and 4.5 declare utf-16), text before
// the declaration, Index absent.
func TestLenient(t *testing.T) {
	in := `<?xml version="1.0" encoding="utf-16"?>
<!-- written by hand -->
<SmoothStreamingMedia majorversion="1" MinorVersion="0" timescale="1000" Duration=" 5000 " Vendor="x">
  <Extra><StreamIndex Type="audio"/></Extra>
  <StreamIndex Type="Video" Url="QualityLevels({Bitrate})/Fragments(video={start_time})" Vendor="y">
    <QualityLevel Bitrate="1000" FourCC="H264" Width="320" Height="240" CodecPrivateData="00 00 00 01 67
      42 00 1E 00 00 00 01 68 CE">
      <Unknown/>
    </QualityLevel>
    <c d="5000"><Other/></c>
  </StreamIndex>
</SmoothStreamingMedia>`
	for _, be := range []bool{false, true} {
		b := []byte{0xFF, 0xFE}
		if be {
			b = []byte{0xFE, 0xFF}
		}
		for _, u := range utf16.Encode([]rune("\n " + in)) {
			if be {
				b = append(b, byte(u>>8), byte(u))
			} else {
				b = append(b, byte(u), byte(u>>8))
			}
		}
		m, err := Parse(b)
		if err != nil {
			t.Fatalf("UTF-16 (big-endian %v): %v", be, err)
		}
		checkLenient(t, m)
	}
	// The same in UTF-8 with its byte-order mark.
	m, err := Parse(append([]byte("\xEF\xBB\xBF"), strings.Replace(in, "utf-16", "utf-8", 1)...))
	if err != nil {
		t.Fatal(err)
	}
	checkLenient(t, m)
}

func checkLenient(t *testing.T, m *Manifest) {
	t.Helper()
	if m.MajorVersion != 1 || m.TimeScale != 1000 || m.Duration != 5000 || len(m.Streams) != 1 {
		t.Fatalf("manifest %+v", m)
	}
	s := m.Streams[0]
	if s.Type != "video" || s.Name != "video" || s.TimeScale != 1000 || s.MaxWidth != 320 || s.MaxHeight != 240 {
		t.Errorf("stream %+v", s)
	}
	q := s.QualityLevels[0]
	if q.Index != 0 || q.MaxWidth != 320 || !bytes.Equal(q.CodecPrivateData, []byte{0, 0, 0, 1, 0x67, 0x42, 0, 0x1E, 0, 0, 0, 1, 0x68, 0xCE}) {
		t.Errorf("quality level %+v", q)
	}
}
