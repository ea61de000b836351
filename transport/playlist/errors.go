package playlist

import "errors"

var (
	// ErrTooLarge is wrapped by Parse and Load when a metafile is larger
	// than MaxSize bytes.
	ErrTooLarge = errors.New("playlist: metafile larger than 1 MiB")
	// ErrNotPlaylist is wrapped by Parse when the bytes are neither an
	// ASX playlist nor a [Reference] redirector.
	ErrNotPlaylist = errors.New("playlist: not an ASX or [Reference] metafile")
	// ErrEmpty is wrapped by Parse when a metafile lists nothing to play
	// (no ENTRY, ENTRYREF or usable Ref).
	ErrEmpty = errors.New("playlist: the metafile lists nothing to play")
	// ErrSkipNotAllowed is returned by Cursor.Skip and Cursor.Jump when
	// the user asks to skip forward past an entry whose CLIENTSKIP is NO.
	ErrSkipNotAllowed = errors.New("playlist: this entry may not be skipped")
	// ErrNoEntry is returned by Cursor.Prev at the first entry and by
	// Cursor.Jump for an index out of range.
	ErrNoEntry = errors.New("playlist: no such entry")
)
