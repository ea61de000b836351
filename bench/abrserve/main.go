// Command abrserve is the throttled Smooth Streaming server of issue 10's
// benchmark (bench/abr.sh). It has three modes.
//
// Serving (the default):
//
//	abrserve -dir TREE -log requests.jsonl [-schedule 5M:20s,1M:20s,5M:20s] [-exit-after 2m]
//
// serves the files of TREE (an FFmpeg Smooth Streaming tree: Manifest,
// QualityLevels(…)/Fragments(…)) on a loopback port through one link
// whose bandwidth follows the schedule (a token bucket shared by every
// connection; see Link), prints the manifest's URL on stdout and logs each
// request (arrival and end since the origin, path, status, bytes) as a
// JSON line. The schedule's origin is the first request's arrival. It
// exits after -exit-after from the origin (or -idle with no request), or
// on SIGINT/SIGTERM.
//
// Stamping, for a player whose output has no clock (GStreamer's
// gst-launch-1.0):
//
//	gst-launch-1.0 … | abrserve -stamp
//
// copies stdin's lines (ended by '\n' or '\r') to stdout, each prefixed by
// the Unix time in milliseconds it arrived and a tab.
//
// Reporting:
//
//	abrserve -report -manifest TREE/Manifest -schedule S PLAYER.json…
//
// reads each player's facts (a JSON object: name, log, stalls, how the
// stalls were counted, time to first frame, wall time over the media's
// length) and request log, and prints the benchmark's table: stalls,
// seconds of media fetched at each video quality, the switch-down after
// the schedule's drop, time to first frame; then the ratio lines.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "abrserve:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("abrserve", flag.ContinueOnError)
	dir := fs.String("dir", "", "the Smooth Streaming tree to serve (holds Manifest)")
	logPath := fs.String("log", "", "write the request log (JSON lines) to this file")
	schedule := fs.String("schedule", "5M:20s,1M:20s,5M:20s", "the link's bandwidth over time: RATE:DURATION,… (after the last step its rate goes on)")
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback)")
	exitAfter := fs.Duration("exit-after", 0, "exit this long after the first request (default: the schedule's length + 60s)")
	idle := fs.Duration("idle", time.Minute, "exit when no request came this long after the start")
	stamp := fs.Bool("stamp", false, "copy stdin to stdout, each line prefixed by its arrival in Unix ms")
	report := fs.Bool("report", false, "print the benchmark's table from players' facts files (arguments)")
	manifestPath := fs.String("manifest", "", "with -report: the tree's Manifest")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *stamp:
		return Stamp(stdin, stdout, time.Now)
	case *report:
		sch, err := ParseSchedule(*schedule)
		if err != nil {
			return err
		}
		return Report(stdout, *manifestPath, sch, fs.Args())
	}
	if *dir == "" || *logPath == "" || fs.NArg() != 0 {
		return errors.New("usage: abrserve -dir TREE -log FILE [-schedule S] [-exit-after D] | -stamp | -report -manifest M -schedule S FACTS.json…")
	}
	sch, err := ParseSchedule(*schedule)
	if err != nil {
		return err
	}
	if *exitAfter <= 0 {
		*exitAfter = sch.Length() + time.Minute
	}
	root, err := os.OpenRoot(*dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := checkTree(root); err != nil {
		return fmt.Errorf("%s: %w", *dir, err)
	}
	logFile, err := os.Create(*logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	link := NewLink(sch)
	srv := &server{root: root, link: link, log: logFile}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      *exitAfter, // a fragment is never slower than the whole run
		IdleTimeout:       time.Minute,
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "http://%s/Manifest\n", ln.Addr())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	began := time.Now()
wait:
	for {
		select {
		case <-sig:
			break wait
		case err := <-served:
			return err
		case <-tick.C:
			if o := link.Origin(); o.IsZero() && time.Since(began) > *idle || !o.IsZero() && time.Since(o) > *exitAfter {
				break wait
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		hs.Close() // connections still sending: cut them
	}
	return errors.Join(srv.logErr(), logFile.Sync())
}
