// Package otosink plays audio on the sound device through
// github.com/hajimehoshi/oto/v2 (cgo, ALSA on Linux). It is the only
// package of Eddy that imports oto; the player sees it as an audio.Sink.
//
// Usage, in main:
//
//	sink, err := otosink.New(otosink.Config{})
//	if errors.Is(err, otosink.ErrNoDevice) {
//		// tell the user, e.g. err.Error() == "no sound device: ALSA error at
//		// snd_pcm_open: ...", and play on audio.NewNullSink(audio.NullSinkConfig{Paced: true})
//	}
//
// oto's context is a process-wide singleton with one sample rate and
// format: it is created at the first Open, at that stream's rate, in
// stereo, and every later stream is converted (sample format, channels,
// rate) to it with an audio.Converter. Only one Sink should be open at a
// time. With no sound card, oto's NewContext succeeds and reports the
// failure only through Context.Err once ready is closed; New probes the
// device with alsa-lib first and Open checks Context.Err, so either
// returns an error wrapping ErrNoDevice instead of hanging.
//
// Data path: Write converts and copies into a bounded audio.Ring; oto's
// mixer goroutine pulls from the ring through a reader that blocks when
// the ring is empty (oto then plays silence by itself, and the sink counts
// an underrun). Played is the audio clock: bytes oto has taken from the
// ring minus the bytes still in oto's own buffer (Player.UnplayedBufferSize).
// The ALSA period buffer below oto (about 2×1024 frames) is not visible
// and not counted.
package otosink
