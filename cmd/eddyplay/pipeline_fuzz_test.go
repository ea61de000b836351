package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/cmd/internal/wiring"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/progressive"
)

// Limits of one pipeline run on a fuzz input.
const (
	// pipelineTimeLimit bounds a run: the inputs are small (the seeds are
	// at most 64 KB) and the WAV sink does not wait for a clock, so even
	// under the race detector a run takes well under a second.
	pipelineTimeLimit = 20 * time.Second
	// pipelineHeapLimit bounds the heap while a run is going on.
	pipelineHeapLimit = 1 << 30
	// pipelineOutLimit bounds the PCM a run may write: far more than any
	// input of this size decodes to (64 KB of WMA at its lowest bit rate
	// is about a minute of audio, 10 MB of PCM).
	pipelineOutLimit = 256 << 20
)

// FuzzPipeline plays arbitrary bytes as an ASF file, from an arbitrary
// start position for an arbitrary duration, through the whole pipeline
// eddyplay --out drives (progressive session → asf demuxer →
// tracks → player → decoders, libavcodec included → WAV sink; video
// decoded, pictures not converted), with the time, the heap and the output
// capped per input. Whatever the input, the run ends (Ended or Failed)
// within the time limit, never panics, never ends "successfully" with
// nothing decoded, and what it wrote is a valid WAV whose length is the
// audio the player reports. The seeds are the project's fixtures (cut to
// 64 KB: header and first packets) and their headers with every time,
// size and count field at its extremes.
func FuzzPipeline(f *testing.F) {
	seeds := pipelineSeeds(f)
	if len(seeds) < 60 {
		f.Fatalf("only %d seeds: the fixtures' headers were not found", len(seeds))
	}
	for i, s := range seeds {
		// Start positions and durations (eddyplay --start, --duration)
		// at their extremes too, a few seeds each.
		start, dur := int64(0), int64(0)
		switch i % 8 {
		case 1:
			start = int64(59 * time.Hour)
		case 2:
			start, dur = math.MaxInt64, math.MaxInt64
		case 3:
			start, dur = int64(1500*time.Millisecond), int64(time.Second)
		case 4:
			start, dur = math.MinInt64, math.MinInt64
		}
		f.Add(s, start, dur)
	}
	f.Fuzz(func(t *testing.T, data []byte, start, dur int64) {
		runPipeline(t, data, player.OpenOptions{Start: time.Duration(start), Duration: time.Duration(dur)})
	})
}

// pipelineSeeds are the fixtures' beginnings and their extreme variants.
func pipelineSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, name := range []string{wmaFixture, wmvFixture, "../../testdata/asf/gst_asfmux_wmv2_wmav2.wmv", demo} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		b = b[:min(len(b), 64<<10)]
		seeds = append(seeds, b)
		seeds = append(seeds, headerExtremes(b)...)
	}
	return seeds
}

// headerExtremes returns copies of an ASF file with one header field set
// to an extreme value each: the File Properties times, counts and sizes,
// each stream's time offset, and the WAVEFORMATEX / BITMAPINFOHEADER
// fields of each stream.
func headerExtremes(b []byte) [][]byte {
	h, err := asf.ParseHeader(b)
	if err != nil {
		return nil
	}
	le := binary.LittleEndian
	var out [][]byte
	patch := func(off int, v uint64, size int) {
		if off < 0 || off+size > len(b) {
			return
		}
		c := bytes.Clone(b)
		switch size {
		case 2:
			le.PutUint16(c[off:], uint16(v))
		case 4:
			le.PutUint32(c[off:], uint32(v))
		case 8:
			le.PutUint64(c[off:], v)
		}
		out = append(out, c)
	}
	// File Properties (ASF spec §3.2): after the 24-byte object header,
	// file ID 16, file size 8, creation date 8, packets 8, play duration
	// 8, send duration 8, preroll 8, flags 4, min/max packet size 4+4,
	// max bitrate 4.
	if fp := bytes.Index(b[:h.Size], asf.GUIDFileProperties[:]); fp >= 0 {
		body := fp + 24
		for _, v := range []uint64{math.MaxUint64, math.MaxInt64, 1e12 * 10_000, 0} {
			patch(body+32, v, 8) // packets
			patch(body+40, v, 8) // play duration
			patch(body+48, v, 8) // send duration
		}
		for _, v := range []uint64{math.MaxInt64, 1e12, math.MaxUint32, 0} {
			patch(body+56, v, 8) // preroll, ms
		}
		patch(body+64, 0xFFFFFFFF, 4) // flags: broadcast, seekable, ...
		patch(body+64, 0, 4)
		for _, v := range []uint64{0, 1, 0xFFFFFFFF, uint64(h.PacketSize) + 1} {
			patch(body+68, v, 4) // minimum packet size
			patch(body+72, v, 4) // maximum packet size
		}
		patch(body+76, 0xFFFFFFFF, 4) // maximum bit rate
	}
	// Stream Properties (§3.3): type 16, error correction type 16, time
	// offset 8, type-specific length 4, EC length 4, flags 2, reserved 4,
	// then the type-specific data.
	for at := 0; ; {
		i := bytes.Index(b[at:h.Size], asf.GUIDStreamProperties[:])
		if i < 0 {
			break
		}
		obj := at + i
		at = obj + 16
		body := obj + 24
		patch(body+32, 0x7F00_0000_0000_0000, 8)
		patch(body+32, math.MaxUint64, 8)
		ts := body + 54
		if bytes.Equal(b[body:body+16], asf.GUIDStreamTypeAudio[:]) {
			// WAVEFORMATEX: tag 2, channels 2, rate 4, bytes/s 4, block
			// align 2, bits 2, cbSize 2.
			patch(ts+2, 0xFFFF, 2)
			patch(ts+2, 0, 2)
			patch(ts+4, 0xFFFFFFFF, 4)
			patch(ts+4, 0, 4)
			patch(ts+8, 0xFFFFFFFF, 4)
			patch(ts+12, 0, 2)
			patch(ts+12, 0xFFFF, 2)
			patch(ts+14, 0xFFFF, 2)
			patch(ts+16, 0xFFFF, 2)
		} else if bytes.Equal(b[body:body+16], asf.GUIDStreamTypeVideo[:]) {
			// Width 4, height 4, flags 1, format size 2, then the
			// BITMAPINFOHEADER: size 4, width 4, height 4, planes 2, bit
			// count 2, compression 4, image size 4, ...
			for _, v := range []uint64{0, 0xFFFFFFFF, 0x7FFFFFFF} {
				patch(ts, v, 4)
				patch(ts+4, v, 4)
				patch(ts+11+4, v, 4)
				patch(ts+11+8, v, 4)
			}
			patch(ts+9, 0xFFFF, 2)
			patch(ts+11, 0xFFFFFFFF, 4)
		}
	}
	return out
}

// cappedBuffer keeps what the WAV sink writes, up to a limit.
type cappedBuffer struct {
	mu   sync.Mutex
	b    []byte
	over bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.b)+len(p) > pipelineOutLimit {
		c.over = true
		return 0, errors.New("output limit reached")
	}
	c.b = append(c.b, p...)
	return len(p), nil
}

// frameCounter counts frames and wants no pictures (the decoders skip
// converting them).
type frameCounter struct{ n atomic.Int64 }

func (c *frameCounter) Present(decoder.Frame) { c.n.Add(1) }
func (c *frameCounter) WantsPictures() bool   { return false }

// heapWatch samples the heap until stop is closed and reports the
// largest value seen.
func heapWatch(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tk := time.NewTicker(5 * time.Millisecond)
		defer tk.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-tk.C:
			}
		}
	}()
	return out
}

// runPipeline plays data and checks the outcome.
func runPipeline(t *testing.T, data []byte, opts player.OpenOptions) {
	reg := transport.NewRegistry()
	reg.Register("mem", transport.MatchSchemes("mem"), progressive.MemoryDialer{Data: data})
	var buf cappedBuffer
	frames := &frameCounter{}
	p, err := player.New(player.Config{
		Transports: reg, Decoders: wiring.Decoders(), Sink: audio.NewWAVSink(&buf), Video: frames,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan player.Event, 1)
	p.Subscribe(func(ev player.Event) {
		if ev.Kind == player.ErrorOccurred || ev.Kind == player.StateChanged && ev.Status.State == player.Ended {
			select {
			case done <- ev:
			default:
			}
		}
	})
	stop := make(chan struct{})
	peak := heapWatch(stop)
	p.OpenWith("mem://input.asf", opts)
	var end player.Event
	select {
	case end = <-done:
	case <-time.After(pipelineTimeLimit):
		t.Fatalf("still %v after %v", p.Status().State, pipelineTimeLimit)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	if m := <-peak; m > pipelineHeapLimit {
		t.Errorf("the heap reached %d MB", m>>20)
	}
	st := p.Status().Stats
	if buf.over {
		t.Fatalf("more than %d MB of PCM from %d bytes", pipelineOutLimit>>20, len(data))
	}
	if end.Kind == player.StateChanged && st.AudioPlayed == 0 && frames.n.Load() == 0 {
		t.Fatal("ended without decoding anything")
	}
	if len(buf.b) == 0 {
		if st.AudioPlayed != 0 {
			t.Fatalf("%v of audio reported, nothing written", st.AudioPlayed)
		}
		return
	}
	f, pcm, err := audio.ParseWAV(buf.b)
	if err != nil {
		t.Fatalf("the output is not a valid WAV: %v", err)
	}
	// Every byte after the header is PCM of the declared format; the
	// sink leaves the sizes open ("to the end") on a stream it cannot seek.
	if got, want := len(pcm), len(buf.b)-44; got != want/f.FrameSize()*f.FrameSize() || want%f.FrameSize() != 0 {
		t.Fatalf("%d bytes of PCM after the header, %d written (%v)", got, want, f)
	}
}
