package msb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/nsc"
)

// Timer defaults ([MS-MSB] 3.2.2).
const (
	// DefaultOpenTimeout is the Open timer: 20 s, as 3.2.3 recommends
	// (10 to 30 s).
	DefaultOpenTimeout = 20 * time.Second
	// DefaultEOSTimeout is the End of Stream timer: 30 s, as 3.2.5.2
	// recommends.
	DefaultEOSTimeout = 30 * time.Second
)

// Dialer opens .nsc station URLs (a local path, file:// or http(s)://)
// as MSB sessions. The zero value is usable.
type Dialer struct {
	// OpenTimeout is the Open timer (default DefaultOpenTimeout); tests
	// shorten it.
	OpenTimeout time.Duration
	// EOSTimeout is the End of Stream timer (default DefaultEOSTimeout).
	EOSTimeout time.Duration
	// GapHold bounds how long a lost packet holds back the ones after it
	// (default DefaultGapHold).
	GapHold time.Duration
	// Fallback opens the station's Unicast URL when the Open timer
	// expires (the registry, so that mms:// rolls over as everywhere).
	// nil: no fallback.
	Fallback transport.Dialer
	// Interface is the network interface to join the group on; nil lets
	// the system choose by its routes.
	Interface *net.Interface
	// PlayerVersion is logged as c-playerversion (default "1.0").
	PlayerVersion string

	// Test hooks: joined is called once the group is joined, before the
	// Open timer starts; datagram after each datagram is processed.
	joined   func(*Session)
	datagram func()
}

// Match reports the URLs the Dialer opens: file, http and https URLs
// whose path ends in .nsc (case-insensitive).
func Match(u *url.URL) bool {
	switch u.Scheme {
	case "file", "http", "https":
		return strings.EqualFold(path.Ext(u.Path), ".nsc")
	}
	return false
}

// Dial implements transport.Dialer: it reads the station file, joins the
// group and waits up to the Open timer for a Beacon or a packet of a
// known format ([MS-MSB] 3.2.3). When the timer expires it returns the
// session Fallback opens for the station's Unicast URL (3.2.6.1); a
// station fetched from the network never falls over to a local file.
func (d *Dialer) Dial(ctx context.Context, rawURL string, cfg transport.Config) (transport.Session, error) {
	st, u, err := LoadStation(ctx, rawURL, cfg)
	if err != nil {
		return nil, err
	}
	return d.Open(ctx, st, u.String(), u.Scheme != "file", cfg)
}

// LoadStation reads and parses the .nsc file at rawURL (a path, file://,
// http or https) without joining its group: what eddyplay --probe shows.
// It returns the station and the parsed URL.
func LoadStation(ctx context.Context, rawURL string, cfg transport.Config) (*nsc.Station, *url.URL, error) {
	u, err := transport.ParseURL(rawURL)
	if err != nil {
		return nil, nil, err
	}
	data, err := fetch(ctx, u, cfg)
	if err != nil {
		return nil, nil, err
	}
	st, err := nsc.Parse(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w %s: %w", ErrStation, u.Redacted(), err)
	}
	return st, u, nil
}

// Open joins the station's group and returns the session, or the
// fallback's session for the Unicast URL when nothing arrives within the
// Open timer. stationURL names the .nsc file (Info.URL, the log's
// c-channelURL); remote reports that it came from the network, which
// forbids a fallback to a local file.
func (d *Dialer) Open(ctx context.Context, st *nsc.Station, stationURL string, remote bool, cfg transport.Config) (transport.Session, error) {
	s, err := newSession(d, st, stationURL, cfg)
	if err != nil {
		return nil, err
	}
	if d.joined != nil {
		d.joined(s)
	}
	wait := d.OpenTimeout
	if wait <= 0 {
		wait = DefaultOpenTimeout
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-s.heard:
		s.begin()
		return s, nil
	case <-ctx.Done():
		s.Close()
		return nil, ctx.Err()
	case <-s.done:
		s.Close()
		return nil, fmt.Errorf("msb: receiving from %s: %w", s.group, s.doneErr)
	case <-timer.C:
	}
	s.Close()
	what := fmt.Sprintf("nothing from group %s port %d in %s", st.Group, st.Port, wait)
	if st.UnicastURL == "" || d.Fallback == nil {
		return nil, fmt.Errorf("%w: %s, and the station names no Unicast URL to fall over to", ErrNoMulticast, what)
	}
	fu, err := transport.ParseURL(st.UnicastURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s; Unicast URL %q: %w", ErrNoMulticast, what, st.UnicastURL, err)
	}
	if remote && fu.Scheme == "file" {
		return nil, fmt.Errorf("%w: %s; the station came from the network and its Unicast URL %q is local: not opened", ErrNoMulticast, what, st.UnicastURL)
	}
	fs, err := d.Fallback.Dial(ctx, st.UnicastURL, cfg)
	if err != nil {
		return nil, fmt.Errorf("msb: %s; Unicast URL %s: %w", what, fu.Redacted(), err)
	}
	return fs, nil
}

// fetch reads the station file, at most nsc.MaxFileSize bytes.
func fetch(ctx context.Context, u *url.URL, cfg transport.Config) ([]byte, error) {
	var r io.Reader
	switch u.Scheme {
	case "file":
		f, err := os.Open(u.Path)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrStation, err)
		}
		defer f.Close()
		r = f
	case "http", "https":
		ctx, cancel := context.WithTimeout(ctx, cfg.TimeoutOrDefault())
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrStation, u.Redacted(), err)
		}
		if cfg.UserAgent != "" {
			req.Header.Set("User-Agent", cfg.UserAgent)
		}
		resp, err := cfg.ClientFor("msb").Do(req)
		if err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrStation, u.Redacted(), err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, &transport.StatusError{URL: u.Redacted(), Method: http.MethodGet, Code: resp.StatusCode, Status: resp.Status}
		}
		r = resp.Body
	default:
		return nil, fmt.Errorf("%w: %q (scheme %q)", transport.ErrUnsupportedURL, u.Redacted(), u.Scheme)
	}
	data, err := io.ReadAll(io.LimitReader(r, nsc.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrStation, u.Redacted(), err)
	}
	if len(data) > nsc.MaxFileSize {
		return nil, fmt.Errorf("%w %s: %w", ErrStation, u.Redacted(), nsc.ErrTooLarge)
	}
	return data, nil
}

// errClosed is the receiving goroutine's end when the session closed.
var errClosed = errors.New("closed")
