package mmsh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/transport"

	"github.com/eddyplayer/eddy/transport/wms"
)

// DefaultUserAgent is sent when Config.UserAgent does not start with
// "NSPlayer/": Windows Media Services answers anything else with an ASX
// redirect document (<69>). Version 12.0 is the last Windows Media Player
// line ([MS-WMSP] 2.2.1.8); claiming >= 9.0 means $M, Supported and
// predictive stream selection apply, which this client implements.
const DefaultUserAgent = "NSPlayer/12.0.7724.0"

// clientVersion is the major version claimed in DefaultUserAgent.
const clientVersion = 12

// maxAuthRounds bounds the 401/407 exchanges of one request (NTLM needs
// two).
const maxAuthRounds = 4

// reqKind is an MS-WMSP request type ([MS-WMSP] 2.2.2), also the element
// type of the Expected-Responses list (3.1.1).
type reqKind uint8

const (
	reqDescribe reqKind = iota
	reqPlay
	reqPipeline
	reqPlayNextEntry
	reqSelectStream
	reqKeepAlive
	reqLog
	reqSendEvent
	reqStop
	reqWebLog
)

func (k reqKind) String() string {
	return [...]string{"Describe", "Play", "Pipeline", "PlayNextEntry", "SelectStream",
		"KeepAlive", "Log", "SendEvent", "Stop", "web log"}[k]
}

// client is the per-session request machinery shared by the owner and the
// side-request worker: identity, cookies, proxy, authentication and
// connection set-up. Its methods are safe for concurrent use.
type client struct {
	ua       string
	guid     string
	lang     string
	schemes  []string
	jar      http.CookieJar
	proxyFor func(*url.URL) (*url.URL, error)
	auth     *authState
	timeout  time.Duration
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)
	reqCtx   atomic.Uint32
	// cfg is the session's configuration: its Trace records the
	// connections' requests and responses.
	cfg transport.Config

	mu sync.Mutex
	// useProxy is a proxy forced by a 305 response (3.1.5.5).
	useProxy *url.URL
}

// validGUID checks the registry format of xClientGUID (2.2.1.4.33).
func validGUID(s string) bool {
	if len(s) != 38 || s[0] != '{' || s[37] != '}' {
		return false
	}
	for i := 1; i < 37; i++ {
		c := s[i]
		switch i {
		case 9, 14, 19, 24:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// userAgent makes the configured User-Agent NSPlayer-compatible.
func userAgent(cfg string) string {
	cfg = strings.TrimSpace(cfg)
	switch {
	case cfg == "":
		return DefaultUserAgent
	case strings.HasPrefix(cfg, "NSPlayer/"):
		return cfg
	}
	return DefaultUserAgent + " " + cfg
}

// nextContext returns the next request-context value (2.2.1.4.23).
func (c *client) nextContext() string {
	return strconv.FormatUint(uint64(c.reqCtx.Add(1)), 10)
}

// proxyURL returns the proxy for target, or nil.
func (c *client) proxyURL(target *url.URL) (*url.URL, error) {
	c.mu.Lock()
	p := c.useProxy
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	if c.proxyFor == nil {
		return nil, nil
	}
	return c.proxyFor(target)
}

func (c *client) setProxy(p *url.URL) {
	c.mu.Lock()
	c.useProxy = p
	c.mu.Unlock()
}

// hostPort returns host:port of u, port 80 by default.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// hostHeader is the Host value: host, with the port unless it is 80.
func hostHeader(u *url.URL) string {
	if p := u.Port(); p != "" && p != "80" {
		return net.JoinHostPort(u.Hostname(), p)
	}
	if strings.Contains(u.Hostname(), ":") {
		return "[" + u.Hostname() + "]"
	}
	return u.Hostname()
}

// requestPath is the origin-form target of u.
func requestPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// connect opens a TCP connection for target, within timeout: to the proxy
// when one applies, else to the server.
func (c *client) connect(ctx context.Context, target *url.URL, timeout time.Duration) (*conn, error) {
	proxy, err := c.proxyURL(target)
	if err != nil {
		return nil, fmt.Errorf("mmsh: proxy for %s: %w", target.Redacted(), err)
	}
	addr := hostPort(target)
	if proxy != nil {
		addr = hostPort(proxy)
	}
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	nc, err := c.dial(dctx, "tcp", addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if dctx.Err() != nil {
			return nil, fmt.Errorf("mmsh: connect to %s: no connection in %v: %w", addr, timeout.Round(time.Millisecond), ErrTimeout)
		}
		return nil, fmt.Errorf("mmsh: connect to %s: %w", addr, err)
	}
	cn := newConn(nc, addr)
	cn.host = target.Host
	cn.proxied = proxy != nil
	if c.cfg.Trace != nil {
		cn.trace = &tracer{cfg: c.cfg}
	}
	return cn, nil
}

// prepare fills the connection-dependent parts of req for target on cn:
// the request target (absolute URI through a proxy), Host, cookies
// (3.1.5.1, 2.2.1.3) and preemptive credentials.
func (c *client) prepare(req *request, target *url.URL, cn *conn) {
	c.prepareRound(req, target, cn, 0)
}

// prepareRound is prepare for one round of an authentication exchange:
// credentials go in up front only on the first round; later rounds carry
// the answer to the challenge.
func (c *client) prepareRound(req *request, target *url.URL, cn *conn, round int) {
	if req.Target != "*" {
		if cn.proxied {
			req.Target = (&url.URL{Scheme: "http", Host: target.Host, Path: target.Path, RawPath: target.RawPath, RawQuery: target.RawQuery}).String()
		} else {
			req.Target = requestPath(target)
		}
	}
	req.set("Host", hostHeader(target))
	req.del("Cookie")
	if v := wms.CookieHeader(c.jar, target); v != "" {
		req.add("Cookie", v)
	}
	if round == 0 {
		c.auth.preempt(req, target, cn)
	}
}

// store keeps the response's cookies (3.1.5.3) in the jar shared with
// HTTP and RTSP (2.2.1.3).
func (c *client) store(resp *response, target *url.URL) {
	wms.StoreCookies(c.jar, target, resp.values("Set-Cookie"))
}

// exchange sends req for target on a new connection and reads the
// response header, answering 401/407 challenges on the same connection
// when the server kept it open (3.1.5.3). The body is left unread on the
// returned connection, which the caller owns. The connection and each
// round have timeout (conn.begin); a round that runs out of it ends with
// an ErrTimeout that says what arrived.
func (c *client) exchange(ctx context.Context, target *url.URL, req *request, timeout time.Duration) (*conn, *response, error) {
	cn, err := c.connect(ctx, target, timeout)
	if err != nil {
		return nil, nil, err
	}
	for round := 0; ; round++ {
		c.prepareRound(req, target, cn, round)
		resp, err := c.roundTrip(ctx, cn, req, timeout)
		if err != nil {
			cn.close()
			return nil, nil, fmt.Errorf("mmsh: %s %s: %w", req.kind, target.Redacted(), err)
		}
		c.store(resp, target)
		if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusProxyAuthRequired {
			return cn, resp, nil
		}
		proxy := resp.StatusCode == http.StatusProxyAuthRequired
		ok, aerr := c.auth.challenge(req, target, resp, proxy, round)
		if aerr != nil || !ok || round >= maxAuthRounds {
			cn.close()
			if aerr == nil {
				aerr = c.auth.requiredError(target, resp, proxy, round > 0)
			}
			return nil, nil, aerr
		}
		// Resubmit on the same connection unless it was closed (3.1.5.3).
		if !resp.keepAlive() || !resp.delimited() || !drain(resp.body(cn.br)) {
			cn.close()
			if cn, err = c.connect(ctx, target, timeout); err != nil {
				return nil, nil, err
			}
		}
	}
}

// roundTrip writes req and reads the response header within timeout.
func (c *client) roundTrip(ctx context.Context, cn *conn, req *request, timeout time.Duration) (*response, error) {
	cn.begin(timeout)
	stop := cn.bound(ctx)
	defer stop()
	cn.trace.request(cn, req)
	if _, err := cn.nc.Write(req.wire()); err != nil {
		if ctx.Err() == nil && isTimeout(err) {
			return nil, fmt.Errorf("the request could not be sent to %s in %v: %w: %w", cn.peer(), timeout.Round(time.Millisecond), ErrTimeout, err)
		}
		return nil, ctxErr(ctx, err)
	}
	resp, err := cn.readResponse()
	if errors.Is(err, io.EOF) {
		err = fmt.Errorf("connection closed before a response: %w", io.ErrUnexpectedEOF)
	}
	return resp, cn.exchangeErr(ctx, err, "no complete response")
}

// defaultJar returns the configured shared cookie jar or a new one.
func defaultJar(hc *http.Client) http.CookieJar {
	if hc != nil && hc.Jar != nil {
		return hc.Jar
	}
	j, _ := cookiejar.New(nil)
	return j
}

// proxyFunc takes the proxy setting from an explicit URL, else from the
// HTTP client's transport, else from the environment (Config.HTTPClient
// documents that default).
func proxyFunc(explicit *url.URL, hc *http.Client) func(*url.URL) (*url.URL, error) {
	if explicit != nil {
		return func(*url.URL) (*url.URL, error) { return explicit, nil }
	}
	var f func(*http.Request) (*url.URL, error)
	if hc != nil {
		if t, ok := hc.Transport.(*http.Transport); ok {
			f = t.Proxy
		} else if hc.Transport == nil {
			f = http.ProxyFromEnvironment
		}
	} else {
		f = http.ProxyFromEnvironment
	}
	if f == nil {
		return nil
	}
	return func(u *url.URL) (*url.URL, error) {
		hu := *u
		hu.Scheme = "http"
		return f(&http.Request{URL: &hu, Header: http.Header{}})
	}
}
