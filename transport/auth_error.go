package transport

import (
	"fmt"
	"strings"
)

// AuthRequiredError reports that a server (or a proxy) wants credentials
// that were not given or were refused: an HTTP 401/407 to an MS-WMSP
// request ([MS-WMSP] 3.1.5.3) or an RTSP 401/407 to a DESCRIBE ([MS-RTSP]
// 2.2.6, 3.1.5.3). The player catches it with errors.As, asks the user and
// dials again with Config.Credentials set. It never contains the
// credentials.
type AuthRequiredError struct {
	// Protocol names the client that got the challenge ("mmsh", "rtsp");
	// it prefixes the message when set.
	Protocol string
	// URL is the resource that asked for authentication (redacted).
	URL string
	// Proxy is set for a 407 from a proxy.
	Proxy bool
	// Schemes lists the schemes the server offered (e.g. "NTLM", "Digest").
	Schemes []string
	// Realm is the realm of the first challenge that has one.
	Realm string
	// Rejected is set when credentials were sent and refused.
	Rejected bool
}

// Unwrap makes errors.Is(err, ErrAuthRequired) true.
func (e *AuthRequiredError) Unwrap() error { return ErrAuthRequired }

func (e *AuthRequiredError) Error() string {
	who := "server"
	if e.Proxy {
		who = "proxy"
	}
	what := "requires authentication"
	if e.Rejected {
		what = "rejected the credentials"
	}
	s := fmt.Sprintf("%s %s for %s", who, what, e.URL)
	if e.Protocol != "" {
		s = e.Protocol + ": " + s
	}
	if len(e.Schemes) > 0 {
		s += " (offered " + strings.Join(e.Schemes, ", ")
		if e.Realm != "" {
			s += ", realm " + fmt.Sprintf("%q", e.Realm)
		}
		s += ")"
	}
	return s
}
