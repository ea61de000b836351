//go:build !cgo

package lavc

import (
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// reasonNoCgo is why every codec of this package is missing in this build.
const reasonNoCgo = "this build has no libavcodec (built without cgo)"

// Version returns "" in a build without cgo: no libavcodec is linked.
func Version() string { return "" }

// Register marks every codec in Codecs as missing, with the reason, in a
// build without cgo. Codecs already registered (pure Go) stay.
func Register(r *decoder.Registry) { RegisterMissing(r) }

// RegisterMissing is Register: in a build without cgo both only mark
// codecs missing.
func RegisterMissing(r *decoder.Registry) {
	for _, ci := range codecs {
		r.MarkMissing(ci.codec, reasonNoCgo)
	}
}

// Audio stands for the libavcodec audio decoder, which this build lacks.
type Audio struct{ decoder.Audio }

// Video stands for the libavcodec video decoder, which this build lacks.
type Video struct{ decoder.Video }

// NewAudio returns an *decoder.UnsupportedError naming the codec: this
// build has no libavcodec.
func NewAudio(t transport.Track, opts Options) (*Audio, error) {
	return nil, &decoder.UnsupportedError{Codec: t.Codec, Reason: reasonNoCgo}
}

// NewVideo returns an *decoder.UnsupportedError naming the codec: this
// build has no libavcodec.
func NewVideo(t transport.Track, opts Options) (*Video, error) {
	return nil, &decoder.UnsupportedError{Codec: t.Codec, Reason: reasonNoCgo}
}
