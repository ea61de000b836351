package audio

import (
	"encoding/binary"
	"math"
)

// The kernels in this file convert interleaved samples without touching
// the channel layout. The ones named exact reproduce libswresample's own
// conversions bit for bit (checked against the ffmpeg CLI in
// sample_test.go), so that a WAV written by Eddy equals FFmpeg's decode
// of the same PCM:
//
//	u8  → s16  (x − 128) << 8
//	s24 → s16  x >> 8 (FFmpeg decodes 24-bit PCM to s32 = x << 8, then >> 16)
//	s32 → s16  x >> 16 (arithmetic shift, truncation, no dither)
//	f32 → s16  round half to even of x·32768, saturated; NaN and
//	           |x·32768| ≥ 2³¹ give −32768 (the SSE2 path, which FFmpeg
//	           uses for all but the last <16 samples of a buffer)
//	f64 → s16  round half to even of x·32768 to int64, truncated to
//	           int32, saturated; NaN and ±Inf give 0 (the C path)
//	u8  → f32  (x − 128) / 128
//	s16 → f32  x / 32768
//	s24 → f32  (x << 8) / 2³¹
//	s32 → f32  float32(x) / 2³¹
//	f64 → f32  float32(x)

// exactToS16 converts n samples of format f from src into dst (2n bytes).
func exactToS16(dst, src []byte, f SampleFormat, n int) {
	dst = dst[:2*n]
	switch f {
	case U8:
		src = src[:n]
		for i, b := range src {
			binary.LittleEndian.PutUint16(dst[2*i:], uint16(int16(int(b)-128)<<8))
		}
	case S16:
		copy(dst, src[:2*n])
	case S24:
		src = src[:3*n]
		for i := 0; i < n; i++ {
			s := src[3*i : 3*i+3 : 3*i+3]
			// The two high bytes of the 24-bit value are the s16 result.
			dst[2*i] = s[1]
			dst[2*i+1] = s[2]
		}
	case S32:
		src = src[:4*n]
		for i := 0; i < n; i++ {
			s := src[4*i : 4*i+4 : 4*i+4]
			dst[2*i] = s[2]
			dst[2*i+1] = s[3]
		}
	case F32:
		src = src[:4*n]
		for i := 0; i < n; i++ {
			x := math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
			binary.LittleEndian.PutUint16(dst[2*i:], uint16(f32ToS16Exact(x)))
		}
	case F64:
		src = src[:8*n]
		for i := 0; i < n; i++ {
			x := math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
			binary.LittleEndian.PutUint16(dst[2*i:], uint16(f64ToS16Exact(x)))
		}
	}
}

// exactToF32 converts n samples of format f from src into dst (4n bytes).
func exactToF32(dst, src []byte, f SampleFormat, n int) {
	dst = dst[:4*n]
	switch f {
	case U8:
		src = src[:n]
		for i, b := range src {
			putF32(dst[4*i:], float32(int(b)-128)*(1.0/128))
		}
	case S16:
		src = src[:2*n]
		for i := 0; i < n; i++ {
			putF32(dst[4*i:], float32(int16(binary.LittleEndian.Uint16(src[2*i:])))*(1.0/32768))
		}
	case S24:
		src = src[:3*n]
		for i := 0; i < n; i++ {
			putF32(dst[4*i:], float32(s24At(src[3*i:]))*(1.0/2147483648))
		}
	case S32:
		src = src[:4*n]
		for i := 0; i < n; i++ {
			putF32(dst[4*i:], float32(int32(binary.LittleEndian.Uint32(src[4*i:])))*(1.0/2147483648))
		}
	case F32:
		copy(dst, src[:4*n])
	case F64:
		src = src[:8*n]
		for i := 0; i < n; i++ {
			putF32(dst[4*i:], float32(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))))
		}
	}
}

// s24At reads a packed little-endian 24-bit sample and returns it shifted
// to the top of an int32 (x << 8), as FFmpeg's pcm_s24le decoder does.
func s24At(b []byte) int32 {
	_ = b[2]
	return int32(uint32(b[0])<<8 | uint32(b[1])<<16 | uint32(b[2])<<24)
}

func putF32(b []byte, x float32) { binary.LittleEndian.PutUint32(b, math.Float32bits(x)) }

// f32ToS16Exact is libswresample's SSE2 float→s16 conversion: cvtps2dq
// (round half to even; out-of-range and NaN give INT32_MIN) then packssdw
// (saturation).
func f32ToS16Exact(x float32) int16 {
	v := x * 32768
	if !(v >= -2147483648 && v < 2147483648) {
		return math.MinInt16
	}
	return clip16(math.RoundToEven(float64(v)))
}

// f64ToS16Exact is libswresample's C double→s16 conversion:
// av_clip_int16(lrint(x * (1 << 15))), where lrint's 64-bit result is
// truncated to int by the call (x86-64: out of range and NaN give
// INT64_MIN, whose low 32 bits are 0).
func f64ToS16Exact(x float64) int16 {
	v := x * 32768
	l := int64(math.MinInt64)
	if v >= -9223372036854775808 && v < 9223372036854775808 {
		l = int64(math.RoundToEven(v))
	}
	i := int32(l)
	if i > math.MaxInt16 {
		return math.MaxInt16
	}
	if i < math.MinInt16 {
		return math.MinInt16
	}
	return int16(i)
}

func clip16(r float64) int16 {
	if r >= math.MaxInt16 {
		return math.MaxInt16
	}
	if r <= math.MinInt16 {
		return math.MinInt16
	}
	return int16(r)
}

// maxFloatIn bounds float input in the mixing path so that a stray huge
// value cannot overflow the filters to Inf/NaN. Real overs stay intact.
const maxFloatIn = 8

// toFloat decodes n samples of format f into dst, scaled to [-1, 1).
// Non-finite float input becomes 0 (NaN) or ±maxFloatIn (Inf).
func toFloat(dst []float32, src []byte, f SampleFormat, n int) {
	dst = dst[:n]
	switch f {
	case U8:
		src = src[:n]
		for i, b := range src {
			dst[i] = float32(int(b)-128) * (1.0 / 128)
		}
	case S16:
		src = src[:2*n]
		for i := range dst {
			dst[i] = float32(int16(binary.LittleEndian.Uint16(src[2*i:]))) * (1.0 / 32768)
		}
	case S24:
		src = src[:3*n]
		for i := range dst {
			dst[i] = float32(s24At(src[3*i:])>>8) * (1.0 / 8388608)
		}
	case S32:
		src = src[:4*n]
		for i := range dst {
			dst[i] = float32(float64(int32(binary.LittleEndian.Uint32(src[4*i:]))) * (1.0 / 2147483648))
		}
	case F32:
		src = src[:4*n]
		for i := range dst {
			dst[i] = sanitize(float64(math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))))
		}
	case F64:
		src = src[:8*n]
		for i := range dst {
			dst[i] = sanitize(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:])))
		}
	}
}

func sanitize(x float64) float32 {
	switch {
	case x != x:
		return 0
	case x > maxFloatIn:
		return maxFloatIn
	case x < -maxFloatIn:
		return -maxFloatIn
	}
	return float32(x)
}

// floatToS16 encodes samples with round half to even and saturation.
func floatToS16(dst []byte, src []float32) {
	dst = dst[:2*len(src)]
	for i, x := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], uint16(clip16(math.RoundToEven(float64(x)*32768))))
	}
}

// floatToF32 encodes samples as little-endian float32.
func floatToF32(dst []byte, src []float32) {
	dst = dst[:4*len(src)]
	for i, x := range src {
		putF32(dst[4*i:], x)
	}
}
