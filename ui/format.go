package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"fmt"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

// formatClock renders a media time as m:ss, or h:mm:ss from one hour.
// Negative times show as 0:00.
func formatClock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}

// formatBitrate renders bits per second: "850 b/s", "96 kb/s", "1.5 Mb/s".
func formatBitrate(bps int64) string {
	switch {
	case bps <= 0:
		return "—"
	case bps < 1000:
		return fmt.Sprintf("%d b/s", bps)
	case bps < 1_000_000:
		return fmt.Sprintf("%d kb/s", (bps+500)/1000)
	}
	return fmt.Sprintf("%.1f Mb/s", float64(bps)/1e6)
}

// formatBytes renders a byte count with binary units.
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for v := n / unit; v >= unit && exp < 4; v /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// formatRate renders a sample rate: "44.1 kHz", "8 kHz".
func formatRate(hz int) string {
	if hz%1000 == 0 {
		return fmt.Sprintf("%d kHz", hz/1000)
	}
	return fmt.Sprintf("%.1f kHz", float64(hz)/1000)
}

func formatChannels(n int) string {
	switch n {
	case 1:
		return "mono"
	case 2:
		return "stereo"
	}
	return fmt.Sprintf("%d ch", n)
}

// trackTitle names a track: "Audio 1", "Video 2", "Command 3".
func trackTitle(t player.TrackInfo) string {
	kind := t.Type.String()
	if kind != "" {
		kind = strings.ToUpper(kind[:1]) + kind[1:]
	}
	return fmt.Sprintf("%s %d", kind, t.ID)
}

// trackDetails describes a track's codec and parameters:
// "MP3 · 96 kb/s · 44.1 kHz stereo · en-us".
func trackDetails(t player.TrackInfo) string {
	var parts []string
	if t.Codec.Kind != transport.CodecUnknown {
		parts = append(parts, t.Codec.Name())
	}
	if t.Bitrate > 0 {
		parts = append(parts, formatBitrate(int64(t.Bitrate)))
	}
	switch t.Type {
	case transport.Audio:
		if a := t.Audio; a.SampleRate > 0 {
			parts = append(parts, formatRate(a.SampleRate)+" "+formatChannels(a.Channels))
		}
	case transport.Video:
		if v := t.Video; v.Width > 0 && v.Height > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", v.Width, v.Height))
		}
	}
	if t.Language != "" {
		parts = append(parts, t.Language)
	}
	if t.Name != "" {
		parts = append(parts, "“"+t.Name+"”")
	}
	if t.Encrypted {
		parts = append(parts, "DRM-protected")
	} else if t.Decoder == "" && t.Type != transport.Command {
		parts = append(parts, "no decoder")
	}
	return strings.Join(parts, " · ")
}

// stateText is what the status bar says about the player's state.
func stateText(s player.Status) string {
	switch s.State {
	case player.Buffering:
		return fmt.Sprintf("Buffering %d%%", percent(s.Buffering))
	case player.Idle:
		return "Ready"
	}
	return s.State.String()
}

// percent turns a 0..1 fraction into a whole percentage, clamped.
func percent(f float64) int {
	if !(f > 0) { // also NaN
		return 0
	}
	if f >= 1 {
		return 100
	}
	return int(f*100 + 0.5)
}

// active reports whether the player is, or is about to be, presenting
// media: the play/pause button then pauses.
func active(s player.State) bool {
	return s == player.Opening || s == player.Buffering || s == player.Playing
}

func playIcon() fyne.Resource   { return theme.MediaPlayIcon() }
func pauseIcon() fyne.Resource  { return theme.MediaPauseIcon() }
func replayIcon() fyne.Resource { return theme.MediaReplayIcon() }
