package hostile

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// IOTimeout bounds every read and write a Server makes, so that a client
// that stops reading (or a stall nobody ends) cannot keep a test waiting:
// a hostile server misbehaves on purpose, never by accident.
const IOTimeout = 30 * time.Second

// Server is a loopback TCP server that runs Handler on every connection it
// accepts, each in its own goroutine.
type Server struct {
	// Addr is the listening address, "127.0.0.1:port" for NewServer.
	Addr string

	ln      net.Listener
	handler func(*Conn)
	done    chan struct{}
	wg      sync.WaitGroup

	mu    sync.Mutex
	conns map[*Conn]bool

	accepted atomic.Int64
	written  atomic.Int64
	read     atomic.Int64
}

// NewServer starts a server on 127.0.0.1:0. Close stops it.
func NewServer(handler func(*Conn)) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("hostile: listening: %w", err)
	}
	return Serve(ln, handler), nil
}

// Serve starts a server accepting on ln, which it closes on Close: an
// in-memory listener lets a test run inside a testing/synctest bubble
// (CloseWrite and Reset then only apply to TCP connections).
func Serve(ln net.Listener, handler func(*Conn)) *Server {
	s := &Server{Addr: ln.Addr().String(), ln: ln, handler: handler, done: make(chan struct{}), conns: map[*Conn]bool{}}
	s.wg.Add(1)
	go s.accept()
	return s
}

// URL returns scheme://Addr/path.
func (s *Server) URL(scheme, path string) string {
	return fmt.Sprintf("%s://%s%s", scheme, s.Addr, path)
}

// Connections counts the connections accepted so far.
func (s *Server) Connections() int { return int(s.accepted.Load()) }

// Written counts the bytes written to clients so far.
func (s *Server) Written() int64 { return s.written.Load() }

// Received counts the bytes read from clients so far.
func (s *Server) Received() int64 { return s.read.Load() }

// Done is closed when Close starts: long-running scripts (drips, stalls)
// end on it.
func (s *Server) Done() <-chan struct{} { return s.done }

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &Conn{nc: nc, srv: s, Index: int(s.accepted.Add(1))}
		c.br = newReader(c)
		s.mu.Lock()
		select {
		case <-s.done:
			s.mu.Unlock()
			nc.Close()
			return
		default:
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				nc.Close()
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			}()
			s.handler(c)
		}()
	}
}

// Close stops accepting, closes every connection and waits for the
// handlers to return.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.done:
		s.mu.Unlock()
		return
	default:
	}
	close(s.done)
	s.ln.Close()
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// errServerClosed ends a script when the server is closing.
var errServerClosed = errors.New("hostile: server closed")
