package mmsh

import (
	"errors"
	"fmt"

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

// AuthRequiredError is the error a missing or refused login ends a Dial
// with.
//
// Deprecated: use transport.AuthRequiredError, which every protocol shares.
type AuthRequiredError = transport.AuthRequiredError

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
