package playlist

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// win1252 maps the bytes 0x80–0x9F of Windows-1252 to Unicode (the other
// bytes are Latin-1, equal to their code points); 0 marks the five
// unassigned bytes, kept as U+FFFD.
var win1252 = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// decodeText turns a metafile's bytes into UTF-8 (sstr-asf digest 3.1:
// UTF-8 if valid, else Windows-1252; a UTF-16 BOM, or the NUL pattern of
// UTF-16 text without one, and an <?xml encoding=?> declaration are
// honoured). It returns the name of the encoding used and a warning when
// the declaration could not be followed.
func decodeText(b []byte) (text, enc, warning string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
		if utf8.Valid(b) {
			return string(b), "UTF-8", ""
		}
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD"))), "UTF-8", "invalid UTF-8 after a UTF-8 BOM replaced"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeUTF16(b[2:], false), "UTF-16LE", ""
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeUTF16(b[2:], true), "UTF-16BE", ""
	}
	if le, be := nulPattern(b); le {
		return decodeUTF16(b, false), "UTF-16LE", ""
	} else if be {
		return decodeUTF16(b, true), "UTF-16BE", ""
	}
	declared := xmlEncoding(b)
	switch declared {
	case "", "utf-8", "utf8":
		if utf8.Valid(b) {
			return string(b), "UTF-8", ""
		}
		if declared != "" {
			warning = "the declared UTF-8 is not valid UTF-8; read as Windows-1252"
		}
		return decodeWindows1252(b), "Windows-1252", warning
	case "windows-1252", "cp1252", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii":
		return decodeWindows1252(b), "Windows-1252", ""
	}
	warning = "encoding " + quoteShort(declared) + " is not supported"
	if utf8.Valid(b) {
		return string(b), "UTF-8", warning + "; read as UTF-8"
	}
	return decodeWindows1252(b), "Windows-1252", warning + "; read as Windows-1252"
}

// nulPattern tells UTF-16 text without a BOM by its NULs: ASX markup is
// ASCII, so in UTF-16LE most odd bytes are 0 and in UTF-16BE most even
// ones, while 8-bit text has none.
func nulPattern(b []byte) (le, be bool) {
	n := min(len(b), 512) &^ 1
	if n < 4 {
		return false, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	return odd*2 > pairs && even*8 < pairs, even*2 > pairs && odd*8 < pairs
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	// utf16.Decode turns unpaired surrogates into U+FFFD.
	return string(utf16.Decode(u))
}

func decodeWindows1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xA0:
			r := win1252[c-0x80]
			if r == 0 {
				r = utf8.RuneError
			}
			sb.WriteRune(r)
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// xmlEncoding returns the lower-cased encoding of an <?xml …?> declaration
// at the start of b (after whitespace), "" when there is none.
func xmlEncoding(b []byte) string {
	b = bytes.TrimLeft(b[:min(len(b), 1024)], " \t\r\n")
	if len(b) < 5 || !bytes.EqualFold(b[:5], []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(b, []byte("?>"))
	if end < 0 {
		return ""
	}
	for _, a := range scanAttrs(string(b[5:end])) {
		if a.name == "ENCODING" {
			return strings.ToLower(strings.TrimSpace(a.value))
		}
	}
	return ""
}

// quoteShort quotes s for a warning, cut to 64 bytes.
func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(`"`+s+`"`, "\uFFFD")
}
