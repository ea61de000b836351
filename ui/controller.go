package ui

import (
	"time"

	"github.com/eddyplayer/eddy/player"
)

// Controller is what the window needs from the player engine.
// *player.Player satisfies it; tests use a fake.
//
// All methods may be called from any goroutine and must not block on
// playback: Open, Play, Pause, Stop, Seek, SetVolume, SelectStreams and
// SetCredentials queue a command, and their outcome arrives as events.
type Controller interface {
	// Open opens url and starts playing it. Failures arrive as an
	// ErrorOccurred event.
	Open(url string)
	Play()
	Pause()
	Stop()
	// Seek moves the play position to d.
	Seek(d time.Duration)
	// SetVolume sets the gain, 0 (mute) to 1 (unity).
	SetVolume(v float64)
	// SelectStreams chooses the stream IDs to play; nil restores the
	// player's automatic choice.
	SelectStreams(ids []int)
	// SetCredentials sets the user name and password offered to servers
	// and proxies that ask for them, from the next Open on. The window
	// calls it after asking the user (an ErrorOccurred event wrapping
	// transport.ErrAuthRequired).
	SetCredentials(user, password string)
	// SetRate plays fast forward (> 1) or rewind (< 0) where the source
	// offers it (Media.CanRate); 1 is normal playback.
	SetRate(r float64)
	// SetSpeed plays at speed s (0.5 to 2) with the pitch kept; 1 is
	// normal.
	SetSpeed(s float64)
	// StepFrame shows the next picture, pausing first when playing.
	StepFrame()
	// Configure applies the user's preferences from the next Open on.
	Configure(s player.Settings)
	// StartRecording records the ASF stream played into path;
	// StopRecording ends the recording (events RecordingChanged).
	StartRecording(path string)
	StopRecording()
	// SkipEntry moves to the next (1) or previous (-1) entry: of the
	// client-side playlist (Status.Playlist) when one plays, else of a
	// server-side playlist (Media.CanSkip).
	SkipEntry(offset int)
	// OpenList plays urls one after the other as a client-side playlist
	// titled title (several files or URLs dropped on the window).
	OpenList(title string, urls []string)
	// JumpTo plays entry i of the client-side playlist.
	JumpTo(i int)
	// SetPlaylistMode sets what client-side playlists do when an entry
	// ends (off, repeat all, repeat one); SetShuffle plays them in a
	// random order. Both stay for the playlists opened later.
	SetPlaylistMode(m player.RepeatMode)
	SetShuffle(on bool)
	// Subscribe registers fn for every event until cancel is called. fn
	// runs on a player goroutine.
	Subscribe(fn func(player.Event)) (cancel func())
	// Status returns the current state.
	Status() player.Status
}

// The engine must stay usable as the window's controller.
var _ Controller = (*player.Player)(nil)
