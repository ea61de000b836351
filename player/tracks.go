package player

import (
	"slices"
	"strings"

	"github.com/eddyplayer/eddy/transport"
)

// trackPrefs steer the automatic track choice.
type trackPrefs struct {
	// bandwidth in bits per second; 0 means unlimited.
	bandwidth int64
	// language is a preferred RFC 1766 tag ("en", "en-us"); empty = any.
	language string
	// supported reports whether a decoder exists for a track.
	supported func(transport.Track) bool
}

// chooseTracks picks what to play when the user has not chosen: one audio
// track and one video track at most (a player presents one of each), plus
// every command stream. Among alternatives it prefers tracks it can decode,
// then the preferred language, then the combination with the highest total
// bit rate that fits the bandwidth (the lowest one when none fits). ASF
// mutual-exclusion groups need no special case: they only ever hold
// alternatives of one type, and at most one track per type is chosen.
func chooseTracks(info transport.Info, p trackPrefs) []int {
	var audio, video []transport.Track
	var out []int
	for _, t := range info.Tracks {
		switch t.Type {
		case transport.Audio:
			audio = append(audio, t)
		case transport.Video:
			video = append(video, t)
		case transport.Command:
			out = append(out, t.ID)
		}
	}
	audio = preferred(audio, p)
	video = preferred(video, p)
	// Candidates include "none" for each type so a stream that cannot
	// fit is dropped rather than the whole presentation.
	type combo struct {
		a, v *transport.Track
		rate int64
	}
	var combos []combo
	for ai := -1; ai < len(audio); ai++ {
		for vi := -1; vi < len(video); vi++ {
			c := combo{}
			if ai >= 0 {
				c.a = &audio[ai]
				c.rate += int64(c.a.Bitrate)
			}
			if vi >= 0 {
				c.v = &video[vi]
				c.rate += int64(c.v.Bitrate)
			}
			if c.a == nil && c.v == nil {
				continue
			}
			combos = append(combos, c)
		}
	}
	if len(combos) == 0 {
		slices.Sort(out)
		return out
	}
	score := func(c combo) (int, int64, int64) {
		// More media types first, then more total rate, then more audio.
		n := 0
		if c.a != nil {
			n++
		}
		if c.v != nil {
			n++
		}
		var ar int64
		if c.a != nil {
			ar = int64(c.a.Bitrate)
		}
		return n, c.rate, ar
	}
	better := func(x, y combo) bool {
		xn, xr, xa := score(x)
		yn, yr, ya := score(y)
		if xn != yn {
			return xn > yn
		}
		if xr != yr {
			return xr > yr
		}
		return xa > ya
	}
	var best *combo
	for i := range combos {
		c := combos[i]
		if p.bandwidth > 0 && c.rate > p.bandwidth {
			continue
		}
		if best == nil || better(c, *best) {
			best = &combos[i]
		}
	}
	if best == nil {
		// Nothing fits: take the cheapest audio (or video) alone.
		for i := range combos {
			c := combos[i]
			if c.a != nil && c.v != nil {
				continue
			}
			if best == nil || c.rate < best.rate || (c.rate == best.rate && c.a != nil) {
				best = &combos[i]
			}
		}
	}
	if best.a != nil {
		out = append(out, best.a.ID)
	}
	if best.v != nil {
		out = append(out, best.v.ID)
	}
	slices.Sort(out)
	return out
}

// preferred narrows alternatives to the decodable ones in the preferred
// language, when any exist.
func preferred(ts []transport.Track, p trackPrefs) []transport.Track {
	if p.supported != nil {
		var ok []transport.Track
		for _, t := range ts {
			if p.supported(t) && !t.Encrypted {
				ok = append(ok, t)
			}
		}
		if len(ok) > 0 {
			ts = ok
		}
	}
	if p.language != "" {
		var ok []transport.Track
		for _, t := range ts {
			if languageMatches(t.Language, p.language) {
				ok = append(ok, t)
			}
		}
		if len(ok) > 0 {
			ts = ok
		}
	}
	return ts
}

// languageMatches compares RFC 1766 tags by their primary subtag.
func languageMatches(have, want string) bool {
	prim := func(s string) string {
		s = strings.ToLower(s)
		if i := strings.IndexAny(s, "-_"); i >= 0 {
			s = s[:i]
		}
		return s
	}
	return have != "" && prim(have) == prim(want)
}

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
