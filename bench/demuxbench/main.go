// Command demuxbench demuxes a whole ASF file the way Eddy plays one —
// asf.OpenFile, a PacketReader, a Demuxer that emits every media object
// with freshly allocated data — and reports the throughput. bench/demux.sh
// runs it against `ffmpeg -c copy -f null` on the same file.
//
//	demuxbench [-runs N] [-recycle | -player] FILE
//	demuxbench -time N -- COMMAND [ARG...]
//
// With -player it reads the file as the player does: the local-file
// session (transport/progressive, the same demuxer behind it, its buffers
// from transport/bufpool) read sample by sample, each sample's buffer
// given back to the pool as the player's decode loop does.
//
// With -time it runs COMMAND N times instead and prints the best CPU time
// (user + system, from the process's resource usage) and the best wall-clock
// time, in seconds: "cpu=0.123456 wall=0.234567".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"os"
	"os/exec"
	"runtime/pprof"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/bufpool"
	"github.com/eddyplayer/eddy/transport/progressive"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demuxbench:", err)
		os.Exit(1)
	}
}

type result struct {
	bytes, packets, objects, objectBytes uint64
	elapsed                              time.Duration
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demuxbench", flag.ContinueOnError)
	runs := fs.Int("runs", 3, "demux the file this many times and report the fastest run")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	recycle := fs.Bool("recycle", false, "recycle object buffers through Demuxer.Alloc, as a player's decode loop "+
		"returning Data to a pool does (default: every object freshly allocated)")
	readAhead := fs.Int("readahead", 1<<20, "bytes per read (asf.PacketReader)")
	asPlayer := fs.Bool("player", false, "read the file through the local-file session, as the player does, "+
		"giving each sample's buffer back to transport/bufpool")
	timeRuns := fs.Int("time", 0, "run the command after the flags this many times and print its best CPU and wall times")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *timeRuns > 0 {
		return timeCommand(stdout, *timeRuns, fs.Args())
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if fs.NArg() != 1 {
		return errors.New("usage: demuxbench [-runs N] FILE")
	}
	var best result
	for i := 0; i < max(1, *runs); i++ {
		var r result
		var err error
		if *asPlayer {
			r, err = session(fs.Arg(0))
		} else {
			r, err = demux(fs.Arg(0), *recycle, *readAhead)
		}
		if err != nil {
			return err
		}
		if i == 0 || r.elapsed < best.elapsed {
			best = r
		}
	}
	secs := best.elapsed.Seconds()
	fmt.Fprintf(stdout, "eddy: %d packets (%d bytes), %d objects (%d bytes) in %.3f s = %.1f MB/s, %.0f packets/s (best of %d)\n",
		best.packets, best.bytes, best.objects, best.objectBytes, secs, float64(best.bytes)/secs/1e6, float64(best.packets)/secs, max(1, *runs))
	fmt.Fprintf(stdout, "seconds=%.6f bytes=%d\n", secs, best.bytes)
	return nil
}

// timeCommand runs args n times and prints the best CPU and wall times.
func timeCommand(stdout io.Writer, n int, args []string) error {
	if len(args) == 0 {
		return errors.New("-time needs a command")
	}
	var bestCPU, bestWall time.Duration
	for i := 0; i < n; i++ {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v: %w", args, err)
		}
		wall := time.Since(start)
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if i == 0 || cpu < bestCPU {
			bestCPU = cpu
		}
		if i == 0 || wall < bestWall {
			bestWall = wall
		}
	}
	fmt.Fprintf(stdout, "cpu=%.6f wall=%.6f\n", bestCPU.Seconds(), bestWall.Seconds())
	return nil
}

// pool is a free list of buffers by power-of-two capacity.
type pool [40][][]byte

func (p *pool) get(n int) []byte {
	c := bits.Len(uint(max(n, 1) - 1))
	if l := p[c]; len(l) > 0 {
		b := l[len(l)-1]
		p[c] = l[:len(l)-1]
		return b[:n]
	}
	return make([]byte, n, 1<<c)
}

func (p *pool) put(b []byte) {
	c := bits.Len(uint(cap(b) - 1))
	if cap(b) == 1<<c {
		p[c] = append(p[c], b)
	}
}

func demux(path string, recycle bool, readAhead int) (result, error) {
	var r result
	fh, err := os.Open(path)
	if err != nil {
		return r, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return r, err
	}
	start := time.Now()
	f, err := asf.OpenFile(fh, st.Size())
	if err != nil {
		return r, err
	}
	d := asf.NewDemuxer(f.Header())
	var bufs pool
	if recycle {
		d.Alloc = bufs.get
	}
	emit := func(o asf.Object) {
		r.objects++
		r.objectBytes += uint64(len(o.Data))
		if recycle {
			bufs.put(o.Data) // the decoder is done with it
		}
	}
	pr := f.NewPacketReader(0, readAhead)
	for {
		p, n, err := pr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r, err
		}
		if err := d.Push(p, emit); err != nil {
			return r, fmt.Errorf("packet %d: %w", n, err)
		}
		r.packets++
		r.bytes += uint64(len(p))
	}
	r.elapsed = time.Since(start)
	if st := d.Stats(); st.DroppedFragments != 0 || st.IncompleteObjects != 0 {
		return r, fmt.Errorf("demux lost data: %+v", st)
	}
	return r, nil
}

// session reads path through the local-file session as the player does:
// every track selected, every sample read, its buffer given back to the
// pool once "decoded". Packets and bytes are the file's.
func session(path string) (result, error) {
	var r result
	st, err := os.Stat(path)
	if err != nil {
		return r, err
	}
	ctx := context.Background()
	start := time.Now()
	s, err := progressive.FileDialer{}.Dial(ctx, path, transport.Config{})
	if err != nil {
		return r, err
	}
	defer s.Close()
	var ids []int
	for _, t := range s.Info().Tracks {
		ids = append(ids, t.ID)
	}
	if err := s.Select(ctx, ids); err != nil {
		return r, err
	}
	if err := s.Play(ctx, 0); err != nil {
		return r, err
	}
	for {
		smp, err := s.ReadSample(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return r, err
		}
		r.objects++
		r.objectBytes += uint64(len(smp.Data))
		bufpool.Put(smp.Data) // the decoder is done with it
	}
	r.elapsed = time.Since(start)
	r.bytes = uint64(st.Size())
	r.packets = uint64(s.Stats().PacketsReceived)
	return r, nil
}
