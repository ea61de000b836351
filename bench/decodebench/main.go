// Command decodebench measures the CPU time Eddy's decoders take for a
// whole ASF file: it demuxes with package asf and decodes every audio and
// video stream with package lavc (PCM to S16, pictures to RGBA, nothing
// shown or played), then runs `ffmpeg -i FILE -f null -` on the same file
// and prints both CPU times (user+system) and their ratio. bench/decode.sh
// runs it on the 60 s WMV2+WMA2 fixture.
package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
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
	ffmpeg := fs.String("ffmpeg", "ffmpeg", "ffmpeg command to compare with (empty: none)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the decoding runs to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: decodebench [-runs N] [-ffmpeg CMD] FILE.wmv")
	}
	path := fs.Arg(0)
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
	var ours, theirs time.Duration
	var st stats
	for i := 0; i < *runs; i++ {
		before := cpuSelf()
		s, err := decodeFile(path)
		if err != nil {
			return err
		}
		if d := cpuSelf() - before; i == 0 || d < ours {
			ours = d
		}
		st = s
	}
	fmt.Fprintf(stdout, "eddy   (asf + lavc): %8.3f s CPU  %d video frames, %d PCM bytes, %d decode errors\n",
		ours.Seconds(), st.frames, st.pcm, st.errors)
	if *ffmpeg == "" {
		return nil
	}
	for i := 0; i < *runs; i++ {
		cmd := exec.Command(*ffmpeg, "-nostdin", "-v", "error", "-i", path, "-f", "null", "-")
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", *ffmpeg, err)
		}
		d := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if i == 0 || d < theirs {
			theirs = d
		}
	}
	fmt.Fprintf(stdout, "ffmpeg -f null     : %8.3f s CPU\n", theirs.Seconds())
	fmt.Fprintf(stdout, "ratio eddy/ffmpeg  : %8.2f (goal <= 1.20)\n", ours.Seconds()/theirs.Seconds())
	return nil
}

// cpuSelf is this process's user+system CPU time so far.
func cpuSelf() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type stats struct {
	frames, pcm, errors int
}

// trackOf maps an ASF stream to the decoder's view of it (WAVEFORMATEX or
// BITMAPINFOHEADER fields and extra bytes).
func trackOf(s *asf.Stream) transport.Track {
	tr := transport.Track{ID: int(s.Number), Bitrate: int(s.Bitrate)}
	switch {
	case s.Audio != nil:
		w := s.Audio
		tr.Type = transport.Audio
		tr.Codec = transport.WaveFormat(w.FormatTag)
		tr.Config = w.Extra
		if w.RawFormatTag == transport.TagExtensible && len(tr.Config) >= 22 {
			tr.Config = tr.Config[22:]
		}
		tr.Audio = transport.AudioParams{SampleRate: int(w.SampleRate), Channels: int(w.Channels),
			BitsPerSample: int(w.BitsPerSample), BlockAlign: int(w.BlockAlign), AvgBytesPerSec: int(w.AvgBytesPerSec)}
	case s.Video != nil:
		v := s.Video
		tr.Type = transport.Video
		tr.Codec = transport.FourCC(v.FourCC)
		tr.Config = v.Extra
		tr.Video = transport.VideoParams{Width: int(v.Width), Height: int(v.Height), BitCount: int(v.BitCount)}
	}
	return tr
}

// release hands the pictures back to the decoder for reuse, as a player
// does once a frame is shown or dropped.
func release(v decoder.Video, frames []decoder.Frame) {
	if r, ok := v.(interface{ Release(*image.RGBA) }); ok {
		for _, f := range frames {
			r.Release(f.Image)
		}
	}
}

func decodeFile(path string) (stats, error) {
	var st stats
	fh, err := os.Open(path)
	if err != nil {
		return st, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return st, err
	}
	f, err := asf.OpenFile(fh, fi.Size())
	if err != nil {
		return st, err
	}
	h := f.Header()
	audios := map[uint8]decoder.Audio{}
	videos := map[uint8]decoder.Video{}
	defer func() {
		for _, a := range audios {
			a.Close()
		}
		for _, v := range videos {
			v.Close()
		}
	}()
	for _, s := range h.Streams {
		tr := trackOf(s)
		switch tr.Type {
		case transport.Audio:
			a, err := lavc.NewAudio(tr, lavc.Options{})
			if err != nil {
				return st, err
			}
			audios[s.Number] = a
		case transport.Video:
			v, err := lavc.NewVideo(tr, lavc.Options{})
			if err != nil {
				return st, err
			}
			videos[s.Number] = v
		}
	}
	var pcm []byte
	var frames []decoder.Frame
	d := asf.NewDemuxer(h)
	var buf []byte
	emit := func(o asf.Object) {
		s := transport.Sample{Track: int(o.Stream), PTS: o.PTS, Key: o.Key, Data: o.Data}
		if a := audios[o.Stream]; a != nil {
			pcm, err = a.Decode(pcm[:0], s)
			st.pcm += len(pcm)
		} else if v := videos[o.Stream]; v != nil {
			frames, err = v.Decode(frames[:0], s)
			st.frames += len(frames)
			release(v, frames)
		}
		if err != nil {
			st.errors++
		}
	}
	for n := uint64(0); n < f.PacketCount(); n++ {
		pkt, err := f.ReadPacket(n, buf)
		if err != nil {
			return st, fmt.Errorf("packet %d: %w", n, err)
		}
		buf = pkt
		if err := d.Push(pkt, emit); err != nil {
			st.errors++
		}
	}
	for _, v := range videos {
		frames, _ = v.Flush(frames[:0])
		st.frames += len(frames)
	}
	return st, nil
}
