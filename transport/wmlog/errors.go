package wmlog

import "errors"

var (
	// ErrMalformed reports a log that does not follow MS-WMLOG 2.4.
	ErrMalformed = errors.New("wmlog: malformed log")
	// ErrNotLogServer reports a log URL whose validation response is not a
	// Windows Media log ISAPI banner (MS-WMLOG 2.3).
	ErrNotLogServer = errors.New("wmlog: log URL is not a Windows Media log server")
)
