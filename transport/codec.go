package transport

import "fmt"

// CodecKind says which numbering space a Codec's identifier lives in.
type CodecKind uint8

const (
	// CodecUnknown is the zero value: no codec information.
	CodecUnknown CodecKind = iota
	// CodecWaveFormat identifies an audio codec by its WAVEFORMATEX wFormatTag
	// (ASF Stream Properties audio data; MS-SSTR AudioTag).
	CodecWaveFormat
	// CodecFourCC identifies a video (or Smooth Streaming) codec by its FourCC
	// (BITMAPINFOHEADER biCompression; MS-SSTR FourCC).
	CodecFourCC
)

// Codec is a comparable codec key, used to look up decoders.
type Codec struct {
	Kind CodecKind
	// Tag is the WAVEFORMATEX format tag when Kind is CodecWaveFormat.
	Tag uint16
	// FourCC is the four-character code when Kind is CodecFourCC, as written
	// in the stream (case preserved, e.g. "WMV2", "H264").
	FourCC string
}

// WaveFormat returns the Codec for a WAVEFORMATEX format tag.
func WaveFormat(tag uint16) Codec { return Codec{Kind: CodecWaveFormat, Tag: tag} }

// FourCC returns the Codec for a four-character code.
func FourCC(cc string) Codec { return Codec{Kind: CodecFourCC, FourCC: cc} }

// String names the codec the way errors and the UI show it, e.g.
// "WMA v2 (0x0161)" or "WMV2".
func (c Codec) String() string {
	switch c.Kind {
	case CodecWaveFormat:
		if n, ok := waveFormatNames[c.Tag]; ok {
			return fmt.Sprintf("%s (0x%04X)", n, c.Tag)
		}
		return fmt.Sprintf("audio format 0x%04X", c.Tag)
	case CodecFourCC:
		if n, ok := fourCCNames[c.FourCC]; ok {
			return fmt.Sprintf("%s (%s)", n, c.FourCC)
		}
		return fmt.Sprintf("FourCC %q", c.FourCC)
	}
	return "unknown codec"
}

// Name is the short codec name without the numeric identifier, e.g. "WMA v2".
func (c Codec) Name() string {
	switch c.Kind {
	case CodecWaveFormat:
		if n, ok := waveFormatNames[c.Tag]; ok {
			return n
		}
		return fmt.Sprintf("0x%04X", c.Tag)
	case CodecFourCC:
		if n, ok := fourCCNames[c.FourCC]; ok {
			return n
		}
		return c.FourCC
	}
	return "unknown"
}

// ID is the numeric or FourCC identifier as text: "0x0161" or "WMV2".
func (c Codec) ID() string {
	switch c.Kind {
	case CodecWaveFormat:
		return fmt.Sprintf("0x%04X", c.Tag)
	case CodecFourCC:
		return c.FourCC
	}
	return ""
}

// Well-known WAVEFORMATEX format tags (ASF digest 2.8).
const (
	TagPCM         uint16 = 0x0001
	TagADPCM       uint16 = 0x0002
	TagFloat       uint16 = 0x0003
	TagALaw        uint16 = 0x0006
	TagMuLaw       uint16 = 0x0007
	TagWMAVoice    uint16 = 0x000A
	TagIMAADPCM    uint16 = 0x0011
	TagGSM610      uint16 = 0x0031
	TagMPEG        uint16 = 0x0050
	TagMP3         uint16 = 0x0055
	TagAAC         uint16 = 0x00FF
	TagACELP       uint16 = 0x0130
	TagWMA1        uint16 = 0x0160
	TagWMA2        uint16 = 0x0161
	TagWMAPro      uint16 = 0x0162
	TagWMALossless uint16 = 0x0163
	TagAC3         uint16 = 0x2000
	TagDTS         uint16 = 0x2001
	TagExtensible  uint16 = 0xFFFE
)

var waveFormatNames = map[uint16]string{
	TagPCM:         "PCM",
	TagADPCM:       "MS ADPCM",
	TagFloat:       "PCM float",
	TagALaw:        "A-law",
	TagMuLaw:       "µ-law",
	TagWMAVoice:    "WMA Voice",
	TagIMAADPCM:    "IMA ADPCM",
	TagGSM610:      "GSM 6.10",
	TagMPEG:        "MPEG audio",
	TagMP3:         "MP3",
	TagAAC:         "AAC",
	0x1600:         "AAC (ADTS)",
	0x1602:         "AAC (LATM)",
	TagACELP:       "ACELP.net",
	TagWMA1:        "WMA v1",
	TagWMA2:        "WMA v2",
	TagWMAPro:      "WMA Pro",
	TagWMALossless: "WMA Lossless",
	TagAC3:         "AC-3",
	TagDTS:         "DTS",
	TagExtensible:  "WAVE_FORMAT_EXTENSIBLE",
}

var fourCCNames = map[string]string{
	"WMV1": "WMV7",
	"WMV2": "WMV8",
	"WMV3": "WMV9",
	"WVC1": "VC-1",
	"WMVA": "VC-1 Advanced",
	"WMVP": "WMV Image",
	"WVP2": "WMV Image v2",
	"MP43": "MS MPEG-4 v3",
	"MP42": "MS MPEG-4 v2",
	"MPG4": "MS MPEG-4 v1",
	"MP4S": "MPEG-4 Part 2",
	"M4S2": "MPEG-4 Part 2",
	"H264": "H.264",
	"AVC1": "H.264",
	"AACL": "AAC-LC",
	"AACH": "HE-AAC",
	"WMAP": "WMA Pro",
}
