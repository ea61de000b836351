// Package alsasink plays audio on an ALSA PCM chosen by name (cgo,
// alsa-lib), for File ▸ Preferences' "Audio device" and eddyplay's
// --audio-device: oto, which plays the system default, has no device
// choice. The player sees a Sink as an audio.Sink, like otosink's.
//
// Devices lists the PCMs alsa-lib's name hints offer for playback (what
// `aplay -L` prints): "default", "sysdefault:CARD=…", "front:…",
// "hw:…", "plughw:…", a PipeWire or PulseAudio PCM, and those of the
// user's asoundrc that have a hint section.
//
// Data path: Write converts to interleaved S16 at the rate and channel
// count the device accepted (the stream's own when it can, else stereo at
// 48 or 44.1 kHz) and copies into a bounded ring; one goroutine per open
// device owns the PCM handle (alsa-lib handles are not shared between
// threads here) and moves the ring into the device with non-blocking
// snd_pcm_writei, waiting for room with snd_pcm_wait, so Write blocks only
// on the ring: the backpressure that paces the player. The device is
// opened non-blocking, so a device another program holds fails at once.
// Played is the audio clock: frames written to the device minus
// snd_pcm_delay, read after every write and advanced on the wall clock
// between reads while the device runs. An underrun (EPIPE) is recovered
// with snd_pcm_recover and counted. A device that fails (unplugged, or
// one that takes no audio for Config.StallTimeout) makes Write and Drain
// return a *DeviceError (ErrDevice): the caller decides what the user
// gets (cmd/eddy plays on on the default device and says so).
//
// Pause pauses the device where it can (snd_pcm_pause); a device that
// cannot pause drops what it holds (at most Config.Latency of audio, which
// the clock counts as heard) and starts again on Resume.
package alsasink
