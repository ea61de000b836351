package hostile

import (
	"strconv"
	"strings"
	"sync/atomic"
)

// HTTPFile serves a file over HTTP/1.1 like a plain web server, one
// request per connection: 200 with a Content-Length, or, with Ranges set,
// "Accept-Ranges: bytes" and 206 Partial Content with a Content-Range to a
// "Range: bytes=N-" request (RFC 9110 14.2–14.4), 416 past the end. A
// scenario replaces any answer with OnGet, which gets the conforming one.
type HTTPFile struct {
	Data   []byte
	Ranges bool
	// ContentType defaults to video/x-ms-asf.
	ContentType string
	// OnGet answers instead of the conforming server when set; n counts
	// the requests from 1.
	OnGet func(c *Conn, r *Request, n int, resp *Response)

	gets atomic.Int32
}

// Gets counts the requests received.
func (f *HTTPFile) Gets() int { return int(f.gets.Load()) }

// Handle is the Server handler.
func (f *HTTPFile) Handle(c *Conn) {
	r, err := c.ReadRequest()
	if err != nil {
		return
	}
	n := int(f.gets.Add(1))
	resp := f.Response(r)
	if f.OnGet != nil {
		f.OnGet(c, r, n, resp)
		return
	}
	_ = resp.Write(c)
}

// Response is the conforming answer to r.
func (f *HTTPFile) Response(r *Request) *Response {
	ct := f.ContentType
	if ct == "" {
		ct = "video/x-ms-asf"
	}
	resp := &Response{Code: 200, Reason: "OK", Fields: []Field{{"Content-Type", ct}, {"Connection", "close"}}}
	start, ranged := RangeStart(r)
	if !f.Ranges || !ranged {
		if f.Ranges {
			resp.Add("Accept-Ranges", "bytes")
		}
		resp.Add("Content-Length", strconv.Itoa(len(f.Data)))
		resp.Body = f.Data
		return resp
	}
	if start >= int64(len(f.Data)) {
		resp = Empty(416, "Range Not Satisfiable", Field{"Content-Range", "bytes */" + strconv.Itoa(len(f.Data))})
		return resp
	}
	resp.Code, resp.Reason = 206, "Partial Content"
	resp.Add("Accept-Ranges", "bytes")
	resp.Add("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.Itoa(len(f.Data)-1)+"/"+strconv.Itoa(len(f.Data)))
	resp.Add("Content-Length", strconv.Itoa(len(f.Data)-int(start)))
	resp.Body = f.Data[start:]
	return resp
}

// RangeStart returns N of a "Range: bytes=N-" request.
func RangeStart(r *Request) (int64, bool) {
	v, ok := strings.CutPrefix(strings.TrimSpace(r.Get("Range")), "bytes=")
	if !ok {
		return 0, false
	}
	s, _, ok := strings.Cut(v, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
