package mmsh

import (
	"fmt"
	"net/url"

	"github.com/eddyplayer/eddy/transport/auth"
)

// authState puts the shared access-authentication client (transport/auth)
// on MS-WMSP requests ([MS-WMSP] 2.1, 3.1.5.3): credentials for the origin
// server and, when the connection goes through one, the proxy.
type authState struct {
	*auth.Client
}

func newAuthState(c *auth.Client) *authState { return &authState{c} }

// preempt adds credentials for schemes that worked before: Basic and
// Digest directly, NTLM/Negotiate by opening the handshake with a
// NEGOTIATE message (it is connection-bound, so every new connection
// authenticates again).
func (a *authState) preempt(req *request, target *url.URL, cn *conn) {
	req.del(auth.CredentialsHeader(false))
	req.del(auth.CredentialsHeader(true))
	for _, proxy := range []bool{false, true} {
		if proxy && !cn.proxied {
			continue
		}
		if ans, ok := a.Preempt(proxy, req.Method, req.Target); ok {
			req.add(ans.Header, ans.Value)
			if ans.KeepAlive {
				req.set("Connection", "Keep-Alive")
			}
		}
	}
}

// challenge prepares req to answer the 401/407 in resp. ok is false when
// there is nothing to answer with (no credentials, no supported scheme,
// or the credentials were already refused).
func (a *authState) challenge(req *request, target *url.URL, resp *response, proxy bool, round int) (ok bool, err error) {
	sent := req.get(auth.CredentialsHeader(proxy)) != ""
	ans, ok, err := a.Respond(proxy, req.Method, req.Target, resp.values(auth.ChallengeHeader(proxy)), sent)
	if err != nil {
		return false, fmt.Errorf("mmsh: authentication for %s: %w", target.Redacted(), err)
	}
	if !ok {
		return false, nil
	}
	req.del(ans.Header)
	req.add(ans.Header, ans.Value)
	if ans.KeepAlive {
		// NTLM is connection-bound; HTTP/1.0 needs this (3.1.5.1).
		req.set("Connection", "Keep-Alive")
	}
	return true, nil
}

// requiredError builds the error the player catches to ask the user.
func (a *authState) requiredError(target *url.URL, resp *response, proxy bool, rejected bool) error {
	e := a.RequiredError(target.Redacted(), proxy, rejected, resp.values(auth.ChallengeHeader(proxy)))
	e.Protocol = "mmsh"
	return e
}
