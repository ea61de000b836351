package ui

import (
	"fyne.io/fyne/v2"

	"github.com/eddyplayer/eddy/player"
)

// The playlist order's keys in the app's preferences.
const (
	prefRepeat  = "playlist.repeat" // player.RepeatMode: 0 off, 1 all, 2 one
	prefShuffle = "playlist.shuffle"
)

// listOrder is the user's choice of order for client-side playlists
// (Player.SetPlaylistMode and SetShuffle), kept in the preferences.
type listOrder struct {
	repeat  player.RepeatMode
	shuffle bool
	// repeatItem and shuffleItem are Playback ▸ Repeat and Shuffle.
	repeatItem, shuffleItem *fyne.MenuItem
}

// repeatLabel is how the repeat mode is written on its control and in
// the menu.
func repeatLabel(m player.RepeatMode) string {
	switch m {
	case player.RepeatAll:
		return "Repeat: All"
	case player.RepeatOne:
		return "Repeat: One"
	}
	return "Repeat: Off"
}

// restoreListOrder applies the order saved last time (nothing is sent
// for the player's defaults, off and in order).
func (v *View) restoreListOrder(prefs fyne.Preferences) {
	if prefs == nil {
		return
	}
	m := player.RepeatMode(max(prefs.IntWithFallback(prefRepeat, 0), 0))
	if m > player.RepeatOne {
		m = player.RepeatOff
	}
	v.order.repeat, v.order.shuffle = m, prefs.Bool(prefShuffle)
	if m != player.RepeatOff {
		v.ctl.SetPlaylistMode(m)
	}
	if v.order.shuffle {
		v.ctl.SetShuffle(true)
	}
	v.showListOrder()
}

// CycleRepeat moves the playlist's repeat mode on: off → all → one → off.
func (v *View) CycleRepeat() { v.SetRepeat((v.order.repeat + 1) % 3) }

// SetRepeat sets the playlist's repeat mode and remembers it.
func (v *View) SetRepeat(m player.RepeatMode) {
	if m > player.RepeatOne {
		m = player.RepeatOff
	}
	v.order.repeat = m
	v.ctl.SetPlaylistMode(m)
	if v.app != nil {
		v.app.Preferences().SetInt(prefRepeat, int(m))
	}
	v.osd.show(repeatLabel(m))
	v.showListOrder()
}

// ToggleShuffle switches shuffled playlists on or off.
func (v *View) ToggleShuffle() { v.SetShuffle(!v.order.shuffle) }

// SetShuffle plays playlists shuffled (on) or in their order, and
// remembers it.
func (v *View) SetShuffle(on bool) {
	v.order.shuffle = on
	v.ctl.SetShuffle(on)
	if v.app != nil {
		v.app.Preferences().SetBool(prefShuffle, on)
	}
	text := "Shuffle: Off"
	if on {
		text = "Shuffle: On"
		if pl := v.st.Playlist; pl != nil && pl.FixedOrder {
			text = "Shuffle: On (this playlist keeps its order)"
		}
	}
	v.osd.show(text)
	v.showListOrder()
}

// ListOrder is the repeat mode and shuffle as the window shows them.
func (v *View) ListOrder() (player.RepeatMode, bool) { return v.order.repeat, v.order.shuffle }

// showListOrder shows the order on the Playlist tab's controls and in
// the Playback menu.
func (v *View) showListOrder() {
	v.list.setOrder(v.order.repeat, v.order.shuffle)
	changed := false
	if it := v.order.repeatItem; it != nil {
		if l := repeatLabel(v.order.repeat); it.Label != l {
			it.Label, changed = l, true
		}
	}
	if it := v.order.shuffleItem; it != nil && it.Checked != v.order.shuffle {
		it.Checked, changed = v.order.shuffle, true
	}
	if changed && v.playbackMenu != nil {
		v.playbackMenu.Refresh()
	}
}
