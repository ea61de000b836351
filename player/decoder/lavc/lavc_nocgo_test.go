//go:build !cgo

package lavc

import (
	"errors"
	"testing"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

type fakeAudio struct{ decoder.Audio }

// TestNoCgoNamesWhatIsMissing: without cgo every codec is missing with
// the reason, and decoders registered before (pure Go) stay.
func TestNoCgoNamesWhatIsMissing(t *testing.T) {
	r := decoder.NewRegistry()
	mp3 := transport.Track{Type: transport.Audio, Codec: transport.WaveFormat(transport.TagMP3)}
	r.RegisterAudio(mp3.Codec, "mp3 (go-mp3)", func(transport.Track) (decoder.Audio, error) { return fakeAudio{}, nil })
	Register(r)
	if got := r.Name(mp3); got != "mp3 (go-mp3)" {
		t.Errorf("MP3 decoder %q, want the pure-Go one kept", got)
	}
	for _, c := range Codecs() {
		ci, _ := lookup(c)
		var err error
		if ci.video {
			_, err = r.NewVideo(transport.Track{Type: transport.Video, Codec: c})
		} else if c != mp3.Codec {
			_, err = r.NewAudio(transport.Track{Type: transport.Audio, Codec: c})
		} else {
			continue
		}
		var ue *decoder.UnsupportedError
		if !errors.As(err, &ue) || ue.Reason != reasonNoCgo {
			t.Errorf("%v: %v, want UnsupportedError with reason %q", c, err, reasonNoCgo)
		}
	}
	if _, err := NewAudio(transport.Track{Codec: transport.WaveFormat(transport.TagWMA2)}, Options{}); !errors.Is(err, decoder.ErrUnsupportedCodec) {
		t.Errorf("NewAudio: %v", err)
	}
	if _, err := NewVideo(transport.Track{Codec: transport.FourCC("WMV2")}, Options{}); !errors.Is(err, decoder.ErrUnsupportedCodec) {
		t.Errorf("NewVideo: %v", err)
	}
	if Version() != "" {
		t.Errorf("Version() = %q without cgo", Version())
	}
}
