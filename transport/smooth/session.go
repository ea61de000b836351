package smooth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/smooth/manifest"
)

// Limits.
const (
	// maxManifest bounds a manifest response.
	maxManifest = 16 << 20
	// maxFragment bounds a fragment response.
	maxFragment = 64 << 20
	// defaultPrefetch is how many fragments each stream fetches ahead.
	defaultPrefetch = 3
)

// ErrFragmentGone is wrapped by the error of a fragment the server does
// not have (404 or 412 after the retries): on demand the presentation
// cannot go on past it.
var ErrFragmentGone = errors.New("fragment not available")

// errTooBig is wrapped by a response larger than its limit: a server
// that says so once will say so again, so it is not retried.
var errTooBig = errors.New("response too large")

// Dialer opens Smooth Streaming presentations: URLs whose path ends in
// /Manifest (also …/x.ism/Manifest, …/x.isml/Manifest), any case.
type Dialer struct {
	// Prefetch is how many fragments each stream fetches ahead of the
	// reader (default 3): the session's own bounded buffer.
	Prefetch int
	// Retries is how many times a fragment answering 404, 412 or a
	// network error is asked again before the session gives up (default
	// 4, with backoff from RetryDelay doubling). A live fragment is asked
	// again every half fragment duration for as long as the server may
	// take to produce it instead (fetchFragment).
	Retries int
	// RetryDelay is the first wait before a retry (default 500 ms).
	RetryDelay time.Duration
	// SparsePointerHeader is the HTTP header a live server puts its
	// Sparse Stream Pointers in (MS-SSTR 2.2.5, 3.1.3): configuration
	// that must match the server's. Default
	// DefaultSparsePointerHeader, IIS's.
	SparsePointerHeader string
}

// Match reports the URLs the Dialer opens: http(s) whose path ends in
// "/Manifest" (any case).
func Match(u *url.URL) bool {
	if u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	return strings.EqualFold(path.Base(u.Path), "manifest")
}

func (d *Dialer) prefetch() int {
	if d.Prefetch > 0 {
		return d.Prefetch
	}
	return defaultPrefetch
}

func (d *Dialer) retries() int {
	if d.Retries > 0 {
		return d.Retries
	}
	return 4
}

func (d *Dialer) retryDelay() time.Duration {
	if d.RetryDelay > 0 {
		return d.RetryDelay
	}
	return 500 * time.Millisecond
}

// Dial fetches and parses the manifest (MS-SSTR 3.1.4.1).
func (d *Dialer) Dial(ctx context.Context, rawURL string, cfg transport.Config) (transport.Session, error) {
	u, err := transport.ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	s := &session{d: d, cfg: cfg, base: u, now: cfg.NowFunc()}
	body, final, _, err := s.get(ctx, u.String(), maxManifest)
	if err != nil {
		return nil, fmt.Errorf("smooth: manifest %s: %w", u.Redacted(), err)
	}
	if final != nil {
		s.base = final
	}
	m, err := manifest.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("smooth: manifest %s: %w", u.Redacted(), err)
	}
	if err := s.setup(m); err != nil {
		return nil, fmt.Errorf("smooth: manifest %s: %w", u.Redacted(), err)
	}
	s.stats.bytes.Add(int64(len(body)))
	return s, nil
}

// stream is one StreamIndex: its qualities (tracks) and, while playing,
// its fetcher.
type stream struct {
	si    *manifest.StreamIndex
	typ   transport.MediaType
	quals []quality // ascending bit rate
	// est is the throughput this stream's fragments were fetched at,
	// what its quality choice goes by.
	est  estimator
	live liveState // guarded by session.mu
	// grew, when not nil, is closed when the timeline grows (guarded by
	// session.mu): a live sparse stream's fetcher waits on it.
	grew chan struct{}
}

// quality is one QualityLevel as a track.
type quality struct {
	id      int
	bitrate int64
	ql      *manifest.QualityLevel
}

// session is an opened presentation.
type session struct {
	d    *Dialer
	cfg  transport.Config
	base *url.URL
	now  func() time.Time
	est  estimator

	mu      sync.Mutex // guards what follows
	m       *manifest.Manifest
	streams []*stream
	info    transport.Info
	allowed map[int]bool // selected track IDs; nil = all
	origin  time.Duration
	facts   transport.PlaybackFacts
	closed  bool
	play    *playback // the running fetchers, nil when stopped

	stats counters
}

// setup builds the tracks from the manifest: IDs 1… in manifest order,
// one bit-rate group per stream with several qualities.
func (s *session) setup(m *manifest.Manifest) error {
	s.m = m
	in := transport.Info{
		URL: s.base.Redacted(), Protocol: "smooth",
		Duration: m.Length(), Seekable: !m.IsLive, Broadcast: m.IsLive,
		Caps: transport.Capabilities{Adaptive: true, SwitchStreams: true},
	}
	if m.IsLive {
		in.Duration = 0
	}
	id := 0
	origin := time.Duration(-1)
	for _, si := range m.Streams {
		st := &stream{si: si, typ: si.MediaType()}
		if st.typ == transport.Unknown || si.ManifestOutput {
			continue
		}
		var group []int
		for _, ql := range si.QualityLevels {
			id++
			t := ql.Track(id, si)
			in.Tracks = append(in.Tracks, t)
			st.quals = append(st.quals, quality{id: id, bitrate: int64(ql.Bitrate), ql: ql})
			group = append(group, id)
		}
		slices.SortStableFunc(st.quals, func(a, b quality) int { return cmpInt(a.bitrate, b.bitrate) })
		if len(group) > 1 {
			in.Exclusions = append(in.Exclusions, transport.Exclusion{Type: transport.ExcludeBitrate, Tracks: group})
		}
		if f, ok := si.Fragment(0); ok && (origin < 0 || f.StartTime < origin) {
			origin = f.StartTime
		}
		st.live.learn(si, si.End(), s.now())
		s.streams = append(s.streams, st)
	}
	if len(s.streams) == 0 {
		return errors.New("no audio, video or text stream")
	}
	s.origin = max(origin, 0)
	if m.IsLive {
		in.SeekWindow = m.DVRWindow()
		in.LiveEdge = s.liveEdge()
	}
	s.info = in
	return nil
}

// liveEdge is the end of the known timeline, as a PTS.
func (s *session) liveEdge() time.Duration {
	var edge time.Duration
	for _, st := range s.streams {
		if n := st.si.Len(); n > 0 {
			f, _ := st.si.Fragment(n - 1)
			edge = max(edge, f.EndTime-s.origin)
		}
	}
	return edge
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Info implements transport.Session.
func (s *session) Info() transport.Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.info
	if s.m.IsLive {
		in.LiveEdge = s.liveEdge()
	}
	return in
}

// Select implements transport.Session: the qualities the fetchers may
// choose from. During playback a quality change takes effect at the next
// fragment; a stream added or removed restarts delivery at the position
// reached.
func (s *session) Select(ctx context.Context, ids []int) error {
	s.mu.Lock()
	s.allowed = map[int]bool{}
	for _, id := range ids {
		s.allowed[id] = true
	}
	pb := s.play
	s.mu.Unlock()
	if pb == nil {
		return nil
	}
	if slices.Equal(pb.streamSet(), s.activeStreams()) {
		return nil // qualities only: the fetchers read allowed per fragment
	}
	from := pb.position()
	return s.Play(ctx, from)
}

// stream is the stream named name, nil when none is played (s.mu held).
func (s *session) stream(name string) *stream {
	for _, st := range s.streams {
		if st.si.Name == name {
			return st
		}
	}
	return nil
}

// activeStreams are the indexes of the streams with a selected track.
func (s *session) activeStreams() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for i, st := range s.streams {
		if len(s.allowedQualities(st)) > 0 {
			out = append(out, i)
		}
	}
	return out
}

// allowedQualities are st's selected qualities, ascending (s.mu held).
func (s *session) allowedQualities(st *stream) []quality {
	var out []quality
	for _, q := range st.quals {
		if s.allowed == nil || s.allowed[q.id] {
			out = append(out, q)
		}
	}
	if s.allowed == nil && st.typ == transport.Text {
		return nil // captions only when asked for
	}
	return out
}

// Play implements transport.Session: delivery from position from (on
// demand: from the fragment holding it; live: from the live point, or
// from within the DVR window).
func (s *session) Play(ctx context.Context, from time.Duration) error {
	s.stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return transport.ErrClosed
	}
	if from > 0 && !s.info.Seekable && s.info.SeekWindow == 0 {
		return transport.ErrNotSeekable
	}
	pb := newPlayback(s, from)
	if len(pb.fetchers) == 0 {
		return errors.New("smooth: no stream selected")
	}
	s.play = pb
	pb.start()
	return nil
}

// Pause implements transport.Session: the fetchers stop; Play resumes.
func (s *session) Pause(ctx context.Context) error {
	s.stop()
	return nil
}

func (s *session) stop() {
	s.mu.Lock()
	pb := s.play
	s.play = nil
	s.mu.Unlock()
	if pb != nil {
		pb.stop()
	}
}

// ReadSample implements transport.Session: the next sample in decode
// order across the selected streams.
func (s *session) ReadSample(ctx context.Context) (transport.Sample, error) {
	s.mu.Lock()
	pb, closed := s.play, s.closed
	s.mu.Unlock()
	if closed {
		return transport.Sample{}, transport.ErrClosed
	}
	if pb == nil {
		return transport.Sample{}, errors.New("smooth: ReadSample before Play")
	}
	return pb.next(ctx)
}

// ReportPlayback implements transport.PlaybackReporter: the player's
// buffer feeds the adaptation.
func (s *session) ReportPlayback(f transport.PlaybackFacts) {
	s.mu.Lock()
	s.facts = f
	s.mu.Unlock()
}

func (s *session) playerBuffered() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.facts.Buffered
}

// Close implements transport.Session.
func (s *session) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stop()
	return nil
}

// get fetches rawURL, at most limit bytes, and returns the body, the
// final URL after redirects and the response's header.
func (s *session) get(ctx context.Context, rawURL string, limit int64) ([]byte, *url.URL, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.TimeoutOrDefault())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	if s.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", s.cfg.UserAgent)
	}
	resp, err := s.cfg.ClientFor("smooth").Do(req)
	if err != nil {
		return nil, nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, nil, nil, &transport.StatusError{URL: redact(rawURL), Method: "GET", Code: resp.StatusCode, Status: resp.Status}
	}
	if resp.ContentLength > limit {
		return nil, nil, nil, fmt.Errorf("%w: %d bytes, more than the %d allowed", errTooBig, resp.ContentLength, limit)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, nil, err
	}
	if int64(len(b)) > limit {
		return nil, nil, nil, fmt.Errorf("%w: more than the %d bytes allowed", errTooBig, limit)
	}
	return b, resp.Request.URL, resp.Header, nil
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return raw
}
