package audio

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
	"time"
)

// sine is d of a sine at hz per channel (hz[c]), S16 at rate.
func sine(rate int, d time.Duration, hz ...float64) []byte {
	n := int(d * time.Duration(rate) / time.Second)
	var b []byte
	for i := range n {
		for _, f := range hz {
			v := 0.5 * math.Sin(2*math.Pi*f*float64(i)/float64(rate))
			b = binary.LittleEndian.AppendUint16(b, uint16(int16(math.Round(v*32767))))
		}
	}
	return b
}

// channel returns channel c of interleaved S16 as floats.
func channel(b []byte, ch, c int) []float64 {
	var out []float64
	for i := 2 * c; i+2 <= len(b); i += 2 * ch {
		out = append(out, float64(int16(binary.LittleEndian.Uint16(b[i:])))/32768)
	}
	return out
}

// pitch estimates the frequency of s by its upward zero crossings.
func pitch(s []float64, rate int) float64 {
	n := 0
	first, last := -1, -1
	for i := 1; i < len(s); i++ {
		if s[i-1] < 0 && s[i] >= 0 {
			if first < 0 {
				first = i
			}
			last = i
			n++
		}
	}
	if n < 2 {
		return 0
	}
	return float64(n-1) * float64(rate) / float64(last-first)
}

// maxJump is the largest step between neighbouring samples: a click
// where sequences join badly shows as a jump a sine of this frequency
// and amplitude never makes.
func maxJump(s []float64) float64 {
	m := 0.0
	for i := 1; i < len(s); i++ {
		m = max(m, math.Abs(s[i]-s[i-1]))
	}
	return m
}

func stretch(t *testing.T, f Format, speed float64, in []byte, chunk int) []byte {
	t.Helper()
	tp, err := NewTempo(f, speed)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for len(in) > 0 {
		n := min(chunk*f.FrameSize(), len(in))
		out = append(out, tp.Process(in[:n])...)
		in = in[n:]
	}
	return append(out, tp.Flush()...)
}

// TestTempoKeepsPitch: at 0.5×, 1.5× and 2× a stereo tone (440 Hz left,
// 1000 Hz right) lasts its length divided by the speed (within 1%), each
// channel keeps its own frequency (within 1%) and the joins make no click
// (no step between samples above 1.2× the steepest step of the sine).
func TestTempoKeepsPitch(t *testing.T) {
	const rate = 44100
	f := Format{SampleRate: rate, Channels: 2, Sample: S16}
	in := sine(rate, 3*time.Second, 440, 1000)
	for _, speed := range []float64{0.5, 1.5, 2} {
		out := stretch(t, f, speed, in, 1024)
		gotD := f.Duration(len(out))
		wantD := time.Duration(float64(3*time.Second) / speed)
		if d := gotD - wantD; math.Abs(float64(d)) > 0.01*float64(wantD) {
			t.Errorf("%v×: %v of output, want %v", speed, gotD, wantD)
		}
		for c, hz := range []float64{440, 1000} {
			s := channel(out, 2, c)
			s = s[len(s)/10 : len(s)*9/10] // away from the ends
			if p := pitch(s, rate); math.Abs(p-hz) > hz/100 {
				t.Errorf("%v×: channel %d at %.1f Hz, want %v", speed, c, p, hz)
			}
			steep := 0.5 * 2 * math.Pi * hz / rate
			if j := maxJump(s); j > 1.2*steep {
				t.Errorf("%v×: channel %d steps by %.4f, the sine at most %.4f: a click", speed, c, j, steep)
			}
		}
	}
}

// TestTempoOne: at 1× the PCM passes unchanged.
func TestTempoOne(t *testing.T) {
	f := Format{SampleRate: 8000, Channels: 1, Sample: S16}
	in := sine(8000, time.Second, 300)
	if out := stretch(t, f, 1, in, 333); !bytes.Equal(out, in) {
		t.Error("1× changed the PCM")
	}
}

// TestTempoChunking: the output does not depend on how the input is cut.
func TestTempoChunking(t *testing.T) {
	f := Format{SampleRate: 16000, Channels: 2, Sample: S16}
	in := sine(16000, 2*time.Second, 300, 700)
	whole := stretch(t, f, 1.25, in, len(in))
	for _, chunk := range []int{1, 7, 160, 4096} {
		if got := stretch(t, f, 1.25, in, chunk); !bytes.Equal(got, whole) {
			t.Errorf("chunks of %d frames: %d bytes, in one piece %d, or different samples", chunk, len(got), len(whole))
		}
	}
}

// TestTempoFloat: F32 keeps its samples' range and pitch too.
func TestTempoFloat(t *testing.T) {
	const rate = 48000
	f := Format{SampleRate: rate, Channels: 1, Sample: F32}
	var in []byte
	for i := range rate {
		in = binary.LittleEndian.AppendUint32(in, math.Float32bits(float32(0.8*math.Sin(2*math.Pi*500*float64(i)/rate))))
	}
	out := stretch(t, f, 2, in, 480)
	var s []float64
	for i := 0; i+4 <= len(out); i += 4 {
		s = append(s, float64(math.Float32frombits(binary.LittleEndian.Uint32(out[i:]))))
	}
	if p := pitch(s[len(s)/10:len(s)*9/10], rate); math.Abs(p-500) > 5 {
		t.Errorf("pitch %.1f Hz, want 500", p)
	}
	if d := f.Duration(len(out)); d < 495*time.Millisecond || d > 505*time.Millisecond {
		t.Errorf("%v of output, want 500ms", d)
	}
}

func TestTempoRefuses(t *testing.T) {
	for _, c := range []struct {
		f     Format
		speed float64
	}{
		{Format{SampleRate: 8000, Channels: 1, Sample: S16}, 0.25},
		{Format{SampleRate: 8000, Channels: 1, Sample: S16}, 3},
		{Format{SampleRate: 8000, Channels: 1, Sample: S16}, math.NaN()},
		{Format{SampleRate: 8000, Channels: 1, Sample: U8}, 1.5},
		{Format{}, 1.5},
	} {
		if _, err := NewTempo(c.f, c.speed); err == nil {
			t.Errorf("%v at %v accepted", c.f, c.speed)
		}
	}
}

// BenchmarkTempo: the CPU a second of CD-quality stereo costs at 1.5×.
func BenchmarkTempo(b *testing.B) {
	f := Format{SampleRate: 44100, Channels: 2, Sample: S16}
	in := sine(44100, time.Second, 440, 1000)
	tp, err := NewTempo(f, 1.5)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		for p := in; len(p) > 0; p = p[min(4410*4, len(p)):] {
			tp.Process(p[:min(4410*4, len(p))])
		}
	}
}
