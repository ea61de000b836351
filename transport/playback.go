package transport

import (
	"context"
	"time"
)

// Optional Session capabilities, discovered by type assertion. They carry
// what one protocol offers beyond the Session interface; a Session that
// lacks one simply does not offer the feature.

// PlaybackReporter is implemented by sessions that send play logs to the
// server (MS-WMLOG through MS-WMSP or MS-RTSP). The player tells it what
// only the player can measure; the session combines it with its own
// network counters when a log is due (end of stream, Stop, seek, entry
// change). Call it whenever the facts change, at the latest right before
// Pause, Play and Close. It must not block; it may be called from any
// goroutine.
type PlaybackReporter interface {
	ReportPlayback(PlaybackFacts)
}

// PlaybackFacts are the player-side facts of a play log. Counters are
// cumulative for the session; the session takes differences per logged
// period itself.
type PlaybackFacts struct {
	// Rendered is how much content has been played to the user, buffering
	// time excluded (MS-WMLOG x-duration).
	Rendered time.Duration
	// Rebuffers counts the times playback stopped to buffer after it had
	// started (c-buffercount), and RebufferTime the time spent so
	// (c-totalbuffertime).
	Rebuffers    int
	RebufferTime time.Duration
	// Rate is the playback rate (c-rate of rendering logs); 0 means 1.
	Rate float64
	// PlayerVersion is the application version (c-playerversion,
	// c-hostexever), e.g. "0.3.0".
	PlayerVersion string
	// Language is the user's language-country code (c-playerlanguage),
	// e.g. "en-US".
	Language string
	// Referer is the web page or playlist the URL came from (cs-Referer).
	Referer string
	// LogURLs are extra web-server log URLs (ASX LOGURL, MS-WMLOG 2.3).
	LogURLs []string
	// MediaName and MediaRole come from an ASX's log parameters
	// (cs-media-name, cs-media-role) when the server gives none.
	MediaName, MediaRole string
	// Clock is the presentation time being heard (the audio clock, in
	// Sample.PTS terms) at ClockAt, while playing at rate 1; ClockAt is
	// zero otherwise. A session that must give up on late data (the
	// MS-RTSP jitter buffer) maps a packet's time to the moment the
	// player needs it with it.
	Clock   time.Duration
	ClockAt time.Time
	// Buffered is the media the player holds ahead of what is heard (its
	// queue and the sound output's buffer): an adaptive session chooses
	// the next fragment's quality with it (Capabilities.Adaptive).
	Buffered time.Duration
}

// RatePlayer is implemented by sessions that can play fast forward or
// rewind (MS-WMSP rate, where the server declares the content stridable).
// Whether the current content may be played so is Info().Caps.Rate.
type RatePlayer interface {
	// PlayRate starts delivery at position from and the given rate
	// (1 normal; 2..5 fast forward; -1..-5 rewind). It returns an error
	// wrapping ErrNotSeekable or a protocol-specific "not supported" error
	// when the server does not offer the rate.
	PlayRate(ctx context.Context, from time.Duration, rate float64) error
}

// StartupAdvisor is implemented by sessions that know how much media must
// be buffered before rendering can start without running dry (MS-WMSP
// Advanced Fast Start, X-StartupProfile). ok is false when the session has
// no advice; the player then buffers its usual amount.
type StartupAdvisor interface {
	StartupBuffer() (d time.Duration, ok bool)
}

// PlaylistNavigator is implemented by sessions on server-side playlists
// that can skip to the next (offset 1) or previous (offset -1) entry. The
// session then reports ErrInfoChanged from ReadSample for the new entry.
// Whether the current entry may be skipped from, and in which direction,
// is Info().Caps.SkipForward / SkipBackward.
type PlaylistNavigator interface {
	Skip(ctx context.Context, offset int) error
}
