package audio

import "math"

// Resampler parameters. A Kaiser-windowed sinc of baseTaps taps (when not
// reducing the rate) gives about 80 dB of stopband attenuation with a
// transition band of 8 % of the lower rate, placed below its Nyquist
// frequency: at 44.1 kHz the passband is flat to about 18.5 kHz and
// everything above 22.05 kHz is rejected.
const (
	baseTaps    = 64
	maxTaps     = 512
	kaiserBeta  = 8.0
	cutoffRatio = 0.92 // −6 dB point relative to the lower Nyquist frequency
	// maxExactPhases bounds the coefficient table: up to this many phases
	// (every common pair of rates: 44.1→48 kHz needs 160) the table holds
	// each exact phase; beyond, it holds maxExactPhases phases and
	// interpolates linearly between neighbours.
	maxExactPhases = 1024
)

// resampler is a streaming polyphase windowed-sinc sample-rate converter
// for planar float32 audio. Output frame k lies at input time k·M/L
// (L/M = out/in reduced), so output and input start together; the tail is
// emitted by flush. Memory is bounded by the table and by the caller's
// block size.
type resampler struct {
	ch     int
	l, m   int // out and in rate divided by their gcd
	taps   int
	phases int
	exact  bool      // phases == l: no interpolation
	coef   []float32 // (phases+1) rows of taps
	row    []float32 // interpolated row scratch
	hist   [][]float32
	off    int // index in hist of the next output's first tap
	frac   int // next output's phase in [0, l)
	in     int64
	out    int64
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func newResampler(inRate, outRate, ch int) *resampler {
	g := gcd(inRate, outRate)
	r := &resampler{ch: ch, l: outRate / g, m: inRate / g}
	ratio := math.Min(1, float64(outRate)/float64(inRate))
	taps := int(math.Ceil(baseTaps/ratio/2)) * 2
	if taps > maxTaps {
		taps = maxTaps
	}
	r.taps = taps
	r.phases = r.l
	r.exact = true
	if r.l > maxExactPhases {
		r.phases = maxExactPhases
		r.exact = false
		r.row = make([]float32, taps)
	}
	// fc is the cutoff relative to the input Nyquist frequency.
	fc := cutoffRatio * ratio
	half := float64(taps / 2)
	i0b := besselI0(kaiserBeta)
	r.coef = make([]float32, (r.phases+1)*taps)
	for p := 0; p <= r.phases; p++ {
		row := r.coef[p*taps : (p+1)*taps]
		shift := float64(p) / float64(r.phases)
		sum := 0.0
		vals := make([]float64, taps)
		for i := range taps {
			d := half - 1 - float64(i) + shift
			x := d / half
			w := 0.0
			if x > -1 && x < 1 {
				w = besselI0(kaiserBeta*math.Sqrt(1-x*x)) / i0b
			}
			v := fc * sinc(fc*d) * w
			vals[i] = v
			sum += v
		}
		// Unity gain at DC for every phase.
		for i, v := range vals {
			row[i] = float32(v / sum)
		}
	}
	r.hist = make([][]float32, ch)
	r.reset()
	return r
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// besselI0 is the modified Bessel function of the first kind, order 0
// (power series; converges quickly for the β used here).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 64; k++ {
		term *= (x / 2) / float64(k)
		sum += term * term
		if term*term < sum*1e-17 {
			break
		}
	}
	return sum
}

// reset drops all state: the next input is time zero.
func (r *resampler) reset() {
	pre := r.taps/2 - 1
	for c := range r.hist {
		r.hist[c] = append(r.hist[c][:0], make([]float32, pre)...)
	}
	r.off, r.frac, r.in, r.out = 0, 0, 0, 0
}

// push appends n frames of planar input (in[c][:n]).
func (r *resampler) push(in [][]float32, n int) {
	if r.off > 0 {
		for c := range r.hist {
			h := r.hist[c]
			k := copy(h, h[r.off:])
			r.hist[c] = h[:k]
		}
		r.off = 0
	}
	for c := range r.hist {
		r.hist[c] = append(r.hist[c], in[c][:n]...)
	}
	r.in += int64(n)
}

// pull appends every output frame the pushed input allows to out[c],
// stopping at limit total output frames when limit ≥ 0.
func (r *resampler) pull(out [][]float32, limit int64) [][]float32 {
	avail := len(r.hist[0])
	taps := r.taps
	for r.off+taps <= avail && (limit < 0 || r.out < limit) {
		var row []float32
		if r.exact {
			row = r.coef[r.frac*taps : (r.frac+1)*taps]
		} else {
			pos := int64(r.frac) * int64(r.phases)
			p := int(pos / int64(r.l))
			t := float32(pos%int64(r.l)) / float32(r.l)
			a := r.coef[p*taps : (p+1)*taps]
			b := r.coef[(p+1)*taps : (p+2)*taps]
			row = r.row
			for i := range row {
				row[i] = a[i] + t*(b[i]-a[i])
			}
		}
		for c := range r.hist {
			out[c] = append(out[c], dot(row, r.hist[c][r.off:r.off+taps]))
		}
		r.out++
		r.frac += r.m
		r.off += r.frac / r.l
		r.frac %= r.l
	}
	return out
}

// flush appends the remaining output frames (those before the end of the
// input) and resets.
func (r *resampler) flush(out [][]float32) [][]float32 {
	total := (r.in*int64(r.l) + int64(r.m) - 1) / int64(r.m)
	pad := make([]float32, r.taps/2+1)
	for c := range r.hist {
		r.hist[c] = append(r.hist[c], pad...)
	}
	out = r.pull(out, total)
	r.reset()
	return out
}

func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
