package rtsp

import (
	"errors"
	"fmt"
)

var (
	// ErrProtocol reports a message that breaks RTSP's syntax.
	ErrProtocol = errors.New("rtsp: protocol error")
	// ErrTooLarge reports a message, body or frame over its limit.
	ErrTooLarge = errors.New("rtsp: message too large")
	// ErrGarbage reports too much input that is neither a message nor an
	// interleaved frame.
	ErrGarbage = errors.New("rtsp: garbage on the control connection")
)

// StatusError is a failure status answering a request that must succeed
// (Describe, Play, SelectStream; MS-RTSP 3.1.5.2).
type StatusError struct {
	Method string
	Code   int
	Reason string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("rtsp: %s answered %d %s", e.Method, e.Code, e.Reason)
}
