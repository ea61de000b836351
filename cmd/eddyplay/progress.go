package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/player"
)

// progressBar draws one status line on a terminal; on anything else it
// stays silent.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	last  time.Time
	shown bool
}

// progressEvery is how often the progress line is redrawn (the
// player's position tick).
const progressEvery = 250 * time.Millisecond

func newProgressBar(w io.Writer) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, tty: tty}
}

func (b *progressBar) update(st player.Status) {
	if !b.tty {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if time.Since(b.last) < progressEvery-progressEvery/4 && st.State == player.Playing {
		return
	}
	b.last = time.Now()
	fmt.Fprintf(b.w, "\r\033[K%s", progressLine(st, 30))
	b.shown = true
}

func (b *progressBar) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

func (b *progressBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		fmt.Fprintln(b.w)
		b.shown = false
	}
}

// progressLine renders "▶ 01:02 / 03:00 [=====>    ] buf 100% 128 kb/s".
func progressLine(st player.Status, width int) string {
	icon := map[player.State]string{
		player.Playing: "▶", player.Paused: "⏸", player.Buffering: "…", player.Opening: "…",
		player.Ended: "■", player.Stopped: "■", player.Failed: "✖",
	}[st.State]
	if icon == "" {
		icon = " "
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s", icon, clock(st.Position))
	if st.Duration > 0 {
		fmt.Fprintf(&sb, " / %s ", clock(st.Duration))
		filled := int(float64(width) * float64(st.Position) / float64(st.Duration))
		filled = min(max(filled, 0), width)
		sb.WriteString("[" + strings.Repeat("=", filled) + strings.Repeat(" ", width-filled) + "]")
	} else {
		sb.WriteString(" (live)")
	}
	fmt.Fprintf(&sb, " buf %3.0f%%", st.Buffering*100)
	if st.Stats.BitrateBps > 0 {
		fmt.Fprintf(&sb, " %d kb/s", st.Stats.BitrateBps/1000)
	}
	if st.State == player.Buffering {
		sb.WriteString(" buffering")
	}
	return sb.String()
}

func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
