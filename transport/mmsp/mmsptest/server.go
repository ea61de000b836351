// Package mmsptest is a loopback MS-MMSP server for tests, in the manner
// of net/http/httptest: it serves ASF files over the MMS protocol's TCP
// control connection, with the data on that connection (MMST) or over UDP
// (MMSU), following the server side of [MS-MMSP] 3.2:
//
//   - ReportConnectedEX, FunnelInfo (with the three TCP packet-pair
//     messages of 3.2.5.4 when asked), ConnectFunnel (UDP or TCP; a UDP
//     funnel refused with ReportDisconnectedFunnel when Options.RefuseUDP),
//     OpenFile (not found: a failure HRESULT; Basic authentication with
//     SecurityChallenge), ReadBlock (the UDP packet pair, then the ASF file
//     header in Data packets of at most the packet size), StreamSwitch
//     (payloads of unselected streams removed, a packet left empty not
//     sent), StartPlaying (by position or LocationId), StopPlaying,
//     Logging, Pong, CloseFile;
//   - the end of an entry (ReportEndOfStream), a server-side playlist
//     (hr 1, ReportStreamChange and the next entry: its header and data at
//     once over TCP, after the client's ReadBlock and StartPlaying over
//     UDP, 3.2.4.2), live broadcasts (no seeking, LocationIds of a
//     virtual file), pings (Options.PingEvery), resend requests on the UDP
//     port numbered as the TCP port (3.2.5.13);
//   - faults: a connection dropped or stalled after so many data packets,
//     UDP data lost or never sent (a firewall), datagrams from a wrong
//     source address, an unknown MID before ReportOpenFile.
//
// Every message a client sends is recorded (Received) for exact-shape
// asserts.
package mmsptest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport/auth/authtest"
	"github.com/eddyplayer/eddy/transport/mmsp"
)

// Options configure a Server. The zero value serves like Windows Media
// Services 9 would, as fast as TCP goes.
type Options struct {
	// ServerVersion is ServerVersionInfo; default "9.01.01.3814".
	ServerVersion string
	// RefuseUDP answers a UDP funnel with ReportDisconnectedFunnel
	// (3.2.5.5), as a server that does not stream over UDP.
	RefuseUDP bool
	// BlockUDP accepts a UDP funnel but none of its datagrams reaches the
	// client, as behind a firewall.
	BlockUDP bool
	// LoseUDP, when set, drops the UDP Data packets of ASF data packets
	// for which it returns true (given the packet's sequence number);
	// resends (RequestPacketListResend) are not dropped.
	LoseUDP func(seq uint32) bool
	// Chatter keeps sending the last UDP Data packet every 50 ms after
	// the last entry's ReportEndOfStream, until the connection ends.
	Chatter bool
	// LoseHeader, when set, drops the ASF file header sent over UDP in
	// answer to the connection's n-th ReadBlock (from 1) when it returns
	// true.
	LoseHeader func(n int) bool
	// NoResend ignores RequestPacketListResend packets.
	NoResend bool
	// WrongSource also sends every UDP Data packet from another address
	// (127.0.0.2), with its payload zeroed: a client must drop them.
	WrongSource bool
	// DropAfter closes the connection after that many ASF data packets
	// (0: never); StallAfter stops sending anything after that many,
	// leaving the connection open.
	DropAfter, StallAfter int
	// PingEvery sends a LinkMacToViewerPing when nothing was sent for
	// that long (the KeepAlive timer, 3.2.2); 0: never.
	PingEvery time.Duration
	// UnknownMID sends a message of an undefined MID before
	// ReportOpenFile.
	UnknownMID bool
	// User and Password, when set, require Basic authentication
	// (AuthenPackage "BASIC", 4.6.1) for OpenFile, or NTLM (4.6.2) when
	// NTLM is set.
	User, Password string
	NTLM           bool
	// Pace sends data packets no faster than their send times
	// (real time) times Speed (default 1); default as fast as possible.
	Pace  bool
	Speed float64
	// CloseAtEnd closes the connection after the last entry's
	// ReportEndOfStream, as a server whose idle timer (3.2.2) has run
	// out: FFmpeg's client, which has no end-of-stream handling, waits
	// for more data until the connection closes.
	CloseAtEnd bool
	// StripPadding removes the ASF padding from the data packets, as
	// 2.2.2 says a server SHOULD.
	StripPadding bool

	// DisablePacketPair answers a client asking for packet pairs with
	// MMS_DISABLE_PACKET_PAIR (ReportConnectedEX, 3.2.5.3): none is sent.
	DisablePacketPair bool
	// DropUDPPair sends the two packet-pair Data packets of a UDP
	// packet pair (3.2.5.8) nowhere, the rest of the UDP data as usual.
	DropUDPPair bool
	// PairGap spaces the first two packets of a packet pair (over TCP
	// the first two ReportFunnelInfo, 3.2.5.4; over UDP the two Data
	// packets, 3.2.5.8) by this much, as a bottleneck link of
	// size×8/PairGap bit/s would; 0 sends them back to back.
	PairGap time.Duration
}

// Content is what a path serves.
type Content struct {
	// Entries are the entries of a server-side playlist; a file is one.
	Entries []*Entry
	// Broadcast serves it as a live broadcast: attributes BROADCAST and
	// LIVE, no seeking, duration 0.
	Broadcast bool
	// NoSeek leaves FILE_ATTRIBUTE_MMS_CANSEEK out: a client seeks by
	// packet (StartPlaying locationId).
	NoSeek bool
	// RedirectTo answers OpenFile with ReportRedirect to this URL and
	// closes the connection (3.2.5.6).
	RedirectTo string
	// RedirectType is the ReportRedirect's RedirectType (2.2.4.9):
	// default 1 (another URL); 2 (mmsp.RedirectProxy) names an MMS proxy
	// in RedirectTo, or with RedirectTo "" tells the client to stop
	// using one.
	RedirectType uint16
	// RedirectFirst, when > 0, redirects only the first RedirectFirst
	// OpenFile of this path; the later ones are served the Entries.
	RedirectFirst int

	redirected int // OpenFile redirected so far (under Server.mu)
}

// paced is when media at ahead (from the first packet sent) goes out: in
// real time divided by speed, and the first accelDur of it faster still,
// at accelBps over the content's bitrate (3.2.5.11) when that is above 1.
func paced(ahead time.Duration, speed float64, accelBps, bitrate uint32, accelDur time.Duration) time.Duration {
	k := 1.0
	if accelBps > 0 && bitrate > 0 && accelBps > bitrate {
		k = float64(accelBps) / float64(bitrate)
	}
	fast := min(ahead, accelDur)
	return time.Duration(float64(fast)/(speed*k) + float64(ahead-fast)/speed)
}

// Entry is one ASF file.
type Entry struct {
	file *asf.File
	// Header is the ASF file header: the Header Object and the 50 fixed
	// bytes of the Data Object (2.2.2).
	Header []byte
}

// NewEntry parses an ASF file held in memory.
func NewEntry(data []byte) (*Entry, error) {
	f, err := asf.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	n := f.Header().Size + asf.DataObjectFixedSize
	if n > int64(len(data)) || f.PacketSize() == 0 || f.PacketSize() > 0xFFFF-mmsp.DataHeaderSize {
		return nil, fmt.Errorf("mmsptest: unusable ASF file (header %d bytes, packets of %d)", n, f.PacketSize())
	}
	return &Entry{file: f, Header: data[:n]}, nil
}

// File is one on-demand file.
func File(data []byte) (*Content, error) {
	e, err := NewEntry(data)
	if err != nil {
		return nil, err
	}
	return &Content{Entries: []*Entry{e}}, nil
}

// Received is one message a client sent.
type Received struct {
	Conn    int // the connection's number, from 1
	Seq     uint16
	Message mmsp.Message
}

// Server is a running fake server.
type Server struct {
	// URL is "mmst://127.0.0.1:port"; Port the TCP port (the UDP port of
	// resend requests has the same number).
	URL  string
	Port int

	opts Options
	ln   net.Listener
	udp  *net.UDPConn
	bad  *net.UDPConn // the wrong source

	mu         sync.Mutex
	paths      map[string]*Content
	received   []Received
	conns      map[*conn]bool
	nconns     int
	notify     chan struct{} // closed when a message is recorded
	resendReqs []mmsp.Resend
	wg         sync.WaitGroup
	closed     bool
}

// NewServer starts a server on 127.0.0.1.
func NewServer(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	udp, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	if err != nil {
		// The UDP port of the same number is taken: any other will do
		// for sending; resend requests then go unanswered.
		if udp, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}); err != nil {
			ln.Close()
			return nil, err
		}
	}
	s := &Server{URL: "mmst://127.0.0.1:" + strconv.Itoa(port), Port: port, opts: opts, ln: ln, udp: udp,
		paths: map[string]*Content{}, conns: map[*conn]bool{}}
	if opts.WrongSource {
		if s.bad, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)}); err != nil {
			s.Close()
			return nil, fmt.Errorf("mmsptest: the wrong source: %w", err)
		}
	}
	s.wg.Add(2)
	go s.accept()
	go s.resends()
	return s, nil
}

// Handle serves c at path ("/a.wma").
func (s *Server) Handle(path string, c *Content) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paths[strings.TrimPrefix(path, "/")] = c
}

// Received returns the messages clients sent, in order.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// ReceivedOf returns the messages of one MID.
func (s *Server) ReceivedOf(mid uint32) []Received {
	var out []Received
	for _, r := range s.Received() {
		if r.Message.MID() == mid {
			out = append(out, r)
		}
	}
	return out
}

// Resends returns the RequestPacketListResend packets received.
func (s *Server) Resends() []mmsp.Resend {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mmsp.Resend(nil), s.resendReqs...)
}

// Connections is how many TCP connections were accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nconns
}

// Close stops the server and its connections and waits for them.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.udp.Close()
	if s.bad != nil {
		s.bad.Close()
	}
	s.wg.Wait()
}

// CloseConnections drops every open connection.
func (s *Server) CloseConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.nconns++
		c := &conn{s: s, nc: nc, n: s.nconns, stop: make(chan struct{}), clientID: randUint32()}
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			c.serve()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// resends answers RequestPacketListResend packets (3.2.5.13).
func (s *Server) resends() {
	defer s.wg.Done()
	buf := make([]byte, 2048)
	for {
		n, from, err := s.udp.ReadFromUDP(buf)
		if err != nil {
			return
		}
		r, err := mmsp.ParseResend(buf[:n])
		if err != nil || s.opts.NoResend {
			continue
		}
		s.mu.Lock()
		s.resendReqs = append(s.resendReqs, r)
		s.mu.Unlock()
		s.mu.Lock()
		var target *conn
		for c := range s.conns {
			if c.clientID == r.ClientID {
				target = c
			}
		}
		s.mu.Unlock()
		if target != nil {
			target.resend(r, from)
		}
	}
}

func randUint32() uint32 {
	var b [4]byte
	rand.Read(b[:])
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 | 1
}

// conn is one client's session (3.2.1).
type conn struct {
	s  *Server
	nc net.Conn
	n  int

	wmu  sync.Mutex // TCP writes
	seq  uint16
	last time.Time

	// Session state, guarded by mu.
	mu          sync.Mutex
	clientID    uint32
	clientPort  int // Client-Port: 0 for TCP
	udpPair     bool
	pairOffered bool
	content     *Content
	path        string
	entry       int
	fileID      uint32
	selected    map[int]bool // nil: none selected (3.2.5.11)
	incarnation uint32
	sequence    uint32 // Sequence: the next data packet's AFFlags
	sent        map[uint32][]byte
	dataSent    int
	streaming   bool
	stop        chan struct{}
	streamDone  chan struct{}
	authed      bool
	ntlmState   authtest.Conn
	readBlocks  int
	// accelBps and accelDur are the fast start of the last
	// StartPlaying (dwAccelBandwidth, dwAccelDuration; 0: none).
	accelBps uint32
	accelDur time.Duration
}

func (c *conn) record(seq uint16, m mmsp.Message) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.received = append(c.s.received, Received{Conn: c.n, Seq: seq, Message: m})
	if c.s.notify != nil {
		close(c.s.notify)
		c.s.notify = nil
	}
}

// WaitFor waits until clients have sent n messages of mid, at most
// timeout, and reports whether they have.
func (s *Server) WaitFor(mid uint32, n int, timeout time.Duration) bool {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		count := 0
		for _, r := range s.received {
			if r.Message.MID() == mid {
				count++
			}
		}
		if count >= n {
			s.mu.Unlock()
			return true
		}
		if s.notify == nil {
			s.notify = make(chan struct{})
		}
		ch := s.notify
		s.mu.Unlock()
		select {
		case <-ch:
		case <-t.C:
			return false
		}
	}
}

// Ping sends a LinkMacToViewerPing on every open connection now, as the
// KeepAlive timer would (3.2.6.1).
func (s *Server) Ping() {
	s.mu.Lock()
	var cs []*conn
	for c := range s.conns {
		cs = append(cs, c)
	}
	s.mu.Unlock()
	for _, c := range cs {
		c.send(&mmsp.Ping{})
	}
}

// send writes one message in its own TcpMessageHeader (3.2.5.2).
func (c *conn) send(m mmsp.Message) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b := mmsp.AppendPacket(nil, c.seq, 0, m)
	c.seq++
	c.last = time.Now()
	_, err := c.nc.Write(b)
	return err
}

// sendData sends a Data packet over TCP or UDP.
func (c *conn) sendData(d mmsp.Data, udpPort int) error {
	b, err := mmsp.AppendData(nil, d)
	if err != nil {
		return err
	}
	if udpPort == 0 {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		c.last = time.Now()
		_, err = c.nc.Write(b)
		return err
	}
	if c.s.opts.BlockUDP {
		return nil
	}
	to := &net.UDPAddr{IP: c.nc.RemoteAddr().(*net.TCPAddr).IP, Port: udpPort}
	if c.s.bad != nil {
		bad := append([]byte(nil), b...)
		clear(bad[mmsp.DataHeaderSize:])
		c.s.bad.WriteToUDP(bad, to)
	}
	_, err = c.s.udp.WriteToUDP(b, to)
	return err
}

func (c *conn) serve() {
	defer c.nc.Close()
	defer c.stopStreaming()
	if c.s.opts.PingEvery > 0 {
		done := make(chan struct{})
		defer close(done)
		go c.pinger(done)
	}
	r := mmsp.NewReader(c.nc)
	for {
		// A client sends TcpMessageHeader packets only (3.2.5.1): other
		// bytes (an RTSP or HTTP request) close the connection at once.
		if at, _, err := r.AtMessage(); err != nil || !at {
			return
		}
		f, err := r.Next()
		if err != nil {
			return
		}
		if f.Packet == nil {
			return // a client sends no Data packets (3.2.5.1)
		}
		for _, m := range f.Packet.Messages {
			c.record(f.Packet.Seq, m)
			if !c.handle(m) {
				return
			}
		}
	}
}

func (c *conn) pinger(done chan struct{}) {
	t := time.NewTicker(c.s.opts.PingEvery / 4)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			c.wmu.Lock()
			idle := time.Since(c.last) >= c.s.opts.PingEvery
			c.wmu.Unlock()
			if idle {
				c.send(&mmsp.Ping{})
			}
		}
	}
}

// handle processes one message; false ends the connection.
func (c *conn) handle(m mmsp.Message) bool {
	switch m := m.(type) {
	case *mmsp.Connect:
		pi := mmsp.PacketPairDisabled
		if m.PlayIncarnation == mmsp.PacketPairUse && !c.s.opts.DisablePacketPair {
			pi = mmsp.PacketPairUse
		}
		c.mu.Lock()
		c.pairOffered = pi == mmsp.PacketPairUse
		c.mu.Unlock()
		v := c.s.opts.ServerVersion
		if v == "" {
			v = "9.01.01.3814"
		}
		ex := &mmsp.ReportConnectedEX{PlayIncarnation: pi, MacToViewerRevision: mmsp.MacToViewerRevision, ViewerToMacRevision: mmsp.ViewerToMacRevision,
			BlockGroupPlayTime: 1, BlockGroupBlocks: 1, MaxOpenFiles: 1, BlockMaxBytes: 0x8000, MaxBitRate: 0x00989680, ServerVersion: v}
		if c.s.opts.User != "" {
			ex.AuthenPackage = "BASIC"
			if c.s.opts.NTLM {
				ex.AuthenPackage = "NTLM"
			}
		}
		return c.send(ex) == nil
	case *mmsp.FunnelInfo:
		fi := &mmsp.ReportFunnelInfo{PlayIncarnation: mmsp.PacketPairDisabled, TransportMask: 8, BlockFragments: 1, FragmentBytes: 0x10000,
			Cubs: c.clientID, Disks: 1}
		c.mu.Lock()
		offered := c.pairOffered
		c.mu.Unlock()
		// Packet pairs only after ReportConnectedEX offered them (a
		// client that did not ask in LinkViewerToMacConnect, as FFmpeg,
		// gets none).
		switch pi := m.PlayIncarnation; {
		case !offered:
		case pi == mmsp.PacketPairUse || pi == mmsp.PacketPairTCP:
			// Three messages, the packets 512, 512 and 1056 bytes long.
			fi.PlayIncarnation = mmsp.PacketPairTCP
			for i, total := range []int{512, 512, 1056} {
				fi.PacketPair = make([]byte, total-mmsp.HeaderSize-48)
				rand.Read(fi.PacketPair)
				if i == 1 && c.s.opts.PairGap > 0 {
					time.Sleep(c.s.opts.PairGap) // the bottleneck link's spacing
				}
				if c.send(fi) != nil {
					return false
				}
			}
			return true
		case pi == mmsp.PacketPairUDP:
			fi.PlayIncarnation = mmsp.PacketPairUDP
			c.mu.Lock()
			c.udpPair = true
			c.mu.Unlock()
		}
		return c.send(fi) == nil
	case *mmsp.ConnectFunnel:
		parts := strings.Split(strings.TrimPrefix(m.FunnelName, `\\`), `\`)
		if len(parts) != 3 || (parts[1] != "TCP" && parts[1] != "UDP") {
			return c.send(&mmsp.ReportDisconnectedFunnel{HR: 0x80070057}) == nil
		}
		if parts[1] == "UDP" {
			port, err := strconv.Atoi(parts[2])
			if c.s.opts.RefuseUDP || err != nil || port < 1 || port > 65535 {
				return c.send(&mmsp.ReportDisconnectedFunnel{HR: 0x80070005}) == nil
			}
			c.mu.Lock()
			c.clientPort = port
			c.mu.Unlock()
		} else {
			c.mu.Lock()
			c.clientPort = 0
			c.mu.Unlock()
		}
		return c.send(&mmsp.ReportConnectedFunnel{FunnelName: "Funnel Of The Gods"}) == nil
	case *mmsp.OpenFile:
		return c.open(m.PlayIncarnation, m.FileName, m.Token)
	case *mmsp.SecurityResponse:
		return c.open(m.PlayIncarnation, c.path, m.Token)
	case *mmsp.ReadBlock:
		c.mu.Lock()
		ok := c.content != nil && m.OpenFileID == c.fileID
		c.incarnation = m.PlayIncarnation
		port, pair := c.clientPort, c.udpPair
		c.mu.Unlock()
		if !ok {
			return c.send(&mmsp.ReportReadBlock{HR: 0x80070006, PlayIncarnation: m.PlayIncarnation}) == nil
		}
		if port != 0 && pair && !c.s.opts.DropUDPPair {
			// 3.2.5.8: two Data packets of 1464 random bytes
			// (1472-byte datagrams, 4.4.1), LocationId 0xF0F0F000
			// and 0xF0F0F001, playIncarnation 0xFF, AFFlags 0x10.
			for i := uint32(0); i < 2; i++ {
				p := make([]byte, 1464)
				rand.Read(p)
				if i == 1 && c.s.opts.PairGap > 0 {
					time.Sleep(c.s.opts.PairGap) // the bottleneck link's spacing
				}
				c.sendData(mmsp.Data{LocationID: mmsp.PacketPairLocation + i, Incarnation: 0xFF, Flags: mmsp.FlagPacketPair, Payload: p}, port)
			}
		}
		if c.send(&mmsp.ReportReadBlock{PlayIncarnation: m.PlayIncarnation}) != nil {
			return false
		}
		c.readBlocks++
		if port != 0 && c.s.opts.LoseHeader != nil && c.s.opts.LoseHeader(c.readBlocks) {
			return true
		}
		return c.sendHeader(uint8(m.PlayIncarnation), port) == nil
	case *mmsp.StreamSwitch:
		c.mu.Lock()
		if c.selected == nil {
			c.selected = map[int]bool{}
		}
		for _, e := range m.Entries {
			switch {
			case e.Dst != mmsp.NoStream && e.Thinning != 2:
				c.selected[int(e.Dst)] = true
				if e.Src != mmsp.NoStream && e.Src != e.Dst {
					delete(c.selected, int(e.Src))
				}
			case e.Dst != mmsp.NoStream:
				delete(c.selected, int(e.Dst))
			case e.Src != mmsp.NoStream:
				delete(c.selected, int(e.Src))
			}
		}
		c.mu.Unlock()
		return c.send(&mmsp.ReportStreamSwitch{}) == nil
	case *mmsp.StartPlaying:
		c.mu.Lock()
		ok := c.content != nil && m.OpenFileID == c.fileID
		c.mu.Unlock()
		if !ok {
			return c.send(&mmsp.ReportStartedPlaying{HR: 0x80070006, PlayIncarnation: m.PlayIncarnation}) == nil
		}
		c.stopStreaming()
		start := c.startPacket(m)
		c.mu.Lock()
		c.incarnation = m.PlayIncarnation
		c.streaming = true
		fid := c.fileID
		c.accelBps, c.accelDur = 0, 0
		if m.HasAccel {
			// 3.2.5.11: the first dwAccelDuration of media at
			// dwAccelBandwidth (with Pace).
			c.accelBps, c.accelDur = m.AccelBandwidth, time.Duration(m.AccelDuration)*time.Millisecond
		}
		c.mu.Unlock()
		if c.send(&mmsp.ReportStartedPlaying{PlayIncarnation: m.PlayIncarnation, TigerFileID: fid}) != nil {
			return false
		}
		c.startStreaming(start)
		return true
	case *mmsp.StopPlaying:
		c.stopStreaming()
		c.mu.Lock()
		c.streaming = false
		c.mu.Unlock()
		return c.send(&mmsp.ReportEndOfStream{PlayIncarnation: m.PlayIncarnation}) == nil
	case *mmsp.Logging:
		return true // recorded: Received
	case *mmsp.CloseFile:
		return false
	}
	// Pong, CancelReadBlock (the header goes out at once), unknown MIDs.
	return true
}

// open answers OpenFile or SecurityResponse (3.2.5.6, 3.2.5.7).
func (c *conn) open(pi uint32, name string, token []byte) bool {
	c.s.mu.Lock()
	content := c.s.paths[strings.TrimPrefix(name, "/")]
	redirect := content != nil && (content.RedirectTo != "" || content.RedirectType == mmsp.RedirectProxy) &&
		(content.RedirectFirst <= 0 || content.redirected < content.RedirectFirst)
	if redirect {
		content.redirected++
	}
	c.s.mu.Unlock()
	c.mu.Lock()
	c.path = name
	c.mu.Unlock()
	if c.s.opts.NTLM && c.s.opts.User != "" && !c.authed {
		return c.ntlm(pi, token)
	}
	if u := c.s.opts.User; u != "" && !c.authed {
		want := base64.StdEncoding.EncodeToString([]byte(u+":"+c.s.opts.Password)) + "\x00"
		if string(token) != want {
			tok := utf16z(`realm="mmsptest"`)
			return c.send(&mmsp.SecurityChallenge{PlayIncarnation: pi, Cookie: 0xC00C1E, Token: tok}) == nil
		}
		c.authed = true
	}
	if c.s.opts.UnknownMID {
		if c.send(&mmsp.Unknown{ID: 0x0004FFFF, Body: []byte{1, 2, 3, 4}}) != nil {
			return false
		}
	}
	if redirect {
		typ := content.RedirectType
		if typ == 0 {
			typ = mmsp.RedirectURL
		}
		c.send(&mmsp.ReportRedirect{Type: typ, Location: content.RedirectTo})
		return false
	}
	if content == nil || len(content.Entries) == 0 {
		return c.send(&mmsp.ReportOpenFile{HR: 0x80070002, PlayIncarnation: pi}) == nil
	}
	c.mu.Lock()
	// File-ID 1: the first file of the connection, which is what
	// Windows Media Services assigns and FFmpeg assumes (it never reads
	// openFileId and sends 1).
	c.content, c.entry, c.fileID = content, 0, 1
	m := c.openReport(pi)
	c.mu.Unlock()
	return c.send(m) == nil
}

// ntlm runs the server's side of the NTLM sequence (4.6.2): a
// SecurityChallenge of two zero bytes first, then the CHALLENGE message
// (in an NTLM_AUTH structure when the client used one), then
// ReportOpenFile for valid credentials (checked by authtest from
// [MS-NLMP]) or a challenge without a token (refused).
func (c *conn) ntlm(pi uint32, p []byte) bool {
	cred, wrapped := "", false
	if len(p) > 2 && p[0] == 0 && p[1] == 0 {
		tok := p[2:]
		// NTLM_AUTH (2.2.4.14.1): Zero, One, Reserved1,
		// NTLMTokenSize, Two, Reserved2, then the token.
		le := func(i int) uint32 {
			return uint32(tok[i]) | uint32(tok[i+1])<<8 | uint32(tok[i+2])<<16 | uint32(tok[i+3])<<24
		}
		if len(tok) >= 24 && le(0) == 0 && le(4) == 1 && le(16) == 2 && uint64(le(12)) <= uint64(len(tok)-24) {
			tok, wrapped = tok[24:24+le(12)], true
		}
		cred = "NTLM " + base64.StdEncoding.EncodeToString(tok)
	}
	a := authtest.Server{Scheme: "NTLM", User: c.s.opts.User, Password: c.s.opts.Password}
	ok, ch, keep := a.Check(&c.ntlmState, "OpenFile", cred)
	if ok {
		c.authed = true
		return c.open(pi, c.path, nil)
	}
	out := []byte{0, 0}
	if _, t, found := strings.Cut(ch, " "); found {
		raw, _ := base64.StdEncoding.DecodeString(t)
		if wrapped {
			out = append(out, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, byte(len(raw)), byte(len(raw)>>8), byte(len(raw)>>16), byte(len(raw)>>24), 2, 0, 0, 0, 0, 0, 0, 0)
		}
		out = append(out, raw...)
	}
	return c.send(&mmsp.SecurityChallenge{PlayIncarnation: pi, Cookie: 0xC00C1E, Token: out}) == nil && keep
}

func utf16z(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), 0)
	}
	return append(b, 0, 0)
}

// openReport fills ReportOpenFile for the current entry (2.2.4.7).
func (c *conn) openReport(pi uint32) *mmsp.ReportOpenFile {
	e := c.content.Entries[c.entry]
	h := e.file.Header()
	attr := uint32(mmsp.AttrCanSeek | mmsp.AttrCanStride)
	dur := h.Duration().Seconds()
	count := e.file.PacketCount()
	if c.content.Broadcast {
		attr, dur, count = mmsp.AttrBroadcast|mmsp.AttrLive, 0, 0
	}
	if c.content.NoSeek {
		attr &^= mmsp.AttrCanSeek
	}
	if len(c.content.Entries) > 1 {
		attr |= mmsp.AttrPlaylist
	}
	return &mmsp.ReportOpenFile{PlayIncarnation: pi, OpenFileID: c.fileID, FileAttributes: attr, FileDuration: dur,
		FileBlocks: uint32(math.Ceil(dur)), FilePacketSize: e.file.PacketSize(), FilePacketCount: count,
		FileBitRate: max(h.MaxBitrate, 8000), FileHeaderSize: uint32(len(e.Header))}
}

// sendHeader sends the entry's ASF file header in Data packets
// (3.2.5.8.1).
func (c *conn) sendHeader(inc uint8, port int) error {
	c.mu.Lock()
	e := c.content.Entries[c.entry]
	c.mu.Unlock()
	size := int(e.file.PacketSize())
	h := e.Header
	for i := 0; len(h) > 0; i++ {
		n := min(size, len(h))
		flags := uint8(mmsp.FlagHeaderMore)
		if n == len(h) {
			flags = mmsp.FlagHeaderLast
		}
		if err := c.sendData(mmsp.Data{LocationID: uint32(i), Incarnation: inc, Flags: flags, Payload: h[:n]}, port); err != nil {
			return err
		}
		h = h[n:]
	}
	return nil
}

// startPacket is where a StartPlaying starts (3.2.5.11): LocationId,
// else position; a broadcast at its live point (the start here).
func (c *conn) startPacket(m *mmsp.StartPlaying) uint64 {
	c.mu.Lock()
	e, live, noSeek := c.content.Entries[c.entry], c.content.Broadcast, c.content.NoSeek
	c.mu.Unlock()
	switch {
	case live:
		return 0
	case m.Position == math.MaxFloat64 && m.LocationID != 0 && m.LocationID != 0xFFFFFFFF:
		return min(uint64(m.LocationID), e.file.PacketCount())
	case m.Position > 0 && m.Position < 1e9 && !noSeek:
		n, err := e.file.SeekPacket(time.Duration(m.Position * float64(time.Second)))
		if err == nil {
			return n
		}
	}
	return 0
}

func (c *conn) startStreaming(start uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stop = make(chan struct{})
	c.streamDone = make(chan struct{})
	go c.stream(start, c.stop, c.streamDone)
}

func (c *conn) stopStreaming() {
	c.mu.Lock()
	stop, done := c.stop, c.streamDone
	c.streamDone = nil
	c.mu.Unlock()
	if done == nil {
		return
	}
	close(stop)
	<-done
}

// stream sends the data packets from start, then the end of the entry
// (3.2.4.1) and the next entry of a playlist (3.2.4.2).
func (c *conn) stream(start uint64, stop, done chan struct{}) {
	defer close(done)
	began := time.Now()
	for {
		c.mu.Lock()
		e, port, inc := c.content.Entries[c.entry], c.clientPort, c.incarnation
		last := c.entry == len(c.content.Entries)-1
		c.mu.Unlock()
		var base time.Duration = -1
		for n := start; n < e.file.PacketCount(); n++ {
			select {
			case <-stop:
				return
			default:
			}
			raw, err := e.file.ReadPacket(n, nil)
			if err != nil {
				break
			}
			c.mu.Lock()
			sel := c.selected
			pkt, send, err := filter(raw, e.file.PacketSize(), sel, c.s.opts.StripPadding)
			c.mu.Unlock()
			if err != nil || !send {
				continue
			}
			if c.s.opts.Pace {
				st, _ := asf.ParseSendTime(raw)
				t := time.Duration(st) * time.Millisecond
				if base < 0 {
					base, began = t, time.Now()
				}
				sp := c.s.opts.Speed
				if sp <= 0 {
					sp = 1
				}
				c.mu.Lock()
				accel, accelDur := c.accelBps, c.accelDur
				c.mu.Unlock()
				if wait := time.Until(began.Add(paced(t-base, sp, accel, max(e.file.Header().MaxBitrate, 8000), accelDur))); wait > 0 {
					select {
					case <-stop:
						return
					case <-time.After(wait):
					}
				}
			}
			c.mu.Lock()
			seq := c.sequence
			c.sequence++
			c.dataSent++
			count := c.dataSent
			if c.sent == nil {
				c.sent = map[uint32][]byte{}
			}
			d := mmsp.Data{LocationID: uint32(n), Incarnation: uint8(inc), Flags: uint8(seq), Payload: pkt}
			if port != 0 {
				b, _ := mmsp.AppendData(nil, d)
				c.sent[seq] = b
				delete(c.sent, seq-256)
			}
			c.mu.Unlock()
			if o := c.s.opts; o.StallAfter > 0 && count > o.StallAfter {
				<-stop
				return
			}
			if port != 0 && c.s.opts.LoseUDP != nil && c.s.opts.LoseUDP(seq) {
				continue
			}
			if c.sendData(d, port) != nil {
				return
			}
			if o := c.s.opts; o.DropAfter > 0 && count >= o.DropAfter {
				c.nc.Close()
				return
			}
		}
		hr := uint32(0)
		if !last {
			hr = mmsp.HRMoreEntries
		}
		if c.send(&mmsp.ReportEndOfStream{HR: hr, PlayIncarnation: inc}) != nil || last {
			c.mu.Lock()
			c.streaming = false
			c.mu.Unlock()
			if last && c.s.opts.CloseAtEnd {
				c.nc.Close()
			}
			if last && c.s.opts.Chatter && port != 0 {
				c.chatter(stop, port)
			}
			return
		}
		c.mu.Lock()
		c.entry++
		e = c.content.Entries[c.entry]
		// Over TCP the server chooses the new entry's streams itself
		// (3.2.4.2): all of them here; the client's StreamSwitch then
		// narrows them.
		c.selected = map[int]bool{}
		for _, st := range e.file.Header().Streams {
			c.selected[int(st.Number)] = true
		}
		h := e.file.Header()
		c.mu.Unlock()
		if c.send(&mmsp.ReportStreamChange{TcpHdrIncarnation: 0xFF, PacketSize: e.file.PacketSize(), HeaderSize: uint32(len(e.Header)), BitRate: h.MaxBitrate}) != nil {
			return
		}
		if port != 0 {
			// Over UDP the client asks for the header and plays again
			// (3.2.4.2).
			c.mu.Lock()
			c.streaming = false
			c.mu.Unlock()
			return
		}
		c.mu.Lock()
		c.incarnation = 0xFF
		c.mu.Unlock()
		if c.sendHeader(0xFF, 0) != nil {
			return
		}
		start = 0
	}
}

// chatter repeats the last data packet sent until stop.
func (c *conn) chatter(stop chan struct{}, port int) {
	c.mu.Lock()
	b := c.sent[c.sequence-1]
	c.mu.Unlock()
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	to := &net.UDPAddr{IP: c.nc.RemoteAddr().(*net.TCPAddr).IP, Port: port}
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			c.s.udp.WriteToUDP(b, to)
		}
	}
}

// resend answers a resend request with copies of the packets asked for,
// unchanged (3.2.5.13).
func (c *conn) resend(r mmsp.Resend, from *net.UDPAddr) {
	c.mu.Lock()
	ok := r.SourceID == uint16(c.fileID) && c.clientPort != 0
	var out [][]byte
	for _, p := range r.Packets {
		if b, found := c.sent[p]; found && ok {
			out = append(out, b)
		}
	}
	port := c.clientPort
	c.mu.Unlock()
	to := &net.UDPAddr{IP: c.nc.RemoteAddr().(*net.TCPAddr).IP, Port: port}
	for _, b := range out {
		c.s.udp.WriteToUDP(b, to)
	}
}

// filter removes the payloads of unselected streams from a data packet
// (3.2.5.11.1) and, when strip is set, its padding (2.2.2). send is false
// when nothing of the selection is left (the packet is not sent).
func filter(raw []byte, size uint32, sel map[int]bool, strip bool) ([]byte, bool, error) {
	var p asf.Packet
	if err := p.Unmarshal(raw, size); err != nil {
		return nil, false, err
	}
	if p.Parity {
		return raw, true, nil
	}
	kept := p.Payloads[:0]
	for _, pl := range p.Payloads {
		if sel[int(pl.Stream)] {
			kept = append(kept, pl)
		}
	}
	if len(kept) == 0 {
		return nil, false, nil
	}
	if len(kept) == len(p.Payloads) && !strip {
		return raw, true, nil
	}
	if !p.Multiple && len(kept) != 1 {
		return nil, false, errors.New("mmsptest: a single-payload packet with several payloads")
	}
	p.Payloads = kept
	if strip {
		p.Padding = 0
		if (p.LengthTypeFlags>>5)&3 != 0 {
			p.Length = uint32(p.MarshalSize())
		}
	} else if err := p.PadTo(size); err != nil {
		return nil, false, err
	}
	b, err := p.Marshal()
	return b, err == nil, err
}
