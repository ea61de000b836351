package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/transport"
)

// maxTraceEntries bounds the protocol trace the window keeps: the oldest
// go first.
const maxTraceEntries = 2000

// TraceLog keeps the protocol trace of the sessions the player opens
// (transport.Config.Trace = log.Trace) for View ▸ Protocol Trace: the
// requests and responses with their headers and timings, credentials
// already redacted by the transports. Safe for concurrent use; bounded.
type TraceLog struct {
	mu      sync.Mutex
	entries []transport.TraceEntry
	dropped int
}

// NewTraceLog returns an empty log.
func NewTraceLog() *TraceLog { return &TraceLog{} }

// Trace is the transport.Tracer.
func (l *TraceLog) Trace(e transport.TraceEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) == maxTraceEntries {
		l.entries = append(l.entries[:0], l.entries[1:]...)
		l.dropped++
	}
	l.entries = append(l.entries, e)
}

// Text renders the log as eddyplay --trace writes it, times from the
// first entry kept.
func (l *TraceLog) Text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) == 0 {
		return "No protocol messages yet: open a network stream."
	}
	var b []byte
	if l.dropped > 0 {
		b = append(b, "(older messages dropped)\n"...)
	}
	origin := l.entries[0].At
	for _, e := range l.entries {
		b = e.AppendText(b, origin)
	}
	return string(b)
}

// Clear empties the log.
func (l *TraceLog) Clear() {
	l.mu.Lock()
	l.entries, l.dropped = nil, 0
	l.mu.Unlock()
}

// ShowTrace is View ▸ Protocol Trace: the trace as text, with Copy All
// and Clear (none when the window was built without a TraceLog).
func (v *View) ShowTrace() {
	if v.trace == nil {
		v.status.SetWarning("No protocol trace in this build")
		return
	}
	text := widget.NewMultiLineEntry()
	text.TextStyle = fyne.TextStyle{Monospace: true}
	text.Wrapping = fyne.TextWrapOff
	text.SetText(v.trace.Text())
	text.Disable() // read-only; still selectable and copied whole below
	copyAll := widget.NewButton("Copy All", func() { v.app.Clipboard().SetContent(v.trace.Text()) })
	clear := widget.NewButton("Clear", func() { v.trace.Clear(); text.SetText(v.trace.Text()) })
	refresh := widget.NewButton("Refresh", func() { text.SetText(v.trace.Text()) })
	body := container.NewBorder(nil, container.NewHBox(refresh, copyAll, clear), nil, nil, text)
	d := dialog.NewCustom("Protocol Trace", "Close", body, v.win)
	d.Resize(fyne.NewSize(v.win.Canvas().Size().Width*0.9, v.win.Canvas().Size().Height*0.85))
	v.infoDialog = d
	d.SetOnClosed(func() {
		if v.infoDialog == d {
			v.infoDialog = nil
		}
	})
	d.Show()
}
