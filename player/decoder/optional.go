package decoder

import "image"

// AudioFlusher is implemented by audio decoders that hold PCM back (codec
// delay, a parser, a resampler): Flush appends what remains at the end of
// the stream, then resets the decoder. The player calls it at the end.
type AudioFlusher interface {
	Flush(dst []byte) ([]byte, error)
}

// FrameReleaser is implemented by video decoders that can reuse pictures:
// Release hands back the Image of a frame nobody will look at again (a
// dropped frame). The caller must not touch img afterwards.
type FrameReleaser interface {
	Release(img *image.RGBA)
}

// PictureSkipper is implemented by video decoders that can decode without
// producing pictures (the frames' Image is nil): what a headless run that
// only counts frames needs. The player asks for it when its VideoOutput
// says it does not want pictures (player.PictureWanter).
type PictureSkipper interface {
	SkipPictures(skip bool)
}
