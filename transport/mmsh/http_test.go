package mmsh

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

var responseCases = []struct {
	name   string
	in     string
	status int
	body   string
	next   string // what follows on the connection
	ok     bool
}{
	{"D4.4 HTTP 1.1 typo", "HTTP 1.1 200 OK\r\nServer: Cougar/9.00.00.1234\r\nPragma: client-id=3333510490, timeout=60000\r\nContent-Length: 0\r\n\r\nNEXT", 200, "", "NEXT", true},
	{"LF only", "HTTP/1.0 200 OK\nServer: Cougar 4.1.0.3921\nContent-type: application/octet-stream\n\nbody", 200, "body", "", true},
	{"chunked with trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n$T\x00\x00\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\nHTTP/1.1 204", 200, "$T\x00\x00abc", "HTTP/1.1 204", true},
	{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef", 200, "abc", "def", true},
	{"204 no body", "HTTP/1.1 204 No Content\r\n\r\nrest", 204, "", "rest", true},
	{"folded header", "HTTP/1.1 200 OK\r\nPragma: no-cache,\r\n client-id=5\r\nContent-Length: 0\r\n\r\n", 200, "", "", true},
	{"bad status", "HTTP/2.0 200 OK\r\n\r\n", 0, "", "", false},
	{"no code", "HTTP/1.1 OK\r\n\r\n", 0, "", "", false},
	{"bad header", "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", 0, "", "", false},
	{"bad content-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, "", "", false},
	{"conflicting content-length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 0, "", "", false},
	{"other transfer-encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, "", "", false},
	{"truncated header", "HTTP/1.1 200 OK\r\nServer: x", 0, "", "", false},
}

func TestReadResponse(t *testing.T) {
	for _, c := range responseCases {
		t.Run(c.name, func(t *testing.T) {
			br := bufio.NewReader(strings.NewReader(c.in))
			r, err := readResponse(br)
			if (err == nil) != c.ok {
				t.Fatalf("err %v", err)
			}
			if err != nil {
				return
			}
			if r.StatusCode != c.status {
				t.Errorf("status %d", r.StatusCode)
			}
			b, err := io.ReadAll(r.body(br))
			if err != nil || string(b) != c.body {
				t.Errorf("body %q %v", b, err)
			}
			if r.delimited() {
				rest, _ := io.ReadAll(br)
				if string(rest) != c.next {
					t.Errorf("after the body %q, want %q", rest, c.next)
				}
			}
		})
	}
	br := bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nPragma: no-cache,\r\n client-id=5\r\n\r\n"))
	r, _ := readResponse(br)
	if v, _, _ := r.pragma().Uint32("client-id"); v != 5 {
		t.Errorf("folded Pragma: %v", r.Header)
	}
}

func TestChunkedErrors(t *testing.T) {
	for _, in := range []string{"zz\r\n", "4\r\nab", "2\r\nabXX1\r\n", "123456789\r\n", "0\r\n"} {
		_, err := io.ReadAll(&chunkedReader{br: bufio.NewReader(strings.NewReader(in))})
		if !errors.Is(err, ErrProtocol) {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// FuzzReadResponse: response header and body parsing never panics and
// stays within its limits.
func FuzzReadResponse(f *testing.F) {
	for _, c := range responseCases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bufio.NewReaderSize(strings.NewReader(string(b)), 4096)
		for i := 0; i < 4; i++ {
			r, err := readResponse(br)
			if err != nil {
				return
			}
			if r.HeaderBytes > MaxHeaderBytes || len(r.Header) > MaxHeaderLines {
				t.Fatalf("limits: %d bytes, %d lines", r.HeaderBytes, len(r.Header))
			}
			_ = r.pragma()
			if _, err := io.Copy(io.Discard, io.LimitReader(r.body(br), 1<<20)); err != nil || !r.delimited() {
				return
			}
		}
	})
}
