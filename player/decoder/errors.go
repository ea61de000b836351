package decoder

import (
	"errors"
	"fmt"

	"github.com/eddyplayer/eddy/transport"
)

var (
	// ErrUnsupportedCodec is wrapped by Registry when no factory handles a
	// codec. Use errors.As with *UnsupportedError for the codec.
	ErrUnsupportedCodec = errors.New("codec not supported")
	// ErrCorrupt is wrapped by Decode for a sample that cannot be decoded;
	// the caller skips it and counts it.
	ErrCorrupt = errors.New("corrupt sample")
)

// UnsupportedError names a codec no decoder handles.
type UnsupportedError struct {
	Codec transport.Codec
	// Reason says why, e.g. "built without cgo".
	Reason string
}

func (e *UnsupportedError) Error() string {
	msg := fmt.Sprintf("codec %s is not supported yet", e.Codec)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrUnsupportedCodec) true.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupportedCodec }

// ErrInvalidTrack is wrapped by a decoder factory when the track's
// parameters (sample rate, channels, bits, block align) cannot describe
// the codec's data.
var ErrInvalidTrack = errors.New("invalid audio track parameters")
