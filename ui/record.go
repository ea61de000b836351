package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/eddyplayer/eddy/player"
)

// ShowSaveStream is File ▸ Save Stream As…: a save dialog for the ASF
// file the stream being played is recorded into (the player's
// StartRecording), or, while a recording runs, Stop Recording.
func (v *View) ShowSaveStream() {
	if r := v.recording; r != nil && r.Active {
		v.ctl.StopRecording()
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close() // the recorder writes the file itself
		v.RecordTo(path)
	}, v.win)
	d.SetFileName(recordingName(v.media))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".asf", ".wma", ".wmv"}))
	d.Show()
}

// RecordTo records the stream played into path.
func (v *View) RecordTo(path string) {
	v.ctl.StartRecording(path)
	v.status.SetWarning("Recording to " + filepath.Base(path))
}

// recordingName is the file name a recording of m is offered under: its
// title (or the URL's last part), as .asf.
func recordingName(m *player.Media) string {
	name := "recording"
	if m != nil {
		switch {
		case strings.TrimSpace(m.Metadata.Title) != "":
			name = m.Metadata.Title
		case m.URL != "":
			name = strings.TrimSuffix(filepath.Base(m.URL), filepath.Ext(m.URL))
		}
	}
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '_'
		}
		return r
	}, name)
	return name + ".asf"
}

// recordingChanged shows a recording's start and end: the File menu's
// item, the status bar (and why it ended, when not by a stop or the
// stream's end).
func (v *View) recordingChanged(r *player.Recording, err error) {
	v.recording = r
	if err == nil && r != nil {
		err = r.Err
	}
	if v.recordItem != nil {
		v.recordItem.Label = "Save Stream As…"
		if r != nil && r.Active {
			v.recordItem.Label = "Stop Recording"
		}
		if m := v.win.MainMenu(); m != nil {
			m.Refresh()
		}
	}
	switch {
	case r == nil:
	case r.Active:
		v.status.SetWarning("Recording to " + filepath.Base(r.Path))
	case err != nil:
		v.status.SetWarning(oneLine(fmt.Sprintf("Recording %s ended: %v", filepath.Base(r.Path), err)))
	default:
		v.status.SetWarning(fmt.Sprintf("Recorded %s (%s)", filepath.Base(r.Path), byteSize(r.Bytes)))
	}
}

// byteSize is "12.3 MB".
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
