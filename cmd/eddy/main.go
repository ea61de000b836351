// Command eddy is Eddy's desktop window: a media player for Windows Media
// streams and files, sound and video.
//
//	eddy [flags] [URL-or-FILE]
//
// With no argument it plays the built-in demo (a short WMV+WMA clip). In
// the window: Space plays or pauses, ←/→ seek, ↑/↓ set the volume, F, F11
// or a double click on the video toggle full screen, Escape leaves it.
// Flags:
//
//	-audio auto|device|none  sound output (default auto: the sound device,
//	                         or silent real-time playback when there is none)
//	-bandwidth BPS           cap for the automatic stream choice
//	-events FILE             append the player's events to FILE as JSON lines
//	-v                       debug logging on stderr
package main

import (
	"fmt"
	"os"

	// First of all, before Fyne reads the user's locale: Fyne cannot
	// parse the C locale's names (issue 11 defect 6).
	_ "github.com/eddyplayer/eddy/cmd/internal/fynelocale"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "eddy:", err)
		os.Exit(1)
	}
}
