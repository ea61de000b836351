package player

// State is the player's playback state.
type State uint8

const (
	// Idle: nothing opened.
	Idle State = iota
	// Opening: connecting and reading the presentation header.
	Opening
	// Buffering: filling the buffer before playback (preroll) or after an
	// underrun (a rebuffer).
	Buffering
	// Playing: audio (or video) is being presented.
	Playing
	// Paused: presentation suspended, position kept.
	Paused
	// Stopped: the user stopped; Play starts again from the beginning.
	Stopped
	// Ended: the presentation played to its end.
	Ended
	// Failed: a fatal error ended playback; the Event's Err says why.
	Failed
)

// String returns the state name shown in the UI status bar.
func (s State) String() string {
	switch s {
	case Idle:
		return "Idle"
	case Opening:
		return "Opening"
	case Buffering:
		return "Buffering"
	case Playing:
		return "Playing"
	case Paused:
		return "Paused"
	case Stopped:
		return "Stopped"
	case Ended:
		return "Ended"
	case Failed:
		return "Error"
	}
	return "State(?)"
}
