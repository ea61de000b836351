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
	// ErrTimeout reports a request unanswered, or a stream that brought
	// no media, within Config.Timeout.
	ErrTimeout = errors.New("rtsp: timed out")
	// ErrUDPBlocked reports that no UDP arrived within the Firewall time
	// (MS-RTSP 3.1.6.1: "UDP unreachable, probably a firewall").
	ErrUDPBlocked = errors.New("rtsp: no media arrived over UDP; a firewall probably blocks it")
	// ErrNotSupported reports an operation the content or server does
	// not offer (a rate on content that is not stridable).
	ErrNotSupported = errors.New("rtsp: not supported by the content")
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
