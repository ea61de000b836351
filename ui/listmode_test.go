package ui

import (
	"fmt"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// menuItemNamed is the item of m whose label starts with prefix.
func menuItemNamed(t *testing.T, m *fyne.Menu, prefix string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.Items {
		if len(it.Label) >= len(prefix) && it.Label[:len(prefix)] == prefix {
			return it
		}
	}
	t.Fatalf("menu %s has no %q item", m.Label, prefix)
	return nil
}

// freeList is a list the user may reorder (every entry skippable), at
// entry current of three.
func freeList(current int) *player.Playlist {
	pl := &player.Playlist{Title: "Dropped items", Current: current, CanPrev: current > 0, CanNext: current < 2}
	for _, n := range []string{"a", "b", "c"} {
		pl.Entries = append(pl.Entries, player.PlaylistEntry{Refs: []string{"file:///music/" + n + ".wma"}, ClientSkip: true})
	}
	return pl
}

// TestRepeatModeControl: the Playlist tab's repeat button, Playback ▸
// Repeat and the L key each move the mode on, off → all → one → off,
// telling the player (SetPlaylistMode) and saying it on the picture; the
// button and the menu item show the mode.
func TestRepeatModeControl(t *testing.T) {
	f := newFixture(t)
	st := status(player.Playing, demoMedia(), 0)
	st.Playlist = freeList(0)
	f.emit(player.PlaylistChanged, st)
	f.ctl.take()
	item := menuItemNamed(t, f.v.playbackMenu, "Repeat")
	steps := []struct {
		do   func()
		mode player.RepeatMode
	}{
		{func() { test.Tap(f.v.list.repeat) }, player.RepeatAll},
		{item.Action, player.RepeatOne},
		{func() { f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyL}) }, player.RepeatOff},
		{func() { f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyL}) }, player.RepeatAll},
	}
	for i, s := range steps {
		s.do()
		f.expectCalls(fmt.Sprintf("SetPlaylistMode(%v)", s.mode))
		want := repeatLabel(s.mode)
		if f.v.list.repeat.Text != want || item.Label != want || f.v.osd.Text() != want {
			t.Errorf("step %d: button %q, menu %q, on the picture %q; want %q", i+1, f.v.list.repeat.Text, item.Label, f.v.osd.Text(), want)
		}
		if m, _ := f.v.ListOrder(); m != s.mode {
			t.Errorf("step %d: ListOrder %v, want %v", i+1, m, s.mode)
		}
	}
}

// TestShuffleControl: the Shuffle check box, Playback ▸ Shuffle and the R
// key turn shuffle on and off (SetShuffle), the menu item checked while
// on; Next follows what the player says can be skipped to (a shuffled
// list can go on from its last row).
func TestShuffleControl(t *testing.T) {
	f := newFixture(t)
	st := status(player.Playing, demoMedia(), 0)
	st.Playlist = freeList(2)
	f.emit(player.PlaylistChanged, st)
	if !f.v.list.nextBtn.Disabled() {
		t.Error("Next enabled at the last entry in order")
	}
	f.ctl.take()
	item := menuItemNamed(t, f.v.playbackMenu, "Shuffle")
	test.Tap(f.v.list.shuffle)
	f.expectCalls("SetShuffle(true)")
	if !item.Checked || !f.v.list.shuffle.Checked || f.v.osd.Text() != "Shuffle: On" {
		t.Errorf("after the check box: menu checked %v, box %v, picture %q", item.Checked, f.v.list.shuffle.Checked, f.v.osd.Text())
	}
	item.Action()
	f.expectCalls("SetShuffle(false)")
	if item.Checked || f.v.list.shuffle.Checked {
		t.Errorf("after the menu: menu checked %v, box %v", item.Checked, f.v.list.shuffle.Checked)
	}
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyR})
	f.expectCalls("SetShuffle(true)")

	// The player's shuffled list: the last row is not the last to play.
	pl := freeList(2)
	pl.Shuffle, pl.Order, pl.CanNext = true, []int{2, 0, 1}, true
	st.Playlist = pl
	f.emit(player.PlaylistChanged, st)
	if f.v.list.nextBtn.Disabled() || f.v.entryItems[0].Disabled {
		t.Errorf("Next disabled (button %v, menu %v) with entries still to play", f.v.list.nextBtn.Disabled(), f.v.entryItems[0].Disabled)
	}
	test.Tap(f.v.list.nextBtn)
	f.expectCalls("SkipEntry(1)")
}

// TestFixedOrderPlaylistSaysSo: on a playlist that keeps its own order
// (an entry that cannot be skipped), the panel says that shuffle and
// repeat one do not apply, and turning shuffle on says so on the picture.
func TestFixedOrderPlaylistSaysSo(t *testing.T) {
	f := newFixture(t)
	st := status(player.Playing, demoMedia(), 0)
	st.Playlist = freeList(0)
	f.emit(player.PlaylistChanged, st)
	if f.v.list.orderNote.Visible() {
		t.Error("the fixed-order note shows for a list the user may reorder")
	}
	st.Playlist = showPlaylist(0)
	f.emit(player.PlaylistChanged, st)
	if !f.v.list.orderNote.Visible() {
		t.Error("no note that the playlist keeps its order")
	}
	f.v.SetShuffle(true)
	if got := f.v.osd.Text(); got != "Shuffle: On (this playlist keeps its order)" {
		t.Errorf("on the picture %q", got)
	}
}

// TestListOrderPersists: the repeat mode and shuffle are kept in the
// app's preferences; a new window with the same preferences gives them
// to the player at start and shows them; with none saved it sends
// nothing (the player's defaults).
func TestListOrderPersists(t *testing.T) {
	a := test.NewTempApp(t)
	start := func() (*View, []string) {
		ctl := newFakeController()
		v := New(Config{App: a, Window: test.NewTempWindow(t, widget.NewLabel("")), Controller: ctl})
		t.Cleanup(v.Close)
		var got []string
		for _, c := range ctl.take() {
			if c.Method == "SetPlaylistMode" || c.Method == "SetShuffle" {
				got = append(got, c.String())
			}
		}
		return v, got
	}
	v, calls := start()
	if len(calls) != 0 {
		t.Errorf("first start sent %q", calls)
	}
	v.SetRepeat(player.RepeatOne)
	v.SetShuffle(true)
	v, calls = start()
	if !slices.Equal(calls, []string{"SetPlaylistMode(one)", "SetShuffle(true)"}) {
		t.Errorf("second start sent %q", calls)
	}
	if m, sh := v.ListOrder(); m != player.RepeatOne || !sh || v.list.repeat.Text != "Repeat: One" || !v.list.shuffle.Checked ||
		!menuItemNamed(t, v.playbackMenu, "Shuffle").Checked || menuItemNamed(t, v.playbackMenu, "Repeat").Label != "Repeat: One" {
		t.Errorf("second start shows %v/%v, button %q, box %v", m, sh, v.list.repeat.Text, v.list.shuffle.Checked)
	}
	// A saved value out of range is off.
	a.Preferences().SetInt(prefRepeat, 9)
	a.Preferences().SetBool(prefShuffle, false)
	v, calls = start()
	if m, _ := v.ListOrder(); len(calls) != 0 || m != player.RepeatOff {
		t.Errorf("repeat saved as 9: sent %q, mode %v", calls, m)
	}
}

// TestShortcutsListRepeatAndShuffle: Help ▸ Keyboard Shortcuts lists L and
// R from the key table, and no key of the table does two things.
func TestShortcutsListRepeatAndShuffle(t *testing.T) {
	f := newFixture(t)
	rows := f.v.shortcutRows()
	for _, want := range [][2]string{{"L", "Playlist repeat: off, all, one"}, {"R", "Playlist shuffle on or off"}} {
		if !slices.Contains(rows, want) {
			t.Errorf("the shortcuts lack %q", want)
		}
	}
	seen := map[string]string{}
	for _, b := range f.v.keys {
		for _, k := range b.keys {
			if prev, ok := seen[string(k)]; ok {
				t.Errorf("key %s does %s and %s", k, prev, b.id)
			}
			seen[string(k)] = b.id
		}
		for _, c := range b.chords {
			if prev, ok := seen[chordLabel(c)]; ok {
				t.Errorf("chord %s does %s and %s", chordLabel(c), prev, b.id)
			}
			seen[chordLabel(c)] = b.id
		}
	}
}
