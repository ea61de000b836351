package mmsh

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// Defaults of a Dialer.
const (
	// DefaultMaxReconnects bounds the reconnections in a row that bring
	// no new data packet.
	DefaultMaxReconnects = 3
	// DefaultMaxReconnectsPerMinute bounds the reconnections in any
	// minute, whatever they bring.
	DefaultMaxReconnectsPerMinute = 10
	// DefaultBufferTarget is the buffer fast start fills when neither
	// Config.BufferTarget nor the preroll says otherwise (Windows Media
	// Player's 5 s network buffer).
	DefaultBufferTarget = 5 * time.Second
	// maxRedirects bounds the 300–305 answers followed for one Describe.
	maxRedirects = 8
)

// Dialer opens MS-WMSP (MMS over HTTP) sessions. The zero value is
// usable: every field documents its default.
type Dialer struct {
	// PlayerVersion is the application version logged as c-playerversion
	// and c-hostexever (MS-WMLOG); default "0.1".
	PlayerVersion string
	// Language is the user's language tag for Accept-Language and
	// c-playerlanguage; default "en-US".
	Language string
	// DisablePipelining keeps the client in non-pipelined mode: no
	// pipeline experiment in the Describe (3.1.4.2.1).
	DisablePipelining bool
	// DisablePacketPair skips the packet-pair bandwidth measurement
	// (3.1.4.2.1).
	DisablePacketPair bool
	// DisableFastStart sends no AccelBW/AccelDuration and does not ask for
	// a startup profile.
	DisableFastStart bool
	// FastCacheSpeed, when above 1, asks a server that supports Fast Cache
	// to stream the whole content this many times faster than real time
	// (Speed token, 2.2.1.4.24). Default 0: off.
	FastCacheSpeed float64
	// LogURLs are web-server log URLs (MS-WMLOG 2.3) every play log is
	// also POSTed to.
	LogURLs []string
	// Proxy, when set, sends every request through this HTTP proxy;
	// otherwise Config.HTTPClient's transport proxy (or the environment's)
	// applies.
	Proxy *url.URL
	// AuthSchemes lists the authentication schemes in preference order;
	// default auth.DefaultSchemes.
	AuthSchemes []string
	// Anonymous logs the privacy form of c-playerid (MS-WMLOG 2.1.18).
	Anonymous bool
	// MaxReconnects bounds the reconnections in a row that bring no new
	// data packet (ErrNoProgress after that); default
	// DefaultMaxReconnects, negative disables reconnection. Whatever the
	// reconnections do, a stream with no new data packet for
	// Config.Timeout ends (ErrTimeout).
	MaxReconnects int
	// MaxReconnectsPerMinute bounds the reconnections in any minute; a
	// reconnection beyond it waits for the minute to pass (or the stream
	// ends when that is later than Config.Timeout allows). Default
	// DefaultMaxReconnectsPerMinute.
	MaxReconnectsPerMinute int
	// DialContext opens TCP connections; default a net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

var _ transport.Dialer = (*Dialer)(nil)

// Match accepts the schemes this client opens: mmsh and mms. mms:// (MMS
// over TCP/UDP, MS-MMSP) is tried as MMS over HTTP on port 80, the last
// step of Windows Media Player's protocol rollover; the other steps
// (RTSP, MMST, MMSU) are not implemented.
func Match(u *url.URL) bool {
	return u.Scheme == "mmsh" || u.Scheme == "mms"
}

// Register adds d to reg for mmsh:// and mms:// URLs. Plain http:// stays
// with the progressive client, which hands a Windows Media server back as
// an mmsh:// RedirectError.
func Register(reg *transport.Registry, d *Dialer) {
	reg.Register("mmsh", Match, d)
}

// httpURL turns mmsh://, mms:// and http:// URLs into the http:// URL the
// requests go to: port 80 unless given (mms://'s usual 1755 is the MMS
// port, so it is dropped too).
func httpURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", transport.ErrUnsupportedURL, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "mmsh", "http":
	case "mms":
		if u.Port() == "1755" {
			u.Host = u.Hostname()
			if strings.Contains(u.Host, ":") {
				u.Host = "[" + u.Host + "]"
			}
		}
	default:
		return nil, fmt.Errorf("%w: scheme %q is not mmsh, mms or http", transport.ErrUnsupportedURL, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%w: %q has no host", transport.ErrUnsupportedURL, raw)
	}
	u.Scheme = "http"
	u.Fragment = ""
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// Dial opens a session: it sends the Describe (following redirects and
// answering authentication challenges), reads the ASF header and returns a
// session ready for Select and Play. Errors name the server, the request
// and the cause; a missing or refused login is an *AuthRequiredError.
func (d *Dialer) Dial(ctx context.Context, rawURL string, cfg transport.Config) (transport.Session, error) {
	u, err := httpURL(rawURL)
	if err != nil {
		return nil, err
	}
	if cfg.NoHTTP {
		return nil, fmt.Errorf("mmsh: %w: MMS over HTTP", transport.ErrProtocolOff)
	}
	s := newSession(d, cfg, rawURL, u)
	if err := s.describe(ctx); err != nil {
		s.shutdownUnstarted()
		return nil, err
	}
	s.start()
	return s, nil
}

// identity returns the log identity of the client.
func (d *Dialer) playerVersion() string {
	if d.PlayerVersion != "" {
		return d.PlayerVersion
	}
	return "0.1"
}

func (d *Dialer) language() string {
	if d.Language != "" {
		return d.Language
	}
	return "en-US"
}

func (d *Dialer) maxReconnects() int {
	switch {
	case d.MaxReconnects < 0:
		return 0
	case d.MaxReconnects == 0:
		return DefaultMaxReconnects
	}
	return d.MaxReconnects
}

func (d *Dialer) maxReconnectsPerMinute() int {
	if d.MaxReconnectsPerMinute <= 0 {
		return DefaultMaxReconnectsPerMinute
	}
	return d.MaxReconnectsPerMinute
}

// anonymousID returns a privacy-form player id (MS-WMLOG 2.1.18:
// playid_priv, chosen at random, the same for the whole session).
func anonymousID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("{3300AD50-2C39-46c0-AE0A-%012x}", b[:])
}
