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

// ErrMissingData is wrapped, together with ErrCorrupt, by Decode when
// frames refer back to data the decoder never received and were decoded
// (partly) as silence: the bit reservoir of MP3 frames (ISO/IEC 11172-3
// § 2.4.1.7, main_data_begin) after a mid-stream join, a seek or a lost
// object. The PCM is still appended, so the timing holds; callers count
// the sample like a corrupt one, and a stream that never gets past it
// ends like one that never decodes.
var ErrMissingData = errors.New("frame refers to data not received")
