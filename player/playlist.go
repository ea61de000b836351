package player

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/playlist"
)

// Playlist is the client-side playlist being played (an ASX metafile or
// a [Reference] redirector) as a window shows it. It is a snapshot: the
// player replaces it, never changes it.
type Playlist struct {
	// URL is the metafile's address, credentials removed.
	URL string
	// Title, Author, Copyright and Abstract are the show's metadata
	// (ASX TITLE, AUTHOR, COPYRIGHT, ABSTRACT).
	Title, Author, Copyright, Abstract string
	// MoreInfo is the show's MOREINFO URL; Banner its BANNER image URL
	// and BannerText the banner's ABSTRACT.
	MoreInfo, Banner, BannerText string
	// Entries are the show's entries in playing order, a REPEAT block
	// listed once.
	Entries []PlaylistEntry
	// Current is the index in Entries of the entry playing (or opening).
	Current int
	// Repeat is set when the whole playlist starts over after its last
	// entry (RepeatAll, or RepeatOne where FixedOrder).
	Repeat bool
	// Mode and Shuffle are the user's choices (SetPlaylistMode,
	// SetShuffle).
	Mode    RepeatMode
	Shuffle bool
	// FixedOrder is set when the show does not let the user choose the
	// order (an entry has CLIENTSKIP="NO"): it plays in its own order,
	// without shuffle, and RepeatOne repeats the whole show.
	FixedOrder bool
	// Order is the shuffled order of the entries (indexes in Entries)
	// while shuffled, nil otherwise; Entries[Order[i]] for i > the
	// current entry's place are still to play this round.
	Order []int
	// CanNext and CanPrev say whether Next and Previous (SkipEntry) can
	// move from the current entry.
	CanNext, CanPrev bool
	// Warnings say what the metafile's parser repaired or dropped.
	Warnings []string
}

// PlaylistEntry is one entry of a Playlist.
type PlaylistEntry struct {
	// Title, Author, Copyright and Abstract are the entry's metadata,
	// the show's where the entry sets none.
	Title, Author, Copyright, Abstract string
	// MoreInfo is the entry's MOREINFO URL; Banner its BANNER image URL.
	MoreInfo, Banner string
	// Refs are the entry's media URLs, tried in order (credentials
	// removed).
	Refs []string
	// Start and Duration are the ASX STARTTIME and DURATION; 0 when not
	// given.
	Start, Duration time.Duration
	// ClientSkip is false when the show does not let the user skip
	// forward past this entry (ASX CLIENTSKIP="NO").
	ClientSkip bool
	// Failed says why the entry did not open, "" when it did or was not
	// tried yet.
	Failed string
}

// Limits of client-side playlists.
const (
	// maxMetafileHops bounds how many metafiles one Open may go through
	// (a REF that answers with another playlist, a [Reference] naming an
	// ASX, …), so that a hostile server cannot keep Eddy fetching.
	maxMetafileHops = 5
	// prefetchLead is how long before an entry's end the next entry is
	// opened, when the end is known ahead (a DURATION, the media's
	// length); the end of delivery also starts it.
	prefetchLead = 5 * time.Second
)

// listState is the client-side playlist the owner plays.
type listState struct {
	pl   *playlist.Playlist
	cur  *playlist.Cursor
	view *Playlist
	hops int // metafiles followed to reach this one
	// free is set when the user may choose the order (orderFree):
	// shuffle and RepeatOne apply.
	free bool
	// order is the shuffled order of the entries (Flatten indexes), nil
	// when not shuffled; pos is the current entry's place in it.
	order []int
	pos   int
	// resumeAt is where the entry an EVENT interrupted resumes (ASX
	// WHENDONE="RESUME"); 0 for a broadcast (the live point).
	resumeAt time.Duration
	// resumed is set while the entry playing was resumed at resumeAt:
	// the script commands up to there (the one that interrupted it
	// included) are not run again.
	resumed bool
	opened  bool // an entry of this pass opened: a fully failed pass ends the show
	failed  int  // entries in a row that failed to open
	// next is the entry opened ahead of the current one's end.
	next *prefetch
}

// prefetch is the next entry, dialed while the current one ends.
type prefetch struct {
	resume bool // the entry an EVENT interrupted, resumed
	// move is where the show is once the entry plays.
	move   listMove
	cancel context.CancelFunc
	done   bool
	res    dialResult
	// waiting: the current entry ended before the dial finished; the
	// result goes straight to onDial.
	waiting bool
}

// playlistResult is sent to the owner when a metafile was fetched and
// parsed.
type playlistResult struct {
	gen  int
	pl   *playlist.Playlist
	hops int
	err  error
}

// isMetafileURL reports whether raw names a metafile by its extension
// (.asx, .wax, .wvx, .wmx): those are fetched and parsed rather than
// dialed. Other metafiles (a server answering a media URL with a
// playlist) are recognised by the transports (transport.MetafileError).
func isMetafileURL(raw string) bool {
	p := raw
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		switch strings.ToLower(u.Scheme) {
		case "http", "https", "file":
			p = u.Path
		default:
			return false
		}
	}
	return playlist.Sniff(path.Base(p), "", nil) != playlist.KindNone
}

// loadPlaylist fetches and parses the metafile at raw, with its ENTRYREFs
// spliced in.
func (p *Player) loadPlaylist(ctx context.Context, raw string) (*playlist.Playlist, error) {
	pl, err := playlist.Load(ctx, raw, playlist.LoadOptions{Fetch: p.cfg.PlaylistFetch})
	if err != nil {
		return nil, err
	}
	return pl, nil
}

// parseMetafile parses a metafile a transport met in place of media, and
// resolves its ENTRYREFs.
func (p *Player) parseMetafile(ctx context.Context, me *transport.MetafileError) (*playlist.Playlist, error) {
	base, err := url.Parse(me.URL)
	if err != nil {
		return nil, fmt.Errorf("playlist at %s: %w", playlist.Redact(me.URL), err)
	}
	pl, err := playlist.Parse(me.Body, base)
	if err != nil {
		return nil, err
	}
	if err := playlist.Resolve(ctx, pl, playlist.LoadOptions{Fetch: p.cfg.PlaylistFetch}); err != nil {
		return nil, err
	}
	return pl, nil
}

// onPlaylist starts playing a freshly loaded playlist at its first entry.
func (p *Player) onPlaylist(m playlistResult) {
	if m.gen != p.o.gen {
		return
	}
	p.o.dialCancel = nil
	if m.err != nil {
		p.fail(fmt.Errorf("opening %s: %w", playlist.Redact(p.o.url), m.err))
		return
	}
	cur := playlist.NewCursor(m.pl)
	if cur.Current().End {
		p.fail(fmt.Errorf("opening %s: %w", playlist.Redact(p.o.url), ErrEmptyPlaylist))
		return
	}
	l := &listState{pl: m.pl, cur: cur, hops: m.hops}
	l.view = buildView(m.pl, cur)
	l.free = orderFree(l.view.Entries)
	p.startShuffled(l)
	p.o.list = l
	for _, w := range m.pl.Warnings {
		p.log.Info("playlist", "url", playlist.Redact(p.o.url), "warning", w)
	}
	p.log.Info("playing a playlist", "url", playlist.Redact(p.o.url), "entries", len(l.view.Entries))
	p.publishPlaylist()
	p.openEntry()
}

// buildView makes the window's snapshot of pl.
func buildView(pl *playlist.Playlist, cur *playlist.Cursor) *Playlist {
	v := &Playlist{
		URL: playlist.Redact(pl.URL), Title: pl.Title, Author: pl.Author, Copyright: pl.Copyright,
		Abstract: pl.Abstract, MoreInfo: pl.MoreInfo, Warnings: pl.Warnings, Current: cur.Index(),
	}
	if pl.Banner != nil {
		v.Banner, v.BannerText = pl.Banner.Href, pl.Banner.Abstract
	}
	for _, e := range playlist.Flatten(pl) {
		pe := PlaylistEntry{
			Title: e.Title, Author: e.Author, Copyright: e.Copyright, Abstract: e.Abstract,
			MoreInfo: e.MoreInfo, ClientSkip: e.ClientSkip,
		}
		if e.Banner != nil {
			pe.Banner = e.Banner.Href
		}
		if e.HasStart {
			pe.Start = e.Start
		}
		if e.HasDuration {
			pe.Duration = e.Duration
		}
		for _, r := range e.Refs {
			pe.Refs = append(pe.Refs, playlist.Redact(r.URL))
		}
		v.Entries = append(v.Entries, pe)
	}
	return v
}

// publishPlaylist copies the playlist view into Status and tells the
// subscribers.
func (p *Player) publishPlaylist() {
	var v *Playlist
	if l := p.o.list; l != nil {
		c := *l.view
		c.Entries = append([]PlaylistEntry(nil), l.view.Entries...)
		c.Current = l.cur.Index()
		m := p.o.listMode
		c.Repeat, c.Mode, c.Shuffle, c.FixedOrder = l.wrapsAll(m), m.repeat, m.shuffle, !l.free
		c.Order = slices.Clone(l.order)
		c.CanNext, c.CanPrev = p.navigation(l)
		v = &c
	}
	p.updateStatus(func(st *Status) { st.Playlist = v })
	p.publish(PlaylistChanged, nil)
}

// options are the open options of entry e through REF r, resumed where
// an EVENT interrupted it when resume.
func (l *listState) options(e playlist.Entry, r playlist.Ref, resume bool, base OpenOptions) OpenOptions {
	o := entryOptions(e, r, base)
	l.resumed = resume
	if resume {
		if o.Duration > 0 {
			// DURATION counts from the entry's start, not the resume.
			o.Duration = max(o.Duration-max(l.resumeAt-o.Start, 0), time.Millisecond)
		}
		o.Start = l.resumeAt
	}
	return o
}

// entryOptions are the open options of entry e: the Start and Duration of
// its first REF that sets them, else the entry's.
func entryOptions(e playlist.Entry, r playlist.Ref, base OpenOptions) OpenOptions {
	o := OpenOptions{Paused: base.Paused, Streams: base.Streams}
	if e.HasStart {
		o.Start = clampPosition(e.Start)
	}
	if e.HasDuration {
		o.Duration = clampPosition(e.Duration)
	}
	if r.HasStart {
		o.Start = clampPosition(r.Start)
	}
	if r.HasDuration {
		o.Duration = clampPosition(r.Duration)
	}
	return o
}

// openEntry opens the cursor's current entry, replacing what plays.
func (p *Player) openEntry() { p.openStep(p.o.list.cur.Current()) }

// openStep opens the entry of a cursor step: from its start, or where
// an EVENT interrupted it (Step.Resume).
func (p *Player) openStep(st playlist.Step) {
	l := p.o.list
	if st.End {
		p.endList()
		return
	}
	e := st.Entry
	p.teardownPlayback()
	if l.next != nil {
		l.next.cancel()
		l.next = nil
	}
	p.resetForOpen(l.options(e, firstRef(e), st.Resume, p.o.opts))
	p.publishPlaylist()
	ctx, cancel := context.WithCancel(context.Background())
	p.o.dialCancel = cancel
	gen := p.o.gen
	resume := st.Resume
	reg, cfg := p.cfg.Transports, p.cfg.Transport // the owner's: read here, not in the goroutine
	go func() {
		res := p.dialEntry(ctx, reg, cfg, e, l.pl.URL)
		res.gen, res.resume = gen, resume
		select {
		case p.inbox <- res:
		case <-p.done:
			if res.sess != nil {
				res.sess.Close()
			}
		}
	}()
}

func firstRef(e playlist.Entry) playlist.Ref {
	if len(e.Refs) > 0 {
		return e.Refs[0]
	}
	return playlist.Ref{}
}

// dialEntry opens the first REF of e that opens (ASX REF failover): the
// others are not tried once one has opened.
func (p *Player) dialEntry(ctx context.Context, reg *transport.Registry, cfg transport.Config, e playlist.Entry, referer string) dialResult {
	var errs []error
	for _, r := range e.Refs {
		tap := p.rec.newTap()
		cfg.Tap = tap
		s, err := reg.Dial(ctx, r.URL, urlCredentials(cfg, r.URL))
		if err == nil {
			return dialResult{sess: s, entry: &e, ref: r, tap: tap}
		}
		var me *transport.MetafileError
		if errors.As(err, &me) {
			err = fmt.Errorf("%w (a playlist inside a playlist entry: use ENTRYREF)", ErrNestedPlaylist)
		}
		errs = append(errs, fmt.Errorf("%s: %w", playlist.Redact(r.URL), err))
		p.log.Info("playlist REF did not open", "ref", playlist.Redact(r.URL), "err", err)
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 0 {
		errs = append(errs, errors.New("the entry has no REF"))
	}
	return dialResult{err: errors.Join(errs...), entry: &e}
}

// entryFailed moves past an entry that did not open: the next entry
// plays, as Windows Media Player does; a pass where no entry opened ends
// the show with the error.
func (p *Player) entryFailed(err error) {
	l := p.o.list
	i := l.cur.Index()
	if i >= 0 && i < len(l.view.Entries) {
		l.view.Entries[i].Failed = err.Error()
	}
	l.failed++
	p.warn(fmt.Errorf("playlist entry %d: %w", i+1, err))
	if l.failed >= len(l.view.Entries) {
		p.publishPlaylist()
		p.fail(fmt.Errorf("opening %s: no entry of the playlist opened: %w", playlist.Redact(l.pl.URL), err))
		return
	}
	mv := p.following(true)
	if mv.st.End {
		if !l.opened {
			p.publishPlaylist()
			p.fail(fmt.Errorf("opening %s: no entry of the playlist opened: %w", playlist.Redact(l.pl.URL), err))
			return
		}
		p.endList()
		return
	}
	l.take(mv)
	p.openStep(mv.st)
}

// endList ends the show after its last entry.
func (p *Player) endList() {
	p.publishPlaylist()
	p.setState(Ended)
}

// advance is the end of an entry: the next one plays, opened ahead when
// it could be. It reports false when the show is over.
func (p *Player) advance() bool {
	l := p.o.list
	if l == nil {
		return false
	}
	nx := l.next
	l.next = nil
	if nx != nil && nx.done {
		l.take(nx.move)
		if nx.res.err != nil {
			p.entryFailed(nx.res.err)
			return true
		}
		p.teardownPlayback()
		p.resetForOpen(l.options(*nx.res.entry, nx.res.ref, nx.resume, p.o.opts))
		p.publishPlaylist()
		res := nx.res
		res.gen = p.o.gen
		p.onDial(res)
		return true
	}
	if nx != nil {
		// Still dialing: its result opens the entry.
		l.take(nx.move)
		p.teardownPlayback()
		p.resetForOpen(OpenOptions{Paused: p.o.opts.Paused, Streams: p.o.opts.Streams})
		p.publishPlaylist()
		nx.waiting = true
		l.next = nx
		p.o.dialCancel = nx.cancel
		return true
	}
	mv := p.following(false)
	if mv.st.End {
		return false
	}
	l.take(mv)
	p.openStep(mv.st)
	return true
}

// prefetchNext opens the entry after the current one while the current
// one plays out, so that it starts within its own preroll of the end.
func (p *Player) prefetchNext() {
	l := p.o.list
	if l == nil || l.next != nil || p.o.paused {
		return
	}
	mv := p.following(false)
	st := mv.st
	if st.End {
		return
	}
	e := st.Entry
	ctx, cancel := context.WithCancel(context.Background())
	nx := &prefetch{move: mv, cancel: cancel, resume: st.Resume}
	l.next = nx
	p.log.Debug("opening the next playlist entry ahead", "entry", mv.cur.Index()+1)
	reg, cfg := p.cfg.Transports, p.cfg.Transport
	go func() {
		res := p.dialEntry(ctx, reg, cfg, e, l.pl.URL)
		select {
		case p.inbox <- prefetched{nx: nx, res: res}:
		case <-p.done:
			if res.sess != nil {
				res.sess.Close()
			}
		}
	}()
}

// prefetched is a prefetch's dial result.
type prefetched struct {
	nx  *prefetch
	res dialResult
}

func (p *Player) onPrefetched(m prefetched) {
	l := p.o.list
	if l == nil || l.next != m.nx {
		if m.res.sess != nil {
			p.closeLater(m.res.sess)
		}
		return
	}
	m.nx.done, m.nx.res = true, m.res
	if !m.nx.waiting {
		return
	}
	l.next = nil
	p.o.dialCancel = nil
	if m.res.err != nil {
		p.entryFailed(m.res.err)
		return
	}
	p.o.opts = l.options(*m.res.entry, m.res.ref, m.nx.resume, p.o.opts)
	res := m.res
	res.gen = p.o.gen
	p.onDial(res)
}

// dropPrefetch cancels and closes an entry opened ahead.
func (l *listState) dropPrefetch(p *Player) {
	if nx := l.next; nx != nil {
		nx.cancel()
		if nx.done && nx.res.sess != nil {
			p.closeLater(nx.res.sess)
		}
		l.next = nil
	}
}

// closeLater closes a session in the background (Close may send a log).
func (p *Player) closeLater(s transport.Session) {
	p.closers.Add(1)
	go func() { defer p.closers.Done(); s.Close() }()
}

// moveInList jumps to another entry of the client-side playlist: offset
// ±1 from the current one (Next/Previous), or to index when jump, in the
// shuffled order while shuffled (userMove).
func (p *Player) moveInList(offset, index int, jump bool) {
	l := p.o.list
	mv, err := p.userMove(offset, index, jump)
	if err != nil {
		p.warn(err)
		return
	}
	l.dropPrefetch(p)
	l.take(mv)
	l.failed = 0
	p.openStep(mv.st)
}

// Sentinel errors of client-side playlists.
var (
	// ErrEmptyPlaylist: the metafile lists no entry that can be played.
	ErrEmptyPlaylist = errors.New("the playlist has no entry to play")
	// ErrNestedPlaylist: a REF answered with another metafile.
	ErrNestedPlaylist = errors.New("the REF is itself a playlist")
)

// entryEnd is where the entry playing ends in media time (its DURATION
// from its start, or the presentation's length), 0 when unknown (a
// broadcast without DURATION).
func (p *Player) entryEnd() time.Duration {
	pb := p.o.pb
	if p.o.list == nil || pb == nil {
		return 0
	}
	end := time.Duration(0)
	if !pb.info.Broadcast {
		end = pb.info.Duration
	}
	if d := p.o.opts.Duration; d > 0 {
		if lim := p.o.opts.Start + d; end == 0 || lim < end {
			end = lim
		}
	}
	return end
}

// entryLogFacts adds what the playlist says to the entry's play logs
// (MS-WMLOG): the metafile as cs(Referer), its LOGURLs (2.3), and the
// log fields its PARAMs set ("log:cs-media-name", "log:cs-media-role",
// MS-WMLOG 3.2).
func entryLogFacts(f *transport.PlaybackFacts, pl *playlist.Playlist, e *playlist.Entry) {
	f.Referer = pl.URL
	f.LogURLs = e.LogURLs
	for _, prm := range e.Params {
		switch strings.ToLower(prm.Name) {
		case "log:cs-media-name":
			f.MediaName = prm.Value
		case "log:cs-media-role":
			f.MediaRole = prm.Value
		}
	}
}

// ProbePlaylist loads the metafile at url (by its extension, or because
// its server answered with one) and describes its entries without
// playing them; a URL that is media, not a metafile, returns nil and no
// error. Each entry's first REF that opens is probed for its protocol
// and length (at most maxProbedEntries entries).
func ProbePlaylist(ctx context.Context, cfg Config, url string) (*Playlist, []*Media, error) {
	p := &Player{cfg: cfg}
	var pl *playlist.Playlist
	var err error
	if isMetafileURL(url) {
		pl, err = p.loadPlaylist(ctx, url)
	} else {
		s, derr := cfg.Transports.Dial(ctx, url, urlCredentials(cfg.Transport, url))
		if derr == nil {
			s.Close()
			return nil, nil, nil
		}
		var me *transport.MetafileError
		if !errors.As(derr, &me) {
			return nil, nil, nil // Probe says why it does not open
		}
		pl, err = p.parseMetafile(ctx, me)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("opening %s: %w", playlist.Redact(url), err)
	}
	cur := playlist.NewCursor(pl)
	v := buildView(pl, cur)
	media := make([]*Media, len(v.Entries))
	for i, e := range playlist.Flatten(pl) {
		if i >= maxProbedEntries {
			break
		}
		for _, r := range e.Refs {
			m, err := Probe(ctx, cfg, r.URL, nil)
			if m != nil {
				media[i] = m
				break
			}
			v.Entries[i].Failed = err.Error()
			if ctx.Err() != nil {
				return v, media, ctx.Err()
			}
		}
		if media[i] != nil {
			v.Entries[i].Failed = ""
		}
	}
	return v, media, nil
}

// maxProbedEntries bounds how many entries ProbePlaylist opens.
const maxProbedEntries = 64

// scriptIndex is the index of the first script command at or after from.
func scriptIndex(scripts []transport.ScriptCommand, from time.Duration) int {
	i, _ := slices.BinarySearchFunc(scripts, from, func(s transport.ScriptCommand, t time.Duration) int {
		return cmp.Compare(s.Time, t)
	})
	return i
}

// headerScripts runs the header's script commands that playback has
// reached at pos.
func (p *Player) headerScripts(pos time.Duration) {
	pb := p.o.pb
	for p.o.pb == pb && p.o.scriptNext < len(pb.info.Scripts) && pb.info.Scripts[p.o.scriptNext].Time <= pos {
		sc := pb.info.Scripts[p.o.scriptNext]
		p.o.scriptNext++
		p.onScript(sc)
	}
}

// onScript handles a script command that came due. An "event" plays the
// client-side playlist's EVENT of that name, interrupting the entry
// playing (ASX EVENT); other types (URL flips, captions, …) are logged
// and ignored: a stream never makes Eddy open a web page or run
// anything.
func (p *Player) onScript(sc transport.ScriptCommand) {
	l, pb := p.o.list, p.o.pb
	if !strings.EqualFold(strings.TrimSpace(sc.Type), "event") || l == nil || pb == nil {
		p.log.Debug("script command ignored", "type", sc.Type, "at", sc.Time)
		return
	}
	// The entry is interrupted at the command's own time (where it is
	// heard), which RESUME returns to.
	at := max(sc.Time, 0)
	if l.resumed && at <= l.resumeAt {
		return // heard before the EVENT it raised
	}
	c := l.cur.Clone()
	if _, ok := c.Event(sc.Command); !ok {
		p.log.Debug("script event without an ASX EVENT", "name", sc.Command)
		return
	}
	p.log.Info("playlist EVENT", "name", sc.Command, "interrupting entry", l.cur.Index()+1, "at", at)
	l.dropPrefetch(p)
	l.cur = c
	if pb.info.Seekable && !pb.info.Broadcast {
		l.resumeAt = at
	} else {
		l.resumeAt = 0 // a broadcast resumes at the live point
	}
	p.openEntry()
}
