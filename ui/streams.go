package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

// streamList lists the presentation's streams with a check box each. The
// checked ones are the ones playing. Checking an audio (or video) stream
// unchecks the other audio (video) streams, since one of each plays at a
// time; at least one stream stays checked. Every change calls OnSelect
// with the checked IDs; "Automatic" calls it with nil, handing the choice
// back to the player.
type streamList struct {
	root *fyne.Container

	// OnSelect receives the user's choice: stream IDs, or nil for the
	// player's automatic choice.
	OnSelect func(ids []int)
	// OnChange is called after the rows, their check marks or the mode
	// changed (the Streams menu follows the list).
	OnChange func()

	mode  *widget.Label
	auto  *widget.Button
	rows  *fyne.Container
	empty *widget.Label

	tracks   []player.TrackInfo
	checks   []*clickCheck
	key      string // identifies the track set the rows were built for
	manual   bool
	updating bool // set while the list itself changes check boxes
}

func newStreamList() *streamList {
	l := &streamList{
		mode:  &widget.Label{Text: "Automatic selection"},
		rows:  container.NewVBox(),
		empty: &widget.Label{Text: "No presentation open."},
	}
	l.auto = widget.NewButtonWithIcon("Automatic", theme.ViewRefreshIcon(), l.automatic)
	l.auto.Disable()
	header := container.NewBorder(nil, nil, nil, l.auto, l.mode)
	l.rows.Add(l.empty)
	l.root = container.NewBorder(header, nil, nil, nil, container.NewVScroll(l.rows))
	return l
}

// trackSetKey identifies a list of tracks by what the rows show, ignoring
// the selection.
func trackSetKey(url string, tracks []player.TrackInfo) string {
	var b strings.Builder
	b.WriteString(url)
	for _, t := range tracks {
		fmt.Fprintf(&b, "\x00%d|%s|%s", t.ID, trackTitle(t), trackDetails(t))
	}
	return b.String()
}

// SetTracks shows the tracks of the media at url. The rows are rebuilt
// when the set of tracks changes; otherwise only the check marks follow
// the player's Selected flags.
func (l *streamList) SetTracks(url string, tracks []player.TrackInfo) {
	key := trackSetKey(url, tracks)
	if key != l.key {
		l.key = key
		l.rebuild(tracks)
		l.changed()
		return
	}
	moved := false
	l.tracks = append(l.tracks[:0], tracks...)
	l.updating = true
	for i, t := range tracks {
		if l.checks[i].Checked != t.Selected {
			l.checks[i].SetChecked(t.Selected)
			moved = true
		}
	}
	l.updating = false
	if moved {
		l.changed()
	}
}

func (l *streamList) changed() {
	if l.OnChange != nil {
		l.OnChange()
	}
}

// menuItems returns a menu item per stream: its title and details (codec,
// bit rate, language), checked when it plays. Choosing one toggles its
// check box: an unchecked stream replaces the playing one of its type.
func (l *streamList) menuItems() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for i, t := range l.tracks {
		label := trackTitle(t)
		if d := trackDetails(t); d != "" {
			label += " — " + d
		}
		c := l.checks[i]
		it := fyne.NewMenuItem(label, func() { c.SetChecked(!c.Checked) })
		it.Checked = c.Checked
		it.Icon = trackIcon(t.Type)
		items = append(items, it)
	}
	return items
}

func (l *streamList) rebuild(tracks []player.TrackInfo) {
	l.tracks = append([]player.TrackInfo(nil), tracks...)
	l.checks = l.checks[:0]
	l.manual = false
	l.mode.SetText("Automatic selection")
	l.auto.Disable()
	var rows []fyne.CanvasObject
	if len(tracks) == 0 {
		rows = append(rows, l.empty)
	}
	for i, t := range tracks {
		i := i
		c := newClickCheck(trackTitle(t), nil)
		c.Checked = t.Selected
		c.OnChanged = func(on bool) { l.toggled(i, on) }
		l.checks = append(l.checks, c)
		details := newDimText(trackDetails(t), fyne.TextAlignLeading)
		details.Wrapping = fyne.TextWrapWord
		icon := widget.NewIcon(trackIcon(t.Type))
		row := container.NewBorder(nil, nil, container.NewPadded(container.NewCenter(icon)), nil,
			container.NewVBox(c, container.New(layout.NewCustomPaddedLayout(-8, 0, 32, 0), details)))
		rows = append(rows, row)
		if i < len(tracks)-1 {
			rows = append(rows, widget.NewSeparator())
		}
	}
	l.rows.Objects = rows
	l.rows.Refresh()
}

func trackIcon(t transport.MediaType) fyne.Resource {
	switch t {
	case transport.Audio:
		return theme.MediaMusicIcon()
	case transport.Video:
		return theme.MediaVideoIcon()
	}
	return theme.DocumentIcon()
}

func (l *streamList) toggled(i int, on bool) {
	if l.updating {
		return
	}
	l.updating = true
	defer func() { l.updating = false }()

	typ := l.tracks[i].Type
	if on && (typ == transport.Audio || typ == transport.Video) {
		for j, c := range l.checks {
			if j != i && l.tracks[j].Type == typ {
				c.SetChecked(false)
			}
		}
	}
	ids := l.Checked()
	if len(ids) == 0 {
		// Playing nothing is not a choice: keep the last stream.
		l.checks[i].SetChecked(true)
		return
	}
	l.manual = true
	l.mode.SetText("Your selection")
	l.auto.Enable()
	if l.OnSelect != nil {
		l.OnSelect(ids)
	}
	l.changed()
}

// Checked returns the IDs of the checked streams in list order.
func (l *streamList) Checked() []int {
	var ids []int
	for i, c := range l.checks {
		if c.Checked {
			ids = append(ids, l.tracks[i].ID)
		}
	}
	return ids
}

func (l *streamList) automatic() {
	l.manual = false
	l.mode.SetText("Automatic selection")
	l.auto.Disable()
	if l.OnSelect != nil {
		l.OnSelect(nil)
	}
	l.changed()
}
