package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of the control proxy's message reader: an RTSP header block and a
// body (the DESCRIBE answer carries the ASF header in its SDP).
const (
	maxHeaderBytes = 64 << 10
	maxBodyBytes   = 16 << 20
	// queueLen bounds each delay line (datagrams or messages in flight):
	// at 40 ms one way a 10 Mbit/s stream of 1400-byte packets has about
	// 36 in flight. A full queue drops and counts.
	queueLen = 4096
	// idle is the control proxy's read deadline, renewed by every message
	// (a session sends keep-alives far more often).
	idle = 5 * time.Minute
)

// Path is a lossy, delayed network path between RTSP clients and one RTSP
// server, in user space (the kernel here has no netem): a TCP proxy for the
// control connection that rewrites the UDP ports of the Transport, RTP-Info
// and X-RTP-Info headers (RFC 2326 12.39, MS-RTSP 2.2.6.11, 2.2.6.27) to
// relay sockets of its own, and those relay sockets, which forward every
// datagram in both directions after Delay, losing each with probability
// Loss from generators seeded with Seed. The control connection is delayed
// but not lossy (TCP retransmits). Any client can use it: Eddy's or
// GStreamer's. A client sees the relay's client-facing sockets as the
// server's ports, so a check of the source port still holds.
type Path struct {
	server string
	delay  time.Duration
	loss   float64
	seed   int64
	ln     net.Listener

	mu       sync.Mutex
	closed   bool
	legs     int
	toServer map[int]*leg // client port → server-facing socket
	toClient map[int]*leg // server port → client-facing socket
	byLocal  map[int]*leg // relay port → leg
	conns    map[net.Conn]bool

	sent, lost, overflow atomic.Int64
	wg                   sync.WaitGroup

	tmu    sync.Mutex
	copies map[rtpKey]*fate
}

// maxTraced bounds the RTP packets traced (an hour of a 1 Mbit/s stream).
const maxTraced = 1 << 20

// rtpKey names an RTP packet: a resent copy has its original's SSRC and
// sequence number (MS-RTSP 2.2.3.1).
type rtpKey struct {
	ssrc uint32
	seq  uint16
}

// fate is what the path did to the copies of one RTP packet from the
// server.
type fate struct {
	copies, delivered int
}

// trace records what became of an RTP packet from the server.
func (p *Path) trace(b []byte, lost bool) {
	if len(b) < 12 || b[0]>>6 != 2 {
		return
	}
	k := rtpKey{ssrc: uint32(b[8])<<24 | uint32(b[9])<<16 | uint32(b[10])<<8 | uint32(b[11]), seq: uint16(b[2])<<8 | uint16(b[3])}
	p.tmu.Lock()
	defer p.tmu.Unlock()
	f := p.copies[k]
	if f == nil {
		if len(p.copies) >= maxTraced {
			return
		}
		f = &fate{}
		p.copies[k] = f
	}
	f.copies++
	if !lost {
		f.delivered++
	}
}

// SSRCFate sums the fates of one SSRC's packets from the server: how many
// there were, how many lost a copy, how many were sent more than once,
// and the sequence numbers of those no copy of which got through.
type SSRCFate struct {
	SSRC                  uint32
	Packets, Lost, Resent int
	// Undelivered are the sequence numbers no copy of which got through,
	// and Copies how many copies of each the server sent.
	Undelivered []uint16
	Copies      map[uint16]int
	// ResentSeqs are the sequence numbers sent more than once.
	ResentSeqs []uint16
}

// Fates returns the per-SSRC sums, in SSRC order.
func (p *Path) Fates() []SSRCFate {
	p.tmu.Lock()
	defer p.tmu.Unlock()
	by := map[uint32]*SSRCFate{}
	for k, f := range p.copies {
		s := by[k.ssrc]
		if s == nil {
			s = &SSRCFate{SSRC: k.ssrc, Copies: map[uint16]int{}}
			by[k.ssrc] = s
		}
		s.Packets++
		if f.copies > 1 {
			s.Resent++
			s.ResentSeqs = append(s.ResentSeqs, k.seq)
		}
		if f.delivered == 0 {
			s.Undelivered = append(s.Undelivered, k.seq)
			s.Copies[k.seq] = f.copies
		}
		if f.delivered < f.copies {
			s.Lost++
		}
	}
	out := make([]SSRCFate, 0, len(by))
	for _, s := range by {
		slices.Sort(s.Undelivered)
		slices.Sort(s.ResentSeqs)
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b SSRCFate) int { return cmp.Compare(a.SSRC, b.SSRC) })
	return out
}

// leg is one relay socket. A server-facing leg stands for client port
// peer: the server sends to it, and what it receives goes to the client's
// port peer from the client-facing leg of the sender's port. A
// client-facing leg stands for server port peer, the other way round.
type leg struct {
	conn        *net.UDPConn
	peer        int
	facesServer bool
	rng         *rand.Rand // only the leg's reader uses it: a seeded order
	queue       chan item
	sendFailed  atomic.Int64
}

type item struct {
	due  time.Time
	b    []byte
	via  *net.UDPConn
	dest *net.UDPAddr
}

// PathStats counts what the path did to datagrams.
type PathStats struct {
	// Sent counts datagrams forwarded, Lost those lost on purpose,
	// Overflow those dropped because a delay line was full (0 in a sound
	// run).
	Sent, Lost, Overflow int64
}

// NewPath listens on a loopback port for RTSP clients of server (host:port).
// delay is the one-way delay of each direction (RTT = 2·delay); loss is the
// probability that a datagram is lost, each direction.
func NewPath(server string, delay time.Duration, loss float64, seed int64) (*Path, error) {
	if loss < 0 || loss >= 1 || delay < 0 {
		return nil, fmt.Errorf("path: loss %v must be in [0, 1) and delay %v not negative", loss, delay)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("path: %w", err)
	}
	p := &Path{server: server, delay: delay, loss: loss, seed: seed, ln: ln,
		copies: map[rtpKey]*fate{}, toServer: map[int]*leg{}, toClient: map[int]*leg{}, byLocal: map[int]*leg{}, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the host:port clients connect to instead of the server.
func (p *Path) Addr() string { return p.ln.Addr().String() }

// Stats returns the datagram counters.
func (p *Path) Stats() PathStats {
	return PathStats{Sent: p.sent.Load(), Lost: p.lost.Load(), Overflow: p.overflow.Load()}
}

// Close closes the listener, the proxied connections and the relay
// sockets, and waits for every goroutine.
func (p *Path) Close() {
	p.mu.Lock()
	p.closed = true
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	for _, l := range p.byLocal {
		l.conn.Close()
		close(l.queue)
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Path) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.DialTimeout("tcp", p.server, 5*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			s.Close()
			return
		}
		p.conns[c], p.conns[s] = true, true
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, s, true)
		go p.pipe(s, c, false)
	}
}

// pipe copies RTSP messages (and interleaved frames) from src to dst,
// rewriting the ports of their headers and delaying each by the path's
// delay. fromClient tells the direction.
func (p *Path) pipe(src, dst net.Conn, fromClient bool) {
	defer p.wg.Done()
	q := make(chan item, queueLen)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for it := range q {
			time.Sleep(time.Until(it.due))
			if _, err := dst.Write(it.b); err != nil {
				for range q {
				}
				return
			}
		}
	}()
	r := bufio.NewReaderSize(src, 16<<10)
	for {
		src.SetReadDeadline(time.Now().Add(idle))
		msg, err := readMessage(r)
		if err != nil {
			break
		}
		if msg[0] != '$' {
			if msg, err = p.rewrite(msg, fromClient); err != nil {
				break
			}
		}
		select {
		case q <- item{due: time.Now().Add(p.delay), b: msg}:
		default:
			p.overflow.Add(1) // a TCP stream cannot skip: end it
			close(q)
			<-done
			src.Close()
			dst.Close()
			return
		}
	}
	close(q)
	<-done
	// Half-close so that the other direction drains, then close.
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	} else {
		dst.Close()
	}
	src.Close()
}

// readMessage reads one RTSP message (start line, headers, a body of
// Content-Length bytes; RFC 2326 4) or one interleaved frame ('$',
// channel, 16-bit length; RFC 2326 10.12), bounded by maxHeaderBytes and
// maxBodyBytes.
func readMessage(r *bufio.Reader) ([]byte, error) {
	first, err := r.Peek(1)
	if err != nil {
		return nil, err
	}
	if first[0] == '$' {
		h := make([]byte, 4)
		if _, err := io.ReadFull(r, h); err != nil {
			return nil, err
		}
		n := int(h[2])<<8 | int(h[3])
		b := make([]byte, 4+n)
		copy(b, h)
		_, err := io.ReadFull(r, b[4:])
		return b, err
	}
	var head []byte
	length := 0
	for {
		line, err := r.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		head = append(head, line...)
		if len(head) > maxHeaderBytes {
			return nil, fmt.Errorf("header block over %d bytes", maxHeaderBytes)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		t := strings.TrimRight(string(line), "\r\n")
		if t == "" {
			if len(head) <= 2 {
				head = head[:0] // a blank line between messages
				continue
			}
			break
		}
		if k, v, ok := strings.Cut(t, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 || n > maxBodyBytes {
				return nil, fmt.Errorf("Content-Length %q", v)
			}
			length = n
		}
	}
	b := make([]byte, len(head)+length)
	copy(b, head)
	_, err = io.ReadFull(r, b[len(head):])
	return b, err
}

// portParam finds client_port and server_port parameters (a port or a
// range, RFC 2326 12.39) in header values.
var portParam = regexp.MustCompile(`(client_port|server_port)=([0-9]{1,5})(?:-([0-9]{1,5}))?`)

// rewrite maps the ports of a message's header block (never its body):
// from the client, client_port P becomes the server-facing relay port for
// P and a server_port the server's own; from the server, server_port S
// becomes the client-facing relay port for S and client_port the client's
// own.
func (p *Path) rewrite(msg []byte, fromClient bool) ([]byte, error) {
	end := strings.Index(string(msg), "\r\n\r\n")
	if end < 0 {
		end = strings.Index(string(msg), "\n\n")
	}
	if end < 0 {
		return msg, nil
	}
	head := string(msg[:end])
	var failed error
	head = portParam.ReplaceAllStringFunc(head, func(m string) string {
		sm := portParam.FindStringSubmatch(m)
		out := sm[1] + "="
		for i, s := range sm[2:] {
			if s == "" {
				continue
			}
			n, _ := strconv.Atoi(s)
			q, err := p.mapPort(n, sm[1] == "client_port", fromClient)
			if err != nil {
				failed = err
				return m
			}
			if i > 0 {
				out += "-"
			}
			out += strconv.Itoa(q)
		}
		return out
	})
	if failed != nil {
		return nil, failed
	}
	return append([]byte(head), msg[end:]...), nil
}

// mapPort maps one port of a header (see rewrite).
func (p *Path) mapPort(n int, clientPort, fromClient bool) (int, error) {
	switch {
	case clientPort && fromClient: // the client's port → our port the server sends to
		l, err := p.leg(n, true)
		if err != nil {
			return 0, err
		}
		return l.port(), nil
	case !clientPort && !fromClient: // the server's port → our port the client sends to
		l, err := p.leg(n, false)
		if err != nil {
			return 0, err
		}
		return l.port(), nil
	default: // one of our ports named back: the port it stands for
		p.mu.Lock()
		defer p.mu.Unlock()
		if l, ok := p.byLocal[n]; ok {
			return l.peer, nil
		}
		return n, nil
	}
}

func (l *leg) port() int { return l.conn.LocalAddr().(*net.UDPAddr).Port }

// leg returns the relay socket standing for peer port peer (a client's
// port when toServer, a server's otherwise), opening it the first time.
func (p *Path) leg(peer int, toServer bool) (*leg, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.toClient
	if toServer {
		m = p.toServer
	}
	if l, ok := m[peer]; ok {
		return l, nil
	}
	if p.closed {
		return nil, net.ErrClosed
	}
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, fmt.Errorf("path: relay socket: %w", err)
	}
	c.SetReadBuffer(4 << 20)
	c.SetWriteBuffer(4 << 20)
	p.legs++
	// Each leg its own generator: its losses depend only on the seed,
	// the order the legs were opened in (the SETUPs') and its own packets.
	l := &leg{conn: c, peer: peer, facesServer: toServer, queue: make(chan item, queueLen),
		rng: rand.New(rand.NewSource(p.seed*1000003 + int64(p.legs)))}
	m[peer] = l
	p.byLocal[l.port()] = l
	p.wg.Add(2)
	go p.read(l)
	go p.send(l)
	return l, nil
}

// read receives the leg's datagrams and queues them for their far side.
func (p *Path) read(l *leg) {
	defer p.wg.Done()
	buf := make([]byte, 65536)
	lo := net.IPv4(127, 0, 0, 1)
	for {
		// No deadline: the leg lives until Close, which unblocks it.
		n, from, err := l.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		// The datagram goes out of the leg standing for its sender, to
		// the port this leg stands for.
		out, err := p.leg(from.Port, !l.facesServer)
		if err != nil {
			return
		}
		lost := p.loss > 0 && l.rng.Float64() < p.loss
		if l.facesServer {
			p.trace(buf[:n], lost)
		}
		if lost {
			p.lost.Add(1)
			continue
		}
		it := item{due: time.Now().Add(p.delay), b: append([]byte(nil), buf[:n]...), via: out.conn,
			dest: &net.UDPAddr{IP: lo, Port: l.peer}}
		p.mu.Lock()
		closed := p.closed
		if !closed {
			select {
			case l.queue <- it:
			default:
				p.overflow.Add(1)
			}
		}
		p.mu.Unlock()
		if closed {
			return
		}
	}
}

// send writes the leg's queued datagrams when they are due.
func (p *Path) send(l *leg) {
	defer p.wg.Done()
	for it := range l.queue {
		time.Sleep(time.Until(it.due))
		if _, err := it.via.WriteToUDP(it.b, it.dest); err != nil {
			l.sendFailed.Add(1)
			continue
		}
		p.sent.Add(1)
	}
}
