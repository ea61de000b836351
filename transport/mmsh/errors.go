package mmsh

import (
	"errors"
	"fmt"
	"strings"

	"github.com/eddyplayer/eddy/transport"
)

var (
	// ErrNotWMSP reports a server that does not speak MS-WMSP: no Server
	// header naming Cougar or Rex ([MS-WMSP] 3.1.5.3).
	ErrNotWMSP = errors.New("mmsh: not a Windows Media HTTP streaming server")
	// ErrProtocol reports a message that breaks the MS-WMSP syntax: a bad
	// Pragma value, a response that does not fit the request, ...
	ErrProtocol = errors.New("mmsh: protocol error")
	// ErrMalformedPacket reports framing that breaks [MS-WMSP] 2.2.3: a bad
	// frame byte, an unknown packet type, a length that does not match the
	// packet type, a truncated packet.
	ErrMalformedPacket = errors.New("mmsh: malformed framed packet")
	// ErrUnexpectedPacket reports a packet type the client did not expect
	// in its current state ([MS-WMSP] 3.1.5.2).
	ErrUnexpectedPacket = errors.New("mmsh: unexpected packet")
	// ErrTooLarge reports an object (ASF header, metadata, HTTP header)
	// beyond the client's limits.
	ErrTooLarge = errors.New("mmsh: object too large")
	// ErrTimeout reports a request or a stream that got no data within
	// Config.Timeout: for a stream, no new data packet for that long,
	// reconnections included.
	ErrTimeout = errors.New("mmsh: timed out")
	// ErrNoProgress reports a stream whose reconnections bring nothing new:
	// Dialer.MaxReconnects resumes in a row, each answered with packets
	// already received (a server that starts again from an earlier packet
	// than the one asked for) or not answered at all.
	ErrNoProgress = errors.New("mmsh: the stream makes no progress")
	// ErrRedirectLoop reports too many redirects or a redirect loop.
	ErrRedirectLoop = errors.New("mmsh: too many redirects")
	// ErrNotSupported reports an operation the server or content does not
	// offer (no stridable feature for a rate, no sswitch for SelectStream).
	ErrNotSupported = errors.New("mmsh: not supported by the server")
)

// AuthRequiredError reports that the server (or proxy) wants credentials
// that were not given or were rejected. The player catches it with
// errors.As, asks the user and dials again with Config.Credentials set.
// The error never contains the credentials.
type AuthRequiredError struct {
	// URL is the resource that asked for authentication.
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

// Unwrap makes errors.Is(err, transport.ErrAuthRequired) true.
func (e *AuthRequiredError) Unwrap() error { return transport.ErrAuthRequired }

func (e *AuthRequiredError) Error() string {
	who := "server"
	if e.Proxy {
		who = "proxy"
	}
	what := "requires authentication"
	if e.Rejected {
		what = "rejected the credentials"
	}
	s := fmt.Sprintf("mmsh: %s %s for %s", who, what, e.URL)
	if len(e.Schemes) > 0 {
		s += " (offered " + strings.Join(e.Schemes, ", ")
		if e.Realm != "" {
			s += ", realm " + fmt.Sprintf("%q", e.Realm)
		}
		s += ")"
	}
	return s
}

// ServerError is a failure HRESULT a server sent in the Reason of a $E or
// $C packet ([MS-WMSP] 2.2.3.2, 2.2.3.4, 3.1.5.13): streaming ended with
// an error the user should see.
type ServerError struct {
	// URL is the stream's location.
	URL string
	// Packet is "$E" or "$C".
	Packet string
	// HRESULT is the Reason field.
	HRESULT uint32
}

func (e *ServerError) Error() string {
	s := fmt.Sprintf("mmsh: %s: server ended the stream with %s HRESULT 0x%08X", e.URL, e.Packet, e.HRESULT)
	if n, ok := hresultNames[e.HRESULT]; ok {
		s += " (" + n + ")"
	}
	return s
}

// hresultNames are the generic MS-ERREF codes a server may send.
var hresultNames = map[uint32]string{
	0x80004005: "E_FAIL",
	0x80070005: "E_ACCESSDENIED",
	0x8007000E: "E_OUTOFMEMORY",
	0x80070002: "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)",
	0x80070057: "E_INVALIDARG",
}
