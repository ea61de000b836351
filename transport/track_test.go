package transport

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// utf16z is s as UTF-16LE followed by a null character, the form of each
// string of a script command sample.
func utf16z(s string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = append(b, byte(c), byte(c>>8))
	}
	return append(b, 0, 0)
}

func TestParseScriptSample(t *testing.T) {
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	cases := []struct {
		name     string
		data     []byte
		typ, cmd string
		ok       bool
	}{
		{"url", cat(utf16z("URL"), utf16z("http://example.com/")), "URL", "http://example.com/", true},
		{"caption", cat(utf16z("CAPTION"), utf16z("Grüße — 字幕")), "CAPTION", "Grüße — 字幕", true},
		{"empty command", cat(utf16z("EVENT"), utf16z("")), "EVENT", "", true},
		// A command whose null character is missing still counts.
		{"unterminated command", cat(utf16z("TEXT"), []byte{'h', 0, 'i', 0}), "TEXT", "hi", true},
		// An odd last byte is no character.
		{"odd length", cat(utf16z("TEXT"), utf16z("x"), []byte{0x41}), "TEXT", "x", true},
		// What follows the two strings is not theirs.
		{"trailing", cat(utf16z("A"), utf16z("b"), utf16z("c")), "A", "b", true},
		// A surrogate half alone becomes U+FFFD, never invalid UTF-8.
		{"lone surrogate", cat(utf16z("A"), []byte{0x00, 0xd8, 0, 0}), "A", "\uFFFD", true},
		{"no type", cat(utf16z(""), utf16z("x")), "", "", false},
		{"one string", utf16z("URL"), "", "", false},
		{"empty", nil, "", "", false},
		{"one byte", []byte{'U'}, "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			typ, cmd, ok := ParseScriptSample(c.data)
			if typ != c.typ || cmd != c.cmd || ok != c.ok {
				t.Errorf("ParseScriptSample = %q, %q, %v; want %q, %q, %v", typ, cmd, ok, c.typ, c.cmd, c.ok)
			}
		})
	}
}

// FuzzParseScriptSample: any payload is read without a panic; what is
// read is valid UTF-8 with a type and no null character in either
// string, and written back in the sample's form it reads the same.
func FuzzParseScriptSample(f *testing.F) {
	f.Add(append(utf16z("URL"), utf16z("http://example.com/")...))
	f.Add(append(utf16z("CAPTION"), utf16z("Grüße — 字幕")...))
	f.Add(append(utf16z("TEXT"), 'h', 0, 'i', 0))
	f.Add(append(utf16z("A"), 0x00, 0xd8, 0, 0))
	f.Add(utf16z("URL"))
	f.Add([]byte{'U'})
	f.Fuzz(func(t *testing.T, data []byte) {
		typ, cmd, ok := ParseScriptSample(data)
		if !ok {
			if typ != "" || cmd != "" {
				t.Fatalf("not ok, yet %q, %q", typ, cmd)
			}
			return
		}
		if typ == "" || !utf8.ValidString(typ) || !utf8.ValidString(cmd) || strings.ContainsRune(typ, 0) || strings.ContainsRune(cmd, 0) {
			t.Fatalf("read %q, %q", typ, cmd)
		}
		if len(typ)+len(cmd) > 3*len(data) {
			t.Fatalf("read %d bytes of text from %d", len(typ)+len(cmd), len(data))
		}
		t2, c2, ok2 := ParseScriptSample(append(utf16z(typ), utf16z(cmd)...))
		if !ok2 || t2 != typ || c2 != cmd {
			t.Fatalf("written back, read %q, %q, %v; want %q, %q", t2, c2, ok2, typ, cmd)
		}
	})
}
