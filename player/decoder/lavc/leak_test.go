//go:build cgo

package lavc

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
)

// Leak test: 1000 create/decode/flush/close cycles of a WMA2, a WMV2, an
// MP3 (parser path) and an H.264 (Annex-B rewrite) decoder must not grow
// the C heap. The C heap is measured with glibc's mallinfo2 (bytes in use
// over all arenas, so fragmentation does not matter). The test goroutine
// is locked to its OS thread so every cgo call runs there: glibc counts
// chunks parked in a thread's tcache as in use, and cgo calls spread over
// many threads would leave a varying number of them (tens of KiB of noise).
// With one thread the count is exact after warm-up. A control run that
// does not Close shows the measurement sees a leak.

const (
	leakCycles = 1000
	// leakBound is the C heap growth allowed over all cycles: 64 KiB, less
	// than 66 bytes per cycle, smaller than any FFmpeg object a cycle makes
	// (an AVPacket is 104 bytes, an AVFrame about 480).
	leakBound = 64 << 10
	// leakObjects is the number of media objects decoded per decoder and
	// cycle.
	leakObjects = 4
)

type leakCase struct {
	track   transport.Track
	samples []transport.Sample
}

func leakCases(t *testing.T) []leakCase {
	var cs []leakCase
	for _, name := range []string{"d_wmv2_wmav2.wmv", "b_mp3.asf", "h264.asf"} {
		for _, st := range demuxASF(t, fixture(t, name)) {
			cs = append(cs, leakCase{st.track, st.samples[:leakObjects]})
		}
	}
	return cs
}

// cycle opens, uses and (with close) closes one decoder per case.
func cycle(t *testing.T, cs []leakCase, close bool) {
	var pcm []byte
	for _, c := range cs {
		if c.track.Type == transport.Audio {
			a, err := NewAudio(c.track, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range c.samples {
				if pcm, err = a.Decode(pcm[:0], s); err != nil {
					t.Fatal(err)
				}
			}
			if pcm, err = a.Flush(pcm[:0]); err != nil {
				t.Fatal(err)
			}
			if close {
				a.Close()
			}
			continue
		}
		v, err := NewVideo(c.track, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range c.samples {
			if _, err = v.Decode(nil, s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err = v.Flush(nil); err != nil {
			t.Fatal(err)
		}
		if close {
			v.Close()
		}
	}
}

func rssBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

func TestNoLeak(t *testing.T) {
	if cHeapInUse() < 0 {
		t.Skip("C library has no mallinfo2 (not glibc >= 2.33)")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cs := leakCases(t)
	for i := 0; i < 20; i++ { // warm up FFmpeg's static tables and the allocator
		cycle(t, cs, true)
	}
	runtime.GC()
	heap0, rss0 := cHeapInUse(), rssBytes(t)
	for i := 0; i < leakCycles; i++ {
		cycle(t, cs, true)
	}
	runtime.GC()
	heap1, rss1 := cHeapInUse(), rssBytes(t)
	t.Logf("%d cycles x %d decoders x %d objects: C heap in use %d -> %d bytes (%+d), RSS %d -> %d KiB (%+d KiB)",
		leakCycles, len(cs), leakObjects, heap0, heap1, heap1-heap0, rss0>>10, rss1>>10, (rss1-rss0)>>10)
	if heap1-heap0 > leakBound {
		t.Errorf("C heap grew by %d bytes over %d cycles (bound %d)", heap1-heap0, leakCycles, leakBound)
	}
}

// TestLeakMeasurementSeesLeaks is the control: decoders left open must
// show up in the same measurement.
func TestLeakMeasurementSeesLeaks(t *testing.T) {
	if cHeapInUse() < 0 {
		t.Skip("C library has no mallinfo2 (not glibc >= 2.33)")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cs := leakCases(t)[:1] // the WMV2 video
	v0, err := NewVideo(cs[0].track, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v0.Close()
	heap0 := cHeapInUse()
	var open []*Video
	for i := 0; i < 20; i++ {
		v, err := NewVideo(cs[0].track, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Decode(nil, cs[0].samples[0]); err != nil {
			t.Fatal(err)
		}
		open = append(open, v)
	}
	grown := cHeapInUse() - heap0
	for _, v := range open {
		v.Close()
	}
	t.Logf("20 unclosed WMV2 decoders: C heap +%d bytes", grown)
	if grown < 100*leakBound {
		t.Errorf("20 open decoders grew the C heap by only %d bytes: the measurement cannot see leaks", grown)
	}
}
