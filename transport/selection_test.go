package transport

import (
	"fmt"
	"slices"
	"testing"
)

func TestChooseTracks(t *testing.T) {
	wma := WaveFormat(TagWMA2)
	pcm := WaveFormat(TagPCM)
	wmv := FourCC("WMV2")
	a := func(id, rate int, c Codec, lang string) Track {
		return Track{ID: id, Type: Audio, Codec: c, Bitrate: rate, Language: lang}
	}
	v := func(id, rate int) Track { return Track{ID: id, Type: Video, Codec: wmv, Bitrate: rate} }
	cmd := Track{ID: 9, Type: Command}
	onlyPCM := func(t Track) bool { return t.Codec == pcm }
	// An MBR file: one audio, three video rates in a bitrate exclusion
	// group, plus an audio language group.
	mbr := Info{
		Tracks: []Track{a(1, 64000, wma, "en-us"), a(2, 64000, wma, "de-de"), v(3, 100000), v(4, 300000), v(5, 1000000), cmd},
		Exclusions: []Exclusion{
			{Type: ExcludeLanguage, Tracks: []int{1, 2}},
			{Type: ExcludeBitrate, Tracks: []int{3, 4, 5}},
		},
	}
	cases := []struct {
		name      string
		info      Info
		bandwidth int64
		prefs     Preferences
		want      []int
	}{
		{"single audio", Info{Tracks: []Track{a(1, 64000, wma, "")}}, 0, Preferences{}, []int{1}},
		{"best of two audio", Info{Tracks: []Track{a(1, 32000, wma, ""), a(2, 128000, wma, "")}}, 0, Preferences{}, []int{2}},
		{"bandwidth caps", Info{Tracks: []Track{a(1, 32000, wma, ""), a(2, 128000, wma, "")}}, 100000, Preferences{}, []int{1}},
		{"nothing fits: cheapest", Info{Tracks: []Track{a(1, 32000, wma, ""), a(2, 128000, wma, "")}}, 1000, Preferences{}, []int{1}},
		{"video dropped before audio", Info{Tracks: []Track{a(1, 64000, wma, ""), v(2, 300000)}}, 100000, Preferences{}, []int{1}},
		{"decodable first", Info{Tracks: []Track{a(1, 128000, wma, ""), a(2, 64000, pcm, "")}}, 0, Preferences{Supported: onlyPCM}, []int{2}},
		{"encrypted avoided", Info{Tracks: []Track{{ID: 1, Type: Audio, Bitrate: 128000, Encrypted: true}, a(2, 64000, wma, "")}}, 0, Preferences{}, []int{2}},
		{"MBR under 500k, English", mbr, 500000, Preferences{Languages: []string{"en"}}, []int{1, 4, 9}},
		{"MBR unlimited, German", mbr, 0, Preferences{Languages: []string{"fr", "de"}}, []int{2, 5, 9}},
		{"MBR 150k keeps lowest video", mbr, 170000, Preferences{}, []int{1, 3, 9}},
		{"audio only", mbr, 0, Preferences{NoVideo: true, Languages: []string{"de"}}, []int{2, 9}},
		{"user choice, conflicts dropped", mbr, 0, Preferences{Tracks: []int{2, 3, 5, 1, 42}}, []int{2, 3, 9}},
		{"no tracks", Info{}, 0, Preferences{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ChooseTracks(c.info, c.bandwidth, c.prefs)
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestLanguageMatches(t *testing.T) {
	for _, c := range []struct {
		have, want string
		ok         bool
	}{{"en-us", "en", true}, {"EN_gb", "en-US", true}, {"de", "en", false}, {"", "en", false}, {"en", "", false}} {
		if LanguageMatches(c.have, c.want) != c.ok {
			t.Errorf("LanguageMatches(%q, %q) != %v", c.have, c.want, c.ok)
		}
	}
}

// TestChooseCaptions: one caption (text) stream is chosen with the media,
// in the preferred language when one matches, else the first.
func TestChooseCaptions(t *testing.T) {
	info := Info{Tracks: []Track{
		{ID: 1, Type: Audio, Bitrate: 64000},
		{ID: 2, Type: Text, Language: "en"},
		{ID: 3, Type: Text, Language: "de"},
	}}
	if got := ChooseTracks(info, 0, Preferences{Languages: []string{"de"}}); fmt.Sprint(got) != "[1 3]" {
		t.Errorf("German preferred: %v", got)
	}
	if got := ChooseTracks(info, 0, Preferences{Languages: []string{"fr"}}); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("no match: %v, want the first caption stream", got)
	}
	if got := ChooseTracks(info, 0, Preferences{Tracks: []int{1}}); fmt.Sprint(got) != "[1]" {
		t.Errorf("explicit choice: %v, want no caption stream added", got)
	}
}
