package wiring

import (
	"testing"

	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
)

// TestDecoders: both programs decode MP3 and MPEG audio with libavcodec
// when it is linked (sample for sample like FFmpeg, issue 7), with go-mp3
// only in a build without cgo; PCM stays pure Go and WMA is libavcodec's
// or named as missing.
func TestDecoders(t *testing.T) {
	r := Decoders()
	cgo := lavc.Version() != ""
	audio := func(tag uint16) transport.Track {
		return transport.Track{Type: transport.Audio, Codec: transport.WaveFormat(tag)}
	}
	want := map[uint16]string{
		transport.TagMP3:  "mp3 (go-mp3)",
		transport.TagMPEG: "mp3 (go-mp3)",
		transport.TagPCM:  "pcm",
		transport.TagWMA2: "",
	}
	if cgo {
		want[transport.TagMP3] = "mp3 (libavcodec)"
		want[transport.TagMPEG] = "mp1/mp2/mp3 (libavcodec)"
		want[transport.TagWMA2] = "wmav2 (libavcodec)"
	}
	for tag, name := range want {
		if got := r.Name(audio(tag)); got != name {
			t.Errorf("cgo %v: decoder for %v is %q, want %q", cgo, audio(tag).Codec, got, name)
		}
	}
	if !cgo {
		if _, err := r.NewAudio(audio(transport.TagWMA2)); err == nil {
			t.Error("a build without libavcodec made a WMA decoder")
		}
	}
}
