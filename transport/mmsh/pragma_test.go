package mmsh

import (
	"errors"
	"reflect"
	"testing"
)

var pragmaCases = []struct {
	name  string
	lines []string
	want  []Token
}{
	{"bare", []string{"no-cache"}, []Token{{Name: "no-cache"}}},
	{"combined describe line (D4.1)",
		[]string{"no-cache,rate=1.000,stream-time=0,stream-offset=0:0,packet-num=4294967295,max-duration=0"},
		[]Token{{Name: "no-cache"}, {Name: "rate", Value: "1.000", HasValue: true},
			{Name: "stream-time", Value: "0", HasValue: true}, {Name: "stream-offset", Value: "0:0", HasValue: true},
			{Name: "packet-num", Value: "4294967295", HasValue: true}, {Name: "max-duration", Value: "0", HasValue: true}}},
	{"response with quoted features (D4.1)",
		[]string{`packet-pair-experiment=1, no-cache, pipeline-experiment=1, client-id=2676631236, xResetStrm=1, features="seekable, stridable", timeout=60000`},
		[]Token{{Name: "packet-pair-experiment", Value: "1", HasValue: true}, {Name: "no-cache"},
			{Name: "pipeline-experiment", Value: "1", HasValue: true}, {Name: "client-id", Value: "2676631236", HasValue: true},
			{Name: "xResetStrm", Value: "1", HasValue: true}, {Name: "features", Value: "seekable, stridable", HasValue: true, Quoted: true},
			{Name: "timeout", Value: "60000", HasValue: true}}},
	{"empty features (D4.5)", []string{`no-cache, client-id=2338761264, features="", timeout=60000`},
		[]Token{{Name: "no-cache"}, {Name: "client-id", Value: "2338761264", HasValue: true},
			{Name: "features", HasValue: true, Quoted: true}, {Name: "timeout", Value: "60000", HasValue: true}}},
	{"several lines", []string{"no-cache, timeout=60000", "client-id=4259367329"},
		[]Token{{Name: "no-cache"}, {Name: "timeout", Value: "60000", HasValue: true}, {Name: "client-id", Value: "4259367329", HasValue: true}}},
	{"stream-switch-entry takes the line", []string{"stream-switch-entry=ffff:1:0 ffff:2:2 ffff:4:2 ffff:5:0"},
		[]Token{{Name: "stream-switch-entry", Value: "ffff:1:0 ffff:2:2 ffff:4:2 ffff:5:0", HasValue: true}}},
	{"log-line with commas", []string{"log-line=a b,c d"}, []Token{{Name: "log-line", Value: "a b,c d", HasValue: true}}},
	{"version-url quoted (D4.17)", []string{`version-url="http://codecs.microsoft.com/isapi/mpupgrade.dll"`},
		[]Token{{Name: "version-url", Value: "http://codecs.microsoft.com/isapi/mpupgrade.dll", HasValue: true, Quoted: true}}},
	{"unterminated quote", []string{`features="seekable, x`}, []Token{{Name: "features", Value: "seekable, x", HasValue: true, Quoted: true}}},
	{"junk after quote", []string{`features="a"b, c=1`}, []Token{{Name: "features", Value: "a", HasValue: true, Quoted: true}, {Name: "c", Value: "1", HasValue: true}}},
	{"empty pieces", []string{" , ,a=1,,=2, "}, []Token{{Name: "a", Value: "1", HasValue: true}}},
	{"spaces after commas (D4.13)", []string{"no-cache, pl-offset=1, rate=1.000"},
		[]Token{{Name: "no-cache"}, {Name: "pl-offset", Value: "1", HasValue: true}, {Name: "rate", Value: "1.000", HasValue: true}}},
}

func TestParsePragma(t *testing.T) {
	for _, tt := range pragmaCases {
		t.Run(tt.name, func(t *testing.T) {
			got := ParsePragma(tt.lines...)
			if !reflect.DeepEqual([]Token(got), tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestPragmaAccessors(t *testing.T) {
	p := ParsePragma(`no-cache, Client-ID=12, timeout=abc, features="seekable,Stridable"`, "client-id=4294967295, xResetStrm=1")
	if v, ok, err := p.Uint32("client-id"); !ok || err != nil || v != 4294967295 {
		t.Errorf("client-id: %d %v %v (last occurrence wins, case-insensitive)", v, ok, err)
	}
	if _, ok, err := p.Uint32("timeout"); !ok || !errors.Is(err, ErrProtocol) {
		t.Errorf("timeout=abc: ok=%v err=%v", ok, err)
	}
	if _, ok, err := p.Uint32("missing"); ok || err != nil {
		t.Errorf("missing: %v %v", ok, err)
	}
	if !p.Flag("xresetstrm") || p.Flag("packet-pair-experiment") {
		t.Errorf("flags")
	}
	f := ParseFeatures(mustGet(t, p, "features"))
	if !f[FeatureSeekable] || !f[FeatureStridable] || f[FeatureBroadcast] {
		t.Errorf("features %v", f)
	}
	for _, bad := range []string{"-1", "4294967296", "12345678901", "", "1 2", "0x10"} {
		if _, err := parseDecimal32(bad); err == nil {
			t.Errorf("parseDecimal32(%q) accepted", bad)
		}
	}
}

func mustGet(t *testing.T, p Pragma, name string) string {
	t.Helper()
	v, ok := p.Get(name)
	if !ok {
		t.Fatalf("no %s", name)
	}
	return v
}

func TestParseServer(t *testing.T) {
	tests := []struct {
		in   string
		want ServerVersion
		ok   bool
	}{
		{"Cougar/9.5.6001.18281", ServerVersion{"Cougar", 9, 5}, true},
		{"Cougar/9.01.01.3814", ServerVersion{"Cougar", 9, 1}, true},
		{"Rex/9.0.0.2837", ServerVersion{"Rex", 9, 0}, true},
		{"Cougar 4.1.0.3921", ServerVersion{"Cougar", 4, 1}, true},
		{"Cougar/9.6.7100.0 extra", ServerVersion{"Cougar", 9, 6}, true},
		{"Apache/2.4", ServerVersion{}, false},
		{"Cougar", ServerVersion{}, false},
		{"Cougar/9", ServerVersion{}, false},
		{"Cougar/x.y", ServerVersion{}, false},
		{"", ServerVersion{}, false},
	}
	for _, tt := range tests {
		got, err := ParseServer(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseServer(%q) = %v, %v", tt.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrNotWMSP) {
			t.Errorf("ParseServer(%q) error %v is not ErrNotWMSP", tt.in, err)
		}
	}
	v := ServerVersion{"Cougar", 9, 5}
	if !v.AtLeast(9, 0) || !v.AtLeast(5, 0) || v.AtLeast(9, 6) || v.AtLeast(10, 0) || !v.IsCougar() {
		t.Errorf("AtLeast/IsCougar")
	}
}

func TestParseSupported(t *testing.T) {
	m := ParseSupported([]string{"com.microsoft.wm.srvppair, com.microsoft.wm.sswitch", "COM.microsoft.wm.fastcache"})
	if !m[SupportSrvPPair] || !m[SupportSSwitch] || !m[SupportFastCache] || m[SupportPredStrm] {
		t.Errorf("%v", m)
	}
}

// FuzzParsePragma checks that whatever parses re-renders (Lines) and
// re-parses to the same tokens. Regression seeds in testdata/fuzz:
// b87a9755c7b9cf77 pins a value starting with a vertical tab before a quote
// (the value start now skips all white space, like the trimming does).
func FuzzParsePragma(f *testing.F) {
	for _, tt := range pragmaCases {
		for _, l := range tt.lines {
			f.Add(l)
		}
	}
	f.Fuzz(func(t *testing.T, line string) {
		p := ParsePragma(line)
		if len(p) > MaxPragmaTokens {
			t.Fatalf("%d tokens", len(p))
		}
		// What parses re-renders and re-parses to the same names and
		// values (quoted where needed).
		q := ParsePragma(p.Lines()...)
		if len(q) != len(p) {
			t.Fatalf("round trip %q -> %q: %d tokens, want %d", line, p.Lines(), len(q), len(p))
		}
		byName := func(pr Pragma) map[string]string {
			m := map[string]string{}
			for _, tk := range pr {
				m[tk.Name+"\x00"+tk.Value] = tk.Name
			}
			return m
		}
		if !reflect.DeepEqual(byName(p), byName(q)) {
			t.Fatalf("round trip %q -> %q: %#v != %#v", line, p.Lines(), q, p)
		}
	})
}
