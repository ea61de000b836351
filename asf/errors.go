package asf

import "errors"

// Sentinel errors. Errors returned by this package wrap one (or several) of
// them with context; test them with errors.Is.
var (
	// ErrNotASF means the bytes do not start with an ASF Header Object
	// (ASF spec §3.1: wrong object GUID or Reserved2 ≠ 0x02).
	ErrNotASF = errors.New("asf: not an ASF header object")
	// ErrTruncated means an object, field or packet ends before its declared
	// size.
	ErrTruncated = errors.New("asf: truncated data")
	// ErrCorrupt means a structure is internally inconsistent (a child that
	// does not fit its parent, an invalid length type, a padding longer than
	// the packet...). Every error from Packet.Unmarshal and Demuxer.Push
	// wraps ErrCorrupt: the caller counts it and continues with the next
	// packet.
	ErrCorrupt = errors.New("asf: corrupt data")
	// ErrTooLarge means a declared size exceeds one of the package limits
	// (MaxHeaderSize, MaxPacketSize, MaxIndexSize...).
	ErrTooLarge = errors.New("asf: size exceeds limit")
	// ErrNoStreams means a header declares no usable stream.
	ErrNoStreams = errors.New("asf: no streams in header")
	// ErrNoData means no Data Object follows the Header Object.
	ErrNoData = errors.New("asf: no data object")
	// ErrEncrypted is the error a player reports for DRM-protected content:
	// the header has a Content Encryption, Extended Content Encryption or
	// Advanced Content Encryption object, or a stream with the Encrypted
	// Content flag (ASF spec §3.3, §3.14, §3.15, §4.10). ParseHeader does
	// not fail on it, so a prober can still list the streams: call
	// Header.CheckEncrypted (or Header.Encrypted) before playing.
	ErrEncrypted = errors.New("asf: DRM-protected content is not supported")
)
