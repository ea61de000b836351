package transport

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Registry maps URLs to the Dialer that opens them. It is built in main and
// is read-only once the player runs.
type Registry struct {
	entries []entry
}

type entry struct {
	name  string
	match func(*url.URL) bool
	d     Dialer
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// Register adds a dialer. Matchers are tried in registration order; the
// first that accepts the URL wins.
func (r *Registry) Register(name string, match func(*url.URL) bool, d Dialer) {
	r.entries = append(r.entries, entry{name: name, match: match, d: d})
}

// Names lists the registered transports in order.
func (r *Registry) Names() []string {
	out := make([]string, len(r.entries))
	for i, e := range r.entries {
		out[i] = e.name
	}
	return out
}

// ParseURL parses a user-supplied location: a URL with a scheme, or a local
// path (absolute or relative), which becomes a file:// URL.
func ParseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, fmt.Errorf("%w: empty location", ErrUnsupportedURL)
	}
	if i := strings.Index(raw, "://"); i > 0 && isScheme(raw[:i]) {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnsupportedURL, err)
		}
		u.Scheme = strings.ToLower(u.Scheme)
		return u, nil
	}
	// A bare path, made absolute so the URL names the file wherever it is
	// shown.
	if abs, err := filepath.Abs(raw); err == nil {
		raw = abs
	}
	return &url.URL{Scheme: "file", Path: raw}, nil
}

func isScheme(s string) bool {
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// Lookup returns the name and dialer for a location.
func (r *Registry) Lookup(raw string) (string, Dialer, *url.URL, error) {
	u, err := ParseURL(raw)
	if err != nil {
		return "", nil, nil, err
	}
	for _, e := range r.entries {
		if e.match(u) {
			return e.name, e.d, u, nil
		}
	}
	return "", nil, u, fmt.Errorf("%w: %q (scheme %q)", ErrUnsupportedURL, raw, u.Scheme)
}

// MaxRedirects bounds how many RedirectErrors Dial follows.
const MaxRedirects = 8

// Dial opens raw with the first matching transport, following
// RedirectErrors (at most MaxRedirects, loops rejected).
func (r *Registry) Dial(ctx context.Context, raw string, cfg Config) (Session, error) {
	seen := map[string]bool{}
	via := ""
	for i := 0; ; i++ {
		_, d, _, err := r.Lookup(raw)
		if err != nil {
			return nil, err
		}
		if via != "" {
			if d = r.named(via); d == nil {
				return nil, fmt.Errorf("%w: %q has no %s transport", ErrUnsupportedURL, raw, via)
			}
		}
		s, err := d.Dial(ctx, raw, cfg)
		var re *RedirectError
		if !errors.As(err, &re) {
			return s, err
		}
		seen[via+" "+raw] = true
		if i >= MaxRedirects || seen[re.Transport+" "+re.Location] {
			return nil, fmt.Errorf("%s: too many redirects or a redirect loop: %w", raw, err)
		}
		raw, via = re.Location, re.Transport
	}
}

// named returns the dialer registered under name, nil when none is.
func (r *Registry) named(name string) Dialer {
	for _, e := range r.entries {
		if e.name == name {
			return e.d
		}
	}
	return nil
}

// MatchSchemes returns a matcher accepting any of the given (lower-case)
// schemes.
func MatchSchemes(schemes ...string) func(*url.URL) bool {
	return func(u *url.URL) bool {
		for _, s := range schemes {
			if u.Scheme == s {
				return true
			}
		}
		return false
	}
}
