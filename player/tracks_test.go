package player

import (
	"errors"
	"slices"
	"testing"

	"github.com/eddyplayer/eddy/transport"
)

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
