package player

import (
	"bytes"
	"encoding/xml"
	"strings"
	"unicode/utf8"
)

// maxCaption bounds a caption's text.
const maxCaption = 1024

// captionText is the text of a caption sample: plain UTF-8, or the text
// of the paragraphs of a TTML document (the form MS-SSTR text streams
// carry), a <br/> or a new paragraph starting a line. Markup is never
// shown, and the text is bounded.
func captionText(data []byte) string {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if !bytes.HasPrefix(trimmed, []byte("<")) {
		return clipCaption(string(trimmed))
	}
	d := xml.NewDecoder(bytes.NewReader(trimmed))
	d.Strict = false
	var b strings.Builder
	depth := 0 // inside a <p>
	for b.Len() < maxCaption {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch strings.ToLower(t.Name.Local) {
			case "p":
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				depth++
			case "br":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			if strings.ToLower(t.Name.Local) == "p" && depth > 0 {
				depth--
			}
		case xml.CharData:
			if depth > 0 {
				b.WriteString(collapseSpace(string(t)))
			}
		}
	}
	return clipCaption(b.String())
}

// collapseSpace turns every run of white space into one space, as XML
// text is rendered.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

func clipCaption(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	s = strings.TrimSpace(strings.Join(lines, "\n"))
	// Invalid bytes become U+FFFD first, three bytes each, and then the
	// text is cut to maxCaption at the start of a character: cut first,
	// the replacements could take it past the bound again.
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > maxCaption {
		n := maxCaption
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = strings.TrimSpace(s[:n])
	}
	return s
}
