package audio

import "math"

// Speaker positions of the default WAVE channel orders (the
// WAVEFORMATEXTENSIBLE dwChannelMask bit order, used when a stream gives
// only a channel count).
const (
	spFL = iota
	spFR
	spFC
	spLFE
	spBL
	spBR
	spBC
	spSL
	spSR
)

// defaultLayouts lists the speakers of 1 to 8 channels in stream order:
// mono, stereo, 3.0, quad, 5.0, 5.1, 6.1 and 7.1 (the KSAUDIO_SPEAKER_*
// layouts).
var defaultLayouts = [][]int{
	1: {spFC},
	2: {spFL, spFR},
	3: {spFL, spFR, spFC},
	4: {spFL, spFR, spBL, spBR},
	5: {spFL, spFR, spFC, spBL, spBR},
	6: {spFL, spFR, spFC, spLFE, spBL, spBR},
	7: {spFL, spFR, spFC, spLFE, spBC, spSL, spSR},
	8: {spFL, spFR, spFC, spLFE, spBL, spBR, spSL, spSR},
}

// channelMatrix returns the mixing matrix m[out][in] from in to out
// channels:
//   - equal counts: identity;
//   - mono → N: the mono signal on the first two outputs (front left and
//     right) at unity gain, silence elsewhere;
//   - N → stereo: ITU-R BS.775 style downmix (centre and surrounds at
//     −3 dB, LFE dropped), scaled so that no output can exceed full scale;
//   - N → mono: the stereo downmix, averaged;
//   - stereo → N: left and right on the first two outputs;
//   - other cases: input i goes to output i mod out, scaled down by the
//     largest number of inputs sharing an output.
func channelMatrix(in, out int) [][]float32 {
	m := make([][]float32, out)
	for i := range m {
		m[i] = make([]float32, in)
	}
	switch {
	case in == out:
		for i := range m {
			m[i][i] = 1
		}
	case in == 1:
		m[0][0] = 1
		m[1%out][0] = 1
	case out <= 2 && in <= 8:
		const h = math.Sqrt2 / 2
		var l, r [9]float64
		l[spFL], r[spFR] = 1, 1
		l[spFC], r[spFC] = h, h
		l[spBL], r[spBR] = h, h
		l[spSL], r[spSR] = h, h
		l[spBC], r[spBC] = h, h
		st := [2][]float64{make([]float64, in), make([]float64, in)}
		for i, sp := range defaultLayouts[in] {
			st[0][i], st[1][i] = l[sp], r[sp]
		}
		norm := 0.0
		for _, row := range st {
			s := 0.0
			for _, c := range row {
				s += c
			}
			norm = math.Max(norm, s)
		}
		if out == 2 {
			for o := range 2 {
				for i := range in {
					m[o][i] = float32(st[o][i] / norm)
				}
			}
		} else {
			for i := range in {
				m[0][i] = float32((st[0][i] + st[1][i]) / (2 * norm))
			}
		}
	case in == 2:
		m[0][0] = 1
		m[1][1] = 1
	default:
		share := (in + out - 1) / out
		for i := range in {
			m[i%out][i] = float32(1 / float64(share))
		}
	}
	return m
}

// selection reports whether m only copies inputs (each output row has at
// most one coefficient, equal to 1); sel[o] is the input of output o, or
// -1 for silence.
func selection(m [][]float32) (sel []int, ok bool) {
	sel = make([]int, len(m))
	for o, row := range m {
		sel[o] = -1
		for i, c := range row {
			switch {
			case c == 0:
			case c == 1 && sel[o] < 0:
				sel[o] = i
			default:
				return nil, false
			}
		}
	}
	return sel, true
}
