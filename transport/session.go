package transport

import (
	"context"
	"net/http"
	"time"
)

// Session is an opened presentation. Methods other than Stats and Close are
// never called concurrently with each other (the player serialises them,
// possibly from different goroutines); Stats and Close may be called from
// any goroutine at any time.
//
// Cancelling the context of a blocked ReadSample makes it return ctx.Err()
// promptly and leaves the session usable: the player cancels a read to seek,
// then calls Play with the new position.
type Session interface {
	// Info describes the presentation and what the session can do with
	// it (Info.Caps). It may change after ReadSample returns
	// ErrInfoChanged.
	Info() Info
	// Select applies the caller's choice of tracks (IDs of the current
	// Info's tracks); the session never chooses by itself. It is called
	// before Play, during playback (a stream switch, which the session
	// applies in the running stream or by restarting it at the position
	// reached; see Capabilities.SwitchStreams), and after ReadSample
	// returned ErrInfoChanged, for the new presentation, before reading
	// on: a session may hold the new presentation's delivery until then
	// (MS-WMSP sends the new entry's stream selection, MS-RTSP sets up
	// its streams). Until the first Select for a presentation, every
	// track of it is received. Samples of unselected tracks are not
	// delivered after Select returns. ctx bounds the network requests
	// Select may send.
	Select(ctx context.Context, tracks []int) error
	// Play starts or restarts delivery at position from. A non-zero from on
	// a source that cannot seek returns ErrNotSeekable.
	Play(ctx context.Context, from time.Duration) error
	// Pause suspends delivery; Play resumes (from the given position).
	Pause(ctx context.Context) error
	// ReadSample returns the next sample in decode order across the
	// selected tracks, io.EOF at the end, ErrInfoChanged on a new header.
	ReadSample(ctx context.Context) (Sample, error)
	// Stats returns a snapshot of the session's counters.
	Stats() Stats
	// Close ends the session and releases its connections. It is safe to
	// call more than once and from any goroutine; a blocked ReadSample
	// returns.
	Close() error
}

// Credentials are a user name and password for server authentication.
type Credentials struct {
	User, Password string
}

// Config carries the settings every transport honours. The zero value is
// usable: each field documents its default.
type Config struct {
	// HTTPClient is used for HTTP-based transports. Default: a client with
	// no overall timeout (streams are long), honouring the proxy settings
	// of the environment.
	HTTPClient *http.Client
	// UserAgent overrides the transport's default User-Agent.
	UserAgent string
	// Bandwidth is the user's bandwidth limit in bits per second for stream
	// selection and fast start; 0 means unknown (measure or assume).
	Bandwidth int64
	// BufferTarget is how much media to buffer before playback starts;
	// 0 means the presentation's preroll.
	BufferTarget time.Duration
	// Timeout bounds each network request and stall. Default 15 s.
	Timeout time.Duration
	// ClientID is the persistent per-installation client GUID (MS-WMSP
	// xClientGUID) in "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" form; empty
	// means a transport-generated one.
	ClientID string
	// Credentials, when set, are offered when a server asks for them.
	Credentials *Credentials
	// NoUDP, NoTCP and NoHTTP turn streaming protocols off, as Windows
	// Media Player's Network tab does: NoUDP plays MS-RTSP and MS-MMSP
	// over TCP only (no RTP over UDP, no mmsu data), NoTCP refuses them
	// over TCP (rtspt://, mmst://, and the fall back to TCP), NoHTTP
	// refuses MMS over HTTP. A refused protocol fails with ErrProtocolOff
	// and the mms:// rollover tries the next.
	NoUDP, NoTCP, NoHTTP bool
	// UDPPorts, when set, is the range of local UDP ports the client
	// receives data on (RTP and RTCP of MS-RTSP, MS-MMSP's mmsu data), as
	// Windows Media Player's Network tab sets for a firewall that opens
	// only those; the zero value means any free port.
	UDPPorts PortRange
	// NoPlayLogs sends no play log anywhere (MS-WMLOG: not to the server,
	// not to an ASX LOGURL or a station's Log URL): the user's choice;
	// Windows Media Player sends them by default, and so does Eddy.
	NoPlayLogs bool
	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// Trace, when set, receives the session's protocol messages (requests,
	// responses, with their headers and timings, credentials redacted):
	// the protocol trace a person diagnosing a stream reads.
	Trace Tracer
	// Tap, when set, receives the raw ASF header and data packets of an
	// ASF session (see Tap); nil means none.
	Tap Tap
}

// PortRange is an inclusive range of UDP port numbers, First <= Last; the
// zero value means any free port.
type PortRange struct {
	First, Last uint16
}

// IsZero reports whether r is unset (any port).
func (r PortRange) IsZero() bool { return r.First == 0 && r.Last == 0 }

// TimeoutOrDefault returns c.Timeout, or 15 s when unset.
func (c Config) TimeoutOrDefault() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 15 * time.Second
}

// NowFunc returns c.Now, or time.Now when unset.
func (c Config) NowFunc() func() time.Time {
	if c.Now != nil {
		return c.Now
	}
	return time.Now
}

// Client returns c.HTTPClient, or http.DefaultClient when unset.
func (c Config) Client() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return http.DefaultClient
}

// Dialer opens sessions for the URLs it was registered for.
type Dialer interface {
	Dial(ctx context.Context, rawURL string, cfg Config) (Session, error)
}

// DialerFunc adapts a function to a Dialer.
type DialerFunc func(ctx context.Context, rawURL string, cfg Config) (Session, error)

// Dial calls f.
func (f DialerFunc) Dial(ctx context.Context, rawURL string, cfg Config) (Session, error) {
	return f(ctx, rawURL, cfg)
}
