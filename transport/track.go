package transport

import (
	"time"
	"unicode/utf16"
)

// MediaType is the kind of a track.
type MediaType uint8

const (
	// Unknown is a track Eddy does not know how to use.
	Unknown MediaType = iota
	// Audio is an audio track.
	Audio
	// Video is a video track.
	Video
	// Command is an ASF script-command stream (URL flips, captions, events).
	Command
	// Text is a sparse text stream (MS-SSTR captions, 2.2.2.3): each
	// sample is UTF-8 text shown from its PTS for its Duration.
	Text
)

// String returns "audio", "video", "command" or "unknown", the names
// eddyplay --probe prints.
func (m MediaType) String() string {
	switch m {
	case Audio:
		return "audio"
	case Video:
		return "video"
	case Command:
		return "command"
	case Text:
		return "text"
	}
	return "unknown"
}

// AudioParams are the audio properties of a track, from WAVEFORMATEX.
type AudioParams struct {
	SampleRate     int
	Channels       int
	BitsPerSample  int
	BlockAlign     int
	AvgBytesPerSec int
}

// VideoParams are the video properties of a track, from BITMAPINFOHEADER.
type VideoParams struct {
	Width, Height int
	// BitCount is biBitCount.
	BitCount int
	// FrameDuration is the average time per frame, 0 when unknown.
	FrameDuration time.Duration
	// AspectX and AspectY give the pixel aspect ratio; 0 means square.
	AspectX, AspectY int
}

// Track describes one elementary stream of a presentation.
type Track struct {
	// ID is the protocol's stream identifier: the ASF stream number (1-127)
	// for ASF-based protocols.
	ID int
	// Type is audio, video or command.
	Type MediaType
	// Codec identifies the decoder to use.
	Codec Codec
	// Config is the codec private data, per codec:
	//   - ASF audio: the WAVEFORMATEX extra bytes (cbSize), which for WMA
	//     Pro (0x0162) and the other WMA codecs are the decoder's
	//     extradata;
	//   - ASF video: the BITMAPINFOHEADER extra bytes;
	//   - AAC (FourCC "AACL"/"AACH", or WAVE_FORMAT 0x00FF): the
	//     AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1);
	//   - H.264 (FourCC "H264"/"AVC1"): an AVCDecoderConfigurationRecord
	//     (ISO/IEC 14496-15 5.3.3.1), or Annex-B SPS and PPS with start
	//     codes (MS-SSTR CodecPrivateData), samples then holding
	//     length-prefixed NAL units (4 bytes) or Annex-B;
	//   - VC-1 (FourCC "WVC1"): the sequence header as in ASF.
	Config []byte
	// Audio is set for audio tracks.
	Audio AudioParams
	// Video is set for video tracks.
	Video VideoParams
	// Bitrate is the average bit rate in bits per second (0 when unknown).
	Bitrate int
	// Language is the RFC 1766 language tag ("en-us"), empty when unknown.
	Language string
	// Name is a stream name from the header, empty when none.
	Name string
	// Encrypted reports DRM-protected content in this track.
	Encrypted bool
}

// ExclusionType says why tracks in an exclusion group are alternatives.
type ExclusionType uint8

const (
	// ExcludeUnknown is an exclusion of unknown reason (ASF "Unknown" mutex).
	ExcludeUnknown ExclusionType = iota
	// ExcludeBitrate groups the same content at different bit rates (MBR).
	ExcludeBitrate
	// ExcludeLanguage groups the same content in different languages.
	ExcludeLanguage
)

// String names the exclusion type.
func (e ExclusionType) String() string {
	switch e {
	case ExcludeBitrate:
		return "bitrate"
	case ExcludeLanguage:
		return "language"
	}
	return "unknown"
}

// Exclusion is a group of mutually exclusive tracks: at most one of them
// plays (ASF Bitrate Mutual Exclusion / Advanced Mutual Exclusion objects).
type Exclusion struct {
	Type   ExclusionType
	Tracks []int
}

// Metadata is descriptive text about the presentation.
type Metadata struct {
	Title       string
	Author      string
	Copyright   string
	Description string
	Rating      string
	// Extra holds other named attributes as text (ASF Extended Content
	// Description), e.g. "WM/AlbumTitle".
	Extra map[string]string
}

// Info describes an opened presentation.
type Info struct {
	// URL is the address that was opened, after redirects.
	URL string
	// Protocol names the transport, e.g. "file", "http", "mmsh".
	Protocol string
	// Duration is the play duration; 0 when unknown or live.
	Duration time.Duration
	// Preroll is how much media the source asks to buffer before playback
	// (ASF File Properties Preroll).
	Preroll time.Duration
	// Seekable reports whether Play may start at a non-zero position: the
	// seek capability, which every transport reports here (the others
	// are in Caps).
	Seekable bool
	// Broadcast reports a live source.
	Broadcast bool
	// Local reports media read from this machine (a file, memory): it
	// comes as fast as it is asked for, so there is nothing to buffer
	// against and the player reads only a few seconds ahead.
	Local bool
	// MaxBitrate is the presentation's maximum bit rate (0 when unknown).
	MaxBitrate int
	Metadata   Metadata
	// Scripts are the header's timed script commands (ASF Script Command
	// Object), in time order: "URL" flips, captions, and the "event"s
	// an ASX EVENT reacts to. Commands carried in a Command track come as
	// its samples instead (ParseScriptSample).
	Scripts    []ScriptCommand
	Tracks     []Track
	Exclusions []Exclusion
	// Caps are what the session can do with this presentation beyond
	// playing and seeking.
	Caps Capabilities
	// SeekWindow is, for a live source that keeps a DVR window, how far
	// behind the live edge Play may start (MS-SSTR DVRWindowLength);
	// positions are PTS from the presentation's start and LiveEdge is the
	// edge when Info was made. 0 for on-demand and for live without DVR.
	SeekWindow, LiveEdge time.Duration
}

// Capabilities are what a session can do with the content it is playing.
// They depend on the content and the server (a live broadcast, a file a
// server offers for fast forward, a server-side playlist and its last
// entry), so they come with the Info they describe and change with it
// (ErrInfoChanged). A caller uses an optional method (RatePlayer,
// PlaylistNavigator) only when its capability is set; a session that
// lacks the method reports the capability false. A session still refuses
// what the server refuses after all (a feature withdrawn between two
// headers) with an error.
type Capabilities struct {
	// Rate: RatePlayer.PlayRate plays fast forward (rates 2..5) and
	// rewind (-5..-1). MS-WMSP: the server lists "stridable" in features
	// (2.2.1.4.8.8); MS-RTSP: a=type lacks "notstridable" (2.2.5.2.6).
	// Never for a broadcast.
	Rate bool
	// SkipForward and SkipBackward: PlaylistNavigator.Skip(ctx, 1) and
	// Skip(ctx, -1) move to the next and previous entry of a server-side
	// playlist. MS-WMSP: features "skipforward" / "skipbackward"
	// (2.2.1.4.8.6/7) from a server of version 5.0 or later; MS-RTSP:
	// a=type "skipforward" / "skipbackward" (2.2.5.2.6.6/7).
	SkipForward, SkipBackward bool
	// SwitchStreams: Select during playback changes the tracks without
	// the caller stopping delivery (the session switches inside the
	// running stream, or restarts it itself at the position reached).
	// When false, a caller switches by stopping and playing again at the
	// position reached, which a source that cannot seek cannot do.
	SwitchStreams bool
	// Adaptive: tracks of one bit-rate group (ExcludeBitrate) are
	// qualities of one stream that the session chooses between at
	// fragment boundaries from the throughput and the player's buffer
	// (PlaybackFacts.Buffered): Select with several tracks of a group
	// lets it adapt among them, Select with one pins that quality. Its
	// samples carry the track they belong to, the first after a change
	// marked Switched. MS-SSTR.
	Adaptive bool
}

// ScriptCommand is one script command: a type ("EVENT", "URL",
// "CAPTION", …) and its parameter, at a presentation time.
type ScriptCommand struct {
	Time          time.Duration
	Type, Command string
}

// ParseScriptSample reads the script command a Command track's sample
// carries: two null-terminated UTF-16LE strings, the type then the
// command (the Windows Media "two strings" script type). ok is false for
// a payload that is not of that form.
func ParseScriptSample(data []byte) (typ, cmd string, ok bool) {
	if len(data)%2 != 0 {
		data = data[:len(data)-1]
	}
	var parts []string
	var cur []uint16
	for i := 0; i+1 < len(data) && len(parts) < 2; i += 2 {
		c := uint16(data[i]) | uint16(data[i+1])<<8
		if c == 0 {
			parts = append(parts, string(utf16.Decode(cur)))
			cur = cur[:0]
			continue
		}
		cur = append(cur, c)
	}
	if len(parts) == 1 && len(cur) > 0 {
		parts = append(parts, string(utf16.Decode(cur))) // an unterminated command
	}
	if len(parts) != 2 || parts[0] == "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// Track returns the track with the given ID.
func (in *Info) Track(id int) (Track, bool) {
	for _, t := range in.Tracks {
		if t.ID == id {
			return t, true
		}
	}
	return Track{}, false
}
