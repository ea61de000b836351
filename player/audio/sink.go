package audio

import "time"

// Sink receives decoded PCM and plays it (or stores it). The player owns the
// sink: it calls Open once per format, Write from one goroutine, and Close
// when done. Pause, Resume, SetVolume and the clock methods may be called from
// any goroutine.
type Sink interface {
	// Open prepares the sink for PCM in format f. A sink that cannot take f
	// directly converts (channels, sample format, rate) internally. Open may
	// be called again with another format after Drain.
	Open(f Format) error
	// Write queues pcm (whole frames of the opened format). It blocks while
	// the sink's bounded buffer is full: this is the backpressure that paces
	// the pipeline to real time. It returns early with an error after Close.
	Write(pcm []byte) (int, error)
	// Buffered is the play time written but not yet heard.
	Buffered() time.Duration
	// Played is the total play time heard since Open (the audio clock).
	Played() time.Duration
	// Drain blocks until everything written has been played (or the sink
	// is closed).
	Drain() error
	// Flush discards buffered audio (after a seek).
	Flush()
	// Pause and Resume stop and restart the clock and output.
	Pause()
	Resume()
	// SetVolume sets the gain, 0 (mute) to 1 (unity).
	SetVolume(v float64)
	// Underruns counts the times the device ran dry while playing.
	Underruns() int
	// Close releases the sink. Blocked writers return.
	Close() error
}
