package rtsp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport/header"
)

// Reader limits.
const (
	// MaxBody bounds a message body. The largest body a client receives
	// is a DESCRIBE or ANNOUNCE SDP carrying the ASF header in base64
	// (MS-RTSP 2.2.5.2.3.1); ASF headers with script commands or large
	// metadata reach a few MiB.
	MaxBody = 16 << 20
	// MaxGarbage bounds the bytes skipped between two messages before
	// the connection is given up (ErrGarbage).
	MaxGarbage = 64 << 10
)

// Reader reads what arrives on an RTSP control connection: responses,
// requests from the server and interleaved frames (MS-RTSP 1.3,
// RFC 2326 §10.12), one at a time, in order. Input that is none of these
// (stray blank lines, junk between frames) is skipped and counted, up to
// MaxGarbage bytes in a row.
type Reader struct {
	br *bufio.Reader
	// Now stamps the packets of a TcpPacketPair answer; default time.Now.
	Now func() time.Time
	// Garbage counts bytes skipped since the reader was made.
	Garbage int64
	run     int // garbage bytes since the last message
}

// NewReader reads from r.
func NewReader(r io.Reader) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 4096 {
		br = bufio.NewReaderSize(r, 32<<10)
	}
	return &Reader{br: br}
}

// Next returns the next message: a *Response, a *Request or a *Frame. At
// the end of input between messages it returns io.EOF; in the middle of
// one io.ErrUnexpectedEOF (wrapped).
func (r *Reader) Next() (any, error) {
	for {
		b, err := r.br.Peek(1)
		if err != nil {
			return nil, err
		}
		if b[0] == '$' {
			f, err := r.frame()
			if err == nil {
				r.run = 0
			}
			return f, err
		}
		line, n, err := header.ReadLine(r.br)
		if errors.Is(err, header.ErrTooLarge) {
			if err := r.skip(n); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) && r.run+n > 0 {
				return nil, fmt.Errorf("rtsp: reading a start line: %w", err)
			}
			return nil, err
		}
		switch {
		case strings.HasPrefix(line, "RTSP/"):
			resp, err := r.response(line, n)
			if err == nil {
				r.run = 0
			}
			return resp, err
		case isRequestLine(line):
			req, err := r.request(line, n)
			if err == nil {
				r.run = 0
			}
			return req, err
		default:
			if err := r.skip(n); err != nil {
				return nil, err
			}
		}
	}
}

func (r *Reader) skip(n int) error {
	r.Garbage += int64(n)
	r.run += n
	if r.run > MaxGarbage {
		return fmt.Errorf("%w: %d bytes that are neither a message nor a frame", ErrGarbage, r.run)
	}
	return nil
}

// isRequestLine reports "METHOD SP URL SP RTSP/1.x" with a token method.
func isRequestLine(line string) bool {
	method, rest, ok := strings.Cut(line, " ")
	if !ok || method == "" {
		return false
	}
	for _, c := range method {
		if !(c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	i := strings.LastIndexByte(rest, ' ')
	return i > 0 && strings.HasPrefix(rest[i+1:], "RTSP/")
}

func (r *Reader) frame() (*Frame, error) {
	var h [4]byte
	if _, err := io.ReadFull(r.br, h[:]); err != nil {
		return nil, fmt.Errorf("rtsp: reading an interleaved frame header: %w", unexpected(err))
	}
	n := int(h[2])<<8 | int(h[3])
	f := &Frame{Channel: h[1], Payload: make([]byte, n)}
	if _, err := io.ReadFull(r.br, f.Payload); err != nil {
		return nil, fmt.Errorf("rtsp: reading a %d-byte interleaved frame: %w", n, unexpected(err))
	}
	return f, nil
}

func (r *Reader) response(line string, n int) (*Response, error) {
	proto, rest, _ := strings.Cut(line, " ")
	code, reason, _ := strings.Cut(rest, " ")
	c, err := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "RTSP/1.") || err != nil || len(code) != 3 || c < 100 {
		return nil, fmt.Errorf("%w: status line %q", ErrProtocol, line)
	}
	h, used, err := header.Read(r.br, n)
	if err != nil {
		return nil, fmt.Errorf("rtsp: response %d: %w", c, wrapHeader(err))
	}
	resp := &Response{StatusCode: c, Reason: reason, Header: h, HeaderBytes: used}
	if strings.EqualFold(strings.TrimSpace(h.Get("Content-Type")), ctypePacketPair) {
		err = r.pairBody(resp)
	} else {
		resp.Body, err = r.body(h)
	}
	if err != nil {
		return nil, fmt.Errorf("rtsp: response %d: %w", c, err)
	}
	return resp, nil
}

func (r *Reader) request(line string, n int) (*Request, error) {
	method, rest, _ := strings.Cut(line, " ")
	i := strings.LastIndexByte(rest, ' ')
	if rest[i+1:] != Protocol || strings.TrimSpace(rest[:i]) == "" {
		return nil, fmt.Errorf("%w: request line %q", ErrProtocol, line)
	}
	h, _, err := header.Read(r.br, n)
	if err != nil {
		return nil, fmt.Errorf("rtsp: %s request: %w", method, wrapHeader(err))
	}
	body, err := r.body(h)
	if err != nil {
		return nil, fmt.Errorf("rtsp: %s request: %w", method, err)
	}
	return &Request{Method: method, URL: strings.TrimSpace(rest[:i]), Header: h, Body: body}, nil
}

// body reads Content-Length bytes; without the header there is no body
// (RFC 2326 §12.14). The buffer grows with what arrives, so a lying
// length costs only the bytes actually sent.
func (r *Reader) body(h header.Header) ([]byte, error) {
	n, ok, err := h.ContentLength()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	if !ok || n == 0 {
		return nil, nil
	}
	if n > MaxBody {
		return nil, fmt.Errorf("%w: a body of %d bytes (limit %d)", ErrTooLarge, n, MaxBody)
	}
	var b bytes.Buffer
	b.Grow(int(min(n, 64<<10)))
	if _, err := io.CopyN(&b, r.br, n); err != nil {
		return nil, fmt.Errorf("reading a %d-byte body: %w", n, unexpected(err))
	}
	return b.Bytes(), nil
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func wrapHeader(err error) error {
	if errors.Is(err, header.ErrTooLarge) {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	if errors.Is(err, header.ErrMalformed) {
		return fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	return err
}

// ctypePacketPair is TcpPacketPair's Content-Type (MS-RTSP 2.2.7.12).
const ctypePacketPair = "application/x-rtsp-packetpair"

// maxPairPackets bounds the $P packets of one answer (the server sends
// three, MS-WMSP 2.2.3.7).
const maxPairPackets = 8

// pairBody reads a TcpPacketPair answer's body: $P packets ([MS-WMSP]
// 2.2.3.1.1, 2.2.3.7: '$' (0x24, or 0xA4 with the B bit), 'P', a 16-bit
// little-endian length of what follows) stamped as each is complete
// (MS-RTSP 3.1.5.5: "process each as soon as it is complete"), in
// Response.Pairs. Bytes after them, up to Content-Length, are kept in
// Body.
func (r *Reader) pairBody(resp *Response) error {
	n, ok, err := resp.Header.ContentLength()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	if !ok || n == 0 {
		return nil
	}
	if n > MaxBody {
		return fmt.Errorf("%w: a body of %d bytes (limit %d)", ErrTooLarge, n, MaxBody)
	}
	now := r.Now
	if now == nil {
		now = time.Now
	}
	left := n
	for left >= 4 && len(resp.Pairs) < maxPairPackets {
		var h [4]byte
		if _, err := io.ReadFull(r.br, h[:]); err != nil {
			return fmt.Errorf("reading a $P packet: %w", unexpected(err))
		}
		left -= 4
		size := int64(h[2]) | int64(h[3])<<8
		if h[0]&0x7F != '$' || h[1] != 'P' || size > left {
			// Not a $P packet: keep the rest as the body.
			rest, err := r.readN(left)
			resp.Body = append(h[:], rest...)
			return err
		}
		if _, err := io.CopyN(io.Discard, r.br, size); err != nil {
			return fmt.Errorf("reading a $P packet: %w", unexpected(err))
		}
		left -= size
		resp.Pairs = append(resp.Pairs, PairArrival{Size: int(size) + 4, At: now()})
	}
	rest, err := r.readN(left)
	resp.Body = rest
	return err
}

func (r *Reader) readN(n int64) ([]byte, error) {
	if n <= 0 {
		return nil, nil
	}
	var b bytes.Buffer
	if _, err := io.CopyN(&b, r.br, n); err != nil {
		return nil, fmt.Errorf("reading a %d-byte body: %w", n, unexpected(err))
	}
	return b.Bytes(), nil
}
