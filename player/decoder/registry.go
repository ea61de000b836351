package decoder

import "github.com/eddyplayer/eddy/transport"

// AudioFactory creates an audio decoder for a track.
type AudioFactory func(t transport.Track) (Audio, error)

// VideoFactory creates a video decoder for a track.
type VideoFactory func(t transport.Track) (Video, error)

// Registry maps codecs to decoder factories. Build it in main; it is
// read-only once playback starts.
type Registry struct {
	audio map[transport.Codec]audioEntry
	video map[transport.Codec]videoEntry
	// missing records why a codec is known but unavailable in this build.
	missing map[transport.Codec]string
}

type audioEntry struct {
	name string
	f    AudioFactory
}

type videoEntry struct {
	name string
	f    VideoFactory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		audio:   map[transport.Codec]audioEntry{},
		video:   map[transport.Codec]videoEntry{},
		missing: map[transport.Codec]string{},
	}
}

// RegisterAudio adds (or replaces) the decoder for c. name is the decoder's
// name shown by eddyplay --probe, e.g. "pcm" or "wmav2 (libavcodec)".
func (r *Registry) RegisterAudio(c transport.Codec, name string, f AudioFactory) {
	r.audio[c] = audioEntry{name: name, f: f}
	delete(r.missing, c)
}

// RegisterVideo adds (or replaces) the decoder for c.
func (r *Registry) RegisterVideo(c transport.Codec, name string, f VideoFactory) {
	r.video[c] = videoEntry{name: name, f: f}
	delete(r.missing, c)
}

// MarkMissing records that c is known but not available in this build, with
// the reason (e.g. "this build has no libavcodec: built without cgo").
func (r *Registry) MarkMissing(c transport.Codec, reason string) {
	if _, ok := r.audio[c]; ok {
		return
	}
	if _, ok := r.video[c]; ok {
		return
	}
	r.missing[c] = reason
}

// Name returns the decoder name for the track's codec, or "" when none.
func (r *Registry) Name(t transport.Track) string {
	c := t.Codec
	if e, ok := r.audio[c]; ok && t.Type != transport.Video {
		return e.name
	}
	if e, ok := r.video[c]; ok && t.Type != transport.Audio {
		return e.name
	}
	return ""
}

// Supports reports whether a decoder exists for t.
func (r *Registry) Supports(t transport.Track) bool { return r.Name(t) != "" }

// NewAudio creates an audio decoder for t, or an *UnsupportedError.
func (r *Registry) NewAudio(t transport.Track) (Audio, error) {
	e, ok := r.audio[t.Codec]
	if !ok {
		return nil, &UnsupportedError{Codec: t.Codec, Reason: r.missing[t.Codec]}
	}
	return e.f(t)
}

// NewVideo creates a video decoder for t, or an *UnsupportedError.
func (r *Registry) NewVideo(t transport.Track) (Video, error) {
	e, ok := r.video[t.Codec]
	if !ok {
		return nil, &UnsupportedError{Codec: t.Codec, Reason: r.missing[t.Codec]}
	}
	return e.f(t)
}
