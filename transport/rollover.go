package transport

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
)

// RolloverStep is one protocol a Rollover tries: Scheme replaces the
// URL's scheme before Dialer is called (e.g. "rtsp", "mmsh").
type RolloverStep struct {
	Scheme string
	Dialer Dialer
}

// Rollover opens an mms:// URL as Windows Media Player does (MS-MSSOD
// 2.3, MS-RTSP 1.5): each protocol in turn until one opens, and it
// remembers, per host, the one that worked so the next URL of the same
// host goes straight to it (for the life of the Rollover: one player
// session). It rolls over on any failure but these, which any protocol
// would repeat: a request for credentials (ErrAuthRequired), DRM
// (ErrEncrypted), a playlist in place of media (*MetafileError), the
// caller's cancellation.
type Rollover struct {
	Steps []RolloverStep

	mu     sync.Mutex
	worked map[string]int // host → index of the step that opened
}

// RolloverError lists why each protocol failed.
type RolloverError struct {
	URL   string
	Tried []error
}

func (e *RolloverError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: no protocol worked:", e.URL)
	for _, err := range e.Tried {
		b.WriteString(" [")
		b.WriteString(err.Error())
		b.WriteString("]")
	}
	return b.String()
}

// Unwrap gives the failures to errors.Is and errors.As.
func (e *RolloverError) Unwrap() []error { return e.Tried }

// Dial implements Dialer.
func (r *Rollover) Dial(ctx context.Context, rawURL string, cfg Config) (Session, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedURL, rawURL)
	}
	order := make([]int, 0, len(r.Steps))
	r.mu.Lock()
	first, ok := r.worked[strings.ToLower(u.Hostname())]
	r.mu.Unlock()
	if ok && first < len(r.Steps) {
		order = append(order, first)
	}
	for i := range r.Steps {
		if !ok || i != first {
			order = append(order, i)
		}
	}
	rerr := &RolloverError{URL: rawURL}
	for _, i := range order {
		step := r.Steps[i]
		v := *u
		v.Scheme = step.Scheme
		s, err := step.Dialer.Dial(ctx, v.String(), cfg)
		if err == nil {
			r.mu.Lock()
			if r.worked == nil {
				r.worked = map[string]int{}
			}
			r.worked[strings.ToLower(u.Hostname())] = i
			r.mu.Unlock()
			return s, nil
		}
		err = fmt.Errorf("%s: %w", step.Scheme, err)
		rerr.Tried = append(rerr.Tried, err)
		var me *MetafileError
		if errors.Is(err, ErrAuthRequired) || errors.Is(err, ErrEncrypted) || errors.As(err, &me) || ctx.Err() != nil {
			// A metafile (a web server answered with a playlist) is an
			// answer: the caller opens it as a playlist.
			return nil, err
		}
	}
	return nil, rerr
}
