package player

import (
	"errors"
	"slices"
	"testing"

	"github.com/eddyplayer/eddy/transport"
)

func TestChooseTracks(t *testing.T) {
	wma := transport.WaveFormat(transport.TagWMA2)
	pcm := transport.WaveFormat(transport.TagPCM)
	wmv := transport.FourCC("WMV2")
	a := func(id, rate int, c transport.Codec, lang string) transport.Track {
		return transport.Track{ID: id, Type: transport.Audio, Codec: c, Bitrate: rate, Language: lang}
	}
	v := func(id, rate int) transport.Track {
		return transport.Track{ID: id, Type: transport.Video, Codec: wmv, Bitrate: rate}
	}
	cmd := transport.Track{ID: 9, Type: transport.Command}
	all := func(transport.Track) bool { return true }
	onlyPCM := func(t transport.Track) bool { return t.Codec == pcm }
	cases := []struct {
		name   string
		tracks []transport.Track
		prefs  trackPrefs
		want   []int
	}{
		{"single audio", []transport.Track{a(1, 64000, wma, "")}, trackPrefs{supported: all}, []int{1}},
		{"best of MBR audio", []transport.Track{a(1, 32000, wma, ""), a(2, 128000, wma, "")}, trackPrefs{supported: all}, []int{2}},
		{"bandwidth caps", []transport.Track{a(1, 32000, wma, ""), a(2, 128000, wma, "")}, trackPrefs{supported: all, bandwidth: 100000}, []int{1}},
		{"nothing fits: cheapest", []transport.Track{a(1, 32000, wma, ""), a(2, 128000, wma, "")}, trackPrefs{supported: all, bandwidth: 1000}, []int{1}},
		{"audio+video under cap", []transport.Track{a(1, 64000, wma, ""), v(2, 300000), v(3, 1000000)}, trackPrefs{supported: all, bandwidth: 500000}, []int{1, 2}},
		{"video dropped before audio", []transport.Track{a(1, 64000, wma, ""), v(2, 300000)}, trackPrefs{supported: all, bandwidth: 100000}, []int{1}},
		{"decodable first", []transport.Track{a(1, 128000, wma, ""), a(2, 64000, pcm, "")}, trackPrefs{supported: onlyPCM}, []int{2}},
		{"language", []transport.Track{a(1, 128000, wma, "en-us"), a(2, 64000, wma, "de-de")}, trackPrefs{supported: all, language: "de"}, []int{2}},
		{"command streams always", []transport.Track{a(1, 64000, wma, ""), cmd}, trackPrefs{supported: all}, []int{1, 9}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := chooseTracks(transport.Info{Tracks: c.tracks}, c.prefs)
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestValidateSelection(t *testing.T) {
	info := transport.Info{Tracks: []transport.Track{
		{ID: 1, Type: transport.Audio}, {ID: 2, Type: transport.Audio}, {ID: 3, Type: transport.Video}, {ID: 4, Type: transport.Command},
	}}
	got, err := validateSelection(info, []int{1, 2, 3})
	if err != nil || !slices.Equal(got, []int{2, 3, 4}) {
		t.Fatalf("got %v, %v", got, err)
	}
	_, err = validateSelection(info, []int{7})
	var se *SelectionError
	if !errors.As(err, &se) || se.ID != 7 {
		t.Fatalf("err = %v", err)
	}
}
