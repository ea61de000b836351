// Command decodebench measures the CPU time (user+system) of
// `eddyplay --out /dev/null FILE` (the whole player: ASF demuxing, every
// selected audio and video stream decoded by libavcodec, PCM to a WAV
// writer, pictures converted to RGBA, nothing shown) against
// `ffmpeg -i FILE -f null -` on the same file, each the best of several
// runs, and prints the ratio. bench/decode.sh runs it on the 60 s
// WMV2+WMA2 fixture.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "decodebench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("decodebench", flag.ContinueOnError)
	runs := fs.Int("runs", 3, "measure each side this many times and keep the fastest")
	eddyplay := fs.String("eddyplay", "eddyplay", "eddyplay binary")
	ffmpeg := fs.String("ffmpeg", "ffmpeg", "ffmpeg command to compare with")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *runs < 1 {
		return errors.New("usage: decodebench [-runs N] [-eddyplay BIN] [-ffmpeg CMD] FILE.wmv")
	}
	path := fs.Arg(0)
	var ours, theirs time.Duration
	for i := 0; i < *runs; i++ {
		d, err := cpu(exec.Command(*eddyplay, "--out", os.DevNull, path))
		if err != nil {
			return fmt.Errorf("eddyplay: %w", err)
		}
		if i == 0 || d < ours {
			ours = d
		}
		d, err = cpu(exec.Command(*ffmpeg, "-nostdin", "-v", "error", "-i", path, "-f", "null", "-"))
		if err != nil {
			return fmt.Errorf("ffmpeg: %w", err)
		}
		if i == 0 || d < theirs {
			theirs = d
		}
	}
	fmt.Fprintf(stdout, "eddyplay --out /dev/null: %8.3f s CPU\n", ours.Seconds())
	fmt.Fprintf(stdout, "ffmpeg -f null          : %8.3f s CPU\n", theirs.Seconds())
	fmt.Fprintf(stdout, "ratio eddy/ffmpeg       : %8.2f (goal <= 1.20)\n", ours.Seconds()/theirs.Seconds())
	return nil
}

// cpu runs cmd and returns its user+system CPU time.
func cpu(cmd *exec.Cmd) (time.Duration, error) {
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return 0, err
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}
