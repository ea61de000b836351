package mmsh

import (
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/header"
)

// maxTraced bounds the requests a connection remembers for timing their
// responses (a pipelined Play connection has a few outstanding).
const maxTraced = 16

// tracer feeds a connection's requests and responses to the session's
// protocol trace (transport.Config.Trace).
type tracer struct {
	cfg transport.Config

	mu   sync.Mutex
	sent []tracedRequest // outstanding, oldest first
}

type tracedRequest struct {
	method, url string
	at          time.Time
}

// request records req, written on c.
func (t *tracer) request(c *conn, req *request) {
	if t == nil || t.cfg.Trace == nil {
		return
	}
	u := req.Target
	if !strings.Contains(u, "://") {
		u = "http://" + c.host + u
	}
	u = transport.RedactURL(u)
	h := make(header.Header, 0, len(req.Header))
	for _, f := range req.Header {
		h.Add(f.Name, f.Value)
	}
	at := t.cfg.NowFunc()()
	t.mu.Lock()
	if len(t.sent) == maxTraced {
		t.sent = t.sent[1:]
	}
	t.sent = append(t.sent, tracedRequest{req.Method, u, at})
	t.mu.Unlock()
	t.cfg.Emit(transport.TraceEntry{At: at, Protocol: "mmsh", Kind: transport.TraceRequest, Method: req.Method, URL: u,
		Header: transport.RedactHeader(h), BodyLen: int64(len(req.Body))})
}

// response records the answer (or the failure) to the oldest request
// outstanding.
func (t *tracer) response(resp *response, err error) {
	if t == nil || t.cfg.Trace == nil {
		return
	}
	at := t.cfg.NowFunc()()
	e := transport.TraceEntry{At: at, Protocol: "mmsh", Kind: transport.TraceResponse, BodyLen: -1}
	t.mu.Lock()
	if len(t.sent) > 0 {
		r := t.sent[0]
		t.sent = t.sent[1:]
		e.Method, e.URL, e.Took = r.method, r.url, at.Sub(r.at)
	}
	t.mu.Unlock()
	if err != nil {
		e.Kind, e.Err = transport.TraceFailure, err.Error()
		t.cfg.Emit(e)
		return
	}
	e.Status, e.Reason = resp.StatusCode, resp.Reason
	for _, f := range resp.Header {
		e.Header.Add(f.Name, f.Value)
	}
	e.Header = transport.RedactHeader(e.Header)
	if !resp.Chunked {
		e.BodyLen = resp.ContentLength
	}
	t.cfg.Emit(e)
}
