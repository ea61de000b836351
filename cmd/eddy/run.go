package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/eddyplayer/eddy/assets"
	"github.com/eddyplayer/eddy/cmd/internal/alsasink"
	"github.com/eddyplayer/eddy/cmd/internal/wiring"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/ui"
)

const (
	// appID is the application ID, as in FyneApp.toml; Fyne keys the
	// preferences (recent locations, volume) by it.
	appID = "io.github.eddyplayer.eddy"
	// demoURL opens the built-in demo, served from memory.
	demoURL = wiring.DemoScheme + "://" + assets.DemoName
	// The initial window size.
	windowWidth, windowHeight = 1000, 640
)

// options are the command line.
type options struct {
	audio     string
	bandwidth int64
	events    string
	verbose   bool
	location  string // empty: the demo
	// cpuProfile and profileFor: a CPU profile of the first profileFor
	// of the run (issue 12's measurements).
	cpuProfile string
	profileFor time.Duration
}

func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("eddy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.audio, "audio", "auto", "sound output: auto (the audio device chosen in Preferences or the system default, else silent real-time playback), device (no silent fall back), none")
	fs.Int64Var(&o.bandwidth, "bandwidth", 0, "bandwidth cap in bits per second for the automatic stream choice (0: none)")
	fs.StringVar(&o.events, "events", "", "append the player's events to `FILE` as JSON lines")
	fs.BoolVar(&o.verbose, "v", false, "log debug messages on stderr")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile (go tool pprof) of the run's first -profile-for to `FILE`")
	fs.DurationVar(&o.profileFor, "profile-for", 20*time.Second, "how long -cpuprofile records")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: eddy [flags] [URL-or-FILE]")
		fmt.Fprintln(stderr, "With no URL or file, Eddy plays its built-in demo.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch o.audio {
	case "auto", "device", "none":
	default:
		return o, fmt.Errorf("-audio %q: want auto, device or none", o.audio)
	}
	if o.bandwidth < 0 {
		return o, fmt.Errorf("-bandwidth %d: must not be negative", o.bandwidth)
	}
	switch fs.NArg() {
	case 0:
	case 1:
		o.location = fs.Arg(0)
	default:
		return o, fmt.Errorf("one URL or file at a time (got %d)", fs.NArg())
	}
	return o, nil
}

func run(args []string) error {
	var gc *startGC
	if os.Getenv("GOGC") == "" {
		gc = newStartGC(debug.SetGCPercent)
		defer time.AfterFunc(startGCFor, gc.end).Stop()
	}
	tuneMalloc()
	opts, err := parseArgs(args, os.Stderr)
	if err == nil && opts.cpuProfile != "" {
		stop, perr := profileCPU(opts.cpuProfile, opts.profileFor)
		if perr != nil {
			return fmt.Errorf("-cpuprofile: %w", perr)
		}
		defer stop()
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if opts.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	a := app.NewWithID(appID)
	fontsLoaded := warmFonts(a)
	// The sound output: the audio device chosen in File ▸ Preferences,
	// else the system default.
	sink, out, notice, err := openSink(opts.audio, a.Preferences().String(ui.PrefAudioDevice), logger)
	if err != nil {
		return err
	}
	// The window shows the decoded pictures; the player presents them to
	// it at their time against the audio clock.
	video := ui.NewVideoView()
	trace := ui.NewTraceLog()
	p, err := player.New(player.Config{
		Transports: wiring.Transports(assets.DemoASF),
		Decoders:   wiring.Decoders(),
		Sink:       sink,
		Video:      video,
		Transport: transport.Config{
			Bandwidth: opts.bandwidth,
			ClientID:  wiring.ClientID(),
			Trace:     trace.Trace, // View ▸ Protocol Trace
		},
		Bandwidth: opts.bandwidth,
		Logger:    logger,
		// Files and on-demand streams start where they were left.
		Resume: ui.NewPositions(a.Preferences()),
	})
	if err != nil {
		sink.Close()
		return err
	}
	defer p.Close()
	if gc != nil {
		cancel := p.Subscribe(gc.watch)
		defer cancel()
	}

	if opts.events != "" {
		f, err := os.OpenFile(opts.events, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("-events: %w", err)
		}
		defer f.Close()
		cancel := p.Subscribe(newEventLog(f).Handle)
		defer cancel()
	}

	a.SetIcon(assets.WindowIcon)
	w := a.NewWindow("Eddy")
	noDepthBuffer()
	w.SetMaster()
	w.Resize(fyne.NewSize(windowWidth, windowHeight))
	w.CenterOnScreen()
	var ctl ui.Controller = p
	if out != nil {
		ctl = controller{Player: p, out: out, devices: alsasink.Devices}
	}
	var v *ui.View
	// Quitting (the window's close button, File ▸ Quit, SIGINT, SIGTERM):
	// the view lets go of the player and the player leaves the
	// presentation first, while Fyne's event loop still runs. So the
	// position is remembered in the preferences before they are saved for
	// the last time (left to p.Close below, the change would come within
	// Fyne's 100 ms debounce of an earlier save and never reach the disk),
	// and no frame or event of Eddy's is queued on the loop as Fyne drains
	// and closes its queue: Fyne 2.7 panics on a call queued just as it
	// closes it ("send on closed channel"), and the more calls are
	// waiting, the wider that window. Fyne's own stop hook, the last save
	// of the preferences, is taken out of its lifecycle and run here too
	// (takeStopHooks: run by Fyne, it can hang the exit).
	stop := stopSteps(a.Lifecycle(), func() { v.Close() }, p.Halt)
	quit := func() {
		stop()
		a.Quit()
	}
	<-fontsLoaded
	v = ui.New(ui.Config{App: a, Window: w, Controller: ctl, Logo: assets.Icon, DemoURL: demoURL, Video: video, Trace: trace,
		About: aboutInfo(), Quit: quit})
	w.SetCloseIntercept(quit)
	if notice != "" {
		v.SetNotice(notice)
	}
	if out != nil {
		// A device that fails or cannot be opened later is said in the
		// status bar.
		for _, n := range out.SetNotify(func(n string) { fyne.Do(func() { v.SetNotice(n) }) }) {
			v.SetNotice(n)
		}
	}
	if opts.location != "" {
		v.Open(opts.location)
	} else {
		v.OpenTransient(demoURL)
	}

	// SIGINT/SIGTERM quit. Fyne's own handler of them stops its loop too,
	// and may come first, so that a quit queued on the loop would not run
	// there, or would run after the loop, on this goroutine, closing a
	// window GLFW has already let go of (a panic). So the steps of
	// stopping are taken at once, here (each is safe on any goroutine):
	// nothing of Eddy's is queued on the loop as it stops. Then the loop
	// is stopped as Fyne's handler does, which does nothing when that
	// came first.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case s := <-sig:
			logger.Info("quitting", "signal", s.String())
			stop()
			fyne.Do(a.Driver().Quit)
		case <-stopped:
		}
	}()

	w.ShowAndRun()
	// Fyne also stops on its own (its handler of SIGINT and SIGTERM may
	// come before Eddy's): the same steps, once.
	stop()
	return p.Close()
}

// profileCPU records a CPU profile into path for d (or until stop).
func profileCPU(path string, d time.Duration) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			pprof.StopCPUProfile()
			f.Close()
		})
	}
	time.AfterFunc(d, stop)
	return stop, nil
}

// aboutInfo is what Help ▸ About says of Eddy: its version and the FFmpeg
// libraries linked, each with the version it reports at run time.
func aboutInfo() ui.AboutInfo {
	return ui.AboutInfo{Version: wiring.Version, Libraries: lavc.Libraries()}
}
