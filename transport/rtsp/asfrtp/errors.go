package asfrtp

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them; test
// them with errors.Is.
var (
	// ErrTruncated means a payload format header, or the ASF data packet
	// its Length announces, runs past the end of the RTP payload.
	ErrTruncated = errors.New("asfrtp: truncated payload")
	// ErrMalformed means an RTP payload that does not follow the payload
	// format of MS-RTSP 2.2.1.3 (3.1.5.12: the client verifies the syntax).
	ErrMalformed = errors.New("asfrtp: malformed payload")
	// ErrTooLarge means an ASF data packet larger than the session's
	// maximum packet size (a=maxps, MS-RTSP 2.2.5.2.2) or than the 24-bit
	// Length/Offset field can describe.
	ErrTooLarge = errors.New("asfrtp: ASF packet too large")
	// ErrConfig means a Packetizer configuration or input that cannot be
	// encoded.
	ErrConfig = errors.New("asfrtp: invalid packetizer input")
)
