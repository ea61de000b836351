package mmsh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/auth"
	"github.com/eddyplayer/eddy/transport/internal/call"
	"github.com/eddyplayer/eddy/transport/wms"
)

// clientState is Client-State ([MS-WMSP] 3.1.1).
type clientState uint8

const (
	stateInit clientState = iota
	stateIdle
	stateStreaming
	stateClosed
)

func (s clientState) String() string {
	return [...]string{"INIT", "IDLE", "STREAMING", "CLOSED"}[s]
}

// Queue bounds (style guide §11): the owner stops taking packets from the
// reader while this many samples or bytes wait for ReadSample, so TCP
// flow control slows the server down.
const (
	maxQueuedSamples = 512
	maxQueuedBytes   = 8 << 20
	eventQueue       = 16
	sideQueue        = 8
)

// item is what ReadSample receives: a sample, or an error (io.EOF,
// ErrInfoChanged with the new Info, a terminal failure).
type item struct {
	sample transport.Sample
	err    error
	info   *transport.Info
	// entry is the new Info's playlist-gen-id; awaitSel says that its
	// entry streams only once the consumer selects for it.
	entry    uint32
	awaitSel bool
	// sticky errors stay at the head of the queue.
	sticky bool
}

// command is a request from a public method to the owner goroutine.
type command struct {
	kind   cmdKind
	ctx    context.Context
	tracks []int
	// gen is the presentation a Select is for (owner.presGen).
	gen    int
	from   time.Duration
	rate   float64
	offset int
	facts  transport.PlaybackFacts
	reply  chan error
}

type cmdKind uint8

const (
	cmdSelect cmdKind = iota
	cmdPlay
	cmdPause
	cmdSkip
	cmdClose
)

// session is an MS-WMSP client session. One owner goroutine (run) holds
// all protocol state; a reader goroutine per streaming connection turns
// the response body into events; a side worker sends the requests that
// go on connections of their own (non-pipelined Log, KeepAlive,
// SelectStream, SendEvent, web logs).
type session struct {
	d       *Dialer
	cfg     transport.Config
	cl      *client
	origURL string
	url     *url.URL
	timeout time.Duration
	// wallNow is Config.Now: the wall clock of the timestamps the play
	// logs report (MS-WMLOG 2.1). Timers and the durations the session
	// measures use the time package (monotonic).
	wallNow func() time.Time
	// anonID is the log's c-playerid when Dialer.Anonymous is set.
	anonID string

	ctx    context.Context
	cancel context.CancelFunc
	cmds   chan command
	out    chan item
	events chan event
	side   chan *sideRequest
	sideRe chan sideResult
	done   chan struct{}
	wg     sync.WaitGroup // reader and side goroutines

	// Consumer side (the player's goroutine), guarded by mu.
	mu       sync.Mutex
	info     transport.Info
	selected map[int]bool
	// presGen counts the presentations ReadSample reported (the owner's
	// presGen when the consumer has read them all); needSel is set while
	// the entry it last reported waits for a Select.
	presGen int
	needSel bool
	facts   transport.PlaybackFacts
	// entry is the playlist-gen-id of the entry ReadSample is in.
	entry    uint32
	startup  time.Duration
	hasStart bool
	closeErr error

	closeOnce sync.Once
	stats     counters

	// Owner-only protocol state.
	o owner
}

// counters are read by Stats from any goroutine.
type counters struct {
	bytes, packets, lost, corrupt atomic.Int64
	bandwidth                     atomic.Int64
	reconnects, logPosts          atomic.Int64
	// dups, headerChanges, entries and the side failures feed Counters.
	dups, headerChanges, entries atomic.Int64
	sideFailures                 atomic.Int64
	lastSideErr                  atomic.Pointer[error]
	fastStart                    atomic.Bool
	opened                       time.Time
}

// sideFailed counts a side request that failed.
func (c *counters) sideFailed(err error) {
	c.sideFailures.Add(1)
	c.lastSideErr.Store(&err)
}

func newSession(d *Dialer, cfg transport.Config, raw string, u *url.URL) *session {
	timeout := cfg.TimeoutOrDefault()
	dial := d.DialContext
	if dial == nil {
		nd := &net.Dialer{}
		dial = nd.DialContext
	}
	guid := cfg.ClientID
	if !validGUID(guid) {
		guid = wms.NewGUID()
	}
	ac := auth.NewClient(cfg.Credentials, d.AuthSchemes)
	cl := &client{
		ua:       userAgent(cfg.UserAgent),
		guid:     strings.ToUpper(guid),
		lang:     d.language(),
		schemes:  ac.Schemes(),
		jar:      defaultJar(cfg.HTTPClient),
		proxyFor: proxyFunc(d.Proxy, cfg.HTTPClient),
		auth:     newAuthState(ac),
		timeout:  timeout,
		dial:     dial,
		cfg:      cfg,
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{
		d: d, cfg: cfg, wallNow: cfg.NowFunc(), cl: cl, origURL: raw, url: u, timeout: timeout,
		ctx: ctx, cancel: cancel, anonID: anonymousID(),
		cmds:   make(chan command),
		out:    make(chan item),
		events: make(chan event, eventQueue),
		side:   make(chan *sideRequest, sideQueue),
		sideRe: make(chan sideResult, sideQueue+1),
		done:   make(chan struct{}),
	}
	s.stats.opened = time.Now()
	s.o.init(s)
	return s
}

// shutdownUnstarted releases a session whose Describe failed.
func (s *session) shutdownUnstarted() {
	s.cancel()
	close(s.done)
}

// start launches the owner and the side worker.
func (s *session) start() {
	s.mu.Lock()
	s.info = s.o.info
	s.entry = s.o.genID
	s.selected = map[int]bool{}
	for n := range s.o.sel {
		s.selected[n] = true
	}
	s.mu.Unlock()
	s.wg.Add(1)
	go s.sideWorker()
	go s.run()
}

// call sends a command to the owner and waits for its reply.
func (s *session) call(ctx context.Context, c command) error {
	if ctx == nil {
		ctx = context.Background()
	}
	c.ctx = ctx
	c.reply = make(chan error, 1)
	return call.Do(ctx, s.cmds, c, c.reply, s.done, s.closedErr)
}

func (s *session) closedErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closeErr != nil {
		return s.closeErr
	}
	return transport.ErrClosed
}

// Info describes the presentation (the current playlist entry).
func (s *session) Info() transport.Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info
}

// Select applies the consumer's choice of streams for the presentation it
// last read of (Info): before Play it sets what the Play asks for; during
// playback it switches streams without restarting (SelectStream, [MS-WMSP]
// 3.1.4.4), falling back to a Play at the current position when the
// server lacks com.microsoft.wm.sswitch; after ErrInfoChanged for a new
// playlist entry it sends the entry's SelectStream or PlayNextEntry
// (3.1.4.5), which the server waits for before it streams the entry.
func (s *session) Select(ctx context.Context, tracks []int) error {
	s.mu.Lock()
	info, gen := s.info, s.presGen
	s.mu.Unlock()
	for _, id := range tracks {
		if _, ok := info.Track(id); !ok {
			return fmt.Errorf("mmsh: select: no track %d in %s", id, s.url.Redacted())
		}
	}
	if err := s.call(ctx, command{kind: cmdSelect, tracks: slices.Clone(tracks), gen: gen}); err != nil {
		return err
	}
	s.mu.Lock()
	s.selected = map[int]bool{}
	for _, id := range tracks {
		s.selected[id] = true
	}
	s.needSel = false
	s.mu.Unlock()
	return nil
}

// Play starts delivery at from (a seek when streaming: Stop, Log, Play,
// 3.1.4.7).
func (s *session) Play(ctx context.Context, from time.Duration) error {
	s.playing()
	return s.call(ctx, command{kind: cmdPlay, from: from, rate: 1})
}

// playing notes a Play, PlayRate or Skip: its request lists the selection,
// so no entry waits for a Select any more (owner.stopStreaming).
func (s *session) playing() {
	s.mu.Lock()
	s.needSel = false
	s.mu.Unlock()
}

// PlayRate plays at rate (fast forward / rewind) where the content is
// stridable (2.2.1.4.22, 4.9).
func (s *session) PlayRate(ctx context.Context, from time.Duration, rate float64) error {
	s.playing()
	return s.call(ctx, command{kind: cmdPlay, from: from, rate: rate})
}

// Pause stops streaming (Stop plus Log, 3.1.4.6); Play resumes at a
// position. KeepAlives keep the server session alive meanwhile (3.1.6.1).
func (s *session) Pause(ctx context.Context) error {
	return s.call(ctx, command{kind: cmdPause})
}

// Skip moves to the next (1) or previous (-1) server-side playlist entry
// (pl-offset, 3.1.4.3.1).
func (s *session) Skip(ctx context.Context, offset int) error {
	if offset != 1 && offset != -1 {
		return fmt.Errorf("mmsh: skip offset %d is not 1 or -1", offset)
	}
	s.playing()
	return s.call(ctx, command{kind: cmdSkip, offset: offset})
}

// ReportPlayback records the player's facts for the play logs.
func (s *session) ReportPlayback(f transport.PlaybackFacts) {
	s.mu.Lock()
	s.facts = f
	s.mu.Unlock()
}

// consumerEntry is the playlist-gen-id of the entry being read.
func (s *session) consumerEntry() uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.entry
}

func (s *session) playbackFacts() transport.PlaybackFacts {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.facts
	f.LogURLs = slices.Clone(f.LogURLs)
	return f
}

// StartupBuffer is the Advanced Fast Start advice from the server's
// X-StartupProfile (2.2.1.12): how much media to buffer before rendering.
func (s *session) StartupBuffer() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startup, s.hasStart
}

// ReadSample returns the next sample of the selected tracks. After an
// ErrInfoChanged for a playlist entry that waits for a Select, a
// ReadSample without one selects every track of the entry
// (transport.Session: until Select, every track is received).
func (s *session) ReadSample(ctx context.Context) (transport.Sample, error) {
	s.mu.Lock()
	need := s.needSel
	var all []int
	if need {
		all = allTracks(s.info)
	}
	s.mu.Unlock()
	if need {
		if err := s.Select(ctx, all); err != nil {
			return transport.Sample{}, err
		}
	}
	for {
		var it item
		select {
		case it = <-s.out:
		case <-ctx.Done():
			return transport.Sample{}, ctx.Err()
		case <-s.done:
			return transport.Sample{}, s.closedErr()
		}
		if it.err != nil {
			if it.info != nil {
				s.mu.Lock()
				s.info = *it.info
				s.entry = it.entry
				s.presGen++
				s.needSel = it.awaitSel
				s.selected = map[int]bool{}
				for _, id := range allTracks(*it.info) {
					s.selected[id] = true
				}
				s.mu.Unlock()
			}
			return transport.Sample{}, it.err
		}
		s.mu.Lock()
		ok := s.selected[it.sample.Track]
		s.mu.Unlock()
		if ok {
			return it.sample, nil
		}
	}
}

// allTracks lists the IDs of every track of in.
func allTracks(in transport.Info) []int {
	ids := make([]int, 0, len(in.Tracks))
	for _, t := range in.Tracks {
		ids = append(ids, t.ID)
	}
	return ids
}

// Stats returns the session counters.
func (s *session) Stats() transport.Stats {
	return transport.Stats{
		BytesReceived:    s.stats.bytes.Load(),
		PacketsReceived:  s.stats.packets.Load(),
		PacketsLost:      s.stats.lost.Load(),
		CorruptPackets:   s.stats.corrupt.Load(),
		PacketsDuplicate: s.stats.dups.Load(),
		BandwidthBps:     s.stats.bandwidth.Load(),
		Reconnects:       int(s.stats.reconnects.Load()),
		LogPosts:         int(s.stats.logPosts.Load()),
		FastStart:        s.stats.fastStart.Load(),
		Elapsed:          time.Since(s.stats.opened),
	}
}

// Counters are MS-WMSP session counters that transport.Stats has no field
// for. (Packets a server resends after a resume are
// transport.Stats.PacketsDuplicate.)
type Counters struct {
	// HeaderChanges counts the ASF headers that replaced the current one in
	// the middle of the data without a $C (a server looping its source),
	// each reported as transport.ErrInfoChanged.
	HeaderChanges int64
	// Entries counts the server-side playlist entries whose header
	// arrived after a $C (3.1.5.14), each reported as
	// transport.ErrInfoChanged; the entry streams once the consumer
	// selects for it (3.1.4.5).
	Entries int64
	// SideFailures counts the requests sent on connections of their own
	// (in non-pipelined mode Log, KeepAlive and SelectStream; SendEvent;
	// web-server logs) that failed: an error status, a connection that
	// closed, or no complete answer within Config.Timeout. The session
	// goes on without them, but for the SelectStream that starts a new
	// playlist entry, whose failure ends it. LastSideError is the error of
	// the last one.
	SideFailures  int64
	LastSideError error
}

// SessionCounters returns the MS-WMSP counters of a session this package
// opened; ok is false for any other session.
func SessionCounters(s transport.Session) (c Counters, ok bool) {
	ss, ok := s.(*session)
	if !ok {
		return Counters{}, false
	}
	c = Counters{HeaderChanges: ss.stats.headerChanges.Load(), Entries: ss.stats.entries.Load(), SideFailures: ss.stats.sideFailures.Load()}
	if err := ss.stats.lastSideErr.Load(); err != nil {
		c.LastSideError = *err
	}
	return c, true
}

// Close stops the stream, sends the play log (3.1.4.6) and releases the
// connections. It waits at most about Config.Timeout for the log.
func (s *session) Close() error {
	s.closeOnce.Do(func() {
		c := command{kind: cmdClose, reply: make(chan error, 1), ctx: context.Background()}
		select {
		case s.cmds <- c:
			<-c.reply
		case <-s.done:
		}
		s.cancel()
		<-s.done
		s.mu.Lock()
		if s.closeErr == nil {
			s.closeErr = transport.ErrClosed
		}
		s.mu.Unlock()
	})
	return nil
}

// errorf wraps an error with the server and request it concerns.
func (s *session) errorf(kind reqKind, err error) error {
	if err == nil {
		return nil
	}
	var ae *transport.AuthRequiredError
	if errors.As(err, &ae) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, s.url.Host) {
		return err
	}
	return fmt.Errorf("mmsh: %s %s: %w", kind, s.url.Redacted(), err)
}
