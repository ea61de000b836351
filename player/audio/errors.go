package audio

import "errors"

var (
	// ErrClosed is returned by sink and ring methods called after Close.
	ErrClosed = errors.New("audio: closed")
	// ErrFormat is wrapped when a Format is invalid or a conversion is not
	// supported (converters produce S16 or F32 only).
	ErrFormat = errors.New("audio: unsupported format")
	// ErrNotOpen is returned by Write before the first Open.
	ErrNotOpen = errors.New("audio: sink not opened")
	// ErrFormatChange is returned by WAVSink.Open for a second format with
	// another rate or channel count: a WAV file has one format.
	ErrFormatChange = errors.New("audio: a WAV file cannot change format")
	// ErrWAV is wrapped by ParseWAV for input that is not a PCM WAV file.
	ErrWAV = errors.New("audio: malformed WAV")
)
