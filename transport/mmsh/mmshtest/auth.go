package mmshtest

import (
	"strings"

	"github.com/eddyplayer/eddy/transport/auth/authtest"
)

// Auth makes the server demand credentials ([MS-WMSP] 2.1, 3.2.5.1).
type Auth struct {
	// Scheme is "Basic", "Digest", "NTLM" or "Negotiate" (NTLMSSP tokens).
	Scheme         string
	User, Password string
	Realm          string
	// Domain is the NTLM domain the user belongs to ("" for none).
	Domain string
	// Proxy makes the server answer like an HTTP proxy in front of the
	// origin: 407 with Proxy-Authenticate; requests must use absolute URIs.
	Proxy bool
}

// checkAuth enforces Options.Auth: ok when the request may proceed; keep
// tells whether the connection stays open after a challenge.
func (s *Server) checkAuth(c *srvConn, r *Request) (ok, keep bool) {
	a := s.opts.Auth
	if a == nil {
		return true, true
	}
	hdr, chal, code, reason := "Authorization", "WWW-Authenticate", 401, "Unauthorized"
	if a.Proxy {
		hdr, chal, code, reason = "Proxy-Authorization", "Proxy-Authenticate", 407, "Proxy Authentication Required"
		if !strings.HasPrefix(r.Target, "http://") && r.Target != "*" {
			s.respond(c, 400, "Bad Request", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
			return false, false
		}
	}
	srv := authtest.Server{Scheme: a.Scheme, User: a.User, Password: a.Password, Realm: a.Realm, Domain: a.Domain}
	ok, value, keep := srv.Check(&c.auth, r.Method, r.Get(hdr))
	if ok {
		return true, true
	}
	hs := []Header{{chal, value}, {"Content-Length", "0"}}
	if keep {
		hs = append(hs, Header{"Connection", "Keep-Alive"})
	} else {
		hs = append(hs, Header{"Connection", "close"})
	}
	s.respond(c, code, reason, hs, nil)
	return false, keep
}
