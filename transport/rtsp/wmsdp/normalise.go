package wmsdp

import (
	"bytes"
	"fmt"
	"slices"
)

// Limits on what Normalise and Parse accept from a server.
const (
	// MaxHeaderSize bounds the decoded ASF file header. The header rides as
	// base64 on one line of a message the client holds whole in memory, and
	// Parse allocates about five and a half times the body on the way (the
	// normalised body, pion's two copies, the base64 without blanks, the
	// header and asf's copy of it), so the bound is a quarter of
	// asf.MaxHeaderSize (which is for files, read as a stream): 8 MiB still
	// holds a header with several MB of WM/Picture album art, far above the
	// few kB WMS headers usually are, and keeps one hostile DESCRIBE near
	// 60 MB (TestHeaderSizeLimit).
	MaxHeaderSize = 8 << 20
	// MaxBodySize bounds the SDP body: the base64 of a MaxHeaderSize header
	// (about 10.7 MiB) plus room for every other line. The RTSP session
	// should not read a larger Content-Length.
	MaxBodySize = 16 << 20
	// MaxLines bounds the lines of one body. A WMS description has about
	// ten lines per ASF stream and an ASF file at most 127 streams, so 8192
	// is generous; it keeps a body of tiny lines from costing pion one
	// allocation each for millions of lines.
	MaxLines = 8192
)

// sessionRank orders the session-level type letters as RFC 4566 5 requires:
// v o s i u e p c b (t r)* z k a. t and r share a rank so that a stable sort
// keeps each r= after its t=.
var sessionRank = [256]int8{
	'v': 1, 'o': 2, 's': 3, 'i': 4, 'u': 5, 'e': 6, 'p': 7, 'c': 8, 'b': 9,
	't': 10, 'r': 10, 'z': 11, 'k': 12, 'a': 13,
}

// mediaLetter marks the type letters of a media description (RFC 4566 5).
var mediaLetter = [256]bool{'m': true, 'i': true, 'c': true, 'b': true, 'k': true, 'a': true}

// Normalise rewrites an SDP body so that pion/sdp/v3, which follows the line
// order of RFC 4566 5 strictly, accepts what Windows Media and other RTSP
// servers really send. It only reorders, trims and completes lines; it never
// changes what a line says. The steps, each for a habit of real servers:
//
//  1. Every line ends with CRLF. Servers end lines with CRLF (WMS,
//     GStreamer) or LF alone (hand-written servers, RFC 4566 5 tells parsers
//     to accept it); pion needs a line end after the last line, which a body
//     cut at its Content-Length often lacks. A lone CR ends a line too:
//     pion would otherwise drop the character before it from the value.
//  2. Trailing spaces and tabs are removed, and empty lines dropped: some
//     servers pad lines, and a blank line ends the body of others; pion
//     reads "b=AS:100 " as a bad number.
//  3. Session-level lines are put in RFC 4566 order, keeping the relative
//     order of lines of the same type: WMS sends a=maxps (and sometimes other
//     a= lines) between b= and t= ("c=IN IP4 0.0.0.0", "b=AS:104",
//     "a=maxps:1250", "t=0 0"; shared/notes/rtsp.md 5.5), which pion rejects
//     as a syntax error. Media-level lines are left in their order: pion
//     accepts i=, c=, b=, k= and a= there in any order.
//  4. A missing t= line is added as "t=0 0" (RFC 2326 C.1.5: start and stop
//     0, always available). RFC 2326 makes t= mandatory, but minimal SDP
//     writers in RTSP servers leave it out; pion cannot parse a body without
//     it.
//
// Lines that are not "<letter>=<text>" and letters RFC 4566 5 does not
// define are errors (RFC 4566: a parser must not accept a description with a
// type letter it does not understand). The result does not alias body.
func Normalise(body []byte) ([]byte, error) {
	if len(body) > MaxBodySize {
		return nil, fmt.Errorf("%w: SDP body of %d bytes, limit %d", ErrTooLarge, len(body), MaxBodySize)
	}
	var lines [][]byte
	for rest := body; len(rest) > 0; {
		// Step 1: CRLF, LF or CR ends a line.
		i := bytes.IndexAny(rest, "\r\n")
		var line []byte
		if i < 0 {
			line, rest = rest, nil
		} else {
			line = rest[:i]
			if rest[i] == '\r' && i+1 < len(rest) && rest[i+1] == '\n' {
				i++
			}
			rest = rest[i+1:]
		}
		// Step 2: trailing blanks, empty lines.
		line = bytes.TrimRight(line, " \t")
		if len(line) == 0 {
			continue
		}
		if len(lines) == MaxLines {
			return nil, fmt.Errorf("%w: more than %d SDP lines", ErrTooLarge, MaxLines)
		}
		if len(line) < 2 || line[1] != '=' {
			return nil, fmt.Errorf("%w: line %d %q is not <type>=<value> (RFC 4566 5)", ErrSyntax, len(lines)+1, clip(line))
		}
		if sessionRank[line[0]] == 0 && line[0] != 'm' {
			return nil, fmt.Errorf("%w: line %d has unknown type letter %q (RFC 4566 5)", ErrSyntax, len(lines)+1, line[0])
		}
		lines = append(lines, line)
	}

	if len(lines) == 0 || lines[0][0] != 'v' {
		return nil, fmt.Errorf("%w: the first line is not v= (RFC 4566 5)", ErrSyntax)
	}

	// Step 3: the session section is everything before the first m=.
	firstMedia := slices.IndexFunc(lines, func(l []byte) bool { return l[0] == 'm' })
	if firstMedia < 0 {
		firstMedia = len(lines)
	}
	session := lines[:firstMedia]
	slices.SortStableFunc(session, func(a, b []byte) int {
		return int(sessionRank[a[0]]) - int(sessionRank[b[0]])
	})
	for start := firstMedia; start < len(lines); {
		end := start + 1
		for end < len(lines) && lines[end][0] != 'm' {
			if !mediaLetter[lines[end][0]] {
				return nil, fmt.Errorf("%w: %q line inside a media description (RFC 4566 5)", ErrSyntax, lines[end][0])
			}
			end++
		}
		start = end
	}

	// Step 4: a missing t= goes where RFC 4566 puts it.
	var out bytes.Buffer
	out.Grow(len(body) + 2*len(lines) + len("t=0 0\r\n"))
	haveTime := slices.ContainsFunc(session, func(l []byte) bool { return l[0] == 't' })
	for i, l := range lines {
		if !haveTime && (i == firstMedia || (i < firstMedia && sessionRank[l[0]] > sessionRank['t'])) {
			out.WriteString("t=0 0\r\n")
			haveTime = true
		}
		out.Write(l)
		out.WriteString("\r\n")
	}
	if !haveTime && len(lines) > 0 {
		out.WriteString("t=0 0\r\n")
	}
	return out.Bytes(), nil
}

// clip shortens a line quoted in an error message.
func clip(b []byte) []byte {
	const n = 40
	if len(b) > n {
		return b[:n]
	}
	return b
}
