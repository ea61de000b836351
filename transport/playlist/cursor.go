package playlist

import (
	"math"
	"strings"
)

// seq is a show compiled for walking: its entries in file order (each
// REPEAT block once, ENTRYREFs not yet resolved left out) with the show's
// metadata filled in (Playlist.Effective), and its REPEAT blocks as index
// ranges, in pre-order (a block before the blocks inside it).
type seq struct {
	entries []Entry
	blocks  []block
}

// block is a REPEAT: entries [lo, hi) played plays times (-1: forever).
type block struct{ lo, hi, plays int }

func compile(pl *Playlist, items []Item) seq {
	var s seq
	var walk func(items []Item)
	walk = func(items []Item) {
		for _, it := range items {
			switch it := it.(type) {
			case *Entry:
				s.entries = append(s.entries, pl.Effective(it))
			case *Repeat:
				k := len(s.blocks)
				s.blocks = append(s.blocks, block{lo: len(s.entries), plays: it.Plays()})
				walk(it.Items)
				s.blocks[k].hi = len(s.entries)
			}
		}
	}
	walk(items)
	// A block that holds no entry never plays (and an endless one must
	// not spin).
	kept := s.blocks[:0]
	for _, b := range s.blocks {
		if b.hi > b.lo {
			kept = append(kept, b)
		}
	}
	s.blocks = kept
	return s
}

// Flatten lists the show's entries once, in order, for a playlist panel:
// each REPEAT block's entries once, EVENT entries and unresolved ENTRYREFs
// left out, the show's metadata filled in (Playlist.Effective). Index i
// here is the Cursor's Index and Jump(i).
func Flatten(pl *Playlist) []Entry { return compile(pl, pl.Items).entries }

// walker is a position in a seq: an entry index (len(entries) once
// ended) and, per REPEAT block, the pass being played (0-based). Moving
// never allocates, however many passes an endless block makes.
type walker struct {
	s    seq
	i    int
	iter []int
}

func newWalker(s seq) walker { return walker{s: s, iter: make([]int, len(s.blocks))} }

func (b block) holds(i int) bool { return b.lo <= i && i < b.hi }

// last is the pass a block is on when entered from its end.
func (b block) last() int { return max(b.plays-1, 0) }

func (w *walker) ended() bool { return w.i >= len(w.s.entries) }

// next moves to the entry played after the current one, honouring the
// REPEAT blocks with index below limit (all: len(blocks)); false at the
// end.
func (w *walker) next(limit int) bool {
	if w.ended() {
		return false
	}
	for k := limit - 1; k >= 0; k-- {
		b := w.s.blocks[k]
		if !b.holds(w.i) {
			continue
		}
		if b.hi != w.i+1 {
			break // this block goes on, and so do the ones around it
		}
		if b.plays < 0 || w.iter[k]+1 < b.plays {
			if w.iter[k] < math.MaxInt32 {
				w.iter[k]++
			}
			w.resetInside(k)
			w.i = b.lo
			return true
		}
		w.iter[k] = 0 // leaving the block
	}
	w.i++
	return !w.ended()
}

// resetInside starts the blocks inside block k afresh.
func (w *walker) resetInside(k int) {
	b := w.s.blocks[k]
	for j := k + 1; j < len(w.s.blocks) && w.s.blocks[j].lo < b.hi; j++ {
		w.iter[j] = 0
	}
}

// prev moves to the entry played before the current one; false (not
// moving) at the first.
func (w *walker) prev() bool {
	if len(w.s.entries) == 0 {
		return false
	}
	if w.ended() {
		w.enter(len(w.s.entries) - 1)
		return true
	}
	for k := len(w.s.blocks) - 1; k >= 0; k-- {
		b := w.s.blocks[k]
		if !b.holds(w.i) {
			continue
		}
		if b.lo != w.i {
			break
		}
		if w.iter[k] > 0 {
			// Back to the end of the previous pass.
			w.iter[k]--
			w.i = b.hi - 1
			for j := k + 1; j < len(w.s.blocks) && w.s.blocks[j].lo < b.hi; j++ {
				if w.s.blocks[j].holds(w.i) {
					w.iter[j] = w.s.blocks[j].last()
				} else {
					w.iter[j] = 0
				}
			}
			return true
		}
	}
	if w.i == 0 {
		return false
	}
	w.enter(w.i - 1)
	return true
}

// enter moves backwards to entry i: blocks entered from their end are on
// their last pass.
func (w *walker) enter(i int) {
	for k, b := range w.s.blocks {
		switch {
		case b.holds(i) && !b.holds(w.i):
			w.iter[k] = b.last()
		case !b.holds(i):
			w.iter[k] = 0
		}
	}
	w.i = i
}

// jump moves to entry i: blocks holding both the current entry and i keep
// their pass, the others start afresh.
func (w *walker) jump(i int) {
	for k, b := range w.s.blocks {
		if !b.holds(i) || !b.holds(w.i) {
			w.iter[k] = 0
		}
	}
	w.i = i
}

// breakOut leaves the innermost REPEAT block holding the current entry
// (WHENDONE=BREAK) and moves to what follows it; with no block, the show
// ends.
func (w *walker) breakOut() {
	if w.ended() {
		return
	}
	for k := len(w.s.blocks) - 1; k >= 0; k-- {
		b := w.s.blocks[k]
		if !b.holds(w.i) {
			continue
		}
		w.iter[k] = 0
		w.resetInside(k)
		w.i = b.hi - 1
		w.next(k) // the blocks around it loop as usual
		return
	}
	w.i = len(w.s.entries)
}

// Step is where a Cursor move landed: what the player opens next.
type Step struct {
	// Entry is the entry to play, with the show's metadata filled in;
	// zero when End. Its slices are shared with the cursor: do not
	// modify them.
	Entry Entry
	// Index is the entry's index in Flatten; during an EVENT, the index
	// of the interrupted entry. -1 when End.
	Index int
	// Event is the name of the EVENT whose entries are playing ("" when
	// none); EventIndex the entry's index within that EVENT.
	Event      string
	EventIndex int
	// Resume is set when an EVENT with WHENDONE=RESUME has ended: Entry
	// is the interrupted one; continue it where it was interrupted
	// (stored content: the position the player kept) or at the live
	// point (a broadcast), rather than from its start.
	Resume bool
	// End is set when the show is over.
	End bool
}

// Cursor is the player's position in a show (not safe for concurrent use;
// the player's owner goroutine holds it). Next is the natural advance
// when an entry ends; Skip, Prev and Jump are the user's moves and
// honour CLIENTSKIP; Event plays an EVENT's entries when the stream
// raises it.
type Cursor struct {
	pl   *Playlist
	main walker
	ev   *eventRun
}

type eventRun struct {
	ev *Event
	w  walker
}

// NewCursor starts a cursor at the show's first entry.
func NewCursor(pl *Playlist) *Cursor {
	return &Cursor{pl: pl, main: newWalker(compile(pl, pl.Items))}
}

// Len is the number of entries in Flatten.
func (c *Cursor) Len() int { return len(c.main.s.entries) }

// Index is the current entry's index in Flatten (during an EVENT, the
// interrupted entry's), -1 when the show is over.
func (c *Cursor) Index() int {
	if c.main.ended() {
		return -1
	}
	return c.main.i
}

// Current is the entry being played, without moving.
func (c *Cursor) Current() Step {
	if c.ev != nil {
		return Step{Entry: c.ev.w.s.entries[c.ev.w.i], Index: c.main.i, Event: c.ev.ev.Name, EventIndex: c.ev.w.i}
	}
	if c.main.ended() {
		return Step{Index: -1, End: true}
	}
	return Step{Entry: c.main.s.entries[c.main.i], Index: c.main.i}
}

// CanSkip tells whether the user may skip forward past the current entry
// (its CLIENTSKIP); true once the show is over.
func (c *Cursor) CanSkip() bool {
	st := c.Current()
	return st.End || st.Entry.ClientSkip
}

// Next is the natural advance when the current entry has ended: the next
// entry, the start of a REPEAT block's next pass, or, after an EVENT's
// last entry, what its WHENDONE says.
func (c *Cursor) Next() Step {
	if c.ev != nil {
		if c.ev.w.next(len(c.ev.w.s.blocks)) {
			return c.Current()
		}
		return c.endEvent()
	}
	c.main.next(len(c.main.s.blocks))
	return c.Current()
}

// Skip is the user's "next": Next, refused with ErrSkipNotAllowed while
// the current entry's CLIENTSKIP is NO.
func (c *Cursor) Skip() (Step, error) {
	if !c.CanSkip() {
		return c.Current(), ErrSkipNotAllowed
	}
	return c.Next(), nil
}

// Prev is the user's "previous": the entry played before the current one
// (within an EVENT, the EVENT's previous entry); ErrNoEntry at the first.
func (c *Cursor) Prev() (Step, error) {
	w := &c.main
	if c.ev != nil {
		w = &c.ev.w
	}
	if !w.prev() {
		return c.Current(), ErrNoEntry
	}
	return c.Current(), nil
}

// Jump is the user's choice of entry i of Flatten (double-click in the
// panel). It leaves a playing EVENT. Jumping forward past an entry whose
// CLIENTSKIP is NO, the current one included, is refused with
// ErrSkipNotAllowed; an i out of range with ErrNoEntry.
func (c *Cursor) Jump(i int) (Step, error) {
	if i < 0 || i >= c.Len() {
		return c.Current(), ErrNoEntry
	}
	if c.ev != nil && !c.CanSkip() {
		return c.Current(), ErrSkipNotAllowed
	}
	if !c.main.ended() {
		for k := c.main.i; k < i; k++ {
			if !c.main.s.entries[k].ClientSkip {
				return c.Current(), ErrSkipNotAllowed
			}
		}
	}
	c.ev = nil
	c.main.jump(i)
	return c.Current(), nil
}

// Event handles an "event" script command whose value is name: when the
// show has an EVENT of that name (case-insensitive) it interrupts the
// current entry and returns the EVENT's first entry; ok is false (nothing
// changes) when there is no such EVENT or the show is over. An EVENT
// raised during another replaces it; its WHENDONE then applies to the
// entry the first one interrupted.
func (c *Cursor) Event(name string) (st Step, ok bool) {
	if c.main.ended() {
		return c.Current(), false
	}
	for i := range c.pl.Events {
		ev := &c.pl.Events[i]
		if !strings.EqualFold(ev.Name, strings.TrimSpace(name)) {
			continue
		}
		c.ev = &eventRun{ev: ev, w: newWalker(compile(c.pl, ev.Items))}
		if c.ev.w.ended() {
			return c.endEvent(), true
		}
		return c.Current(), true
	}
	return c.Current(), false
}

// endEvent applies the WHENDONE of the EVENT that just ended.
func (c *Cursor) endEvent() Step {
	wd := c.ev.ev.WhenDone
	c.ev = nil
	switch wd {
	case Next:
		c.main.next(len(c.main.s.blocks))
	case Break:
		c.main.breakOut()
	default:
		st := c.Current()
		st.Resume = !st.End
		return st
	}
	return c.Current()
}
