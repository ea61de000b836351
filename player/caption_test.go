package player

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCaptionText(t *testing.T) {
	for in, want := range map[string]string{
		"  plain text \n":        "plain text",
		"\xef\xbb\xbfwith a BOM": "with a BOM",
		`<tt><body><p>one</p><p>two <b>bold</b></p></body></tt>`: "one\ntwo bold",
		`<tt><p>a<br/>b</p>`: "a\nb", // unclosed
		`<tt><head><title>no</title></head><p>yes</p></tt>`: "yes",
		"<<<>>>": "",
	} {
		if got := captionText([]byte(in)); got != want {
			t.Errorf("captionText(%q) = %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{strings.Repeat("é", 2000), strings.Repeat("a\xff", 600)} {
		// A run of invalid bytes becomes U+FFFD, three bytes: the 1024
		// bytes of 512 "a\xff" would be 2048.
		long := captionText([]byte(in))
		if len(long) > maxCaption || len(long) < maxCaption-3 || !utf8.ValidString(long) {
			t.Errorf("a long caption (%.12q…): %d bytes, valid %v", in, len(long), utf8.ValidString(long))
		}
	}
}

func FuzzCaptionText(f *testing.F) {
	for _, s := range []string{"plain", "<tt><p>a<br/>b</p></tt>", "\xff\xfe<p>x", "<p>" + strings.Repeat("<p>", 100)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := captionText(b)
		if len(s) > maxCaption || !utf8.ValidString(s) {
			t.Fatalf("%d bytes, valid %v", len(s), utf8.ValidString(s))
		}
	})
}
