package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func sineF32(rate, ch, n int, freq, amp float64) []byte {
	b := make([]byte, 0, n*ch*4)
	for i := range n {
		v := float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
		for range ch {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	return b
}

func sineS16(rate, ch, n int, freq, amp float64) []byte {
	b := make([]byte, 0, n*ch*2)
	for i := range n {
		v := int16(math.Round(amp * 32767 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))))
		for range ch {
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		}
	}
	return b
}

// channelF32 extracts channel c of interleaved f32 PCM.
func channelF32(b []byte, ch, c int) []float64 {
	n := len(b) / 4 / ch
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[(i*ch+c)*4:])))
	}
	return out
}

// sineSNR measures y against a sine of freq at rate: it fits
// a·sin + b·cos + dc by least squares over y[skip:len-skip] and returns
// the fitted amplitude and the ratio of signal to residual power in dB
// (THD+N). It also returns the SNR against the ideal sine of amplitude
// amp and phase 0, which checks the time alignment too.
func sineSNR(y []float64, rate int, freq, amp float64, skip int) (fitAmp, thdn, aligned float64) {
	y = y[skip : len(y)-skip]
	var ss, sc, cc, sy, cy, s1, c1, y1 float64
	n := float64(len(y))
	for i, v := range y {
		w := 2 * math.Pi * freq * float64(i+skip) / float64(rate)
		s, c := math.Sin(w), math.Cos(w)
		ss += s * s
		sc += s * c
		cc += c * c
		sy += s * v
		cy += c * v
		s1 += s
		c1 += c
		y1 += v
	}
	// Solve the 3×3 normal equations by Cramer's rule.
	m := [3][3]float64{{ss, sc, s1}, {sc, cc, c1}, {s1, c1, n}}
	r := [3]float64{sy, cy, y1}
	det := func(a [3][3]float64) float64 {
		return a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) - a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) + a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	}
	d := det(m)
	var x [3]float64
	for k := range 3 {
		mk := m
		for i := range 3 {
			mk[i][k] = r[i]
		}
		x[k] = det(mk) / d
	}
	var sig, res, ideal, err2 float64
	for i, v := range y {
		w := 2 * math.Pi * freq * float64(i+skip) / float64(rate)
		f := x[0]*math.Sin(w) + x[1]*math.Cos(w) + x[2]
		sig += f * f
		res += (v - f) * (v - f)
		id := amp * math.Sin(w)
		ideal += id * id
		err2 += (v - id) * (v - id)
	}
	return math.Hypot(x[0], x[1]), 10 * math.Log10(sig/res), 10 * math.Log10(ideal/err2)
}

// TestResampleSineQuality resamples sines and requires THD+N ≥ 60 dB
// (the bar; the filter reaches far more) and correct alignment.
func TestResampleSineQuality(t *testing.T) {
	for _, tc := range []struct {
		in, out int
		freq    float64
		min     float64
	}{
		{44100, 48000, 1000, 90},
		{44100, 48000, 440, 90},
		{44100, 48000, 10000, 90},
		{44100, 48000, 17000, 80},
		{48000, 44100, 1000, 90},
		{48000, 44100, 15000, 80},
		{22050, 48000, 1000, 90},
		{8000, 44100, 1000, 90},
		{32000, 48000, 12000, 80},
		{44100, 44101, 1000, 95}, // 44101 phases: interpolated table
		{96000, 44100, 1000, 90}, // 3.27× reduction: longer filter
		{11025, 48000, 3000, 90},
	} {
		name := itoa(tc.in) + "to" + itoa(tc.out) + "_" + itoa(int(tc.freq))
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const amp = 0.5
			n := tc.in // one second
			c, err := NewConverter(Format{tc.in, 2, F32}, Format{tc.out, 2, F32})
			if err != nil {
				t.Fatal(err)
			}
			got := c.Convert(nil, sineF32(tc.in, 2, n, tc.freq, amp))
			got = c.Flush(got)
			wantFrames := (int64(n)*int64(tc.out) + int64(tc.in) - 1) / int64(tc.in)
			if frames := int64(len(got) / 8); frames != wantFrames {
				t.Fatalf("%d output frames, want %d", frames, wantFrames)
			}
			for ch := range 2 {
				y := channelF32(got, 2, ch)
				fa, thdn, aligned := sineSNR(y, tc.out, tc.freq, amp, tc.out/50)
				t.Logf("ch%d amplitude %.6f THD+N %.1f dB, vs ideal %.1f dB", ch, fa, thdn, aligned)
				if thdn < tc.min || thdn < 60 {
					t.Errorf("THD+N %.1f dB, want ≥ %.0f dB", thdn, tc.min)
				}
				if tc.freq <= 12000 && aligned < 60 {
					t.Errorf("SNR against the ideal sine %.1f dB: output is shifted or scaled", aligned)
				}
			}
		})
	}
}

// TestResampleS16EndToEnd measures the device path: s16 44.1 kHz stereo
// to s16 48 kHz stereo. The 16-bit quantisation bounds it near 90 dB.
func TestResampleS16EndToEnd(t *testing.T) {
	c, err := NewConverter(Format{44100, 2, S16}, Format{48000, 2, S16})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Flush(c.Convert(nil, sineS16(44100, 2, 44100, 1000, 0.5)))
	y := make([]float64, len(got)/4)
	for i := range y {
		y[i] = float64(int16(binary.LittleEndian.Uint16(got[4*i:]))) / 32768
	}
	_, thdn, _ := sineSNR(y, 48000, 1000, 0.5*32767/32768, 960)
	t.Logf("s16 44100→48000 1 kHz: THD+N %.1f dB", thdn)
	if thdn < 80 {
		t.Errorf("THD+N %.1f dB, want ≥ 80", thdn)
	}
}

// TestResampleRejectsAliases puts a 30 kHz tone into a 96 kHz→44.1 kHz
// conversion: nothing of it may come out above −70 dB.
func TestResampleRejectsAliases(t *testing.T) {
	c, err := NewConverter(Format{96000, 1, F32}, Format{44100, 1, F32})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Flush(c.Convert(nil, sineF32(96000, 1, 96000, 30000, 0.5)))
	y := channelF32(got, 1, 0)
	var p float64
	for _, v := range y[1000 : len(y)-1000] {
		p += v * v
	}
	rms := math.Sqrt(p / float64(len(y)-2000))
	db := 20 * math.Log10(rms/(0.5/math.Sqrt2))
	t.Logf("30 kHz alias after 96→44.1 kHz: %.1f dB", db)
	if db > -70 {
		t.Errorf("alias at %.1f dB, want ≤ −70 dB", db)
	}
}

// TestResampleStreaming feeds the same input in random pieces (including
// partial frames) and requires the same bytes as one call.
func TestResampleStreaming(t *testing.T) {
	in := Format{44100, 2, S16}
	out := Format{48000, 2, F32}
	pcm := sineS16(44100, 2, 20000, 700, 0.7)
	one, _ := NewConverter(in, out)
	want := one.Flush(one.Convert(nil, pcm))
	rng := rand.New(rand.NewPCG(3, 4))
	c, _ := NewConverter(in, out)
	var got []byte
	for rest := pcm; len(rest) > 0; {
		k := min(len(rest), rng.IntN(5000))
		got = c.Convert(got, rest[:k])
		rest = rest[k:]
	}
	got = c.Flush(got)
	if !bytes.Equal(got, want) {
		t.Fatalf("chunked conversion differs (%d vs %d bytes)", len(got), len(want))
	}
	// After Flush the converter starts over.
	again := c.Flush(c.Convert(nil, pcm))
	if !bytes.Equal(again, want) {
		t.Fatal("conversion after Flush differs")
	}
}

func TestConverterPartialFrames(t *testing.T) {
	in := Format{8000, 2, S24}
	c, _ := NewConverter(in, Format{8000, 2, S16})
	pcm := testPCM(S24, 200)
	want := c.Convert(nil, pcm)
	c.Reset()
	var got []byte
	for i := range pcm {
		got = c.Convert(got, pcm[i:i+1])
	}
	if !bytes.Equal(got, want) {
		t.Fatal("byte-by-byte conversion differs")
	}
}

func TestChannelMaps(t *testing.T) {
	// mono → stereo copies exactly.
	c, _ := NewConverter(Format{44100, 1, S16}, Format{44100, 2, S16})
	got := c.Convert(nil, []byte{0x34, 0x12, 0xff, 0x80})
	if want := []byte{0x34, 0x12, 0x34, 0x12, 0xff, 0x80, 0xff, 0x80}; !bytes.Equal(got, want) {
		t.Errorf("mono→stereo % x, want % x", got, want)
	}
	// 5.1 → stereo: each input alone, at full scale, must land on the
	// right side at the documented level and never clip.
	norm := 1 + 2*math.Sqrt2/2 // FL + ½√2·FC + ½√2·BL
	for i, want := range [][2]float64{
		{1 / norm, 0}, {0, 1 / norm}, {0.7071 / norm, 0.7071 / norm}, {0, 0}, {0.7071 / norm, 0}, {0, 0.7071 / norm},
	} {
		c, _ := NewConverter(Format{48000, 6, F32}, Format{48000, 2, F32})
		frame := make([]float32, 6)
		frame[i] = 1
		var src []byte
		for _, v := range frame {
			src = binary.LittleEndian.AppendUint32(src, math.Float32bits(v))
		}
		out := c.Convert(nil, src)
		for o := range 2 {
			v := float64(math.Float32frombits(binary.LittleEndian.Uint32(out[4*o:])))
			if math.Abs(v-want[o]) > 1e-3 {
				t.Errorf("5.1 input %d → output %d = %.4f, want %.4f", i, o, v, want[o])
			}
		}
	}
	// All channels at full scale must not clip after a downmix.
	for in := 3; in <= 10; in++ {
		m := channelMatrix(in, 2)
		for o, row := range m {
			s := 0.0
			for _, k := range row {
				s += float64(k)
			}
			if s > 1+1e-6 || s <= 0 {
				t.Errorf("%d→2 row %d sums to %f", in, o, s)
			}
		}
	}
	// stereo → mono averages.
	c, _ = NewConverter(Format{8000, 2, S16}, Format{8000, 1, S16})
	got = c.Convert(nil, []byte{0x00, 0x40, 0x00, 0x20})
	if v := int16(binary.LittleEndian.Uint16(got)); v != 0x3000 {
		t.Errorf("stereo→mono %#x, want 0x3000", v)
	}
}

// TestGainRamp checks that a volume change ramps (no step larger than
// one ramp increment) and ends at the target.
func TestGainRamp(t *testing.T) {
	c, _ := NewConverter(Format{48000, 1, F32}, Format{48000, 1, F32})
	ones := sineF32(48000, 1, 2000, 0, 0)
	for i := range 2000 {
		binary.LittleEndian.PutUint32(ones[4*i:], math.Float32bits(1))
	}
	c.SetGain(0.25)
	y := channelF32(c.Convert(nil, ones), 1, 0)
	step := 1.0 / 480
	for i := 1; i < len(y); i++ {
		if d := math.Abs(y[i] - y[i-1]); d > step+1e-6 {
			t.Fatalf("gain jumps by %f at %d", d, i)
		}
	}
	if math.Abs(y[len(y)-1]-0.25) > 1e-6 {
		t.Fatalf("gain settles at %f, want 0.25", y[len(y)-1])
	}
	// Back to 1: the exact path resumes once the ramp is done.
	c.SetGain(1)
	c.Convert(nil, ones)
	pcm := testPCM(F32, 100)
	if got, want := c.Convert(nil, pcm), pcm; !bytes.Equal(got, want) {
		t.Fatal("unity gain is not bit-exact after a ramp")
	}
}

func TestConverterErrors(t *testing.T) {
	for _, tc := range []struct{ in, out Format }{
		{Format{0, 2, S16}, Format{44100, 2, S16}},
		{Format{44100, 2, S16}, Format{44100, 2, S24}},
		{Format{44100, 0, S16}, Format{44100, 2, S16}},
		{Format{44100, 2, SampleFormat(99)}, Format{44100, 2, S16}},
	} {
		if _, err := NewConverter(tc.in, tc.out); !errors.Is(err, ErrFormat) {
			t.Errorf("NewConverter(%v, %v) = %v, want ErrFormat", tc.in, tc.out, err)
		}
	}
}

func BenchmarkConvertS16(b *testing.B) {
	for _, sf := range []SampleFormat{S16, S24, F32} {
		b.Run(sf.String()+"_stereo", func(b *testing.B) {
			in := Format{44100, 2, sf}
			pcm := testPCM(sf, 2*4096)
			c, _ := NewConverter(in, Format{44100, 2, S16})
			dst := make([]byte, 0, 4*4096)
			b.SetBytes(int64(len(pcm)))
			for b.Loop() {
				dst = c.Convert(dst[:0], pcm)
			}
		})
	}
	b.Run("5.1_downmix", func(b *testing.B) {
		pcm := testPCM(S16, 6*4096)
		c, _ := NewConverter(Format{48000, 6, S16}, Format{48000, 2, S16})
		dst := make([]byte, 0, 4*4096)
		b.SetBytes(int64(len(pcm)))
		for b.Loop() {
			dst = c.Convert(dst[:0], pcm)
		}
	})
}

// BenchmarkResample reports the time to resample one second of stereo
// 44.1 kHz s16 to 48 kHz (and other pairs) in the device path.
func BenchmarkResample(b *testing.B) {
	for _, p := range [][2]int{{44100, 48000}, {48000, 44100}, {22050, 48000}, {44100, 44101}} {
		b.Run(itoa(p[0])+"to"+itoa(p[1]), func(b *testing.B) {
			pcm := sineS16(p[0], 2, p[0], 1000, 0.5)
			c, _ := NewConverter(Format{p[0], 2, S16}, Format{p[1], 2, F32})
			dst := make([]byte, 0, 8*p[1]+1024)
			b.SetBytes(int64(len(pcm)))
			for b.Loop() {
				dst = c.Convert(dst[:0], pcm)
			}
		})
	}
}
