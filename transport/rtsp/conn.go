package rtsp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// inbound is what the control connection's reader hands the owner: a
// *Response, a *Request from the server, a *Frame, or the error that
// ended the connection.
type inbound struct {
	msg any
	err error
}

// inboundQueue bounds the messages read ahead of the owner. While it is
// full the reader stops reading, so TCP flow control slows the server.
const inboundQueue = 256

// conn is one RTSP control connection (MS-RTSP 1.3). A reader goroutine
// sorts what arrives into in; writes happen on the owner goroutine with
// a deadline each.
type conn struct {
	nc      net.Conn
	in      chan inbound
	timeout time.Duration
	r       *Reader

	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup
}

// dialConn connects to addr (host:port) within timeout.
func dialConn(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), addr string, timeout time.Duration) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	nc, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("rtsp: connecting to %s: %w", addr, err)
	}
	return newConn(nc, timeout), nil
}

func newConn(nc net.Conn, timeout time.Duration) *conn {
	c := &conn{nc: nc, in: make(chan inbound, inboundQueue), timeout: timeout, r: NewReader(nc), done: make(chan struct{})}
	c.wg.Add(1)
	go c.readLoop()
	return c
}

// readLoop reads until the connection fails or is closed. There is no
// read deadline: the owner's timers decide when silence is a failure
// (MS-RTSP 3.1.6: keep-alive; the media path's stall timeout).
func (c *conn) readLoop() {
	defer c.wg.Done()
	for {
		m, err := c.r.Next()
		select {
		case c.in <- inbound{msg: m, err: err}:
		case <-c.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// write sends b within the timeout.
func (c *conn) write(b []byte) error {
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return fmt.Errorf("rtsp: %w", err)
	}
	if _, err := c.nc.Write(b); err != nil {
		return fmt.Errorf("rtsp: writing to %s: %w", c.nc.RemoteAddr(), err)
	}
	return nil
}

// close closes the connection and waits for the reader to stop.
func (c *conn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		c.nc.Close()
	})
	c.wg.Wait()
}

// garbage reports the bytes the reader skipped. Only after close.
func (c *conn) garbage() int64 { return c.r.Garbage }

var errConnClosed = errors.New("rtsp: the server closed the control connection")
