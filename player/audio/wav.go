package audio

import (
	"encoding/binary"
	"fmt"
)

// WAV format tags and the KSDATAFORMAT_SUBTYPE GUID tail shared by the
// PCM and IEEE-float subtypes of WAVE_FORMAT_EXTENSIBLE (Microsoft,
// "Multiple channel audio data and WAVE files").
const (
	wavePCM        = 0x0001
	waveFloat      = 0x0003
	waveExtensible = 0xFFFE
	// wavFmtMax is the largest fmt chunk ParseWAV accepts.
	wavFmtMax = 1 << 10
)

var subtypeTail = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// defaultChannelMask returns the dwChannelMask of the default layout of n
// channels (see defaultLayouts), 0 when there is none.
func defaultChannelMask(n int) uint32 {
	if n >= len(defaultLayouts) {
		return 0
	}
	bits := map[int]uint32{spFL: 0x1, spFR: 0x2, spFC: 0x4, spLFE: 0x8, spBL: 0x10, spBR: 0x20, spBC: 0x100, spSL: 0x200, spSR: 0x400}
	var m uint32
	for _, sp := range defaultLayouts[n] {
		m |= bits[sp]
	}
	return m
}

// wavHeader returns a RIFF WAVE header for 16-bit PCM of rate and
// channels whose data chunk holds dataSize bytes. Up to two channels it
// is a plain WAVEFORMATEX (16-byte fmt chunk); with more it is
// WAVE_FORMAT_EXTENSIBLE with the default channel mask. Sizes that do
// not fit 32 bits are written as 0xFFFFFFFF.
func wavHeader(rate, channels int, dataSize int64) []byte {
	fmtSize := 16
	if channels > 2 {
		fmtSize = 40
	}
	h := make([]byte, 0, 20+fmtSize+8)
	le := binary.LittleEndian
	riff := int64(4+8+fmtSize+8) + dataSize
	h = append(h, "RIFF"...)
	h = le.AppendUint32(h, clampU32(riff))
	h = append(h, "WAVEfmt "...)
	h = le.AppendUint32(h, uint32(fmtSize))
	tag := uint16(wavePCM)
	if channels > 2 {
		tag = waveExtensible
	}
	block := channels * 2
	h = le.AppendUint16(h, tag)
	h = le.AppendUint16(h, uint16(channels))
	h = le.AppendUint32(h, uint32(rate))
	h = le.AppendUint32(h, uint32(rate*block))
	h = le.AppendUint16(h, uint16(block))
	h = le.AppendUint16(h, 16)
	if channels > 2 {
		h = le.AppendUint16(h, 22)
		h = le.AppendUint16(h, 16)
		h = le.AppendUint32(h, defaultChannelMask(channels))
		h = le.AppendUint16(h, wavePCM)
		h = append(h, subtypeTail[:]...)
	}
	h = append(h, "data"...)
	h = le.AppendUint32(h, clampU32(dataSize))
	return h
}

func clampU32(n int64) uint32 {
	if n < 0 || n > 0xFFFFFFFF {
		return 0xFFFFFFFF
	}
	return uint32(n)
}

// ParseWAV reads a RIFF WAVE file held in b and returns its format and
// its sample data (a sub-slice of b). It accepts PCM (8/16/24/32-bit),
// IEEE float (32/64-bit) and WAVE_FORMAT_EXTENSIBLE with those subtypes;
// other chunks are skipped. A data size of 0xFFFFFFFF or one running past
// the end (a WAV written to a pipe) means "to the end"; a trailing partial
// frame is dropped.
func ParseWAV(b []byte) (Format, []byte, error) {
	le := binary.LittleEndian
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return Format{}, nil, fmt.Errorf("%w: no RIFF WAVE header", ErrWAV)
	}
	var f Format
	haveFmt := false
	p := 12
	for p+8 <= len(b) {
		id := string(b[p : p+4])
		size := int64(le.Uint32(b[p+4:]))
		body := b[p+8:]
		switch id {
		case "fmt ":
			if size < 16 || size > wavFmtMax || size > int64(len(body)) {
				return Format{}, nil, fmt.Errorf("%w: fmt chunk of %d bytes", ErrWAV, size)
			}
			var err error
			if f, err = parseWAVFmt(body[:size]); err != nil {
				return Format{}, nil, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return Format{}, nil, fmt.Errorf("%w: data before fmt", ErrWAV)
			}
			if size > int64(len(body)) {
				size = int64(len(body))
			}
			fs := int64(f.FrameSize())
			return f, body[:size/fs*fs], nil
		}
		next := int64(p) + 8 + size + size&1
		if next > int64(len(b)) {
			break
		}
		p = int(next)
	}
	return Format{}, nil, fmt.Errorf("%w: no data chunk", ErrWAV)
}

func parseWAVFmt(c []byte) (Format, error) {
	le := binary.LittleEndian
	tag := le.Uint16(c)
	f := Format{Channels: int(le.Uint16(c[2:])), SampleRate: int(le.Uint32(c[4:]))}
	block := int(le.Uint16(c[12:]))
	bits := int(le.Uint16(c[14:]))
	if tag == waveExtensible {
		if len(c) < 40 || [14]byte(c[26:40]) != subtypeTail {
			return Format{}, fmt.Errorf("%w: unknown WAVE_FORMAT_EXTENSIBLE subtype", ErrWAV)
		}
		tag = le.Uint16(c[24:])
	}
	switch {
	case tag == wavePCM && bits == 8:
		f.Sample = U8
	case tag == wavePCM && bits == 16:
		f.Sample = S16
	case tag == wavePCM && bits == 24:
		f.Sample = S24
	case tag == wavePCM && bits == 32:
		f.Sample = S32
	case tag == waveFloat && bits == 32:
		f.Sample = F32
	case tag == waveFloat && bits == 64:
		f.Sample = F64
	default:
		return Format{}, fmt.Errorf("%w: format tag 0x%04X with %d bits", ErrWAV, tag, bits)
	}
	if !f.Valid() || block != f.FrameSize() {
		return Format{}, fmt.Errorf("%w: %v with block align %d", ErrWAV, f, block)
	}
	return f, nil
}
