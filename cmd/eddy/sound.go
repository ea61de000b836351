package main

import (
	"errors"
	"log/slog"

	"github.com/eddyplayer/eddy/cmd/internal/otosink"
	"github.com/eddyplayer/eddy/cmd/internal/wiring"
	"github.com/eddyplayer/eddy/player/audio"
)

// openSink returns the sound output chosen with -audio, and a notice for
// the status bar when playback will be silent:
//
//   - auto: the sound device; without one, a real-time paced NullSink (the
//     position and the buffering behave as with sound) and a notice;
//   - device: the sound device or an error;
//   - none: the paced NullSink.
func openSink(mode string, logger *slog.Logger) (audio.Sink, string, error) {
	if mode == "none" {
		return audio.NewNullSink(audio.NullSinkConfig{Paced: true}), "Sound is off (-audio none): playing silently", nil
	}
	sink, err := wiring.SoundOutput()
	if err == nil {
		return sink, "", nil
	}
	if mode == "device" {
		sink.Close()
		return nil, "", err
	}
	logger.Warn("no sound output", "err", err)
	if errors.Is(err, otosink.ErrNoDevice) {
		return sink, "No sound device found: playing silently", nil
	}
	return sink, "The sound device failed (" + err.Error() + "): playing silently", nil
}
