package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// statusBar is the strip at the bottom of the window: the player's state
// with a buffering gauge, a message area, and the current bit rate and
// buffer level.
//
// The message area shows, in order of precedence, the last error, the
// last warning (non-fatal problems, which do not deserve a dialog), and a
// standing notice set by the app (e.g. that there is no sound device).
type statusBar struct {
	root *fyne.Container

	stateIcon *widget.Icon
	state     *widget.Label
	buffer    *widget.ProgressBar
	msgIcon   *widget.Icon
	msg       *widget.Label
	bitrate   *widget.Label

	errText, warning, notice string
}

func newStatusBar() *statusBar {
	b := &statusBar{
		stateIcon: widget.NewIcon(theme.MediaStopIcon()),
		state:     &widget.Label{Text: "Ready", TextStyle: fyne.TextStyle{Bold: true}},
		buffer:    widget.NewProgressBar(),
		msgIcon:   widget.NewIcon(theme.InfoIcon()),
		msg:       &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		bitrate:   &widget.Label{},
	}
	b.buffer.Hide()
	b.msgIcon.Hide()
	gauge := container.New(layout.NewGridWrapLayout(fyne.NewSize(110, b.state.MinSize().Height)), b.buffer)
	left := container.NewHBox(b.stateIcon, b.state, gauge)
	b.root = container.NewBorder(nil, nil, left, b.bitrate, container.NewBorder(nil, nil, b.msgIcon, nil, b.msg))
	return b
}

// SetStatus shows the player's state, buffering and bit rate.
func (b *statusBar) SetStatus(s player.Status) {
	relayout := false
	if t := stateText(s); t != b.state.Text {
		b.state.SetText(t)
		relayout = true
	}
	switch s.State {
	case player.Playing:
		b.stateIcon.SetResource(theme.MediaPlayIcon())
	case player.Paused:
		b.stateIcon.SetResource(theme.MediaPauseIcon())
	case player.Opening, player.Buffering:
		b.stateIcon.SetResource(theme.DownloadIcon())
	case player.Failed:
		b.stateIcon.SetResource(theme.ErrorIcon())
	default:
		b.stateIcon.SetResource(theme.MediaStopIcon())
	}
	if s.State == player.Buffering {
		b.buffer.SetValue(clamp01(s.Buffering))
		relayout = relayout || !b.buffer.Visible()
		b.buffer.Show()
	} else if b.buffer.Visible() {
		b.buffer.Hide()
		relayout = true
	}
	var parts []string
	if s.Rate != 0 && s.Rate != 1 {
		parts = append(parts, rateText(s.Rate))
	}
	if s.State != player.Idle {
		if s.Stats.BitrateBps > 0 {
			parts = append(parts, formatBitrate(s.Stats.BitrateBps))
		}
		if s.Stats.BufferLevel > 0 {
			// Whole seconds: the level moves with every packet, and a
			// text that changes ten times a second is re-shaped and
			// redraws the window each time (issue 12); the Statistics
			// tab has the tenths.
			parts = append(parts, fmt.Sprintf("buffer %d s", int64(s.Stats.BufferLevel/time.Second)))
		}
	}
	if t := strings.Join(parts, " · "); t != b.bitrate.Text {
		before := b.bitrate.MinSize().Width
		b.bitrate.SetText(t)
		relayout = relayout || b.bitrate.MinSize().Width != before
	}
	if relayout {
		// Widths or visibility changed: lay the bar out again now rather
		// than relying on the driver noticing the new minimum sizes.
		b.root.Refresh()
	}
}

// SetError shows a fatal error's text ("" clears it).
func (b *statusBar) SetError(text string) { b.errText = text; b.showMessage() }

// SetWarning shows a non-fatal problem ("" clears it).
func (b *statusBar) SetWarning(text string) { b.warning = text; b.showMessage() }

// SetNotice sets the standing notice ("" clears it).
func (b *statusBar) SetNotice(text string) { b.notice = text; b.showMessage() }

// Message returns the text the message area shows.
func (b *statusBar) Message() string { return b.msg.Text }

func (b *statusBar) showMessage() {
	switch {
	case b.errText != "":
		b.msgIcon.SetResource(theme.ErrorIcon())
		b.msg.Importance = widget.DangerImportance
		b.msg.SetText(b.errText)
	case b.warning != "":
		b.msgIcon.SetResource(theme.WarningIcon())
		b.msg.Importance = widget.WarningImportance
		b.msg.SetText(b.warning)
	case b.notice != "":
		b.msgIcon.SetResource(theme.InfoIcon())
		b.msg.Importance = widget.MediumImportance
		b.msg.SetText(b.notice)
	default:
		b.msg.SetText("")
		b.msgIcon.Hide()
		b.root.Refresh()
		return
	}
	b.msgIcon.Show()
	b.msg.Refresh()
	b.root.Refresh()
}

func clamp01(f float64) float64 {
	if !(f > 0) {
		return 0
	}
	if f > 1 {
		return 1
	}
	return f
}

// rateText shows a fast forward or rewind rate: "▶▶ 5×", "◀◀ 5×".
func rateText(r float64) string {
	if r < 0 {
		return fmt.Sprintf("◀◀ %g×", -r)
	}
	return fmt.Sprintf("▶▶ %g×", r)
}
