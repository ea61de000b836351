package asf

import (
	"encoding/binary"
	"fmt"
)

// WAVEFORMATEX format tags used by this package.
const (
	WaveFormatPCM         = 0x0001
	WaveFormatIEEEFloat   = 0x0003
	WaveFormatMP3         = 0x0055
	WaveFormatWMAv1       = 0x0160
	WaveFormatWMAv2       = 0x0161
	WaveFormatWMAPro      = 0x0162
	WaveFormatWMALossless = 0x0163
	WaveFormatExtensible  = 0xFFFE
)

// ksDataFormatBaseTail is bytes 4..15 of the KSDATAFORMAT_SUBTYPE_* GUIDs
// xxxxxxxx-0000-0010-8000-00AA00389B71, whose first WORD is a format tag.
var ksDataFormatBaseTail = [12]byte{0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// WaveFormat is an audio stream's WAVEFORMATEX (ASF spec §9.2; the 14-byte
// WAVEFORMAT and 16-byte PCMWAVEFORMAT forms are accepted too).
type WaveFormat struct {
	// FormatTag is the codec: the wFormatTag, or, for
	// WAVE_FORMAT_EXTENSIBLE, the tag carried in the SubFormat GUID.
	FormatTag uint16
	// RawFormatTag is the wFormatTag as stored.
	RawFormatTag   uint16
	Channels       uint16
	SampleRate     uint32
	AvgBytesPerSec uint32
	BlockAlign     uint16
	BitsPerSample  uint16
	// ValidBits, ChannelMask and SubFormat come from a
	// WAVE_FORMAT_EXTENSIBLE extension (0 otherwise).
	ValidBits   uint16
	ChannelMask uint32
	SubFormat   GUID
	// Extra holds the cbSize bytes after the fixed part (codec extradata;
	// for WAVE_FORMAT_EXTENSIBLE it starts with the 22-byte extension),
	// clamped to the bytes present.
	Extra []byte
}

// ParseWaveFormat parses a WAVEFORMATEX. cbSize is clamped to the bytes
// present. The result does not alias b.
func ParseWaveFormat(b []byte) (*WaveFormat, error) {
	if len(b) < 14 {
		return nil, fmt.Errorf("%w: WAVEFORMATEX needs 14 bytes, have %d", ErrTruncated, len(b))
	}
	r := newReader(b)
	w := &WaveFormat{}
	w.RawFormatTag = r.u16()
	w.FormatTag = w.RawFormatTag
	w.Channels = r.u16()
	w.SampleRate = r.u32()
	w.AvgBytesPerSec = r.u32()
	w.BlockAlign = r.u16()
	if r.remaining() >= 2 {
		w.BitsPerSample = r.u16()
	}
	if r.remaining() >= 2 {
		cb := int(r.u16())
		w.Extra = r.bytesCopy(min(cb, r.remaining()))
	}
	if w.RawFormatTag == WaveFormatExtensible && len(w.Extra) >= 22 {
		w.ValidBits = binary.LittleEndian.Uint16(w.Extra[0:])
		w.ChannelMask = binary.LittleEndian.Uint32(w.Extra[2:])
		copy(w.SubFormat[:], w.Extra[6:22])
		if [12]byte(w.SubFormat[4:]) == ksDataFormatBaseTail {
			w.FormatTag = binary.LittleEndian.Uint16(w.SubFormat[0:])
		}
	}
	return w, nil
}

// MarshalSize is the size of the WAVEFORMATEX Marshal writes.
func (w *WaveFormat) MarshalSize() int { return 18 + len(w.Extra) }

// Marshal writes w as an 18-byte WAVEFORMATEX followed by Extra (cbSize =
// len(Extra)). The tag written is RawFormatTag, or FormatTag when
// RawFormatTag is 0.
func (w *WaveFormat) Marshal() []byte {
	b := make([]byte, w.MarshalSize())
	tag := w.RawFormatTag
	if tag == 0 {
		tag = w.FormatTag
	}
	binary.LittleEndian.PutUint16(b[0:], tag)
	binary.LittleEndian.PutUint16(b[2:], w.Channels)
	binary.LittleEndian.PutUint32(b[4:], w.SampleRate)
	binary.LittleEndian.PutUint32(b[8:], w.AvgBytesPerSec)
	binary.LittleEndian.PutUint16(b[12:], w.BlockAlign)
	binary.LittleEndian.PutUint16(b[14:], w.BitsPerSample)
	binary.LittleEndian.PutUint16(b[16:], uint16(min(len(w.Extra), 0xFFFF)))
	copy(b[18:], w.Extra)
	return b
}
