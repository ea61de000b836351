package auth

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/Azure/go-ntlmssp"

	"github.com/eddyplayer/eddy/transport"
)

// DefaultSchemes are the authentication schemes a client offers, in the
// order a Windows Media Player lists them in X-Accept-Authentication
// ([MS-WMSP] 2.2.1.9, 3.1.5.1; [MS-RTSP] 2.2.6.14, 3.1.5.1). Negotiate
// carries NTLMSSP tokens (SPNEGO accepts raw NTLMSSP); Kerberos is not
// available.
var DefaultSchemes = []string{"Negotiate", "NTLM", "Digest", "Basic"}

// AcceptHeader is the header that lists the schemes a client supports:
// X-Accept-Authentication for the server, X-Accept-Proxy-Authentication
// for a proxy ([MS-WMSP] 2.2.1.9, 2.2.1.10; [MS-RTSP] 2.2.6.14, 2.2.6.15).
func AcceptHeader(proxy bool) string {
	if proxy {
		return "X-Accept-Proxy-Authentication"
	}
	return "X-Accept-Authentication"
}

// AcceptValue is the value of the AcceptHeader headers:
// `auth-scheme *(", " auth-scheme)` in order of preference ([MS-WMSP]
// 2.2.1.9), e.g. "Negotiate, NTLM, Digest, Basic".
func AcceptValue(schemes []string) string { return strings.Join(schemes, ", ") }

// CredentialsHeader is the request header carrying credentials:
// Authorization, or Proxy-Authorization for a proxy (RFC 2617 2, 3.2.2).
func CredentialsHeader(proxy bool) string {
	if proxy {
		return "Proxy-Authorization"
	}
	return "Authorization"
}

// ChallengeHeader is the response header carrying challenges:
// WWW-Authenticate with a 401, Proxy-Authenticate with a 407 (RFC 2617 1.2).
func ChallengeHeader(proxy bool) string {
	if proxy {
		return "Proxy-Authenticate"
	}
	return "WWW-Authenticate"
}

// Answer is what a request carries to authenticate.
type Answer struct {
	// Scheme is the scheme answered, as the server wrote it.
	Scheme string
	// Header is CredentialsHeader(proxy); Value goes in it.
	Header, Value string
	// KeepAlive is set for the connection-bound schemes (NTLM, Negotiate):
	// the request must ask to keep the connection (Connection: Keep-Alive,
	// which an HTTP/1.0 request needs, [MS-WMSP] 3.1.5.1) and the next
	// round must use the same connection.
	KeepAlive bool
}

// Error is a failure to compute credentials for a challenge (a Digest
// challenge without a nonce, an unsupported Digest algorithm, a malformed
// NTLM challenge). It never holds the credentials.
type Error struct {
	// Scheme is the challenge's scheme.
	Scheme string
	// Err is the cause.
	Err error
}

func (e *Error) Error() string { return e.Scheme + " authentication: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Client answers access-authentication challenges for one session, for
// the origin server and the proxy, and remembers the scheme that worked
// so that later requests (often on new connections) authenticate up
// front. Its methods are safe for concurrent use.
type Client struct {
	creds   *transport.Credentials
	schemes []string

	mu     sync.Mutex
	server cache
	proxy  cache

	// cnonce makes the Digest client nonce; hostname names the workstation
	// in an NTLM NEGOTIATE message. Tests replace them.
	cnonce   func() string
	hostname func() (string, error)
}

// cache is what worked for one side (server or proxy).
type cache struct {
	scheme string
	digest *Challenge
	nc     uint32
}

// NewClient returns a Client answering with creds (nil, or an empty user
// and password: none) and the schemes in order of preference (nil:
// DefaultSchemes).
func NewClient(creds *transport.Credentials, schemes []string) *Client {
	if creds != nil && creds.User == "" && creds.Password == "" {
		creds = nil
	}
	if schemes == nil {
		schemes = DefaultSchemes
	}
	return &Client{creds: creds, schemes: schemes, cnonce: randomCnonce, hostname: os.Hostname}
}

// Schemes returns the schemes the client offers, in order of preference.
func (c *Client) Schemes() []string { return c.schemes }

// HasCredentials reports whether the client has credentials to answer with.
func (c *Client) HasCredentials() bool { return c.creds != nil }

func (c *Client) side(proxy bool) *cache {
	if proxy {
		return &c.proxy
	}
	return &c.server
}

// Preempt returns credentials for a new request (method and request URI,
// the Digest uri) when a scheme worked before on that side: Basic and
// Digest directly (Digest with the next nonce count), NTLM and Negotiate by
// opening the handshake again with a NEGOTIATE message, since they are
// bound to the connection (RFC 2617 3.3; [MS-NLMP] 3.1.5.1.1). ok is false
// when there is nothing to send.
func (c *Client) Preempt(proxy bool, method, uri string) (a Answer, ok bool) {
	if c.creds == nil {
		return Answer{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.side(proxy)
	if s.scheme == "" {
		return Answer{}, false
	}
	var params map[string]string
	if s.digest != nil {
		params = s.digest.Params
	}
	v, keep, err := c.answerLocked(method, uri, s, &Challenge{Scheme: s.scheme, Params: params})
	if err != nil || v == "" {
		return Answer{}, false
	}
	return Answer{Scheme: s.scheme, Header: CredentialsHeader(proxy), Value: v, KeepAlive: keep}, true
}

// Respond answers the challenges of a 401 (proxy false) or 407 (proxy
// true) response, given as the values of ChallengeHeader(proxy), for the
// request method and URI sent again. sent tells whether the refused
// request carried credentials for that side. It picks the first of the
// client's schemes that the server offers.
//
// ok is false when there is nothing to answer with: no credentials, no
// scheme in common, or the credentials were refused (a Basic or Digest
// challenge to a request that carried credentials, unless the Digest
// challenge says stale=true; an NTLM or Negotiate challenge without a
// token to a request that carried a token: the handshake ended and was
// refused). A refusal forgets the scheme that worked before. err is an
// *Error when credentials cannot be computed for the chosen challenge.
func (c *Client) Respond(proxy bool, method, uri string, challenges []string, sent bool) (a Answer, ok bool, err error) {
	if c.creds == nil {
		return Answer{}, false, nil
	}
	chs := ParseChallenges(challenges)
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.side(proxy)
	var pick *Challenge
	for _, want := range c.schemes {
		for i := range chs {
			if strings.EqualFold(chs[i].Scheme, want) {
				pick = &chs[i]
				break
			}
		}
		if pick != nil {
			break
		}
	}
	if pick == nil {
		return Answer{}, false, nil
	}
	scheme := strings.ToLower(pick.Scheme)
	multi := scheme == "ntlm" || scheme == "negotiate"
	switch {
	case multi && sent && pick.Token == "":
		// The handshake finished and was refused.
		s.scheme = ""
		return Answer{}, false, nil
	case !multi && sent && !(scheme == "digest" && strings.EqualFold(pick.Params["stale"], "true")):
		s.scheme = ""
		return Answer{}, false, nil
	}
	s.scheme = pick.Scheme
	if scheme == "digest" {
		s.digest, s.nc = pick, 0
	}
	v, keep, err := c.answerLocked(method, uri, s, pick)
	if err != nil {
		return Answer{}, false, &Error{Scheme: pick.Scheme, Err: err}
	}
	return Answer{Scheme: pick.Scheme, Header: CredentialsHeader(proxy), Value: v, KeepAlive: keep}, true, nil
}

// answerLocked computes the credentials value for ch.
func (c *Client) answerLocked(method, uri string, s *cache, ch *Challenge) (value string, keepAlive bool, err error) {
	user, pass := c.creds.User, c.creds.Password
	switch strings.ToLower(ch.Scheme) {
	case "basic":
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)), false, nil
	case "digest":
		if s.digest == nil {
			return "", false, nil
		}
		s.nc++
		v, err := digestResponse(s.digest.Params, method, uri, user, pass, s.nc, c.cnonce())
		return v, false, err
	case "ntlm", "negotiate":
		var msg []byte
		if ch.Token == "" {
			host, _ := c.hostname()
			msg, err = ntlmssp.NewNegotiateMessage("", strings.ToUpper(host))
		} else {
			var chal []byte
			chal, err = base64.StdEncoding.DecodeString(ch.Token)
			if err == nil {
				msg, err = ntlmssp.NewAuthenticateMessage(chal, user, pass, nil)
			}
		}
		if err != nil {
			return "", false, err
		}
		return ch.Scheme + " " + base64.StdEncoding.EncodeToString(msg), true, nil
	}
	return "", false, fmt.Errorf("scheme %q not supported", ch.Scheme)
}

// RequiredError builds the error a player catches to ask the user for
// credentials, from the challenges of the 401/407 that ended the exchange.
// url is the resource (redacted: no password); rejected is set when
// credentials were sent and refused, and also whenever the client had
// credentials (they were not good enough). Protocol is left for the caller.
func (c *Client) RequiredError(url string, proxy, rejected bool, challenges []string) *transport.AuthRequiredError {
	e := &transport.AuthRequiredError{URL: url, Proxy: proxy, Rejected: rejected || c.creds != nil}
	for _, ch := range ParseChallenges(challenges) {
		e.Schemes = append(e.Schemes, ch.Scheme)
		if e.Realm == "" {
			e.Realm = ch.Params["realm"]
		}
	}
	return e
}
