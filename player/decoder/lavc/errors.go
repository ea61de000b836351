package lavc

import "errors"

var (
	// ErrOpen is wrapped by NewAudio and NewVideo when libavcodec refuses
	// the stream parameters or codec private data.
	ErrOpen = errors.New("lavc: cannot open decoder")
	// ErrClosed is returned by Decode and Flush after Close.
	ErrClosed = errors.New("lavc: decoder closed")
)
