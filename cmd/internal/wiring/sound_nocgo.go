//go:build !cgo

package wiring

import (
	"errors"

	"github.com/eddyplayer/eddy/player/audio"
)

// SoundOutput returns a real-time paced NullSink: a build without cgo has
// no sound-device output (oto needs cgo and ALSA).
func SoundOutput() (audio.Sink, error) {
	return audio.NewNullSink(audio.NullSinkConfig{Paced: true}), errors.New("playing without sound: this build has no sound output (built without cgo)")
}
