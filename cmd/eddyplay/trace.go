package main

import (
	"bufio"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// traceWriter writes the session's protocol trace (--trace) as text, one
// message after the other, times from the first.
type traceWriter struct {
	mu     sync.Mutex
	f      *os.File
	w      *bufio.Writer
	origin time.Time
	buf    []byte
	err    error
}

func newTraceWriter(path string) (*traceWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &traceWriter{f: f, w: bufio.NewWriter(f)}, nil
}

// Trace is the transport.Tracer.
func (t *traceWriter) Trace(e transport.TraceEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.origin.IsZero() {
		t.origin = e.At
	}
	t.buf = e.AppendText(t.buf[:0], t.origin)
	if _, err := t.w.Write(t.buf); err != nil && t.err == nil {
		t.err = err
	}
	if err := t.w.Flush(); err != nil && t.err == nil {
		t.err = err // flushed per message: a crash or ^C keeps what came
	}
}

// Close flushes and closes the file; the first write error, if any.
func (t *traceWriter) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return errors.Join(t.err, t.w.Flush(), t.f.Close())
}
