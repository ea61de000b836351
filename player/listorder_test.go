package player

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport/playlist"
)

// seeded makes the shuffle's random source a PCG with the given seed, so
// a test's orders are the same on every run.
func seeded(seed uint64) func(*Config) {
	return func(c *Config) { c.Rand = rand.NewPCG(seed, seed) }
}

// fiveURLs are OpenList's URLs of five entries a..e (PCM bases 100..500).
var fiveURLs = []string{"mms://a", "mms://b", "mms://c", "mms://d", "mms://e"}

func newFiveHarness(t *testing.T, seed uint64) *listHarness {
	l := newListHarness(t, nil, seeded(seed))
	l.bases["d"], l.bases["e"] = 400, 500
	return l
}

// holdSink makes the sink take no audio, so that the entry playing
// cannot end until release is called (at the latest when the test ends).
func (l *listHarness) holdSink() (release func()) {
	blk := make(chan struct{})
	l.sink.mu.Lock()
	l.sink.block = blk
	l.sink.mu.Unlock()
	release = sync.OnceFunc(func() {
		l.sink.mu.Lock()
		l.sink.block = nil
		l.sink.mu.Unlock()
		close(blk)
	})
	l.t.Cleanup(release)
	return release
}

// playN waits until n entries have been dialed (an entry opened ahead
// counts once it is dialed; a repeat of the same entry counts again) and
// returns their indexes (a=0, b=1, …) and the playlist shown then, and
// stops the player.
func (l *listHarness) playN(n int) (entries []int, pl *Playlist) {
	l.t.Helper()
	timeout := time.After(10 * time.Second)
	for len(entries) < n {
		select {
		case name := <-l.dialedCh:
			entries = append(entries, int(name[0]-'a'))
		case <-timeout:
			l.t.Fatalf("timed out after %d of %d entries: %v", len(entries), n, entries)
		}
	}
	pl = l.p.Status().Playlist
	l.p.Stop()
	return entries, pl
}

// playedOrder is the entries whose PCM reached the sink, in order, one
// per 10-block run (a 1 s entry).
func (l *listHarness) playedOrder() []int {
	var out []int
	for _, b := range l.blocks() {
		if b%100 == 0 {
			out = append(out, b/100-1)
		}
	}
	return out
}

func isPermutation(xs []int, n int) bool {
	s := slices.Sorted(slices.Values(xs))
	for i := range n {
		if len(s) != n || s[i] != i {
			return false
		}
	}
	return len(s) == n
}

// TestShufflePlaysEachEntryOncePerRound: shuffled without repeat, a list
// plays each of its entries once, in the order Status.Playlist.Order
// gives (a permutation drawn from Config.Rand: the same seed gives the
// same order), and the show ends after the last.
func TestShufflePlaysEachEntryOncePerRound(t *testing.T) {
	var orders [][]int
	for range 2 {
		l := newFiveHarness(t, 7)
		l.p.SetShuffle(true)
		l.p.OpenList("Mix", fiveURLs)
		st := l.waitEnded()
		pl := st.Playlist
		if pl == nil || !pl.Shuffle || pl.FixedOrder || pl.Mode != RepeatOff {
			t.Fatalf("Status.Playlist = %+v", pl)
		}
		if !isPermutation(pl.Order, 5) {
			t.Fatalf("Order %v is not a permutation of the 5 entries", pl.Order)
		}
		if got := l.playedOrder(); fmt.Sprint(got) != fmt.Sprint(pl.Order) {
			t.Fatalf("played %v, want the shuffled order %v", got, pl.Order)
		}
		var want []int
		for _, i := range pl.Order {
			want = append(want, run(100*(i+1), 10)...)
		}
		if got := l.blocks(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("the sink got %v\nwant %v", got, want)
		}
		if pl.Current != pl.Order[4] || pl.CanNext || !pl.CanPrev {
			t.Errorf("at the end: current %d, CanNext %v, CanPrev %v", pl.Current, pl.CanNext, pl.CanPrev)
		}
		orders = append(orders, pl.Order)
	}
	if fmt.Sprint(orders[0]) != fmt.Sprint(orders[1]) {
		t.Errorf("the same seed gave orders %v and %v", orders[0], orders[1])
	}
	if fmt.Sprint(orders[0]) == "[0 1 2 3 4]" {
		t.Errorf("shuffled order %v is the list's own", orders[0])
	}
}

// TestShuffleRepeatAllNewOrderEachRound: shuffled with RepeatAll, each
// round plays every entry once (no entry twice before all have played),
// rounds have orders of their own, and no entry plays twice in a row
// where one round meets the next.
func TestShuffleRepeatAllNewOrderEachRound(t *testing.T) {
	l := newFiveHarness(t, 3)
	l.p.SetShuffle(true)
	l.p.SetPlaylistMode(RepeatAll)
	l.p.OpenList("Mix", fiveURLs)
	const rounds = 4
	played, _ := l.playN(5 * rounds)
	distinct := map[string]bool{}
	for r := range rounds {
		round := played[5*r : 5*r+5]
		if !isPermutation(round, 5) {
			t.Fatalf("round %d played %v (all: %v): not each entry once", r+1, round, played)
		}
		distinct[fmt.Sprint(round)] = true
		if r > 0 && played[5*r] == played[5*r-1] {
			t.Errorf("entry %d played twice in a row across rounds: %v", played[5*r], played)
		}
	}
	if len(distinct) < 2 {
		t.Errorf("every round had the same order: %v", played)
	}
}

// TestShuffleOnKeepsCurrentOffGoesOnInOrder: switching shuffle on while an
// entry plays keeps it current (first of the new order) and the others
// follow in a random order, each once; switched off, the show goes on in
// its own order from the entry playing.
func TestShuffleOnKeepsCurrentOffGoesOnInOrder(t *testing.T) {
	t.Run("on", func(t *testing.T) {
		l := newFiveHarness(t, 11)
		release := l.holdSink()
		l.p.OpenList("Mix", fiveURLs)
		l.waitDial("a")
		l.p.SetShuffle(true)
		ev := l.waitFor("shuffled", func(ev Event) bool {
			return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil && ev.Status.Playlist.Shuffle
		})
		pl := ev.Status.Playlist
		if pl.Current != 0 || len(pl.Order) != 5 || pl.Order[0] != 0 || !isPermutation(pl.Order, 5) {
			t.Fatalf("after shuffle on: current %d, order %v", pl.Current, pl.Order)
		}
		release()
		st := l.waitEnded()
		if got := l.playedOrder(); fmt.Sprint(got) != fmt.Sprint(pl.Order) {
			t.Fatalf("played %v, want %v", got, pl.Order)
		}
		if fmt.Sprint(st.Playlist.Order) != fmt.Sprint(pl.Order) {
			t.Errorf("order changed during the round: %v then %v", pl.Order, st.Playlist.Order)
		}
	})
	t.Run("off", func(t *testing.T) {
		l := newFiveHarness(t, 11)
		release := l.holdSink()
		l.p.SetShuffle(true)
		l.p.OpenList("Mix", fiveURLs)
		ev := l.waitFor("the first entry", func(ev Event) bool {
			return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil
		})
		first := ev.Status.Playlist.Current
		if first != ev.Status.Playlist.Order[0] {
			t.Fatalf("current %d is not the first of the order %v", first, ev.Status.Playlist.Order)
		}
		l.p.SetShuffle(false)
		l.waitFor("shuffle off", func(ev Event) bool {
			return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil && !ev.Status.Playlist.Shuffle
		})
		release()
		st := l.waitEnded()
		var want []int
		for i := first; i < 5; i++ {
			want = append(want, i)
		}
		if got := l.playedOrder(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("played %v, want the list's order from %d: %v", got, first, want)
		}
		if st.Playlist.Order != nil {
			t.Errorf("Order %v after shuffle off", st.Playlist.Order)
		}
	})
}

// TestShuffleNextPreviousJump: shuffled, Next and Previous follow the
// shuffled order (Previous refused at its start), and a chosen entry
// plays at once, the entries not played yet this round after it.
func TestShuffleNextPreviousJump(t *testing.T) {
	l := newFiveHarness(t, 5)
	l.holdSink()
	l.p.SetShuffle(true)
	l.p.OpenList("Mix", fiveURLs)
	current := func(what string, want int) *Playlist {
		t.Helper()
		ev := l.waitFor(what, func(ev Event) bool {
			return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil && ev.Status.Playlist.Current == want
		})
		return ev.Status.Playlist
	}
	ev := l.waitFor("the first entry", func(ev Event) bool { return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil })
	order := ev.Status.Playlist.Order
	if ev.Status.Playlist.CanPrev || !ev.Status.Playlist.CanNext {
		t.Errorf("at the first: CanPrev %v CanNext %v", ev.Status.Playlist.CanPrev, ev.Status.Playlist.CanNext)
	}
	l.p.SkipEntry(-1)
	w := l.waitFor("a refusal", func(ev Event) bool { return ev.Kind == Warning })
	if !errors.Is(w.Err, playlist.ErrNoEntry) {
		t.Fatalf("Previous at the start: %v", w.Err)
	}
	l.p.SkipEntry(1)
	current("Next", order[1])
	l.p.SkipEntry(1)
	current("Next", order[2])
	l.p.SkipEntry(-1)
	current("Previous", order[1])
	// Jump to the last of the round: it plays now; the two skipped over
	// still follow it.
	l.p.JumpTo(order[4])
	pl := current("the jump", order[4])
	want := []int{order[0], order[1], order[4], order[2], order[3]}
	if fmt.Sprint(pl.Order) != fmt.Sprint(want) {
		t.Errorf("order after the jump %v, want %v", pl.Order, want)
	}
	// Jump back to one played already: it plays again, the rest still
	// follow.
	l.p.JumpTo(order[0])
	pl = current("the jump back", order[0])
	want = []int{order[1], order[4], order[0], order[2], order[3]}
	if fmt.Sprint(pl.Order) != fmt.Sprint(want) {
		t.Errorf("order after the jump back %v, want %v", pl.Order, want)
	}
}

// TestRepeatOne: RepeatOne plays the entry that ended again from its
// start; Next still moves, and the next entry repeats in turn.
func TestRepeatOne(t *testing.T) {
	l := newListHarness(t, nil, nil)
	l.p.SetPlaylistMode(RepeatOne)
	l.p.OpenList("Mix", []string{"mms://a", "mms://b", "mms://c"})
	// The 4th dial is the one opened ahead of the 3rd playing: the 2nd
	// has played out.
	for range 4 {
		l.waitDial("a")
	}
	ev := l.waitFor("the playlist", func(ev Event) bool { return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil })
	if pl := ev.Status.Playlist; pl.Mode != RepeatOne || pl.Repeat || pl.Current != 0 {
		t.Fatalf("Status.Playlist = %+v", pl)
	}
	l.p.SkipEntry(1)
	l.waitDial("b")
	l.waitDial("b")
	l.p.Stop()
	l.waitState(Stopped)
	d := l.dials()
	k := slices.Index(d, "b")
	if k < 3 || slices.ContainsFunc(d[:k], func(s string) bool { return s != "a" }) ||
		slices.ContainsFunc(d[k:], func(s string) bool { return s != "b" }) {
		t.Fatalf("dialed %v: a again and again, then b again", d)
	}
	if got := l.blocks(); len(got) < 20 || fmt.Sprint(got[:20]) != fmt.Sprint(concat(run(100, 10), run(100, 10))) {
		t.Errorf("the sink got %v: a twice from its start", got)
	}
}

// TestRepeatOneMovesPastFailingEntry: under RepeatOne an entry that does
// not open is not tried again and again: the next entry plays (and
// repeats).
func TestRepeatOneMovesPastFailingEntry(t *testing.T) {
	l := newListHarness(t, nil, nil)
	l.p.SetPlaylistMode(RepeatOne)
	l.p.OpenList("Mix", []string{"mms://missing1", "mms://b"})
	l.waitDial("b")
	l.waitDial("b")
	l.p.Stop()
	l.waitState(Stopped)
	if d := l.dials(); d[0] != "missing1" || slices.Contains(d[1:], "missing1") {
		t.Fatalf("dialed %v", d)
	}
}

// TestRepeatOneAndShuffleKeepFixedOrder: a show with an entry the user
// may not skip (CLIENTSKIP="NO") keeps its own order: shuffle does not
// apply, and RepeatOne repeats the whole show in order.
func TestRepeatOneAndShuffleKeepFixedOrder(t *testing.T) {
	l := newListHarness(t, map[string]string{listURL: `<ASX VERSION="3.0">
		<ENTRY CLIENTSKIP="NO"><REF HREF="mms://a"/></ENTRY>
		<ENTRY><REF HREF="mms://b"/></ENTRY><ENTRY><REF HREF="mms://c"/></ENTRY></ASX>`}, seeded(1))
	l.p.SetShuffle(true)
	l.p.SetPlaylistMode(RepeatOne)
	l.p.Open(listURL)
	played, pl := l.playN(7)
	if fmt.Sprint(played) != "[0 1 2 0 1 2 0]" {
		t.Fatalf("played %v, want the show's order, repeated", played)
	}
	if pl == nil || !pl.FixedOrder || pl.Order != nil || !pl.Repeat || !pl.Shuffle || pl.Mode != RepeatOne {
		t.Fatalf("Status.Playlist = %+v", pl)
	}
}

// TestRepeatModeSwitchWhilePlaying: a mode set while an entry plays
// applies to the list playing (the entry opened ahead for the old mode is
// dropped): RepeatOne repeats the entry playing, RepeatAll set on the
// last entry starts the show over, Off set under RepeatAll ends the show
// after its last entry. Next after the last entry starts over under
// RepeatAll and is refused without it.
func TestRepeatModeSwitchWhilePlaying(t *testing.T) {
	ab := []string{"mms://a", "mms://b"}
	mode := func(l *listHarness, m RepeatMode) {
		t.Helper()
		l.p.SetPlaylistMode(m)
		l.waitFor(m.String(), func(ev Event) bool {
			return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil && ev.Status.Playlist.Mode == m
		})
	}
	current := func(l *listHarness, i int) {
		t.Helper()
		l.waitFor(fmt.Sprint("entry ", i), func(ev Event) bool {
			return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil && ev.Status.Playlist.Current == i
		})
	}

	// RepeatOne while a plays (held: it cannot end before the switch).
	l := newListHarness(t, nil, nil)
	release := l.holdSink()
	l.p.OpenList("Mix", ab)
	l.waitDial("a")
	mode(l, RepeatOne)
	release()
	l.playN(8)
	l.waitState(Stopped)
	if got := l.playedOrder(); len(got) < 2 || slices.ContainsFunc(got, func(e int) bool { return e != 0 }) {
		t.Errorf("RepeatOne set during a: played %v, want a again and again", got)
	}

	// RepeatAll while the last entry plays.
	l = newListHarness(t, nil, nil)
	release = l.holdSink()
	l.p.OpenList("Mix", ab)
	l.waitDial("a")
	l.p.JumpTo(1)
	current(l, 1)
	mode(l, RepeatAll)
	release()
	l.playN(8)
	l.waitState(Stopped)
	if got := l.playedOrder(); len(got) < 3 || fmt.Sprint(got[:3]) != "[1 0 1]" {
		t.Errorf("RepeatAll set during the last entry: played %v, want b, then a and b again", got)
	}

	// Off while a plays under RepeatAll.
	l = newListHarness(t, nil, nil)
	release = l.holdSink()
	l.p.SetPlaylistMode(RepeatAll)
	l.p.OpenList("Mix", ab)
	l.waitDial("a")
	mode(l, RepeatOff)
	release()
	l.waitEnded()
	if got := l.playedOrder(); fmt.Sprint(got) != "[0 1]" {
		t.Errorf("Off set during a under RepeatAll: played %v, want a and b once", got)
	}

	// Next from the last entry starts over under RepeatAll, and is
	// refused without it.
	l2 := newListHarness(t, nil, nil)
	l2.holdSink()
	l2.p.OpenList("Mix", []string{"mms://a", "mms://b"})
	l2.waitDial("a")
	l2.p.JumpTo(1)
	l2.waitDial("b")
	l2.p.SkipEntry(1)
	w := l2.waitFor("a refusal", func(ev Event) bool { return ev.Kind == Warning })
	if !errors.Is(w.Err, playlist.ErrNoEntry) {
		t.Fatalf("Next at the end without repeat: %v", w.Err)
	}
	l2.p.SetPlaylistMode(RepeatAll)
	ev := l2.waitFor("repeat all", func(ev Event) bool {
		return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil && ev.Status.Playlist.Mode == RepeatAll
	})
	if !ev.Status.Playlist.CanNext {
		t.Errorf("CanNext false at the last entry under RepeatAll")
	}
	l2.p.SkipEntry(1)
	l2.waitFor("a again", func(ev Event) bool {
		return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil && ev.Status.Playlist.Current == 0
	})
}
