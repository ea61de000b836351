package main

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/player"
)

// eventLog writes the player's events as JSON lines (the -events flag), for
// scripts and the window test: every state, media, error and warning event,
// and position events when the position crosses a whole second.
type eventLog struct {
	mu      sync.Mutex
	w       io.Writer
	lastSec int64
	err     error // first write error; later events are dropped
}

// eventRecord is one line of the log.
type eventRecord struct {
	Event      string `json:"event"`
	State      string `json:"state"`
	PositionMS int64  `json:"position_ms"`
	DurationMS int64  `json:"duration_ms,omitempty"`
	Title      string `json:"title,omitempty"`
	URL        string `json:"url,omitempty"` // the media's
	// Entries are the client-side playlist's entries (their first
	// REFs), when one plays.
	Entries []string `json:"entries,omitempty"`
	Error   string   `json:"error,omitempty"`
}

func newEventLog(w io.Writer) *eventLog { return &eventLog{w: w, lastSec: -1} }

var eventNames = map[player.EventKind]string{
	player.StateChanged:     "state",
	player.MediaChanged:     "media",
	player.PositionChanged:  "position",
	player.BufferingChanged: "buffering",
	player.StatsChanged:     "stats",
	player.ErrorOccurred:    "error",
	player.Warning:          "warning",
	player.PlaylistChanged:  "playlist",
}

// Handle is a player subscriber; it runs on a player goroutine.
func (l *eventLog) Handle(e player.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	switch e.Kind {
	case player.BufferingChanged, player.StatsChanged:
		return
	case player.PositionChanged:
		sec := int64(e.Status.Position / time.Second)
		if sec == l.lastSec {
			return
		}
		l.lastSec = sec
	}
	r := eventRecord{
		Event:      eventNames[e.Kind],
		State:      e.Status.State.String(),
		PositionMS: e.Status.Position.Milliseconds(),
		DurationMS: e.Status.Duration.Milliseconds(),
	}
	if e.Status.Media != nil {
		r.Title = e.Status.Media.Metadata.Title
		r.URL = e.Status.Media.URL
	}
	if pl := e.Status.Playlist; pl != nil {
		for _, en := range pl.Entries {
			ref := ""
			if len(en.Refs) > 0 {
				ref = en.Refs[0]
			}
			r.Entries = append(r.Entries, ref)
		}
	}
	if e.Err != nil {
		r.Error = e.Err.Error()
	}
	b, err := json.Marshal(r)
	if err != nil {
		l.err = err
		return
	}
	_, l.err = l.w.Write(append(b, '\n'))
}
