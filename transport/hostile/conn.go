package hostile

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"time"
)

// MaxEndless bounds what Endless writes: a client that never stops reading
// an endless header is caught by the bytes it took (and its memory), not
// by a test that runs forever.
const MaxEndless = 256 << 20

// Conn is one accepted connection. Every read and write has a deadline
// (IOTimeout), and every byte is counted on the Server.
type Conn struct {
	// Index numbers the server's connections from 1 in accept order.
	Index int

	nc  net.Conn
	br  *bufio.Reader
	srv *Server
}

// countingConn counts what the client sends.
type countingConn struct{ c *Conn }

func (cc countingConn) Read(p []byte) (int, error) {
	_ = cc.c.nc.SetReadDeadline(time.Now().Add(IOTimeout))
	n, err := cc.c.nc.Read(p)
	cc.c.srv.read.Add(int64(n))
	return n, err
}

func newReader(c *Conn) *bufio.Reader { return bufio.NewReaderSize(countingConn{c}, 16<<10) }

// Server returns the server the connection belongs to.
func (c *Conn) Server() *Server { return c.srv }

// Write writes b.
func (c *Conn) Write(b []byte) error {
	if c.closing() {
		return errServerClosed
	}
	_ = c.nc.SetWriteDeadline(time.Now().Add(IOTimeout))
	n, err := c.nc.Write(b)
	c.srv.written.Add(int64(n))
	return err
}

// WriteString writes s.
func (c *Conn) WriteString(s string) error { return c.Write([]byte(s)) }

// Drip writes b one byte per interval: bytes keep arriving, too slowly to
// matter. It returns when b is written, the client goes away or the server
// closes.
func (c *Conn) Drip(b []byte, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for i := range b {
		select {
		case <-t.C:
		case <-c.srv.done:
			return errServerClosed
		}
		if err := c.Write(b[i : i+1]); err != nil {
			return err
		}
	}
	return nil
}

// Endless writes next(0), next(1), ... until the client goes away, the
// server closes or MaxEndless bytes went out.
func (c *Conn) Endless(next func(i int) []byte) error {
	total := 0
	for i := 0; total < MaxEndless; i++ {
		b := next(i)
		if err := c.Write(b); err != nil {
			return err
		}
		total += len(b)
	}
	return nil
}

// Stall sends nothing more: it waits until the client closes the
// connection or the server closes (whatever the client sends meanwhile is
// read and dropped).
func (c *Conn) Stall() {
	for !c.closing() {
		if _, err := c.br.Discard(1); err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
	}
}

// CloseWrite half-closes the connection (FIN) after what was written.
func (c *Conn) CloseWrite() {
	if tc, ok := c.nc.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}

// Reset closes the connection with a TCP RST instead of a FIN.
func (c *Conn) Reset() {
	if tc, ok := c.nc.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.nc.Close()
}

func (c *Conn) closing() bool {
	select {
	case <-c.srv.done:
		return true
	default:
		return false
	}
}

// HeaderLines is an Endless generator of HTTP header field lines
// ("X-Filler: aaa…"), 64 KB per call from one buffer: the server allocates
// nothing while it writes, so a run's allocations are the client's.
func HeaderLines() func(int) []byte {
	line := "X-Filler: " + strings.Repeat("a", 100) + "\r\n"
	block := []byte(strings.Repeat(line, (64<<10)/len(line)))
	return func(int) []byte { return block }
}
