package hostile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/eddyplayer/eddy/transport/header"
)

// Limits of ReadRequest.
const (
	// MaxRequestHead bounds a request line and its header fields.
	MaxRequestHead = 64 << 10
	// MaxRequestBody bounds a request body (a play log).
	MaxRequestBody = 1 << 20
)

// Field is one header field, as received.
type Field struct{ Name, Value string }

// Request is an HTTP/1.x request as a client sent it (RFC 9112 3): the
// request line, the header fields in order and the body (Content-Length
// only; the clients under test send no chunked requests).
type Request struct {
	Method, Target, Proto string
	Fields                []Field
	Body                  []byte
}

// Get returns the first value of a header field (case-insensitive name).
func (r *Request) Get(name string) string {
	for _, f := range r.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns every value of a header field.
func (r *Request) Values(name string) []string {
	var out []string
	for _, f := range r.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Path returns the target's path (an absolute-form target is cut to it).
func (r *Request) Path() string {
	t := r.Target
	if i := strings.Index(t, "://"); i >= 0 {
		t = t[i+3:]
		if j := strings.IndexByte(t, '/'); j >= 0 {
			t = t[j:]
		} else {
			t = "/"
		}
	}
	if i := strings.IndexByte(t, '?'); i >= 0 {
		t = t[:i]
	}
	return t
}

// Pragma returns the value of a Pragma token ([MS-WMSP] 2.2.1.4): the
// tokens of every Pragma field, separated by commas outside quoted
// strings, names case-insensitive; a token without "=" has the value "".
func (r *Request) Pragma(name string) (string, bool) {
	for _, v := range r.Values("Pragma") {
		for _, tok := range header.SplitList(v) {
			k, val, _ := strings.Cut(tok, "=")
			if strings.EqualFold(strings.TrimSpace(k), name) {
				return strings.Trim(strings.TrimSpace(val), `"`), true
			}
		}
	}
	return "", false
}

// errRequestTooLarge reports a request beyond MaxRequestHead or
// MaxRequestBody.
var errRequestTooLarge = errors.New("hostile: request too large")

// ReadRequest reads one request. io.EOF means the client closed the
// connection before sending one.
func (c *Conn) ReadRequest() (*Request, error) {
	head := 0
	line := func() (string, error) {
		var b []byte
		for {
			frag, err := c.br.ReadSlice('\n')
			head += len(frag)
			if head > MaxRequestHead {
				return "", errRequestTooLarge
			}
			b = append(b, frag...)
			if err == nil {
				break
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				if len(b) == 0 {
					return "", err
				}
				return "", io.ErrUnexpectedEOF
			}
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	first, err := line()
	if err != nil {
		return nil, err
	}
	parts := strings.SplitN(first, " ", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("hostile: bad request line %q", first)
	}
	r := &Request{Method: parts[0], Target: parts[1], Proto: parts[2]}
	for {
		l, err := line()
		if err != nil {
			return nil, err
		}
		if l == "" {
			break
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("hostile: bad header line %q", l)
		}
		r.Fields = append(r.Fields, Field{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	if cl := r.Get("Content-Length"); cl != "" {
		n, err := strconv.ParseInt(cl, 10, 64)
		if err != nil || n < 0 || n > MaxRequestBody {
			return nil, fmt.Errorf("%w: Content-Length %q", errRequestTooLarge, cl)
		}
		r.Body = make([]byte, n)
		if _, err := io.ReadFull(c.br, r.Body); err != nil {
			return nil, err
		}
	}
	return r, nil
}
