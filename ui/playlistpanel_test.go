package ui

import (
	"context"
	"image"
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/eddyplayer/eddy/player"
)

// showPlaylist is a three-entry show at entry current, its second entry
// CLIENTSKIP="NO" (so CanNext as the player says it).
func showPlaylist(current int) *player.Playlist {
	return &player.Playlist{
		CanNext: current != 1 && current+1 < 3, CanPrev: current > 0, FixedOrder: true,
		URL: "http://example.com/show.asx", Title: "Show", Author: "Station",
		MoreInfo: "http://example.com/about", Banner: "http://example.com/banner.png", BannerText: "Our station",
		Current: current,
		Entries: []player.PlaylistEntry{
			{Title: "Show", Author: "Station", Refs: []string{"mms://example.com/intro"}, ClientSkip: true, Duration: 90 * time.Second},
			{Title: "Advert", Author: "Sponsor", Refs: []string{"mms://example.com/ad"}, ClientSkip: false},
			{Title: "News", Author: "Station", Refs: []string{"mms://example.com/news"}, ClientSkip: true, Failed: "dial: refused"},
		},
	}
}

// TestPlaylistPanelShowsTheShow: a playlist brings the Playlist tab
// forward with the show's title, its entries (the current one bold with a
// play icon, a failed one with an error icon), the entry's title and the
// show's in the window title; Previous plays the previous entry while Next
// follows the entry's CLIENTSKIP, in the panel and in the Playback menu.
func TestPlaylistPanelShowsTheShow(t *testing.T) {
	f := newFixture(t)
	fetched := make(chan string, 1)
	f.v.list.do = func(fn func()) { fn() }
	f.v.list.fetchBanner = func(ctx context.Context, u string) (image.Image, error) {
		fetched <- u
		img := image.NewRGBA(image.Rect(0, 0, 194, 32))
		img.Set(0, 0, color.White)
		return img, nil
	}
	m := demoMedia()
	st := status(player.Playing, m, 0)
	st.Playlist = showPlaylist(1)
	f.emit(player.PlaylistChanged, st)

	if got := f.v.tabs.SelectedIndex(); got != 3 {
		t.Errorf("selected tab %d, want the Playlist tab (3)", got)
	}
	if got := f.v.list.title.Text; got != "Show" {
		t.Errorf("panel title %q", got)
	}
	if got := f.win.Title(); got != "Advert — Show — Eddy" {
		t.Errorf("window title %q", got)
	}
	if got := f.v.nowPlaying.Text; got != "Advert — Sponsor" {
		t.Errorf("now playing %q", got)
	}
	if got := f.v.list.length(); got != 3 {
		t.Fatalf("%d rows", got)
	}
	row := newPlaylistRow(f.v.list)
	f.v.list.updateRow(1, row)
	if !row.name.TextStyle.Bold || row.name.Text != "2. Advert — Sponsor" || row.detail.Text != "no skip" {
		t.Errorf("current row %q bold=%v detail %q", row.name.Text, row.name.TextStyle.Bold, row.detail.Text)
	}
	f.v.list.updateRow(2, row)
	if row.name.TextStyle.Bold || row.icon.Resource == nil || row.icon.Resource.Name() == "" {
		t.Errorf("row 3 %q bold=%v", row.name.Text, row.name.TextStyle.Bold)
	}
	f.v.list.updateRow(0, row)
	if row.detail.Text != "1:30" {
		t.Errorf("row 1 detail %q, want its DURATION", row.detail.Text)
	}
	if !f.v.list.nextBtn.Disabled() || f.v.list.prevBtn.Disabled() {
		t.Errorf("next disabled=%v prev disabled=%v on a CLIENTSKIP=NO entry after the first", f.v.list.nextBtn.Disabled(), f.v.list.prevBtn.Disabled())
	}
	if !f.v.entryItems[0].Disabled || f.v.entryItems[1].Disabled {
		t.Errorf("menu next disabled=%v prev disabled=%v", f.v.entryItems[0].Disabled, f.v.entryItems[1].Disabled)
	}
	if !f.v.list.more.Visible() || f.v.list.more.URL.String() != "http://example.com/about" {
		t.Errorf("more info link %v", f.v.list.more.URL)
	}
	select {
	case u := <-fetched:
		if u != "http://example.com/banner.png" {
			t.Errorf("banner fetched from %s", u)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("banner not fetched")
	}

	// Double-clicking an entry plays it; Previous; Repeat.
	row = newPlaylistRow(f.v.list)
	f.v.list.updateRow(2, row)
	row.DoubleTapped(&fyne.PointEvent{})
	test.Tap(f.v.list.prevBtn)
	test.Tap(f.v.list.repeat)
	f.expectCalls("JumpTo(2)", "SkipEntry(-1)", "SetPlaylistMode(all)")

	// On a skippable entry, Next is offered and skips.
	st.Playlist = showPlaylist(0)
	f.emit(player.PlaylistChanged, st)
	if f.v.list.nextBtn.Disabled() || !f.v.list.prevBtn.Disabled() {
		t.Errorf("first entry: next disabled=%v prev disabled=%v", f.v.list.nextBtn.Disabled(), f.v.list.prevBtn.Disabled())
	}
	test.Tap(f.v.list.nextBtn)
	f.expectCalls("SkipEntry(1)")
	if got := f.win.Title(); got != "Eddy Demo — Show — Eddy" {
		t.Errorf("window title %q (the entry's title is the show's: the clip's own shows)", got)
	}

	// Opening a single URL again empties the panel.
	st.Playlist = nil
	f.emit(player.StateChanged, st)
	if f.v.list.body.Visible() || !f.v.list.empty.Visible() {
		t.Error("the panel still shows a playlist")
	}
}

// TestPlaylistRowIcons: a row's icon says what its entry is: the play
// icon for the current one, an error sign for one that failed, video or
// audio as seen when it played, else as its name says, and a plain file
// when nothing tells (an MMS stream's URL has no extension).
func TestPlaylistRowIcons(t *testing.T) {
	f := newFixture(t)
	f.v.list.do = func(fn func()) { fn() }
	f.v.list.fetchBanner = func(context.Context, string) (image.Image, error) { return nil, context.Canceled }
	show := func(current int) *player.Playlist {
		return &player.Playlist{URL: "http://example.com/show.asx", Current: current, Entries: []player.PlaylistEntry{
			{Refs: []string{"mms://example.com/song.WMA"}, ClientSkip: true},
			{Refs: []string{"http://example.com/clip.wmv?x=1"}, ClientSkip: true},
			{Refs: []string{"http://example.com/Big.ism/Manifest"}, ClientSkip: true},
			{Refs: []string{"mms://example.com/live"}, ClientSkip: true},
			{Refs: []string{"mms://example.com/gone.wmv"}, ClientSkip: true, Failed: "404"},
		}}
	}
	icons := func(step string, want ...fyne.Resource) {
		t.Helper()
		row := newPlaylistRow(f.v.list)
		for i, w := range want {
			f.v.list.updateRow(i, row)
			if row.icon.Resource == nil || row.icon.Resource.Name() != w.Name() {
				t.Errorf("%s: row %d shows %v, want %s", step, i+1, row.icon.Resource, w.Name())
			}
		}
	}
	audio, video, file := theme.MediaMusicIcon(), theme.MediaVideoIcon(), theme.FileIcon()
	play, failed := theme.MediaPlayIcon(), theme.ErrorIcon()

	st := status(player.Opening, nil, 0)
	st.Playlist = show(3)
	f.emit(player.PlaylistChanged, st)
	icons("entry 4 opening", audio, video, video, play, failed)

	// Entry 4 turns out to be a video; when entry 1 plays, its row says so.
	st = status(player.Playing, clipMedia(true), time.Second)
	st.Playlist = show(3)
	f.emit(player.MediaChanged, st)
	st = status(player.Playing, demoMedia(), time.Second)
	st.Playlist = show(0)
	f.emit(player.MediaChanged, st)
	icons("entry 1 playing", play, video, video, video, failed)

	// Another playlist forgets what was seen of this one.
	st.Playlist = show(0)
	st.Playlist.URL = "http://example.com/other.asx"
	f.emit(player.PlaylistChanged, st)
	icons("another playlist", play, video, video, file, failed)
}
