package hostile

import (
	"strconv"
	"strings"
)

// Response is an HTTP/1.x response to be written (RFC 9112 4, 6): a
// status line, header fields in order and a body. Scenarios start from a
// conforming Response and change what they lie about.
type Response struct {
	Proto  string // default "HTTP/1.1"
	Code   int
	Reason string
	Fields []Field
	Body   []byte
}

// Set replaces every field called name with one value (or adds it).
func (r *Response) Set(name, value string) {
	r.Del(name)
	r.Fields = append(r.Fields, Field{name, value})
}

// Add appends a field.
func (r *Response) Add(name, value string) { r.Fields = append(r.Fields, Field{name, value}) }

// Del removes every field called name.
func (r *Response) Del(name string) {
	out := r.Fields[:0]
	for _, f := range r.Fields {
		if !strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	r.Fields = out
}

// Head returns the status line and the header fields, up to and with the
// empty line that ends them.
func (r *Response) Head() []byte {
	proto := r.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	var b strings.Builder
	b.WriteString(proto + " " + strconv.Itoa(r.Code) + " " + r.Reason + "\r\n")
	for _, f := range r.Fields {
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// Bytes returns the whole response.
func (r *Response) Bytes() []byte { return append(r.Head(), r.Body...) }

// Write writes the whole response on c.
func (r *Response) Write(c *Conn) error { return c.Write(r.Bytes()) }

// Empty is a response with no body ("Content-Length: 0") that closes the
// connection.
func Empty(code int, reason string, fields ...Field) *Response {
	r := &Response{Code: code, Reason: reason, Fields: append([]Field(nil), fields...)}
	r.Set("Content-Length", "0")
	r.Set("Connection", "close")
	return r
}
