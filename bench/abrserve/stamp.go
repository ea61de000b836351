package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"time"
)

// maxLine is the longest line Stamp copies whole; a longer one is cut
// into pieces of this size.
const maxLine = 64 << 10

// Stamp copies r's lines to w, each prefixed by now() in Unix milliseconds
// and a tab. A line ends at '\n' or '\r' (gst-launch-1.0 ends its
// "buffering... N%" lines with '\r'); empty lines are dropped.
func Stamp(r io.Reader, w io.Writer, now func() time.Time) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxLine)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
			return i + 1, data[:i], nil
		}
		if len(data) >= maxLine || atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	bw := bufio.NewWriter(w)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		if _, err := fmt.Fprintf(bw, "%d\t%s\n", now().UnixMilli(), sc.Bytes()); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil { // a reader of the file sees each line when it comes
			return err
		}
	}
	return sc.Err()
}
