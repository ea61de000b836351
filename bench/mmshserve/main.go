// Command mmshserve runs the fake MS-WMSP server of package mmshtest on
// loopback for benchmarks: it serves an ASF file at /<name>, paced in real
// time (with fast-start bursts when asked) over a link throttled to
// -link bytes per second, prints the mmsh:// URL on stdout and serves until
// interrupted.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mmshserve:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("mmshserve", flag.ContinueOnError)
	link := fs.Int64("link", 0, "throttle every connection to this many bytes per second (0: unlimited)")
	pace := fs.Bool("pace", true, "send packets at their send times (real time), bursting for AccelBW")
	broadcast := fs.Bool("broadcast", false, "serve as a live broadcast")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: mmshserve [-link B/s] [-pace] [-broadcast] FILE.asf")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	c, err := mmshtest.File(data)
	if err != nil {
		return err
	}
	c.Broadcast = *broadcast
	srv, err := mmshtest.NewServer(mmshtest.Options{LinkRate: *link, Pace: *pace})
	if err != nil {
		return err
	}
	defer srv.Close()
	path := "/" + filepath.Base(fs.Arg(0))
	srv.Handle(path, c)
	fmt.Println(srv.URL + path)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return nil
}
