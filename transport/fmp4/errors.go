package fmp4

import "errors"

// Sentinel errors. Every error this package returns wraps one of them
// with context (the box path and the numbers that did not fit); test them
// with errors.Is.
var (
	// ErrTruncated means a box or a field ends before the bytes it needs
	// (a box header cut short, a declared size larger than its parent or
	// the buffer, a field past the box's end).
	ErrTruncated = errors.New("fmp4: truncated data")
	// ErrCorrupt means a structure is inconsistent: a size smaller than
	// its header, a sample count the box cannot hold, sample data outside
	// the mdat, a decode time that overflows, an unknown version.
	ErrCorrupt = errors.New("fmp4: corrupt data")
	// ErrTooLarge means a fragment or a count exceeds a limit of the
	// package or of the caller's Options (MaxSize, MaxSamples).
	ErrTooLarge = errors.New("fmp4: size exceeds limit")
	// ErrTooDeep means boxes are nested deeper than MaxDepth.
	ErrTooDeep = errors.New("fmp4: boxes nested too deep")
	// ErrMissingBox means a box the specification requires is absent: no
	// moof, a moof without mfhd or traf, a traf without tfhd (MS-SSTR
	// 2.2.4.1, 2.2.4.3), a moov without mvhd.
	ErrMissingBox = errors.New("fmp4: required box missing")
	// ErrWrongType means a box parser was given a box of another type.
	ErrWrongType = errors.New("fmp4: unexpected box type")
)
