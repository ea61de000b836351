// Command eddyplay is Eddy's headless player: it plays a URL or file to the
// sound device, decodes it into a WAV file, or describes it.
//
//	eddyplay [flags] URL-or-FILE
//
// With no flags it plays to the sound device and shows a one-line progress
// bar on a terminal. Flags:
//
//	--out FILE.wav      decode the selected audio stream into a 16-bit PCM WAV at
//	                    the stream's own rate and channels, as fast as the source
//	                    delivers, then exit
//	--probe             print one JSON object describing the presentation and exit
//	--stream N          play ASF stream number N (repeatable); default: automatic
//	--bandwidth BPS     bandwidth cap for the automatic stream choice
//	--start DURATION    start position (e.g. 1m30s)
//	--duration DURATION stop after this much media
//	--stats             print one JSON object of statistics at the end
//	--frames DIR        write every Nth decoded video frame as PNG into DIR
//	--frames-every N    with --frames, one frame in N (default 25)
//	--buffer DURATION   media to buffer before playing (default: the preroll)
//	--no-fast-start     do not ask MMS servers for fast start
//	--timeout DURATION  network timeout (default 15s)
//	--udp-ports FIRST-LAST  receive UDP media only on these local ports
//	--log-level LEVEL   debug, info, warn (default) or error, on stderr
//	--audio-device NAME play on ALSA device NAME instead of the system default
//	                    (a device that does not open is an error)
//	--list-audio-devices print the ALSA devices that can play (NAME, a tab, the
//	                    description) and exit
//
// Errors exit with status 1 and one line "eddyplay: <what failed and why>".
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "eddyplay:", err)
		os.Exit(1)
	}
}
