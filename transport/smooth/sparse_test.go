package smooth

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sparsePointerCases are Sparse Stream Pointers (MS-SSTR 2.2.5) in
// header values as a server may send them, and what they point at.
var sparsePointerCases = []struct {
	in   string
	want []sparsePointer // nil: no pointer
}{
	// IIS: the pointer in Content-Type after the media type (3.1.3 <3>).
	{`video/mp4;ChildTrack="ad=1234567890"`, []sparsePointer{{"ad", 1234567890}}},
	// No HeaderData (the *1 of the ABNF).
	{`ChildTrack="captions=0"`, []sparsePointer{{"captions", 0}}},
	// Sets separated by ';' inside the quotes, fragments by ','.
	{`video/mp4;ChildTrack="ad=1,cc=2;cc2=3"`, []sparsePointer{{"ad", 1}, {"cc", 2}, {"cc2", 3}}},
	// Spaces around delimiters and the parameter name in any case.
	{`video/mp4 ; childtrack="ad = 18446744073709551615 , cc=7"`, []sparsePointer{{"ad", 18446744073709551615}, {"cc", 7}}},
	{`video/mp4`, nil},
	{``, nil},
	{`video/mp4;ChildTrack=`, nil},
	{`video/mp4;ChildTrack=""`, nil},
	{`video/mp4;ChildTrack="ad=1`, nil},                     // no closing quote
	{`video/mp4;ChildTrack=ad=1`, nil},                      // not quoted
	{`video/mp4;ChildTrack="ad"`, nil},                      // no timestamp
	{`video/mp4;ChildTrack="=5"`, nil},                      // no name
	{`video/mp4;ChildTrack="ad=-1"`, nil},                   // not a STRING-UINT64
	{`video/mp4;ChildTrack="ad=18446744073709551616"`, nil}, // past uint64
	{`video/mp4;ChildTrack="ad=0x10"`, nil},
	{`video/mp4;ChildTrack="ad=1,,cc=2"`, nil},
}

func TestParseSparsePointer(t *testing.T) {
	for _, c := range sparsePointerCases {
		got, ok := parseSparsePointer(c.in)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("%q: %v %v, want %v", c.in, got, ok, c.want)
		}
	}
	// A hostile header listing thousands: at most maxPointers read.
	var b strings.Builder
	b.WriteString(`ChildTrack="`)
	for i := range 10000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("s" + strconv.Itoa(i) + "=1")
	}
	b.WriteString(`"`)
	if got, ok := parseSparsePointer(b.String()); !ok || len(got) != maxPointers {
		t.Errorf("10000 entries: %d read, ok %v; want %d", len(got), ok, maxPointers)
	}
}

func FuzzParseSparsePointer(f *testing.F) {
	for _, c := range sparsePointerCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ps, ok := parseSparsePointer(in)
		if ok != (len(ps) > 0) || len(ps) > maxPointers {
			t.Fatalf("%q: %d pointers, ok %v", in, len(ps), ok)
		}
		for _, p := range ps {
			if p.Name == "" || strings.ContainsAny(p.Name, `,;="`) {
				t.Fatalf("%q: name %q", in, p.Name)
			}
		}
	})
}
