package audio

import (
	"fmt"
	"math"
	"sync/atomic"
)

// convertBlock is the number of input frames processed at a time, which
// bounds the converter's scratch memory.
const convertBlock = 2048

// rampDivisor sets how long a full-scale gain change takes (1/100 s =
// 10 ms), so that volume changes do not click.
const rampDivisor = 100

// Converter turns interleaved PCM of one Format into another: sample
// format (to S16 or F32), channel count (see channelMatrix for the
// mapping) and sample rate (polyphase windowed-sinc resampler), with a
// gain. When rate and channel mapping need no arithmetic and the gain is
// 1, the conversion is exactly libswresample's (see sample.go), so a
// WAVSink's output equals FFmpeg's.
//
// A Converter is used by one goroutine; SetGain may be called from any.
type Converter struct {
	from, to Format
	carry    []byte // partial input frame kept for the next call
	matrix   [][]float32
	sel      []int // non-nil when the channel map only copies
	identity bool
	rs       *resampler

	gainBits atomic.Uint64 // target gain, float64 bits
	gain     float64       // current gain
	ramp     int           // frames per full-scale ramp

	fin    []float32   // interleaved float input block
	mix    [][]float32 // planar after channel mapping
	rsOut  [][]float32 // planar after resampling
	inter  []float32   // interleaved output block
	tmpS16 []byte      // exact path: samples before channel selection
}

// NewConverter returns a converter from one format to another. to.Sample
// must be S16 or F32.
func NewConverter(from, to Format) (*Converter, error) {
	if !from.Valid() {
		return nil, fmt.Errorf("%w: input %v", ErrFormat, from)
	}
	if !to.Valid() || (to.Sample != S16 && to.Sample != F32) {
		return nil, fmt.Errorf("%w: output %v (want s16 or f32)", ErrFormat, to)
	}
	c := &Converter{from: from, to: to, gain: 1}
	c.gainBits.Store(math.Float64bits(1))
	c.matrix = channelMatrix(from.Channels, to.Channels)
	c.sel, _ = selection(c.matrix)
	if from.Channels == to.Channels {
		c.identity = true
	}
	if from.SampleRate != to.SampleRate {
		c.rs = newResampler(from.SampleRate, to.SampleRate, to.Channels)
	}
	c.ramp = max(1, to.SampleRate/rampDivisor)
	c.mix = make([][]float32, to.Channels)
	c.rsOut = make([][]float32, to.Channels)
	return c, nil
}

// From is the input format.
func (c *Converter) From() Format { return c.from }

// To is the output format.
func (c *Converter) To() Format { return c.to }

// SetGain sets the gain (clamped to 0..1); the converter ramps to it over
// 10 ms. Safe to call from any goroutine.
func (c *Converter) SetGain(g float64) {
	if !(g >= 0) { // also NaN
		g = 0
	}
	if g > 1 {
		g = 1
	}
	c.gainBits.Store(math.Float64bits(g))
}

// Reset drops buffered state (resampler history, a partial input frame)
// and jumps to the target gain, e.g. after a seek.
func (c *Converter) Reset() {
	c.carry = c.carry[:0]
	if c.rs != nil {
		c.rs.reset()
	}
	c.gain = math.Float64frombits(c.gainBits.Load())
}

// Convert converts src (interleaved frames of From; a trailing partial
// frame is kept for the next call) and appends the result to dst.
func (c *Converter) Convert(dst, src []byte) []byte {
	fs := c.from.FrameSize()
	if len(c.carry) > 0 {
		k := min(fs-len(c.carry), len(src))
		c.carry = append(c.carry, src[:k]...)
		src = src[k:]
		if len(c.carry) < fs {
			return dst
		}
		dst = c.convertFrames(dst, c.carry, 1)
		c.carry = c.carry[:0]
	}
	n := len(src) / fs
	for done := 0; done < n; {
		k := min(n-done, convertBlock)
		dst = c.convertFrames(dst, src[done*fs:(done+k)*fs], k)
		done += k
	}
	if rest := src[n*fs:]; len(rest) > 0 {
		c.carry = append(c.carry[:0], rest...)
	}
	return dst
}

// Flush appends what the resampler still holds (the last few
// milliseconds of input) to dst and resets; call it at the end of a
// stream. Without resampling it only drops a partial frame.
func (c *Converter) Flush(dst []byte) []byte {
	c.carry = c.carry[:0]
	if c.rs == nil {
		return dst
	}
	for i := range c.rsOut {
		c.rsOut[i] = c.rsOut[i][:0]
	}
	c.rsOut = c.rs.flush(c.rsOut)
	return c.emit(dst, c.rsOut, len(c.rsOut[0]))
}

// convertFrames converts n whole frames.
func (c *Converter) convertFrames(dst, src []byte, n int) []byte {
	target := math.Float64frombits(c.gainBits.Load())
	if c.rs == nil && c.sel != nil && target == 1 && c.gain == 1 {
		return c.exact(dst, src, n)
	}
	inCh := c.from.Channels
	c.fin = grow(c.fin, n*inCh)
	toFloat(c.fin, src, c.from.Sample, n*inCh)
	for o := range c.mix {
		c.mix[o] = grow(c.mix[o], n)
		out := c.mix[o]
		row := c.matrix[o]
		switch {
		case c.identity || c.sel != nil:
			in := o
			if !c.identity {
				in = c.sel[o]
			}
			if in < 0 {
				clear(out)
				continue
			}
			for f := range n {
				out[f] = c.fin[f*inCh+in]
			}
		default:
			for f := range n {
				var s float32
				fr := c.fin[f*inCh : (f+1)*inCh]
				for i, k := range row {
					s += k * fr[i]
				}
				out[f] = s
			}
		}
	}
	if c.rs == nil {
		return c.emit(dst, c.mix, n)
	}
	c.rs.push(c.mix, n)
	for i := range c.rsOut {
		c.rsOut[i] = c.rsOut[i][:0]
	}
	c.rsOut = c.rs.pull(c.rsOut, -1)
	return c.emit(dst, c.rsOut, len(c.rsOut[0]))
}

// emit applies the gain to n planar frames, interleaves and encodes them.
func (c *Converter) emit(dst []byte, planar [][]float32, n int) []byte {
	if n == 0 {
		return dst
	}
	ch := c.to.Channels
	c.inter = grow(c.inter, n*ch)
	for o, p := range planar {
		for f := range n {
			c.inter[f*ch+o] = p[f]
		}
	}
	target := math.Float64frombits(c.gainBits.Load())
	if c.gain != target || target != 1 {
		step := 1 / float64(c.ramp)
		for f := range n {
			switch {
			case c.gain < target:
				c.gain = math.Min(target, c.gain+step)
			case c.gain > target:
				c.gain = math.Max(target, c.gain-step)
			}
			g := float32(c.gain)
			fr := c.inter[f*ch : (f+1)*ch]
			for i := range fr {
				fr[i] *= g
			}
		}
	}
	size := n * ch * c.to.Sample.Size()
	dst, out := extend(dst, size)
	if c.to.Sample == S16 {
		floatToS16(out, c.inter)
	} else {
		floatToF32(out, c.inter)
	}
	return dst
}

// exact converts n frames without arithmetic beyond the sample format
// (channels are copied or zeroed).
func (c *Converter) exact(dst, src []byte, n int) []byte {
	ss := c.to.Sample.Size()
	conv := exactToS16
	if c.to.Sample == F32 {
		conv = exactToF32
	}
	if c.identity {
		dst, out := extend(dst, n*c.to.Channels*ss)
		conv(out, src, c.from.Sample, n*c.from.Channels)
		return dst
	}
	inCh := c.from.Channels
	c.tmpS16 = growBytes(c.tmpS16, n*inCh*ss)
	conv(c.tmpS16, src, c.from.Sample, n*inCh)
	dst, out := extend(dst, n*c.to.Channels*ss)
	outCh := c.to.Channels
	for f := range n {
		for o, in := range c.sel {
			d := out[(f*outCh+o)*ss : (f*outCh+o+1)*ss]
			if in < 0 {
				clear(d)
				continue
			}
			copy(d, c.tmpS16[(f*inCh+in)*ss:])
		}
	}
	return dst
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

func growBytes(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// extend appends n bytes to dst and returns the new slice and the
// appended part.
func extend(dst []byte, n int) (all, tail []byte) {
	l := len(dst)
	if cap(dst)-l < n {
		nd := make([]byte, l, max(2*cap(dst), l+n))
		copy(nd, dst)
		dst = nd
	}
	dst = dst[:l+n]
	return dst, dst[l:]
}
