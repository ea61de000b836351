package fmp4

import (
	"encoding/binary"
	"io"
)

var be = binary.BigEndian

// errShortBuffer is what MarshalTo returns for a buffer smaller than
// MarshalSize.
var errShortBuffer = io.ErrShortBuffer

// marshaler is the Marshal triad every box type of this package has.
type marshaler interface {
	MarshalSize() int
	MarshalTo(b []byte) (int, error)
}

// marshal allocates MarshalSize bytes and marshals into them.
func marshal(m marshaler) ([]byte, error) {
	b := make([]byte, m.MarshalSize())
	n, err := m.MarshalTo(b)
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}
