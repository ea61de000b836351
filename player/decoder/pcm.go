package decoder

import (
	"fmt"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/transport"
)

// pcmKind is the wire encoding of a PCM-family track.
type pcmKind uint8

const (
	pcmInt pcmKind = iota
	pcmFloat
	pcmALaw
	pcmMuLaw
)

// PCM decodes the uncompressed WAVEFORMATEX formats: integer PCM
// (WAVE_FORMAT_PCM 0x0001: 8-bit unsigned, 16/24/32-bit signed
// little-endian, containers of 1 to 4 bytes), IEEE float
// (WAVE_FORMAT_IEEE_FLOAT 0x0003: 32/64-bit) and ITU-T G.711 A-law
// (0x0006) and µ-law (0x0007), with any channel count. A
// WAVE_FORMAT_EXTENSIBLE track arrives here with its sub-format already
// resolved into Codec.Tag.
//
// The output keeps the native sample format (U8, S16, S24, S32, F32,
// F64; G.711 gives S16), so that the sink's converter reaches S16 exactly
// as FFmpeg does. Each frame of the input is BlockAlign bytes; when
// BlockAlign exceeds Channels × sample size the extra bytes of each frame
// are padding and are dropped.
//
// Specification: Microsoft WAVEFORMATEX and "Multiple channel audio data
// and WAVE files"; ITU-T G.711 for the companded formats.
type PCM struct {
	kind   pcmKind
	format audio.Format
	in     int // input bytes per sample
	stride int // input bytes per frame (BlockAlign)
}

// maxPCMBlockAlign bounds BlockAlign: 32 channels of 8-byte samples.
const maxPCMBlockAlign = 32 * 8

// NewPCM returns a decoder for a PCM, float, A-law or µ-law track.
func NewPCM(t transport.Track) (Audio, error) {
	d := &PCM{}
	a := t.Audio
	bits := a.BitsPerSample
	unsupported := func(reason string, args ...any) error {
		return &UnsupportedError{Codec: t.Codec, Reason: fmt.Sprintf(reason, args...)}
	}
	switch t.Codec.Tag {
	case transport.TagPCM:
		d.kind = pcmInt
		if bits <= 0 && a.Channels > 0 && a.BlockAlign%a.Channels == 0 {
			bits = 8 * a.BlockAlign / a.Channels
		}
		if bits <= 0 || bits > 32 {
			return nil, unsupported("%d-bit integer PCM", bits)
		}
		d.in = (bits + 7) / 8
		d.format.Sample = [...]audio.SampleFormat{1: audio.U8, 2: audio.S16, 3: audio.S24, 4: audio.S32}[d.in]
	case transport.TagFloat:
		d.kind = pcmFloat
		switch bits {
		case 32:
			d.in, d.format.Sample = 4, audio.F32
		case 64:
			d.in, d.format.Sample = 8, audio.F64
		default:
			return nil, unsupported("%d-bit float PCM", bits)
		}
	case transport.TagALaw, transport.TagMuLaw:
		d.kind = pcmALaw
		if t.Codec.Tag == transport.TagMuLaw {
			d.kind = pcmMuLaw
		}
		if bits != 8 && bits != 0 {
			return nil, unsupported("%d-bit G.711", bits)
		}
		d.in, d.format.Sample = 1, audio.S16
	default:
		return nil, unsupported("not a PCM format")
	}
	d.format.SampleRate, d.format.Channels = a.SampleRate, a.Channels
	if !d.format.Valid() {
		return nil, fmt.Errorf("%w: %s: %d Hz, %d channels", ErrInvalidTrack, t.Codec, a.SampleRate, a.Channels)
	}
	d.stride = a.BlockAlign
	if d.stride == 0 {
		d.stride = d.in * a.Channels
	}
	if d.stride < d.in*a.Channels || d.stride > maxPCMBlockAlign {
		return nil, fmt.Errorf("%w: %s: block align %d for %d channels of %d bytes", ErrInvalidTrack, t.Codec, d.stride, a.Channels, d.in)
	}
	return d, nil
}

// Format is the PCM format Decode produces.
func (d *PCM) Format() audio.Format { return d.format }

// Decode appends the sample's frames to dst. A trailing partial frame is
// dropped and reported as an error wrapping ErrCorrupt; the frames before
// it are still appended (the returned slice is valid with the error).
func (d *PCM) Decode(dst []byte, s transport.Sample) ([]byte, error) {
	data := s.Data
	frames := len(data) / d.stride
	ch := d.format.Channels
	packed := d.in * ch
	switch {
	case d.kind == pcmALaw || d.kind == pcmMuLaw:
		table := &alawTable
		if d.kind == pcmMuLaw {
			table = &mulawTable
		}
		for f := range frames {
			for _, b := range data[f*d.stride : f*d.stride+ch] {
				v := table[b]
				dst = append(dst, byte(v), byte(uint16(v)>>8))
			}
		}
	case d.stride == packed:
		dst = append(dst, data[:frames*d.stride]...)
	default:
		for f := range frames {
			dst = append(dst, data[f*d.stride:f*d.stride+packed]...)
		}
	}
	if rest := len(data) - frames*d.stride; rest != 0 {
		return dst, fmt.Errorf("%w: %d bytes after the last whole %d-byte frame", ErrCorrupt, rest, d.stride)
	}
	return dst, nil
}

// Reset does nothing: PCM has no state.
func (d *PCM) Reset() {}

// Close does nothing.
func (d *PCM) Close() error { return nil }

// G.711 expansion tables (ITU-T G.711 §§ 3 and 4: sign, 3-bit segment,
// 4-bit step; A-law bytes are transmitted with even bits inverted, µ-law
// bytes fully inverted). Values are the 16-bit linear reconstruction.
var alawTable, mulawTable = func() (a, u [256]int16) {
	for i := range 256 {
		// A-law.
		v := i ^ 0x55
		seg := (v & 0x70) >> 4
		t := (v & 0x0F) << 4
		switch seg {
		case 0:
			t += 8
		case 1:
			t += 0x108
		default:
			t = (t + 0x108) << (seg - 1)
		}
		if v&0x80 == 0 {
			t = -t
		}
		a[i] = int16(t)
		// µ-law, bias 0x84.
		w := ^i & 0xFF
		m := ((w&0x0F)<<3 + 0x84) << ((w & 0x70) >> 4)
		if w&0x80 != 0 {
			u[i] = int16(0x84 - m)
		} else {
			u[i] = int16(m - 0x84)
		}
	}
	return
}()
