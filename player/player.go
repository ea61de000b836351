// Package player is Eddy's playback engine. A Player owns one goroutine that
// takes commands (Open, Play, Pause, Stop, Seek, SetVolume, SelectStreams),
// drives a transport.Session through a bounded sample queue into decoders
// and an audio sink, and publishes Events with a complete Status.
//
//	p, _ := player.New(player.Config{Transports: tr, Decoders: dec, Sink: sink})
//	cancel := p.Subscribe(func(ev player.Event) { fmt.Println(ev.Status.State) })
//	p.Open("http://example.com/song.wma")
//	...
//	cancel()
//	p.Close()
//
// Nothing here imports a GUI toolkit or a sound library.
package player

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/playlist"
)

// Config configures a Player. Transports, Decoders and Sink are required.
type Config struct {
	// Transports opens URLs.
	Transports *transport.Registry
	// Decoders creates decoders by codec.
	Decoders *decoder.Registry
	// Sink plays (or stores) decoded audio. The Player owns it from New on
	// and closes it in Close.
	Sink audio.Sink
	// Video receives decoded video frames at their presentation time. Nil
	// means video tracks are not selected.
	Video VideoOutput
	// Transport is passed to every Dial.
	Transport transport.Config
	// PlaylistFetch fetches metafiles (ASX, [Reference]) and the
	// playlists their ENTRYREFs name; nil means transport/playlist's
	// default (HTTP with bounded size and redirects, local files).
	PlaylistFetch playlist.FetchFunc
	// BufferTarget is the media time buffered before playback starts and
	// after an underrun. Default: the presentation's preroll, at least
	// 500 ms and at most half of MaxBuffer.
	BufferTarget time.Duration
	// MaxBuffer bounds the media time read ahead. Default DefaultMaxBuffer.
	MaxBuffer time.Duration
	// MaxBufferBytes bounds the memory read ahead. Default
	// DefaultMaxBufferBytes.
	MaxBufferBytes int
	// Bandwidth caps the automatic stream choice, in bits per second;
	// 0 means no cap. Transport.Bandwidth is used when this is 0.
	Bandwidth int64
	// Language is the preferred audio language ("en", "de-de"), also
	// reported in play logs.
	Language string
	// PlayerVersion is the application version reported in play logs.
	PlayerVersion string
	// Logger receives the player's log. Default slog.Default().
	Logger *slog.Logger
	// Now returns the current time: the time to first audio, rebuffering
	// time, the video clock's anchor, play-log timestamps. Default time.Now.
	Now func() time.Time
	// Tick is the position-event interval (a time.Ticker); statistics are
	// published about once a second. Default 100 ms.
	Tick time.Duration
	// Resume, when set, remembers where presentations were left: a file
	// or on-demand stream opened again (without OpenOptions.Start)
	// starts where it was stopped or closed (event Resumed); one played
	// to its end starts from the beginning.
	Resume Positions
	// Rand is the random source of client-side playlists' shuffle
	// (SetShuffle). Default: a source seeded at random.
	Rand rand.Source
}

// Positions stores the position each presentation was left at, by URL
// (Config.Resume). Its methods are called from the player's goroutine.
type Positions interface {
	// Position returns where url was left, ok false when nowhere.
	Position(url string) (at time.Duration, ok bool)
	// SetPosition records where url was left; 0 forgets it.
	SetPosition(url string, at time.Duration)
}

// resumeMargin: a presentation left within this of its start or end
// starts from the beginning next time (as media players do: nobody
// resumes the credits).
const resumeMargin = 5 * time.Second

// VideoOutput receives decoded frames. Present is called on the player's
// video goroutine at (about) the frame's presentation time; it must not
// block for long.
type VideoOutput interface {
	Present(f decoder.Frame)
}

// FrameRecycler is implemented by a VideoOutput that is done with a frame's
// picture when Present returns (it copies or encodes it): Recycles reports
// true, and the player hands the picture back to the decoder for reuse,
// which saves allocating a picture per frame.
type FrameRecycler interface {
	Recycles() bool
}

// FrameReturner is implemented by a VideoOutput that keeps a frame's
// picture after Present returns (a window shows it until the next one) and
// can say later when it is done with it. The player calls SetFrameReturn
// once, at New, with a function the output calls (on any goroutine, without
// blocking) with each picture nobody will read again; the picture goes back
// to the video decoder for a later frame, which saves allocating and
// clearing a picture per frame (3.7 MB for 720p; issue 12). The output
// must not touch a picture after returning it, and returns each at most
// once.
type FrameReturner interface {
	SetFrameReturn(ret func(*image.RGBA))
}

// returnedPictures bounds the pictures waiting to go back to the decoder;
// more are left to the garbage collector.
const returnedPictures = 4

// PictureWanter is implemented by a VideoOutput that may not need the
// pictures at all (it only counts frames): when WantsPictures is false the
// decoders skip converting them and Frame.Image is nil.
type PictureWanter interface {
	WantsPictures() bool
}

// OpenOptions refine Open.
type OpenOptions struct {
	// Start is the position to start at (seekable sources only).
	Start time.Duration
	// Duration stops playback after this much media time; 0 = to the end.
	Duration time.Duration
	// Streams are the stream numbers to play; nil = automatic choice.
	Streams []int
	// Paused opens and buffers but does not start the clock.
	Paused bool
}

// Player is the playback engine. Its methods are safe for concurrent use.
type Player struct {
	cfg Config
	// ticked counts the owner's ticks (read by tests).
	ticked atomic.Int64
	// httpClient is Config.Transport.HTTPClient as given, what a
	// Settings without a proxy goes back to.
	httpClient *http.Client
	log        *slog.Logger
	now        func() time.Time

	cmdMu  sync.Mutex
	cmds   []command
	wake   chan struct{}
	inbox  chan any
	closed bool

	statusMu sync.Mutex
	status   Status

	evMu    sync.Mutex
	subs    map[int]func(Event)
	nextSub int
	events  []Event
	evWake  chan struct{}
	dropped int

	quit    chan struct{}
	done    chan struct{}
	evDone  chan struct{}
	closers sync.WaitGroup // sessions being closed in the background
	// calls interrupt the network calls made for the owner goroutine
	// (ownerCall) still running, by number; under cmdMu.
	calls     map[uint64]context.CancelCauseFunc
	lastCall  uint64
	closeOnce sync.Once
	closeErr  error // Close's result

	// rec routes the sessions' raw ASF to a recording (StartRecording).
	rec *recHub

	// returned holds pictures a FrameReturner output is done with, for
	// the video goroutine to give back to its decoder.
	returned chan *image.RGBA

	// Owner-goroutine state.
	o owner
}

// New starts a Player.
func New(cfg Config) (*Player, error) {
	if cfg.Transports == nil || cfg.Decoders == nil || cfg.Sink == nil {
		return nil, errors.New("player: Config needs Transports, Decoders and Sink")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 100 * time.Millisecond
	}
	if cfg.MaxBuffer <= 0 {
		cfg.MaxBuffer = DefaultMaxBuffer
	}
	if cfg.MaxBufferBytes <= 0 {
		cfg.MaxBufferBytes = DefaultMaxBufferBytes
	}
	if cfg.Bandwidth == 0 {
		cfg.Bandwidth = cfg.Transport.Bandwidth
	}
	p := &Player{
		cfg:        cfg,
		httpClient: cfg.Transport.HTTPClient,
		log:        cfg.Logger.With("component", "player"),
		now:        cfg.Now,
		wake:       make(chan struct{}, 1),
		inbox:      make(chan any, 64),
		subs:       map[int]func(Event){},
		evWake:     make(chan struct{}, 1),
		quit:       make(chan struct{}),
		done:       make(chan struct{}),
		evDone:     make(chan struct{}),
		rec:        &recHub{},
	}
	p.status = Status{State: Idle, Volume: 1, Rate: 1, Speed: 1}
	if r, ok := cfg.Video.(FrameReturner); ok {
		p.returned = make(chan *image.RGBA, returnedPictures)
		r.SetFrameReturn(p.returnPicture)
	}
	go p.dispatch()
	go p.run()
	return p, nil
}

// command kinds.
type cmdKind uint8

const (
	cmdOpen cmdKind = iota + 1
	cmdPlay
	cmdPause
	cmdStop
	cmdSeek
	cmdVolume
	cmdSelect
	cmdCredentials
	cmdRate
	cmdSkip
	cmdJump
	cmdRepeat
	cmdSpeed
	cmdStep
	cmdConfigure
	cmdRecord
	cmdStopRecord
	cmdOpenList
	cmdShuffle
)

type command struct {
	kind     cmdKind
	url      string
	opts     OpenOptions
	d        time.Duration
	v        float64
	ids      []int
	cred     *transport.Credentials
	list     *playlist.Playlist // cmdOpenList
	settings Settings           // cmdConfigure
}

// maxPendingCommands bounds the command queue; seeks and volume changes
// coalesce, so only a burst of distinct commands can reach it.
const maxPendingCommands = 64

func (p *Player) enqueue(c command) {
	p.cmdMu.Lock()
	if p.closed {
		p.cmdMu.Unlock()
		return
	}
	// Coalesce: a newer seek or volume replaces a pending one of its kind.
	if c.kind == cmdSeek || c.kind == cmdVolume || c.kind == cmdSelect {
		for i := len(p.cmds) - 1; i >= 0; i-- {
			if p.cmds[i].kind == c.kind {
				p.cmds = append(p.cmds[:i], p.cmds[i+1:]...)
				break
			}
		}
	}
	if len(p.cmds) >= maxPendingCommands {
		p.cmds = p.cmds[1:]
	}
	p.cmds = append(p.cmds, c)
	if c.leaves() {
		p.interruptCalls()
	}
	p.cmdMu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// leaves reports that c leaves the presentation playing (Open, Stop): a
// network call of the owner for it is then of no use (ownerCall).
func (c command) leaves() bool {
	return c.kind == cmdOpen || c.kind == cmdOpenList || c.kind == cmdStop
}

// errInterrupted is the cause of an owner's network call cut short by a
// command that leaves the presentation, or by Halt.
var errInterrupted = errors.New("player: interrupted by a new command")

// ownerCall returns the context of a network call made for the owner
// goroutine, which waits for it (selectNow) or for the next one (the
// background calls of control): it ends at the network timeout, or
// earlier when the player halts or a command that leaves the presentation
// (Open, Stop) is queued, so that a stalled server holds up neither (a
// server that never answered a SETUP held Stop for the whole timeout).
// interrupted, after the call, reports that it was cut short so; finish
// releases the context.
func (p *Player) ownerCall() (ctx context.Context, interrupted func() bool, finish func()) {
	base, cancel := context.WithCancelCause(context.Background())
	ctx, stop := context.WithTimeout(base, p.cfg.Transport.TimeoutOrDefault())
	p.cmdMu.Lock()
	p.lastCall++
	id := p.lastCall
	if p.calls == nil {
		p.calls = map[uint64]context.CancelCauseFunc{}
	}
	p.calls[id] = cancel
	if p.closed || slices.ContainsFunc(p.cmds, command.leaves) {
		cancel(errInterrupted)
	}
	p.cmdMu.Unlock()
	interrupted = func() bool { return errors.Is(context.Cause(base), errInterrupted) }
	finish = func() {
		p.cmdMu.Lock()
		delete(p.calls, id)
		p.cmdMu.Unlock()
		stop()
		cancel(nil)
	}
	return ctx, interrupted, finish
}

// interruptCalls cuts short the calls of ownerCall still running; cmdMu
// is held.
func (p *Player) interruptCalls() {
	for _, cancel := range p.calls {
		cancel(errInterrupted)
	}
}

// Open opens url and starts playing it, replacing what was playing.
// Errors are reported as ErrorOccurred events.
func (p *Player) Open(url string) { p.OpenWith(url, OpenOptions{}) }

// OpenWith opens url with options.
func (p *Player) OpenWith(url string, opts OpenOptions) {
	opts.Start, opts.Duration = clampPosition(opts.Start), clampPosition(opts.Duration)
	p.enqueue(command{kind: cmdOpen, url: url, opts: opts})
}

// OpenList plays urls one after the other as a client-side playlist
// titled title (files and URLs dropped together on the window), exactly
// as an ASX with one ENTRY and one REF per URL: an entry that does not
// open is skipped, next/previous/repeat work, Status.Playlist shows it.
// Nothing is fetched: each URL is opened as Open would open it.
func (p *Player) OpenList(title string, urls []string) {
	pl := &playlist.Playlist{Title: title}
	for _, u := range urls {
		pl.Items = append(pl.Items, &playlist.Entry{ClientSkip: true, Refs: []playlist.Ref{{URL: u}}})
	}
	p.enqueue(command{kind: cmdOpenList, list: pl})
}

// Play starts or resumes playback. After Stop or the end, it plays the
// last opened URL from the beginning.
func (p *Player) Play() { p.enqueue(command{kind: cmdPlay}) }

// Pause suspends playback, keeping the position.
func (p *Player) Pause() { p.enqueue(command{kind: cmdPause}) }

// Stop ends playback; Play starts again from the beginning.
func (p *Player) Stop() { p.enqueue(command{kind: cmdStop}) }

// Seek moves to position d (seekable sources only; otherwise a Warning).
func (p *Player) Seek(d time.Duration) { p.enqueue(command{kind: cmdSeek, d: clampPosition(d)}) }

// SetVolume sets the output gain, 0 (mute) to 1.
func (p *Player) SetVolume(v float64) {
	if v < 0 {
		v = 0
	}
	if v > 1 {
		v = 1
	}
	p.enqueue(command{kind: cmdVolume, v: v})
}

// SelectStreams plays the given stream numbers (at most one audio and one
// video); nil returns to the automatic choice. It applies during playback
// without starting over.
func (p *Player) SelectStreams(ids []int) {
	p.enqueue(command{kind: cmdSelect, ids: append([]int(nil), ids...)})
}

// SetRate plays fast forward (2..5) or rewind (-5..-1) where the source
// offers it (Media.CanRate; MS-WMSP stridable content), silently and
// showing pictures; 1 returns to normal playback at the position reached.
func (p *Player) SetRate(r float64) {
	if r == 0 {
		r = 1
	}
	p.enqueue(command{kind: cmdRate, v: max(min(r, 5), -5)})
}

// SetSpeed plays at speed s (audio.MinSpeed 0.5 to audio.MaxSpeed 2,
// clamped; 1 is normal) with the pitch kept, as media players' playback
// speed does: for sources that are not live broadcasts (a broadcast
// cannot be played ahead of itself, nor fall behind for long), with a
// warning otherwise. It applies at once, without a seek, and stays for
// the presentations opened later.
func (p *Player) SetSpeed(s float64) {
	if !(s > 0) {
		s = 1
	}
	p.enqueue(command{kind: cmdSpeed, v: max(min(s, audio.MaxSpeed), audio.MinSpeed)})
}

// Settings are the user's preferences, applied from the next Open on.
type Settings struct {
	// BufferTarget is the media buffered before playing (Config's); 0:
	// the stream's preroll.
	BufferTarget time.Duration
	// Bandwidth is the connection speed in bits per second, capping the
	// automatic stream choice and fast start (Config's); 0: none.
	Bandwidth int64
	// NoPlayLogs sends no play log (transport.Config.NoPlayLogs).
	NoPlayLogs bool
	// NoUDP, NoTCP and NoHTTP turn streaming protocols off
	// (transport.Config's, Windows Media Player's Network tab).
	NoUDP, NoTCP, NoHTTP bool
	// UDPPorts is the range of local UDP ports data is received on
	// (transport.Config.UDPPorts, Windows Media Player's "Use ports
	// from-to to receive data"); the zero value is any port. A range the
	// transports cannot use (First 0, or First > Last) is refused with a
	// Warning and any port is used.
	UDPPorts transport.PortRange
	// Proxy, when set, is the HTTP proxy of the HTTP-based protocols
	// (MMS over HTTP, Smooth Streaming, HTTP downloads, playlists), as
	// "http://host:port"; empty: the environment's (HTTP_PROXY).
	Proxy *url.URL
}

// Configure applies the user's preferences from the next Open on (the
// presentation playing keeps its own).
func (p *Player) Configure(s Settings) { p.enqueue(command{kind: cmdConfigure, settings: s}) }

// StepFrame shows the next video picture and stays paused there (the
// position moves to it); when playing it pauses first, as VLC's frame
// step does. It needs video and a seekable source.
func (p *Player) StepFrame() { p.enqueue(command{kind: cmdStep}) }

// SkipEntry moves to the next (offset 1) or previous (-1) entry: of the
// client-side playlist (an ASX, Status.Playlist) when one plays, where an
// entry with CLIENTSKIP="NO" cannot be skipped forward; else of a
// server-side playlist (Media.CanSkip).
func (p *Player) SkipEntry(offset int) {
	if offset > 0 {
		offset = 1
	} else {
		offset = -1
	}
	p.enqueue(command{kind: cmdSkip, d: time.Duration(offset)})
}

// JumpTo plays entry index (0-based, Status.Playlist.Entries) of the
// client-side playlist; a forward jump from an entry that cannot be
// skipped (CLIENTSKIP="NO") is refused with a Warning.
func (p *Player) JumpTo(index int) {
	if index >= 0 {
		p.enqueue(command{kind: cmdJump, d: time.Duration(index)})
	}
}

// SetPlaylistRepeat makes the client-side playlist start over after its
// last entry (on: SetPlaylistMode(RepeatAll)), or end there (off).
func (p *Player) SetPlaylistRepeat(on bool) {
	if on {
		p.SetPlaylistMode(RepeatAll)
	} else {
		p.SetPlaylistMode(RepeatOff)
	}
}

// SetCredentials gives the user name and password to offer servers that
// ask for them (an ErrorOccurred event wrapping transport.ErrAuthRequired
// says when); they apply to the following Open. An empty user clears them.
// The player never logs them.
func (p *Player) SetCredentials(user, password string) {
	var c *transport.Credentials
	if user != "" {
		c = &transport.Credentials{User: user, Password: password}
	}
	p.enqueue(command{kind: cmdCredentials, cred: c})
}

// Status returns the current status.
func (p *Player) Status() Status {
	p.statusMu.Lock()
	defer p.statusMu.Unlock()
	return cloneStatus(p.status)
}

func cloneStatus(s Status) Status {
	if s.Media != nil {
		m := *s.Media
		m.Tracks = append([]TrackInfo(nil), m.Tracks...)
		s.Media = &m
	}
	if s.Recording != nil {
		r := *s.Recording
		s.Recording = &r
	}
	return s
}

// Subscribe registers fn for every later Event. fn runs on the player's
// event goroutine, one event at a time and never with player locks held; it
// should return quickly (the UI hands work to its own thread). The returned
// function unsubscribes.
func (p *Player) Subscribe(fn func(Event)) (cancel func()) {
	p.evMu.Lock()
	id := p.nextSub
	p.nextSub++
	p.subs[id] = fn
	p.evMu.Unlock()
	return func() {
		p.evMu.Lock()
		delete(p.subs, id)
		p.evMu.Unlock()
	}
}

// maxQueuedEvents bounds undelivered events; position, buffering and stats
// updates are dropped first when a subscriber is slow.
const maxQueuedEvents = 256

// publish snapshots the status and queues an event for subscribers.
func (p *Player) publish(kind EventKind, err error) {
	ev := Event{Kind: kind, Status: p.Status(), Err: err}
	p.evMu.Lock()
	if len(p.events) >= maxQueuedEvents {
		kept := p.events[:0]
		for _, e := range p.events {
			switch e.Kind {
			case PositionChanged, BufferingChanged, StatsChanged:
				p.dropped++
				continue
			}
			kept = append(kept, e)
		}
		p.events = kept
		if len(p.events) >= maxQueuedEvents {
			p.events = p.events[1:]
			p.dropped++
		}
	}
	p.events = append(p.events, ev)
	p.evMu.Unlock()
	select {
	case p.evWake <- struct{}{}:
	default:
	}
}

// dispatch delivers events to subscribers in order.
func (p *Player) dispatch() {
	defer close(p.evDone)
	for {
		p.evMu.Lock()
		evs := p.events
		p.events = nil
		subs := make([]func(Event), 0, len(p.subs))
		for _, f := range p.subs {
			subs = append(subs, f)
		}
		p.evMu.Unlock()
		for _, ev := range evs {
			for _, f := range subs {
				f(ev)
			}
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-p.evWake:
		case <-p.done:
			// Deliver what the owner published while stopping.
			p.evMu.Lock()
			n := len(p.events)
			p.evMu.Unlock()
			if n == 0 {
				return
			}
		}
	}
}

// Halt stops playback and the player's command loop, as Close does first,
// and returns once the presentation is left: its position remembered
// (Config.Resume), its play log handed over. It does not wait for the
// session to close or for the sink; Close does. An app calls it while its
// window closes, so that the position is stored before the app saves its
// preferences for the last time. Commands after Halt are ignored.
func (p *Player) Halt() {
	p.cmdMu.Lock()
	if !p.closed {
		p.closed = true
		close(p.quit)
		p.interruptCalls()
	}
	p.cmdMu.Unlock()
	<-p.done
}

// Close stops playback, closes the session and the sink, and waits for the
// player's goroutines. Events published while closing are delivered first.
// Status keeps the closed session's final counters (e.g. the play log
// sent on closing). Calls after the first wait for it and return its
// error.
func (p *Player) Close() error {
	p.Halt()
	p.closeOnce.Do(func() {
		p.closers.Wait()
		<-p.evDone
		if err := p.cfg.Sink.Close(); err != nil {
			p.closeErr = fmt.Errorf("player: closing audio sink: %w", err)
		}
	})
	return p.closeErr
}

// updateStatus changes the status under its lock.
func (p *Player) updateStatus(f func(s *Status)) {
	p.statusMu.Lock()
	f(&p.status)
	p.statusMu.Unlock()
}

// returnPicture takes back a picture the video output is done with (any
// goroutine; never blocks: a full queue leaves it to the collector).
func (p *Player) returnPicture(img *image.RGBA) {
	if img == nil {
		return
	}
	select {
	case p.returned <- img:
	default:
	}
}
