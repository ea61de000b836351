package mmsh

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/eddyplayer/eddy/transport/header"
)

// HTTP message limits.
const (
	// MaxHeaderLines bounds the header lines of one response.
	MaxHeaderLines = header.MaxLines
	// MaxHeaderBytes bounds the status line plus headers of one response.
	MaxHeaderBytes = header.MaxBytes
	// maxLine bounds one header or chunk-size line.
	maxLine = header.MaxLine
	// maxDrain bounds how much of an unwanted body (an error page, a
	// side request's answer) is read and thrown away.
	maxDrain = 256 << 10
)

// hdr is one header line, kept in order: MS-WMSP requests repeat Pragma
// and put stream-switch-entry and log-line on lines of their own.
type hdr struct {
	Name, Value string
}

// request is an HTTP request written byte for byte as built, so that the
// header order and the multiple Pragma lines are under control (D7).
type request struct {
	Method string
	// Target is the request-target: an absolute path, an absolute URI
	// when sent to a proxy, or "*" (OPTIONS).
	Target string
	Proto  string
	Header []hdr
	Body   []byte
	// kind names the MS-WMSP request type for errors and the FIFO of
	// expected responses (3.1.5.3).
	kind reqKind
}

func (r *request) add(name, value string) { r.Header = append(r.Header, hdr{name, value}) }

// pragma adds one Pragma line.
func (r *request) pragma(tokens ...string) { r.add("Pragma", strings.Join(tokens, ",")) }

// get returns the first value of a header.
func (r *request) get(name string) string {
	for _, h := range r.Header {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// set replaces (or adds) a header.
func (r *request) set(name, value string) {
	for i, h := range r.Header {
		if strings.EqualFold(h.Name, name) {
			r.Header[i].Value = value
			return
		}
	}
	r.add(name, value)
}

// del removes every line of a header.
func (r *request) del(name string) {
	out := r.Header[:0]
	for _, h := range r.Header {
		if !strings.EqualFold(h.Name, name) {
			out = append(out, h)
		}
	}
	r.Header = out
}

// wire renders the request.
func (r *request) wire() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s\r\n", r.Method, r.Target, r.Proto)
	for _, h := range r.Header {
		b.WriteString(h.Name)
		b.WriteString(": ")
		b.WriteString(h.Value)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	b.Write(r.Body)
	return b.Bytes()
}

// response is a parsed HTTP response header.
type response struct {
	Proto        string
	Major, Minor int
	StatusCode   int
	Reason       string
	Header       []hdr
	// ContentLength is -1 when absent.
	ContentLength int64
	Chunked       bool
	// HeaderBytes is the size of the status line and headers on the wire.
	HeaderBytes int
}

// values returns every value of a header, in order.
func (r *response) values(name string) []string {
	var out []string
	for _, h := range r.Header {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

// get returns the first value of a header.
func (r *response) get(name string) string {
	if v := r.values(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// pragma parses all Pragma lines.
func (r *response) pragma() Pragma { return ParsePragma(r.values("Pragma")...) }

// status renders "200 OK".
func (r *response) status() string {
	return strings.TrimSpace(strconv.Itoa(r.StatusCode) + " " + r.Reason)
}

// keepAlive reports whether the server keeps the connection open after
// this response.
func (r *response) keepAlive() bool {
	c := strings.ToLower(strings.Join(r.values("Connection"), ","))
	if strings.Contains(c, "close") {
		return false
	}
	if r.Major == 1 && r.Minor >= 1 {
		return true
	}
	return strings.Contains(c, "keep-alive")
}

// noBody reports a response that has no body by definition.
func (r *response) noBody() bool {
	return r.StatusCode/100 == 1 || r.StatusCode == 204 || r.StatusCode == 304
}

// readLine reads one CRLF- (or LF-) terminated line of at most maxLine
// bytes without the terminator (header.ReadLine, shared with RTSP).
func readLine(br *bufio.Reader) (string, int, error) {
	line, n, err := header.ReadLine(br)
	if errors.Is(err, header.ErrTooLarge) {
		return "", n, fmt.Errorf("%w: line longer than %d bytes", ErrTooLarge, maxLine)
	}
	return line, n, err
}

// readResponse reads a status line and headers. It accepts the spec
// example's "HTTP 1.1 200 OK" (D4.4, D5 26) and bare-LF line ends.
func readResponse(br *bufio.Reader) (*response, error) {
	line, n, err := readLine(br)
	if err != nil {
		if errors.Is(err, io.EOF) && n == 0 {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("reading status line: %w", err)
	}
	r := &response{ContentLength: -1, HeaderBytes: n}
	if err := r.parseStatus(line); err != nil {
		return nil, err
	}
	h, used, err := header.Read(br, r.HeaderBytes)
	r.HeaderBytes = used
	switch {
	case errors.Is(err, header.ErrTooLarge):
		return nil, fmt.Errorf("%w: %w", ErrTooLarge, err)
	case errors.Is(err, header.ErrMalformed):
		return nil, fmt.Errorf("%w: %w", ErrProtocol, err)
	case err != nil:
		return nil, err
	}
	for _, f := range h {
		r.Header = append(r.Header, hdr{Name: f.Name, Value: f.Value})
	}
	if te := strings.ToLower(strings.Join(r.values("Transfer-Encoding"), ",")); te != "" {
		if !strings.Contains(te, "chunked") {
			return nil, fmt.Errorf("%w: Transfer-Encoding %q", ErrProtocol, te)
		}
		r.Chunked = true
	}
	if cl := r.values("Content-Length"); len(cl) > 0 && !r.Chunked {
		v, err := strconv.ParseInt(strings.TrimSpace(cl[0]), 10, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%w: Content-Length %q", ErrProtocol, cl[0])
		}
		for _, other := range cl[1:] {
			if strings.TrimSpace(other) != strings.TrimSpace(cl[0]) {
				return nil, fmt.Errorf("%w: conflicting Content-Length headers", ErrProtocol)
			}
		}
		r.ContentLength = v
	}
	return r, nil
}

func (r *response) parseStatus(line string) error {
	bad := func() error { return fmt.Errorf("%w: malformed status line %q", ErrProtocol, line) }
	rest, ok := strings.CutPrefix(line, "HTTP")
	if !ok || rest == "" {
		return bad()
	}
	if rest[0] == '/' || rest[0] == ' ' {
		rest = rest[1:]
	} else {
		return bad()
	}
	ver, rest, _ := strings.Cut(rest, " ")
	maj, min, ok := strings.Cut(ver, ".")
	if !ok {
		return bad()
	}
	var err1, err2 error
	r.Major, err1 = strconv.Atoi(maj)
	r.Minor, err2 = strconv.Atoi(min)
	if err1 != nil || err2 != nil || r.Major != 1 || r.Minor < 0 || r.Minor > 9 {
		return bad()
	}
	r.Proto = "HTTP/" + ver
	code, reason, _ := strings.Cut(strings.TrimLeft(rest, " "), " ")
	c, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || c < 100 {
		return bad()
	}
	r.StatusCode, r.Reason = c, strings.TrimSpace(reason)
	return nil
}

// body returns the response body reader: chunked, Content-Length
// delimited, or (HTTP/1.0 style, as a non-pipelined Play response, D5 17)
// delimited by the connection closing.
func (r *response) body(br *bufio.Reader) io.Reader {
	switch {
	case r.noBody():
		return eofReader{}
	case r.Chunked:
		return &chunkedReader{br: br}
	case r.ContentLength >= 0:
		return io.LimitReader(br, r.ContentLength)
	}
	return br
}

// delimited reports a body whose end is known without the connection
// closing (so another response can follow on the connection).
func (r *response) delimited() bool {
	return r.noBody() || r.Chunked || r.ContentLength >= 0
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// chunkedReader decodes "Transfer-Encoding: chunked" (RFC 2616 3.6.1),
// consuming the terminating chunk and trailer so that the next pipelined
// response can be read from the same bufio.Reader (D5 15).
type chunkedReader struct {
	br    *bufio.Reader
	left  int64
	begun bool
	done  bool
	err   error
}

// maxChunk bounds one chunk's declared size.
const maxChunk = 1 << 30

func (c *chunkedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for c.left == 0 {
		if c.done {
			return 0, io.EOF
		}
		if err := c.nextChunk(); err != nil {
			c.err = err
			return 0, err
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.br.Read(p)
	c.left -= int64(n)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: body ends inside a chunk: %w", ErrProtocol, io.ErrUnexpectedEOF)
		}
		c.err = err
	}
	return n, err
}

func (c *chunkedReader) nextChunk() error {
	if c.begun {
		// CRLF after the previous chunk's data.
		line, _, err := readLine(c.br)
		if err != nil {
			return chunkErr(err)
		}
		if line != "" {
			return fmt.Errorf("%w: chunk data not followed by CRLF", ErrProtocol)
		}
	}
	c.begun = true
	line, _, err := readLine(c.br)
	if err != nil {
		return chunkErr(err)
	}
	if i := strings.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	if line == "" || len(line) > 8 {
		return fmt.Errorf("%w: chunk size %q", ErrProtocol, line)
	}
	n, err := strconv.ParseInt(line, 16, 64)
	if err != nil || n < 0 || n > maxChunk {
		return fmt.Errorf("%w: chunk size %q", ErrProtocol, line)
	}
	if n > 0 {
		c.left = n
		return nil
	}
	// Last chunk: skip the trailer up to the empty line.
	for i := 0; ; i++ {
		t, _, err := readLine(c.br)
		if err != nil {
			return chunkErr(err)
		}
		if t == "" {
			break
		}
		if i >= MaxHeaderLines {
			return fmt.Errorf("%w: chunked trailer too long", ErrTooLarge)
		}
	}
	c.done = true
	return nil
}

func chunkErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: chunked body truncated: %w", ErrProtocol, io.ErrUnexpectedEOF)
	}
	return err
}

// drain reads and discards at most maxDrain bytes of a body, reporting
// whether it reached the end.
func drain(r io.Reader) bool {
	n, err := io.Copy(io.Discard, io.LimitReader(r, maxDrain))
	return err == nil && n < maxDrain
}
