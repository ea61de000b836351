package decoder

import "github.com/eddyplayer/eddy/transport"

// RegisterBuiltin registers the pure-Go decoders: PCM ("pcm"), IEEE float
// ("pcm float"), A-law ("a-law"), µ-law ("µ-law") and MP3 in tags 0x0055
// and 0x0050 ("mp3 (go-mp3)"). Where libavcodec is linked, it takes MP3
// over (lavc.Register): go-mp3 is the decoder of builds without cgo.
func RegisterBuiltin(r *Registry) {
	r.RegisterAudio(transport.WaveFormat(transport.TagPCM), "pcm", NewPCM)
	r.RegisterAudio(transport.WaveFormat(transport.TagFloat), "pcm float", NewPCM)
	r.RegisterAudio(transport.WaveFormat(transport.TagALaw), "a-law", NewPCM)
	r.RegisterAudio(transport.WaveFormat(transport.TagMuLaw), "µ-law", NewPCM)
	r.RegisterAudio(transport.WaveFormat(transport.TagMP3), "mp3 (go-mp3)", NewMP3)
	r.RegisterAudio(transport.WaveFormat(transport.TagMPEG), "mp3 (go-mp3)", NewMP3)
}
