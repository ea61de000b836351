package lavc

// Limits on what one stream or sample may make a decoder allocate. The C
// side (lavc.c) enforces the same per-frame numbers.
const (
	// MaxSampleSize is the largest compressed sample Decode accepts.
	MaxSampleSize = 32 << 20
	// MaxConfigSize is the largest codec private data (Track.Config).
	MaxConfigSize = 1 << 20
	// MaxChannels is the most audio channels a stream may have
	// (audio.Format.Valid's limit).
	MaxChannels = 32
	// MaxSampleRate is the highest audio sample rate accepted.
	MaxSampleRate = 768000
	// MaxAudioOutput is the most PCM bytes one Decode call may produce.
	MaxAudioOutput = 64 << 20
	// MaxDimension is the largest picture width or height accepted.
	MaxDimension = 16384
	// MaxPixels is the largest picture area (4096x2304, above DCI 4K)
	// decoded; libavcodec refuses larger pictures (max_pixels).
	MaxPixels = 4096 * 2304
	// maxFramesPerCall bounds the frames one receive loop takes, and
	// maxReceiveErrors the errors it tolerates before giving up on a
	// sample, so a misbehaving decoder cannot loop forever.
	maxFramesPerCall = 4096
	maxReceiveErrors = 16
)
