package rtsp

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
	"github.com/eddyplayer/eddy/transport/auth"
	"github.com/eddyplayer/eddy/transport/wms"
)

// DefaultPort is RTSP's port (MS-RTSP 1.9).
const DefaultPort = "554"

// Lower is the lower transport of the media (MS-RTSP 2.2.6.11).
type Lower uint8

const (
	// LowerAuto tries UDP and falls back to TCP when no UDP arrives
	// (3.1.6.1: the Firewall timer decides).
	LowerAuto Lower = iota
	// LowerUDP receives RTP over UDP only (rtspu://).
	LowerUDP
	// LowerTCP receives RTP interleaved in the control connection
	// (rtspt://).
	LowerTCP
)

// Dialer opens MS-RTSP sessions. The zero value is usable.
type Dialer struct {
	// Lower forces the media transport; LowerAuto takes it from the
	// scheme: rtspu:// UDP, rtspt:// TCP, rtsp:// UDP then TCP.
	Lower Lower
	// DialContext connects the control connection; default net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Language is Accept-Language's first tag; default "en-US".
	Language string
	// FirewallTimeout is how long the client waits for the first UDP
	// packet after PLAY before it decides UDP is blocked (3.1.2: 1 s to
	// 30 s, SHOULD be 10 s + RTT/2). 0 means 10 s.
	FirewallTimeout time.Duration
	// FastCacheSpeed, when above 1, asks a server that lists
	// com.microsoft.wm.fastcache to stream that many times faster than
	// real time (Fast Cache: Speed on PLAY, RFC 2326 §12.35, MS-RTSP
	// 3.1.5.9.1), as Windows Media Player does and as
	// mmsh.Dialer.FastCacheSpeed does over HTTP. Only where the media go
	// over TCP: the session's queue is bounded, and only TCP makes a
	// server wait for a player that reads in real time; over UDP the
	// excess would be dropped. A server that subscribes the client to
	// remote-log events then gets, at the end of each logged period, a
	// streaming LogPlay and a remote-log SendEvent with the rendering log
	// (3.1.4.7, 3.1.4.9). Default 0: off.
	FastCacheSpeed float64
}

// firewallTimeout returns FirewallTimeout within 3.1.2's bounds.
func (d *Dialer) firewallTimeout() time.Duration {
	if d.FirewallTimeout <= 0 {
		return 10 * time.Second
	}
	return min(max(d.FirewallTimeout, time.Second), 30*time.Second)
}

// Match reports the URL schemes of MS-RTSP.
func Match(u *url.URL) bool {
	switch strings.ToLower(u.Scheme) {
	case "rtsp", "rtspu", "rtspt":
		return true
	}
	return false
}

// Dial implements transport.Dialer: DESCRIBE (following redirects), then
// a session ready for Select and Play.
func (d *Dialer) Dial(ctx context.Context, rawURL string, cfg transport.Config) (transport.Session, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("rtsp: bad URL %q", rawURL)
	}
	lower := d.Lower
	if lower == LowerAuto {
		switch strings.ToLower(u.Scheme) {
		case "rtspu":
			lower = LowerUDP
		case "rtspt":
			lower = LowerTCP
		}
	}
	// The user's protocol choices (Config.NoUDP, NoTCP).
	switch {
	case cfg.NoUDP && cfg.NoTCP:
		return nil, fmt.Errorf("rtsp: %w: UDP and TCP", transport.ErrProtocolOff)
	case cfg.NoUDP && lower == LowerUDP:
		return nil, fmt.Errorf("rtsp: %w: UDP (%s)", transport.ErrProtocolOff, u.Scheme)
	case cfg.NoTCP && lower == LowerTCP:
		return nil, fmt.Errorf("rtsp: %w: TCP (%s)", transport.ErrProtocolOff, u.Scheme)
	case cfg.NoUDP:
		lower = LowerTCP
	case cfg.NoTCP:
		lower = LowerUDP
	}
	guid := cfg.ClientID
	if guid == "" {
		guid = wms.NewGUID()
	}
	guid = strings.Trim(strings.ToUpper(guid), "{}")
	ua := DefaultUserAgent + " guid/" + guid + " Eddy/1.0"
	if cfg.UserAgent != "" {
		ua = cfg.UserAgent
	}
	lang := d.Language
	if lang == "" {
		lang = "en-US"
	}
	sctx, cancel := context.WithCancel(context.Background())
	s := &session{
		d: d, cfg: cfg, now: cfg.NowFunc(), timeout: cfg.TimeoutOrDefault(),
		userAgent: ua, acceptAuth: auth.AcceptValue(auth.DefaultSchemes), language: lang,
		auth: auth.NewClient(cfg.Credentials, auth.DefaultSchemes), jar: cookieJar(cfg),
		target: canonical(u), lower: lower, guid: guid,
		ctx: sctx, cancel: cancel,
		cmds: make(chan command), out: make(chan item), done: make(chan struct{}),
	}
	s.stats.opened = s.now()
	s.o.s = s
	s.wg.Add(1)
	go s.o.run()
	// The open is the DESCRIBE within the timeout, plus, where UDP may
	// be tried, the packet pair's Firewall time (3.1.5.6).
	// A second more than the request timer's, so an unanswered DESCRIBE
	// ends with the timer's message (ErrTimeout naming it), not with
	// the context's.
	limit := s.timeout + time.Second
	if lower != LowerTCP {
		limit += d.firewallTimeout()
	}
	ctx, cancelOpen := context.WithTimeout(ctx, limit)
	defer cancelOpen()
	if err := s.call(ctx, command{kind: cmdOpen}); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// canonical gives the URL the server is asked for: rtsp:// whatever the
// scheme chose for the lower transport.
func canonical(u *url.URL) *url.URL {
	c := *u
	c.Scheme = "rtsp"
	return &c
}

// hostPort is where the control connection goes: the URL's port, else
// 554. An mms:// URL's 1755 is the MMS port (MS-MMSP), never RTSP's, so
// it means 554 too.
func hostPort(u *url.URL) string {
	if p := u.Port(); p != "" && p != "1755" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), DefaultPort)
}

// controlAddr is where the control connection goes: the proxy a 305
// named, else the URL's host (3.1.4.2).
func (o *owner) controlAddr() string {
	if o.proxy != "" {
		return o.proxy
	}
	return hostPort(o.s.target)
}

// proxyAddr is the host:port of the proxy a 305 Use Proxy's Location
// names (RFC 2326 §11.2, RFC 2616 §10.3.6: "the URI of the
// proxy"): an rtsp:// URL, port 554 by default, or a bare host:port.
func proxyAddr(loc string, base *url.URL) (string, error) {
	if host, port, err := net.SplitHostPort(strings.TrimSpace(loc)); err == nil && host != "" && !strings.Contains(host, "/") {
		if n, err := strconv.ParseUint(port, 10, 16); err == nil && n > 0 {
			return net.JoinHostPort(host, port), nil
		}
	}
	u, err := base.Parse(loc)
	if err != nil || u.Host == "" || !Match(u) {
		return "", fmt.Errorf("rtsp: 305 Use Proxy names %q, not an RTSP proxy", loc)
	}
	return hostPort(u), nil
}

// describe connects and sends DESCRIBE for the target URL (3.1.4.2).
func (o *owner) describe(ctx context.Context) error {
	s := o.s
	dial := s.d.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	c, err := dialConn(ctx, dial, o.controlAddr(), s.timeout)
	if err != nil {
		return err
	}
	c.r.Now = s.now
	o.ctrl = c
	o.authRounds = 0
	o.sendDescribe(s.target.String(), "", "")
	return nil
}

// sendDescribe sends DESCRIBE, with credentials when given (the header
// and value of an auth.Answer).
func (o *owner) sendDescribe(target, authHeader, authValue string) {
	req := o.s.describeRequest(target)
	if authHeader != "" {
		req.Header.Add(authHeader, authValue)
	}
	o.send(req, func(resp *Response, err error) {
		if err != nil {
			o.openDone(err)
			return
		}
		o.described(target, resp, authHeader != "")
	})
}

// maxAuthRounds bounds the DESCRIBEs of one authentication: NTLM and
// Negotiate take two, Digest one, plus a stale nonce.
const maxAuthRounds = 4

// authenticate answers a 401 or 407 to DESCRIBE on the same connection,
// which the server keeps open (MS-RTSP 3.1.5.4, 3.2.5.4), or ends the
// open with the error a player catches to ask for credentials.
func (o *owner) authenticate(target string, resp *Response, sent bool) {
	s := o.s
	proxy := resp.StatusCode == 407
	challenges := resp.Header.Values(auth.ChallengeHeader(proxy))
	o.authRounds++
	if o.authRounds <= maxAuthRounds {
		a, ok, err := s.auth.Respond(proxy, "DESCRIBE", target, challenges, sent)
		if err != nil {
			o.openDone(fmt.Errorf("rtsp: %w", err))
			return
		}
		if ok {
			o.sendDescribe(target, a.Header, a.Value)
			return
		}
	}
	e := s.auth.RequiredError(target, proxy, sent, challenges)
	e.Protocol = "rtsp"
	o.openDone(e)
}

// described handles the DESCRIBE response (3.1.5.4).
func (o *owner) described(target string, resp *Response, sentAuth bool) {
	s := o.s
	switch code := resp.StatusCode; {
	case code == 401 || code == 407:
		o.authenticate(target, resp, sentAuth)
		return
	case code >= 300 && code <= 305 && resp.Header.Get("Location") != "":
		o.redirects++
		if o.redirects > maxRedirects {
			o.openDone(fmt.Errorf("rtsp: more than %d redirects", maxRedirects))
			return
		}
		base, _ := url.Parse(target)
		if code == 305 {
			// 305 Use Proxy: the same request through the proxy the
			// Location names; the URL stays (RFC 2326 §11.2, MS-RTSP
			// 3.1.5.4), and so do the session's later connections.
			p, err := proxyAddr(resp.Header.Get("Location"), base)
			if err != nil {
				o.openDone(err)
				return
			}
			o.proxy = p
		} else {
			loc, err := base.Parse(resp.Header.Get("Location"))
			if err != nil || !Match(loc) {
				o.openDone(&transport.RedirectError{Location: resp.Header.Get("Location"), Reason: "the RTSP server redirected"})
				return
			}
			// Another server: asked directly, without a proxy an
			// earlier 305 named for the old one.
			s.target, o.proxy = canonical(loc), ""
		}
		o.ctrl.close()
		o.ctrl = nil
		o.fifo = nil
		if err := o.describe(s.ctx); err != nil {
			o.openDone(err)
		}
		return
	case code/100 != 2:
		o.openDone(statusErr("DESCRIBE "+target, resp))
		return
	}
	base := resp.Header.Get("Content-Base")
	if base == "" {
		base = resp.Header.Get("Content-Location")
	}
	if base == "" {
		base = target
	}
	bu, err := url.Parse(base)
	if err != nil {
		bu, _ = url.Parse(target)
	}
	p, err := parsePresentation(resp.Body, bu)
	if err != nil {
		o.openDone(fmt.Errorf("rtsp: the DESCRIBE answer: %w", err))
		return
	}
	if p.aggregate == "" {
		p.aggregate = target
	}
	if v := resp.Header.Get("X-Broadcast-Id"); v != "" && v != "0" {
		p.broadcast = true
	}
	o.remoteLog = remoteLogSubscribed(resp.Header.Values("Cache-Control"))
	o.pres = p
	o.install(p.hdr)
	in := s.infoFor(o)
	s.mu.Lock()
	s.info = in
	s.mu.Unlock()
	o.probeUDP()
}

func (o *owner) openDone(err error) {
	if c := o.open; c != nil {
		o.open = nil
		c.reply <- err
	}
}

// infoFor builds the transport.Info of the current entry.
func (s *session) infoFor(o *owner) transport.Info {
	in := asftrack.Info(o.hdr)
	in.URL = s.target.String()
	in.Protocol = "rtsp"
	if o.pres.broadcast {
		in.Broadcast = true
		in.Seekable = false
	}
	if o.pres.notSeekable {
		in.Seekable = false
	}
	// Streams switch with SETUP and TEARDOWN (3.1.4.4); Scale where the
	// content is stridable (2.2.5.2.6.4) and not live; a playlist entry
	// is skipped from (X-Playlist, 2.2.6.20) in the directions its a=type
	// offers (2.2.5.2.6.6/7).
	in.Caps = transport.Capabilities{
		SwitchStreams: true,
		Rate:          !o.pres.notStridable && !in.Broadcast && in.Seekable,
		SkipForward:   o.pres.skipForward,
		SkipBackward:  o.pres.skipBackward,
	}
	return in
}

// cookieJar is the jar shared with HTTP (MS-RTSP 2.2.6.4: one store for
// both, rtsp:// taken as http://): the configured HTTP client's, else one
// for this session.
func cookieJar(cfg transport.Config) http.CookieJar {
	if cfg.HTTPClient != nil && cfg.HTTPClient.Jar != nil {
		return cfg.HTTPClient.Jar
	}
	j, _ := cookiejar.New(nil)
	return j
}
