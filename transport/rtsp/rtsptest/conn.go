package rtsptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/transport/header"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// writeTimeout bounds one write on the control connection: a client that
// stops reading does not block the server for ever.
const writeTimeout = 10 * time.Second

// Session states (MS-RTSP 3.2.1 State).
const (
	stateInit = iota
	stateReady
	statePlaying
)

// conn is one control connection and its session (MS-RTSP keeps the
// session on the connection that made it; a test client does not move
// it).
type conn struct {
	s    *Server
	nc   net.Conn
	wmu  sync.Mutex // serialises writes: responses, server requests, frames
	once sync.Once
	done chan struct{}

	mu sync.Mutex
	// session state, guarded by mu. Slots are changed only while no
	// streamer runs.
	hasSession bool
	state      int
	entry      int
	genID      uint32
	prevGenID  uint32
	// pauseInReady is Pause-Allowed-In-READY (3.2.1): set by an
	// EndOfStream that ends a playlist entry.
	pauseInReady bool
	slots        []*slot
	fec          map[string]*fecSlot
	rtx          *rtxSlot
	udp          *udpSet
	features     []string
	// position is where a resumed PLAY without Range goes on.
	position uint64
	tcpMedia bool
	str      *streamer
	// serverCSeq numbers the server's requests; pending maps their CSeq
	// to their method, for recording the client's answers.
	serverCSeq int
	pending    map[int]pendingReq
	rand       *randSource
	params     playParams
}

// pendingReq is a request of the server waiting for its answer.
type pendingReq struct {
	method string
	ack    chan struct{}
}

// slot is one set-up media stream: its control URL, transport and RTP
// state (MS-RTSP 3.2.1 Selected-Streams).
type slot struct {
	// url and control are the SETUP's URL and control name: the slot's
	// name in SelectStream requests (2.2.7.10.2).
	url     string
	control string
	// media is the m= media of the stream set up (audio, video, …).
	media string
	// stream is the control name of the stream the slot carries when
	// the server predicted one of another name into it (2.2.6.27,
	// Config.RenamedStreams); "" when it carries control's.
	stream  string
	number  uint8 // ASF stream number; 0: every stream (GStreamer)
	ssrc    uint32
	seq     uint16
	tcp     bool
	channel int
	addr    *net.UDPAddr
	// lastTS is the RTP timestamp of the last packet sent.
	lastTS uint32
}

// fecSlot is the FEC stream of a media stream (MS-RTSP 2.2.2, 2.2.5.4).
type fecSlot struct {
	url     string
	params  wmfec.Params
	enc     wmfec.Encoder
	tcp     bool
	channel int
	addr    *net.UDPAddr
}

// rtxSlot is the retransmission stream (MS-RTSP 2.2.3): v-port and
// v-ssrc of 3.2.1.
type rtxSlot struct {
	url  string
	addr *net.UDPAddr
}

func (c *conn) close() {
	c.once.Do(func() {
		close(c.done)
		c.nc.Close()
	})
}

// write sends b on the control connection.
func (c *conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	select {
	case <-c.done:
		return net.ErrClosed
	default:
	}
	c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := c.nc.Write(b)
	return err
}

func (c *conn) serve() {
	defer func() {
		c.stopStreamer()
		c.close()
		c.mu.Lock()
		u := c.udp
		c.udp = nil
		c.mu.Unlock()
		if u != nil {
			u.close()
		}
	}()
	c.fec = map[string]*fecSlot{}
	c.pending = map[int]pendingReq{}
	c.rand = newRandSource(c.s.cfg.Faults.LossSeed)
	rd := rtsp.NewReader(c.nc)
	for {
		c.nc.SetReadDeadline(time.Now().Add(c.s.cfg.IdleTimeout))
		m, err := rd.Next()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && c.streamingOverTCP() {
				continue // the media keep the session alive (3.2.5.2)
			}
			return
		}
		switch m := m.(type) {
		case *rtsp.Request:
			c.s.record(m)
			if !c.handle(m) {
				return
			}
		case *rtsp.Response:
			c.mu.Lock()
			p, ok := c.pending[m.CSeq()]
			delete(c.pending, m.CSeq())
			c.mu.Unlock()
			c.s.mu.Lock()
			c.s.responses = append(c.s.responses, Response{Method: p.method, StatusCode: m.StatusCode, Header: m.Header})
			c.s.mu.Unlock()
			if ok {
				close(p.ack)
			}
		case *rtsp.Frame:
			// Interleaved RTCP from the client: not used (b=RR:0).
		}
	}
}

func (c *conn) streamingOverTCP() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state == statePlaying && c.tcpMedia && c.str != nil
}

// reply builds a response with the headers every answer carries (MS-RTSP
// 3.2.5.2): CSeq, Session with its timeout once there is one, Server,
// Supported and X-Playlist-Gen-Id when the entry has one.
func (c *conn) reply(req *rtsp.Request, code int) *rtsp.Response {
	r := &rtsp.Response{StatusCode: code, Reason: reason(code)}
	r.Header.Add("CSeq", req.Header.Get("CSeq"))
	c.mu.Lock()
	has, gen := c.hasSession, c.genID
	c.mu.Unlock()
	if has && code < 300 && req.Method != "DESCRIBE" {
		r.Header.Add("Session", c.s.cfg.SessionID+";timeout="+itoa(c.s.cfg.SessionTimeout))
	}
	r.Header.Add("Server", c.s.cfg.Server)
	if len(c.s.cfg.Supported) > 0 {
		r.Header.Add("Supported", strings.Join(c.s.cfg.Supported, ", "))
	}
	if gen != 0 {
		r.Header.Add("X-Playlist-Gen-Id", strconv.FormatUint(uint64(gen), 10))
	}
	return r
}

func (c *conn) send(r *rtsp.Response) bool { return c.write(r.Marshal()) == nil }

// fail answers with an error status and no more.
func (c *conn) fail(req *rtsp.Request, code int) bool { return c.send(c.reply(req, code)) }

// handle answers one request; false closes the connection.
func (c *conn) handle(req *rtsp.Request) bool {
	// 3.2.5.1: a Session that is not ours (or over 20 characters) is 454;
	// an X-Playlist-Gen-Id that is not the current entry's is 412.
	if v := req.Header.Get("Session"); v != "" && req.Method != "DESCRIBE" {
		id, _, _ := strings.Cut(v, ";")
		if id = strings.TrimSpace(id); id != c.s.cfg.SessionID || len(id) > 20 {
			return c.fail(req, 454)
		}
	}
	if v := req.Header.Get("X-Playlist-Gen-Id"); v != "" && req.Method != "PLAY" && req.Method != "TEARDOWN" {
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
		c.mu.Lock()
		gen, prev := c.genID, c.prevGenID
		c.mu.Unlock()
		logPlay := strings.EqualFold(contentType(req.Header), "application/x-wms-Logplaystats")
		if err != nil || (n != 0 && uint32(n) != gen && !(logPlay && uint32(n) == prev)) {
			return c.fail(req, 412)
		}
	}
	if v := req.Header.Get("Supported"); v != "" || req.Header.Has("Supported") {
		var f []string
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				f = append(f, t)
			}
		}
		c.mu.Lock()
		c.features = f
		c.mu.Unlock()
	}
	switch req.Method {
	case "OPTIONS":
		r := c.reply(req, 200)
		r.Header.Add("Public", "DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER")
		return c.send(r)
	case "DESCRIBE":
		return c.describe(req)
	case "SETUP":
		return c.setup(req)
	case "PLAY":
		return c.play(req)
	case "PAUSE":
		return c.pause(req)
	case "GET_PARAMETER":
		return c.getParameter(req)
	case "SET_PARAMETER":
		return c.setParameter(req)
	case "TEARDOWN":
		return c.teardown(req)
	}
	return c.fail(req, 501)
}

// target is what a request URL names.
type target struct {
	aggregate bool
	// control is the stream's control name ("audio", "stream=2", "rtx"),
	// fec the media stream a ".../fec" URL protects.
	control, fec string
}

// resolve maps a request URL to the content or one of its streams; false
// when it names neither (MS-RTSP 3.2.5.6.4: only the SDP's control URLs).
func (c *conn) resolve(raw string) (target, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, false
	}
	p := c.s.cfg.Path
	switch {
	case u.Path == p || u.Path == p+"/":
		return target{aggregate: true}, true
	case !strings.HasPrefix(u.Path, p+"/"):
		return target{}, false
	}
	rest := strings.TrimPrefix(u.Path, p+"/")
	if ctl, ok := strings.CutSuffix(rest, "/fec"); ok {
		return target{fec: ctl}, true
	}
	return target{control: rest}, true
}

func (c *conn) base() string { return c.s.url + "/" }

// eventSubscription is the Cache-Control directive of Config.RemoteLog
// (MS-RTSP 2.2.6.2.10), with its leading ", ", or "".
func (s *Server) eventSubscription() string {
	if !s.cfg.RemoteLog {
		return ""
	}
	return `, x-wms-event-subscription="remote-log"`
}

// streamURL is the URL of the stream a slot carries: the SETUP's, or the
// predicted stream's own (Config.RenamedStreams).
func (c *conn) streamURL(sl *slot) string {
	if sl.stream == "" {
		return sl.url
	}
	return c.base() + sl.stream
}

// describe answers DESCRIBE (MS-RTSP 3.2.5.4): a redirect, a challenge,
// or the SDP of the current entry.
func (c *conn) describe(req *rtsp.Request) bool {
	cfg := &c.s.cfg
	if cfg.Faults.DescribeStatus != 0 {
		return c.fail(req, cfg.Faults.DescribeStatus)
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return c.fail(req, 400)
	}
	if rd, ok := cfg.Redirects[u.Path]; ok {
		r := c.reply(req, rd.Status)
		r.Header.Add("Location", rd.Location)
		c.send(r)
		return false // 3.2.5.4: close after 302 or 305
	}
	if a := cfg.Auth; a != nil && !a.allows(req.Header.Get("Authorization")) {
		r := c.reply(req, 401)
		realm := a.Realm
		if realm == "" {
			realm = "eddy"
		}
		r.Header.Add("WWW-Authenticate", `Basic realm="`+realm+`"`)
		return c.send(r) // 3.2.5.4: the connection stays open
	}
	if u.Path != cfg.Path && u.Path != cfg.Path+"/" {
		return c.fail(req, 404)
	}
	c.mu.Lock()
	if !c.hasSession {
		c.hasSession = true
		c.state = stateInit
		if len(c.s.entries) > 1 {
			c.genID = cfg.PlaylistGenID
		}
	}
	entry := c.entry
	c.mu.Unlock()
	body := c.s.describeSDP(entry, c.base())
	r := c.reply(req, 200)
	r.Header.Add("Content-Type", "application/sdp")
	if cfg.Style == StyleWMS {
		r.Header.Add("Vary", "Accept")
		r.Header.Add("X-Broadcast-Id", strconv.FormatUint(uint64(cfg.BroadcastID), 10))
		r.Header.Add("Cache-Control", "no-cache, x-wms-content-size="+itoa(len(cfg.Entries[entry]))+c.s.eventSubscription())
	}
	r.Header.Add("Content-Base", c.base())
	r.Body = body
	out := r.Marshal()
	if d := cfg.Faults.DescribeLengthDelta; d != 0 {
		old := "Content-Length: " + itoa(len(body)) + "\r\n"
		out = bytes.Replace(out, []byte(old), []byte("Content-Length: "+itoa(len(body)+d)+"\r\n"), 1)
	}
	return c.write(out) == nil
}

func (a *Auth) allows(v string) bool {
	scheme, cred, _ := strings.Cut(v, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	return err == nil && string(b) == a.User+":"+a.Password
}

// setup answers a SelectStream with SETUP (MS-RTSP 3.2.5.6.1, 3.2.5.6.4):
// the rtx stream (UDP only), a FEC stream, or a media stream.
func (c *conn) setup(req *rtsp.Request) bool {
	cfg := &c.s.cfg
	if cfg.Faults.SetupStatus != 0 {
		return c.fail(req, cfg.Faults.SetupStatus)
	}
	tg, ok := c.resolve(req.URL)
	if !ok || tg.aggregate {
		return c.fail(req, 400)
	}
	specs, err := rtsp.ParseTransport(req.Header.Get("Transport"))
	if err != nil || len(specs) == 0 {
		return c.fail(req, 400)
	}
	var ts rtsp.TransportSpec
	found := false
	for _, sp := range specs {
		switch {
		case tg.control == "rtx" && sp.TCP:
			continue // 3.1.5.4: the rtx stream is UDP only
		case !sp.TCP && tg.control != "rtx" && cfg.Faults.RefuseUDP:
			continue
		case !sp.TCP && (!sp.Unicast || sp.ClientPort[0] == 0):
			continue // 2.2.7.10.1: unicast and client_port are mandatory over UDP
		}
		ts, found = sp, true
		break
	}
	if !found {
		return c.fail(req, 461)
	}
	resume, was := c.stopForChange()
	defer func() {
		if was {
			c.startStreamer(resume, nil)
		}
	}()
	c.mu.Lock()
	if !c.hasSession {
		c.hasSession = true
		if len(c.s.entries) > 1 {
			c.genID = cfg.PlaylistGenID
		}
	}
	entry := c.s.entries[c.entry]
	c.mu.Unlock()

	var transport string
	switch {
	case tg.control == "rtx":
		if !cfg.RTX {
			return c.fail(req, 404)
		}
		u, err := c.udpSockets()
		if err != nil {
			return c.fail(req, 500)
		}
		c.mu.Lock()
		c.rtx = &rtxSlot{url: req.URL, addr: c.clientAddr(ts.ClientPort[0])}
		c.mu.Unlock()
		transport = fmt.Sprintf("RTP/AVP/UDP;unicast;server_port=%d-%d;client_port=%s;ssrc=%08x;mode=PLAY",
			u.port(u.rtxRTP), u.port(u.rtxRTCP), ports(ts.ClientPort), uint32(rtxSSRC))
	case tg.fec != "":
		if cfg.FEC == nil || cfg.Style != StyleWMS {
			return c.fail(req, 404)
		}
		if _, ok := entry.stream(tg.fec); !ok {
			return c.fail(req, 404)
		}
		p := *cfg.FEC
		if ts.HasFEC {
			q := wmfec.Params{Span: ts.FecSpan, PerSpan: ts.FecPerSpan, BurstMargin: ts.FecBurstMargin}
			if q.Validate() == nil {
				p = q
			}
		}
		f := &fecSlot{url: req.URL, params: p, tcp: ts.TCP}
		f.enc = wmfec.Encoder{PayloadType: ptFEC, SSRC: c.s.ssrc(100 + len(c.fec)), SequenceNumber: cfg.FirstSeq}
		if ts.TCP {
			f.channel = ts.Interleaved[0]
			transport = fmt.Sprintf("RTP/AVP/TCP;unicast;interleaved=%d-%d;ssrc=%08x;mode=PLAY%s",
				ts.Interleaved[0], ts.Interleaved[1], f.enc.SSRC, p.TransportParams())
		} else {
			u, err := c.udpSockets()
			if err != nil {
				return c.fail(req, 500)
			}
			f.addr = c.clientAddr(ts.ClientPort[0])
			transport = fmt.Sprintf("RTP/AVP/UDP;unicast;server_port=%d-%d;client_port=%s;ssrc=%08x;mode=PLAY%s",
				u.port(u.mediaRTP), u.port(u.mediaRTCP), ports(ts.ClientPort), f.enc.SSRC, p.TransportParams())
		}
		c.mu.Lock()
		c.fec[tg.fec] = f
		c.mu.Unlock()
	default:
		var number uint8
		media := "application"
		if cfg.Style == StyleGStreamer {
			if tg.control != "stream=0" {
				return c.fail(req, 404)
			}
		} else {
			st, ok := entry.stream(tg.control)
			if !ok {
				return c.fail(req, 404)
			}
			number, media = st.number, st.media
		}
		c.mu.Lock()
		var sl *slot
		for _, x := range c.slots {
			if x.control == tg.control {
				sl = x
			}
		}
		if sl == nil {
			sl = &slot{control: tg.control, ssrc: c.s.ssrc(len(c.slots)), seq: cfg.FirstSeq}
			c.slots = append(c.slots, sl)
		}
		sl.url, sl.number, sl.tcp, sl.media, sl.stream = req.URL, number, ts.TCP, media, ""
		c.tcpMedia = ts.TCP
		c.mu.Unlock()
		if ts.TCP {
			ch := ts.Interleaved
			if !ts.HasInterleaved {
				c.mu.Lock()
				n := 2 * (len(c.slots) - 1)
				c.mu.Unlock()
				ch = [2]int{n, n + 1}
			}
			sl.channel = ch[0]
			transport = fmt.Sprintf("RTP/AVP/TCP;unicast;interleaved=%d-%d;ssrc=%08x;mode=PLAY", ch[0], ch[1], sl.ssrc)
		} else {
			u, err := c.udpSockets()
			if err != nil {
				return c.fail(req, 500)
			}
			sl.addr = c.clientAddr(ts.ClientPort[0])
			transport = fmt.Sprintf("RTP/AVP/UDP;unicast;server_port=%d-%d;client_port=%s;ssrc=%08x;mode=PLAY",
				u.port(u.mediaRTP), u.port(u.mediaRTCP), ports(ts.ClientPort), sl.ssrc)
		}
	}
	c.mu.Lock()
	if c.state == stateInit {
		c.state = stateReady
	}
	c.mu.Unlock()
	r := c.reply(req, 200)
	r.Header.Add("Transport", transport)
	if cfg.Style == StyleWMS {
		r.Header.Add("Cache-Control", "must-revalidate, proxy-revalidate")
	}
	return c.send(r)
}

func ports(p [2]int) string {
	if p[1] == 0 {
		return itoa(p[0])
	}
	return itoa(p[0]) + "-" + itoa(p[1])
}

// clientAddr is the client's UDP address for port: the control
// connection's peer.
func (c *conn) clientAddr(port int) *net.UDPAddr {
	ip := net.IPv4(127, 0, 0, 1)
	if a, ok := c.nc.RemoteAddr().(*net.TCPAddr); ok {
		ip = a.IP
	}
	return &net.UDPAddr{IP: ip, Port: port}
}

func reason(code int) string {
	switch code {
	case 200:
		return "OK"
	case 302:
		return "Moved Temporarily"
	case 305:
		return "Use Proxy"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 412:
		return "Precondition Failed"
	case 454:
		return "Session Not Found"
	case 455:
		return "Method Not Valid in This State"
	case 457:
		return "Invalid Range"
	case 461:
		return "Unsupported Transport"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 503:
		return "Service Unavailable"
	}
	return "Status " + itoa(code)
}

// contentType is a Content-Type without its parameters.
func contentType(h header.Header) string {
	v, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	return strings.TrimSpace(v)
}
