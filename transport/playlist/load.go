package playlist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// FetchFunc fetches a metafile: its bytes (at most MaxSize; more is
// ErrTooLarge), its Content-Type ("" when unknown) and its final URL after
// redirects ("" for rawURL itself).
type FetchFunc func(ctx context.Context, rawURL string) (data []byte, contentType, finalURL string, err error)

// LoadOptions bounds and equips Load and Resolve. The zero value is
// usable: every field has a default.
type LoadOptions struct {
	// Fetch fetches one metafile; default DefaultFetch.
	Fetch FetchFunc
	// MaxDepth bounds ENTRYREF nesting (default 5, Windows Media Player
	// 9's limit): an ENTRYREF in a file reached through MaxDepth of them
	// is not fetched. It also stops loops (A → B → A).
	MaxDepth int
	// MaxFetches bounds the metafiles Resolve fetches (default 16).
	MaxFetches int
	// MaxEntries bounds the entries of the resolved show (default
	// MaxEntries); ENTRYREFs past it are not spliced in.
	MaxEntries int
	// Timeout bounds each fetch (default 15 s), within ctx.
	Timeout time.Duration
}

func (o LoadOptions) withDefaults() LoadOptions {
	if o.Fetch == nil {
		o.Fetch = DefaultFetch
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 5
	}
	if o.MaxFetches <= 0 {
		o.MaxFetches = 16
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = MaxEntries
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	return o
}

// maxRedirects bounds the HTTP redirects DefaultFetch follows.
const maxRedirects = 10

// fetchClient is DefaultFetch's HTTP client: redirects bounded, and none
// leaving http(s).
var fetchClient = &http.Client{
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		return nil
	},
}

// DefaultFetch fetches http and https URLs with a GET (at most 10
// redirects, the body capped at MaxSize, the deadline ctx's) and reads
// local files, given as paths or file:// URLs.
func DefaultFetch(ctx context.Context, rawURL string) ([]byte, string, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" || len(u.Scheme) == 1 || u.Scheme == "file" {
		p := rawURL
		if err == nil && u.Scheme == "file" {
			if u.Host != "" && u.Host != "localhost" {
				return nil, "", "", fmt.Errorf("file URL with remote host %q", u.Host)
			}
			p = u.Path
		}
		data, err := readFile(p)
		return data, "", "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, "", "", fmt.Errorf("cannot fetch a playlist over %s", u.Scheme)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", "", err
	}
	req.Header.Set("User-Agent", "Eddy/0.1")
	resp, err := fetchClient.Do(req)
	if err != nil {
		return nil, "", "", redactErr(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, "", "", fmt.Errorf("GET %s: server answered %s", u.Redacted(), resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxSize+1))
	if err != nil {
		return nil, "", "", fmt.Errorf("GET %s: %w", u.Redacted(), redactErr(err))
	}
	if len(data) > MaxSize {
		return nil, "", "", fmt.Errorf("GET %s: %w", u.Redacted(), ErrTooLarge)
	}
	return data, resp.Header.Get("Content-Type"), resp.Request.URL.String(), nil
}

// redactErr hides credentials in the URL a *url.Error names.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = Redact(ue.URL)
	}
	return err
}

func readFile(p string) ([]byte, error) {
	f, err := os.Open(filepath.Clean(p))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: %w", p, ErrTooLarge)
	}
	return data, nil
}

// locate turns what the user gave (a URL, a path) into the metafile's
// URL: paths become absolute file:// URLs.
func locate(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err == nil && len(u.Scheme) > 1 {
		u.Scheme = strings.ToLower(u.Scheme)
		return u, nil
	}
	abs, err := filepath.Abs(raw)
	if err != nil {
		return nil, err
	}
	return &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}, nil
}

// Load fetches the metafile at rawURL (a URL or a local path), parses it
// and resolves its ENTRYREFs (Resolve). The metafile's final URL (after
// redirects) is its base; a metafile reached over the network (either
// URL not file) follows the network's security rules. A show left with
// no entry (every ENTRYREF failed) is an error wrapping ErrEmpty.
func Load(ctx context.Context, rawURL string, opts LoadOptions) (*Playlist, error) {
	opts = opts.withDefaults()
	pl, err := fetchParse(ctx, rawURL, opts)
	if err != nil {
		return nil, err
	}
	if err := Resolve(ctx, pl, opts); err != nil {
		return nil, err
	}
	if len(Flatten(pl)) == 0 {
		return nil, fmt.Errorf("playlist %s: %w", Redact(pl.URL), emptyError(pl.Warnings))
	}
	return pl, nil
}

// fetchParse fetches and parses one metafile.
func fetchParse(ctx context.Context, rawURL string, opts LoadOptions) (*Playlist, error) {
	u, err := locate(rawURL)
	if err != nil {
		return nil, fmt.Errorf("playlist %s: %w", Redact(rawURL), err)
	}
	fctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	data, ctype, final, err := opts.Fetch(fctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("playlist %s: %w", u.Redacted(), err)
	}
	base := u
	if final != "" {
		f, err := url.Parse(final)
		if err != nil {
			return nil, fmt.Errorf("playlist %s: final URL: %w", u.Redacted(), err)
		}
		if isRemote(u) && !isRemote(f) {
			return nil, fmt.Errorf("playlist %s: a network URL may not lead to a local file", u.Redacted())
		}
		base = u.ResolveReference(f)
	}
	pl, err := Parse(data, base)
	if err != nil {
		if errors.Is(err, ErrNotPlaylist) && ctype != "" {
			if mt, _, e := mime.ParseMediaType(ctype); e == nil {
				return nil, fmt.Errorf("playlist %s (%s): %w", base.Redacted(), mt, err)
			}
		}
		return nil, fmt.Errorf("playlist %s: %w", base.Redacted(), err)
	}
	return pl, nil
}

// Resolve replaces every ENTRYREF in pl (its Items, REPEATs and EVENTs)
// with the entries of the metafile it names, fetched through opts.Fetch:
// that file's ASX-level metadata and EVENTs are ignored and its
// SKIPIFREF=YES entries dropped; its relative HREFs resolve against the
// ENTRYREF's HREF (its final URL after HTTP redirects); its own ENTRYREFs are resolved in turn, at most
// opts.MaxDepth deep and opts.MaxFetches fetches in all. An ENTRYREF that
// cannot be fetched or parsed, or is past a limit, is removed with a
// warning in pl.Warnings and the rest plays. A network metafile's
// ENTRYREFs cannot name local files (Parse dropped them already). Resolve
// returns an error only when ctx ends.
func Resolve(ctx context.Context, pl *Playlist, opts LoadOptions) error {
	opts = opts.withDefaults()
	r := &resolveRun{opts: opts, pl: pl, entries: len(Flatten(pl))}
	for i := range pl.Events {
		r.entries += len(compile(pl, pl.Events[i].Items).entries)
	}
	var err error
	if pl.Items, err = r.items(ctx, pl.Items, 1, isRemote(parseOrNil(pl.URL))); err != nil {
		return err
	}
	for i := range pl.Events {
		if pl.Events[i].Items, err = r.items(ctx, pl.Events[i].Items, 1, isRemote(parseOrNil(pl.URL))); err != nil {
			return err
		}
	}
	return nil
}

func parseOrNil(raw string) *url.URL {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	return u
}

type resolveRun struct {
	opts    LoadOptions
	pl      *Playlist
	fetches int
	entries int
}

func (r *resolveRun) warn(format string, args ...any) {
	if len(r.pl.Warnings) < maxWarnings {
		r.pl.Warnings = append(r.pl.Warnings, fmt.Sprintf(format, args...))
	}
}

// items resolves the ENTRYREFs in items, which sit at the given depth
// (the top file's are at 1) in a file from the network when remote.
func (r *resolveRun) items(ctx context.Context, items []Item, depth int, remote bool) ([]Item, error) {
	out := items[:0:0]
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		switch it := it.(type) {
		case *Repeat:
			sub, err := r.items(ctx, it.Items, depth, remote)
			if err != nil {
				return nil, err
			}
			if len(sub) > 0 {
				out = append(out, &Repeat{Count: it.Count, Items: sub})
			}
		case *EntryRef:
			spliced, err := r.entryRef(ctx, it, depth, remote)
			if err != nil {
				return nil, err
			}
			out = append(out, spliced...)
		default:
			out = append(out, it)
		}
	}
	return out, nil
}

func (r *resolveRun) entryRef(ctx context.Context, ref *EntryRef, depth int, remote bool) ([]Item, error) {
	href := Redact(ref.Href)
	u, err := url.Parse(ref.Href)
	if err != nil {
		r.warn("ENTRYREF %s skipped: %v", quoteShort(href), err)
		return nil, nil
	}
	switch {
	case depth > r.opts.MaxDepth:
		r.warn("ENTRYREF %s skipped: nested deeper than %d (a loop?)", quoteShort(href), r.opts.MaxDepth)
		return nil, nil
	case r.fetches >= r.opts.MaxFetches:
		r.warn("ENTRYREF %s skipped: more than %d playlists fetched", quoteShort(href), r.opts.MaxFetches)
		return nil, nil
	case r.entries >= r.opts.MaxEntries:
		r.warn("ENTRYREF %s skipped: the show has %d entries already", quoteShort(href), r.entries)
		return nil, nil
	case remote && !isRemote(u):
		// Parse drops these; an ENTRYREF built by hand is checked too.
		r.warn("ENTRYREF %s dropped: a playlist from the network may not name local files", quoteShort(href))
		return nil, nil
	}
	r.fetches++
	sub, err := fetchParse(ctx, ref.Href, r.opts)
	if err != nil {
		if e := ctx.Err(); e != nil {
			return nil, e
		}
		r.warn("ENTRYREF %s skipped: %v", quoteShort(href), err)
		return nil, nil
	}
	// The ENTRYREF's HREF is the nested file's base (sstr-asf digest
	// 3.1): fetchParse parsed it so, or with its final URL when HTTP
	// redirected it.
	for _, w := range sub.Warnings {
		r.warn("%s: %s", quoteShort(href), w)
	}
	items := dropSkipIfRef(sub.Items)
	// The entries of this file; those of its own ENTRYREFs are counted as
	// they are spliced.
	n := countEntries(items)
	if r.entries+n > r.opts.MaxEntries {
		r.warn("ENTRYREF %s skipped: its %d entries would pass the limit of %d", quoteShort(href), n, r.opts.MaxEntries)
		return nil, nil
	}
	r.entries += n
	return r.items(ctx, items, depth+1, remote || isRemote(u))
}

// dropSkipIfRef removes the SKIPIFREF=YES entries (at any REPEAT depth).
func dropSkipIfRef(items []Item) []Item {
	out := items[:0:0]
	for _, it := range items {
		switch it := it.(type) {
		case *Entry:
			if it.SkipIfRef {
				continue
			}
		case *Repeat:
			sub := dropSkipIfRef(it.Items)
			if len(sub) == 0 {
				continue
			}
			it = &Repeat{Count: it.Count, Items: sub}
			out = append(out, it)
			continue
		}
		out = append(out, it)
	}
	return out
}

func countEntries(items []Item) int {
	n := 0
	for _, it := range items {
		switch it := it.(type) {
		case *Entry:
			n++
		case *Repeat:
			n += countEntries(it.Items)
		}
	}
	return n
}
