// Command soakbench plays a looping live MMSH broadcast (the fake server
// of transport/mmsh/mmshtest, paced in real time) through the whole
// player for a while, switching streams every -every (video off, video
// on) and opening the stream again every -reopen switches, and samples the
// process's resident memory (with the Go heap, what the Go runtime holds,
// the media buffer pool and the C heap in use beside it), goroutines and
// open files each -sample. It
// prints one line per sample and, at the end, the growth after the first
// sample past -settle, and exits 1 when a growth is over its bound
// (issue 12: no growth over hours).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/bufpool"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "soakbench:", err)
		os.Exit(1)
	}
}

// options are the soak's settings.
type options struct {
	file          string
	duration      time.Duration
	every, sample time.Duration
	settle        time.Duration
	reopen        int
	maxRSS        int64 // bytes of growth allowed
	maxGoroutines int
	maxFiles      int
}

// sample is one reading of the process.
type sample struct {
	at  time.Duration
	rss int64
	// goHeap is the Go heap's live and not yet collected objects, goHeld
	// all the memory the Go runtime holds from the system (heap, free
	// spans not yet returned, stacks, its own structures), pool the
	// media buffers kept for reuse (part of goHeap), cHeap the C heap in
	// use (FFmpeg's) and cFree what the C allocator keeps free.
	goHeap, goHeld, pool, cHeap, cFree int64
	goroutines                         int
	files                              int
	// frames and audio are the current session's (an open starts them
	// again).
	frames int64
	audio  time.Duration
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("soakbench", flag.ContinueOnError)
	o := options{}
	fs.DurationVar(&o.duration, "duration", 30*time.Minute, "how long to play")
	fs.DurationVar(&o.every, "every", 20*time.Second, "a stream switch this often")
	fs.DurationVar(&o.sample, "sample", time.Minute, "a reading this often")
	fs.DurationVar(&o.settle, "settle", time.Minute, "growth is measured from the first reading after this")
	fs.IntVar(&o.reopen, "reopen", 5, "every Nth switch opens the stream again instead")
	var maxRSSMB int
	fs.IntVar(&maxRSSMB, "max-rss-growth", 32, "MB of resident memory growth allowed after settling")
	fs.IntVar(&o.maxGoroutines, "max-goroutine-growth", 8, "goroutines of growth allowed after settling")
	fs.IntVar(&o.maxFiles, "max-fd-growth", 4, "open files of growth allowed after settling")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: soakbench [flags] FILE.wmv (audio and video)")
	}
	o.file = fs.Arg(0)
	o.maxRSS = int64(maxRSSMB) << 20
	samples, err := soak(o, out)
	if err != nil {
		return err
	}
	return judge(o, samples, out)
}

// pictures takes the decoded pictures as the window does (reads them,
// hands them back) and counts them.
type pictures struct{ n, sum int64 }

func (p *pictures) Present(f decoder.Frame) {
	p.n++
	if f.Image != nil && len(f.Image.Pix) > 0 {
		p.sum += int64(f.Image.Pix[len(f.Image.Pix)/2])
	}
}
func (p *pictures) Recycles() bool { return true }

func soak(o options, out io.Writer) ([]sample, error) {
	data, err := os.ReadFile(o.file)
	if err != nil {
		return nil, err
	}
	c, err := mmshtest.File(data)
	if err != nil {
		return nil, err
	}
	c.Broadcast, c.Loop = true, true
	srv, err := mmshtest.NewServer(mmshtest.Options{Pace: true})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	srv.Handle("/live", c)
	url := srv.URL + "/live"

	// The registries of the MMSH path (the programs' own, in
	// cmd/internal/wiring, are out of a benchmark's reach).
	transports := transport.NewRegistry()
	mmsh.Register(transports, &mmsh.Dialer{})
	decoders := decoder.NewRegistry()
	decoder.RegisterBuiltin(decoders)
	lavc.Register(decoders)
	pics := &pictures{}
	p, err := player.New(player.Config{
		Transports: transports,
		Decoders:   decoders,
		Sink:       audio.NewNullSink(audio.NullSinkConfig{Paced: true}),
		Video:      pics,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return nil, err
	}
	defer p.Close()
	p.Open(url)

	start := time.Now()
	switches := time.NewTicker(o.every)
	defer switches.Stop()
	readings := time.NewTicker(o.sample)
	defer readings.Stop()
	end := time.NewTimer(o.duration)
	defer end.Stop()
	fmt.Fprintf(out, "%8s %8s %10s %10s %8s %9s %9s %11s %6s %8s %9s\n", "at", "RSS MB", "Go held MB", "Go heap MB", "pool MB", "C heap MB", "C free MB", "goroutines", "fds", "frames", "audio s")
	var samples []sample
	read := func() {
		s := sample{at: time.Since(start).Round(time.Second), rss: rss(), goHeap: goHeap(), goHeld: goHeld(), pool: bufpool.Kept(),
			goroutines: runtime.NumGoroutine(), files: openFiles(),
			frames: int64(p.Status().Stats.FramesDecoded), audio: p.Status().Stats.AudioPlayed}
		s.cHeap, s.cFree = cHeap()
		samples = append(samples, s)
		mb := func(n int64) float64 { return float64(n) / (1 << 20) }
		fmt.Fprintf(out, "%8v %8.1f %10.1f %10.1f %8.1f %9.1f %9.1f %11d %6d %8d %9.0f\n", s.at, mb(s.rss), mb(s.goHeld), mb(s.goHeap), mb(s.pool), mb(s.cHeap), mb(s.cFree),
			s.goroutines, s.files, s.frames, s.audio.Seconds())
	}
	read()
	n := 0
	for {
		select {
		case <-switches.C:
			n++
			var ids []int
			if m := p.Status().Media; m != nil && n%2 == 1 {
				for _, t := range m.Tracks {
					if t.Selected && t.Type.String() == "audio" {
						ids = append(ids, t.ID)
					}
				}
			}
			if o.reopen > 0 && n%o.reopen == 0 {
				p.Open(url) // a new session: the old one's goroutines and connections must go
			} else {
				p.SelectStreams(ids) // video off; nil: the automatic choice again
			}
		case <-readings.C:
			read()
		case <-end.C:
			read()
			if st := p.Status(); st.State == player.Failed {
				return samples, fmt.Errorf("the player failed: %v", st.State)
			}
			return samples, nil
		}
	}
}

// judge prints the growth after settling and fails when it is over the
// bounds.
func judge(o options, samples []sample, out io.Writer) error {
	var base *sample
	for i := range samples {
		if samples[i].at >= o.settle {
			base = &samples[i]
			break
		}
	}
	if base == nil || len(samples) == 0 {
		return errors.New("no reading after settling: run longer")
	}
	last := samples[len(samples)-1]
	var peak sample
	played := 0 // readings after settling with pictures and sound
	for _, s := range samples {
		if s.at >= base.at {
			peak.rss, peak.goroutines, peak.files = max(peak.rss, s.rss), max(peak.goroutines, s.goroutines), max(peak.files, s.files)
			if s.frames > 0 && s.audio > 0 {
				played++
			}
		}
	}
	fmt.Fprintf(out, "growth from %v to %v: RSS %+.1f MB (peak %+.1f), goroutines %+d (peak %+d), fds %+d (peak %+d); %d of the readings saw pictures and sound\n",
		base.at, last.at, float64(last.rss-base.rss)/(1<<20), float64(peak.rss-base.rss)/(1<<20),
		last.goroutines-base.goroutines, peak.goroutines-base.goroutines, last.files-base.files, peak.files-base.files, played)
	var errs []error
	if g := last.rss - base.rss; g > o.maxRSS {
		errs = append(errs, fmt.Errorf("resident memory grew by %d MB (bound %d)", g>>20, o.maxRSS>>20))
	}
	if g := last.goroutines - base.goroutines; g > o.maxGoroutines {
		errs = append(errs, fmt.Errorf("goroutines grew by %d (bound %d)", g, o.maxGoroutines))
	}
	if g := last.files - base.files; g > o.maxFiles {
		errs = append(errs, fmt.Errorf("open files grew by %d (bound %d)", g, o.maxFiles))
	}
	if played == 0 {
		errs = append(errs, errors.New("nothing played after settling"))
	}
	return errors.Join(errs...)
}

// rss is the process's resident memory in bytes (Linux).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// goHeap is the bytes of the Go heap's objects, live or not yet
// collected.
func goHeap() int64 {
	m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(m[0].Value.Uint64())
}

// goHeld is the bytes the Go runtime holds from the system: everything it
// mapped but what it has returned.
func goHeld() int64 {
	m := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindUint64 || m[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(m[0].Value.Uint64()) - int64(m[1].Value.Uint64())
}

// openFiles counts the process's open file descriptors (Linux).
func openFiles() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(ents)
}
