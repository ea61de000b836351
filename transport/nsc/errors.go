package nsc

import "errors"

var (
	// ErrSyntax is wrapped by every error about a station file that cannot
	// be used: no [Address] section, no or an invalid IP Address or IP
	// Port, no usable Format.
	ErrSyntax = errors.New("nsc: invalid station file")
	// ErrTooLarge is wrapped when the file is larger than MaxFileSize or
	// holds more than MaxFormats formats.
	ErrTooLarge = errors.New("nsc: station file too large")
	// ErrEncoding is wrapped by DecodeBlock errors: a value that is not a
	// well-formed encoded block ([MS-MSB] 2.2.1.3).
	ErrEncoding = errors.New("nsc: invalid encoded block")
)
