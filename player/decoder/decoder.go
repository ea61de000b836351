// Package decoder turns compressed samples into PCM (audio) or pictures
// (video). A Registry built in main maps each transport.Codec to a Factory;
// codecs without a factory get an error naming them, never silence.
package decoder

import (
	"image"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/transport"
)

// Audio decodes one audio track.
type Audio interface {
	// Format is the PCM format Decode produces. It is known after
	// construction for most codecs; a decoder that learns it from the first
	// frame returns the zero Format until then.
	Format() audio.Format
	// Decode decodes one sample and appends the PCM to dst, returning the
	// extended slice. A corrupt sample returns an error wrapping
	// ErrCorrupt; the caller counts it and goes on. Decode keeps nothing
	// of s.Data after it returns: the caller recycles the buffer
	// (transport/bufpool).
	Decode(dst []byte, s transport.Sample) ([]byte, error)
	// Reset drops internal state (after a seek or a discontinuity).
	Reset()
	// Close releases resources.
	Close() error
}

// Frame is one decoded picture.
type Frame struct {
	// PTS is the presentation time.
	PTS time.Duration
	// Image is the picture in RGBA; the receiver owns it.
	Image *image.RGBA
	// Key marks a key frame.
	Key bool
}

// Video decodes one video track.
type Video interface {
	// Decode decodes one sample and appends the frames it completes (zero
	// or more, in presentation order) to dst. It keeps nothing of s.Data
	// after it returns (Audio.Decode says why).
	Decode(dst []Frame, s transport.Sample) ([]Frame, error)
	// Flush returns frames the decoder still holds (at end of stream).
	Flush(dst []Frame) ([]Frame, error)
	// Reset drops internal state (after a seek).
	Reset()
	// Close releases resources.
	Close() error
}
