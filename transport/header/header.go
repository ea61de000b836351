// Package header reads and writes the header block shared by the
// HTTP-like protocols Eddy speaks: HTTP/1.x for MS-WMSP and RTSP/1.0 for
// MS-RTSP (RFC 2326 §4 takes its message format from RFC 2616 §4). Headers
// are kept in order, with repeats, because Windows Media servers and
// clients give meaning to both (MS-WMSP 2.2.1.5 repeats Pragma).
//
// Reading is bounded: a line, the number of lines and the whole block have
// limits, so a server that never ends its headers cannot grow memory.
package header

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits of one header block.
const (
	// MaxLine bounds one start or header line.
	MaxLine = 8 << 10
	// MaxLines bounds the header lines of one message.
	MaxLines = 256
	// MaxBytes bounds the start line plus headers of one message.
	MaxBytes = 64 << 10
)

var (
	// ErrTooLarge reports a line or block over its limit.
	ErrTooLarge = errors.New("header too large")
	// ErrMalformed reports a header line that is not "name: value".
	ErrMalformed = errors.New("malformed header")
)

// Field is one header line.
type Field struct {
	Name, Value string
}

// Header is an ordered list of fields; names compare case-insensitively.
type Header []Field

// Values returns every value of name, in order.
func (h Header) Values(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Get returns the first value of name, or "".
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Has reports whether name is present.
func (h Header) Has(name string) bool {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Add appends a field.
func (h *Header) Add(name, value string) { *h = append(*h, Field{name, value}) }

// Set replaces the first field named name (dropping later ones) or appends.
func (h *Header) Set(name, value string) {
	out := (*h)[:0]
	done := false
	for _, f := range *h {
		if strings.EqualFold(f.Name, name) {
			if done {
				continue
			}
			f.Value, done = value, true
		}
		out = append(out, f)
	}
	if !done {
		out = append(out, Field{name, value})
	}
	*h = out
}

// Del removes every field named name.
func (h *Header) Del(name string) {
	out := (*h)[:0]
	for _, f := range *h {
		if !strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	*h = out
}

// Write appends the fields as "Name: Value\r\n" lines (no blank line).
func (h Header) Write(b *bytes.Buffer) {
	for _, f := range h {
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(f.Value)
		b.WriteString("\r\n")
	}
}

// ContentLength returns the Content-Length value; ok is false when the
// header is absent. Repeated headers must agree (RFC 7230 §3.3.2).
func (h Header) ContentLength() (n int64, ok bool, err error) {
	vs := h.Values("Content-Length")
	if len(vs) == 0 {
		return 0, false, nil
	}
	first := strings.TrimSpace(vs[0])
	v, perr := strconv.ParseInt(first, 10, 64)
	if perr != nil || v < 0 {
		return 0, true, fmt.Errorf("%w: Content-Length %q", ErrMalformed, vs[0])
	}
	for _, other := range vs[1:] {
		if strings.TrimSpace(other) != first {
			return 0, true, fmt.Errorf("%w: conflicting Content-Length headers", ErrMalformed)
		}
	}
	return v, true, nil
}

// ReadLine reads one CRLF- or LF-terminated line of at most MaxLine bytes
// and returns it without the terminator, with the bytes it took on the
// wire. At the end of input before any byte it returns io.EOF; in the
// middle of a line io.ErrUnexpectedEOF.
func ReadLine(br *bufio.Reader) (string, int, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		line = append(line, frag...)
		if len(line) > MaxLine {
			return "", len(line), fmt.Errorf("%w: line longer than %d bytes", ErrTooLarge, MaxLine)
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) && len(line) > 0 {
			return "", len(line), io.ErrUnexpectedEOF
		}
		return "", len(line), err
	}
	n := len(line)
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	return string(line), n, nil
}

// Read reads header lines up to and including the blank line that ends
// them. used is what the start line already took, counted against
// MaxBytes; Read returns the header and the total bytes taken. A line
// starting with a space or tab continues the previous value (obsolete
// line folding, RFC 2616 §2.2).
func Read(br *bufio.Reader, used int) (Header, int, error) {
	var h Header
	for {
		line, n, err := ReadLine(br)
		used += n
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, used, fmt.Errorf("reading headers: %w", err)
		}
		if used > MaxBytes {
			return nil, used, fmt.Errorf("%w: headers over %d bytes", ErrTooLarge, MaxBytes)
		}
		if line == "" {
			return h, used, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(h) == 0 {
				return nil, used, fmt.Errorf("%w: continuation line %q before any header", ErrMalformed, line)
			}
			h[len(h)-1].Value += " " + strings.TrimSpace(line)
			continue
		}
		if len(h) >= MaxLines {
			return nil, used, fmt.Errorf("%w: more than %d header lines", ErrTooLarge, MaxLines)
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(name, " \t") {
			return nil, used, fmt.Errorf("%w: line %q", ErrMalformed, line)
		}
		h = append(h, Field{Name: name, Value: strings.TrimSpace(value)})
	}
}

// SplitList splits a header value at the commas outside double quotes
// (RFC 2616 2.1's #rule with quoted-strings; RTSP's Transport, RTP-Info
// and X-RTP-Info quote URLs that hold commas, MS-RTSP 2.2.6.27). The
// parts are not trimmed.
func SplitList(v string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}
