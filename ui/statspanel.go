package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// statsPanel shows the player's and the transport's counters.
type statsPanel struct {
	root *fyne.Container

	received, lost, corrupt, bitrate, bandwidth, buffer  *widget.Label
	rebuffers, firstAudio, decodeErrors, frames, elapsed *widget.Label
}

func newStatsPanel() *statsPanel {
	p := &statsPanel{}
	value := func() *widget.Label { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} }
	p.received, p.lost, p.corrupt, p.bitrate, p.bandwidth, p.buffer = value(), value(), value(), value(), value(), value()
	p.rebuffers, p.firstAudio, p.decodeErrors, p.frames, p.elapsed = value(), value(), value(), value(), value()
	p.root = container.New(layout.NewFormLayout(),
		fieldName("Received"), p.received,
		fieldName("Lost"), p.lost,
		fieldName("Corrupt"), p.corrupt,
		fieldName("Bit rate"), p.bitrate,
		fieldName("Bandwidth"), p.bandwidth,
		fieldName("Buffer"), p.buffer,
		fieldName("Rebuffers"), p.rebuffers,
		fieldName("First audio"), p.firstAudio,
		fieldName("Decode errors"), p.decodeErrors,
		fieldName("Video frames"), p.frames,
		fieldName("Session time"), p.elapsed,
	)
	p.Set(player.Stats{})
	return p
}

// Set shows s.
func (p *statsPanel) Set(s player.Stats) {
	p.received.SetText(fmt.Sprintf("%d packets · %s", s.PacketsReceived, formatBytes(s.BytesReceived)))
	p.lost.SetText(fmt.Sprintf("%d (%d recovered)", s.PacketsLost, s.PacketsRecovered))
	p.corrupt.SetText(fmt.Sprint(s.CorruptPackets))
	p.bitrate.SetText(formatBitrate(s.BitrateBps))
	p.bandwidth.SetText(formatBitrate(s.BandwidthBps))
	p.buffer.SetText(formatSeconds(s.BufferLevel))
	p.rebuffers.SetText(fmt.Sprint(s.Rebuffers))
	if s.TimeToFirstAudio > 0 {
		p.firstAudio.SetText(fmt.Sprintf("%d ms", s.TimeToFirstAudio.Milliseconds()))
	} else {
		p.firstAudio.SetText("—")
	}
	p.decodeErrors.SetText(fmt.Sprint(s.DecodeErrors))
	p.frames.SetText(fmt.Sprintf("%d shown, %d dropped", s.FramesDecoded, s.FramesDropped))
	p.elapsed.SetText(formatClock(s.Elapsed))
}

// formatSeconds renders a short duration with one decimal: "2.5 s".
func formatSeconds(d time.Duration) string {
	return fmt.Sprintf("%.1f s", d.Seconds())
}
