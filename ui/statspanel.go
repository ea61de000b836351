package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// statsPanel shows the player's and the transport's counters: what
// arrived and was lost, the link and the buffer, whether fast start was
// used and the play logs sent (the MS-WMSP facts first), then the
// decoders' work. The recovery rows (packets rebuilt by FEC, resent after
// NACKs, late, jitter) show for RTSP sessions and wherever the session
// reports such counters; MMSH and file statistics are not cluttered with
// their zeros.
type statsPanel struct {
	root *fyne.Container

	received, lost, bandwidth, bitrate, buffer, rebuffers *widget.Label
	recovered, jitter                                     *widget.Label
	recoveredName, jitterName                             *widget.RichText
	fastStart, logs, reconnects, firstAudio, firstFrame   *widget.Label
	decodeErrors, frames, avSync, elapsed                 *widget.Label
	// graphs are the live graphs under the counters.
	graphs *graphs

	// shown is set while the panel is on screen (its tab selected, the
	// side panel shown, not full screen). Off screen, Set only keeps the
	// newest counters (and the graphs their readings): a label or graph
	// refreshed off screen still redraws the whole window, about once a
	// second even while paused (issue 12). setShown brings it up to date.
	shown    bool
	latest   player.Stats
	protocol string
}

func newStatsPanel() *statsPanel {
	p := &statsPanel{}
	value := func() *widget.Label { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} }
	p.received, p.lost, p.bandwidth, p.bitrate, p.buffer, p.rebuffers = value(), value(), value(), value(), value(), value()
	p.fastStart, p.logs, p.reconnects, p.firstAudio, p.firstFrame = value(), value(), value(), value(), value()
	p.decodeErrors, p.frames, p.avSync, p.elapsed = value(), value(), value(), value()
	p.recovered, p.jitter = value(), value()
	p.recoveredName, p.jitterName = fieldName("Recovered"), fieldName("Jitter")
	form := container.New(layout.NewFormLayout(),
		fieldName("Received"), p.received,
		fieldName("Lost"), p.lost,
		p.recoveredName, p.recovered,
		p.jitterName, p.jitter,
		fieldName("Bandwidth"), p.bandwidth,
		fieldName("Bit rate"), p.bitrate,
		fieldName("Buffer"), p.buffer,
		fieldName("Rebuffers"), p.rebuffers,
		fieldName("Fast start"), p.fastStart,
		fieldName("Logs sent"), p.logs,
		fieldName("Reconnects"), p.reconnects,
		fieldName("First audio"), p.firstAudio,
		fieldName("First picture"), p.firstFrame,
		fieldName("Decode errors"), p.decodeErrors,
		fieldName("Video frames"), p.frames,
		fieldName("A/V sync"), p.avSync,
		fieldName("Session time"), p.elapsed,
	)
	p.graphs = newGraphs()
	p.root = container.NewVBox(form, widget.NewSeparator(), p.graphs.root)
	p.show(player.Stats{}, "")
	return p
}

// Set shows s, the counters of a session of the given protocol
// (transport.Info.Protocol), at once while the panel is on screen, else
// when it is next shown. The graphs take their reading either way.
func (p *statsPanel) Set(s player.Stats, protocol string) {
	p.latest, p.protocol = s, protocol
	p.graphs.add(time.Now(), s)
	if p.shown {
		p.show(s, protocol)
	}
}

// setShown tells the panel whether it is on screen; coming on screen it
// shows the newest counters and graphs.
func (p *statsPanel) setShown(on bool) {
	if on == p.shown {
		return
	}
	p.shown = on
	p.graphs.setShown(on)
	if on {
		p.show(p.latest, p.protocol)
	}
}

// show sets the labels to s.
func (p *statsPanel) show(s player.Stats, protocol string) {
	setText(p.received, fmt.Sprintf("%d packets · %s", s.PacketsReceived, formatBytes(s.BytesReceived)))
	lost := fmt.Sprint(s.PacketsLost)
	if s.CorruptPackets > 0 {
		lost += fmt.Sprintf(" · %d corrupt", s.CorruptPackets)
	}
	if s.PacketsDuplicate > 0 {
		lost += fmt.Sprintf(" · %d repeated", s.PacketsDuplicate)
	}
	setText(p.lost, lost)
	recovery := s.PacketsRecoveredFEC != 0 || s.PacketsRecoveredResent != 0 || s.NACKsSent != 0 || s.PacketsLate != 0 || s.Jitter != 0
	if recovery || strings.HasPrefix(protocol, "rtsp") {
		rec := fmt.Sprintf("%d by FEC · %d resent", s.PacketsRecoveredFEC, s.PacketsRecoveredResent)
		if s.NACKsSent > 0 {
			rec += fmt.Sprintf(" · %d NACKs sent", s.NACKsSent)
		}
		setText(p.recovered, rec)
		jit := fmt.Sprintf("%.1f ms", float64(s.Jitter)/float64(time.Millisecond))
		if s.PacketsLate > 0 {
			jit += fmt.Sprintf(" · %d packets late", s.PacketsLate)
		}
		setText(p.jitter, jit)
		showAll(p.recoveredName, p.recovered, p.jitterName, p.jitter)
	} else {
		hideAll(p.recoveredName, p.recovered, p.jitterName, p.jitter)
	}
	setText(p.bandwidth, formatBitrate(s.BandwidthBps))
	rate := formatBitrate(s.BitrateBps)
	if s.ReceiveBps > 0 {
		rate += " (arriving at " + formatBitrate(s.ReceiveBps) + ")"
	}
	setText(p.bitrate, rate)
	setText(p.buffer, formatSeconds(s.BufferLevel))
	setText(p.rebuffers, fmt.Sprint(s.Rebuffers))
	if s.FastStart {
		setText(p.fastStart, "On")
	} else {
		setText(p.fastStart, "Off")
	}
	setText(p.logs, fmt.Sprint(s.LogPosts))
	setText(p.reconnects, fmt.Sprint(s.Reconnects))
	if s.TimeToFirstAudio > 0 {
		setText(p.firstAudio, fmt.Sprintf("%d ms", s.TimeToFirstAudio.Milliseconds()))
	} else {
		setText(p.firstAudio, "—")
	}
	if s.TimeToFirstFrame > 0 {
		setText(p.firstFrame, fmt.Sprintf("%d ms", s.TimeToFirstFrame.Milliseconds()))
	} else {
		setText(p.firstFrame, "—")
	}
	setText(p.decodeErrors, fmt.Sprint(s.DecodeErrors))
	setText(p.frames, fmt.Sprintf("%d decoded, %d dropped", s.FramesDecoded, s.FramesDropped))
	if s.FramesDecoded > 0 {
		setText(p.avSync, fmt.Sprintf("within %d ms", s.AVSyncMax.Milliseconds()))
	} else {
		setText(p.avSync, "—")
	}
	setText(p.elapsed, formatClock(s.Elapsed))
}

func showAll(ws ...fyne.CanvasObject) {
	for _, w := range ws {
		if !w.Visible() {
			w.Show()
		}
	}
}

func hideAll(ws ...fyne.CanvasObject) {
	for _, w := range ws {
		if w.Visible() {
			w.Hide()
		}
	}
}

// formatSeconds renders a short duration with one decimal: "2.5 s".
func formatSeconds(d time.Duration) string {
	return fmt.Sprintf("%.1f s", d.Seconds())
}
