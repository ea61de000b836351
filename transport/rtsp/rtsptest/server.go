package rtsptest

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport/header"
	"github.com/eddyplayer/eddy/transport/rtsp"
)

// Request is a request the server received, as it came: method, URL,
// header lines in order, body.
type Request struct {
	Method, URL string
	Header      header.Header
	Body        []byte
	Time        time.Time
}

// Response is a client's answer to a request of the server
// (EndOfStream, ANNOUNCE), with the method it answered.
type Response struct {
	Method     string
	StatusCode int
	Header     header.Header
}

// Stats are what the server did on the wire.
type Stats struct {
	// Sent counts the media RTP packets sent (first transmissions,
	// duplicates not counted); FECSent the FEC packets.
	Sent, FECSent int
	// Dropped, Duplicated and Reordered count the faults applied.
	Dropped, Duplicated, Reordered int
	// NACKs counts the RTCP packets with a generic NACK accepted,
	// RTCPIgnored those ignored (no NACK, or a CNAME that is not the rtx
	// ssrc's, MS-RTSP 3.2.5.10); Resent the packets resent for them and
	// NotFound the sequence numbers asked that were not in the resend
	// queue.
	NACKs, RTCPIgnored, Resent, NotFound int
	// EndOfStreams and Announces count the server's requests sent.
	EndOfStreams, Announces int
	// Skips counts the PLAYs with X-Playlist answered 200 (2.2.6.20).
	Skips int
	// Deselected counts the streams removed by a SelectStream TEARDOWN
	// (2.2.7.10.2), DeselectRefused the ones refused: a URL no SETUP of
	// the session used, a body that is not an SSEntry as 2.2.7.10 and
	// 2.2.7.10.2 write it, a stream the body names that no slot
	// carries, or no body where the slot carries a stream of another
	// URL.
	Deselected, DeselectRefused int
}

// Server is a loopback MS-RTSP server (see the package documentation).
type Server struct {
	cfg     Config
	entries []*entry
	ln      net.Listener
	url     string

	sdpSessionID string

	mu        sync.Mutex
	requests  []Request
	responses []Response
	stats     Stats
	dropped   []uint16
	conns     map[*conn]bool
	closed    bool

	wg sync.WaitGroup
}

// New starts a server for the test; it is closed when the test ends.
func New(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a server on a loopback port. Close stops it.
func NewServer(cfg Config) (*Server, error) {
	if len(cfg.Entries) == 0 {
		return nil, errors.New("rtsptest: no entries")
	}
	cfg = withDefaults(cfg)
	s := &Server{cfg: cfg, conns: map[*conn]bool{}, sdpSessionID: "200710060441230578"}
	for i, d := range cfg.Entries {
		e, err := newEntry(d)
		if err != nil {
			return nil, fmt.Errorf("rtsptest: entry %d: %w", i, err)
		}
		if cfg.RenamedStreams && i > 0 {
			for j := range e.streams {
				if st := &e.streams[j]; st.media == "audio" || st.media == "video" {
					st.control = st.media + "=" + strconv.Itoa(int(st.number))
				}
			}
		}
		s.entries = append(s.entries, e)
	}
	if f := cfg.FEC; f != nil {
		if err := f.Validate(); err != nil {
			return nil, fmt.Errorf("rtsptest: FEC: %w", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.ln = ln
	s.url = "rtsp://" + ln.Addr().String() + cfg.Path
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Path == "" {
		cfg.Path = "/content.wmv"
	}
	if cfg.Sleep == nil {
		cfg.Sleep = realSleep
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxPayloadSize == 0 {
		cfg.MaxPayloadSize = 1400
	}
	if cfg.FirstSeq == 0 {
		cfg.FirstSeq = 1000
	}
	if cfg.SessionID == "" {
		cfg.SessionID = "13856065358275910855"
	}
	if cfg.SessionTimeout == 0 {
		cfg.SessionTimeout = 60
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = time.Duration(cfg.SessionTimeout)*time.Second + 5*time.Second
	}
	if cfg.Server == "" {
		cfg.Server = "WMServer/9.1.1.5000"
		if cfg.Style == StyleGStreamer {
			cfg.Server = "GStreamer RTSP server"
		}
	}
	if cfg.Supported == nil && cfg.Style == StyleWMS {
		cfg.Supported = []string{
			"com.microsoft.wm.srvppair", "com.microsoft.wm.sswitch",
			"com.microsoft.wm.eosmsg", "com.microsoft.wm.fastcache",
			"com.microsoft.wm.packetpairssrc",
		}
	}
	if cfg.PlaylistGenID == 0 {
		cfg.PlaylistGenID = 5351
	}
	if cfg.MaxAccelBandwidth == 0 {
		cfg.MaxAccelBandwidth = 2000000
	}
	return cfg
}

func realSleep(d time.Duration, stop <-chan struct{}) bool {
	if d <= 0 {
		select {
		case <-stop:
			return false
		default:
			return true
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	}
}

// URL is the content's rtsp:// URL.
func (s *Server) URL() string { return s.url }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server: the listener, every connection, every stream
// and socket; it returns when all its goroutines have ended.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	s.ln.Close()
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestsOf returns the requests of one method; for SET_PARAMETER and
// GET_PARAMETER, method may be "METHOD content/type" to pick those of
// one Content-Type (without parameters), e.g.
// "SET_PARAMETER application/x-wms-Logconnectstats".
func (s *Server) RequestsOf(method string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Method == method || r.Method+" "+contentType(r.Header) == method {
			out = append(out, r)
		}
	}
	return out
}

// Responses returns the client's answers to the server's requests.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.responses...)
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// DroppedSeqs returns the sequence numbers of the media packets lost on
// purpose (pattern and random), in the order they were dropped.
func (s *Server) DroppedSeqs() []uint16 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]uint16(nil), s.dropped...)
}

func (s *Server) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &conn{s: s, nc: nc, done: make(chan struct{})}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
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

// ssrc returns the SSRC of the server's stream k: distinct, fixed values
// so that tests can name them.
func (s *Server) ssrc(k int) uint32 { return 0x2f73682b + uint32(k)*0x01010101 }

// rtxSSRC is the ssrc of the rtx SETUP response (MS-RTSP 8.14's value).
const rtxSSRC = 0x2f73682b

// record stores a request.
func (s *Server) record(r *rtsp.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method: r.Method, URL: r.URL,
		Header: append(header.Header(nil), r.Header...),
		Body:   append([]byte(nil), r.Body...),
		Time:   s.cfg.Now(),
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
