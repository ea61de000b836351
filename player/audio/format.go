// Package audio holds Eddy's PCM vocabulary: sample formats, the Sink
// interface the player writes decoded audio to, converters between formats
// and rates, and the sinks that need no sound card (NullSink, WAVSink).
// The sound-device sink (oto) lives under cmd/, so nothing here needs cgo.
package audio

import (
	"fmt"
	"math"
	"math/bits"
	"time"
)

// SampleFormat is the encoding of one PCM sample.
type SampleFormat uint8

const (
	// U8 is unsigned 8-bit PCM (WAVEFORMATEX 8-bit).
	U8 SampleFormat = iota + 1
	// S16 is signed 16-bit little-endian PCM.
	S16
	// S24 is signed 24-bit little-endian PCM packed in 3 bytes.
	S24
	// S32 is signed 32-bit little-endian PCM.
	S32
	// F32 is IEEE float 32-bit little-endian, nominal range [-1, 1].
	F32
	// F64 is IEEE float 64-bit little-endian, nominal range [-1, 1].
	F64
)

// Size is the number of bytes per sample.
func (f SampleFormat) Size() int {
	switch f {
	case U8:
		return 1
	case S16:
		return 2
	case S24:
		return 3
	case S32, F32:
		return 4
	case F64:
		return 8
	}
	return 0
}

// String names the format.
func (f SampleFormat) String() string {
	switch f {
	case U8:
		return "u8"
	case S16:
		return "s16"
	case S24:
		return "s24"
	case S32:
		return "s32"
	case F32:
		return "f32"
	case F64:
		return "f64"
	}
	return fmt.Sprintf("format(%d)", uint8(f))
}

// Format describes interleaved PCM.
type Format struct {
	SampleRate int
	Channels   int
	Sample     SampleFormat
}

// FrameSize is the number of bytes of one frame (one sample per channel).
func (f Format) FrameSize() int { return f.Channels * f.Sample.Size() }

// Valid reports whether f can describe real audio.
func (f Format) Valid() bool {
	return f.SampleRate > 0 && f.SampleRate <= 768000 && f.Channels > 0 && f.Channels <= 32 && f.Sample.Size() > 0
}

// Duration is the play time of n bytes of f (whole frames, rounded down).
// It saturates instead of overflowing.
func (f Format) Duration(n int) time.Duration {
	fs := f.FrameSize()
	if fs <= 0 || f.SampleRate <= 0 || n <= 0 {
		return 0
	}
	frames := uint64(n / fs)
	rate := uint64(f.SampleRate)
	hi, lo := bits.Mul64(frames, uint64(time.Second))
	if hi >= rate {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, rate)
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(q)
}

// Bytes is the number of bytes (whole frames, rounded down) that play for
// d; 0 for d ≤ 0. Times come from files and servers: the result saturates
// at the largest whole-frame count an int holds instead of overflowing.
func (f Format) Bytes(d time.Duration) int { return f.bytes(d, false) }

// BytesCeil is Bytes rounded up to the next whole frame.
func (f Format) BytesCeil(d time.Duration) int { return f.bytes(d, true) }

func (f Format) bytes(d time.Duration, ceil bool) int {
	fs := f.FrameSize()
	if d <= 0 || fs <= 0 || f.SampleRate <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(d), uint64(f.SampleRate))
	if hi >= uint64(time.Second) {
		return math.MaxInt / fs * fs
	}
	frames, rem := bits.Div64(hi, lo, uint64(time.Second))
	if ceil && rem != 0 {
		frames++
	}
	if frames > uint64(math.MaxInt/fs) {
		return math.MaxInt / fs * fs
	}
	return int(frames) * fs
}

// String gives "44100 Hz, 2 ch, s16".
func (f Format) String() string {
	return fmt.Sprintf("%d Hz, %d ch, %s", f.SampleRate, f.Channels, f.Sample)
}
