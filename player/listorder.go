package player

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/eddyplayer/eddy/transport/playlist"
)

// RepeatMode is what a client-side playlist does when an entry ends
// (SetPlaylistMode).
type RepeatMode uint8

const (
	// RepeatOff: the next entry plays; the show ends after the last.
	RepeatOff RepeatMode = iota
	// RepeatAll: the show starts over after its last entry.
	RepeatAll
	// RepeatOne: the entry that ended plays again from its start;
	// Next and Previous still move. On a show that does not let the user
	// choose the order (an entry with CLIENTSKIP="NO") the whole show
	// repeats instead, in its own order.
	RepeatOne
)

func (m RepeatMode) String() string {
	switch m {
	case RepeatOff:
		return "off"
	case RepeatAll:
		return "all"
	case RepeatOne:
		return "one"
	}
	return fmt.Sprintf("RepeatMode(%d)", uint8(m))
}

// SetPlaylistMode sets what client-side playlists do when an entry ends:
// RepeatOff (the default), RepeatAll or RepeatOne. It applies to the list
// playing at once and stays for the lists opened later; an unknown mode
// is RepeatOff.
func (p *Player) SetPlaylistMode(m RepeatMode) {
	if m > RepeatOne {
		m = RepeatOff
	}
	p.enqueue(command{kind: cmdRepeat, v: float64(m)})
}

// SetShuffle plays client-side playlists in a random order (on) or in
// their own (off, the default). Shuffled, each entry plays once per round
// in an order drawn from Config.Rand; with RepeatAll each round has an
// order of its own. Switched on during playback the current entry stays
// current and the others follow in a random order; switched off the show
// goes on in its own order from the current entry. It applies where the
// user may choose the order: lists made by OpenList, and ASX playlists
// none of whose entries has CLIENTSKIP="NO" (Playlist.FixedOrder says
// when it does not apply). The choice stays for the lists opened later.
func (p *Player) SetShuffle(on bool) {
	v := 0.0
	if on {
		v = 1
	}
	p.enqueue(command{kind: cmdShuffle, v: v})
}

// listMode is the user's choice of order for client-side playlists.
type listMode struct {
	repeat  RepeatMode
	shuffle bool
	rng     *rand.Rand // from Config.Rand, made on first use
}

// random is the shuffle's random source (owner goroutine only).
func (p *Player) random() *rand.Rand {
	m := &p.o.listMode
	if m.rng == nil {
		src := p.cfg.Rand
		if src == nil {
			src = rand.NewPCG(rand.Uint64(), rand.Uint64())
		}
		m.rng = rand.New(src)
	}
	return m.rng
}

// orderFree reports whether the user may choose the order of a show's
// entries: every entry may be skipped (ASX CLIENTSKIP, which OpenList's
// entries all allow). Only then do shuffle and RepeatOne apply.
func orderFree(entries []PlaylistEntry) bool {
	for _, e := range entries {
		if !e.ClientSkip {
			return false
		}
	}
	return len(entries) > 0
}

// shuffleOrder is a random order of the n entries of a show: first (when
// ≥ 0) leads, as the entry playing when shuffle is switched on; else
// avoid (when ≥ 0, the entry a round ended with) does not lead, so no
// entry plays twice in a row across rounds.
func (p *Player) shuffleOrder(n, first, avoid int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	r := p.random()
	r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	switch {
	case first >= 0 && first < n:
		k := slices.Index(order, first)
		order[0], order[k] = order[k], order[0]
	case avoid >= 0 && n > 1 && order[0] == avoid:
		k := 1 + r.IntN(n-1)
		order[0], order[k] = order[k], order[0]
	}
	return order
}

// shuffled reports whether the show plays in a shuffled order.
func (l *listState) shuffled() bool { return l.order != nil }

// wrapsAll reports whether the show starts over after its last entry
// under mode m: RepeatAll, or RepeatOne where the order is not the
// user's to choose.
func (l *listState) wrapsAll(m listMode) bool {
	return m.repeat == RepeatAll || m.repeat == RepeatOne && !l.free
}

// listMove is where a move in a show lands: the cursor at the step to
// open, and the shuffle order and position that go with it.
type listMove struct {
	cur   *playlist.Cursor
	st    playlist.Step
	order []int
	pos   int
	// round is set when a new pass over the show starts (the entries
	// opened are counted afresh).
	round bool
}

// take makes mv the show's position.
func (l *listState) take(mv listMove) {
	l.cur, l.order, l.pos = mv.cur, mv.order, mv.pos
	if mv.round {
		l.opened = false
	}
}

// shuffleMove is the move to position pos of order, from a fresh cursor
// (every entry may be skipped to in a show that shuffles).
func (l *listState) shuffleMove(order []int, pos int) (listMove, error) {
	c := playlist.NewCursor(l.pl)
	st, err := c.Jump(order[pos])
	return listMove{cur: c, st: st, order: order, pos: pos}, err
}

// restart is the move to the start of a new pass over the show: its first
// entry, or a new shuffled round that does not begin with the entry the
// last one ended with.
func (p *Player) restart(l *listState) listMove {
	if l.shuffled() {
		last := l.order[min(max(l.pos, 0), len(l.order)-1)]
		mv, err := l.shuffleMove(p.shuffleOrder(len(l.order), -1, last), 0)
		if err == nil {
			mv.round = true
			return mv
		}
	}
	c := playlist.NewCursor(l.pl)
	return listMove{cur: c, st: c.Current(), round: true}
}

// following is where the show goes when the current entry ends: the
// entry after it in the show's order or the shuffled one, the same entry
// again (RepeatOne, unless it failed to open: a failing entry is not
// tried forever), a new pass (RepeatAll, once an entry of this pass has
// opened), or the end (st.End). An EVENT's entries play in their order;
// when the EVENT ends its WHENDONE applies, with NEXT (and BREAK) meaning
// the shuffled order's next entry while shuffled.
func (p *Player) following(failed bool) listMove {
	l, m := p.o.list, p.o.listMode
	mv := listMove{cur: l.cur.Clone(), order: l.order, pos: l.pos}
	switch {
	case mv.cur.Current().Event != "":
		mv.st = mv.cur.Next()
		if mv.st.Event != "" || mv.st.Resume {
			return mv
		}
		if !l.shuffled() {
			if mv.st.End && l.wrapsAll(m) && l.opened {
				return p.restart(l)
			}
			return mv
		}
	case m.repeat == RepeatOne && l.free && !failed:
		mv.st = mv.cur.Current()
		return mv
	case !l.shuffled():
		mv.st = mv.cur.Next()
		if mv.st.End && l.wrapsAll(m) && l.opened {
			return p.restart(l)
		}
		return mv
	}
	if mv.pos+1 >= len(mv.order) {
		if l.wrapsAll(m) && l.opened {
			return p.restart(l)
		}
		return listMove{cur: mv.cur, st: playlist.Step{Index: -1, End: true}, order: mv.order, pos: mv.pos}
	}
	next, err := l.shuffleMove(mv.order, mv.pos+1)
	if err != nil {
		// Cannot happen in a show whose entries may all be skipped to;
		// the show's own order goes on.
		mv.st = mv.cur.Next()
		return mv
	}
	return next
}

// userMove is the user's Next (offset 1), Previous (-1) or choice of
// entry index (jump). Next honours CLIENTSKIP; after the last entry it
// starts over with RepeatAll. Shuffled, Next and Previous follow the
// shuffled order, and a chosen entry plays now, the entries not played
// yet this round after it.
func (p *Player) userMove(offset, index int, jump bool) (listMove, error) {
	l, m := p.o.list, p.o.listMode
	c := l.cur.Clone()
	inEvent := c.Current().Event != ""
	if !l.shuffled() || inEvent && !jump {
		var st playlist.Step
		var err error
		switch {
		case jump:
			st, err = c.Jump(index)
		case offset > 0:
			st, err = c.Skip()
			if err == nil && st.End && m.repeat == RepeatAll && !inEvent {
				return p.restart(l), nil
			}
		default:
			st, err = c.Prev()
		}
		if err == nil && st.End {
			err = playlist.ErrNoEntry
		}
		return listMove{cur: c, st: st, order: l.order, pos: l.pos}, err
	}
	switch {
	case jump:
		if index < 0 || index >= len(l.order) {
			return listMove{}, playlist.ErrNoEntry
		}
		if inEvent && !c.CanSkip() {
			return listMove{}, playlist.ErrSkipNotAllowed
		}
		order, pos := slices.Clone(l.order), l.pos
		k := slices.Index(order, index)
		if k < 0 {
			return listMove{}, playlist.ErrNoEntry
		}
		order = slices.Delete(order, k, k+1)
		if k <= pos {
			pos--
		}
		pos++
		order = slices.Insert(order, pos, index)
		return l.shuffleMove(order, pos)
	case offset > 0:
		if !c.CanSkip() {
			return listMove{}, playlist.ErrSkipNotAllowed
		}
		if l.pos+1 < len(l.order) {
			return l.shuffleMove(l.order, l.pos+1)
		}
		if m.repeat == RepeatAll {
			return p.restart(l), nil
		}
		return listMove{}, playlist.ErrNoEntry
	default:
		if l.pos <= 0 {
			return listMove{}, playlist.ErrNoEntry
		}
		return l.shuffleMove(l.order, l.pos-1)
	}
}

// setListRepeat applies SetPlaylistMode.
func (p *Player) setListRepeat(m RepeatMode) {
	if m == p.o.listMode.repeat {
		return
	}
	p.o.listMode.repeat = m
	if l := p.o.list; l != nil {
		// The entry opened ahead may no longer be the next.
		l.dropPrefetch(p)
		p.publishPlaylist()
	}
}

// setListShuffle applies SetShuffle.
func (p *Player) setListShuffle(on bool) {
	if on == p.o.listMode.shuffle {
		return
	}
	p.o.listMode.shuffle = on
	l := p.o.list
	if l == nil {
		return
	}
	switch {
	case on && l.free:
		l.order, l.pos = p.shuffleOrder(len(l.view.Entries), l.cur.Index(), -1), 0
	case !on:
		l.order, l.pos = nil, 0
	}
	l.dropPrefetch(p)
	p.publishPlaylist()
}

// startShuffled begins a show shuffled when the user chose so: its first
// entry is the first of a random order.
func (p *Player) startShuffled(l *listState) {
	if !p.o.listMode.shuffle || !l.free {
		return
	}
	mv, err := l.shuffleMove(p.shuffleOrder(len(l.view.Entries), -1, -1), 0)
	if err == nil {
		l.take(mv)
	}
}

// navigation says whether Next and Previous can move from the current
// entry (Playlist.CanNext, CanPrev), as userMove would, drawing no
// random numbers.
func (p *Player) navigation(l *listState) (next, prev bool) {
	c := l.cur.Clone()
	inEvent := c.Current().Event != ""
	if l.shuffled() && !inEvent {
		next = c.CanSkip() && (l.pos+1 < len(l.order) || p.o.listMode.repeat == RepeatAll)
		return next, l.pos > 0
	}
	if st, err := c.Skip(); err == nil && (!st.End || p.o.listMode.repeat == RepeatAll && !inEvent) {
		next = true
	}
	c = l.cur.Clone()
	if st, err := c.Prev(); err == nil && !st.End {
		prev = true
	}
	return next, prev
}
