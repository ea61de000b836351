package wmlog

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// maxValidateBody bounds how much of a log URL's validation response is read.
const maxValidateBody = 64 << 10

// validateRE matches the web-server-validate-response body (MS-WMLOG 2.3).
var validateRE = regexp.MustCompile(`(?i)<body>\s*<h1>\s*(NetShow ISAPI Log Dll|WMS ISAPI Log Dll/\d{1,4}\.\d{1,4}\.\d{1,4}\.\d{1,4})\s*</h1>`)

// WebSubmitter sends logs to a web-server log URL (MS-WMLOG 2.3), e.g. an
// ASX LOGURL. It validates the URL with a GET first, as the spec advises,
// and POSTs only when the server identifies itself as a Windows Media log
// ISAPI.
type WebSubmitter struct {
	// Client performs the requests; http.DefaultClient when nil.
	Client *http.Client
	// UserAgent is sent on both requests (MS-WMLOG 3.6 uses "NSPlayer").
	UserAgent string
	// SkipValidation posts without the validating GET.
	SkipValidation bool
}

// Submit validates logURL (unless SkipValidation) and POSTs body, the
// output of Record.WebServer. It returns an error naming the URL and the
// cause; callers must not let a failed log stop playback.
func (w *WebSubmitter) Submit(ctx context.Context, logURL string, body []byte) error {
	c := w.Client
	if c == nil {
		c = http.DefaultClient
	}
	if !w.SkipValidation {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, logURL, nil)
		if err != nil {
			return fmt.Errorf("wmlog: log URL %q: %w", logURL, err)
		}
		w.headers(req)
		resp, err := c.Do(req)
		if err != nil {
			return fmt.Errorf("wmlog: validate log URL %s: %w", logURL, err)
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxValidateBody))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("wmlog: validate log URL %s: %w", logURL, err)
		}
		if resp.StatusCode != http.StatusOK || !validateRE.Match(b) {
			return fmt.Errorf("wmlog: %w: GET %s answered %s without a WMS log ISAPI banner", ErrNotLogServer, logURL, resp.Status)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, logURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("wmlog: log URL %q: %w", logURL, err)
	}
	w.headers(req)
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("wmlog: POST log to %s: %w", logURL, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxValidateBody))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("wmlog: POST log to %s: server answered %s", logURL, resp.Status)
	}
	return nil
}

func (w *WebSubmitter) headers(req *http.Request) {
	ua := w.UserAgent
	if ua == "" {
		ua = "NSPlayer"
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Cache-Control", "no-cache")
}

// IsWebLog reports whether body looks like a web-server log message
// ("MX_STATS_LogLine:" prefix, MS-WMLOG 2.3) and returns its W3C fields.
func IsWebLog(body []byte) ([]string, bool) {
	s, ok := strings.CutPrefix(string(body), "MX_STATS_LogLine:")
	if !ok {
		return nil, false
	}
	return strings.Fields(s), true
}

// WebPost is one web-server log to send: its URL and body.
type WebPost struct {
	URL  string
	Body []byte
}

// WebPosts are the web-server logs (MS-WMLOG 2.3) of rec for the log
// URLs in lists (a client's own, an ASX LOGURL, a station's Log URL),
// each URL once, in order, empty ones skipped; server is the media
// server the log describes (s-ip).
func WebPosts(rec Record, kind Kind, server *url.URL, lists ...[]string) []WebPost {
	var out []WebPost
	seen := map[string]bool{}
	web := rec
	web.ServerIP = ServerIP(server)
	var body []byte
	for _, l := range lists {
		for _, u := range l {
			if u == "" || seen[u] {
				continue
			}
			seen[u] = true
			if body == nil {
				body = web.WebServer(kind)
			}
			out = append(out, WebPost{URL: u, Body: body})
		}
	}
	return out
}

// SubmitAll submits posts in the background (WebSubmitter.Submit with
// client and the "NSPlayer" User-Agent), each on its own goroutine
// counted in wg and bounded by timeout, so that a slow log server never
// holds playback; accepted is called (from those goroutines) once per
// post the server took. A failed post only costs the post.
func SubmitAll(wg *sync.WaitGroup, client *http.Client, timeout time.Duration, posts []WebPost, accepted func()) {
	for _, p := range posts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			ws := &WebSubmitter{Client: client, UserAgent: "NSPlayer"}
			if ws.Submit(ctx, p.URL, p.Body) == nil {
				accepted()
			}
		}()
	}
}
