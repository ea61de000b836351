package transport

import "time"

// Sample is one complete media object (an audio frame block or a video
// frame) ready for a decoder. Ownership of Data passes to the receiver.
// Sessions deliver samples in decode order.
type Sample struct {
	// Track is the Track.ID the sample belongs to.
	Track int
	// PTS is the presentation time from the start of the presentation,
	// preroll already removed.
	PTS time.Duration
	// CompositionOffset is PTS minus the decode time: positive for a
	// video frame decoded before frames it is shown after (H.264 with
	// B-frames, the ISO BMFF trun's sample_composition_time_offset); 0
	// where decode and presentation order agree (ASF).
	CompositionOffset time.Duration
	// Switched marks the first sample of a track after an adaptive
	// session changed to it from another track of the same bit-rate
	// group (Capabilities.Adaptive): the decoder is re-made from this
	// track's Codec and Config.
	Switched bool
	// Duration is the sample's duration when the source knows it, else 0.
	Duration time.Duration
	// Key marks a key frame / clean point.
	Key bool
	// Discontinuity is set on the first sample after data was lost or the
	// stream was re-positioned; decoders should reset their state.
	Discontinuity bool
	Data          []byte
}
