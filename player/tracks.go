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

// addAlternatives lets an adaptive session switch between the qualities
// of the chosen audio and video tracks: the playable members of the
// bit-rate groups (ExcludeBitrate) that hold them are selected too, those
// above the user's bandwidth cap (limit, bits per second; 0 = none) left
// out.
func (ts *trackSet) addAlternatives(playable func(transport.Track) bool, limit int64) {
	for _, ex := range ts.info.Exclusions {
		if ex.Type != transport.ExcludeBitrate {
			continue
		}
		for _, cur := range []*transport.Track{ts.audio, ts.video} {
			if cur == nil || !slices.Contains(ex.Tracks, cur.ID) {
				continue
			}
			for _, id := range ex.Tracks {
				t, ok := ts.info.Track(id)
				if !ok || id == cur.ID || t.Type != cur.Type || !playable(t) ||
					limit > 0 && int64(t.Bitrate) > limit && t.Bitrate > cur.Bitrate {
					continue
				}
				if ts.alt == nil {
					ts.alt = map[int]transport.Track{}
				}
				ts.alt[cur.ID] = *cur // and back
				if _, dup := ts.alt[id]; !dup {
					ts.alt[id] = t
					ts.selected = append(ts.selected, id)
				}
			}
		}
	}
	slices.Sort(ts.selected)
}

// isAudio reports a sample of the audio stream: its track or one of its
// qualities.
func (ts *trackSet) isAudio(id int) bool {
	ts.mu.Lock()
	cur := ts.audio
	ts.mu.Unlock()
	if cur == nil {
		return false
	}
	if id == cur.ID {
		return true
	}
	t, ok := ts.alt[id]
	return ok && t.Type == transport.Audio
}

// isVideo reports a sample of the video stream: its track or one of its
// qualities.
func (ts *trackSet) isVideo(id int) bool {
	// The video goroutine replaces ts.video (switchVideo) while the
	// output goroutine asks: read it under the lock.
	ts.mu.Lock()
	cur := ts.video
	ts.mu.Unlock()
	if cur == nil {
		return false
	}
	if id == cur.ID {
		return true
	}
	t, ok := ts.alt[id]
	return ok && t.Type == transport.Video
}

func (ts *trackSet) audioID() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.audio.ID
}

func (ts *trackSet) videoID() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.video.ID
}
