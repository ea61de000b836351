package playlist

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The ASX tokenizer is hand-rolled rather than encoding/xml because real
// metafiles are not XML (sstr-asf digest 3.1, "Non-XML quirks"): names in
// any case, unquoted or single-quoted attribute values, a bare '&' in URLs,
// junk before the root. It never fails: whatever it cannot read as markup
// is text.

type tokenKind int

const (
	tokText tokenKind = iota
	tokStart
	tokEnd
)

// token is one piece of markup. For tokStart and tokEnd, name is the
// upper-cased element name; text holds tokText's decoded characters.
type token struct {
	kind      tokenKind
	name      string
	attrs     []attr
	selfClose bool
	text      string
}

// attr is one attribute: the upper-cased name and the decoded value.
type attr struct{ name, value string }

// maxAttrs bounds the attributes kept per tag; the others are ignored.
const maxAttrs = 32

type tokenizer struct {
	s   string
	pos int
}

// next returns the next token; ok is false at the end of the input.
func (z *tokenizer) next() (t token, ok bool) {
	for z.pos < len(z.s) {
		s := z.s[z.pos:]
		if s[0] != '<' {
			end := strings.IndexByte(s, '<')
			if end < 0 {
				end = len(s)
			}
			z.pos += end
			return token{kind: tokText, text: decodeEntities(s[:end])}, true
		}
		switch {
		case strings.HasPrefix(s, "<!--"):
			// A comment; one never closed runs to the end.
			end := strings.Index(s[4:], "-->")
			if end < 0 {
				z.pos = len(z.s)
			} else {
				z.pos += 4 + end + 3
			}
			continue
		case hasPrefixFold(s, "<![CDATA["):
			body := s[9:]
			end := strings.Index(body, "]]>")
			if end < 0 {
				z.pos = len(z.s)
				return token{kind: tokText, text: body}, true
			}
			z.pos += 9 + end + 3
			return token{kind: tokText, text: body[:end]}, true
		case strings.HasPrefix(s, "<?"), strings.HasPrefix(s, "<!"):
			// A processing instruction or a declaration: skipped.
			z.pos += tagEnd(s, 2)
			continue
		case strings.HasPrefix(s, "</"):
			n := nameLen(s[2:])
			if n == 0 {
				break // "</" then no name: text
			}
			name := strings.ToUpper(s[2 : 2+n])
			z.pos += tagEnd(s, 2+n)
			return token{kind: tokEnd, name: name}, true
		default:
			n := nameLen(s[1:])
			if n == 0 {
				break // "<" then no name ("a < b"): text
			}
			name := strings.ToUpper(s[1 : 1+n])
			end := tagEnd(s, 1+n)
			inner := s[1+n : end]
			inner = strings.TrimSuffix(inner, ">")
			self := strings.HasSuffix(inner, "/")
			if self {
				inner = inner[:len(inner)-1]
			}
			z.pos += end
			return token{kind: tokStart, name: name, attrs: scanAttrs(inner), selfClose: self}, true
		}
		// A '<' that starts no markup is text, up to the next '<'.
		end := strings.IndexByte(s[1:], '<')
		if end < 0 {
			end = len(s) - 1
		}
		z.pos += 1 + end
		return token{kind: tokText, text: decodeEntities(s[:1+end])}, true
	}
	return token{}, false
}

// tagEnd returns the offset just past the '>' closing the tag that starts
// s, scanning from i and skipping quoted values; a tag never closed ends
// at the next '<' that starts a new tag, or at the end of the input.
func tagEnd(s string, i int) int {
	var quote byte
	start := i
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '<' {
				// A quote never closed: the tag ends at the next tag
				// rather than swallow the file.
				return i
			}
		case c == '"' || c == '\'':
			// Only a quote opening a value (after '=') quotes.
			if prev := lastNonSpace(s[start:i]); prev == '=' {
				quote = c
			}
		case c == '>':
			return i + 1
		case c == '<':
			return i
		}
	}
	return len(s)
}

func lastNonSpace(s string) byte {
	for i := len(s) - 1; i >= 0; i-- {
		if !isSpace(s[i]) {
			return s[i]
		}
	}
	return 0
}

// nameLen is the length of the element or attribute name at the start of
// s (letters, digits, '-', '_', ':', '.'; a letter or '_' first).
func nameLen(s string) int {
	i := 0
	for i < len(s) {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '-' || c == ':' || c == '.')) {
			break
		}
		i++
	}
	return i
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == ':' || c == '.'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' }

// scanAttrs reads NAME=VALUE pairs: VALUE quoted with " or ', or unquoted
// up to the next white space; a NAME without '=' has the value "". Names
// are upper-cased, values entity-decoded.
func scanAttrs(s string) []attr {
	var out []attr
	i := 0
	for i < len(s) {
		for i < len(s) && (isSpace(s[i]) || s[i] == '/') {
			i++
		}
		n := nameLen(s[i:])
		if n == 0 {
			if i < len(s) {
				i++ // junk in the tag
			}
			continue
		}
		name := strings.ToUpper(s[i : i+n])
		i += n
		j := i
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		value := ""
		if j < len(s) && s[j] == '=' {
			j++
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			if j < len(s) && (s[j] == '"' || s[j] == '\'') {
				q := s[j]
				end := strings.IndexByte(s[j+1:], q)
				if end < 0 {
					value, j = s[j+1:], len(s)
				} else {
					value, j = s[j+1:j+1+end], j+1+end+1
				}
			} else {
				k := j
				for k < len(s) && !isSpace(s[k]) {
					k++
				}
				value, j = s[j:k], k
			}
			i = j
		}
		if len(out) < maxAttrs {
			out = append(out, attr{name: name, value: decodeEntities(value)})
		}
	}
	return out
}

// entities are the named character references kept: XML's five and the
// HTML ones seen in metafiles' text.
var entities = map[string]string{
	"amp": "&", "lt": "<", "gt": ">", "quot": `"`, "apos": "'",
	"nbsp": "\u00a0", "copy": "©", "reg": "®", "trade": "™",
}

// decodeEntities replaces &name; &#N; and &#xH; references; anything else
// after '&' (a bare '&' in a URL) stays as it is, as Windows Media Player
// reads it.
func decodeEntities(s string) string {
	amp := strings.IndexByte(s, '&')
	if amp < 0 {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for amp >= 0 {
		sb.WriteString(s[:amp])
		s = s[amp:]
		semi := strings.IndexByte(s[:min(len(s), 12)], ';')
		replaced := false
		if semi > 1 {
			ref := s[1:semi]
			if r, ok := entities[strings.ToLower(ref)]; ok && ref[0] != '#' {
				sb.WriteString(r)
				replaced = true
			} else if ref[0] == '#' {
				var n uint64
				var err error
				if len(ref) > 1 && (ref[1] == 'x' || ref[1] == 'X') {
					n, err = strconv.ParseUint(ref[2:], 16, 32)
				} else {
					n, err = strconv.ParseUint(ref[1:], 10, 32)
				}
				if err == nil && n > 0 && utf8.ValidRune(rune(n)) {
					sb.WriteRune(rune(n))
					replaced = true
				}
			}
		}
		if replaced {
			s = s[semi+1:]
		} else {
			sb.WriteByte('&')
			s = s[1:]
		}
		amp = strings.IndexByte(s, '&')
	}
	sb.WriteString(s)
	return sb.String()
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
