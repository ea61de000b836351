package mmshtest

import (
	"context"
	"fmt"
	"net"
	"sync"
)

// PipeAddr is the address a PipeListener reports and a NewPipeServer's
// URL names. The .invalid top-level domain never resolves (RFC 6761), so
// a Dialer left without the server's DialContext fails at once instead of
// reaching some real server.
const PipeAddr = "mmshtest.invalid:8080"

// PipeListener is a net.Listener of in-memory connections: each
// DialContext makes a net.Pipe pair, keeps the client's end and hands the
// other to Accept. Pipes carry read and write deadlines, and a goroutine
// blocked on one is durably blocked in the sense of testing/synctest, so
// a client and a server talking over them let a bubble's virtual time
// pass. Create it inside the bubble that uses it.
type PipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// NewPipeListener returns a listener ready for DialContext.
func NewPipeListener() *PipeListener {
	return &PipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

// Accept waits for a DialContext and returns the server's end of its
// pipe; after Close it returns net.ErrClosed.
func (l *PipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, fmt.Errorf("mmshtest: accept on a pipe listener: %w", net.ErrClosed)
	}
}

// Close makes Accept and DialContext fail from now on.
func (l *PipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr returns PipeAddr.
func (l *PipeListener) Addr() net.Addr { return pipeAddr{} }

// DialContext makes a pipe whatever network and addr say, waits for
// Accept to take its server end and returns the client's. It fails when
// the listener is closed or ctx is done first. It has the signature of
// mmsh.Dialer.DialContext.
func (l *PipeListener) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		err := fmt.Errorf("mmshtest: dial %s: the pipe listener is closed: %w", addr, net.ErrClosed)
		client.Close()
		server.Close()
		return nil, err
	case <-ctx.Done():
		client.Close()
		server.Close()
		return nil, fmt.Errorf("mmshtest: dial %s: %w", addr, ctx.Err())
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return PipeAddr }
