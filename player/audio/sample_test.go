package audio

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// testPCM returns n samples of format f: edge values first, then
// deterministic pseudo-random ones.
func testPCM(f SampleFormat, n int) []byte {
	rng := rand.New(rand.NewPCG(1, uint64(f)))
	le := binary.LittleEndian
	var b []byte
	switch f {
	case U8:
		for i := range n {
			b = append(b, byte(i))
		}
	case S16:
		for _, v := range []int16{0, 1, -1, math.MaxInt16, math.MinInt16} {
			b = le.AppendUint16(b, uint16(v))
		}
		for len(b) < 2*n {
			b = le.AppendUint16(b, uint16(rng.Uint32()))
		}
	case S24:
		for _, v := range []int32{0, 1, -1, 127, 128, -128, -129, 255, 256, -256, -257, 1<<23 - 1, -1 << 23} {
			b = append(b, byte(v), byte(v>>8), byte(v>>16))
		}
		for len(b) < 3*n {
			v := rng.Uint32()
			b = append(b, byte(v), byte(v>>8), byte(v>>16))
		}
	case S32:
		for _, v := range []int32{0, 1, -1, 32767, 32768, -32768, -32769, 65535, 65536, -65536, -65537, math.MaxInt32, math.MinInt32} {
			b = le.AppendUint32(b, uint32(v))
		}
		for len(b) < 4*n {
			b = le.AppendUint32(b, rng.Uint32())
		}
	case F32, F64:
		vals := []float64{0, 1, -1, 1.5, -1.5, 0.5 / 32768, 1.5 / 32768, 2.5 / 32768, -0.5 / 32768, -1.5 / 32768,
			-2.5 / 32768, 32766.5 / 32768, 32767.5 / 32768, -32767.5 / 32768, -32768.5 / 32768, 0.999999, 60000, -60000,
			math.Copysign(0, -1), 1e-40}
		if f == F64 {
			// FFmpeg converts doubles in C only, so out-of-range values
			// are deterministic; f32 ones depend on SIMD alignment (see
			// TestF32ToS16Edges).
			vals = append(vals, math.NaN(), math.Inf(1), math.Inf(-1), 65536, 70000, -1e10, 1e10, 3.4e38)
		}
		for i := 0; len(vals) < n; i++ {
			switch i % 3 {
			case 0:
				vals = append(vals, rng.Float64()*2.4-1.2)
			case 1: // exact ties of the s16 grid
				vals = append(vals, (float64(rng.IntN(65536)-32768)+0.5)/32768)
			default:
				vals = append(vals, rng.NormFloat64()*0.3)
			}
		}
		for _, v := range vals[:n] {
			if f == F32 {
				b = le.AppendUint32(b, math.Float32bits(float32(v)))
			} else {
				b = le.AppendUint64(b, math.Float64bits(v))
			}
		}
	}
	return b
}

// TestExactConversionsMatchFFmpeg converts every sample format to s16 and
// f32 with a Converter and with the ffmpeg CLI (libswresample), for 1, 2
// and 6 channels, and requires identical bytes.
func TestExactConversionsMatchFFmpeg(t *testing.T) {
	for _, sf := range []SampleFormat{U8, S16, S24, S32, F32, F64} {
		for _, ch := range []int{1, 2, 6} {
			for _, out := range []SampleFormat{S16, F32} {
				t.Run(sf.String()+"/"+itoa(ch)+"ch/"+out.String(), func(t *testing.T) {
					t.Parallel()
					in := Format{SampleRate: 44100, Channels: ch, Sample: sf}
					pcm := testPCM(sf, 3000*ch)
					want := ffmpegConvert(t, in, pcm, map[SampleFormat]string{S16: "s16le", F32: "f32le"}[out])
					c, err := NewConverter(in, Format{SampleRate: 44100, Channels: ch, Sample: out})
					if err != nil {
						t.Fatal(err)
					}
					got := c.Convert(nil, pcm)
					if !bytes.Equal(got, want) {
						ss := out.Size()
						for i := 0; i < min(len(got), len(want)); i += ss {
							if !bytes.Equal(got[i:i+ss], want[i:i+ss]) {
								t.Fatalf("sample %d: got % x, ffmpeg % x (len %d vs %d)", i/ss, got[i:i+ss], want[i:i+ss], len(got), len(want))
							}
						}
						t.Fatalf("length %d, ffmpeg %d", len(got), len(want))
					}
				})
			}
		}
	}
}

// TestF32ToS16Edges pins the float→s16 results for values outside the
// range: libswresample's SSE2 kernel (used for all but the <16-sample
// tail of each buffer) gives INT16_MIN for NaN and |x·32768| ≥ 2³¹.
func TestF32ToS16Edges(t *testing.T) {
	for _, tc := range []struct {
		in   float32
		want int16
	}{
		{0, 0}, {1, 32767}, {-1, -32768}, {0.5 / 32768, 0}, {1.5 / 32768, 2}, {2.5 / 32768, 2}, {-2.5 / 32768, -2},
		{65535.99, 32767}, {-65536, -32768}, {65536, -32768}, {float32(math.NaN()), -32768},
		{float32(math.Inf(1)), -32768}, {float32(math.Inf(-1)), -32768}, {1e10, -32768}, {-1e10, -32768},
	} {
		if got := f32ToS16Exact(tc.in); got != tc.want {
			t.Errorf("f32ToS16Exact(%g) = %d, want %d", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   float64
		want int16
	}{
		{math.NaN(), 0}, {math.Inf(1), 0}, {math.Inf(-1), 0}, {65536, -32768}, {-1e10, 32767}, {1e10, -32768}, {3.4e38, 0},
		{1.5 / 32768, 2}, {-0.5 / 32768, 0},
	} {
		if got := f64ToS16Exact(tc.in); got != tc.want {
			t.Errorf("f64ToS16Exact(%g) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
