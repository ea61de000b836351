package mmshtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/transport/auth/authtest"
	"github.com/eddyplayer/eddy/transport/mmsh"
)

// Options configure a Server. The zero value serves like Windows Media
// Services 9.5 would, without fast start pacing (as fast as TCP goes).
type Options struct {
	// ServerHeader is the Server header; default "Cougar/9.5.6001.18281".
	// Use "Cougar/4.1.0.3921" for an old server (no $M, log-line logs),
	// "" to answer without one (not a WMSP server).
	ServerHeader string
	// NoPipelining answers the pipeline experiment with
	// pipeline-result=0 (or ignores pipeline-experiment).
	NoPipelining bool
	// Via is sent as a Via header on Describe responses, as a proxy on
	// the path adds it.
	Via string
	// FailPipelineTest offers the pipeline experiment in the Describe
	// answer (pipeline-experiment=1) but answers the test with an HTTP/1.0
	// pipeline-result=0, as a server behind a proxy that breaks
	// pipelining would (3.2.5.5).
	FailPipelineTest bool
	// NoPacketPair ignores packet-pair-experiment.
	NoPacketPair bool
	// PairGap delays the second $P, simulating a link on which 512 bytes
	// take that long (the client should measure 4096 bits / PairGap).
	PairGap time.Duration
	// Supported is the Supported header; default all five features.
	Supported []string
	// Predictive streams the next playlist entry without waiting for the
	// client's SelectStream/PlayNextEntry when the client listed predstrm.
	Predictive bool
	// TimeoutMS is the timeout token (ms); default 60000. A session idle
	// longer than that is forgotten (the next Play gets xResetStrm).
	TimeoutMS int
	// Pace sends packets at their send times (real time) instead of as
	// fast as possible, honouring AccelBW/AccelDuration.
	Pace bool
	// LinkRate throttles every connection to this many bytes per second
	// (0 = unlimited).
	LinkRate int64
	// KeepPadding sends $D with the ASF padding (like VLC) instead of
	// stripping it (2.2.3.3).
	KeepPadding bool
	// SkipEmpty leaves out packets with nothing of the selection, which
	// makes LocationIds skip (2.2.3.1.2 allows it).
	SkipEmpty bool
	// Auth demands credentials.
	Auth *Auth
	// Redirects answer paths with a redirect: path → (status, Location).
	Redirects map[string]Redirect
	// Faults inject failures.
	Faults Faults
	// LogStatus is the status Log requests get; default 204.
	LogStatus int
	// AdvertiseRemoteLog subscribes the client to remote-log events
	// (Cache-Control x-wms-event-subscription="remote-log").
	AdvertiseRemoteLog bool
	// StartupProfile sends X-StartupProfile to clients that list
	// com.microsoft.wm.startupprofile; default on (set NoStartupProfile).
	NoStartupProfile bool
	// MaxAccelBW caps the AccelBW granted (bits per second, 0 = no cap).
	MaxAccelBW int64
	// SetCookie is sent as a Set-Cookie header on Describe responses.
	SetCookie string
	// KeepSideConnections leaves the connection of a Describe, or of a
	// KeepAlive, Log, SendEvent or SelectStream answered outside a stream,
	// open whatever its Connection header asks, until the client closes
	// it: a test then sees whether the client closed it (ClosedByClient).
	KeepSideConnections bool
}

// Redirect is an answer to a path.
type Redirect struct {
	Status   int
	Location string
}

// Faults are failures the server injects.
type Faults struct {
	// CloseAfter closes the Play connection after that many $D, the
	// first CloseTimes Plays (0 = once).
	CloseAfter int
	CloseTimes int
	// StallAfter stops sending (connection kept open) after that many
	// $D.
	StallAfter int
	// GarbageAfter sends bytes that are not a framed packet after that
	// many $D.
	GarbageAfter int
	// LieAfter sends a $D whose PacketLength (LieLength, default 1000)
	// promises more than follows, then closes, after that many $D.
	LieAfter  int
	LieLength uint16
	// PlayStatus answers Play requests with this status (e.g. 503).
	PlayStatus int
	// ResumeStatus answers every Play after the first with this status:
	// a server that is gone when the client reconnects.
	ResumeStatus int
	// DescribeStatus answers Describe requests with this status.
	DescribeStatus int
	// SelectStatus answers SelectStream requests with this status.
	SelectStatus int
	// ExpireSessions forgets every session after each Play (the next Play
	// gets xResetStrm=1 and a new client-id).
	ExpireSessions bool
	// NoEnd ends on-demand streams by closing the connection without $E.
	NoEnd bool
	// RepeatHeaderAfter sends the ASF header again ($H, no $C) after that
	// many $D, as VLC does with --sout-keep.
	RepeatHeaderAfter int
	// StaleAfter sends, after that many $D, a copy of the next packet
	// with another Incarnation before the real one (a packet of an
	// earlier Play, 2.2.3.1.2).
	StaleAfter int
	// UnexpectedAfter sends a $T (valid framing, wrong place) after that
	// many $D.
	UnexpectedAfter int
	// EndRepeat sends that many extra $E after the final one (a server
	// flushing proxies, 3.2.4.1) before closing.
	EndRepeat int
	// ReplayFromStart streams every Play after the first from packet 0,
	// whatever position it asks for: with CloseAfter and CloseTimes, a
	// server that drops the connection and, asked to resume, starts over.
	ReplayFromStart bool
	// PlayNoAnswer leaves every Play without an answer: not a byte of a
	// response, the connection kept open (what is sent on it after the
	// Play is read and dropped) until the client or the server closes it.
	PlayNoAnswer bool
	// ResumeNoAnswer does the same to every Play after the first: a
	// server that is gone silent when the client resumes.
	ResumeNoAnswer bool
	// StallAtStart stops sending (connection kept open) right after the
	// HTTP header of the fault-round Play responses (see CloseTimes),
	// before any framed packet.
	StallAtStart bool
	// DripAfter, when > 0, sends everything after that many $D one byte
	// at a time, one per DripEvery (default 100 ms); Sent counts the
	// bytes dripped.
	DripAfter int
	DripEvery time.Duration
	// HoldAfter, when > 0, stops after that many $D of the first Play
	// until the test calls Release.
	HoldAfter int
	// MidHeaderAfter, when > 0, sends after that many $D, without a $C,
	// the ASF header of MidHeader.Entry and then streams that entry from
	// its first packet to its end: a server that loops its source or
	// changes it in the middle of a broadcast (VLC with --sout-keep).
	MidHeaderAfter int
	MidHeader      MidHeader
	// NoNextEntry sends $E S_FALSE at the end of a playlist entry (more
	// entries follow) and then neither the $C nor anything else.
	NoNextEntry bool
	// CutInHeader closes the connection of the first Play half way
	// through its first $H.
	CutInHeader bool
	// UnsolicitedAfter, when > 0, ends a pipelined Play response after
	// that many $D and goes on with the data in the body of a second
	// 200 response that no request asked for.
	UnsolicitedAfter int
}

// MidHeader describes the header change of Faults.MidHeaderAfter.
type MidHeader struct {
	// Entry is the new header's content.
	Entry *Entry
	// Fragment is the largest $H payload (0: one fragment when it fits).
	Fragment int
	// Incarnation is the Incarnation of the new header and of the $D
	// after it; HeaderIncarnation, when not 0, is the header's alone (the
	// data keep Incarnation): clients may ignore the field (2.2.3.1.2).
	Incarnation, HeaderIncarnation uint8
	// RunningLocation numbers the new $H and the $D after it on from the
	// packets already sent, one counter for every framed packet, as VLC
	// does; otherwise the fragments count from 0 (2.2.3.1.2) and the new
	// entry's packets from 0.
	RunningLocation bool
}

// Sent is what the stream of one Play sent, as the server counts it.
type Sent struct {
	// Play numbers the Play (1, 2, ...) and Conn its connection.
	Play, Conn int
	// DataPackets and DataBytes count the $D sent and their bytes
	// (framing header included).
	DataPackets int
	DataBytes   int64
	// Lost counts the LocationIds left out between the $D sent
	// (Options.SkipEmpty), LongestLoss the longest run of them.
	Lost, LongestLoss int64
	// StartPacket is the first packet the Play asked for, StartTime its
	// stream-time (0 when it gave none) and Rate its rate.
	StartPacket uint64
	StartTime   time.Duration
	Rate        float64
	// Dripped counts the bytes sent by Faults.DripAfter.
	Dripped int
}

// Server is a loopback MS-WMSP server for tests, like httptest.Server.
type Server struct {
	// URL is the mmsh:// base URL ("mmsh://127.0.0.1:port").
	URL  string
	Addr string

	opts    Options
	ln      net.Listener
	started time.Time

	mu       sync.Mutex
	content  map[string]*Content
	sessions map[uint32]*srvSession
	requests []*Request
	conns    map[net.Conn]*srvConn
	connN    int
	plays    int
	closed   bool
	// clientClosed holds the connections the client closed.
	clientClosed map[int]bool
	sent         []*Sent
	release      chan struct{}

	wg sync.WaitGroup
}

// NewServer starts a server on 127.0.0.1 (a free port).
func NewServer(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return serve(opts, ln), nil
}

// NewPipeServer starts a server that listens on no socket: its
// connections are in-memory net.Pipe pairs that its DialContext makes
// (set it as the mmsh.Dialer's DialContext), and its URL names PipeAddr.
// A test inside a testing/synctest bubble needs it: time moves there
// only while every goroutine of the bubble is durably blocked, which a
// goroutine reading a socket never is, but one reading a pipe is. Start
// it inside the bubble, so that its goroutines belong to it.
func NewPipeServer(opts Options) *Server {
	return serve(opts, NewPipeListener())
}

// DialContext opens a connection to the server, whatever addr says: a
// pipe for a NewPipeServer, TCP to Addr otherwise. It has the signature
// of mmsh.Dialer.DialContext.
func (s *Server) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if pl, ok := s.ln.(*PipeListener); ok {
		return pl.DialContext(ctx, network, addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", s.Addr)
}

// serve starts a server accepting on ln.
func serve(opts Options, ln net.Listener) *Server {
	if opts.ServerHeader == "" {
		opts.ServerHeader = "Cougar/9.5.6001.18281"
	}
	if opts.ServerHeader == "-" {
		opts.ServerHeader = ""
	}
	if opts.Supported == nil {
		opts.Supported = []string{mmsh.SupportSrvPPair, mmsh.SupportSSwitch, mmsh.SupportPredStrm, mmsh.SupportFastCache, mmsh.SupportStartupProfile}
	}
	if opts.TimeoutMS == 0 {
		opts.TimeoutMS = 60000
	}
	if opts.LogStatus == 0 {
		opts.LogStatus = 204
	}
	s := &Server{
		opts: opts, ln: ln, started: time.Now(),
		Addr: ln.Addr().String(), URL: "mmsh://" + ln.Addr().String(),
		content: map[string]*Content{}, sessions: map[uint32]*srvSession{}, conns: map[net.Conn]*srvConn{},
		clientClosed: map[int]bool{}, release: make(chan struct{}),
	}
	s.wg.Add(1)
	go s.accept()
	return s
}

// Handle serves c at path ("/a.wma").
func (s *Server) Handle(path string, c *Content) {
	s.mu.Lock()
	s.content[path] = c
	s.mu.Unlock()
}

// Requests returns every request received so far.
func (s *Server) Requests() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Request(nil), s.requests...)
}

// RequestsOf returns the requests of one kind ("Play", "Log", ...).
func (s *Server) RequestsOf(kind string) []*Request {
	var out []*Request
	for _, r := range s.Requests() {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// Release lets the stream held by Faults.HoldAfter go on.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.release:
	default:
		close(s.release)
	}
}

// Sent returns what each Play's stream has sent so far, in Play order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Sent, len(s.sent))
	for i, p := range s.sent {
		out[i] = *p
	}
	return out
}

// ClosedByClient reports whether the client closed connection n (the
// Conn of its requests) while the server still had it open.
func (s *Server) ClosedByClient(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clientClosed[n]
}

// Close stops the server and closes every connection.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for nc, c := range s.conns {
		if c != nil {
			c.byServer.Store(true)
		}
		nc.Close()
	}
	// A copy: a connection still being served may add a session while
	// they are stopped.
	sessions := make([]*srvSession, 0, len(s.sessions))
	for _, ss := range s.sessions {
		sessions = append(sessions, ss)
	}
	s.mu.Unlock()
	for _, ss := range sessions {
		ss.stopStreaming()
	}
	s.ln.Close()
	s.wg.Wait()
}

// CloseConnections drops every open connection (a server-side network
// failure) but keeps serving.
func (s *Server) CloseConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for nc, c := range s.conns {
		if c != nil {
			c.byServer.Store(true)
		}
		nc.Close()
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.connN++
		n := s.connN
		s.conns[c] = nil
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serveConn(c, n)
	}
}

// conn is one client connection.
type srvConn struct {
	s    *Server
	nc   net.Conn
	w    io.Writer
	br   *bufio.Reader
	n    int
	mu   sync.Mutex // serialises writes
	auth authtest.Conn
	// streamer is the active pipelined stream on this connection.
	streamer *streamer
	// byServer is set when the server closes the connection itself.
	byServer atomic.Bool
	// eof is closed when reading a request fails: the client closed the
	// connection (or the server did).
	eof chan struct{}
}

// close closes the connection from the server's side.
func (c *srvConn) close() {
	c.byServer.Store(true)
	c.nc.Close()
}

func (c *srvConn) write(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.w.Write(b)
	return err
}

func (s *Server) serveConn(nc net.Conn, n int) {
	defer s.wg.Done()
	c := &srvConn{s: s, nc: nc, br: bufio.NewReader(nc), n: n, w: nc, eof: make(chan struct{})}
	if s.opts.LinkRate > 0 {
		c.w = &throttle{w: nc, rate: s.opts.LinkRate}
	}
	s.mu.Lock()
	s.conns[nc] = c
	s.mu.Unlock()
	defer func() {
		c.close()
		s.mu.Lock()
		delete(s.conns, nc)
		s.mu.Unlock()
	}()
	for {
		req, err := readRequest(c.br)
		if err != nil {
			if !c.byServer.Load() && (errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isReset(err)) {
				s.mu.Lock()
				if !s.closed {
					s.clientClosed[n] = true
				}
				s.mu.Unlock()
			}
			close(c.eof)
			if st := c.activeStreamer(); st != nil {
				st.stop()
			}
			return
		}
		req.Conn = n
		req.Time = time.Now()
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.mu.Unlock()
		if !s.handle(c, req) {
			if st := c.activeStreamer(); st != nil {
				st.wait()
			}
			return
		}
	}
}

// isReset reports a connection reset by the peer.
func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && strings.Contains(ne.Err.Error(), "reset")
}

// handle answers one request; false closes the connection.
func (s *Server) handle(c *srvConn, r *Request) bool {
	if ok, keep := s.checkAuth(c, r); !ok {
		return keep
	}
	path := r.Target
	if u, err := url.Parse(r.Target); err == nil && r.Target != "*" {
		path = u.Path
	}
	if rd, ok := s.opts.Redirects[path]; ok && r.Kind == "Describe" {
		s.respond(c, rd.Status, "Redirect", []Header{{"Location", rd.Location}, {"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	switch r.Kind {
	case "Describe":
		return s.describe(c, r, path)
	case "Pipeline":
		return s.pipeline(c, r)
	case "Play":
		return s.play(c, r, path)
	case "PlayNextEntry", "Stop":
		if st := c.activeStreamer(); st != nil && st.pipelined {
			st.control(r)
			return true
		}
		if r.Kind == "Stop" {
			// Content-Length: on a pipelined connection a response without
			// it would run to the connection's close.
			s.respond(c, 200, "OK", append(s.sessionHeaders(s.session(r), path, nil), Header{"Content-Length", "0"}), nil)
			return true
		}
		s.respond(c, 400, "Bad Request", []Header{{"Content-Length", "0"}}, nil)
		return true
	case "SelectStream":
		return s.selectStream(c, r)
	case "KeepAlive", "Log", "SendEvent":
		if st := c.activeStreamer(); st != nil && st.pipelined {
			st.control(r)
			return true
		}
		return s.simple(c, r, path)
	}
	s.respond(c, 400, "Bad Request", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
	return false
}

// respond writes a complete response.
func (s *Server) respond(c *srvConn, code int, reason string, hs []Header, body []byte) {
	_ = c.write(s.responseBytes("HTTP/1.1", code, reason, hs, body))
}

func (s *Server) responseBytes(proto string, code int, reason string, hs []Header, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %d %s\r\n", proto, code, reason)
	if s.opts.ServerHeader != "" {
		fmt.Fprintf(&b, "Server: %s\r\n", s.opts.ServerHeader)
	}
	for _, h := range hs {
		fmt.Fprintf(&b, "%s: %s\r\n", h.Name, h.Value)
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// srvSession is the server side of a client session (client-id).
type srvSession struct {
	id    uint32
	guid  string
	path  string
	last  time.Time
	entry int
	genID uint32
	// gens maps the playlist-gen-id of each entry played to the entry.
	gens     map[uint32]int
	selected map[int]bool

	mu       sync.Mutex
	streamer *streamer
}

func (ss *srvSession) getEntry() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.entry
}

func (ss *srvSession) getGenID() uint32 {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.genID
}

// entryOf returns the entry a playlist-gen-id was given to.
func (ss *srvSession) entryOf(gen uint32) (int, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	e, ok := ss.gens[gen]
	return e, ok
}

// setEntryGen moves back to an entry played before, with its
// playlist-gen-id.
func (ss *srvSession) setEntryGen(e int, gen uint32) {
	ss.mu.Lock()
	ss.entry, ss.genID = e, gen
	ss.mu.Unlock()
}

// setEntry moves to a playlist entry; a new entry gets a new
// playlist-gen-id.
func (ss *srvSession) setEntry(e int, newGen bool) {
	ss.mu.Lock()
	ss.entry = e
	if newGen {
		ss.genID++
		ss.gens[ss.genID] = e
	}
	ss.mu.Unlock()
}

// awaitStop gives a client that stops a non-pipelined stream by closing
// its connection (3.1.4.6), then plays again on connection c, the time for
// that close to arrive before the server stops the stream itself: a close
// the server makes is not the client's (Server.ClosedByClient).
func (ss *srvSession) awaitStop(c *srvConn) {
	ss.mu.Lock()
	st := ss.streamer
	ss.mu.Unlock()
	if st == nil || st.pipelined || st.c == c {
		return
	}
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	select {
	case <-st.c.eof:
	case <-st.done:
	case <-t.C:
	}
}

func (ss *srvSession) stopStreaming() {
	ss.mu.Lock()
	st := ss.streamer
	ss.mu.Unlock()
	if st != nil {
		st.stop()
	}
}

func randomID() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint32(b[:])&0x7fffffff | 1
}

// session finds the request's session, or nil.
func (s *Server) session(r *Request) *srvSession {
	id, ok, err := r.Pragma.Uint32("client-id")
	if !ok || err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[id]
	if ss == nil {
		return nil
	}
	ss.mu.Lock()
	idle := ss.streamer == nil
	ss.mu.Unlock()
	if time.Now().Sub(ss.last) > time.Duration(s.opts.TimeoutMS)*time.Millisecond && idle {
		delete(s.sessions, id)
		return nil
	}
	ss.last = time.Now()
	return ss
}

// newSession creates a session.
func (s *Server) newSession(r *Request, path string) *srvSession {
	ss := &srvSession{id: randomID(), path: path, last: time.Now(), genID: uint32(randomID()%100000 + 1), gens: map[uint32]int{}}
	ss.gens[ss.genID] = 0
	ss.guid, _ = r.Pragma.Get("xClientGUID")
	s.mu.Lock()
	s.sessions[ss.id] = ss
	s.mu.Unlock()
	return ss
}

// sessionHeaders are the Pragma lines of a response.
func (s *Server) sessionHeaders(ss *srvSession, path string, extra []string) []Header {
	tok := []string{"no-cache"}
	if ss != nil {
		tok = append(tok, "client-id="+strconv.FormatUint(uint64(ss.id), 10))
	}
	if c := s.lookup(path); c != nil && ss != nil {
		tok = append(tok, `features="`+c.features(min(ss.getEntry(), len(c.Entries)-1))+`"`)
	}
	tok = append(tok, "timeout="+strconv.Itoa(s.opts.TimeoutMS))
	tok = append(tok, extra...)
	hs := []Header{{"Pragma", strings.Join(tok, ", ")}}
	cc := "no-cache"
	if s.opts.AdvertiseRemoteLog {
		cc += `, x-wms-event-subscription="remote-log"`
	}
	hs = append(hs, Header{"Cache-Control", cc})
	if len(s.opts.Supported) > 0 {
		hs = append(hs, Header{"Supported", strings.Join(s.opts.Supported, ", ")})
	}
	return hs
}

func (s *Server) lookup(path string) *Content {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.content[path]
}

func (s *Server) supports(f string) bool {
	for _, x := range s.opts.Supported {
		if strings.EqualFold(x, f) {
			return true
		}
	}
	return false
}

// cougar9 reports a Cougar >= 9 server, which sends $M to clients >= 9.
func (s *Server) cougar9(r *Request) bool {
	v, err := mmsh.ParseServer(s.opts.ServerHeader)
	if err != nil || !v.IsCougar() || !v.AtLeast(9, 0) {
		return false
	}
	ua := r.Get("User-Agent")
	if !strings.HasPrefix(ua, "NSPlayer/") {
		return false
	}
	maj, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(ua, "NSPlayer/"), ".", 2)[0])
	return maj >= 9
}

// describe answers a Describe (2.2.2.1, 3.2.5.4).
func (s *Server) describe(c *srvConn, r *Request, path string) bool {
	if st := s.opts.Faults.DescribeStatus; st != 0 {
		s.respond(c, st, "Failure", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	content := s.lookup(path)
	if content == nil {
		s.respond(c, 404, "Not Found", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	ss := s.session(r)
	reset := ss == nil
	if ss == nil {
		ss = s.newSession(r, path)
	}
	var extra []string
	pair := r.Pragma.Flag("packet-pair-experiment") && !s.opts.NoPacketPair && s.supports(mmsh.SupportSrvPPair)
	if pair {
		extra = append(extra, "packet-pair-experiment=1")
	}
	if r.Pragma.Flag("pipeline-experiment") && r.Proto == "HTTP/1.1" {
		if s.opts.NoPipelining {
			extra = append(extra, "pipeline-experiment=0")
		} else {
			extra = append(extra, "pipeline-experiment=1")
		}
	}
	if reset {
		extra = append(extra, "xResetStrm=1")
	}
	var body bytes.Buffer
	entry := min(ss.getEntry(), len(content.Entries)-1)
	if s.cougar9(r) {
		for _, p := range mmsh.Fragment(mmsh.TypeMetadata, content.metadata(entry, ss.getGenID(), content.features(entry)), 0, 0) {
			b, _ := p.Marshal()
			body.Write(b)
		}
	}
	for _, p := range mmsh.Fragment(mmsh.TypeHeader, content.Entries[entry].Header, 0, 0) {
		b, _ := p.Marshal()
		body.Write(b)
	}
	hs := s.sessionHeaders(ss, path, extra)
	hs = append(hs, Header{"Content-Type", "application/vnd.ms.wms-hdr.asfv1"})
	if s.opts.Via != "" {
		hs = append(hs, Header{"Via", s.opts.Via})
	}
	if s.opts.SetCookie != "" {
		hs = append(hs, Header{"Set-Cookie", s.opts.SetCookie})
	}
	keep := strings.EqualFold(r.Get("Connection"), "keep-alive")
	conn := "close"
	if keep {
		conn = "Keep-Alive"
	}
	// KeepSideConnections: the client must close the Describe connection
	// itself before its Play (3.1.4.3).
	keep = keep || s.opts.KeepSideConnections
	if !pair {
		hs = append(hs, Header{"Content-Length", strconv.Itoa(body.Len())}, Header{"Connection", conn})
		s.respond(c, 200, "OK", hs, body.Bytes())
		return keep
	}
	// Packet pair (2.2.3.7, 3.2.5.4): the header block and the first $P in
	// one write, the second $P alone, then the third.
	pairTotal := 0
	hdrProbe := s.responseBytes(r.Proto, 200, "OK", append(hs, Header{"Content-Length", "0000000000"}, Header{"Connection", conn}), nil)
	reason := uint32(min(len(hdrProbe), 504))
	var pkts [3][]byte
	for i := 1; i <= 3; i++ {
		size := 504 - int(reason)
		switch i {
		case 2:
			size = 504
		case 3:
			size = 1048 + int(reason)
		}
		pl := make([]byte, size)
		_, _ = rand.Read(pl)
		p := mmsh.Packet{Type: mmsh.TypePacketPair, PairIndex: i, Reason: reason, Payload: pl}
		pkts[i-1], _ = p.Marshal()
		pairTotal += len(pkts[i-1])
	}
	cl := fmt.Sprintf("%010d", pairTotal+body.Len())
	head := s.responseBytes(r.Proto, 200, "OK", append(hs, Header{"Content-Length", cl}, Header{"Connection", conn}), nil)
	if err := c.write(append(head, pkts[0]...)); err != nil {
		return false
	}
	if s.opts.PairGap > 0 {
		time.Sleep(s.opts.PairGap)
	}
	if err := c.write(pkts[1]); err != nil {
		return false
	}
	_ = c.write(append(pkts[2], body.Bytes()...))
	return keep
}

// pipeline answers the pipeline experiment (2.2.2.5, 3.2.5.5): the first
// request gets a chunked response with $T and no final chunk; if the
// second arrives within the test time, the chunk ends and a 204 with
// pipeline-result=1 follows.
func (s *Server) pipeline(c *srvConn, r *Request) bool {
	ss := s.session(r)
	hs := s.sessionHeaders(ss, "", nil)
	head := s.responseBytes("HTTP/1.1", 200, "OK", append(hs, Header{"Transfer-Encoding", "chunked"}), nil)
	// The two requests come back to back (2.2.1.4.16): the second is read
	// before the first is answered, so a client that waits for the $T
	// before it sends the second fails the test.
	_ = c.nc.SetReadDeadline(time.Now().Add(time.Second))
	r2, err := readRequest(c.br)
	_ = c.nc.SetReadDeadline(time.Time{})
	if r2 != nil {
		r2.Time = time.Now()
	}
	_ = c.write(append(head, []byte("4\r\n$T\x00\x00\r\n")...))
	result := "1"
	proto := "HTTP/1.1"
	if err != nil || r2.Kind != "Pipeline" || s.opts.NoPipelining || s.opts.FailPipelineTest {
		result, proto = "0", "HTTP/1.0"
	}
	if r2 != nil {
		r2.Conn = c.n
		s.mu.Lock()
		s.requests = append(s.requests, r2)
		s.mu.Unlock()
	}
	resp := s.responseBytes(proto, 204, "No Content", append(s.sessionHeaders(ss, "", []string{"pipeline-result=" + result}), Header{"Content-Length", "0"}), nil)
	_ = c.write(append([]byte("0\r\n\r\n"), resp...))
	return result == "1"
}

// selectStream applies a SelectStream (2.2.2.8, 3.2.5.7).
func (s *Server) selectStream(c *srvConn, r *Request) bool {
	if st := c.activeStreamer(); st != nil && st.pipelined {
		st.control(r)
		return true
	}
	ss := s.session(r)
	if ss == nil {
		s.respond(c, 400, "Bad Request", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	if st := s.opts.Faults.SelectStatus; st != 0 {
		s.respond(c, st, "Failure", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	on, off, err := selection(r)
	if err != nil {
		s.respond(c, 400, "Bad Request", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	ss.mu.Lock()
	if ss.selected == nil {
		ss.selected = map[int]bool{}
	}
	for n := range off {
		delete(ss.selected, n)
	}
	for n := range on {
		ss.selected[n] = true
	}
	st := ss.streamer
	sel := copySel(ss.selected)
	ss.mu.Unlock()
	if st != nil {
		st.setSelection(sel, true)
	}
	if s.opts.KeepSideConnections {
		s.respond(c, 200, "OK", append(s.sessionHeaders(ss, ss.path, nil), Header{"Content-Length", "0"}), nil)
		return true
	}
	s.respond(c, 200, "OK", append(s.sessionHeaders(ss, ss.path, nil), Header{"Content-Length", "0"}, Header{"Connection", "close"}), nil)
	return false
}

// simple answers KeepAlive, Log and SendEvent outside a stream.
func (s *Server) simple(c *srvConn, r *Request, path string) bool {
	ss := s.session(r)
	code, reason := 200, "OK"
	if r.Kind == "Log" {
		code, reason = s.opts.LogStatus, "No Content"
		if code != 204 {
			reason = "Status"
		}
	}
	if ss == nil && r.Kind != "SendEvent" {
		code, reason = 400, "Bad Request"
	}
	p := path
	if ss != nil {
		p = ss.path
	}
	s.respond(c, code, reason, append(s.sessionHeaders(ss, p, nil), Header{"Content-Length", "0"}), nil)
	return keepAlive(r) || s.opts.KeepSideConnections
}

// keepAlive reports whether the client wants the connection kept: HTTP/1.1
// unless "Connection: close", HTTP/1.0 only with "Connection: Keep-Alive".
func keepAlive(r *Request) bool {
	c := strings.ToLower(r.Get("Connection"))
	if r.Proto == "HTTP/1.1" {
		return !strings.Contains(c, "close")
	}
	return strings.Contains(c, "keep-alive")
}

func copySel(m map[int]bool) map[int]bool {
	out := make(map[int]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// throttle limits a writer to rate bytes per second.
type throttle struct {
	w     io.Writer
	rate  int64
	start time.Time
	sent  int64
}

func (t *throttle) Write(b []byte) (int, error) {
	if t.start.IsZero() {
		t.start = time.Now()
	}
	n := 0
	for n < len(b) {
		chunk := min(len(b)-n, 1460)
		t.sent += int64(chunk)
		due := t.start.Add(time.Duration(float64(t.sent) / float64(t.rate) * float64(time.Second)))
		if late := time.Since(due); late > 50*time.Millisecond {
			// An idle link does not bank credit for a later burst.
			t.start = t.start.Add(late)
			due = due.Add(late)
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		k, err := t.w.Write(b[n : n+chunk])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
