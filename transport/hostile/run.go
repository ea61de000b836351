package hostile

import (
	"context"
	"errors"
	"hash/fnv"
	"io"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// dialGrace is how long Run waits for a Dial once the watchdog has
// cancelled its context.
const dialGrace = time.Second

// errDialHung is the error of a run whose Dial did not return.
var errDialHung = errors.New("hostile: Dial did not return after its context was cancelled")

// Sample identifies a delivered sample: its track, time and a hash of its
// bytes.
type Sample struct {
	Track int
	PTS   time.Duration
	Sum   uint64
}

func key(s transport.Sample) Sample {
	h := fnv.New64a()
	h.Write(s.Data)
	return Sample{Track: s.Track, PTS: s.PTS, Sum: h.Sum64()}
}

// Limits bound a Run.
type Limits struct {
	// Watchdog closes the session after this long, which ends any read:
	// the run then counts as a hang. Default 10 s.
	Watchdog time.Duration
	// MaxSamples stops reading after this many samples (a server that
	// replays forever); 0 means no limit.
	MaxSamples int
}

// Result is what one Run measured.
type Result struct {
	// Err is the error the run ended with; nil when it played to the end
	// (io.EOF).
	Err error
	// DialFailed is set when Err came from Dial.
	DialFailed bool
	// Samples are the samples delivered, in order.
	Samples []Sample
	// Duplicates counts samples delivered again (same track, time and
	// bytes as an earlier one).
	Duplicates int
	// InfoChanges counts transport.ErrInfoChanged (a new header: the run
	// selects every track of the new presentation and reads on, as the
	// player does).
	InfoChanges int
	// Hung is set when the watchdog had to end the run; Capped when
	// MaxSamples did.
	Hung, Capped bool
	// Took is the time from the start of Dial to the end.
	Took time.Duration
	// Alloc is the memory allocated by the process during the run (the
	// runtime's TotalAlloc): an upper bound of what the client buffered.
	Alloc uint64
	// Stats is the session's last snapshot.
	Stats transport.Stats
}

// Run plays url as the player does: Dial through reg, select every track,
// Play from 0 and read samples until io.EOF, an error, the watchdog or
// MaxSamples. The session is closed before Run returns.
func Run(reg *transport.Registry, url string, cfg transport.Config, lim Limits) (res Result) {
	if lim.Watchdog <= 0 {
		lim.Watchdog = 10 * time.Second
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	defer func() {
		runtime.ReadMemStats(&ms)
		res.Alloc = ms.TotalAlloc - before
	}()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var fired atomic.Bool
	start := time.Now()
	var sess atomic.Pointer[transport.Session]
	wd := time.AfterFunc(lim.Watchdog, func() {
		fired.Store(true)
		cancel()
		if s := sess.Load(); s != nil {
			(*s).Close()
		}
	})
	defer wd.Stop()

	// A Dial that ignores its context would keep Run waiting: past the
	// watchdog (and a grace period for the cancellation to work) Run
	// gives up on it, and the goroutine left behind shows as a leak.
	type dialed struct {
		s   transport.Session
		err error
	}
	ch := make(chan dialed, 1)
	go func() {
		s, err := reg.Dial(ctx, url, cfg)
		ch <- dialed{s, err}
	}()
	var d dialed
	select {
	case d = <-ch:
	case <-time.After(lim.Watchdog + dialGrace):
		res.Err, res.DialFailed, res.Hung, res.Took = errDialHung, true, true, time.Since(start)
		go func() {
			if d := <-ch; d.s != nil {
				d.s.Close()
			}
		}()
		return res
	}
	s, err := d.s, d.err
	if err != nil {
		res.Err, res.DialFailed, res.Hung, res.Took = err, true, fired.Load(), time.Since(start)
		return res
	}
	sess.Store(&s)
	if fired.Load() {
		s.Close()
	}
	defer s.Close()
	err = selectAll(ctx, s)
	if err == nil {
		err = s.Play(ctx, 0)
	}
	seen := map[Sample]bool{}
	for err == nil {
		var smp transport.Sample
		smp, err = s.ReadSample(ctx)
		if errors.Is(err, transport.ErrInfoChanged) && res.InfoChanges < 100 {
			res.InfoChanges++
			err = selectAll(ctx, s)
			continue
		}
		if err != nil {
			break
		}
		k := key(smp)
		if seen[k] {
			res.Duplicates++
		}
		seen[k] = true
		res.Samples = append(res.Samples, k)
		if lim.MaxSamples > 0 && len(res.Samples) >= lim.MaxSamples {
			res.Capped = true
			err = errors.New("hostile: sample limit reached")
		}
	}
	res.Took = time.Since(start)
	res.Hung = fired.Load()
	res.Stats = s.Stats()
	if !errors.Is(err, io.EOF) {
		res.Err = err
	}
	return res
}

// selectAll selects every track of the session's current Info: the
// harness checks that nothing is delivered twice or lost, for all of them.
func selectAll(ctx context.Context, s transport.Session) error {
	var ids []int
	for _, tr := range s.Info().Tracks {
		ids = append(ids, tr.ID)
	}
	return s.Select(ctx, ids)
}

// SameSamples reports whether two runs delivered the same samples.
func SameSamples(a, b []Sample) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// OpenFDs counts this process's open file descriptors (Linux).
func OpenFDs() (int, error) {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	// ReadDir's own descriptor is listed too, and closed again.
	return len(ents) - 1, nil
}
