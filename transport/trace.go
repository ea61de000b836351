package transport

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport/header"
)

// TraceKind says what a TraceEntry records.
type TraceKind uint8

const (
	// TraceRequest is a request the client sent.
	TraceRequest TraceKind = iota + 1
	// TraceResponse is the server's response to one; Method and URL are
	// the request's, Took the time since it was sent.
	TraceResponse
	// TraceServerRequest is a request the server sent the client (MS-RTSP
	// ANNOUNCE and SET_PARAMETER, 2.2.7.1, 2.2.7.3).
	TraceServerRequest
	// TraceFailure is a request that got no response: Err says why.
	TraceFailure
)

func (k TraceKind) String() string {
	switch k {
	case TraceRequest:
		return "request"
	case TraceResponse:
		return "response"
	case TraceServerRequest:
		return "server request"
	case TraceFailure:
		return "failure"
	}
	return "?"
}

// TraceEntry is one message of a session's protocol trace: what a person
// diagnosing a stream reads, with credentials already redacted.
type TraceEntry struct {
	At       time.Time
	Protocol string // "mmsh", "rtsp", "smooth", "http", ...
	Kind     TraceKind
	// Method and URL are the request's (the URL with any password
	// removed).
	Method, URL string
	// Status and Reason are a response's ("200", "OK").
	Status int
	Reason string
	// Header holds the message's headers in order, credentials
	// (Authorization, Proxy-Authorization, Cookie, Set-Cookie) replaced
	// by their scheme and "[redacted]".
	Header header.Header
	// BodyLen is the body's length when known, -1 when not (a stream).
	BodyLen int64
	// Took is, for a response or a failure, the time since the request.
	Took time.Duration
	Err  string
}

// Tracer receives a session's TraceEntries. It is called from the
// protocol's goroutines: it must be safe for concurrent use and quick (it
// runs in the session's path).
type Tracer func(TraceEntry)

// Emit sends e to c.Trace when set, stamped with the time when it has
// none.
func (c Config) Emit(e TraceEntry) {
	if c.Trace == nil {
		return
	}
	if e.At.IsZero() {
		e.At = c.NowFunc()()
	}
	c.Trace(e)
}

// redacted lists the headers whose values are credentials.
var redacted = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}

// RedactHeader returns a copy of h with credentials replaced: an
// Authorization keeps its scheme ("NTLM [redacted]"), a cookie is
// "[redacted]".
func RedactHeader(h header.Header) header.Header {
	out := make(header.Header, len(h))
	copy(out, h)
	for i, f := range out {
		for _, name := range redacted {
			if !strings.EqualFold(f.Name, name) {
				continue
			}
			v := "[redacted]"
			if strings.HasSuffix(strings.ToLower(name), "authorization") {
				if scheme, _, ok := strings.Cut(strings.TrimSpace(f.Value), " "); ok {
					v = scheme + " [redacted]"
				}
			}
			out[i].Value = v
		}
	}
	return out
}

// RedactURL returns raw with the password of its user information
// removed ("mms://user:xxxxx@host/"); text that is not a URL is returned
// as it is.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

// fromHTTP converts a net/http header into the ordered form, names
// sorted (net/http does not keep the order).
func fromHTTP(h http.Header) header.Header {
	var out header.Header
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			out.Add(name, v)
		}
	}
	return out
}

// tracingTransport traces each request of an http.Client and its
// response (or failure).
type tracingTransport struct {
	base     http.RoundTripper
	protocol string
	cfg      Config
}

func (t *tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	now := t.cfg.NowFunc()
	sent := now()
	u := RedactURL(req.URL.String())
	h := fromHTTP(req.Header)
	if req.Host != "" {
		h = append(header.Header{{Name: "Host", Value: req.Host}}, h...)
	}
	t.cfg.Emit(TraceEntry{At: sent, Protocol: t.protocol, Kind: TraceRequest, Method: req.Method, URL: u,
		Header: RedactHeader(h), BodyLen: req.ContentLength})
	resp, err := t.base.RoundTrip(req)
	at := now()
	if err != nil {
		t.cfg.Emit(TraceEntry{At: at, Protocol: t.protocol, Kind: TraceFailure, Method: req.Method, URL: u,
			Took: at.Sub(sent), Err: err.Error(), BodyLen: -1})
		return nil, err
	}
	reason := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
	t.cfg.Emit(TraceEntry{At: at, Protocol: t.protocol, Kind: TraceResponse, Method: req.Method, URL: u,
		Status: resp.StatusCode, Reason: reason, Header: RedactHeader(fromHTTP(resp.Header)),
		BodyLen: resp.ContentLength, Took: at.Sub(sent)})
	return resp, nil
}

// ClientFor returns the HTTP client a protocol uses (Client), tracing its
// requests and responses under the protocol's name when c.Trace is set.
func (c Config) ClientFor(protocol string) *http.Client {
	cl := c.Client()
	if c.Trace == nil {
		return cl
	}
	base := cl.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	traced := *cl
	traced.Transport = &tracingTransport{base: base, protocol: protocol, cfg: c}
	return &traced
}

// AppendText appends e as text a person reads: a line saying what went
// which way, then its headers indented; times are from origin.
//
//	+0.012s mmsh   → GET http://host/live
//	    Pragma: xClientGUID={…}
//	+0.020s mmsh   ← 200 OK to GET http://host/live (8 ms, 1200 bytes)
func (e TraceEntry) AppendText(b []byte, origin time.Time) []byte {
	b = fmt.Appendf(b, "%+.3fs %-6s ", e.At.Sub(origin).Seconds(), e.Protocol)
	switch e.Kind {
	case TraceRequest:
		b = fmt.Appendf(b, "→ %s %s", e.Method, e.URL)
		if e.BodyLen > 0 {
			b = fmt.Appendf(b, " (%d bytes)", e.BodyLen)
		}
	case TraceResponse:
		b = fmt.Appendf(b, "← %d %s to %s %s (%d ms", e.Status, e.Reason, e.Method, e.URL, e.Took.Milliseconds())
		if e.BodyLen >= 0 {
			b = fmt.Appendf(b, ", %d bytes", e.BodyLen)
		}
		b = append(b, ')')
	case TraceServerRequest:
		b = fmt.Appendf(b, "⇐ %s %s (from the server)", e.Method, e.URL)
	case TraceFailure:
		b = fmt.Appendf(b, "✗ %s %s: %s (after %d ms)", e.Method, e.URL, e.Err, e.Took.Milliseconds())
	default:
		b = fmt.Appendf(b, "? %s %s", e.Method, e.URL)
	}
	b = append(b, '\n')
	for _, f := range e.Header {
		b = fmt.Appendf(b, "    %s: %s\n", f.Name, f.Value)
	}
	return b
}
