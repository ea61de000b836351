package asf

import (
	"fmt"
	"time"
)

// StreamType classifies a stream by its Stream Type GUID (ASF spec §10.4).
type StreamType uint8

// Stream types.
const (
	StreamUnknown StreamType = iota
	StreamAudio
	StreamVideo
	StreamCommand
	StreamJFIF
	StreamBinary
)

// String names the StreamType: "audio", "video", "command", "jfif", "binary" or "unknown".
func (t StreamType) String() string {
	switch t {
	case StreamAudio:
		return "audio"
	case StreamVideo:
		return "video"
	case StreamCommand:
		return "command"
	case StreamJFIF:
		return "jfif"
	case StreamBinary:
		return "binary"
	}
	return "unknown"
}

func streamTypeOf(g GUID) StreamType {
	switch g {
	case GUIDStreamTypeAudio:
		return StreamAudio
	case GUIDStreamTypeVideo:
		return StreamVideo
	case GUIDStreamTypeCommand:
		return StreamCommand
	case GUIDStreamTypeJFIF:
		return StreamJFIF
	case GUIDStreamTypeBinary:
		return StreamBinary
	}
	return StreamUnknown
}

// Stream is one stream of the presentation: its Stream Properties Object
// (ASF spec §3.3) plus what other header objects say about it.
type Stream struct {
	// Number is the stream number, 1..127.
	Number uint8
	Type   StreamType
	// TypeGUID and ErrorCorrectionGUID are the raw Stream Type and Error
	// Correction Type fields.
	TypeGUID, ErrorCorrectionGUID GUID
	// Spread is set for the Audio Spread error correction type (ASF spec
	// §9.1); the Demuxer descrambles such streams.
	Spread *AudioSpread
	// TimeOffset is subtracted from the stream's presentation times.
	TimeOffset time.Duration
	// Encrypted is the Encrypted Content flag (bit 15 of the flags).
	Encrypted bool
	// Embedded is true when the Stream Properties Object was embedded in an
	// Extended Stream Properties Object (ASF spec §4.1).
	Embedded bool

	// Audio is the WAVEFORMATEX of an audio stream (or of a Binary stream
	// whose major type is audio).
	Audio *WaveFormat
	// Video is the video format of a video stream.
	Video *VideoFormat
	// Binary is the media type header of a Binary Media stream.
	Binary *BinaryFormat

	// Bitrate in bits per second: Stream Bitrate Properties, else the
	// Extended Stream Properties Data Bitrate, else 8·AvgBytesPerSec for
	// audio, else 0.
	Bitrate uint32
	// Extended is the stream's Extended Stream Properties Object, if any.
	Extended *ExtendedStreamProperties
	// Language is the stream's language from the Language List ("" when
	// unknown).
	Language string
	// Name is the first stream name of the Extended Stream Properties.
	Name string
	// TypeSpecific and ErrorCorrectionData are the raw fields.
	TypeSpecific, ErrorCorrectionData []byte
}

// AudioSpread is the Audio Spread error correction data (ASF spec §9.1.1):
// audio objects of VirtualPacketLen·Span bytes are interleaved in chunks of
// VirtualChunkLen bytes.
type AudioSpread struct {
	Span             uint8
	VirtualPacketLen uint16
	VirtualChunkLen  uint16
	SilenceData      []byte
}

// active reports whether descrambling applies: a span above 1 and a chunk
// length that divides the virtual packet length into at least two chunks.
func (a *AudioSpread) active() bool {
	return a != nil && a.Span > 1 && a.VirtualChunkLen > 0 &&
		a.VirtualPacketLen/a.VirtualChunkLen > 1 && a.VirtualPacketLen%a.VirtualChunkLen == 0
}

// parseStreamProperties reads a Stream Properties Object body (ASF spec
// §3.3).
func parseStreamProperties(body []byte) (*Stream, error) {
	r := newReader(body)
	s := &Stream{}
	s.TypeGUID = r.guid()
	s.ErrorCorrectionGUID = r.guid()
	s.TimeOffset = hundredNS(r.u64())
	tsLen := r.u32()
	ecLen := r.u32()
	flags := r.u16()
	r.u32() // reserved
	if r.err == nil && (uint64(tsLen) > uint64(r.remaining()) || uint64(ecLen) > uint64(r.remaining()-int(tsLen))) {
		return nil, fmt.Errorf("%w: type-specific %d + error correction %d bytes, object has %d", ErrCorrupt, tsLen, ecLen, r.remaining())
	}
	s.TypeSpecific = r.bytesCopy(int(tsLen))
	s.ErrorCorrectionData = r.bytesCopy(int(ecLen))
	if r.err != nil {
		return nil, r.err
	}
	s.Number = uint8(flags & 0x7F)
	s.Encrypted = flags&0x8000 != 0
	if s.Number == 0 {
		return nil, fmt.Errorf("%w: stream number 0", ErrCorrupt)
	}
	s.Type = streamTypeOf(s.TypeGUID)
	var err error
	switch s.Type {
	case StreamAudio:
		s.Audio, err = ParseWaveFormat(s.TypeSpecific)
	case StreamVideo:
		s.Video, err = parseVideoFormat(s.TypeSpecific)
	case StreamBinary:
		s.Binary, err = parseBinaryFormat(s.TypeSpecific)
		if err == nil && s.Binary.MajorType == GUIDMediaTypeAudio {
			s.Audio, err = ParseWaveFormat(s.Binary.Format)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("stream %d: %w", s.Number, err)
	}
	if s.ErrorCorrectionGUID == GUIDAudioSpread && len(s.ErrorCorrectionData) >= 7 {
		er := newReader(s.ErrorCorrectionData)
		a := &AudioSpread{Span: er.u8(), VirtualPacketLen: er.u16(), VirtualChunkLen: er.u16()}
		n := int(er.u16())
		a.SilenceData = er.bytes(min(n, er.remaining()))
		s.Spread = a
	}
	return s, nil
}
