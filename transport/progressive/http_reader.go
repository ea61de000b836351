package progressive

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// maxResumes bounds the Range requests that try to resume a transfer the
// server ended before its declared length (RFC 9110 14.2), in a row
// without a completed read in between: a server that keeps cutting the
// connection without delivering what a read needs ends with an error
// wrapping transport.ErrTruncated, not a storm of requests.
const maxResumes = 3

// maxJump is how far forward a reader reads on and discards, rather than
// opening a new Range request, to reach an offset.
const maxJump = 64 << 10

// httpReader is an io.ReaderAt over HTTP: sequential reads continue one
// response body; a jump opens a Range request (RFC 9110 14.2); a body that
// ends before its declared length is resumed with a Range request.
//
// Every read has a deadline: it must get the bytes it needs within the
// timeout (while dialing, within the dial's deadline), however the server
// paces them, so a stall and a drip both end with a *timeoutError. A read
// is also abandoned when the context bound with bind is cancelled.
type httpReader struct {
	client  *http.Client
	url, ua string
	base    context.Context // cancelled by Close
	cancel  context.CancelFunc
	timeout time.Duration

	mu      sync.Mutex // held for a whole read
	body    io.ReadCloser
	br      *bufio.Reader
	pos     int64 // file offset of the next byte br yields
	size    int64 // declared length (Content-Length, Content-Range), -1 when unknown
	etag    string
	rangeOK bool
	opened  bool
	closed  bool
	resumes int             // resumes in a row without a completed read
	reached int64           // furthest offset received
	limit   time.Time       // while dialing: when the dial gives up
	opening time.Duration   // while dialing: the dial's whole timeout
	ctx     context.Context // the caller's context for reads (bind)

	received   atomic.Int64 // bytes read off the network
	reconnects atomic.Int64 // resumed transfers

	amu     sync.Mutex
	reqStop context.CancelFunc // cancels the current request
	gen     uint64             // the read being guarded
	why     error              // why that read's request was cancelled
}

// errDeadline marks a read cancelled by its deadline.
var errDeadline = errors.New("read deadline")

func newHTTPReader(client *http.Client, url, ua string, timeout time.Duration) *httpReader {
	base, cancel := context.WithCancel(context.Background())
	return &httpReader{client: client, url: url, ua: ua, base: base, cancel: cancel, timeout: timeout, size: -1}
}

// dialing binds ctx and sets the deadline of the whole dial, the timeout
// from now; the returned function lifts both.
func (r *httpReader) dialing(ctx context.Context) func() {
	r.mu.Lock()
	r.limit, r.opening = time.Now().Add(r.timeout), r.timeout
	r.mu.Unlock()
	unbind := r.bind(ctx)
	return func() {
		unbind()
		r.mu.Lock()
		r.limit, r.opening = time.Time{}, 0
		r.mu.Unlock()
	}
}

// bind makes reads until the returned function is called end when ctx
// is done, with ctx's error.
func (r *httpReader) bind(ctx context.Context) func() {
	r.mu.Lock()
	r.ctx = ctx
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		r.ctx = nil
		r.mu.Unlock()
	}
}

// reconnectCount reports the transfers resumed so far.
func (r *httpReader) reconnectCount() int { return int(r.reconnects.Load()) }

// declaredSize returns the length the server declared, -1 when unknown.
func (r *httpReader) declaredSize() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.size
}

// ranges reports whether the server honours Range requests.
func (r *httpReader) ranges() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rangeOK
}

// open sends the first request and returns its response (the body stays
// with the reader).
func (r *httpReader) open() (*http.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var resp *http.Response
	err := r.guard(0, func() error {
		var err error
		resp, err = r.get(0)
		return err
	})
	var te *timeoutError
	if errors.As(err, &te) {
		te.headers = true
	}
	return resp, err
}

// ReadAt implements io.ReaderAt.
func (r *httpReader) ReadAt(p []byte, off int64) (int, error) {
	return r.readAtLeast(p, off, len(p))
}

// readAtLeast reads into p the bytes at off. It returns once at least need
// bytes came (fewer only with an error; io.EOF at the declared end), plus
// those already received beyond them, up to len(p).
func (r *httpReader) readAtLeast(p []byte, off int64, need int) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, transport.ErrClosed
	}
	if off < 0 {
		return 0, fmt.Errorf("GET %s: negative offset %d", redact(r.url), off)
	}
	short := false
	if r.size >= 0 {
		if off >= r.size {
			return 0, io.EOF
		}
		if rest := r.size - off; int64(len(p)) > rest {
			p, short = p[:rest], true
		}
	}
	need = max(0, min(need, len(p)))
	n := 0
	err := r.guard(int64(need), func() error {
		if err := r.seek(off); err != nil {
			return err
		}
		var err error
		n, err = r.readBody(p, need)
		return err
	})
	if err == nil {
		r.resumes = 0
		if short && n == len(p) {
			err = io.EOF
		}
	}
	return n, err
}

// guard runs read, which needs need more bytes from the network, under the
// read's deadline and the bound context. When either ends first, the
// request in flight is cancelled and guard returns why: a *timeoutError or
// the context's error.
func (r *httpReader) guard(need int64, read func() error) error {
	if r.ctx != nil {
		if err := r.ctx.Err(); err != nil {
			return err
		}
	}
	start := time.Now()
	deadline := start.Add(r.timeout)
	if !r.limit.IsZero() && r.limit.Before(deadline) {
		deadline = r.limit
	}
	r.amu.Lock()
	r.gen++
	gen := r.gen
	r.why = nil
	r.amu.Unlock()
	before := r.received.Load()
	timer := time.AfterFunc(time.Until(deadline), func() { r.abort(gen, errDeadline) })
	defer timer.Stop()
	if ctx := r.ctx; ctx != nil {
		stop := context.AfterFunc(ctx, func() { r.abort(gen, ctx.Err()) })
		defer stop()
	}
	err := read()
	r.amu.Lock()
	why := r.why
	r.gen++ // a late timer or cancellation no longer applies
	r.amu.Unlock()
	if why != nil {
		// The request was cancelled: its body is unusable.
		r.dropBody()
		if err == nil {
			return nil
		}
		if why == errDeadline {
			return &timeoutError{
				url: redact(r.url), window: deadline.Sub(start).Round(time.Millisecond), opening: r.opening,
				got: r.received.Load() - before, need: need,
			}
		}
		return why
	}
	if err != nil && r.base.Err() != nil {
		return transport.ErrClosed
	}
	return err
}

// abort cancels the request of read gen, for why.
func (r *httpReader) abort(gen uint64, why error) {
	r.amu.Lock()
	defer r.amu.Unlock()
	if gen != r.gen || r.why != nil {
		return
	}
	r.why = why
	if r.reqStop != nil {
		r.reqStop()
	}
}

// aborted reports whether the current read's request was cancelled (by
// its deadline, the bound context or Close).
func (r *httpReader) aborted() bool {
	r.amu.Lock()
	defer r.amu.Unlock()
	return r.why != nil || r.base.Err() != nil
}

// seek positions the body at off: it reads on and discards a short
// distance forward, otherwise opens a Range request.
func (r *httpReader) seek(off int64) error {
	if r.body != nil && off == r.pos {
		return nil
	}
	if r.body != nil && off > r.pos && (off-r.pos <= maxJump || !r.rangeOK && off-r.pos <= maxSkip) {
		return r.discard(off - r.pos)
	}
	if r.body != nil && !r.rangeOK {
		return fmt.Errorf("GET %s: cannot jump to byte %d: %w", redact(r.url), off, transport.ErrNotSeekable)
	}
	r.dropBody()
	if _, err := r.get(off); err != nil {
		return err
	}
	if r.pos < off {
		return r.discard(off - r.pos)
	}
	return nil
}

// discard reads and drops n bytes of the body (io.EOF when it ends
// first).
func (r *httpReader) discard(n int64) error {
	var scratch [32 << 10]byte
	for n > 0 {
		k := int(min(n, int64(len(scratch))))
		got, err := r.readBody(scratch[:k], k)
		n -= int64(got)
		if err != nil {
			return err
		}
	}
	return nil
}

// readBody reads into p from the body until at least need bytes came,
// then takes what is already buffered. A transfer that ends early is
// resumed.
func (r *httpReader) readBody(p []byte, need int) (int, error) {
	n := 0
	for n < need {
		if r.body == nil {
			if err := r.resume(nil); err != nil {
				return n, err
			}
			continue
		}
		k, err := r.br.Read(p[n:])
		n += k
		r.advance(k)
		if err == nil {
			continue
		}
		if r.aborted() {
			r.dropBody()
			return n, err
		}
		if errors.Is(err, io.EOF) && (r.size < 0 || r.pos >= r.size) {
			// The declared end, or the end of a body of unknown length.
			r.dropBody()
			return n, io.EOF
		}
		// Ended before its declared length: io.EOF, io.ErrUnexpectedEOF
		// (Content-Length or chunked body cut), a reset connection.
		if err := r.resume(err); err != nil {
			return n, err
		}
	}
	for n < len(p) && r.br != nil && r.br.Buffered() > 0 {
		k, _ := r.br.Read(p[n:])
		n += k
		r.advance(k)
	}
	return n, nil
}

func (r *httpReader) advance(k int) {
	r.pos += int64(k)
	r.reached = max(r.reached, r.pos)
}

// resume reopens a transfer that ended early (cause; nil when the body was
// dropped by an earlier failed read) at the current offset, at most
// maxResumes times in a row. It needs a server that honours Range (a 206
// names the offset it starts at) or a declared length (a 200 of the same
// length is the same file from byte 0, read on to the offset when that is
// at most maxSkip bytes).
func (r *httpReader) resume(cause error) error {
	r.dropBody()
	if !r.rangeOK && r.size < 0 {
		// Nothing could tell a resumed transfer is the same file (a live
		// stream starts again wherever it is).
		return r.truncated("the server does not support Range requests", cause)
	}
	if r.resumes >= maxResumes {
		return r.truncated(fmt.Sprintf("%d attempts to resume it failed", maxResumes), cause)
	}
	r.resumes++
	if cause != nil {
		r.reconnects.Add(1)
	}
	want := r.pos
	if _, err := r.get(want); err != nil {
		if r.aborted() {
			return err
		}
		if errors.Is(err, io.EOF) {
			// 416: the server has nothing at this offset.
			return r.truncated("the server has no bytes past it", cause)
		}
		return r.truncated("resuming failed: "+err.Error(), cause)
	}
	if r.pos < want {
		// The server ignored Range and sends the file again from byte
		// 0: read on to where the transfer stopped.
		if err := r.discard(want - r.pos); err != nil {
			if errors.Is(err, io.EOF) {
				return r.truncated("the file sent again ended before it", nil)
			}
			return err
		}
	}
	return nil
}

// truncated is the error of a transfer that could not be completed.
func (r *httpReader) truncated(why string, cause error) error {
	what := fmt.Sprintf("the server closed the connection after %d bytes of a body of unknown length", r.reached)
	if r.size >= 0 {
		what = fmt.Sprintf("the server closed the connection after %d of %d bytes", r.reached, r.size)
	}
	if cause != nil && !errors.Is(cause, io.EOF) && !errors.Is(cause, io.ErrUnexpectedEOF) {
		what += " (" + cause.Error() + ")"
	}
	return &truncatedError{msg: fmt.Sprintf("GET %s: %s; %s", redact(r.url), what, why)}
}

// get issues a GET for the bytes from off (Range: bytes=off-) and makes its
// body current. A 206 must start at off and keep the declared length; a
// 200 to a Range request (a server that ignores Range) is the whole file
// from byte 0, accepted when off ≤ maxSkip: the caller reads on to off.
func (r *httpReader) get(off int64) (*http.Response, error) {
	ctx, cancel := context.WithCancel(r.base)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set("User-Agent", r.ua)
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-", off))
	r.amu.Lock()
	r.reqStop = cancel
	if r.why != nil {
		cancel()
	}
	r.amu.Unlock()
	resp, err := r.client.Do(req)
	if err != nil {
		// A *url.Error names the method and URL already.
		cancel()
		return nil, err
	}
	fail := func(err error) (*http.Response, error) {
		resp.Body.Close()
		cancel()
		return nil, err
	}
	etag := resp.Header.Get("ETag")
	if r.opened && r.etag != "" && etag != "" && etag != r.etag {
		return fail(fmt.Errorf("GET %s: the file changed on the server (ETag %s, then %s)", redact(r.url), r.etag, etag))
	}
	start := int64(0)
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		s, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || s != off {
			return fail(fmt.Errorf("GET %s: Range bytes=%d- answered with Content-Range %q", redact(r.url), off, resp.Header.Get("Content-Range")))
		}
		if r.opened && r.size >= 0 && total >= 0 && total != r.size {
			return fail(fmt.Errorf("GET %s: the file changed on the server (%d bytes, then %d)", redact(r.url), r.size, total))
		}
		if !r.opened {
			r.rangeOK = true
		}
		if total >= 0 {
			r.size = total
		}
		start = s
	case resp.StatusCode == http.StatusOK:
		if r.opened && r.size >= 0 && resp.ContentLength >= 0 && resp.ContentLength != r.size {
			return fail(fmt.Errorf("GET %s: the file changed on the server (%d bytes, then %d)", redact(r.url), r.size, resp.ContentLength))
		}
		if off > maxSkip {
			return fail(fmt.Errorf("GET %s: server ignored Range: %w", redact(r.url), transport.ErrNotSeekable))
		}
		if r.opened {
			r.rangeOK = false
		} else {
			r.rangeOK = strings.EqualFold(resp.Header.Get("Accept-Ranges"), "bytes")
		}
		if resp.ContentLength >= 0 {
			r.size = resp.ContentLength
		}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		return fail(io.EOF)
	default:
		return fail(&transport.StatusError{URL: redact(r.url), Method: http.MethodGet, Code: resp.StatusCode, Status: resp.Status})
	}
	if !r.opened {
		r.etag = etag
	}
	r.opened = true
	body := &countingBody{rc: resp.Body, n: &r.received}
	r.body, r.br, r.pos = body, bufio.NewReaderSize(body, 32<<10), start
	return resp, nil
}

func (r *httpReader) dropBody() {
	if r.body != nil {
		r.body.Close()
		r.body, r.br = nil, nil
	}
	r.amu.Lock()
	if r.reqStop != nil {
		r.reqStop()
		r.reqStop = nil
	}
	r.amu.Unlock()
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

// countingBody counts the bytes read off the network.
type countingBody struct {
	rc io.ReadCloser
	n  *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	k, err := c.rc.Read(p)
	c.n.Add(int64(k))
	return k, err
}

func (c *countingBody) Close() error { return c.rc.Close() }
