package progressive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
)

// UserAgent is sent on progressive HTTP requests unless Config.UserAgent is
// set.
const UserAgent = "Eddy/0.1"

// maxSkip is how far a reader on a server without Range support may read
// forward and discard to reach an offset.
const maxSkip = 1 << 20

// maxReferenceSize bounds a [Reference] redirector body.
const maxReferenceSize = 64 << 10

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
	r := newHTTPReader(cfg.Client(), u.String(), cfg.UserAgent, cfg.TimeoutOrDefault())
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
		// Not ASF: perhaps a redirector or a playlist, which are small
		// text files.
		text, err := readPrefix(cr, maxReferenceSize)
		if err != nil {
			return nil, err
		}
		if redirect, err := detectRedirector(u, text); redirect != nil || err != nil {
			if err != nil {
				return nil, err
			}
			return nil, redirect
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
	s, err := NewSession(af, r, u.String(), u.Scheme, r.ranges(), cfg.Now)
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

// detectRedirector handles bodies that are not media: a [Reference]
// redirector becomes a redirect to its first entry; an ASX playlist is a
// clear error for now. text is the start of the body (up to
// maxReferenceSize bytes).
func detectRedirector(u *url.URL, text []byte) (*transport.RedirectError, error) {
	trimmed := bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	trimmed = bytes.TrimLeft(trimmed, " \t\r\n")
	lower := bytes.ToLower(trimmed[:min(len(trimmed), 16)])
	switch {
	case bytes.HasPrefix(lower, []byte("[reference]")):
		refs := ParseReference(text)
		if len(refs) == 0 {
			return nil, fmt.Errorf("GET %s: [Reference] redirector lists no URL", u.Redacted())
		}
		loc, err := u.Parse(refs[0])
		if err != nil {
			return nil, fmt.Errorf("GET %s: [Reference] entry %q: %w", u.Redacted(), refs[0], err)
		}
		// Redirector entries point at Windows Media servers: http there
		// means MMSH.
		if loc.Scheme == "http" {
			loc.Scheme = "mmsh"
		}
		return &transport.RedirectError{Location: loc.String(), Reason: "[Reference] redirector"}, nil
	case bytes.HasPrefix(lower, []byte("<asx")):
		return nil, fmt.Errorf("GET %s: this is an ASX playlist; ASX playlists are not supported yet", u.Redacted())
	}
	return nil, nil
}

// ParseReference reads the entries of a [Reference] redirector (the
// INI-style .asx/.wax/.wvx files a Windows Media server sends to plain HTTP
// clients): the values of the keys starting with "Ref", in file order.
func ParseReference(b []byte) []string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var refs []string
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if i == 0 || line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(k)), "ref") {
			continue
		}
		if v = strings.TrimSpace(v); v != "" {
			refs = append(refs, v)
		}
	}
	return refs
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
