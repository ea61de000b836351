package progressive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
)

// timeoutError reports an HTTP read that did not get the bytes it needed
// within its deadline: none at all (a stall) or too few (a drip). It
// wraps os.ErrDeadlineExceeded, so errors.Is(err, os.ErrDeadlineExceeded)
// tells a timeout from other failures.
type timeoutError struct {
	url string
	// window is how long the read waited: the timeout, or what was left
	// of the dial's.
	window time.Duration
	// opening is the dial's whole timeout while dialing, 0 after.
	opening time.Duration
	// headers is set when the response headers did not come.
	headers bool
	// got counts the body bytes that arrived during the read; need is how
	// many it needed.
	got, need int64
}

func (e *timeoutError) Error() string {
	what := fmt.Sprintf("no data for %v", e.window)
	switch {
	case e.headers:
		what = fmt.Sprintf("no complete response headers within %v", e.window)
	case e.got > 0:
		what = fmt.Sprintf("data arriving too slowly: %d bytes in %v", e.got, e.window)
		if e.need > e.got {
			what += fmt.Sprintf(" where %d were needed", e.need)
		}
	}
	if e.opening > 0 {
		return fmt.Sprintf("GET %s: not opened within %v: %s", e.url, e.opening, what)
	}
	return fmt.Sprintf("GET %s: %s", e.url, what)
}

// Timeout reports true, as a net.Error does.
func (e *timeoutError) Timeout() bool { return true }

// Unwrap makes errors.Is(err, os.ErrDeadlineExceeded) true.
func (e *timeoutError) Unwrap() error { return os.ErrDeadlineExceeded }

// truncatedError reports an HTTP transfer that ended before its declared
// length and could not be resumed. It wraps transport.ErrTruncated.
type truncatedError struct {
	msg string
}

func (e *truncatedError) Error() string { return e.msg + ": " + transport.ErrTruncated.Error() }

// Unwrap makes errors.Is(err, transport.ErrTruncated) true.
func (e *truncatedError) Unwrap() error { return transport.ErrTruncated }

// truncation makes an asf.ErrTruncated from opening a file (its header
// reaches past the end of the source) also wrap transport.ErrTruncated,
// unless the read failed for another reason the error already names (a
// timeout, a jump the server cannot serve, a closed or cancelled read):
// then the source did not end early.
func truncation(err error) error {
	switch {
	case !errors.Is(err, asf.ErrTruncated), errors.Is(err, transport.ErrTruncated),
		errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, transport.ErrNotSeekable),
		errors.Is(err, transport.ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("%w: %w", err, transport.ErrTruncated)
}
