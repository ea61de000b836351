package progressive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/playlist"
	"github.com/eddyplayer/eddy/transport/smooth/manifest"
)

// UserAgent is sent on progressive HTTP requests unless Config.UserAgent is
// set.
const UserAgent = "Eddy/0.1"

// maxSkip is how far a reader on a server without Range support may read
// forward and discard to reach an offset.
const maxSkip = 1 << 20

// sniffSize is how much of a body that is not ASF is read to tell a
// playlist metafile (playlist.Sniff) from anything else.
const sniffSize = 64 << 10

// MatchHTTP accepts http:// and https:// URLs.
func MatchHTTP(u *url.URL) bool { return u.Scheme == "http" || u.Scheme == "https" }

// HTTPDialer plays ASF files over HTTP(S) progressive download.
type HTTPDialer struct{}

// wmsContentTypes are the MIME types of a Windows Media server speaking
// MS-WMSP (MS-WMSP 2.2.1.1.1) rather than serving a plain file.
var wmsContentTypes = []string{"application/vnd.ms.wms-hdr.asfv1", "application/x-mms-framed"}

// Dial implements transport.Dialer. Opening is bounded as a whole by
// Config.Timeout and by ctx: the request, its response headers and every
// byte of the ASF header (and of the index, when the server supports Range)
// must arrive within it, whatever pace the server keeps.
func (HTTPDialer) Dial(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", transport.ErrUnsupportedURL, err)
	}
	r := newHTTPReader(cfg.ClientFor("http"), u.String(), cfg.UserAgent, cfg.TimeoutOrDefault())
	if r.ua == "" {
		r.ua = UserAgent
	}
	s, err := dialHTTP(ctx, r, u, cfg)
	if err != nil {
		r.Close()
		return nil, err
	}
	return s, nil
}

// dialHTTP opens the session on r; the caller closes r on error.
func dialHTTP(ctx context.Context, r *httpReader, u *url.URL, cfg transport.Config) (transport.Session, error) {
	unbind := r.dialing(ctx)
	defer unbind()
	resp, err := r.open()
	if err != nil {
		return nil, err
	}
	if redirect := detectWMS(u, resp); redirect != nil {
		return nil, redirect
	}
	size := r.declaredSize()
	if !r.ranges() {
		// Without Range requests the index at the end is out of reach.
		size = -1
	}
	cr := newCachedReader(r, size)
	// Errors of the reader name the request already.
	head, err := readPrefix(cr, len(asf.GUIDHeader))
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(head, asf.GUIDHeader[:]) {
		// Not ASF: perhaps a playlist metafile, a small text file.
		if me, err := detectMetafile(cr, finalURL(u, resp), resp.Header.Get("Content-Type")); me != nil || err != nil {
			if err != nil {
				return nil, err
			}
			return nil, me
		}
		return nil, fmt.Errorf("GET %s: not an ASF file (Content-Type %q)", u.Redacted(), resp.Header.Get("Content-Type"))
	}
	af, err := asf.OpenFile(cr, size)
	if err != nil {
		if e := ctx.Err(); e != nil && errors.Is(err, e) {
			return nil, e
		}
		return nil, fmt.Errorf("GET %s: %w", u.Redacted(), truncation(err))
	}
	s, err := NewSession(af, r, u.String(), u.Scheme, r.ranges(), cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u.Redacted(), err)
	}
	s.net = r
	return s, nil
}

// readPrefix reads the first n bytes of the body (fewer when it is
// shorter).
func readPrefix(r io.ReaderAt, n int) ([]byte, error) {
	b := make([]byte, n)
	k, err := r.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:k], nil
}

// readSequential reads the body from the start up to limit bytes (fewer
// when it is shorter), continuing after head (its first bytes) in chunks
// the cachedReader serves in order, so a source without Range requests
// can be read too.
func readSequential(r io.ReaderAt, head []byte, limit int) ([]byte, error) {
	body := append([]byte(nil), head...)
	chunk := make([]byte, sniffSize)
	for len(body) < limit {
		n, err := r.ReadAt(chunk[:min(len(chunk), limit-len(body))], int64(len(body)))
		body = append(body, chunk[:n]...)
		if errors.Is(err, io.EOF) || err == nil && n == 0 {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return body, nil
}

// detectWMS recognises a Windows Media server from its response headers and
// asks for the MMSH client instead.
func detectWMS(u *url.URL, resp *http.Response) *transport.RedirectError {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(resp.Header.Get("Content-Type"), ";")[0]))
	server := resp.Header.Get("Server")
	why := ""
	for _, t := range wmsContentTypes {
		if ct == t {
			why = "Content-Type " + t
		}
	}
	if strings.Contains(server, "Cougar") || strings.Contains(server, "WMServer") {
		why = "Server " + server
	}
	if why == "" {
		return nil
	}
	m := *u
	m.Scheme = "mmsh"
	if m.Port() == "" && u.Scheme == "http" {
		m.Host = u.Hostname() + ":80"
		if strings.Contains(u.Hostname(), ":") {
			m.Host = "[" + u.Hostname() + "]:80"
		}
	}
	return &transport.RedirectError{Location: m.String(), Reason: "the server speaks MS-WMSP (" + why + ")"}
}

// finalURL is the URL that answered: u after the HTTP redirects followed.
func finalURL(u *url.URL, resp *http.Response) *url.URL {
	if resp.Request != nil && resp.Request.URL != nil {
		return resp.Request.URL
	}
	return u
}

// detectMetafile recognises a body that is a playlist metafile (an ASX
// playlist or a [Reference] redirector, told by playlist.Sniff from its
// first sniffSize bytes) and returns it whole as a
// *transport.MetafileError for the caller to open as a playlist. A
// metafile larger than playlist.MaxSize is an error wrapping
// playlist.ErrTooLarge. Anything else: nil, nil.
func detectMetafile(r io.ReaderAt, u *url.URL, contentType string) (*transport.MetafileError, error) {
	head, err := readPrefix(r, sniffSize)
	if err != nil {
		return nil, err
	}
	if len(head) > 0 && manifest.Sniff(contentType, head) {
		// A Smooth Streaming manifest at a URL that does not end in
		// /Manifest: the Smooth client opens it.
		return nil, &transport.RedirectError{Location: u.String(), Transport: "smooth", Reason: "Smooth Streaming manifest"}
	}
	if len(head) == 0 || playlist.Sniff(u.Path, contentType, head) == playlist.KindNone {
		return nil, nil
	}
	body, err := readSequential(r, head, playlist.MaxSize+1)
	if err != nil {
		return nil, err
	}
	if len(body) > playlist.MaxSize {
		return nil, fmt.Errorf("%s: %w", u.Redacted(), playlist.ErrTooLarge)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = ""
	}
	return &transport.MetafileError{URL: u.String(), ContentType: mt, Body: body}, nil
}

// parseContentRange parses "bytes START-END/TOTAL" (TOTAL may be "*").
func parseContentRange(v string) (start, total int64, ok bool) {
	v = strings.TrimSpace(v)
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	s, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || start < 0 {
		return 0, 0, false
	}
	total = -1
	if tot = strings.TrimSpace(tot); tot != "*" {
		if total, err = strconv.ParseInt(tot, 10, 64); err != nil || total < 0 {
			return 0, 0, false
		}
	}
	return start, total, true
}

// redact hides credentials in a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}
