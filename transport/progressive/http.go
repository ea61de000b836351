package progressive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
)

// UserAgent is sent on progressive HTTP requests unless Config.UserAgent is
// set.
const UserAgent = "Eddy/0.1"

// maxSkip is how far a reader on a server without Range support may read
// forward and discard to reach an offset.
const maxSkip = 1 << 20

// maxReferenceSize bounds a [Reference] redirector body.
const maxReferenceSize = 64 << 10

// MatchHTTP accepts http:// and https:// URLs.
func MatchHTTP(u *url.URL) bool { return u.Scheme == "http" || u.Scheme == "https" }

// HTTPDialer plays ASF files over HTTP(S) progressive download.
type HTTPDialer struct{}

// wmsContentTypes are the MIME types of a Windows Media server speaking
// MS-WMSP (MS-WMSP 2.2.1.1.1) rather than serving a plain file.
var wmsContentTypes = []string{"application/vnd.ms.wms-hdr.asfv1", "application/x-mms-framed"}

// Dial implements transport.Dialer.
func (HTTPDialer) Dial(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", transport.ErrUnsupportedURL, err)
	}
	base, cancel := context.WithCancel(context.Background())
	r := &httpReader{
		client: cfg.Client(), url: u.String(), ua: cfg.UserAgent, base: base, cancel: cancel,
		timeout: cfg.TimeoutOrDefault(), size: -1,
	}
	if r.ua == "" {
		r.ua = UserAgent
	}
	// The dial context bounds the first request; later reads are bounded
	// by the stall timeout and Close.
	stop := context.AfterFunc(ctx, cancel)
	resp, err := r.get(0)
	stop()
	if err != nil {
		cancel()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if redirect := detectWMS(u, resp); redirect != nil {
		resp.Body.Close()
		cancel()
		return nil, redirect
	}
	br := bufio.NewReaderSize(resp.Body, 4096)
	head, _ := br.Peek(4096)
	if redirect, err := detectRedirector(u, head, br); redirect != nil || err != nil {
		resp.Body.Close()
		cancel()
		if err != nil {
			return nil, err
		}
		return nil, redirect
	}
	if len(head) < 16 || !bytes.Equal(head[:16], asf.GUIDHeader[:]) {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("GET %s: not an ASF file (Content-Type %q)", u.Redacted(), resp.Header.Get("Content-Type"))
	}
	r.setBody(resp, br, 0)
	size := r.size
	if !r.rangeOK {
		// Without Range requests the index at the end is out of reach.
		size = -1
	}
	af, err := asf.OpenFile(newCachedReader(r, size), size)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	proto := u.Scheme
	s, err := NewSession(af, r, u.String(), proto, r.rangeOK, cfg.Now)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", u.Redacted(), err)
	}
	return s, nil
}

// detectWMS recognises a Windows Media server from its response headers and
// asks for the MMSH client instead.
func detectWMS(u *url.URL, resp *http.Response) *transport.RedirectError {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(resp.Header.Get("Content-Type"), ";")[0]))
	server := resp.Header.Get("Server")
	why := ""
	for _, t := range wmsContentTypes {
		if ct == t {
			why = "Content-Type " + t
		}
	}
	if strings.Contains(server, "Cougar") || strings.Contains(server, "WMServer") {
		why = "Server " + server
	}
	if why == "" {
		return nil
	}
	m := *u
	m.Scheme = "mmsh"
	if m.Port() == "" && u.Scheme == "http" {
		m.Host = u.Hostname() + ":80"
		if strings.Contains(u.Hostname(), ":") {
			m.Host = "[" + u.Hostname() + "]:80"
		}
	}
	return &transport.RedirectError{Location: m.String(), Reason: "the server speaks MS-WMSP (" + why + ")"}
}

// detectRedirector handles bodies that are not media: a [Reference]
// redirector becomes a redirect to its first entry; an ASX playlist is a
// clear error for now.
func detectRedirector(u *url.URL, head []byte, body io.Reader) (*transport.RedirectError, error) {
	text := head
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	text = bytes.TrimLeft(text, " \t\r\n")
	lower := bytes.ToLower(text[:min(len(text), 16)])
	switch {
	case bytes.HasPrefix(lower, []byte("[reference]")):
		all, _ := io.ReadAll(io.LimitReader(body, maxReferenceSize))
		refs := ParseReference(all)
		if len(refs) == 0 {
			return nil, fmt.Errorf("GET %s: [Reference] redirector lists no URL", u.Redacted())
		}
		loc, err := u.Parse(refs[0])
		if err != nil {
			return nil, fmt.Errorf("GET %s: [Reference] entry %q: %w", u.Redacted(), refs[0], err)
		}
		// Redirector entries point at Windows Media servers: http there
		// means MMSH.
		if loc.Scheme == "http" {
			loc.Scheme = "mmsh"
		}
		return &transport.RedirectError{Location: loc.String(), Reason: "[Reference] redirector"}, nil
	case bytes.HasPrefix(lower, []byte("<asx")):
		return nil, fmt.Errorf("GET %s: this is an ASX playlist; ASX playlists are not supported yet", u.Redacted())
	}
	return nil, nil
}

// ParseReference reads the entries of a [Reference] redirector (the
// INI-style .asx/.wax/.wvx files a Windows Media server sends to plain HTTP
// clients): the values of the keys starting with "Ref", in file order.
func ParseReference(b []byte) []string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var refs []string
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if i == 0 || line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(k)), "ref") {
			continue
		}
		if v = strings.TrimSpace(v); v != "" {
			refs = append(refs, v)
		}
	}
	return refs
}

// httpReader is an io.ReaderAt over HTTP: sequential reads continue one
// response body; a jump opens a Range request. A read that makes no
// progress for the timeout fails instead of hanging.
type httpReader struct {
	client  *http.Client
	url, ua string
	base    context.Context
	cancel  context.CancelFunc
	timeout time.Duration

	mu       sync.Mutex
	body     io.ReadCloser
	br       *bufio.Reader
	reqStop  context.CancelFunc
	pos      int64
	size     int64
	rangeOK  bool
	closed   bool
	requests int
}

// get issues a GET from offset off.
func (r *httpReader) get(off int64) (*http.Response, error) {
	ctx, cancel := context.WithCancel(r.base)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set("User-Agent", r.ua)
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-", off))
	timer := time.AfterFunc(r.timeout, cancel)
	resp, err := r.client.Do(req)
	timer.Stop()
	if err != nil {
		// A *url.Error names the method and URL already.
		cancel()
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		start, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != off {
			resp.Body.Close()
			cancel()
			return nil, fmt.Errorf("GET %s: Range bytes=%d- answered with Content-Range %q", redact(r.url), off, resp.Header.Get("Content-Range"))
		}
		r.rangeOK = true
		if total >= 0 {
			r.size = total
		}
	case resp.StatusCode == http.StatusOK:
		if off > 0 {
			resp.Body.Close()
			cancel()
			return nil, fmt.Errorf("GET %s: server ignored Range: %w", redact(r.url), transport.ErrNotSeekable)
		}
		if resp.ContentLength >= 0 {
			r.size = resp.ContentLength
		}
		r.rangeOK = strings.EqualFold(resp.Header.Get("Accept-Ranges"), "bytes")
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		resp.Body.Close()
		cancel()
		return nil, io.EOF
	default:
		resp.Body.Close()
		cancel()
		return nil, &transport.StatusError{URL: redact(r.url), Method: http.MethodGet, Code: resp.StatusCode, Status: resp.Status}
	}
	r.requests++
	r.reqStop = cancel
	return resp, nil
}

func (r *httpReader) setBody(resp *http.Response, br *bufio.Reader, pos int64) {
	r.body, r.br, r.pos = resp.Body, br, pos
}

// ReadAt implements io.ReaderAt.
func (r *httpReader) ReadAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, transport.ErrClosed
	}
	if r.size >= 0 && off >= r.size {
		return 0, io.EOF
	}
	if r.body == nil || off != r.pos {
		if r.body != nil && off > r.pos && (!r.rangeOK && off-r.pos <= maxSkip || off-r.pos <= 64<<10) {
			// Cheaper to read on than to reconnect.
			if _, err := r.readFull(make([]byte, off-r.pos)); err != nil {
				return 0, err
			}
		} else {
			if !r.rangeOK && r.body != nil {
				return 0, fmt.Errorf("GET %s: cannot jump to byte %d: %w", redact(r.url), off, transport.ErrNotSeekable)
			}
			r.dropBody()
			resp, err := r.get(off)
			if err != nil {
				return 0, err
			}
			r.setBody(resp, bufio.NewReaderSize(resp.Body, 32<<10), off)
		}
	}
	n, err := r.readFull(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

// readFull reads len(p) bytes from the current body, failing when no byte
// arrives within the timeout.
func (r *httpReader) readFull(p []byte) (int, error) {
	stop := r.reqStop
	done := 0
	for done < len(p) {
		timer := time.AfterFunc(r.timeout, stop)
		n, err := r.br.Read(p[done:])
		stalled := !timer.Stop()
		done += n
		r.pos += int64(n)
		if err != nil {
			r.dropBody()
			if stalled {
				return done, fmt.Errorf("GET %s: no data for %v", redact(r.url), r.timeout)
			}
			if r.closed {
				return done, transport.ErrClosed
			}
			if errors.Is(err, io.EOF) && done < len(p) {
				return done, io.ErrUnexpectedEOF
			}
			return done, err
		}
	}
	return done, nil
}

func (r *httpReader) dropBody() {
	if r.body != nil {
		r.body.Close()
		r.body, r.br = nil, nil
	}
	if r.reqStop != nil {
		r.reqStop()
		r.reqStop = nil
	}
}

// Close aborts any request and releases the connection.
func (r *httpReader) Close() error {
	r.cancel()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	r.dropBody()
	return nil
}

// parseContentRange parses "bytes START-END/TOTAL" (TOTAL may be "*").
func parseContentRange(v string) (start, total int64, ok bool) {
	v = strings.TrimSpace(v)
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	s, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || start < 0 {
		return 0, 0, false
	}
	total = -1
	if tot = strings.TrimSpace(tot); tot != "*" {
		if total, err = strconv.ParseInt(tot, 10, 64); err != nil || total < 0 {
			return 0, 0, false
		}
	}
	return start, total, true
}

// redact hides credentials in a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}
