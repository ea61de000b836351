package audio

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Tempo changes the speed of PCM without changing its pitch, by WSOLA
// (waveform-similarity overlap-add): the input is cut into overlapping
// sequences taken Speed times further apart than they are laid down,
// each placed where it best matches the waveform already written (the
// cross-correlation over the overlap, searched within a window) and
// cross-faded into it. Speeds from 0.5 to 2 keep speech and music
// intelligible, as media players' "playback speed" does.
//
// A Tempo is used by one goroutine. It holds at most one search window
// and one sequence of input, and its output buffer is reused.
type Tempo struct {
	f     Format
	speed float64
	// In frames.
	seq, overlap, seek int
	// in holds the input not consumed yet, per frame interleaved, as
	// float32.
	in []float32
	// mid is the tail of the last sequence written: the next one is
	// cross-faded into it.
	mid  []float32
	fade []float32
	// monoMid and monoIn are the channels mixed for the search.
	monoMid, monoIn []float32
	skip            float64 // fractional input frames to skip, carried over
	primed          bool
	out             []byte
	// inFrames and outFrames count what went in and came out, for the
	// media time of the output.
	inFrames, outFrames int64
}

// Speed limits.
const (
	MinSpeed = 0.5
	MaxSpeed = 2.0
)

// NewTempo returns a Tempo for f at speed (MinSpeed..MaxSpeed).
func NewTempo(f Format, speed float64) (*Tempo, error) {
	if !f.Valid() {
		return nil, fmt.Errorf("%w: %v", ErrFormat, f)
	}
	switch f.Sample {
	case S16, S32, F32:
	default:
		return nil, fmt.Errorf("%w: tempo change of %v samples", ErrFormat, f)
	}
	if !(speed >= MinSpeed && speed <= MaxSpeed) {
		return nil, fmt.Errorf("%w: speed %v outside %v..%v", ErrFormat, speed, MinSpeed, MaxSpeed)
	}
	ms := func(d float64) int { return max(int(float64(f.SampleRate)*d/1000), 1) }
	t := &Tempo{f: f, speed: speed, seq: ms(40), overlap: ms(10), seek: ms(15)}
	return t, nil
}

// Speed is the tempo's speed.
func (t *Tempo) Speed() float64 { return t.speed }

// PendingFrames is how many frames of the input are held and not yet
// played out: the media the output so far is behind the input.
func (t *Tempo) PendingFrames() int64 {
	return max(t.inFrames-int64(float64(t.outFrames)*t.speed), 0)
}

// Process appends pcm (whole frames of the Tempo's format) and returns
// the output ready so far; the slice is reused by the next call.
func (t *Tempo) Process(pcm []byte) []byte {
	t.out = t.out[:0]
	fs := t.f.FrameSize()
	n := len(pcm) / fs
	t.inFrames += int64(n)
	if t.speed == 1 {
		t.out = append(t.out, pcm[:n*fs]...)
		t.outFrames += int64(n)
		return t.out
	}
	t.in = t.decode(t.in, pcm[:n*fs])
	t.run()
	return t.out
}

// Flush returns the rest of the output, so that all of it lasts the
// input's length divided by the speed (to the frame): the input held is
// played at the speed, padded with silence to make whole sequences, then
// the tail.
func (t *Tempo) Flush() []byte {
	t.out = t.out[:0]
	if t.speed == 1 || !t.primed && len(t.in) == 0 {
		return t.out
	}
	ch := t.f.Channels
	want := int64(math.Round(float64(t.inFrames) / t.speed))
	for t.outFrames+int64(t.seq) <= want {
		if len(t.in) < t.need() {
			t.in = append(t.in, make([]float32, t.need()-len(t.in))...)
		}
		t.step()
	}
	if t.primed {
		t.emit(t.mid)
		t.mid = t.mid[:0]
	}
	switch rest := want - t.outFrames; {
	case rest > 0:
		n := min(int(rest)*ch, len(t.in))
		t.emit(t.in[:n])
		t.emit(make([]float32, int(rest)*ch-n))
	case rest < 0:
		cut := min(int(-rest)*t.f.FrameSize(), len(t.out))
		t.out = t.out[:len(t.out)-cut]
		t.outFrames -= int64(cut / t.f.FrameSize())
	}
	t.in = t.in[:0]
	return t.out
}

// Reset forgets the input held (a seek).
func (t *Tempo) Reset() {
	t.in, t.mid, t.skip, t.primed = t.in[:0], t.mid[:0], 0, false
	t.inFrames, t.outFrames = 0, 0
}

// need is the input, in samples, a step needs: a search window and a
// sequence, and at least what it skips.
func (t *Tempo) need() int {
	return max(t.seek+t.seq, int(math.Ceil(float64(t.seq-t.overlap)*t.speed))+1) * t.f.Channels
}

// run makes sequences while the input holds what a step needs.
func (t *Tempo) run() {
	for len(t.in) >= t.need() {
		t.step()
	}
}

// step lays down one sequence and consumes its share of the input.
func (t *Tempo) step() {
	ch := t.f.Channels
	ov := t.overlap
	if !t.primed {
		// The first sequence has nothing to match: it starts the output.
		t.emit(t.in[:(t.seq-ov)*ch])
		t.mid = append(t.mid[:0], t.in[(t.seq-ov)*ch:t.seq*ch]...)
		t.primed = true
	} else {
		off := t.bestOffset()
		seg := t.in[off*ch:]
		// Cross-fade the tail kept into the matching start.
		t.fade = t.fade[:0]
		for i := range ov {
			w := float32(i) / float32(ov)
			for c := range ch {
				t.fade = append(t.fade, t.mid[i*ch+c]*(1-w)+seg[i*ch+c]*w)
			}
		}
		t.emit(t.fade)
		t.emit(seg[ov*ch : (t.seq-ov)*ch])
		t.mid = append(t.mid[:0], seg[(t.seq-ov)*ch:t.seq*ch]...)
	}
	// The input moves on by the output laid down times the speed.
	t.skip += float64(t.seq-ov) * t.speed
	adv := int(t.skip)
	t.skip -= float64(adv)
	adv *= ch // need() keeps it within the input
	t.in = t.in[:copy(t.in, t.in[adv:])]
}

// bestOffset is where in the search window the input best continues the
// tail kept: the highest normalised cross-correlation over the overlap,
// on a mix of the channels. A coarse search (every 4th offset, every 2nd
// sample) is refined around its best (every offset, every sample), which
// finds the same peak for the periodic waveforms that matter at a
// fraction of the cost.
func (t *Tempo) bestOffset() int {
	ch := t.f.Channels
	ov := t.overlap
	t.monoMid = mix(t.monoMid[:0], t.mid[:ov*ch], ch)
	t.monoIn = mix(t.monoIn[:0], t.in[:(t.seek+ov)*ch], ch)
	score := func(off, step int) float64 {
		var corr, norm float64
		for i := 0; i < ov; i += step {
			b := float64(t.monoIn[off+i])
			corr += float64(t.monoMid[i]) * b
			norm += b * b
		}
		return corr / math.Sqrt(norm+1e-9)
	}
	best, bestScore := 0, math.Inf(-1)
	for off := 0; off < t.seek; off += 4 {
		if sc := score(off, 2); sc > bestScore {
			best, bestScore = off, sc
		}
	}
	lo, hi := max(best-3, 0), min(best+3, t.seek-1)
	best, bestScore = lo, math.Inf(-1)
	for off := lo; off <= hi; off++ {
		if sc := score(off, 1); sc > bestScore {
			best, bestScore = off, sc
		}
	}
	return best
}

// mix appends the sum of each frame's channels of s.
func mix(dst, s []float32, ch int) []float32 {
	for i := 0; i+ch <= len(s); i += ch {
		var v float32
		for c := range ch {
			v += s[i+c]
		}
		dst = append(dst, v)
	}
	return dst
}

// emit appends samples (interleaved float32) to the output.
func (t *Tempo) emit(s []float32) {
	t.out = t.encode(t.out, s)
	t.outFrames += int64(len(s) / t.f.Channels)
}

func (t *Tempo) decode(dst []float32, b []byte) []float32 {
	switch t.f.Sample {
	case S16:
		for i := 0; i+2 <= len(b); i += 2 {
			dst = append(dst, float32(int16(binary.LittleEndian.Uint16(b[i:])))/32768)
		}
	case S32:
		for i := 0; i+4 <= len(b); i += 4 {
			dst = append(dst, float32(float64(int32(binary.LittleEndian.Uint32(b[i:])))/2147483648))
		}
	case F32:
		for i := 0; i+4 <= len(b); i += 4 {
			dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
		}
	}
	return dst
}

func (t *Tempo) encode(dst []byte, s []float32) []byte {
	for _, v := range s {
		switch t.f.Sample {
		case S16:
			dst = binary.LittleEndian.AppendUint16(dst, uint16(int16(clampRound(float64(v)*32768, -32768, 32767))))
		case S32:
			dst = binary.LittleEndian.AppendUint32(dst, uint32(int32(clampRound(float64(v)*2147483648, -2147483648, 2147483647))))
		case F32:
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
		}
	}
	return dst
}

func clampRound(v, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, math.Round(v)))
}
