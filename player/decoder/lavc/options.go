package lavc

// Options tune the decoders made by NewAudio and NewVideo. The zero value
// is what Register uses.
type Options struct {
	// Float makes audio decoders produce interleaved F32 instead of
	// interleaved S16.
	Float bool
	// Threads is the number of video decoding threads; 0 means 1. More
	// threads add frame-threading latency (frames come out later and Flush
	// returns more of them).
	Threads int
}
