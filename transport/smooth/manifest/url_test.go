package manifest

import (
	"errors"
	"testing"
)

// Fragment URLs from the Url template ([MS-SSTR] 2.2.2.4, 3.1.4.2):
// each placeholder spelling, custom attributes in order, none (the comma
// goes with the placeholder), values that would break the URL escaped,
// resolution against the manifest URL (relative and absolute templates,
// the manifest's query not carried over, as RFC 3986 5.2 resolves).
func TestFragmentURL(t *testing.T) {
	base := mustURL(t, "https://media.example/vod/Big%20Buck.ism/Manifest?token=1")
	cases := []struct {
		name, tmpl string
		attrs      []Attribute
		want       string
	}{
		{"IIS form", "QualityLevels({bitrate})/Fragments(video={start time})", nil,
			"https://media.example/vod/Big%20Buck.ism/QualityLevels(2000)/Fragments(video=123456789012)?token=1"},
		{"underscore and capital", "QualityLevels({Bitrate})/Fragments(audio_eng={start_time})", nil,
			"https://media.example/vod/Big%20Buck.ism/QualityLevels(2000)/Fragments(audio_eng=123456789012)?token=1"},
		{"no custom attributes", "QualityLevels({bitrate},{CustomAttributes})/Fragments(video={start time})", nil,
			"https://media.example/vod/Big%20Buck.ism/QualityLevels(2000)/Fragments(video=123456789012)?token=1"},
		{"two custom attributes", "QualityLevels({bitrate},{CustomAttributes})/Fragments(video={start time})",
			[]Attribute{{"Compatibility", "Desktop"}, {"hdr", "on"}},
			"https://media.example/vod/Big%20Buck.ism/QualityLevels(2000,Compatibility=Desktop,hdr=on)/Fragments(video=123456789012)?token=1"},
		{"hostile custom attribute", "QualityLevels({bitrate},{CustomAttributes})/Fragments(video={start time})",
			[]Attribute{{"a:b", "../x?y#z,w"}},
			"https://media.example/vod/Big%20Buck.ism/QualityLevels(2000,a%3Ab=..%2Fx%3Fy%23z%2Cw)/Fragments(video=123456789012)?token=1"},
		{"absolute", "http://cdn.example/QualityLevels({bitrate})/Fragments(video={start time})", nil,
			"http://cdn.example/QualityLevels(2000)/Fragments(video=123456789012)"},
		{"root-relative", "/other/QualityLevels({bitrate})/Fragments(video={start time})", nil,
			"https://media.example/other/QualityLevels(2000)/Fragments(video=123456789012)?token=1"},
		{"template with its own query", "QualityLevels({bitrate})/Fragments(video={start time})?x=1", nil,
			"https://media.example/vod/Big%20Buck.ism/QualityLevels(2000)/Fragments(video=123456789012)?x=1&token=1"},
		{"same host over http: the token stays on https", "http://media.example/QualityLevels({bitrate})/Fragments(video={start time})", nil,
			"http://media.example/QualityLevels(2000)/Fragments(video=123456789012)"},
	}
	for _, c := range cases {
		s := &StreamIndex{Name: "video", URL: c.tmpl}
		q := &QualityLevel{Bitrate: 2000, CustomAttributes: c.attrs}
		u, err := s.FragmentURL(base, q, 123456789012)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if u.String() != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, u, c.want)
		}
	}
}

func TestFragmentURLErrors(t *testing.T) {
	base := mustURL(t, "http://h/a.ism/Manifest")
	for _, tmpl := range []string{
		"",                                   // no Url
		"QualityLevels({bitrate})/Fragments", // no start time: every fragment one URL
		"file:///etc/QualityLevels({bitrate})/Fragments(video={start time})",
		"javascript:x({start time})",
		"http://[::1/({start time})",
	} {
		s := &StreamIndex{Name: "video", URL: tmpl}
		if u, err := s.FragmentURL(base, &QualityLevel{Bitrate: 1}, 0); !errors.Is(err, ErrTemplate) {
			t.Errorf("template %q: %v, %v; want ErrTemplate", tmpl, u, err)
		}
	}
}

// A sparse text stream ([MS-SSTR] 2.2.2.3, 2.2.5): ParentStreamIndex
// names a non-sparse stream, ManifestOutput puts the samples into f
// elements (2.2.2.6.1), base64, per track Index.
func TestSparseTextStream(t *testing.T) {
	in := doc(v22, video(`<c t="0" d="20000000" r="3"/>`),
		`<StreamIndex Type="text" Subtype="CAPT" Name="captions" Language="en" ParentStreamIndex="video" ManifestOutput="TRUE" `+
			`Url="QualityLevels({bitrate})/Fragments(captions={start time})">`+
			`<QualityLevel Index="0" Bitrate="0" FourCC="TTML" CodecPrivateData=""/>`+
			`<c t="15000000" d="10000000"><f i="0">SGVsbG8=</f></c>`+
			`<c t="45000000" d="5000000"><f i="0">
			  V29y
			  bGQ=
			</f></c></StreamIndex>`)
	m, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	s := m.Stream("captions")
	if !s.Sparse() || s.ParentStreamIndex != "video" || s.Subtype != "CAPT" || s.MediaType().String() != "text" || !s.ManifestOutput {
		t.Errorf("stream %+v", s)
	}
	if m.Stream("video").Sparse() {
		t.Error("video is sparse")
	}
	if got, want := frags(s), []frag{{15000000, 10000000}, {45000000, 5000000}}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("timeline %v", got)
	}
	if len(s.Inline) != 2 || s.Inline[0].Fragment != 0 || string(s.Inline[0].Data) != "Hello" ||
		s.Inline[1].Fragment != 1 || s.Inline[1].Track != 0 || string(s.Inline[1].Data) != "World" {
		t.Errorf("inline samples %+v", s.Inline)
	}
	tr := s.QualityLevels[0].Track(3, s)
	if tr.Type.String() != "text" || tr.Codec.FourCC != "TTML" || tr.Language != "en" || tr.Name != "captions" {
		t.Errorf("track %+v", tr)
	}
	// f elements are dropped when ManifestOutput is not TRUE (2.2.2.6.1).
	in = doc(v22, `<StreamIndex Type="text" Name="t" Url="x({start time})"><QualityLevel Index="0" Bitrate="0"/><c d="1"><f i="0">!!!</f></c></StreamIndex>`)
	if m, err := Parse(in); err != nil || len(m.Streams[0].Inline) != 0 {
		t.Errorf("f without ManifestOutput: %v", err)
	}
}
