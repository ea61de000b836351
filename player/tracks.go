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

// carriedChoice is the user's explicit choice applied to a new
// presentation (the next playlist entry, a new header): it stands while
// every chosen track exists in next with the number and type it had in
// prev; otherwise nil, the automatic choice.
func carriedChoice(user []int, prev, next transport.Info) []int {
	if len(user) == 0 {
		return nil
	}
	for _, id := range user {
		a, ok1 := prev.Track(id)
		b, ok2 := next.Track(id)
		if !ok1 || !ok2 || a.Type != b.Type {
			return nil
		}
	}
	return user
}

// languages lists the languages of the set's audio and video tracks.
func (ts *trackSet) languages() []string {
	var out []string
	for _, t := range []*transport.Track{ts.audio, ts.video} {
		if t != nil && t.Language != "" && !slices.Contains(out, t.Language) {
			out = append(out, t.Language)
		}
	}
	return out
}

// nextSet plans the track set of a new presentation a session reported
// (transport.ErrInfoChanged): the user's explicit choice when it carries
// over (carriedChoice), else the automatic choice, preferring the
// languages of what was playing (prev, nil when nothing was).
func (pb *playback) nextSet(prev *trackSet, next transport.Info) (*trackSet, error) {
	var user []int
	var langs []string
	if prev != nil {
		if u := pb.userSel.Load(); u != nil {
			user = carriedChoice(*u, prev.info, next)
		}
		langs = prev.languages()
	}
	return pb.plan(next, user, langs...)
}
