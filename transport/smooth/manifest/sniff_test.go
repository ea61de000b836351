package manifest

import (
	"testing"
	"unicode/utf16"
)

func utf16LE(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = append(b, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func utf16BE(s string) []byte {
	b := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

func TestSniff(t *testing.T) {
	ffmpegHead := `<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<SmoothStreamingMedia MajorVersion="2" MinorVersion="0" Duration="100305964">`
	yes := []struct {
		name, ct string
		head     []byte
	}{
		// Python's http.server sends FFmpeg's Manifest file as octet-stream.
		{"FFmpeg from a static server", "application/octet-stream", []byte(ffmpegHead)},
		{"IIS type, any body", "application/vnd.ms-sstr+xml; charset=utf-8", nil},
		{"UTF-8 BOM and comment", "text/xml", []byte("\xEF\xBB\xBF\r\n<!-- IIS -->\n<?xml-stylesheet x?><SmoothStreamingMedia\n MajorVersion=\"2\">")},
		{"UTF-16LE", "text/xml", utf16LE(`<?xml version="1.0" encoding="utf-16"?><SmoothStreamingMedia MajorVersion="2">`, true)},
		{"UTF-16BE", "", utf16BE(`<SmoothStreamingMedia MajorVersion="2">`)},
		{"no prolog", "", []byte(`<SmoothStreamingMedia>`)},
	}
	for _, c := range yes {
		if !Sniff(c.ct, c.head) {
			t.Errorf("%s: not sniffed", c.name)
		}
	}
	no := []struct {
		name, ct string
		head     []byte
	}{
		{"ASF", "application/octet-stream", []byte("\x30\x26\xB2\x75\x8E\x66\xCF\x11\xA6\xD9\x00\xAA\x00\x62\xCE\x6C")},
		{"ASX", "video/x-ms-asf", []byte(`<ASX version="3.0">`)},
		{"HTML", "text/html", []byte("<!DOCTYPE html><html>")},
		{"longer name", "text/xml", []byte(`<SmoothStreamingMediaX>`)},
		{"cut before the name ends", "text/xml", []byte(`<?xml version="1.0"?><SmoothStream`)},
		{"name alone, cut", "text/xml", []byte(`<SmoothStreamingMedia`)},
		{"unterminated declaration", "text/xml", []byte(`<?xml version="1.0"`)},
		{"unterminated comment", "text/xml", []byte(`<!-- <SmoothStreamingMedia>`)},
		{"UTF-16 without BOM", "text/xml", utf16LE(`<SmoothStreamingMedia>`, false)},
		{"empty", "", nil},
	}
	for _, c := range no {
		if Sniff(c.ct, c.head) {
			t.Errorf("%s: sniffed as a manifest", c.name)
		}
	}
}
