package mmsh

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// connBufferSize is the read buffer of a connection: a few of the largest
// framed packets (64 KB each, [MS-WMSP] 2.2.3.1.2) per socket read.
const connBufferSize = 64 << 10

// conn is one TCP connection to a server or proxy.
type conn struct {
	nc   net.Conn
	tr   *timedReader
	br   *bufio.Reader
	addr string
	// host is the server's host[:port] as the URL names it.
	host string
	// proxied is set when requests on it go through an HTTP proxy.
	proxied bool
	closeMu sync.Once
	// trace records its requests and responses (nil: not traced).
	trace *tracer

	// The exchange in progress (begin): its time budget, when the budget
	// runs out, and the bytes read from the connection before its request
	// went out.
	budget    time.Duration
	end       time.Time
	exchStart int64
}

func newConn(nc net.Conn, addr string) *conn {
	tr := &timedReader{r: nc}
	return &conn{nc: nc, tr: tr, br: bufio.NewReaderSize(tr, connBufferSize), addr: addr, host: addr}
}

// readResponse reads a response header on c and traces it.
func (c *conn) readResponse() (*response, error) {
	resp, err := readResponse(c.br)
	c.trace.response(resp, err)
	return resp, err
}

// close closes the connection once.
func (c *conn) close() {
	c.closeMu.Do(func() { _ = c.nc.Close() })
}

// write writes all of b, bounded by ctx and timeout.
func (c *conn) write(ctx context.Context, b []byte, timeout time.Duration) error {
	stop := c.deadline(ctx, timeout)
	defer stop()
	_, err := c.nc.Write(b)
	return ctxErr(ctx, err)
}

// deadline arms a real-time deadline for a request/response exchange and
// cancels it when ctx is done; the returned func clears both.
func (c *conn) deadline(ctx context.Context, timeout time.Duration) func() {
	return c.deadlineAt(ctx, time.Now().Add(timeout))
}

// deadlineAt makes every read and write on the connection fail from t on,
// or as soon as ctx is done; the returned func clears both.
func (c *conn) deadlineAt(ctx context.Context, t time.Time) func() {
	_ = c.nc.SetDeadline(t)
	stop := context.AfterFunc(ctx, func() { _ = c.nc.SetDeadline(time.Now()) })
	return func() {
		stop()
		_ = c.nc.SetDeadline(time.Time{})
	}
}

// begin starts a request/response exchange on the connection: it has
// budget (Config.Timeout, or what is left of it in a reconnection) from
// now on for the request to go out and for what the caller needs of the
// response to come back: the response header, and for a Describe the ASF
// header in the body too ([MS-WMSP] 3.1.4.2, 3.1.5.5).
func (c *conn) begin(budget time.Duration) {
	c.budget, c.end, c.exchStart = budget, time.Now().Add(budget), c.tr.total()
}

// bound arms the exchange's deadline (begin) and ctx's cancellation for
// the reads and writes that follow; the returned func lifts both.
func (c *conn) bound(ctx context.Context) func() { return c.deadlineAt(ctx, c.end) }

// exchangeErr is ctxErr for a read or write of the exchange: when the
// exchange's time ran out it says, in a user's terms, what arrived in that
// time — nothing, or only some bytes, lacking what (for example "no
// complete response") — wrapping ErrTimeout and the I/O error.
func (c *conn) exchangeErr(ctx context.Context, err error, lacking string) error {
	if err == nil || ctx.Err() != nil || !isTimeout(err) {
		return ctxErr(ctx, err)
	}
	got, budget := c.tr.total()-c.exchStart, c.budget.Round(time.Millisecond)
	what := fmt.Sprintf("no data from %s for %v", c.peer(), budget)
	if got > 0 {
		what = fmt.Sprintf("only %d bytes from %s in %v, %s", got, c.peer(), budget, lacking)
	}
	return fmt.Errorf("%s: %w: %w", what, ErrTimeout, err)
}

// peer names the other end in messages: the server, and the proxy the
// connection goes through.
func (c *conn) peer() string {
	if c.proxied {
		return c.host + " (through the proxy " + c.addr + ")"
	}
	return c.host
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ctxErr prefers the context's error to the I/O error it caused, and maps
// deadline expiry to ErrTimeout (wrapping the I/O error too).
func ctxErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if isTimeout(err) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// timedReader records when bytes arrived, for the packet-pair measurement
// ([MS-WMSP] 3.1.5.6): "measure at the socket read level".
type timedReader struct {
	r     io.Reader
	mu    sync.Mutex
	count int64
	marks [64]arrival
	next  int
}

type arrival struct {
	end int64 // offset just past the bytes of this read
	at  time.Time
}

func (t *timedReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		now := time.Now()
		t.mu.Lock()
		t.count += int64(n)
		t.marks[t.next%len(t.marks)] = arrival{end: t.count, at: now}
		t.next++
		t.mu.Unlock()
	}
	return n, err
}

// total returns the bytes read so far.
func (t *timedReader) total() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.count
}

// activity returns the bytes read so far and when the last of them
// arrived (zero before the first read).
func (t *timedReader) activity() (int64, time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.next == 0 {
		return t.count, time.Time{}
	}
	return t.count, t.marks[(t.next-1)%len(t.marks)].at
}

// arrivedAt returns when the byte at offset off (from the start of the
// connection) arrived, if it is still in the record.
func (t *timedReader) arrivedAt(off int64) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := 1; i <= len(t.marks) && i <= t.next; i++ {
		m := t.marks[(t.next-i)%len(t.marks)]
		prevEnd := int64(0)
		if i < len(t.marks) && i < t.next {
			prevEnd = t.marks[(t.next-i-1)%len(t.marks)].end
		}
		if off < m.end && off >= prevEnd {
			return m.at, true
		}
	}
	return time.Time{}, false
}
