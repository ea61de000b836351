package manifest

import (
	"errors"

	"github.com/eddyplayer/eddy/transport"
)

var (
	// ErrInvalid is wrapped by every error about a manifest that breaks a
	// rule a client must enforce ([MS-SSTR] 2.2.2, 3.1.5.1): not
	// well-formed XML, a root that is not SmoothStreamingMedia, a number
	// that is not one, a timeline whose times go backwards or whose last
	// fragment has no duration, names that are not unique. The client
	// enters the Final state: the presentation does not open.
	ErrInvalid = errors.New("smooth manifest: invalid")
	// ErrVersion is wrapped when MajorVersion is neither 1 nor 2
	// ([MS-SSTR] 2.2.2.1 says 2; early IIS servers wrote 1).
	ErrVersion = errors.New("smooth manifest: unsupported version")
	// ErrTooLarge is wrapped when the manifest is larger than
	// MaxManifestSize, or holds more streams, quality levels, custom
	// attributes or fragments than this package keeps (MaxStreams,
	// MaxQualityLevels, MaxCustomAttributes, MaxFragments).
	ErrTooLarge = errors.New("smooth manifest: too large")
	// ErrProtected is wrapped by the *ProtectedError Parse returns for a
	// manifest with a Protection element ([MS-SSTR] 2.2.2.2): Eddy plays
	// no DRM-protected content. It wraps transport.ErrEncrypted, so a
	// caller that checks for that sees it too.
	ErrProtected error = &wrapping{msg: "PlayReady-protected content is not supported", err: transport.ErrEncrypted}
	// ErrTemplate is wrapped by FragmentURL errors: a StreamIndex with no
	// Url, a Url without a start-time placeholder, or one that does not
	// resolve to an http or https URL ([MS-SSTR] 2.2.2.4).
	ErrTemplate = errors.New("smooth manifest: unusable fragment URL template")
)

// wrapping is a sentinel error that wraps a more general one.
type wrapping struct {
	msg string
	err error
}

func (e *wrapping) Error() string { return e.msg }
func (e *wrapping) Unwrap() error { return e.err }

// PlayReadySystemID is the SystemID of PlayReady ([MS-SSTR] 4.1), as 32
// upper-case hex digits without braces or dashes.
const PlayReadySystemID = "9A04F07998404286AB92E65BE0885F95"

// ProtectedError is the error Parse returns for a manifest whose content
// is protected ([MS-SSTR] 2.2.2.2). It wraps ErrProtected (and so
// transport.ErrEncrypted). Its text is "PlayReady-protected content is
// not supported" when one of the systems is PlayReady.
type ProtectedError struct {
	// Headers are the manifest's ProtectionHeader elements.
	Headers []ProtectionHeader
}

func (e *ProtectedError) Error() string {
	for _, h := range e.Headers {
		if h.PlayReady() {
			return ErrProtected.Error()
		}
	}
	if len(e.Headers) > 0 && e.Headers[0].SystemID != "" {
		return "content protected by system " + quoteShort(e.Headers[0].SystemID) + " is not supported"
	}
	return "protected content is not supported"
}

// Unwrap returns ErrProtected.
func (e *ProtectedError) Unwrap() error { return ErrProtected }
