package wmlog

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// legacyExample is the record behind the MS-WMLOG 3.1 legacy log example.
func legacyExample() Record {
	return Record{
		Time:           time.Date(2003, 9, 27, 0, 27, 24, 0, time.UTC),
		URIStem:        "http://10.194.20.175/mcast1200K?WMBitrate=6000000",
		URL:            "http://10.194.20.175/mcast1200K?WMBitrate=6000000",
		Duration:       41200 * time.Millisecond,
		Rate:           1,
		PlayerID:       "{3300AD50-2C39-46c0-AE0A-B4C904C7848E}",
		PlayerVersion:  "9.0.0.2980",
		PlayerLanguage: "en-US",
		UserAgent:      "WMFSDK/9.0.0.2980 WMPlayer/9.0.0.3008",
		Host: Host{Exe: "wmplayer.exe", ExeVersion: "9.0.0.2980", OS: "Windows XP",
			OSVersion: "5.1.0.2600", CPU: "Pentium"},
		FileLength:      1800501 * time.Millisecond,
		FileSize:        268885194,
		AvgBandwidth:    1255347,
		Protocol:        "http",
		Transport:       "TCP",
		AudioCodecs:     []string{"Windows Media Audio 9"},
		VideoCodecs:     []string{"Windows Media Video 9", "Windows Media Video 9"},
		Bytes:           6321233,
		PacketsReceived: 4496,
		BufferCount:     1,
		MediaName:       "30MinTV_1200k_1s_1s_0Q.wmv",
		ContentDescription: []Pair{
			{"WMS_CONTENT_DESCRIPTION_PLAYLIST_ENTRY_URL", "30MinTV_1200k_1s_1s_0Q.wmv"},
			{"WMS_CONTENT_DESCRIPTION_COPIED_METADATA_FROM_PLAYLIST_FILE", "1"},
			{"WMS_CONTENT_DESCRIPTION_PLAYLIST_ENTRY_DURATION", "1800501"},
			{"WMS_CONTENT_DESCRIPTION_PLAYLIST_ENTRY_START_OFFSET", "1450"},
			{"WMS_CONTENT_DESCRIPTION_SERVER_BRANDING_INFO", "WMServer/9.0"},
		},
	}
}

func streamingExample() Record {
	return Record{
		Time:           time.Date(2006, 5, 1, 21, 34, 1, 0, time.UTC),
		URIStem:        "http://server.example.com/content.wmv",
		StartTime:      4500 * time.Millisecond,
		Rate:           1,
		PlayerID:       "{3300AD50-2C39-46c0-AE0A-3E0B6EFB86DC}",
		PlayerVersion:  "10.0.0.3802",
		PlayerLanguage: "en-US",
		UserAgent:      "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1) (WMFSDK/10.0.0.3802) WMPlayer/10.0.0.4019",
		Referer:        "http://bar.microsoft.com",
		Host: Host{Exe: "iexplore.exe", ExeVersion: "6.0.2900.2180", OS: "Windows_XP",
			OSVersion: "5.1.0.2600", CPU: "Pentium"},
		FileLength:     130 * time.Second,
		FileSize:       638066,
		AvgBandwidth:   -1,
		Protocol:       "http",
		Transport:      "TCP",
		AudioCodecs:    []string{"Windows Media Audio 9"},
		VideoCodecs:    []string{"Windows Media Video 9"},
		ResendRequests: 0,
	}
}

func join(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestW3CSpecExamples reproduces the W3C summaries of MS-WMLOG 3.1 (legacy),
// 3.3 (streaming; the spec text loses a space in "-0") and 3.4 (rendering).
func TestW3CSpecExamples(t *testing.T) {
	rendering := streamingExample()
	rendering.Duration = 0
	tests := []struct {
		name string
		rec  Record
		kind Kind
		dest Destination
		want string
	}{
		{"legacy 3.1", legacyExample(), Legacy, ToMediaServer, `0.0.0.0 2003-09-27 00:27:24 - http://10.194.20.175/mcast1200K 0 42 1
			200 {3300AD50-2C39-46c0-AE0A-B4C904C7848E} 9.0.0.2980 en-US
			WMFSDK/9.0.0.2980_WMPlayer/9.0.0.3008 - wmplayer.exe 9.0.0.2980
			Windows_XP 5.1.0.2600 Pentium 1801 268885194 1255347 http TCP
			Windows_Media_Audio_9 Windows_Media_Video_9 - - 6321233 - 4496 0 0 0 0
			0 0 1 0 100 - - - -
			http://10.194.20.175/mcast1200K?WMBitrate=6000000 30MinTV_1200k_1s_1s_0Q.wmv -`},
		{"streaming 3.3", streamingExample(), Streaming, ToMediaServer, `0.0.0.0 2006-05-01 21:34:01 -
			http://server.example.com/content.wmv 4 0 1 200 {3300AD50-2C39-46c0-AE0A-3E0B6EFB86DC} 10.0.0.3802 en-US
			Mozilla/4.0_(compatible;_MSIE_6.0;_Windows_NT_5.1)_(WMFSDK/10.0.0.3802)_WMPlayer/10.0.0.4019
			http://bar.microsoft.com iexplore.exe 6.0.2900.2180 Windows_XP 5.1.0.2600 Pentium 130 638066 - http TCP - - -
			- 0 - 0 0 0 0 0 0 0 0 0 100 - - - -
			http://server.example.com/content.wmv - -`},
		// The 3.4 example's c-ip is 0.0.0.0; 2.7.1 leaves c-ip to 2.1.8,
		// which says a client SHOULD log "-" (TestFieldsByKind).
		{"rendering 3.4", rendering, Rendering, ToMediaServer, `- 2006-05-01 21:34:01 -
			http://server.example.com/content.wmv 4 0 1 200 {3300AD50-2C39-46c0-AE0A-3E0B6EFB86DC} 10.0.0.3802 en-US
			Mozilla/4.0_(compatible;_MSIE_6.0;_Windows_NT_5.1)_(WMFSDK/10.0.0.3802)_WMPlayer/10.0.0.4019
			http://bar.microsoft.com iexplore.exe 6.0.2900.2180 Windows_XP 5.1.0.2600 Pentium 130 638066 - Cache -
			Windows_Media_Audio_9 Windows_Media_Video_9 - - 0 - - - - - - - - - -
			100 - - - - - - - http://server.example.com/content.wmv - - - 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.rec.W3C(tt.kind, tt.dest)
			if want := join(tt.want); got != want {
				t.Errorf("W3C:\n got %s\nwant %s", got, want)
			}
			n := len(tt.rec.Fields(tt.kind, tt.dest))
			if wantN := len(strings.Fields(tt.want)); n != wantN {
				t.Errorf("%d fields, want %d", n, wantN)
			}
		})
	}
}

// TestXMLMatchesSpecExample renders the MS-WMLOG 3.1 record as XML and
// compares every element with the spec's XML example.
func TestXMLMatchesSpecExample(t *testing.T) {
	spec, err := os.ReadFile("testdata/legacy_example.xml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseXML(spec)
	if err != nil {
		t.Fatalf("spec example: %v", err)
	}
	rec := legacyExample()
	got, err := ParseXML(rec.XML(Legacy))
	if err != nil {
		t.Fatalf("own XML: %v", err)
	}
	if strings.Join(got.Summary, " ") != strings.Join(want.Summary, " ") {
		t.Errorf("summary\n got %v\nwant %v", got.Summary, want.Summary)
	}
	if len(got.Elements) != len(want.Elements) {
		t.Fatalf("%d elements, want %d", len(got.Elements), len(want.Elements))
	}
	for i := range want.Elements {
		if got.Elements[i] != want.Elements[i] {
			t.Errorf("element %d: got %v want %v", i, got.Elements[i], want.Elements[i])
		}
	}
	if len(got.ContentDescription) != len(want.ContentDescription) {
		t.Fatalf("content description %v, want %v", got.ContentDescription, want.ContentDescription)
	}
	for i := range want.ContentDescription {
		if got.ContentDescription[i] != want.ContentDescription[i] {
			t.Errorf("cd %d: got %v want %v", i, got.ContentDescription[i], want.ContentDescription[i])
		}
	}
}

func TestXMLEscapesAndClientData(t *testing.T) {
	rec := legacyExample()
	rec.MediaName = "a<b>&c"
	rec.ContentDescription = []Pair{{"title", "Rock & <Roll>"}, {"bad name!", "x"}, {"", "dropped"}}
	rec.ClientData = []Namespace{{Name: "VendorNameSpace", Fields: []Pair{{"vendor-field1", "Value1"}}}}
	b := rec.XML(Legacy)
	p, err := ParseXML(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if v, _ := p.Get("c-ip"); v != "0.0.0.0" {
		t.Errorf("c-ip %q", v)
	}
	if got := p.Summary[len(p.Summary)-2]; got != "a<b>&c" {
		t.Errorf("media name in summary %q", got)
	}
	if len(p.ContentDescription) != 2 || p.ContentDescription[0].Value != "Rock & <Roll>" || p.ContentDescription[1].Name != "bad_name_" {
		t.Errorf("content description %v", p.ContentDescription)
	}
	if len(p.Blocks) != 1 || p.Blocks[0].Name != "VendorNameSpace" || p.Blocks[0].Fields[0] != (Pair{"vendor-field1", "Value1"}) {
		t.Errorf("blocks %v", p.Blocks)
	}
}

// TestFieldsByKind: the fields whose rule depends on the log's kind.
// x-duration is the content rendered in legacy and rendering logs and the
// time it took to receive it in streaming logs (MS-WMLOG 2.1.52), rounded
// up; c-ip is "0.0.0.0" in legacy and streaming logs (2.5.1, 2.6.1) and "-"
// in rendering logs, which leave it to 2.1.8 (a client SHOULD log "-").
func TestFieldsByKind(t *testing.T) {
	rec := legacyExample()
	rec.Duration = 41200 * time.Millisecond
	rec.ReceiveTime = 12300 * time.Millisecond
	for _, tt := range []struct {
		kind           Kind
		cip, xDuration string
	}{
		{Legacy, "0.0.0.0", "42"},
		{Streaming, "0.0.0.0", "13"},
		{Rendering, "-", "42"},
	} {
		for _, dest := range []Destination{ToMediaServer, ToWebServer} {
			f := map[string]string{}
			for _, p := range rec.Fields(tt.kind, dest) {
				f[p.Name] = p.Value
			}
			if f["c-ip"] != tt.cip || f["x-duration"] != tt.xDuration {
				t.Errorf("%v to %d: c-ip %q x-duration %q, want %q %q", tt.kind, dest, f["c-ip"], f["x-duration"], tt.cip, tt.xDuration)
			}
		}
		p, err := ParseXML(rec.XML(tt.kind))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := p.Get("c-ip"); v != tt.cip || p.Summary[0] != tt.cip {
			t.Errorf("%v XML: c-ip %q, summary %q", tt.kind, v, p.Summary[0])
		}
	}
}

func TestRenderingXMLHas52SummaryFields(t *testing.T) {
	rec := streamingExample()
	p, err := ParseXML(rec.XML(Rendering))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Summary) != 52 {
		t.Errorf("rendering summary has %d fields, want 52", len(p.Summary))
	}
	if v, _ := p.Get("protocol"); v != "Cache" {
		t.Errorf("protocol %q, want Cache (MS-WMLOG 2.7.1)", v)
	}
	for _, n := range []string{"c-pkts-received", "avgbandwidth", "c-buffercount", "transport"} {
		if v, _ := p.Get(n); v != "-" {
			t.Errorf("%s = %q, want - in a rendering log", n, v)
		}
	}
}

func TestWebServerLog(t *testing.T) {
	rec := legacyExample()
	rec.ServerIP = "172.29.237.102"
	b := rec.WebServer(Legacy)
	if !strings.HasPrefix(string(b), "MX_STATS_LogLine: \t") {
		t.Fatalf("prefix: %q", b[:20])
	}
	f, ok := IsWebLog(b)
	if !ok || len(f) != 47 {
		t.Fatalf("IsWebLog: %v %d", ok, len(f))
	}
	if f[40] != "172.29.237.102" {
		t.Errorf("s-ip %q, want the server address in a web-server log (2.5.4)", f[40])
	}
	if w := rec.W3C(Legacy, ToMediaServer); strings.Fields(w)[40] != "-" {
		t.Errorf("s-ip to a media server must be -")
	}
}

func TestQuality(t *testing.T) {
	tests := []struct {
		rec  Record
		want int
	}{
		{Record{}, 100},
		{Record{PacketsReceived: 100}, 100},
		{Record{PacketsReceived: 89, PacketsLostNet: 11}, 89},
		{Record{PacketsReceived: 999, PacketsLostNet: 1}, 99},
		{Record{PacketsReceived: 90, PacketsLostNet: 10, PacketsRecoveredECC: 10}, 100},
		{Record{PacketsReceived: 0, PacketsLostNet: 5}, 0},
	}
	for _, tt := range tests {
		if got := tt.rec.Quality(); got != tt.want {
			t.Errorf("%+v: quality %d, want %d", tt.rec, got, tt.want)
		}
	}
}

func TestValueSanitising(t *testing.T) {
	tests := map[string]string{
		"":              "-",
		"MPEG Layer-3":  "MPEG_Layer-3",
		"a\tb\r\nc":     "a_b__c",
		"caf\xe9":       "caf_",
		"München Radio": "München_Radio",
	}
	for in, want := range tests {
		if got := Value(in); got != want {
			t.Errorf("Value(%q) = %q, want %q", in, got, want)
		}
	}
	if got := urlValue("http://h/a b?x=ü"); got != "http://h/a%20b?x=%C3%BC" {
		t.Errorf("urlValue: %q", got)
	}
	if got := stem("http://h/a?b"); got != "http://h/a" {
		t.Errorf("stem: %q", got)
	}
	if got := rateValue(-5); got != "-5" {
		t.Errorf("rate -5: %q", got)
	}
	if got := rateValue(0.5); got != "1" {
		t.Errorf("rate 0.5: %q", got)
	}
	if got := count(1 << 40); got != "4294967295" {
		t.Errorf("count clamp: %q", got)
	}
}

func TestVersion(t *testing.T) {
	tests := map[string]string{
		"6.18.44-fc-v657": "6.18.44.0",
		"v0.3":            "0.3",
		"1":               "1.0",
		"12.0.7724.0":     "12.0.7724.0",
		"1.2.3.4.5":       "1.2.3.4",
		"devel":           "0.0",
		"":                "0.0",
		"123.456.12345.1": "23.56.2345.1",
	}
	for in, want := range tests {
		if got := Version(in); got != want {
			t.Errorf("Version(%q) = %q, want %q", in, got, want)
		}
	}
	h := DefaultHost("0.1")
	if h.Exe == "" || h.OS == "" || h.CPU == "" || h.ExeVersion != "0.1" {
		t.Errorf("DefaultHost: %+v", h)
	}
}

func TestConnectTime(t *testing.T) {
	b := ConnectTime(time.Date(2006, 8, 30, 13, 18, 44, 0, time.UTC),
		Host{OS: "Windows", OSVersion: "6.0.0.6000", CPU: "Pentium"}, "TCP")
	p, err := ParseXML(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{"c-dns", "-"}, {"c-ip", "0.0.0.0"}, {"c-os", "Windows"},
		{"c-osversion", "6.0.0.6000"}, {"date", "2006-08-30"}, {"time", "13:18:44"},
		{"c-cpu", "Pentium"}, {"transport", "TCP"}}
	if len(p.Elements) != len(want) || len(p.Summary) != 0 {
		t.Fatalf("elements %v", p.Elements)
	}
	for i := range want {
		if p.Elements[i] != want[i] {
			t.Errorf("element %d: %v want %v (MS-WMLOG 3.5)", i, p.Elements[i], want[i])
		}
	}
}

var parseXMLCases = []struct {
	name string
	in   string
	ok   bool
}{
	{"minimal", "<XML><Summary>a b</Summary><c-ip>0.0.0.0</c-ip></XML>", true},
	{"no summary", "<XML><c-ip>0.0.0.0</c-ip></XML>", false},
	{"wrong root", "<Log><Summary/></Log>", false},
	{"unclosed", "<XML><Summary>a</Summary>", false},
	{"too deep", "<XML><Summary/><a><b><c>x</c></b></a></XML>", false},
	{"element in summary", "<XML><Summary><x/></Summary></XML>", false},
	{"two roots", "<XML><Summary/></XML><XML><Summary/></XML>", false},
	{"block", "<XML><Summary/><V><f>1</f></V></XML>", true},
}

func TestParseXML(t *testing.T) {
	for _, tt := range parseXMLCases {
		_, err := ParseXML([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error %v is not ErrMalformed", tt.name, err)
		}
	}
}

func FuzzParseXML(f *testing.F) {
	for _, tt := range parseXMLCases {
		f.Add([]byte(tt.in))
	}
	spec, err := os.ReadFile("testdata/legacy_example.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(spec)
	rec := legacyExample()
	f.Add(rec.XML(Rendering))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseXML(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not ErrMalformed: %v", err)
			}
			return
		}
		if n := len(p.Elements) + len(p.ContentDescription); n > MaxElements {
			t.Fatalf("%d elements past the limit", n)
		}
		for _, e := range p.Elements {
			if _, ok := p.Get(e.Name); !ok {
				t.Fatalf("Get(%q) misses a parsed element", e.Name)
			}
		}
	})
}
