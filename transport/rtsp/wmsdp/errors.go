package wmsdp

import "errors"

// Errors returned by Parse and Normalise, wrapped with context; test them
// with errors.Is. The non-fatal ones (ErrInvalidMedia, ErrInvalidAttribute)
// appear in Description.Ignored.
var (
	// ErrTooLarge: the body, its line count, the ASF header or the media
	// description count is above its limit (MaxBodySize, MaxLines,
	// MaxHeaderSize, MaxMedia).
	ErrTooLarge = errors.New("wmsdp: too large")
	// ErrSyntax: the body is not SDP (RFC 4566 5), even after Normalise.
	ErrSyntax = errors.New("wmsdp: invalid SDP")
	// ErrNoHeader: neither a=pgmpu nor a=fmtp config= carries an ASF file
	// header (MS-RTSP 2.2.5.2.3.1 requires one).
	ErrNoHeader = errors.New("wmsdp: no ASF file header in the SDP")
	// ErrBadHeader: the ASF file header is present but cannot be used
	// (bad data URL, bad base64, not an ASF Header Object).
	ErrBadHeader = errors.New("wmsdp: invalid ASF file header")
	// ErrBadControl: the session-level control URL cannot be used, or a
	// relative URL has no base to resolve against (MS-RTSP 2.2.5.2.1).
	ErrBadControl = errors.New("wmsdp: invalid control URL")
	// ErrNoASFMedia: no usable media description carries x-asf-pf
	// (MS-RTSP 2.2.5.3).
	ErrNoASFMedia = errors.New("wmsdp: no usable ASF media description")

	// ErrInvalidMedia: a media description was dropped (listed in
	// Description.Ignored).
	ErrInvalidMedia = errors.New("wmsdp: media description ignored")
	// ErrInvalidAttribute: an attribute or bandwidth line was ignored
	// (listed in Description.Ignored).
	ErrInvalidAttribute = errors.New("wmsdp: attribute ignored")
)
