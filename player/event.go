package player

import (
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// EventKind says what an Event reports.
type EventKind uint8

const (
	// StateChanged: Status.State changed.
	StateChanged EventKind = iota + 1
	// MediaChanged: a presentation was opened or its header changed;
	// Status.Media is the new description.
	MediaChanged
	// PositionChanged: Status.Position advanced (at most ~10 per second).
	PositionChanged
	// BufferingChanged: Status.Buffering changed.
	BufferingChanged
	// StatsChanged: Status.Stats was refreshed (about once per second).
	StatsChanged
	// ErrorOccurred: Err is a fatal error; State is Failed.
	ErrorOccurred
	// Warning: Err is a non-fatal problem (e.g. an unsupported video codec
	// while audio plays).
	Warning
	// PlaylistChanged: Status.Playlist was loaded, moved to another
	// entry, or an entry failed to open.
	PlaylistChanged
	// CaptionChanged: Status.Caption shows a new caption or none.
	CaptionChanged
	// Resumed: the presentation opened starts where it was left the last
	// time (Config.Resume); Status.Position is that position.
	Resumed
	// RecordingChanged: a recording (Player.StartRecording) started or
	// ended; Status.Recording describes it, and Err says why it ended
	// when that was not a stop or the end of the stream.
	RecordingChanged
)

// TrackInfo is a track as the UI shows it.
type TrackInfo struct {
	transport.Track
	// Decoder is the name of the decoder that will handle the track, empty
	// when none is available.
	Decoder string
	// Selected reports that the track is being played.
	Selected bool
}

// Media describes the opened presentation.
type Media struct {
	URL       string
	Protocol  string
	Duration  time.Duration
	Seekable  bool
	Broadcast bool
	Metadata  transport.Metadata
	Tracks    []TrackInfo
	// CanRate reports that the source offers fast forward and rewind for
	// this content (Player.SetRate; transport.Capabilities.Rate).
	CanRate bool
	// SeekWindow is, for a live source with a DVR window, how far behind
	// the live edge it can play (Status.Duration is then the live edge).
	SeekWindow time.Duration
	// CanSkip and CanSkipBack report a server-side playlist that offers
	// the next and the previous entry from this one (Player.SkipEntry with
	// 1 and -1; transport.Capabilities.SkipForward / SkipBackward).
	CanSkip, CanSkipBack bool
}

// Stats are the player's counters, merged with the transport's.
type Stats struct {
	transport.Stats
	// Rebuffers counts underruns after playback started.
	Rebuffers int
	// TimeToFirstAudio is from Play to the first PCM written to the sink.
	TimeToFirstAudio time.Duration
	// TimeToFirstFrame is from Play to the first video picture shown (0
	// without video).
	TimeToFirstFrame time.Duration
	// DecodeErrors counts samples skipped because they would not decode.
	DecodeErrors int
	// FramesDecoded and FramesDropped count video frames.
	FramesDecoded, FramesDropped int
	// AVSyncMax is the largest distance seen between a shown frame's
	// timestamp and the audio clock.
	AVSyncMax time.Duration
	// BitrateBps is the bit rate of the streams being played (from the
	// header; the presentation's maximum when a stream does not say).
	BitrateBps int64
	// ReceiveBps is the rate data arrived at over the last second.
	ReceiveBps int64
	// QualitySwitches counts the quality changes of an adaptive session
	// (a decoder re-made for the new quality, audio and video).
	QualitySwitches int
	// QualitiesPlayed are the bit rates of the audio and video tracks
	// played (of an adaptive session: every quality it went through).
	QualitiesPlayed []int
	// BufferLevel is the media time buffered ahead of the play position.
	BufferLevel time.Duration
	// AudioPlayed is the media time of the audio written to the output
	// since the presentation was opened (0: no audio was decoded).
	AudioPlayed time.Duration
}

// Status is the player's whole observable state. Every Event carries a
// complete, consistent copy.
type Status struct {
	State    State
	Media    *Media
	Position time.Duration
	Duration time.Duration
	// Buffering is the fill level toward the buffer target, 0..1.
	Buffering float64
	Volume    float64
	// Rate is the playback rate: 1, or the fast forward (> 1) or rewind
	// (< 0) rate.
	Rate float64
	// Speed is the playback speed of normal playback, the pitch kept
	// (Player.SetSpeed): 1, or 0.5 to 2.
	Speed float64
	Stats Stats
	// Playlist is the client-side playlist being played (an ASX or
	// [Reference] metafile), nil when a single URL plays.
	Playlist *Playlist
	// Caption is the caption of a text stream shown now (MS-SSTR sparse
	// text), "" when none.
	Caption string
	// Recording is the recording in progress or the last one, nil when
	// there has been none.
	Recording *Recording
}

// Event is published to subscribers when something changes.
type Event struct {
	Kind   EventKind
	Status Status
	// Err is set for ErrorOccurred and Warning.
	Err error
}
