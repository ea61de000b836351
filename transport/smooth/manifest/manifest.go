package manifest

import (
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// Limits on what Parse keeps. A manifest beyond one of them is refused
// with an error wrapping ErrTooLarge, never read into unbounded memory.
const (
	// MaxManifestSize is the largest manifest Parse reads, in bytes.
	MaxManifestSize = 16 << 20
	// MaxStreams is the most StreamIndex elements a manifest may have.
	MaxStreams = 1024
	// MaxQualityLevels is the most QualityLevel elements per StreamIndex.
	MaxQualityLevels = 1024
	// MaxCustomAttributes is the most CustomAttributes/Attribute
	// elements per QualityLevel.
	MaxCustomAttributes = 64
	// MaxFragments is the most fragments a stream's timeline may hold,
	// counted after the repeat counts (r) are expanded: a million
	// fragments of 2 s are 23 days.
	MaxFragments = 1 << 20
)

// DefaultTimeScale is the TimeScale when the manifest gives none: 100-ns
// units ([MS-SSTR] 2.2.2.1).
const DefaultTimeScale = 10_000_000

// Flag is an optional TRUE/FALSE attribute ([MS-SSTR] 2.2: compared
// without regard to case).
type Flag uint8

const (
	// Unset is an attribute that is absent (or neither true nor false).
	Unset Flag = iota
	// False is "false".
	False
	// True is "true".
	True
)

// Or returns the flag's value, or def when it is Unset.
func (f Flag) Or(def bool) bool {
	switch f {
	case True:
		return true
	case False:
		return false
	}
	return def
}

// Manifest is a Smooth Streaming Manifest Response ([MS-SSTR] 2.2.2.1),
// after the client rules of 3.1.5.1 are applied: stream time scales and
// names defaulted, a zero Duration computed, stream maximum sizes derived,
// every fragment time and duration resolved.
type Manifest struct {
	// MajorVersion is 2 (1 is accepted: early servers) and MinorVersion
	// 0 or 2; a manifest using repeat counts (r) must be 2.2.
	MajorVersion, MinorVersion uint32
	// TimeScale is the number of Duration and DVRWindowLength units per
	// second (DefaultTimeScale when absent).
	TimeScale uint64
	// Duration is the presentation's length in TimeScale units. When the
	// manifest says 0 (live), it is the longest stream's summed fragment
	// durations ([MS-SSTR] 3.1.5.1).
	Duration uint64
	// IsLive reports a live presentation (IsLive="TRUE", any case).
	IsLive bool
	// LookaheadCount is the number of fragments the live server buffers
	// ahead (0 when absent). It says how many following fragments a
	// fragment's tfrf box announces ([MS-SSTR] 2.2.4.5).
	LookaheadCount uint32
	// DVRWindowLength is, for live, how far back from the live edge a
	// client may seek, in TimeScale units; 0 (or absent) means the whole
	// presentation ([MS-SSTR] 2.2.2.1).
	DVRWindowLength uint64
	// CanSeek and CanPause are the attributes IIS writes on live
	// manifests (vendor extensions, not in [MS-SSTR]).
	CanSeek, CanPause Flag
	// Protection holds the ProtectionHeader elements ([MS-SSTR] 2.2.2.2);
	// Parse returns a *ProtectedError when there are any.
	Protection []ProtectionHeader
	// Streams are the StreamIndex elements in manifest order.
	Streams []*StreamIndex
}

// ProtectionHeader is one content-protection system's data ([MS-SSTR]
// 2.2.2.2).
type ProtectionHeader struct {
	// SystemID is the attribute as written, e.g.
	// "{9A04F079-9840-4286-AB92-E65BE0885F95}".
	SystemID string
	// Data is the element's text, base64 as the server wrote it (trimmed).
	Data string
}

// PlayReady reports whether SystemID names PlayReady. Braces and dashes
// are ignored ([MS-SSTR] 4.1 itself writes the GUID with a dash missing).
func (p ProtectionHeader) PlayReady() bool {
	id := strings.Map(func(r rune) rune {
		if r == '{' || r == '}' || r == '-' || r == ' ' {
			return -1
		}
		return r
	}, p.SystemID)
	return strings.EqualFold(id, PlayReadySystemID)
}

// Length is the presentation's Duration as a time.Duration.
func (m *Manifest) Length() time.Duration { return ticksToDuration(m.Duration, m.TimeScale) }

// DVRWindow is DVRWindowLength as a time.Duration (0: unlimited, or not
// live).
func (m *Manifest) DVRWindow() time.Duration {
	return ticksToDuration(m.DVRWindowLength, m.TimeScale)
}

// Stream returns the stream with the given Name, nil when there is none.
func (m *Manifest) Stream(name string) *StreamIndex {
	for _, s := range m.Streams {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// StreamIndex is one stream of the presentation ([MS-SSTR] 2.2.2.3): its
// quality levels (tracks of the same content at different bit rates) and
// the timeline of fragments they share.
type StreamIndex struct {
	// Type is "video", "audio" or "text" (lower-cased), or whatever else
	// the manifest wrote.
	Type string
	// Subtype is a text stream's category ("CAPT", "SUBT", "SCMD", …).
	Subtype string
	// Name names the stream in fragment requests; the Type when the
	// manifest gives none ([MS-SSTR] 3.1.5.1). Names are unique.
	Name string
	// Language is the vendor Language attribute ("eng"), "" when absent.
	Language string
	// TimeScale is the number of t and d units per second: the stream's
	// own, else the presentation's, else DefaultTimeScale ([MS-SSTR]
	// 3.1.5.1, whose "Duration" there is read as TimeScale).
	TimeScale uint64
	// URL is the fragment URL template ([MS-SSTR] 2.2.2.4), e.g.
	// "QualityLevels({bitrate})/Fragments(video={start time})".
	URL string
	// Chunks and NumQualityLevels are the counts the manifest declares;
	// they are not checked against what it lists (examples disagree).
	Chunks, NumQualityLevels uint32
	// MaxWidth and MaxHeight are the largest picture size (video), from
	// the quality levels when the stream gives none ([MS-SSTR] 3.1.5.1).
	MaxWidth, MaxHeight uint32
	// DisplayWidth and DisplayHeight are the suggested display size
	// (video), 0 when absent.
	DisplayWidth, DisplayHeight uint32
	// ParentStreamIndex is set for a sparse stream: the Name of the
	// non-sparse stream that carries its timing ([MS-SSTR] 2.2.2.3, 2.2.5).
	ParentStreamIndex string
	// ManifestOutput: the samples are in the manifest (Inline).
	ManifestOutput bool
	// QualityLevels are the stream's tracks in manifest order.
	QualityLevels []*QualityLevel
	// Inline are the samples of a ManifestOutput stream ([MS-SSTR]
	// 2.2.2.6.1), in manifest order.
	Inline []InlineSample

	timeline
}

// InlineSample is the sample data a ManifestOutput stream carries in an f
// element ([MS-SSTR] 2.2.2.6.1).
type InlineSample struct {
	// Fragment is the index in the stream's timeline of the fragment (the
	// first, for a c element with a repeat count) the f belongs to.
	Fragment int
	// Track is the f element's i attribute: a QualityLevel's Index.
	Track uint32
	// Data is the decoded base64 content.
	Data []byte
}

// MediaType maps Type to the transport vocabulary.
func (s *StreamIndex) MediaType() transport.MediaType {
	switch s.Type {
	case "video":
		return transport.Video
	case "audio":
		return transport.Audio
	case "text":
		return transport.Text
	}
	return transport.Unknown
}

// Sparse reports a sparse stream ([MS-SSTR] 2.2.2.3: ParentStreamIndex
// is present).
func (s *StreamIndex) Sparse() bool { return s.ParentStreamIndex != "" }

// QualityLevel returns the quality level with the given Index.
func (s *StreamIndex) QualityLevel(index uint32) *QualityLevel {
	for _, q := range s.QualityLevels {
		if q.Index == index {
			return q
		}
	}
	return nil
}

// QualityLevel is one track of a stream ([MS-SSTR] 2.2.2.5, TrackElement).
type QualityLevel struct {
	// Index identifies the track in its stream (unique; the manifest's
	// position when it gives none).
	Index uint32
	// Bitrate is the average bit rate in bits per second.
	Bitrate uint32
	// FourCC is the media format as written ("H264", "AACL", "WVC1",
	// "WMAP"), "" when absent.
	FourCC string
	// CodecPrivateData is the decoded hex attribute (see Track for what
	// it holds per FourCC).
	CodecPrivateData []byte
	// WaveFormatEx is the vendor attribute of that name, a hex
	// WAVEFORMATEX some servers write for audio (decoded; nil if absent).
	WaveFormatEx []byte
	// MaxWidth and MaxHeight are the largest picture size (the vendor
	// Width/Height when absent).
	MaxWidth, MaxHeight uint32
	// SamplingRate, Channels, BitsPerSample, PacketSize and AudioTag
	// describe an audio track; AudioTag is the decimal wFormatTag.
	SamplingRate  uint32
	Channels      uint16
	BitsPerSample uint16
	PacketSize    uint32
	AudioTag      uint32
	// NALUnitLengthField is the size of the length before each H.264
	// NAL unit in samples: 1, 2 or 4 (4 when absent).
	NALUnitLengthField uint16
	// CustomAttributes disambiguate tracks of the same bit rate; they are
	// put into fragment URLs ([MS-SSTR] 2.2.2.5.1, 3.1.4.2), in order.
	CustomAttributes []Attribute
	// Language and Name are the vendor attributes of those names.
	Language, Name string
}

// Attribute is a CustomAttributes/Attribute element ([MS-SSTR] 2.2.2.5.1).
type Attribute struct {
	Name, Value string
}
