package playlist

import (
	"errors"
	"net/url"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// entry is an Entry with CLIENTSKIP's default (YES).
func entry(e Entry) *Entry {
	e.ClientSkip = true
	return &e
}

// noSkip is an Entry with CLIENTSKIP="NO".
func noSkip(e Entry) *Entry { return &e }

func refs(urls ...string) []Ref {
	var out []Ref
	for _, u := range urls {
		out = append(out, Ref{URL: u})
	}
	return out
}

// TestParseSamples reads the testdata metafiles, written from the ASX
// reference's element table and the quirks of sstr-asf digest 3.1, into
// the whole model.
func TestParseSamples(t *testing.T) {
	cases := []struct {
		file, base string
		want       *Playlist
	}{
		{"show.asx", "http://radio.example.com/shows/evening.asx", &Playlist{
			Kind: KindASX, URL: "http://radio.example.com/shows/evening.asx", Version: "3.0",
			Title: "Evening Show", Author: "Eddy Radio", Copyright: "(c) 2026 Eddy Radio", Abstract: "Three hours of music",
			MoreInfo: "http://radio.example.com/show",
			Banner:   &Banner{Href: "http://radio.example.com/banner.png", Abstract: "Our banner", MoreInfo: "http://radio.example.com/about"},
			Base:     "http://radio.example.com/flip/",
			Params:   []Param{{"Genre", "Jazz"}, {"Station", "Eddy"}},
			LogURLs:  []string{"http://logs.example.com/wmlog"},
			Items: []Item{
				noSkip(Entry{Title: "Station ID", Refs: refs("http://radio.example.com/shows/ident.wma"), Duration: 5 * time.Second, HasDuration: true}),
				entry(Entry{Title: "Song One", Author: "The Band", Params: []Param{{"Genre", "Swing"}},
					Start: 61500 * time.Millisecond, HasStart: true, Duration: 30 * time.Second, HasDuration: true,
					StartMarker: &Marker{Name: "Chorus"}, EndMarker: &Marker{Number: 3},
					Refs: []Ref{{URL: "mms://media.example.com/one.wma", Duration: 10250 * time.Millisecond, HasDuration: true}, {URL: "http://radio.example.com/backup/one.wma"}}}),
				&Repeat{Count: 2, Items: []Item{entry(Entry{SkipIfRef: true, Refs: refs("mms://media.example.com/two.wma")})}},
				&EntryRef{Href: "http://radio.example.com/shows/more.asx"},
			},
			Events: []Event{{Name: "Ad", WhenDone: Resume, Items: []Item{entry(Entry{Title: "Advert", Refs: refs("mms://ads.example.com/ad.wma")})}}},
		}},
		{"station.asx", "http://www.example.com/rtl2.asx", &Playlist{
			Kind: KindASX, URL: "http://www.example.com/rtl2.asx", Version: "3.0",
			Title: "RTL2", Author: "RTL & Friends",
			Items: []Item{entry(Entry{Title: "Live", Refs: refs(
				"mms://live.example.com/rtl2?user=1&fmt=wma",
				"http://mirror.example.com/rtl2.asf",
				"rtsp://live.example.com/rtl2")})},
		}},
		{"repaired.asx", "http://a.example.com/list.asx", &Playlist{
			Kind: KindASX, URL: "http://a.example.com/list.asx", Version: "3",
			Items: []Item{
				noSkip(Entry{Title: "First © été & co", Refs: refs("http://a.example.com/1.asf", "http://a.example.com/2.asf?a=1&b=2")}),
				entry(Entry{Title: "Third", Refs: refs("http://a.example.com/3.asf")}),
				entry(Entry{Refs: refs("http://a.example.com/4.asf")}),
				&Repeat{Count: -1, Items: []Item{entry(Entry{Refs: refs("http://a.example.com/5.asf")})}},
			},
		}},
		{"reference.asx", "http://wms.example.com/live.asx", &Playlist{
			Kind: KindReference, URL: "http://wms.example.com/live.asx",
			Items: []Item{entry(Entry{Refs: refs("mmsh://wms.example.com/live?MSWMExt=.asf", "mmsh://wms.example.com:8080/live?MSWMExt=.asf")})},
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got, err := Parse(readSample(t, c.file), mustURL(t, c.base))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got\n%s\nwant\n%s", dump(got), dump(c.want))
			}
		})
	}
}

// dump prints a playlist for a failure message.
func dump(pl *Playlist) string {
	var b strings.Builder
	b.WriteString(string(pl.MarshalASX()))
	for _, w := range pl.Warnings {
		b.WriteString("warning: " + w + "\n")
	}
	return b.String()
}

// TestParseQuirks: each non-XML quirk of real metafiles (sstr-asf digest
// 3.1) on its own, with the REF URLs it must yield.
func TestParseQuirks(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string // the first entry's REFs
		title    string   // the first entry's title, when checked
	}{
		{"lower case", `<asx version="3.0"><entry><ref href="http://h/a"/></entry></asx>`, []string{"http://h/a"}, ""},
		{"mixed case names", `<AsX VeRsIoN="3.0"><EnTrY><rEf HrEf="http://h/a"/></eNtRy></aSx>`, []string{"http://h/a"}, ""},
		{"unquoted", `<ASX VERSION=3.0><ENTRY><REF HREF=http://h/a?x=1/></ENTRY></ASX>`, []string{"http://h/a?x=1"}, ""},
		{"single quotes", `<ASX VERSION='3.0'><ENTRY><REF HREF='http://h/a"b'/></ENTRY></ASX>`, []string{"http://h/a%22b"}, ""},
		{"stray ampersand", `<ASX VERSION="3.0"><ENTRY><REF HREF="http://h/a?x=1&y=2&amp;z=3"/><TITLE>Tom & Jerry &foo;</TITLE></ENTRY></ASX>`, []string{"http://h/a?x=1&y=2&z=3"}, "Tom & Jerry &foo;"},
		{"refs never closed", `<ASX VERSION="3.0"><ENTRY><REF HREF="http://h/a"><REF HREF="http://h/b"></ENTRY></ASX>`, []string{"http://h/a", "http://h/b"}, ""},
		{"nothing closed", `<ASX VERSION="3.0"><ENTRY><TITLE>T<REF HREF="http://h/a">`, []string{"http://h/a"}, "T"},
		{"mis-nested closes", `<ASX VERSION="3.0"><ENTRY><TITLE>T</ENTRY></TITLE><REF HREF="http://h/a"/></ASX>`, nil, ""},
		{"mis-nested title", `<ASX VERSION="3.0"><ENTRY><TITLE>T<REF HREF="http://h/a"></TITLE></ENTRY></ASX>`, []string{"http://h/a"}, "T"},
		{"BOM and white space", "\xef\xbb\xbf \r\n\t<ASX VERSION=\"3.0\"><ENTRY><REF HREF=\"http://h/a\"/></ENTRY></ASX>", []string{"http://h/a"}, ""},
		{"leading junk", "HTTP/1.0 200 OK\r\n\r\n<html>junk</html> <ASX VERSION=\"3.0\"><ENTRY><REF HREF=\"http://h/a\"/></ENTRY></ASX>", []string{"http://h/a"}, ""},
		{"xml prolog", `<?xml version="1.0"?><ASX VERSION="3.0"><ENTRY><REF HREF="http://h/a"/></ENTRY></ASX>`, []string{"http://h/a"}, ""},
		{"comments", `<ASX VERSION="3.0"><!-- <ENTRY><REF HREF="http://h/x"/></ENTRY> --><ENTRY><!--x--><REF HREF="http://h/a"/></ENTRY></ASX>`, []string{"http://h/a"}, ""},
		{"cdata title", `<ASX VERSION="3.0"><ENTRY><TITLE><![CDATA[a <b> & c]]></TITLE><REF HREF="http://h/a"/></ENTRY></ASX>`, []string{"http://h/a"}, "a <b> & c"},
		{"white space in attributes", "<ASX VERSION = \"3.0\" ><ENTRY\n><REF\n\tHREF\n=\n\"http://h/a\"\n/></ENTRY></ASX>", []string{"http://h/a"}, ""},
		{"relative ref", `<ASX VERSION="3.0"><ENTRY><REF HREF="../media/a.wma"/></ENTRY></ASX>`, []string{"http://base.example.com/media/a.wma"}, ""},
		{"base element is not the refs' base", `<ASX VERSION="3.0"><BASE HREF="http://other.example.com/"/><ENTRY><BASE HREF="http://x/"/><REF HREF="a.wma"/></ENTRY></ASX>`, []string{"http://base.example.com/lists/a.wma"}, ""},
		{"space in href", `<ASX VERSION="3.0"><ENTRY><REF HREF=" http://h/my song.wma "/></ENTRY></ASX>`, []string{"http://h/my%20song.wma"}, ""},
		{"entities in href", `<ASX VERSION="3.0"><ENTRY><REF HREF="http://h/a?x=1&amp;y=&#50;"/></ENTRY></ASX>`, []string{"http://h/a?x=1&y=2"}, ""},
		{"a < in text", `<ASX VERSION="3.0"><ENTRY><TITLE>1 < 2</TITLE><REF HREF="http://h/a"/></ENTRY></ASX>`, []string{"http://h/a"}, "1 < 2"},
		{"quote never closed", `<ASX VERSION="3.0"><ENTRY><TITLE x="y>T</TITLE><REF HREF="http://h/a"/></ENTRY></ASX>`, []string{"http://h/a"}, ""},
		{"REF outside ENTRY ignored", `<ASX VERSION="3.0"><REF HREF="http://h/x"/><ENTRY><REF HREF="http://h/a"/></ENTRY></ASX>`, []string{"http://h/a"}, ""},
	}
	base := mustURL(t, "http://base.example.com/lists/pl.asx")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pl, err := Parse([]byte(c.in), base)
			if c.want == nil {
				if !errors.Is(err, ErrEmpty) {
					t.Fatalf("err = %v, want ErrEmpty", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e, ok := pl.Items[0].(*Entry)
			if !ok {
				t.Fatalf("first item %T", pl.Items[0])
			}
			var got []string
			for _, r := range e.Refs {
				got = append(got, r.URL)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("refs %q, want %q", got, c.want)
			}
			if c.title != "" && e.Title != c.title {
				t.Errorf("title %q, want %q", e.Title, c.title)
			}
		})
	}
}

// TestParseAttributes: CLIENTSKIP, SKIPIFREF, REPEAT COUNT, EVENT
// WHENDONE and PREVIEWMODE, with their defaults and bad values.
func TestParseAttributes(t *testing.T) {
	const ref = `<REF HREF="http://h/a"/>`
	pl, err := Parse([]byte(`<ASX VERSION="3.0" previewmode=yes>
		<ENTRY>`+ref+`</ENTRY>
		<ENTRY CLIENTSKIP="no" SKIPIFREF="yes">`+ref+`</ENTRY>
		<ENTRY CLIENTSKIP="maybe">`+ref+`</ENTRY>
		<REPEAT>`+"<ENTRY>"+ref+`</ENTRY></REPEAT>
		<REPEAT COUNT="0"><ENTRY>`+ref+`</ENTRY></REPEAT>
		<REPEAT COUNT="3"><ENTRY>`+ref+`</ENTRY></REPEAT>
		<REPEAT COUNT="-2"><ENTRY>`+ref+`</ENTRY></REPEAT>
		<REPEAT COUNT="99999999999999999999"><ENTRY>`+ref+`</ENTRY></REPEAT>
		<EVENT NAME="a" WHENDONE="next"></EVENT>
		<EVENT NAME="b" WHENDONE="BREAK"></EVENT>
		<EVENT NAME="c" WHENDONE="later"></EVENT>
		<EVENT WHENDONE="NEXT"></EVENT>
	</ASX>`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !pl.PreviewMode {
		t.Error("PREVIEWMODE=yes not read")
	}
	e := func(i int) *Entry { return pl.Items[i].(*Entry) }
	if !e(0).ClientSkip || e(0).SkipIfRef {
		t.Errorf("defaults: %+v", e(0))
	}
	if e(1).ClientSkip || !e(1).SkipIfRef {
		t.Errorf("NO/YES: %+v", e(1))
	}
	if !e(2).ClientSkip {
		t.Errorf("a bad CLIENTSKIP must keep the default YES")
	}
	var counts, plays []int
	for _, it := range pl.Items[3:] {
		r := it.(*Repeat)
		counts = append(counts, r.Count)
		plays = append(plays, r.Plays())
	}
	if want := []int{-1, 0, 3, 1, 1<<31 - 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("COUNT %v, want %v", counts, want)
	}
	if want := []int{-1, 1, 3, 1, 1<<31 - 1}; !reflect.DeepEqual(plays, want) {
		t.Errorf("Plays %v, want %v", plays, want)
	}
	var events []string
	for _, ev := range pl.Events {
		events = append(events, ev.Name+"="+ev.WhenDone.String())
	}
	if want := []string{"a=NEXT", "b=BREAK", "c=RESUME"}; !reflect.DeepEqual(events, want) {
		t.Errorf("events %v, want %v", events, want)
	}
	if len(pl.Warnings) != 4 {
		t.Errorf("warnings %q: want CLIENTSKIP, COUNT, WHENDONE and the nameless EVENT", pl.Warnings)
	}
}

func TestParseClock(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30", 30 * time.Second, true},
		{"00:00:30", 30 * time.Second, true},
		{"1:01.5", 61500 * time.Millisecond, true},
		{"01:00:00", time.Hour, true},
		{"2:03:04.005", 2*time.Hour + 3*time.Minute + 4*time.Second + 5*time.Millisecond, true},
		{" 90 ", 90 * time.Second, true},
		{"0.123456789123", 123456789, true},
		{"100:00:00", 100 * time.Hour, true},
		{"2562047:47:16.854775807", time.Duration(1<<63 - 1), true},
		{"2562047:47:16.854775808", 0, false},
		{"9999999999:00:00", 0, false},
		{"5124096:00:00", 0, false}, // wraps to 25 minutes without the overflow check
		{"999999999999999999999", 0, false},
		{"1:60", 0, false},
		{"1:60:00", 0, false},
		{"1:2:3:4", 0, false},
		{"", 0, false},
		{"1:", 0, false},
		{":1", 0, false},
		{"1.", 0, false},
		{".5", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1e3", 0, false},
		{"1.5:00", 0, false},
		{"1.2.3", 0, false},
		{"１", 0, false},
	}
	for _, c := range cases {
		got, err := ParseClock(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
		if c.ok {
			if back, err := ParseClock(FormatClock(got)); err != nil || back != got {
				t.Errorf("FormatClock(%v) = %q reads back as %v, %v", got, FormatClock(got), back, err)
			}
		}
	}
}

func TestParseReference(t *testing.T) {
	cases := []struct {
		name, in, base string
		want           []string
		err            error
	}{
		{"classic", "[Reference]\r\nRef1=http://a/b\r\nref2 = mms://c/d \r\nBAD\r\nRef3=\r\nOther=x\r\n", "http://s/x.asx", []string{"mmsh://a/b", "mms://c/d"}, nil},
		{"BOM, lower case", "\xef\xbb\xbf[reference]\nREF1=http://a/b?x=1=2\n", "http://s/", []string{"mmsh://a/b?x=1=2"}, nil},
		{"https stays", "[Reference]\nRef1=https://a/b\n", "http://s/", []string{"https://a/b"}, nil},
		{"relative", "[Reference]\nRef1=live.asf\n", "http://s/dir/r.asx", []string{"mmsh://s/dir/live.asf"}, nil},
		{"leading blank lines", "\r\n  [Reference]  \r\nRef1=mms://a/b", "http://s/", []string{"mms://a/b"}, nil},
		{"file from network", "[Reference]\nRef1=file:///etc/passwd\nRef2=FILE:/etc/passwd\nRef3=C:\\boot.ini\n", "http://s/", nil, ErrEmpty},
		{"absolute path from network is the server's", "[Reference]\nRef1=/live\n", "http://s/x/r.asx", []string{"mmsh://s/live"}, nil},
		{"no refs", "[Reference]\n", "http://s/", nil, ErrEmpty},
		{"UTF-16LE", utf16le("\ufeff[Reference]\r\nRef1=http://a/b\r\n"), "http://s/", []string{"mmsh://a/b"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pl, err := ParseReference([]byte(c.in), mustURL(t, c.base))
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pl.Kind != KindReference || len(pl.Items) != 1 {
				t.Fatalf("kind %v, %d items", pl.Kind, len(pl.Items))
			}
			var got []string
			for _, r := range pl.Items[0].(*Entry).Refs {
				got = append(got, r.URL)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("refs %q, want %q", got, c.want)
			}
			// Parse tells the kind by itself.
			if pl2, err := Parse([]byte(c.in), mustURL(t, c.base)); err != nil || !reflect.DeepEqual(pl2, pl) {
				t.Errorf("Parse differs: %v", err)
			}
		})
	}
}

// utf16le encodes s as UTF-16LE by hand (s is BMP-only).
func utf16le(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

func utf16be(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return string(b)
}

// TestEncodings: UTF-16 with and without a BOM, Windows-1252 when the
// bytes are not UTF-8, and <?xml encoding=?> (sstr-asf digest 3.1).
func TestEncodings(t *testing.T) {
	const doc = `<ASX VERSION="3.0"><ENTRY><TITLE>Café “Noël” – €5</TITLE><REF HREF="http://h/a"/></ENTRY></ASX>`
	const want = "Café “Noël” – €5"
	// The same title in Windows-1252: é=E9, “=93, ë=EB, ”=94, –=96, €=80.
	const cp1252 = "<ASX VERSION=\"3.0\"><ENTRY><TITLE>Caf\xe9 \x93No\xebl\x94 \x96 \x805</TITLE><REF HREF=\"http://h/a\"/></ENTRY></ASX>"
	cases := []struct{ name, in string }{
		{"UTF-8", doc},
		{"UTF-8 BOM", "\xef\xbb\xbf" + doc},
		{"UTF-16LE BOM", utf16le("\ufeff" + doc)},
		{"UTF-16BE BOM", utf16be("\ufeff" + doc)},
		{"UTF-16LE no BOM", utf16le(doc)},
		{"UTF-16BE no BOM", utf16be(doc)},
		{"UTF-16LE with prolog", utf16le(`<?xml version="1.0" encoding="UTF-16"?>` + doc)},
		{"Windows-1252 undeclared", cp1252},
		{"Windows-1252 declared", `<?xml version="1.0" encoding="windows-1252"?>` + cp1252},
		{"ISO-8859-1 declared", `<?xml version='1.0' encoding='ISO-8859-1'?>` + cp1252},
		{"UTF-8 declared but not", `<?xml version="1.0" encoding="utf-8"?>` + cp1252},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pl, err := Parse([]byte(c.in), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := pl.Items[0].(*Entry).Title; got != want {
				t.Errorf("title %q, want %q", got, want)
			}
		})
	}
	// A declaration naming UTF-8 where the bytes are Windows-1252 warns.
	pl, _ := Parse([]byte(`<?xml version="1.0" encoding="utf-8"?>`+cp1252), nil)
	if len(pl.Warnings) == 0 {
		t.Error("no warning for the wrong declaration")
	}
	// An unknown declared encoding: read as UTF-8 with a warning.
	pl, err := Parse([]byte(`<?xml version="1.0" encoding="klingon"?>`+doc), nil)
	if err != nil || pl.Items[0].(*Entry).Title != want || len(pl.Warnings) != 1 {
		t.Errorf("klingon: %v %+v", err, pl)
	}
}

func TestSniff(t *testing.T) {
	asfHead := "\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c rest of an ASF header"
	cases := []struct {
		name, file, ctype, head string
		want                    Kind
	}{
		{"asx content", "x", "", `<ASX version="3.0">`, KindASX},
		{"lower case", "x", "", `<asx version="3">`, KindASX},
		{"BOM", "x", "", "\xef\xbb\xbf<Asx>", KindASX},
		{"white space", "x", "", "\r\n  \t<ASX>", KindASX},
		{"prolog", "x", "", `<?xml version="1.0"?>` + "\n<asx version='3.0'>", KindASX},
		{"junk", "x", "", "garbage & more\n<ASX VERSION=3>", KindASX},
		{"UTF-16LE", "x", "", utf16le("\ufeff<ASX>"), KindASX},
		{"UTF-16LE no BOM", "x", "", utf16le("<ASX VERSION=\"3.0\">"), KindASX},
		{"reference", "x", "", "[Reference]\r\nRef1=http://a/b", KindReference},
		{"reference BOM lower", "x", "", "\xef\xbb\xbf[reference]\n", KindReference},
		{"not asx: asxfoo", "x", "", "<asxfoo>", KindNone},
		{"html", "x.asx", "", "<html><body>hello</body></html>", KindNone},
		{"asf media named .asx", "song.asx", "video/x-ms-asf", asfHead, KindNone},
		{"asf media with <asx in its header", "song.wma", "", asfHead + "title <ASX VERSION=3>", KindNone},
		{"extension only", "http://h/list.ASX?x=1", "", "", KindASX},
		{"wax", "/music/a.wax", "", "", KindASX},
		{"wvx", "a.wvx", "", "", KindASX},
		{"wmx", "a.wmx", "", "", KindASX},
		{"wma", "a.wma", "", "", KindNone},
		{"mime wax", "x", "audio/x-ms-wax; charset=utf-8", "", KindASX},
		{"mime asf says nothing", "x", "video/x-ms-asf", "", KindNone},
		{"nothing", "", "", "", KindNone},
	}
	for _, c := range cases {
		if got := Sniff(c.file, c.ctype, []byte(c.head)); got != c.want {
			t.Errorf("%s: Sniff = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSecurity: a network playlist never yields a local file or a
// non-media scheme; a local one may name local files; credentials never
// appear in warnings.
func TestSecurity(t *testing.T) {
	doc := []byte(`<ASX VERSION="3.0">
		<LOGURL HREF="file:///tmp/log"/>
		<MOREINFO HREF="javascript:alert(1)"/>
		<BANNER HREF="file:///etc/banner.png"/>
		<ENTRY>
			<REF HREF="file:///etc/passwd"/>
			<REF HREF="C:\Windows\win.ini"/>
			<REF HREF="FILE://localhost/etc/shadow"/>
			<REF HREF="javascript:alert(1)"/>
			<REF HREF="cmd://run"/>
			<REF HREF="ftp://user:secret@h/x"/>
			<REF HREF="http://user:hunter2@h/ok.asf"/>
		</ENTRY>
		<ENTRYREF HREF="file:///home/user/list.asx"/>
		<ENTRYREF HREF="file:/home/user/list.asx"/>
	</ASX>`)
	for _, base := range []string{"http://user:pw@h/dir/pl.asx", "https://h/pl.asx", "mmsh://h/pl", "rtsp://h/pl"} {
		pl, err := Parse(doc, mustURL(t, base))
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if len(pl.Items) != 1 {
			t.Fatalf("%s: items %d (ENTRYREFs to local files kept?)", base, len(pl.Items))
		}
		e := pl.Items[0].(*Entry)
		if len(e.Refs) != 1 || e.Refs[0].URL != "http://user:hunter2@h/ok.asf" {
			t.Errorf("%s: refs %+v", base, e.Refs)
		}
		if pl.LogURLs != nil || pl.MoreInfo != "" || pl.Banner != nil {
			t.Errorf("%s: kept %q %q %+v", base, pl.LogURLs, pl.MoreInfo, pl.Banner)
		}
		for _, w := range pl.Warnings {
			if strings.Contains(w, "secret") || strings.Contains(w, "hunter2") || strings.Contains(w, ":pw@") {
				t.Errorf("%s: warning shows a password: %s", base, w)
			}
		}
	}
	// A local playlist may name local files, relative ones resolved
	// against its own location, and network URLs.
	pl, err := Parse([]byte(`<ASX VERSION="3.0"><ENTRY><REF HREF="a.wma"/><REF HREF="/m/b.wma"/><REF HREF="file:///m/c.wma"/><REF HREF="mms://h/d"/><REF HREF="javascript:x"/></ENTRY></ASX>`), mustURL(t, "file:///home/u/pl.asx"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range pl.Items[0].(*Entry).Refs {
		got = append(got, r.URL)
	}
	if want := []string{"file:///home/u/a.wma", "file:///m/b.wma", "file:///m/c.wma", "mms://h/d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("local refs %q, want %q", got, want)
	}
}

// TestLimits: size, entry count, nesting depth and huge attributes stay
// bounded and end in an error or warnings, never a panic.
func TestLimits(t *testing.T) {
	if _, err := Parse(make([]byte, MaxSize+1), nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over MaxSize: %v", err)
	}
	// 10^6 entries cannot fit in MaxSize; within it, the entries past
	// MaxEntries are dropped with a warning.
	big := "<ASX VERSION=3><ENTRY><REF HREF=http://h/a></ENTRY>" + strings.Repeat("<ENTRY><REF HREF=x>", 40000)
	pl, err := Parse([]byte(big), mustURL(t, "http://h/"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(Flatten(pl)); n != MaxEntries {
		t.Errorf("%d entries, want %d", n, MaxEntries)
	}
	if !strings.Contains(strings.Join(pl.Warnings, "\n"), "beyond the limit") {
		t.Errorf("no warning for the dropped entries: %q", pl.Warnings)
	}
	// Deep nesting: of unknown elements and of REPEATs. Elements deeper
	// than maxDepth are not kept open, so the parse allocates little more
	// than the text (100,000 open frames would take megabytes).
	for _, open := range []string{"<X>", "<REPEAT>"} {
		deep := []byte("<ASX VERSION=3>" + strings.Repeat(open, 100000) + "<ENTRY><REF HREF=http://h/a></ENTRY>")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		pl, err := Parse(deep, nil)
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 3*uint64(len(deep)) {
			t.Errorf("%s×100000: %d bytes allocated for %d of input", open, n, len(deep))
		}
		if open == "<X>" && (err != nil || len(pl.Items) != 1) {
			t.Errorf("deep unknown elements: %v", err)
		}
		if open == "<REPEAT>" && !errors.Is(err, ErrEmpty) {
			t.Errorf("deep REPEATs: %v", err)
		}
	}
	// ENTRYREFs and REPEATs count against MaxEntries too.
	refsDoc := "<ASX VERSION=3>" + strings.Repeat("<ENTRYREF HREF=x>", 3000) + strings.Repeat("<REPEAT COUNT=1><ENTRY><REF HREF=y></REPEAT>", 3000)
	pl, err = Parse([]byte(refsDoc), mustURL(t, "http://h/"))
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, pl)
	// A huge attribute and a huge title.
	huge := "<ASX VERSION=3><ENTRY><TITLE>" + strings.Repeat("t", 500000) + "</TITLE><REF HREF=\"http://h/" + strings.Repeat("a", 400000) + "\"></ENTRY></ASX>"
	pl, err = Parse([]byte(huge), nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := pl.Items[0].(*Entry); len(e.Title) != maxText || len(e.Refs[0].URL) != 400009 {
		t.Errorf("title %d bytes, ref %d bytes", len(e.Title), len(e.Refs[0].URL))
	}
	// Many REFs, PARAMs, warnings.
	many := "<ASX VERSION=3><ENTRY>" + strings.Repeat("<REF HREF=http://h/a>", 1000) + strings.Repeat("<PARAM NAME=a VALUE=b>", 1000) + strings.Repeat("<STARTTIME VALUE=x>", 1000) + "</ENTRY></ASX>"
	pl, err = Parse([]byte(many), nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := pl.Items[0].(*Entry); len(e.Refs) != maxRefs || len(e.Params) != maxParams || len(pl.Warnings) != maxWarnings+1 {
		t.Errorf("refs %d params %d warnings %d", len(e.Refs), len(e.Params), len(pl.Warnings))
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, in string
		err      error
	}{
		{"empty", "", ErrNotPlaylist},
		{"html", "<html></html>", ErrNotPlaylist},
		{"no entries", `<ASX VERSION="3.0"><TITLE>x</TITLE></ASX>`, ErrEmpty},
		{"entry without ref", `<ASX VERSION="3.0"><ENTRY><TITLE>x</TITLE></ENTRY></ASX>`, ErrEmpty},
		{"empty repeat", `<ASX VERSION="3.0"><REPEAT></REPEAT></ASX>`, ErrEmpty},
		{"asx tag text only", `<ASX`, ErrEmpty},
	}
	for _, c := range cases {
		if _, err := Parse([]byte(c.in), nil); !errors.Is(err, c.err) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.err)
		}
	}
}

// TestRoundTrip: MarshalASX writes what Parse reads back into the same
// model.
func TestRoundTrip(t *testing.T) {
	for _, f := range []string{"show.asx", "station.asx", "repaired.asx", "reference.asx"} {
		base := mustURL(t, "http://h.example.com/dir/pl.asx")
		pl, err := Parse(readSample(t, f), base)
		if err != nil {
			t.Fatal(err)
		}
		checkRoundTrip(t, pl, base)
	}
}

func checkRoundTrip(t testing.TB, pl *Playlist, base *url.URL) {
	t.Helper()
	out := pl.MarshalASX()
	back, err := Parse(out, base)
	if err != nil {
		t.Fatalf("reading back %q: %v", out, err)
	}
	want := *pl
	want.Kind, want.Version, want.Warnings = KindASX, "3.0", back.Warnings
	if !reflect.DeepEqual(back, &want) {
		t.Fatalf("round trip differs:\n%s\nwas\n%s", dump(back), dump(&want))
	}
}

var fuzzSeeds = []string{
	"show.asx", "station.asx", "repaired.asx", "reference.asx",
}

func FuzzParseASX(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(readSample(f, s))
	}
	f.Add([]byte(`<ASX VERSION=3><ENTRY><REF HREF="http://h/a"><DURATION VALUE="1:00"/></REF></ENTRY><REPEAT COUNT=2><ENTRY><REF HREF=b></REPEAT></ASX>`))
	f.Add([]byte(utf16le("\ufeff<asx><entry><ref href='x'></entry></asx>")))
	f.Add([]byte("<asx><entry><title>a &amp; &#x41; &bogus; <![CDATA[x]]> <!-- c --></title><ref href=\"y\" /></entry><event name=e whendone=next><entry><ref href=z></event></asx>"))
	base := mustURL(f, "http://h.example.com/dir/pl.asx")
	f.Fuzz(func(t *testing.T, b []byte) {
		pl, err := ParseASX(b, base)
		if err != nil {
			return
		}
		checkInvariants(t, pl)
		checkRoundTrip(t, pl, base)
		walkCursor(t, pl)
	})
}

// FuzzParseReference. testdata/fuzz/FuzzParseReference/3f95dab0531e0da4
// ("Ref0=http:") found a REF with a scheme and no host kept (and not
// rewritten to mmsh); such URLs are now dropped.
func FuzzParseReference(f *testing.F) {
	f.Add(readSample(f, "reference.asx"))
	f.Add([]byte("[Reference]\r\nRef1=http://a/b\r\nref2 = mms://c/d \r\nBAD\r\nRef3=\r\nOther=x\r\n"))
	f.Add([]byte("\xef\xbb\xbf[reference]\nref1=x\nRef2"))
	f.Add([]byte(utf16le("\ufeff[Reference]\r\nRef1=http://a/b\r\n")))
	base := mustURL(f, "http://h.example.com/dir/r.asx")
	f.Fuzz(func(t *testing.T, b []byte) {
		pl, err := ParseReference(b, base)
		if err != nil {
			return
		}
		checkInvariants(t, pl)
		for _, r := range pl.Items[0].(*Entry).Refs {
			if strings.HasPrefix(r.URL, "http:") {
				t.Fatalf("http ref not rewritten: %q", r.URL)
			}
		}
	})
}

// checkInvariants: what any parsed playlist from the network satisfies.
func checkInvariants(t *testing.T, pl *Playlist) {
	t.Helper()
	n := 0
	var walk func(items []Item)
	walk = func(items []Item) {
		for _, it := range items {
			switch it := it.(type) {
			case *Entry:
				n++
				if len(it.Refs) == 0 || len(it.Refs) > maxRefs {
					t.Fatalf("entry with %d refs", len(it.Refs))
				}
				for _, r := range it.Refs {
					u, err := url.Parse(r.URL)
					if err != nil || !mediaSchemes[u.Scheme] || u.Scheme == "file" {
						t.Fatalf("ref %q from the network", r.URL)
					}
				}
			case *EntryRef:
				n++
			case *Repeat:
				n++
				walk(it.Items)
			}
		}
	}
	walk(pl.Items)
	for _, ev := range pl.Events {
		walk(ev.Items)
	}
	if n > MaxEntries || len(pl.Warnings) > maxWarnings+1 {
		t.Fatalf("%d items, %d warnings", n, len(pl.Warnings))
	}
}
