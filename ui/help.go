package ui

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// AboutInfo is what Help ▸ About says beside the window's own versions
// (Fyne's, Go's, read from the build): Eddy's version and the libraries
// the program linked (cmd/eddy gives FFmpeg's).
type AboutInfo struct {
	Version string // Eddy's version, "0.1.0"
	// Libraries are the FFmpeg libraries linked, each with the version
	// it reports at run time, in order ("libavcodec 59.37.100",
	// "libavutil 57.28.100", …: lavc.Libraries); each is shown as
	// "FFmpeg libavcodec 59.37.100". Empty entries are skipped.
	Libraries []string
}

// ShowShortcuts shows the keyboard shortcuts: every row of the keyboard
// table the keys are installed from (keys.go), and the mouse's.
func (v *View) ShowShortcuts() {
	rows := v.shortcutRows()
	grid := container.NewGridWithColumns(2)
	for _, r := range rows {
		grid.Add(&widget.Label{Text: r[0], TextStyle: fyne.TextStyle{Monospace: true}})
		grid.Add(widget.NewLabel(r[1]))
	}
	d := dialog.NewCustom("Keyboard Shortcuts", "Close", container.NewVScroll(grid), v.win)
	if cs := v.win.Canvas().Size(); cs.Height > 100 {
		d.Resize(fyne.NewSize(minF(560, cs.Width*0.95), cs.Height*0.9))
	}
	v.showInfo(d)
}

// showInfo shows d as the information dialog that Escape and Enter close.
func (v *View) showInfo(d dialog.Dialog) {
	if v.infoDialog != nil {
		v.infoDialog.Hide()
	}
	d.SetOnClosed(func() {
		if v.infoDialog == d {
			v.infoDialog = nil
		}
	})
	v.infoDialog = d
	d.Show()
}

// shortcutRows is the shortcuts dialog's table: keys, what they do.
func (v *View) shortcutRows() [][2]string {
	var rows [][2]string
	for _, b := range v.keys {
		rows = append(rows, [2]string{b.keysText(), b.help})
	}
	rows = append(rows,
		[2]string{"Double-click", "Full screen on or off"},
		[2]string{"Move the mouse", "Show the controls in full screen"},
		[2]string{"Drop files or URLs", "Play them (several: as a playlist)"})
	return rows
}

// ShowAbout shows the versions of Eddy and of what it is built with.
func (v *View) ShowAbout() {
	lines := v.aboutLines()
	box := container.NewVBox(&widget.Label{Text: "Eddy " + v.about.Version, TextStyle: fyne.TextStyle{Bold: true}},
		widget.NewLabel("A player for Windows Media streams and files."))
	for _, l := range lines[1:] {
		box.Add(&widget.Label{Text: l, Selectable: true})
	}
	v.showInfo(dialog.NewCustom("About Eddy", "Close", box, v.win))
}

// aboutLines are the About dialog's versions, Eddy's first.
func (v *View) aboutLines() []string {
	ver := v.about.Version
	if ver == "" {
		ver = "(unknown version)"
	}
	lines := []string{"Eddy " + ver, "Fyne " + moduleVersion("fyne.io/fyne/v2")}
	for _, l := range v.about.Libraries {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, "FFmpeg "+l)
		}
	}
	return append(lines, "Go "+strings.TrimPrefix(runtime.Version(), "go"))
}

// moduleVersion is the version of module path this program was built
// with, from its build information.
func moduleVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	return moduleVersionIn(bi, ok, path)
}

func moduleVersionIn(bi *debug.BuildInfo, ok bool, path string) string {
	if !ok || bi == nil {
		return "(unknown)"
	}
	for _, m := range bi.Deps {
		if m.Path == path {
			if m.Replace != nil {
				m = m.Replace
			}
			return m.Version
		}
	}
	return "(unknown)"
}

// ShowOpenLocation asks for a file path or URL to open (Fyne's file
// dialog has no place to type a path): Enter or Open opens it; the typed
// text may also be a file:// URL.
func (v *View) ShowOpenLocation() {
	entry := widget.NewEntry()
	entry.SetPlaceHolder("/path/to/file.wma or mms://host/stream")
	if t := strings.TrimSpace(v.location.Text); t != "" {
		entry.SetText(t)
	}
	var d dialog.Dialog
	open := func() {
		loc := strings.TrimSpace(entry.Text)
		if loc == "" {
			return
		}
		d.Hide()
		v.Open(loc)
	}
	entry.OnSubmitted = func(string) { open() }
	form := widget.NewForm(widget.NewFormItem("File or URL", entry))
	d = dialog.NewCustomConfirm("Open File or URL", "Open", "Cancel", form, func(ok bool) {
		if ok {
			open()
		}
	}, v.win)
	width := float32(560)
	if cs := v.win.Canvas().Size(); cs.Width > 0 && cs.Width*0.9 < width {
		width = cs.Width * 0.9
	}
	d.Resize(fyne.NewSize(width, 0))
	v.openDialog, v.openEntry = d, entry
	d.Show()
	v.win.Canvas().Focus(entry)
	// The location offered is selected, as in Windows Media Player's Open
	// URL: typing replaces it, an arrow key keeps it to correct.
	if entry.Text != "" {
		entry.TypedShortcut(&fyne.ShortcutSelectAll{})
	}
}

// Drop opens what was dropped on the window: one file or URL plays; several
// play one after the other as a playlist (player.OpenList) in the order
// dropped.
func (v *View) Drop(uris []fyne.URI) {
	var locs []string
	for _, u := range uris {
		if u == nil {
			continue
		}
		if l := strings.TrimSpace(uriLocation(u)); l != "" {
			locs = append(locs, l)
		}
	}
	switch len(locs) {
	case 0:
		return
	case 1:
		v.Open(locs[0])
		return
	}
	if len(locs) > MaxDropped {
		locs = locs[:MaxDropped]
		v.status.SetWarning(fmt.Sprintf("Only the first %d dropped items are played", MaxDropped))
	}
	v.pendingRecent, v.pendingOpened = "", false
	v.loc = ""
	v.location.SetText("")
	v.lastErr = nil
	v.status.SetError("")
	v.seekTill = time.Time{}
	v.videoHold = true
	v.clearVideo()
	v.video.showOpening(fmt.Sprintf("%d dropped items", len(locs)))
	v.win.Canvas().Unfocus()
	v.ctl.OpenList(droppedTitle, locs)
}

const (
	// MaxDropped bounds the items one drop plays (a playlist holds at
	// most 4096 entries; a drop of more is surely a mistake).
	MaxDropped = 1000
	// droppedTitle is the title of the playlist of dropped items.
	droppedTitle = "Dropped items"
)

func minF(a, b float32) float32 {
	if a < b {
		return a
	}
	return b
}
