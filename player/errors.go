package player

import (
	"errors"
	"fmt"
)

var (
	// ErrNothingToPlay is reported when a presentation has no track Eddy
	// can decode.
	ErrNothingToPlay = errors.New("nothing playable")
	// ErrRateUnsupported is reported when fast forward or rewind is asked
	// of a source that does not offer it.
	ErrRateUnsupported = errors.New("this source does not offer fast forward or rewind")
	// ErrSpeedUnsupported is reported when a playback speed other than 1
	// is asked of a live broadcast.
	ErrSpeedUnsupported = errors.New("a live broadcast plays at normal speed only")
	// ErrNoPlaylist is reported when SkipEntry is asked of a source that
	// is not a server-side playlist.
	ErrNoPlaylist = errors.New("this source is not a server-side playlist")
	// ErrSkipUnsupported is reported when SkipEntry asks for a direction
	// the server does not offer from the current entry (the next entry
	// from the last one, a server that allows skipping forward only).
	ErrSkipUnsupported = errors.New("the server does not offer skipping to that entry")
	// ErrSwitchUnsupported is reported when SelectStreams asks for a
	// switch during playback that the source can do neither in the
	// running stream nor by playing again from the position reached.
	ErrSwitchUnsupported = errors.New("this source cannot switch streams during playback")
	// ErrNothingDecoded is reported when a presentation ends before a
	// single audio sample or picture was decoded (every packet corrupt, a
	// header without packets, a start position past the last media).
	ErrNothingDecoded = errors.New("nothing could be decoded")
	// ErrPastEnd is reported when playback is asked to start at or after
	// the end of the presentation.
	ErrPastEnd = errors.New("that is past the end")
	// ErrClosed is returned by commands after Close.
	ErrClosed = errors.New("player closed")
	// errDecoderFailed ends playback when a decoder fails on many samples
	// in a row.
	errDecoderFailed = errors.New("decoder keeps failing")
)

// SelectionError reports a stream number that is not in the presentation.
type SelectionError struct {
	ID int
}

func (e *SelectionError) Error() string {
	return fmt.Sprintf("stream %d is not in this presentation", e.ID)
}
