package transport

import (
	"slices"
	"strings"
)

// Preferences steer ChooseTracks.
type Preferences struct {
	// Tracks is the user's explicit choice (track IDs). When set it wins:
	// ChooseTracks keeps the known IDs, drops later ones that conflict
	// with an earlier one in an exclusion group, and adds the command
	// streams.
	Tracks []int
	// Languages are preferred RFC 1766 tags, best first ("de", "en-us");
	// they are compared by primary subtag.
	Languages []string
	// Supported reports whether a decoder exists for a track; nil means
	// every track is playable.
	Supported func(Track) bool
	// NoVideo leaves video out (audio-only playback).
	NoVideo bool
}

// ChooseTracks picks the tracks to play: at most one audio and one video
// track (a player presents one of each) plus every command stream.
//
// Among alternatives it prefers unencrypted tracks it can decode, then the
// preferred language, then the combination with the highest total bit rate
// that fits bandwidth (bits per second; 0 = unlimited), more media types
// before more bit rate; when nothing fits, the cheapest single track. A
// combination never holds two tracks of one exclusion group (ASF Bitrate
// or Advanced Mutual Exclusion, i.e. multiple-bitrate files). It is the
// one place streams are chosen: the player calls it for every
// presentation (the first, and each new one a session reports with
// ErrInfoChanged) and sessions only apply the result (Session.Select).
// The result is sorted.
func ChooseTracks(info Info, bandwidth int64, p Preferences) []int {
	var cmds []int
	caption := 0
	for _, t := range info.Tracks {
		switch {
		case t.Type == Command:
			cmds = append(cmds, t.ID)
		case t.Type == Text && (caption == 0 || prefersLanguage(t, info, caption, p.Languages)):
			caption = t.ID
		}
	}
	if caption != 0 && len(p.Tracks) == 0 {
		// One caption stream, in the preferred language when there is
		// one (MS-SSTR sparse text streams).
		cmds = append(cmds, caption)
	}
	if len(p.Tracks) > 0 {
		return explicitChoice(info, p.Tracks, cmds)
	}
	var audio, video []Track
	for _, t := range info.Tracks {
		switch t.Type {
		case Audio:
			audio = append(audio, t)
		case Video:
			if !p.NoVideo {
				video = append(video, t)
			}
		}
	}
	audio = preferTracks(audio, p)
	video = preferTracks(video, p)
	type combo struct {
		ids        []int
		rate, arat int64
	}
	var combos []combo
	for ai := -1; ai < len(audio); ai++ {
		for vi := -1; vi < len(video); vi++ {
			var c combo
			if ai >= 0 {
				c.ids = append(c.ids, audio[ai].ID)
				c.rate += int64(audio[ai].Bitrate)
				c.arat = int64(audio[ai].Bitrate)
			}
			if vi >= 0 {
				c.ids = append(c.ids, video[vi].ID)
				c.rate += int64(video[vi].Bitrate)
			}
			if len(c.ids) == 0 || excluded(info, c.ids) {
				continue
			}
			combos = append(combos, c)
		}
	}
	better := func(x, y combo) bool {
		if len(x.ids) != len(y.ids) {
			return len(x.ids) > len(y.ids)
		}
		if x.rate != y.rate {
			return x.rate > y.rate
		}
		return x.arat > y.arat
	}
	best := -1
	for i, c := range combos {
		if bandwidth > 0 && c.rate > bandwidth {
			continue
		}
		if best < 0 || better(c, combos[best]) {
			best = i
		}
	}
	if best < 0 {
		// Nothing fits: the cheapest single track, audio on a tie.
		for i, c := range combos {
			if len(c.ids) != 1 {
				continue
			}
			if best < 0 || c.rate < combos[best].rate || (c.rate == combos[best].rate && c.arat > 0 && combos[best].arat == 0) {
				best = i
			}
		}
	}
	out := cmds
	if best >= 0 {
		out = append(out, combos[best].ids...)
	}
	slices.Sort(out)
	return out
}

// explicitChoice validates a user's selection.
func explicitChoice(info Info, ids, cmds []int) []int {
	out := slices.Clone(cmds)
	for _, id := range ids {
		t, ok := info.Track(id)
		if !ok || slices.Contains(out, id) || t.Type == Command {
			continue
		}
		if excluded(info, append(slices.Clone(out), id)) {
			continue
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// excluded reports whether ids holds two tracks of one exclusion group.
func excluded(info Info, ids []int) bool {
	for _, ex := range info.Exclusions {
		n := 0
		for _, id := range ids {
			if slices.Contains(ex.Tracks, id) {
				n++
			}
		}
		if n > 1 {
			return true
		}
	}
	return false
}

// preferTracks narrows alternatives to the decodable, unencrypted ones in
// the most preferred language available, when any exist.
func preferTracks(ts []Track, p Preferences) []Track {
	var ok []Track
	for _, t := range ts {
		if !t.Encrypted && (p.Supported == nil || p.Supported(t)) {
			ok = append(ok, t)
		}
	}
	if len(ok) > 0 {
		ts = ok
	}
	for _, lang := range p.Languages {
		var in []Track
		for _, t := range ts {
			if LanguageMatches(t.Language, lang) {
				in = append(in, t)
			}
		}
		if len(in) > 0 {
			return in
		}
	}
	return ts
}

// LanguageMatches compares RFC 1766 tags by their primary subtag
// ("en-us" matches "en", "EN-GB").
func LanguageMatches(have, want string) bool {
	prim := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		if i := strings.IndexAny(s, "-_"); i >= 0 {
			s = s[:i]
		}
		return s
	}
	return have != "" && want != "" && prim(have) == prim(want)
}

// prefersLanguage reports whether text track t matches the preferred
// languages better than the track with ID cur.
func prefersLanguage(t Track, info Info, cur int, langs []string) bool {
	c, _ := info.Track(cur)
	rank := func(tr Track) int {
		for i, l := range langs {
			if LanguageMatches(tr.Language, l) {
				return i
			}
		}
		return len(langs)
	}
	return rank(t) < rank(c)
}
