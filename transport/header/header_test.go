package header

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	cases := []struct {
		name, in string
		want     Header
		used     int
		err      error
	}{
		{"crlf", "CSeq: 1\r\nSession: 8134007897615700187;timeout=60\r\n\r\nbody",
			Header{{"CSeq", "1"}, {"Session", "8134007897615700187;timeout=60"}}, 52, nil},
		{"lf only", "A: 1\nB:2\n\n", Header{{"A", "1"}, {"B", "2"}}, 10, nil},
		{"repeats kept in order", "Pragma: a\r\nX: y\r\nPragma: b\r\n\r\n",
			Header{{"Pragma", "a"}, {"X", "y"}, {"Pragma", "b"}}, 30, nil},
		{"folding", "A: one\r\n two\r\n\r\n", Header{{"A", "one two"}}, 16, nil},
		{"empty", "\r\n", nil, 2, nil},
		{"no colon", "garbage\r\n\r\n", nil, 0, ErrMalformed},
		{"space in name", "Bad Name: x\r\n\r\n", nil, 0, ErrMalformed},
		{"fold first", " x\r\n\r\n", nil, 0, ErrMalformed},
		{"unterminated", "A: 1\r\n", nil, 0, io.ErrUnexpectedEOF},
		{"line too long", "A: " + strings.Repeat("x", MaxLine) + "\r\n\r\n", nil, 0, ErrTooLarge},
		{"too many lines", strings.Repeat("A: 1\r\n", MaxLines+1) + "\r\n", nil, 0, ErrTooLarge},
		{"block too large", strings.Repeat("A: "+strings.Repeat("x", 4000)+"\r\n", 20) + "\r\n", nil, 0, ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, used, err := Read(bufio.NewReader(strings.NewReader(c.in)), 0)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if used != c.used {
				t.Errorf("used %d, want %d", used, c.used)
			}
			if len(h) != len(c.want) {
				t.Fatalf("got %q, want %q", h, c.want)
			}
			for i := range h {
				if h[i] != c.want[i] {
					t.Fatalf("got %q, want %q", h, c.want)
				}
			}
		})
	}
}

func TestHeaderAccess(t *testing.T) {
	h := Header{{"Content-Type", "application/sdp"}, {"pragma", "a"}, {"Pragma", "b"}}
	if got := h.Get("CONTENT-TYPE"); got != "application/sdp" {
		t.Errorf("Get %q", got)
	}
	if got := h.Values("Pragma"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("Values %q", got)
	}
	h.Set("PRAGMA", "c")
	if got := h.Values("Pragma"); len(got) != 1 || got[0] != "c" {
		t.Errorf("after Set: %q", got)
	}
	h.Set("CSeq", "3")
	h.Del("content-type")
	var b bytes.Buffer
	h.Write(&b)
	if got, want := b.String(), "pragma: c\r\nCSeq: 3\r\n"; got != want {
		t.Errorf("Write %q, want %q", got, want)
	}
	if h.Has("Content-Type") || !h.Has("cseq") {
		t.Error("Has")
	}
}

func TestContentLength(t *testing.T) {
	for _, c := range []struct {
		h      Header
		n      int64
		ok     bool
		hasErr bool
	}{
		{nil, 0, false, false},
		{Header{{"Content-Length", " 43 "}}, 43, true, false},
		{Header{{"Content-Length", "43"}, {"content-length", "43"}}, 43, true, false},
		{Header{{"Content-Length", "43"}, {"Content-Length", "44"}}, 0, true, true},
		{Header{{"Content-Length", "-1"}}, 0, true, true},
		{Header{{"Content-Length", "99999999999999999999"}}, 0, true, true},
	} {
		n, ok, err := c.h.ContentLength()
		if n != c.n || ok != c.ok || (err != nil) != c.hasErr {
			t.Errorf("%q: %d %v %v", c.h, n, ok, err)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: error %v is not ErrMalformed", c.h, err)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{"CSeq: 1\r\n\r\n", "A: one\r\n two\r\n\r\n", "garbage\r\n\r\n", "\n", " x\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, used, err := Read(bufio.NewReaderSize(bytes.NewReader(b), 16), 0)
		if err != nil {
			return
		}
		if used > len(b) || used > MaxBytes || len(h) > MaxLines {
			t.Fatalf("used %d of %d, %d lines", used, len(b), len(h))
		}
		var w bytes.Buffer
		h.Write(&w)
		w.WriteString("\r\n")
		h2, _, err := Read(bufio.NewReader(&w), 0)
		if err != nil || len(h2) != len(h) {
			t.Fatalf("written %q does not read back: %v", w.String(), err)
		}
	})
}

func TestSplitList(t *testing.T) {
	got := SplitList(`url="rtsp://h/a,b;c/x";seq=1, url=rtsp://h/y,`)
	want := []string{`url="rtsp://h/a,b;c/x";seq=1`, ` url=rtsp://h/y`, ``}
	if len(got) != len(want) {
		t.Fatalf("%q", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%q, want %q", got, want)
		}
	}
}
