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
	avc *avcFramer // H.264 only
	// skipPictures leaves frames without an Image (SkipPictures).
	skipPictures bool
	// Output times: the last PTS handed out, the typical step between
	// frames, and the sample time to fall back on.
	lastOut  time.Duration
	haveLast bool
	step     time.Duration
	sampleTS time.Duration
	// Input times: given to libavcodec as decode times while they do not
	// decrease, as presentation times once they do (see Decode).
	lastIn  time.Duration
	haveIn  bool
	ptsMode bool
	// free holds released pictures for reuse (at most maxFreeImages).
	free []*image.RGBA
}

// maxFreeImages bounds the pictures Release keeps for reuse.
const maxFreeImages = 8

// Fallback frame step when neither the stream nor the decoder tells.
const defaultFrameStep = 40 * time.Millisecond

// maxStep is the largest PTS difference taken as the frame step.
const maxStep = time.Second

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
	v := &Video{step: p.FrameDuration}
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
	v.sampleTS = s.PTS
	if v.haveIn && s.PTS < v.lastIn {
		v.ptsMode = true
	}
	v.lastIn, v.haveIn = s.PTS, true
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
	v.haveLast = false
	return dst, err
}

func (v *Video) run(dst []decoder.Frame, data []byte, s transport.Sample, drain bool) ([]decoder.Frame, error) {
	ts := toTicks(s.PTS)
	err := v.feed(data, ts, ts, s.Key, drain, func() error {
		var img *image.RGBA
		if !v.skipPictures {
			if C.eddy_video_prepare(v.c) < 0 {
				return v.corrupt()
			}
			img = v.newImage(int(v.info.width), int(v.info.height))
			if C.eddy_video_convert(v.c, cbytes(img.Pix), C.int(img.Stride)) < 0 {
				v.Release(img)
				return v.corrupt()
			}
		}
		// The frame's own sample time when sample times are presentation
		// times; else the time of the sample that released it.
		t := v.info.pkt_dts
		if v.ptsMode {
			t = v.info.pts
		}
		pts := v.framePTS(fromTicks(t), t != C.EDDY_NOPTS)
		dst = append(dst, decoder.Frame{PTS: pts, Image: img, Key: v.info.key != 0})
		return nil
	})
	return dst, err
}

// SkipPictures implements decoder.PictureSkipper: with skip set, frames are
// decoded (times, key flags, counts) but not converted to RGBA, and their
// Image is nil.
func (v *Video) SkipPictures(skip bool) { v.skipPictures = skip }

// newImage returns a released picture of size w×h, or a new one.
func (v *Video) newImage(w, h int) *image.RGBA {
	r := image.Rect(0, 0, w, h)
	for i := len(v.free) - 1; i >= 0; i-- {
		if img := v.free[i]; img.Rect == r {
			v.free = append(v.free[:i], v.free[i+1:]...)
			return img
		}
	}
	return image.NewRGBA(r)
}

// Release hands back the picture of a frame the caller is done with, so a
// later frame of the same size reuses it instead of allocating (a 640x360
// picture is 900 KiB; at 25 frames/s the garbage adds up). The caller must
// not touch img afterwards. Releasing is optional. Release is not part of
// decoder.Video: find it with a type assertion on
// interface{ Release(*image.RGBA) }.
func (v *Video) Release(img *image.RGBA) {
	if img == nil || img.Stride != 4*img.Rect.Dx() || img.Rect.Min != (image.Point{}) {
		return
	}
	if len(v.free) == maxFreeImages {
		copy(v.free, v.free[1:])
		v.free = v.free[:maxFreeImages-1]
	}
	v.free = append(v.free, img)
}

// framePTS makes output times strictly increasing: a frame without a
// time (drained at the end) or with a stale one (around the switch to
// presentation times) gets the previous time plus one frame step.
func (v *Video) framePTS(cand time.Duration, ok bool) time.Duration {
	switch {
	case ok && (!v.haveLast || cand > v.lastOut):
		if v.haveLast && cand-v.lastOut <= maxStep {
			v.step = cand - v.lastOut
		}
		v.lastOut = cand
	case !v.haveLast:
		v.lastOut = v.sampleTS
	default:
		step := v.step
		if step <= 0 {
			step = defaultFrameStep
		}
		v.lastOut += step
	}
	v.haveLast = true
	return v.lastOut
}

// Reset drops the decoder's state and the frames it holds (after a seek).
func (v *Video) Reset() {
	if v.c != nil {
		C.eddy_reset(v.c)
	}
	v.haveLast = false
	v.haveIn = false
}

// Close frees the decoder. It is safe to call more than once.
func (v *Video) Close() error {
	v.close()
	v.free = nil
	return nil
}
