//go:build cgo

package wiring

import (
	"fmt"

	"github.com/eddyplayer/eddy/cmd/internal/otosink"
	"github.com/eddyplayer/eddy/player/audio"
)

// SoundOutput returns the sound-device sink, or, when there is no usable
// device, a real-time paced NullSink and the reason, so playback (and the
// position) still runs at the right speed and the user can be told why it
// is silent.
func SoundOutput() (audio.Sink, error) {
	s, err := otosink.New(otosink.Config{})
	if err == nil {
		return s, nil
	}
	return audio.NewNullSink(audio.NullSinkConfig{Paced: true}), fmt.Errorf("playing without sound: %w", err)
}
