package player

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/playlist"
)

// owner is the state only the owner goroutine touches.
type owner struct {
	state      State
	url        string
	opts       OpenOptions
	gen        int // bumped on every Open/Stop: stale messages are ignored
	dialCancel context.CancelFunc
	pb         *playback
	paused     bool
	userSel    []int
	// list is the client-side playlist being played (ASX, [Reference]),
	// nil for a single URL.
	list *listState
	// openedList is the playlist OpenList made, played again by Play
	// after its end (nil when a URL was opened).
	openedList *playlist.Playlist
	// listMode is the user's order for client-side playlists (repeat,
	// shuffle; listorder.go), kept for the lists opened later.
	listMode listMode
	// scriptNext is the index of the first header script command not yet
	// reached (Info.Scripts).
	scriptNext int
	// captionEnd is when the caption shown ends (0: none shown, or
	// shown until the next).
	captionEnd time.Duration

	playAt      time.Time // when the current start was requested (TTFA)
	ttfa        time.Duration
	ttff        time.Duration // to the first picture shown
	speed       float64       // SetSpeed's; 0 means 1
	rebuffers   int
	lastBytes   int64
	lastBytesAt time.Time
	bitrate     int64
	ticks       int
	slowTick    bool // the ticker runs once a second (nothing plays)

	// Play-log facts (transport.PlaybackReporter).
	rendered       time.Duration
	lastPos        time.Duration
	bufferingSince time.Time
	rebufferTime   time.Duration
}

// dialResult is sent to the owner when a Dial finishes.
type dialResult struct {
	gen  int
	sess transport.Session
	err  error
	// entry and ref are the playlist entry and the REF that opened (the
	// entry alone when none did); nil for a single URL.
	entry *playlist.Entry
	ref   playlist.Ref
	// resume: the entry an EVENT interrupted, opened where it was.
	resume bool
	// tap is the session's transport.Config.Tap (recording).
	tap *sessionTap
}

// pbMsgKind is what a playback goroutine reports.
type pbMsgKind uint8

const (
	msgBuffering    pbMsgKind = iota + 1 // fill level in value
	msgStarted                           // preroll done, first output
	msgFirstAudio                        // first PCM reached the sink
	msgFirstFrame                        // a segment's first picture was shown
	msgUnderrun                          // queue ran dry while playing
	msgResumed                           // refilled after an underrun
	msgEnded                             // everything played
	msgFatal                             // err ends playback
	msgWarning                           // err is worth telling
	msgMediaChanged                      // a new header / track set is playing
	msgRateRefused                       // the source refused a rate (err)
	msgSkipFailed                        // a playlist skip failed (err)
	msgPreviewShown                      // a preview segment showed its picture
	msgDelivered                         // the session delivered its last sample
	msgScript                            // a Command track's script command came due
	msgCaption                           // a Text track's caption came due
)

type pbMsg struct {
	gen, seg int
	kind     pbMsgKind
	err      error
	value    float64
	at       time.Time
	ts       *trackSet
	script   transport.ScriptCommand
	// text, pts and dur are a caption's (msgCaption).
	text     string
	pts, dur time.Duration
}

// run is the owner goroutine.
func (p *Player) run() {
	defer close(p.done)
	tk := time.NewTicker(p.cfg.Tick)
	defer tk.Stop()
	for {
		// Paused, stopped or ended, nothing moves: the owner wakes once a
		// second (statistics) instead of every Tick (issue 12: the paused
		// window's CPU).
		if slow := p.o.state != Playing && p.o.state != Buffering; slow != p.o.slowTick {
			p.o.slowTick = slow
			if slow {
				tk.Reset(max(p.cfg.Tick, time.Second))
			} else {
				tk.Reset(p.cfg.Tick)
			}
		}
		select {
		case <-p.quit:
			p.teardown(true)
			p.endRecording(nil)
			return
		case <-p.wake:
			p.cmdMu.Lock()
			cmds := p.cmds
			p.cmds = nil
			p.cmdMu.Unlock()
			for _, c := range cmds {
				p.handle(c)
			}
		case m := <-p.inbox:
			switch m := m.(type) {
			case dialResult:
				p.onDial(m)
			case playlistResult:
				p.onPlaylist(m)
			case prefetched:
				p.onPrefetched(m)
			case pbMsg:
				p.onPlayback(m)
			case recEnded:
				p.onRecEnded(m)
			}
		case <-tk.C:
			p.tick()
		}
	}
}

func (p *Player) setState(s State) {
	if p.o.state == s {
		return
	}
	p.log.Debug("state", "from", p.o.state, "to", s)
	p.o.state = s
	p.updateStatus(func(st *Status) { st.State = s })
	p.publish(StateChanged, nil)
	if s == Ended || s == Stopped {
		// The stream is complete, or no longer played.
		p.endRecording(nil)
	}
}

func (p *Player) fail(err error) {
	// Reported as an ErrorOccurred event; logged for the record only.
	p.log.Info("playback failed", "url", playlist.Redact(p.o.url), "err", err)
	p.teardown(false)
	p.o.state = Failed
	p.updateStatus(func(st *Status) { st.State = Failed; st.Buffering = 0 })
	p.publish(ErrorOccurred, err)
	p.endRecording(ErrRecordingPlaybackFailed)
}

func (p *Player) warn(err error) {
	p.log.Info("playback warning", "url", playlist.Redact(p.o.url), "err", err)
	p.publish(Warning, err)
}

// handle runs one command on the owner goroutine.
func (p *Player) handle(c command) {
	switch c.kind {
	case cmdOpen:
		p.o.userSel = c.opts.Streams
		p.open(c.url, c.opts)
	case cmdOpenList:
		p.o.userSel = nil
		p.openList(c.list)
	case cmdPlay:
		switch {
		case p.o.pb != nil && p.o.paused:
			p.o.paused = false
			p.cfg.Sink.Resume()
			pb := p.o.pb
			from := pb.pausedAt
			if !pb.info.Seekable || pb.info.Broadcast {
				// A live source resumes at the live point, or where it
				// was paused while that is still in its DVR window.
				if lo, _, ok := dvrRange(pb.sess.Info()); !ok || from < lo {
					from = 0
				}
			}
			p.startSegment(from)
		case p.o.pb != nil && p.o.state == Ended && p.o.list == nil && p.o.pb.info.Seekable && !p.o.pb.info.Broadcast:
			// Played again: the statistics are this playing's, not the
			// sum of every playing (issue 11).
			p.o.pb.resetCounters()
			p.o.rebuffers, p.o.ttfa, p.o.ttff, p.o.rebufferTime = 0, 0, 0, 0
			p.startSegment(0)
		case (p.o.pb == nil || p.o.state == Ended) && p.o.url != "" && p.o.state != Opening:
			// Stopped, failed, or ended on a source that cannot start over
			// in place (a broadcast, HTTP without ranges): open it again.
			opts := p.o.opts
			opts.Start, opts.Paused = 0, false
			if l := p.o.openedList; l != nil {
				p.openList(l)
				break
			}
			p.open(p.o.url, opts)
		}
	case cmdPause:
		p.pause()
	case cmdStop:
		if p.o.state == Idle {
			return
		}
		p.teardown(false)
		// Stopped, nothing is buffered (the last figures stay for the
		// record).
		p.updateStatus(func(st *Status) { st.Position = 0; st.Buffering = 0; st.Stats.BufferLevel = 0 })
		p.setState(Stopped)
		p.publish(PositionChanged, nil)
	case cmdSeek:
		pb := p.o.pb
		if pb == nil {
			return
		}
		if lo, hi, ok := dvrRange(pb.sess.Info()); ok && pb.info.Broadcast {
			// Live with a DVR window: within it (MS-SSTR DVRWindowLength).
			p.startSegment(min(max(c.d, lo), hi))
			return
		}
		if !pb.info.Seekable || pb.info.Broadcast {
			p.warn(fmt.Errorf("cannot seek: %w", transport.ErrNotSeekable))
			return
		}
		d := max(c.d, 0)
		if pb.info.Duration > 0 && d > pb.info.Duration {
			d = pb.info.Duration
		}
		if p.o.paused {
			// Resume will start there; meanwhile the picture there is
			// shown.
			pb.pausedAt = d
			p.updateStatus(func(st *Status) { st.Position = d })
			p.publish(PositionChanged, nil)
			if pb.cur != nil && pb.cur.video != nil && pb.rateOrOne() == 1 {
				p.preview(d)
			}
			return
		}
		p.startSegment(d)
	case cmdVolume:
		p.cfg.Sink.SetVolume(c.v)
		p.updateStatus(func(st *Status) { st.Volume = c.v })
		p.publish(StateChanged, nil)
	case cmdRate:
		p.setRate(c.v)
	case cmdSpeed:
		p.setSpeed(c.v)
	case cmdStep:
		p.stepFrame()
	case cmdConfigure:
		s := c.settings
		p.cfg.BufferTarget, p.cfg.Transport.BufferTarget = max(s.BufferTarget, 0), max(s.BufferTarget, 0)
		p.cfg.Bandwidth, p.cfg.Transport.Bandwidth = max(s.Bandwidth, 0), max(s.Bandwidth, 0)
		p.cfg.Transport.NoPlayLogs = s.NoPlayLogs
		p.cfg.Transport.NoUDP, p.cfg.Transport.NoTCP, p.cfg.Transport.NoHTTP = s.NoUDP, s.NoTCP, s.NoHTTP
		p.cfg.Transport.UDPPorts = s.UDPPorts
		if r := s.UDPPorts; !r.IsZero() && (r.First == 0 || r.First > r.Last) {
			p.cfg.Transport.UDPPorts = transport.PortRange{}
			p.warn(fmt.Errorf("UDP ports %d-%d are not a range: receiving on any port", r.First, r.Last))
		}
		if s.Proxy != nil {
			// A client of its own: the proxy for every HTTP request.
			p.cfg.Transport.HTTPClient = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(s.Proxy)}}
		} else {
			p.cfg.Transport.HTTPClient = p.httpClient
		}
	case cmdSkip:
		if p.o.list != nil {
			p.moveInList(int(c.d), 0, false)
			return
		}
		p.skipEntry(int(c.d))
	case cmdJump:
		if p.o.list != nil {
			p.moveInList(0, int(c.d), true)
		}
	case cmdRepeat:
		p.setListRepeat(RepeatMode(c.v))
	case cmdShuffle:
		p.setListShuffle(c.v != 0)
	case cmdCredentials:
		p.cfg.Transport.Credentials = c.cred
	case cmdRecord:
		p.startRecording(c.url)
	case cmdStopRecord:
		p.endRecording(nil)
	case cmdSelect:
		p.o.userSel = c.ids
		if p.o.pb != nil {
			p.o.pb.setUserSel(c.ids)
			p.reselect()
		}
	}
}

// open starts dialing url, replacing the current presentation (and
// playlist). A metafile (by its extension, or because the transport met
// one in place of media) is loaded and its entries played in turn.
func (p *Player) open(url string, opts OpenOptions) {
	p.teardown(false)
	p.o.list = nil
	p.o.openedList = nil
	p.updateStatus(func(st *Status) { st.Playlist = nil })
	p.o.url = url
	p.resetForOpen(opts)
	ctx, cancel := context.WithCancel(context.Background())
	p.o.dialCancel = cancel
	gen := p.o.gen
	reg, cfg := p.cfg.Transports, p.cfg.Transport // a copy: the dial goroutine owns it
	tap := p.rec.newTap()
	cfg.Tap = tap
	go func() {
		var m any
		if isMetafileURL(url) {
			pl, err := p.loadPlaylist(ctx, url)
			m = playlistResult{gen: gen, pl: pl, hops: 1, err: err}
		} else {
			s, err := reg.Dial(ctx, url, urlCredentials(cfg, url))
			m = dialResult{gen: gen, sess: s, err: err, tap: tap}
			var me *transport.MetafileError
			if errors.As(err, &me) {
				pl, err := p.parseMetafile(ctx, me)
				m = playlistResult{gen: gen, pl: pl, hops: 1, err: err}
			}
		}
		select {
		case p.inbox <- m:
		case <-p.done:
			if d, ok := m.(dialResult); ok && d.sess != nil {
				d.sess.Close()
			}
		}
	}()
}

// openList plays pl, made by OpenList, from its first entry, replacing
// the current presentation (and playlist).
func (p *Player) openList(pl *playlist.Playlist) {
	p.teardown(false)
	p.o.list = nil
	p.updateStatus(func(st *Status) { st.Playlist = nil })
	p.o.url = pl.Title // for messages; Play again replays openedList
	p.o.openedList = pl
	p.resetForOpen(OpenOptions{})
	p.onPlaylist(playlistResult{gen: p.o.gen, pl: pl})
}

// resetForOpen clears the facts of the presentation that was playing and
// shows Opening, for a new URL or playlist entry.
func (p *Player) resetForOpen(opts OpenOptions) {
	p.o.opts = opts
	p.o.paused = opts.Paused
	if opts.Paused {
		p.cfg.Sink.Pause()
	} else {
		p.cfg.Sink.Resume()
	}
	p.o.playAt = p.now()
	p.o.ttfa, p.o.ttff = 0, 0
	p.o.rebuffers = 0
	p.o.rendered, p.o.lastPos, p.o.rebufferTime, p.o.bufferingSince = 0, 0, 0, time.Time{}
	p.o.lastBytes, p.o.bitrate = 0, 0
	p.updateStatus(func(st *Status) {
		st.Media = nil
		st.Position, st.Duration, st.Buffering = 0, 0, 0
		st.Stats = Stats{}
	})
	p.setState(Opening)
}

// teardown ends the current playback and dial, and a playlist entry
// opened ahead. The session is closed in the background (closing may send
// a play log over the network).
func (p *Player) teardown(final bool) {
	if l := p.o.list; l != nil {
		l.dropPrefetch(p)
	}
	p.teardownPlayback()
	if !final {
		return
	}
	// Drain dial results that raced with the quit so their sessions close.
	for {
		select {
		case m := <-p.inbox:
			switch d := m.(type) {
			case dialResult:
				if d.sess != nil {
					d.sess.Close()
				}
			case prefetched:
				if d.res.sess != nil {
					d.res.sess.Close()
				}
			}
		default:
			return
		}
	}
}

// teardownPlayback ends the current playback and dial.
func (p *Player) teardownPlayback() {
	p.o.gen++
	if p.o.dialCancel != nil {
		p.o.dialCancel()
		p.o.dialCancel = nil
	}
	if pb := p.o.pb; pb != nil {
		p.report()
		p.rememberPosition(pb)
		p.o.pb = nil
		pb.stopSegment()
		pb.closeDecoders()
		p.cfg.Sink.Flush()
		p.closers.Add(1)
		go func() {
			defer p.closers.Done()
			pb.waitControl()
			if err := pb.sess.Close(); err != nil {
				p.log.Warn("closing session", "err", err)
			}
			// Closing may send a play log: keep the session's last
			// counters for Status after Close.
			ts := pb.sess.Stats()
			p.updateStatus(func(st *Status) {
				if st.Media != nil && st.Media.URL == pb.info.URL {
					st.Stats.Stats = ts
				}
			})
		}()
	}
}

// onDial builds the playback for a freshly opened session.
func (p *Player) onDial(m dialResult) {
	if m.gen != p.o.gen {
		if m.sess != nil {
			p.closers.Add(1)
			go func() { defer p.closers.Done(); m.sess.Close() }()
		}
		return
	}
	p.o.dialCancel = nil
	if m.err != nil {
		if p.o.list != nil {
			p.entryFailed(m.err)
			return
		}
		p.fail(fmt.Errorf("opening %s: %w", playlist.Redact(p.o.url), m.err))
		return
	}
	if l := p.o.list; l != nil {
		l.failed, l.opened = 0, true
	}
	p.playing(m.tap)
	pb := newPlayback(p, m.sess, p.o.gen)
	pb.entry = m.entry
	pb.paused.Store(p.o.paused)
	pb.setUserSel(p.o.userSel)
	p.o.pb = pb
	ts, err := pb.plan(m.sess.Info(), p.o.userSel)
	if err != nil {
		p.fail(err)
		return
	}
	if s := p.o.speed; s != 0 && s != 1 && !pb.info.Broadcast {
		pb.setSpeed(s)
	}
	if cut, err := pb.selectNow(ts.selected); err != nil {
		ts.close()
		if !cut {
			p.fail(fmt.Errorf("selecting streams %v: %w", ts.selected, err))
		}
		return
	}
	pb.adopt(ts)
	for _, w := range ts.warnings {
		p.warn(w)
	}
	p.publishMedia()
	resumed := false
	if at, ok := p.resumeAt(pb); ok {
		p.o.opts.Start, resumed = at, true
	}
	if p.o.opts.Start > 0 && !pb.info.Seekable {
		p.warn(fmt.Errorf("cannot start at %v: %w", p.o.opts.Start, transport.ErrNotSeekable))
		p.o.opts.Start = 0
	}
	if d := pb.info.Duration; p.o.opts.Start > 0 && d > 0 && p.o.opts.Start >= d && !pb.info.Broadcast {
		if p.o.list != nil {
			// An entry's STARTTIME (or a resume) past its end: the next.
			p.entryFailed(fmt.Errorf("cannot start at %v: %w (%s lasts %v)", p.o.opts.Start, ErrPastEnd, playlist.Redact(pb.info.URL), d))
			return
		}
		p.fail(fmt.Errorf("cannot start at %v: %w (%s lasts %v)", p.o.opts.Start, ErrPastEnd, playlist.Redact(pb.info.URL), d))
		return
	}
	if resumed {
		p.updateStatus(func(st *Status) { st.Position = p.o.opts.Start })
		p.publish(Resumed, nil)
	}
	if p.o.paused {
		pb.pausedAt = p.o.opts.Start
		p.updateStatus(func(st *Status) { st.Position = pb.pausedAt })
		p.setState(Paused)
		return
	}
	p.startSegment(p.o.opts.Start)
}

// resumable reports whether pb's presentation has a position worth
// remembering: a single URL (not a playlist's entry) that can seek and is
// not a broadcast.
func (p *Player) resumable(pb *playback) bool {
	return p.cfg.Resume != nil && p.o.list == nil && p.o.url != "" &&
		pb.info.Seekable && !pb.info.Broadcast && pb.info.Duration > 2*resumeMargin
}

// resumeAt is where pb's presentation was left, when it should start
// there: no start was asked for, and it was left away from both ends.
func (p *Player) resumeAt(pb *playback) (time.Duration, bool) {
	if !p.resumable(pb) || p.o.opts.Start != 0 {
		return 0, false
	}
	at, ok := p.cfg.Resume.Position(p.o.url)
	if !ok || at < resumeMargin || at > pb.info.Duration-resumeMargin {
		return 0, false
	}
	return at, true
}

// rememberPosition records where pb's presentation is being left (or
// forgets it when it was played to the end, or left near an end).
func (p *Player) rememberPosition(pb *playback) {
	if !p.resumable(pb) {
		return
	}
	at := pb.position()
	if p.o.paused {
		at = pb.pausedAt
	}
	if p.o.state == Ended || p.o.state == Failed || at < resumeMargin || at > pb.info.Duration-resumeMargin {
		at = 0
	}
	p.cfg.Resume.SetPosition(p.o.url, at)
}

// startSegment (re)starts delivery at from: a start, a seek or a restart
// after a stream switch.
func (p *Player) startSegment(from time.Duration) {
	pb := p.o.pb
	pb.stopSegment()
	p.cfg.Sink.Flush()
	pb.resetDecoders()
	p.o.playAt = p.now()
	p.o.lastPos = from
	p.updateStatus(func(st *Status) { st.Position = from; st.Buffering = 0 })
	p.setState(Buffering)
	p.o.scriptNext = scriptIndex(pb.info.Scripts, from)
	p.showCaption("", 0, 0)
	pb.startSegment(from, p.o.opts.Duration, false)
	p.publish(PositionChanged, nil)
}

// preview shows the picture at from while paused (a seek while paused):
// a segment that decodes up to the first picture at from, shows it and
// stops (msgPreviewShown); the audio stays where it is until Play.
func (p *Player) preview(from time.Duration) {
	pb := p.o.pb
	pb.stopSegment()
	pb.resetDecoders()
	pb.startSegment(from, p.o.opts.Duration, true)
}

// setRate starts fast forward or rewind at the current position, or back
// to normal speed.
func (p *Player) setRate(r float64) {
	pb := p.o.pb
	if pb == nil || r == pb.rateOrOne() {
		return
	}
	if r != 1 && !pb.canRate() {
		p.warn(fmt.Errorf("fast forward and rewind: %w", ErrRateUnsupported))
		return
	}
	pos := pb.position()
	if p.o.state == Ended && r < 0 && pb.info.Duration > 0 {
		pos = pb.info.Duration
	}
	pb.rate = r
	p.updateStatus(func(st *Status) { st.Rate = r })
	if p.o.paused {
		p.o.paused = false
		p.cfg.Sink.Resume()
	}
	p.startSegment(pos)
}

// pause pauses playback (Pause).
func (p *Player) pause() {
	if p.o.pb != nil && !p.o.paused && (p.o.state == Playing || p.o.state == Buffering) {
		p.o.paused = true
		p.cfg.Sink.Pause()
		p.pauseSession()
		p.setState(Paused)
	}
}

// stepFrame shows the next picture (StepFrame): playing, it pauses
// first; paused, a preview segment decodes from the key frame before the
// picture on screen to the one after it and shows that.
func (p *Player) stepFrame() {
	pb := p.o.pb
	if pb == nil || pb.cur == nil || pb.cur.video == nil || pb.rateOrOne() != 1 {
		return
	}
	if !p.o.paused {
		p.pause()
		return
	}
	if !pb.info.Seekable || pb.info.Broadcast {
		p.warn(fmt.Errorf("frame step: %w", transport.ErrNotSeekable))
		return
	}
	from := max(pb.pausedAt, 0)
	if at := time.Duration(pb.shown.Load()); at >= 0 {
		from = at + 1
	}
	if d := pb.info.Duration; d > 0 && from >= d {
		return // the last picture is on screen
	}
	pb.stepNext = true
	pb.stopSegment()
	pb.resetDecoders()
	pb.startSegment(from, p.o.opts.Duration, true)
	pb.stepNext = false
}

// setSpeed sets the speed of normal playback (SetSpeed).
func (p *Player) setSpeed(s float64) {
	if s == p.o.speed || s == 1 && p.o.speed == 0 {
		return
	}
	if pb := p.o.pb; pb != nil && pb.info.Broadcast && s != 1 {
		p.warn(fmt.Errorf("playback speed: %w", ErrSpeedUnsupported))
		return
	}
	p.o.speed = s
	if pb := p.o.pb; pb != nil {
		pb.setSpeed(s)
	}
	p.updateStatus(func(st *Status) { st.Speed = s })
}

// skipEntry moves to the next or previous entry of a server-side playlist.
func (p *Player) skipEntry(offset int) {
	pb := p.o.pb
	if pb == nil {
		return
	}
	nav, ok := pb.sess.(transport.PlaylistNavigator)
	switch {
	case !ok || !pb.canSkip(1) && !pb.canSkip(-1):
		p.warn(ErrNoPlaylist)
		return
	case !pb.canSkip(offset):
		// Info.Caps: not in this direction from this entry.
		p.warn(ErrSkipUnsupported)
		return
	}
	if seg := pb.seg; seg != nil {
		seg.skipping.Store(true)
		// What the sink holds belongs to the entry being left; a write
		// waiting for room returns.
		p.cfg.Sink.Flush()
	}
	gen, segID := pb.gen, pb.segID
	timeout := p.cfg.Transport.TimeoutOrDefault()
	p.closers.Add(1)
	go func() {
		defer p.closers.Done()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := nav.Skip(ctx, offset); err != nil {
			select {
			case p.inbox <- pbMsg{gen: gen, seg: segID, kind: msgSkipFailed, err: fmt.Errorf("skipping to the %s entry: %w", map[bool]string{true: "next", false: "previous"}[offset > 0], err)}:
			case <-p.done:
			}
		}
	}()
}

// pauseSession stops delivery where the listener is and tells the session,
// so a network stream releases the server (MS-WMSP keeps the session alive
// with KeepAlive requests meanwhile); Play restarts at that position.
func (p *Player) pauseSession() {
	pb := p.o.pb
	pos := pb.position()
	p.report()
	pb.stopSegment()
	pb.seg = nil
	pb.pausedAt = pos
	// What was read ahead went with the segment: said now, with the
	// Paused state, not by the next statistics a second later.
	p.updateStatus(func(st *Status) { st.Position = pos; st.Buffering = 0; st.Stats.BufferLevel = 0 })
	pb.control(func(ctx context.Context, s transport.Session) error { return s.Pause(ctx) })
}

// report gives the session the player-side facts of its play logs.
func (p *Player) report() {
	pb := p.o.pb
	if pb == nil {
		return
	}
	r, ok := pb.sess.(transport.PlaybackReporter)
	if !ok {
		return
	}
	rt := p.o.rebufferTime
	if !p.o.bufferingSince.IsZero() {
		rt += p.now().Sub(p.o.bufferingSince)
	}
	f := transport.PlaybackFacts{
		Rendered:      p.o.rendered,
		Rebuffers:     p.o.rebuffers,
		RebufferTime:  rt,
		PlayerVersion: p.cfg.PlayerVersion,
		Language:      p.cfg.Language,
	}
	if l, e := p.o.list, pb.entry; l != nil && e != nil {
		entryLogFacts(&f, l.pl, e)
	}
	if p.o.state == Playing && pb.rateOrOne() == 1 {
		f.Clock, f.ClockAt = pb.position(), p.now()
	}
	f.Buffered = pb.bufferLevel()
	r.ReportPlayback(f)
}

// reselect applies a new stream choice during playback.
func (p *Player) reselect() {
	pb := p.o.pb
	ts, err := pb.plan(pb.info, p.o.userSel)
	if err != nil {
		var se *SelectionError
		if errors.As(err, &se) || errors.Is(err, ErrNothingToPlay) {
			// Keep playing what plays; tell the user why not.
			p.warn(err)
			return
		}
		p.fail(err)
		return
	}
	for _, w := range ts.warnings {
		p.warn(w)
	}
	if pb.info.Seekable && !pb.info.Broadcast {
		// Restart where the listener is: nothing replays from zero.
		pos := pb.position()
		pb.stopSegment()
		if cut, err := pb.selectNow(ts.selected); err != nil {
			ts.close()
			if cut {
				return // the command queued (Stop, Open) goes on
			}
			p.warn(fmt.Errorf("switching streams: %w", err))
			p.startSegment(pos)
			return
		}
		pb.cur.close()
		pb.adopt(ts)
		p.publishMedia()
		p.startSegment(pos)
		return
	}
	if !pb.info.Caps.SwitchStreams {
		// A source that can neither seek back to the position reached
		// nor switch in the running stream.
		ts.close()
		p.warn(fmt.Errorf("switching streams: %w", ErrSwitchUnsupported))
		return
	}
	// Live: the reader switches inside the running session.
	pb.requestSelect(ts)
	pb.cur = ts
	p.publishMedia()
}

func (p *Player) publishMedia() {
	pb := p.o.pb
	m := pb.media()
	p.updateStatus(func(st *Status) {
		st.Media = m
		st.Duration = m.Duration
	})
	p.publish(MediaChanged, nil)
}

// onPlayback handles reports from the playback goroutines.
func (p *Player) onPlayback(m pbMsg) {
	pb := p.o.pb
	if pb == nil || m.gen != p.o.gen || m.seg != pb.segID {
		return
	}
	switch m.kind {
	case msgBuffering:
		p.updateStatus(func(st *Status) { st.Buffering = m.value })
		p.publish(BufferingChanged, nil)
	case msgStarted, msgResumed:
		if !p.o.bufferingSince.IsZero() {
			p.o.rebufferTime += p.now().Sub(p.o.bufferingSince)
			p.o.bufferingSince = time.Time{}
		}
		p.updateStatus(func(st *Status) { st.Buffering = 1 })
		if !p.o.paused {
			p.setState(Playing)
		} else {
			p.setState(Paused)
		}
	case msgFirstAudio:
		if p.o.ttfa == 0 {
			p.o.ttfa = m.at.Sub(p.o.playAt)
			p.log.Info("first audio", "after", p.o.ttfa)
		}
	case msgFirstFrame:
		if p.o.ttff == 0 {
			p.o.ttff = m.at.Sub(p.o.playAt)
			p.log.Info("first picture", "after", p.o.ttff)
		}
	case msgUnderrun:
		p.o.rebuffers++
		p.o.bufferingSince = p.now()
		p.log.Info("rebuffering", "count", p.o.rebuffers)
		if !p.o.paused {
			p.setState(Buffering)
		}
	case msgEnded:
		if pb.rate < 0 && !p.o.paused {
			// Rewinding reached the start (of the file, or of the playlist
			// entry: MS-WMSP 3.1.5.14's reverse $C ends it too): play on
			// from there at normal speed, as Windows Media Player does.
			p.log.Info("rewind reached the start; playing")
			pb.rate = 1
			p.updateStatus(func(st *Status) { st.Rate = 1 })
			p.startSegment(0)
			return
		}
		p.refreshStats()
		p.report()
		if pb.audioPlayed.Load() == 0 && pb.framesDecoded.Load() == 0 {
			p.fail(pb.nothingDecoded())
			return
		}
		if pb.rate != 1 && pb.rate != 0 {
			pb.rate = 1
			p.updateStatus(func(st *Status) { st.Rate = 1 })
		}
		// The end of the presentation is its duration, wherever the last
		// audio sample or picture ended (--duration stops elsewhere).
		end := pb.position()
		if m.value == 0 && pb.info.Duration > 0 && !pb.info.Broadcast {
			end = pb.info.Duration
		}
		p.updateStatus(func(st *Status) { st.Position = end })
		p.publish(PositionChanged, nil)
		p.publish(StatsChanged, nil)
		if p.advance() {
			return
		}
		p.setState(Ended)
	case msgFatal:
		p.fail(m.err)
	case msgPreviewShown:
		// The picture at the paused position is on screen: stop there,
		// and release a network source again as a pause does. A frame
		// step moved the position to the picture shown.
		if seg := pb.seg; seg != nil && seg.step {
			if at := time.Duration(pb.shown.Load()); at >= 0 {
				pb.pausedAt = at
				p.updateStatus(func(st *Status) { st.Position = at })
				p.publish(PositionChanged, nil)
			}
		}
		pb.stopSegment()
		pb.seg = nil
		pb.control(func(ctx context.Context, s transport.Session) error { return s.Pause(ctx) })
	case msgSkipFailed:
		if seg := pb.seg; seg != nil {
			seg.skipping.Store(false)
		}
		p.warn(m.err)
	case msgRateRefused:
		p.warn(m.err)
		pb.rate = 1
		p.updateStatus(func(st *Status) { st.Rate = 1 })
		p.startSegment(pb.position())
	case msgWarning:
		p.warn(m.err)
	case msgDelivered:
		// The next entry opens now when this one ends within the lead
		// or at an unknown time (a broadcast); else the tick opens it
		// when the end comes near, so that a server does not keep an
		// idle session (and drop it) for the length of this entry.
		if end := p.entryEnd(); end == 0 || end-pb.position() < prefetchLead {
			p.prefetchNext()
		}
	case msgScript:
		p.onScript(m.script)
	case msgCaption:
		p.showCaption(m.text, m.pts, m.dur)
	case msgMediaChanged:
		if m.ts != nil {
			// A new header (a server-side playlist's next entry, a looping
			// broadcast) or a live stream switch: new decoders from here.
			p.log.Info("playing a new set of streams mid-stream", "title", m.ts.info.Metadata.Title, "streams", m.ts.selected)
			pb.adopt(m.ts)
		} else if ts := pb.cur; ts != nil {
			ts.mu.Lock()
			var rates []int
			for _, t := range []*transport.Track{ts.audio, ts.video} {
				if t != nil {
					rates = append(rates, t.Bitrate)
				}
			}
			ts.mu.Unlock()
			p.log.Info("quality changed", "bitrates", rates)
		}
		p.publishMedia()
	}
}

// tick publishes position and, once a second, statistics.
func (p *Player) tick() {
	pb := p.o.pb
	if pb == nil {
		return
	}
	p.o.ticks++
	p.ticked.Add(1)
	if p.o.state == Playing || p.o.state == Buffering || p.o.state == Paused {
		pos := pb.position()
		if d := pos - p.o.lastPos; p.o.state == Playing && d > 0 && d < 2*time.Second {
			p.o.rendered += d
		}
		p.o.lastPos = pos
		changed := false
		p.updateStatus(func(st *Status) {
			if st.Position != pos {
				st.Position = pos
				changed = true
			}
		})
		if changed {
			p.publish(PositionChanged, nil)
		}
		if end := p.entryEnd(); end > 0 && p.o.state == Playing && end-pos < prefetchLead {
			p.prefetchNext()
		}
		if p.o.state == Playing {
			p.headerScripts(pos)
		}
		if pb.info.Broadcast && pb.info.SeekWindow > 0 {
			// A DVR window: the duration is the live edge, which grows.
			if edge := pb.sess.Info().LiveEdge; edge > 0 {
				p.updateStatus(func(st *Status) { st.Duration = edge })
			}
		}
		if p.o.captionEnd > 0 && pos >= p.o.captionEnd {
			p.showCaption("", 0, 0)
		}
	}
	if every := max(int(time.Second/p.cfg.Tick), 1); p.o.slowTick || p.o.ticks%every == 0 {
		p.refreshStats()
		p.refreshRecording()
		p.report()
		p.publish(StatsChanged, nil)
	}
}

// refreshStats merges transport, sink and playback counters into Status.
func (p *Player) refreshStats() {
	pb := p.o.pb
	if pb == nil {
		return
	}
	ts := pb.sess.Stats()
	now := p.now()
	if !p.o.lastBytesAt.IsZero() {
		if dt := now.Sub(p.o.lastBytesAt); dt > 0 {
			p.o.bitrate = (ts.BytesReceived - p.o.lastBytes) * 8 * int64(time.Second) / int64(dt)
		}
	}
	p.o.lastBytes, p.o.lastBytesAt = ts.BytesReceived, now
	st := Stats{
		Stats:            ts,
		Rebuffers:        p.o.rebuffers,
		TimeToFirstAudio: p.o.ttfa,
		TimeToFirstFrame: p.o.ttff,
		DecodeErrors:     int(pb.decodeErrors.Load()),
		FramesDecoded:    int(pb.framesDecoded.Load()),
		FramesDropped:    int(pb.framesDropped.Load()),
		AVSyncMax:        time.Duration(pb.avSyncMax.Load()),
		AudioPlayed:      time.Duration(pb.audioPlayed.Load()),
		BitrateBps:       pb.contentBitrate(),
		ReceiveBps:       p.o.bitrate,
		BufferLevel:      pb.bufferLevel(),
		QualitySwitches:  int(pb.qualitySwitches.Load()),
		QualitiesPlayed:  pb.qualitiesPlayed(),
	}
	p.updateStatus(func(s *Status) { s.Stats = st })
}

// dvrRange is where a live source with a DVR window can play from: the
// window behind its live edge (Info.SeekWindow, Info.LiveEdge); ok is
// false for a source without one.
func dvrRange(in transport.Info) (lo, hi time.Duration, ok bool) {
	if !in.Broadcast || in.SeekWindow <= 0 || in.LiveEdge <= 0 {
		return 0, 0, false
	}
	return max(in.LiveEdge-in.SeekWindow, 0), in.LiveEdge, true
}

// showCaption shows text from at until at+d (d 0: until the next one);
// "" clears it.
func (p *Player) showCaption(text string, at, d time.Duration) {
	p.o.captionEnd = 0
	if text != "" && d > 0 {
		p.o.captionEnd = at + d
	}
	changed := false
	p.updateStatus(func(st *Status) {
		if st.Caption != text {
			st.Caption, changed = text, true
		}
	})
	if changed {
		p.publish(CaptionChanged, nil)
	}
}
