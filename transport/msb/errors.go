package msb

import "errors"

var (
	// ErrNoMulticast is wrapped by the Dial error when nothing arrived
	// from the group within the Open timer and there was no Unicast URL to
	// fall over to (or no Fallback dialer) ([MS-MSB] 3.2.6.1).
	ErrNoMulticast = errors.New("msb: no multicast received")
	// ErrMalformed is wrapped by Packet.Unmarshal errors.
	ErrMalformed = errors.New("msb: malformed packet")
	// ErrStation is wrapped when the .nsc file cannot be fetched or used.
	ErrStation = errors.New("msb: station file")
)
