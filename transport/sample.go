package transport

import "time"

// Sample is one complete media object (an audio frame block or a video
// frame) ready for a decoder. Ownership of Data passes to the receiver.
type Sample struct {
	// Track is the Track.ID the sample belongs to.
	Track int
	// PTS is the presentation time from the start of the presentation,
	// preroll already removed.
	PTS time.Duration
	// Duration is the sample's duration when the source knows it, else 0.
	Duration time.Duration
	// Key marks a key frame / clean point.
	Key bool
	// Discontinuity is set on the first sample after data was lost or the
	// stream was re-positioned; decoders should reset their state.
	Discontinuity bool
	Data          []byte
}
