//go:build cgo

package lavc

/*
#include "lavc.h"
*/
import "C"

import (
	"fmt"
	"image"
	"runtime"
	"time"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// Video is a libavcodec video decoder producing RGBA pictures of the coded
// size. It implements decoder.Video and is not safe for concurrent use.
type Video struct {
	dec
	avc  *avcFramer // H.264 only
	last time.Duration
}

var _ decoder.Video = (*Video)(nil)

// NewVideo opens a decoder for the video track t. The stream parameters
// are set as from BITMAPINFOHEADER (ASF spec 9.2, Stream Properties Object
// type-specific data): biCompression (the FourCC) as codec_tag, biWidth,
// biHeight, biBitCount, and the bytes after the 40-byte header
// (Track.Config) as codec private data. For H.264, Config may be Annex-B
// SPS/PPS ([MS-SSTR] 2.2.2.5 CodecPrivateData) or an avcC record; samples
// may be Annex-B or length-prefixed.
func NewVideo(t transport.Track, opts Options) (*Video, error) {
	ci, ok := lookup(t.Codec)
	if !ok || !ci.video {
		return nil, &decoder.UnsupportedError{Codec: t.Codec, Reason: "not a video codec of libavcodec known to Eddy"}
	}
	p := t.Video
	w, h := p.Width, p.Height
	if h < 0 {
		h = -h // top-down DIB
	}
	if w < 0 || w > MaxDimension || h > MaxDimension || int64(w)*int64(h) > MaxPixels ||
		p.BitCount < 0 || p.BitCount > 64 || t.Bitrate < 0 || opts.Threads < 0 || opts.Threads > 64 {
		return nil, fmt.Errorf("%w: %s: stream parameters out of range: %+v", ErrOpen, t.Codec, p)
	}
	cp := C.EddyParams{
		bit_rate:              C.int64_t(t.Bitrate),
		bits_per_coded_sample: C.int(p.BitCount),
		width:                 C.int(w),
		height:                C.int(h),
		threads:               C.int(opts.Threads),
		max_pixels:            MaxPixels,
	}
	v := &Video{}
	extra := t.Config
	if ci.name == "h264" {
		var nalLen int
		var err error
		extra, nalLen, err = h264Config(t.Config)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrOpen, t.Codec, err)
		}
		v.avc = &avcFramer{nalLen: nalLen}
	}
	if err := v.open(ci, t, cp, extra); err != nil {
		return nil, err
	}
	v.cleanup = runtime.AddCleanup(v, freeC, v.c)
	return v, nil
}

// Decode decodes one sample and appends the frames it completes, in
// presentation order, to dst. Frame.PTS is libavcodec's
// best_effort_timestamp, derived from the sample times, so reordering
// codecs (B-frames) get presentation times; Frame.Key is the decoded
// frame's key flag. A sample with Discontinuity set resets the decoder
// first. Errors wrap decoder.ErrCorrupt; frames decoded before the error
// are still appended.
func (v *Video) Decode(dst []decoder.Frame, s transport.Sample) ([]decoder.Frame, error) {
	if v.c == nil {
		return dst, ErrClosed
	}
	if s.Discontinuity {
		v.Reset()
	}
	data := s.Data
	if v.avc != nil {
		data = v.avc.packet(data)
	}
	v.last = s.PTS
	return v.run(dst, data, s, false)
}

// Flush drains the decoder at the end of the stream, appending the frames
// it still holds, then resets it so decoding may go on (after a seek).
func (v *Video) Flush(dst []decoder.Frame) ([]decoder.Frame, error) {
	if v.c == nil {
		return dst, ErrClosed
	}
	dst, err := v.run(dst, nil, transport.Sample{}, true)
	C.eddy_reset(v.c)
	return dst, err
}

func (v *Video) run(dst []decoder.Frame, data []byte, s transport.Sample, drain bool) ([]decoder.Frame, error) {
	err := v.feed(data, s.PTS, s.Key, drain, func() error {
		if C.eddy_video_convert(v.c) < 0 {
			return v.corrupt()
		}
		w, h := int(v.info.width), int(v.info.height)
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		C.eddy_video_copy(v.c, cbytes(img.Pix), C.int(img.Stride))
		pts := v.last
		if v.info.pts != C.EDDY_NOPTS {
			pts = fromTicks(v.info.pts)
		}
		dst = append(dst, decoder.Frame{PTS: pts, Image: img, Key: v.info.key != 0})
		return nil
	})
	return dst, err
}

// Reset drops the decoder's state and the frames it holds (after a seek).
func (v *Video) Reset() {
	if v.c != nil {
		C.eddy_reset(v.c)
	}
}

// Close frees the decoder. It is safe to call more than once.
func (v *Video) Close() error {
	v.close()
	return nil
}
