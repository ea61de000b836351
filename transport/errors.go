package transport

import (
	"errors"
	"fmt"
	"net/url"
)

var (
	// ErrUnsupportedURL is returned by Registry.Dial when no transport
	// handles the URL.
	ErrUnsupportedURL = errors.New("unsupported URL")
	// ErrProtocolOff is returned by a Dialer asked for a protocol the
	// user turned off (Config.NoUDP, NoTCP, NoHTTP): the mms:// rollover
	// goes on to the next one.
	ErrProtocolOff = errors.New("protocol turned off in the preferences")
	// ErrNotSeekable is returned by Play when asked to start at a position
	// on a source that cannot seek (live broadcast, non-ranged HTTP).
	ErrNotSeekable = errors.New("source is not seekable")
	// ErrInfoChanged is returned by ReadSample when the presentation changed
	// mid-stream (a new ASF header: server-side playlist). The caller reads
	// Info again (its tracks and Caps), chooses the tracks to play
	// (ChooseTracks), calls Select with them and re-creates decoders, then
	// goes on reading.
	ErrInfoChanged = errors.New("presentation changed")
	// ErrEncrypted reports DRM-protected content.
	ErrEncrypted = errors.New("DRM-protected content is not supported")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("session closed")
	// ErrAuthRequired is wrapped by a Dial error when the server or a proxy
	// wants credentials that were not given or were refused: ask the user
	// and Dial again with Config.Credentials. The *AuthRequiredError that
	// wraps it says who asked and how.
	ErrAuthRequired = errors.New("authentication required")
	// ErrTruncated is wrapped by a ReadSample (or Dial) error when the
	// source ended before the length it declared: an HTTP body shorter
	// than its Content-Length or Content-Range that could not be resumed,
	// a file shorter than the Data Object its ASF header declares. The
	// samples before it were delivered; the end of the media was lost, so
	// this is not a clean io.EOF.
	ErrTruncated = errors.New("source ended early")
)

// StatusError is an HTTP-level failure from a server.
type StatusError struct {
	// URL and Method name the request that failed.
	URL, Method string
	// Code and Status are the HTTP status code and text.
	Code   int
	Status string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: server answered %s", e.Method, e.URL, e.Status)
}

// RedirectError asks the caller to open another location instead, e.g. a
// plain HTTP request that reached a Windows Media server (open it as
// mmsh://). Registry.Dial follows it. (A [Reference] redirector body is a
// playlist: MetafileError.)
type RedirectError struct {
	// Location is the URL to open instead.
	Location string
	// Transport, when set, names the registered transport to open
	// Location with (a Smooth Streaming manifest at a URL that does not
	// say so); empty means the one whose match takes Location.
	Transport string
	// Reason says why, for logs and errors ("server speaks MS-WMSP").
	Reason string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("redirected to %s: %s", e.Location, e.Reason)
}

// MetafileError says that a URL answered with a playlist metafile (an ASX
// or a [Reference] redirector), not media: the caller opens it as a
// playlist (transport/playlist). Body is the metafile, bounded in size.
type MetafileError struct {
	// URL is where the metafile came from, after redirects: the base of
	// its relative URLs. It may hold credentials: print it redacted.
	URL string
	// ContentType is the response's media type, "" when unknown.
	ContentType string
	// Body is the metafile's bytes.
	Body []byte
}

func (e *MetafileError) Error() string {
	u := e.URL
	if p, err := url.Parse(e.URL); err == nil {
		u = p.Redacted()
	}
	return fmt.Sprintf("%s is a playlist (metafile), not media", u)
}
