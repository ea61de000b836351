package mmsh

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/Azure/go-ntlmssp"

	"github.com/eddyplayer/eddy/transport"
)

// Authentication schemes, in the order a Windows Media Player lists them
// (X-Accept-Authentication, [MS-WMSP] 2.2.1.9, 3.1.5.1). Negotiate carries
// NTLMSSP tokens (SPNEGO accepts raw NTLMSSP); Kerberos is not available.
var DefaultAuthSchemes = []string{"Negotiate", "NTLM", "Digest", "Basic"}

// authState answers HTTP access-authentication challenges ([MS-WMSP] 2.1,
// 3.1.5.3; RFC 2617; NTLM over HTTP per [MS-NLMP]) for the origin server
// and the proxy. It never puts credentials in errors.
type authState struct {
	creds   *transport.Credentials
	schemes []string
	mu      sync.Mutex
	server  authCache
	proxy   authCache
}

// authCache remembers what worked so later requests (often on new
// connections, D1.1) authenticate up front.
type authCache struct {
	scheme string
	digest *challenge
	nc     uint32
}

// challenge is one parsed WWW-Authenticate / Proxy-Authenticate value.
type challenge struct {
	scheme string
	token  string // NTLM/Negotiate token68
	params map[string]string
}

func newAuthState(creds *transport.Credentials, schemes []string) *authState {
	if schemes == nil {
		schemes = DefaultAuthSchemes
	}
	return &authState{creds: creds, schemes: schemes}
}

func (a *authState) cache(proxy bool) *authCache {
	if proxy {
		return &a.proxy
	}
	return &a.server
}

// allowed reports whether scheme is in the client's list.
func (a *authState) allowed(scheme string) bool {
	for _, s := range a.schemes {
		if strings.EqualFold(s, scheme) {
			return true
		}
	}
	return false
}

// headerName is the request header carrying credentials.
func headerName(proxy bool) string {
	if proxy {
		return "Proxy-Authorization"
	}
	return "Authorization"
}

// preempt adds credentials for schemes that worked before: Basic and
// Digest directly, NTLM/Negotiate by opening the handshake with a
// NEGOTIATE message (it is connection-bound, so every new connection
// authenticates again).
func (a *authState) preempt(req *request, target *url.URL, cn *conn) {
	req.del("Authorization")
	req.del("Proxy-Authorization")
	if a.creds == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, proxy := range []bool{false, true} {
		if proxy && !cn.proxied {
			continue
		}
		c := a.cache(proxy)
		if c.scheme == "" {
			continue
		}
		if v, keep, err := a.answerLocked(req, c, &challenge{scheme: c.scheme, params: paramsOf(c.digest)}); err == nil && v != "" {
			req.add(headerName(proxy), v)
			if keep {
				req.set("Connection", "Keep-Alive")
			}
		}
	}
}

func paramsOf(c *challenge) map[string]string {
	if c == nil {
		return nil
	}
	return c.params
}

// challenge prepares req to answer the 401/407 in resp. ok is false when
// there is nothing to answer with (no credentials, no supported scheme,
// or the credentials were already refused).
func (a *authState) challenge(req *request, target *url.URL, resp *response, proxy bool, round int) (ok bool, err error) {
	if a.creds == nil {
		return false, nil
	}
	name := "WWW-Authenticate"
	if proxy {
		name = "Proxy-Authenticate"
	}
	chs := parseChallenges(resp.values(name))
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.cache(proxy)
	sent := req.get(headerName(proxy)) != ""
	var pick *challenge
	for _, want := range a.schemes {
		for i := range chs {
			if strings.EqualFold(chs[i].scheme, want) {
				pick = &chs[i]
				break
			}
		}
		if pick != nil {
			break
		}
	}
	if pick == nil {
		return false, nil
	}
	scheme := strings.ToLower(pick.scheme)
	multi := scheme == "ntlm" || scheme == "negotiate"
	switch {
	case multi && sent && pick.token == "":
		// The handshake finished and was refused.
		c.scheme = ""
		return false, nil
	case !multi && sent && !(scheme == "digest" && strings.EqualFold(pick.params["stale"], "true")):
		c.scheme = ""
		return false, nil
	}
	c.scheme = pick.scheme
	if scheme == "digest" {
		c.digest, c.nc = pick, 0
	}
	v, keep, err := a.answerLocked(req, c, pick)
	if err != nil {
		return false, fmt.Errorf("mmsh: %s authentication for %s: %w", pick.scheme, target.Redacted(), err)
	}
	req.del(headerName(proxy))
	req.add(headerName(proxy), v)
	if keep {
		// NTLM is connection-bound; HTTP/1.0 needs this (3.1.5.1).
		req.set("Connection", "Keep-Alive")
	}
	return true, nil
}

// answerLocked computes the credentials header value for ch.
func (a *authState) answerLocked(req *request, c *authCache, ch *challenge) (value string, keepAlive bool, err error) {
	user, pass := a.creds.User, a.creds.Password
	switch strings.ToLower(ch.scheme) {
	case "basic":
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)), false, nil
	case "digest":
		if c.digest == nil {
			return "", false, nil
		}
		c.nc++
		v, err := digestResponse(c.digest, req.Method, req.Target, user, pass, c.nc)
		return v, false, err
	case "ntlm", "negotiate":
		var msg []byte
		if ch.token == "" {
			host, _ := os.Hostname()
			msg, err = ntlmssp.NewNegotiateMessage("", strings.ToUpper(host))
		} else {
			var chal []byte
			chal, err = base64.StdEncoding.DecodeString(ch.token)
			if err == nil {
				msg, err = ntlmssp.NewAuthenticateMessage(chal, user, pass, nil)
			}
		}
		if err != nil {
			return "", false, err
		}
		return ch.scheme + " " + base64.StdEncoding.EncodeToString(msg), true, nil
	}
	return "", false, fmt.Errorf("scheme %q not supported", ch.scheme)
}

// requiredError builds the error the player catches to ask the user.
func (a *authState) requiredError(target *url.URL, resp *response, proxy bool, rejected bool) error {
	name := "WWW-Authenticate"
	if proxy {
		name = "Proxy-Authenticate"
	}
	e := &AuthRequiredError{URL: target.Redacted(), Proxy: proxy, Rejected: rejected || a.creds != nil}
	for _, ch := range parseChallenges(resp.values(name)) {
		e.Schemes = append(e.Schemes, ch.scheme)
		if e.Realm == "" {
			e.Realm = ch.params["realm"]
		}
	}
	return e
}

// parseChallenges reads challenge header values, one challenge per header
// line: a scheme, then a token68 (NTLM, Negotiate) or comma-separated
// auth-params with optionally quoted values.
func parseChallenges(values []string) []challenge {
	var out []challenge
	for _, v := range values {
		v = strings.TrimSpace(v)
		scheme, rest, _ := strings.Cut(v, " ")
		if scheme == "" {
			continue
		}
		ch := challenge{scheme: scheme, params: map[string]string{}}
		rest = strings.TrimSpace(rest)
		if rest != "" && !strings.Contains(rest, "=\"") && !strings.Contains(rest, ",") && strings.Count(strings.TrimRight(rest, "="), "=") == 0 {
			ch.token = rest
		} else {
			for _, t := range ParsePragma(rest) {
				ch.params[strings.ToLower(t.Name)] = t.Value
			}
		}
		out = append(out, ch)
	}
	return out
}

// digestResponse computes an RFC 2617 (RFC 7616 for SHA-256) Authorization
// value.
func digestResponse(ch *challenge, method, uri, user, pass string, nc uint32) (string, error) {
	p := ch.params
	realm, nonce := p["realm"], p["nonce"]
	if nonce == "" {
		return "", fmt.Errorf("digest challenge without a nonce")
	}
	algo := p["algorithm"]
	var newHash func() hash.Hash
	switch strings.ToUpper(algo) {
	case "", "MD5", "MD5-SESS":
		newHash = md5.New
	case "SHA-256", "SHA-256-SESS":
		newHash = sha256.New
	default:
		return "", fmt.Errorf("digest algorithm %q not supported", algo)
	}
	h := func(s string) string {
		x := newHash()
		x.Write([]byte(s))
		return hex.EncodeToString(x.Sum(nil))
	}
	var cb [8]byte
	_, _ = rand.Read(cb[:])
	cnonce := hex.EncodeToString(cb[:])
	ha1 := h(user + ":" + realm + ":" + pass)
	if strings.HasSuffix(strings.ToUpper(algo), "-SESS") {
		ha1 = h(ha1 + ":" + nonce + ":" + cnonce)
	}
	ha2 := h(method + ":" + uri)
	qop := ""
	for _, q := range strings.Split(p["qop"], ",") {
		if strings.TrimSpace(q) == "auth" {
			qop = "auth"
		}
	}
	ncs := fmt.Sprintf("%08x", nc)
	var resp string
	if qop != "" {
		resp = h(ha1 + ":" + nonce + ":" + ncs + ":" + cnonce + ":" + qop + ":" + ha2)
	} else {
		resp = h(ha1 + ":" + nonce + ":" + ha2)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s"`, user, realm, nonce, uri, resp)
	if algo != "" {
		fmt.Fprintf(&b, ", algorithm=%s", algo)
	}
	if o, ok := p["opaque"]; ok {
		fmt.Fprintf(&b, `, opaque="%s"`, o)
	}
	if qop != "" {
		fmt.Fprintf(&b, `, qop=%s, nc=%s, cnonce="%s"`, qop, ncs, cnonce)
	}
	return b.String(), nil
}
