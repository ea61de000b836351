package rtsp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/auth"
	"github.com/eddyplayer/eddy/transport/internal/call"
)

// state is the client's State (MS-RTSP 3.1.1).
type state uint8

const (
	stateInit state = iota
	stateReady
	statePlaying
)

func (s state) String() string { return [...]string{"INIT", "READY", "PLAYING"}[s] }

// Queue bounds: the owner stops taking media from the network while this
// many samples or bytes wait for ReadSample.
const (
	maxQueuedSamples = 512
	maxQueuedBytes   = 8 << 20
)

// item is what ReadSample receives: a sample or an error (io.EOF,
// ErrInfoChanged with the new Info, a terminal failure).
type item struct {
	sample transport.Sample
	err    error
	info   *transport.Info
	sticky bool
}

type cmdKind uint8

const (
	cmdOpen cmdKind = iota
	cmdSelect
	cmdPlay
	cmdPause
	cmdSkip
	cmdClose
)

// command is a request from a public method to the owner goroutine.
type command struct {
	kind   cmdKind
	ctx    context.Context
	tracks []int
	from   time.Duration
	rate   float64
	// offset is a skip's pl-offset (1 or -1).
	offset int
	reply  chan error
}

// counters are read by Stats from any goroutine.
type counters struct {
	bytes, packets, lost, corrupt atomic.Int64
	dup, late, fec, resent, nacks atomic.Int64
	jitter                        atomic.Int64 // nanoseconds
	bandwidth                     atomic.Int64
	logPosts                      atomic.Int64
	// foreign counts UDP datagrams from an address other than the
	// server's; overrun those dropped because the owner was behind;
	// resentRaw the datagrams that arrived on the rtx port.
	foreign, overrun, resentRaw atomic.Int64
	fastStart                   atomic.Bool
	// fellBack: UDP was blocked and the session went over to TCP.
	fellBack atomic.Bool
	opened   time.Time
}

// session is an MS-RTSP client session. One owner goroutine (run) holds
// all protocol state; the control connection's reader and one reader
// per UDP socket hand it what arrives.
type session struct {
	d          *Dialer
	cfg        transport.Config
	now        func() time.Time
	timeout    time.Duration
	userAgent  string
	acceptAuth string
	auth       *auth.Client
	jar        http.CookieJar
	language   string
	target     *url.URL // the URL asked for, after redirects
	lower      Lower
	guid       string // the client GUID of User-Agent and the logs

	// facts are the player's, for the play logs (transport.PlaybackReporter).
	factsMu sync.Mutex
	facts   transport.PlaybackFacts

	ctx    context.Context
	cancel context.CancelFunc
	cmds   chan command
	out    chan item
	done   chan struct{}
	wg     sync.WaitGroup

	// Consumer side, guarded by mu.
	mu       sync.Mutex
	info     transport.Info
	closeErr error

	closeOnce sync.Once
	stats     counters

	o owner
}

// Info implements transport.Session.
func (s *session) Info() transport.Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info
}

// call hands a command to the owner and waits for its answer.
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

// Select implements transport.Session: the tracks to receive.
func (s *session) Select(ctx context.Context, tracks []int) error {
	return s.call(ctx, command{kind: cmdSelect, tracks: append([]int(nil), tracks...)})
}

// Play implements transport.Session: SETUP of the chosen streams when
// none are set up, then PLAY from the position (MS-RTSP 3.1.4.3,
// 3.1.4.8: while playing, PAUSE then PLAY with the new Range).
func (s *session) Play(ctx context.Context, from time.Duration) error {
	return s.call(ctx, command{kind: cmdPlay, from: from})
}

// PlayRate implements transport.RatePlayer: PLAY with Scale (RFC 2326
// 12.34, MS-RTSP 4.4.7): 2..5 fast forward, -5..-1 rewind, where
// Info().Caps.Rate says the content allows it (a=type without
// notstridable, not a broadcast, 2.2.5.2.6.4).
func (s *session) PlayRate(ctx context.Context, from time.Duration, rate float64) error {
	if rate == 0 || rate > 5 || rate < -5 || (rate > -1 && rate < 1 && rate != 1) {
		return fmt.Errorf("%w: rate %v (1, 2..5 or -5..-1)", ErrNotSupported, rate)
	}
	return s.call(ctx, command{kind: cmdPlay, from: from, rate: rate})
}

// Skip implements transport.PlaylistNavigator: PLAY with X-Playlist:
// pl-offset=1 (next entry) or -1 (previous) and X-Playlist-Seek-Id of the
// entry skipped from (MS-RTSP 2.2.6.20, 3.1.5.9.1), where Info().Caps
// offers that direction (a=type skipforward / skipbackward,
// 2.2.5.2.6.6/7). It returns once the server has answered; the answer's
// X-Playlist-Change-Notice (3.1.5.10) keeps the EndOfStream that follows
// from sending LogPlay (3.1.5.13), and the ANNOUNCE of the entry reached
// shows as ErrInfoChanged from ReadSample: the player's Select then
// starts it (3.1.4.5).
func (s *session) Skip(ctx context.Context, offset int) error {
	if offset != 1 && offset != -1 {
		return fmt.Errorf("%w: skip offset %d (1 or -1, 2.2.6.20)", ErrNotSupported, offset)
	}
	return s.call(ctx, command{kind: cmdSkip, offset: offset})
}

// Pause implements transport.Session (3.1.4.7: PAUSE, then LogPlay).
func (s *session) Pause(ctx context.Context) error {
	return s.call(ctx, command{kind: cmdPause})
}

// ReadSample implements transport.Session.
func (s *session) ReadSample(ctx context.Context) (transport.Sample, error) {
	select {
	case it, ok := <-s.out:
		if !ok {
			return transport.Sample{}, s.closedErr()
		}
		if it.info != nil {
			s.mu.Lock()
			s.info = *it.info
			s.mu.Unlock()
		}
		return it.sample, it.err
	case <-ctx.Done():
		return transport.Sample{}, ctx.Err()
	case <-s.done:
		return transport.Sample{}, s.closedErr()
	}
}

// ReportPlayback implements transport.PlaybackReporter.
func (s *session) ReportPlayback(f transport.PlaybackFacts) {
	s.factsMu.Lock()
	s.facts = f
	s.factsMu.Unlock()
}

func (s *session) playbackFacts() transport.PlaybackFacts {
	s.factsMu.Lock()
	defer s.factsMu.Unlock()
	return s.facts
}

// version is the player version of the logs: the player's, else Eddy's
// User-Agent version.
func (s *session) version() string {
	if v := s.playbackFacts().PlayerVersion; v != "" {
		return v
	}
	return "0.1.0"
}

// Stats implements transport.Session.
func (s *session) Stats() transport.Stats {
	c := &s.stats
	return transport.Stats{
		BytesReceived:          c.bytes.Load(),
		PacketsReceived:        c.packets.Load(),
		PacketsLost:            c.lost.Load(),
		CorruptPackets:         c.corrupt.Load(),
		PacketsDuplicate:       c.dup.Load(),
		PacketsRecoveredFEC:    c.fec.Load(),
		PacketsRecoveredResent: c.resent.Load(),
		NACKsSent:              c.nacks.Load(),
		PacketsLate:            c.late.Load(),
		Jitter:                 time.Duration(c.jitter.Load()),
		BandwidthBps:           c.bandwidth.Load(),
		LogPosts:               int(c.logPosts.Load()),
		FastStart:              c.fastStart.Load(),
		Elapsed:                s.now().Sub(c.opened),
	}
}

// Close implements transport.Session: TEARDOWN when a session exists
// (3.1.4.10), then the connections close.
func (s *session) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), min(s.timeout, 2*time.Second))
		defer cancel()
		select {
		case s.cmds <- command{kind: cmdClose, ctx: ctx, reply: make(chan error, 1)}:
		case <-s.done:
		}
		select {
		case <-s.done:
		case <-ctx.Done():
		}
		s.cancel()
		s.wg.Wait()
	})
	return nil
}

// fail records the terminal error the consumer sees.
func (s *session) setCloseErr(err error) {
	s.mu.Lock()
	if s.closeErr == nil {
		s.closeErr = err
	}
	s.mu.Unlock()
}

var errNotPlaying = errors.New("rtsp: not playing")

// statusErr builds the error of a failed request that must succeed.
func statusErr(method string, resp *Response) error {
	err := &StatusError{Method: method, Code: resp.StatusCode, Reason: resp.Reason}
	switch resp.StatusCode {
	case 401, 407:
		return fmt.Errorf("%w: %w", transport.ErrAuthRequired, err)
	}
	return err
}
