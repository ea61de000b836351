package player

import (
	"slices"

	"github.com/eddyplayer/eddy/transport"
)

// validateSelection checks a user's choice against the presentation and
// keeps at most one audio and one video track (the last named wins), plus
// every command stream.
func validateSelection(info transport.Info, ids []int) ([]int, error) {
	var audio, video int
	var out []int
	for _, id := range ids {
		t, ok := info.Track(id)
		if !ok {
			return nil, &SelectionError{ID: id}
		}
		switch t.Type {
		case transport.Audio:
			audio = id
		case transport.Video:
			video = id
		}
	}
	for _, t := range info.Tracks {
		if t.Type == transport.Command {
			out = append(out, t.ID)
		}
	}
	if audio != 0 {
		out = append(out, audio)
	}
	if video != 0 {
		out = append(out, video)
	}
	slices.Sort(out)
	return out, nil
}
