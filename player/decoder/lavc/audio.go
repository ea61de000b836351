//go:build cgo

package lavc

/*
#include "lavc.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// Audio is a libavcodec audio decoder. It implements decoder.Audio and
// also has Flush. It is not safe for concurrent use.
type Audio struct {
	dec
	format audio.Format
	float  bool

	// MPEG audio (codecInfo.mpa): the framer, and what reopening the
	// decoder for another layer takes.
	mpa    *decoder.MPEGFramer
	layer  int // the layer the open decoder is for
	ci     codecInfo
	track  transport.Track
	params C.EddyParams
}

var _ decoder.Audio = (*Audio)(nil)

// NewAudio opens a decoder for the audio track t. The stream parameters
// are set as from WAVEFORMATEX (ASF spec 9.1, Stream Properties Object type
// specific data): wFormatTag as codec_tag, nSamplesPerSec, nChannels,
// nAvgBytesPerSec*8 as the bit rate (Track.Bitrate when 0),
// nBlockAlign, wBitsPerSample, and the cbSize extra bytes (Track.Config)
// as codec private data. For AACL/AACH tracks ([MS-SSTR] 2.2.2.5) Config is
// the AudioSpecificConfig.
//
// MPEG audio (WAVE_FORMAT_MPEGLAYER3 0x0055 and WAVE_FORMAT_MPEG 0x0050)
// is split into frames in Go (decoder.MPEGFramer) rather than by
// libavcodec's parser, so that a stream joined in the middle (a
// broadcast, a seek) starts at a real frame and the decoder can say what
// it could not decode: bytes before the first frame (decoder.ErrCorrupt)
// and frames whose bit reservoir was never received, which libavcodec
// decodes partly as silence (decoder.ErrMissingData). The decoder is the
// one libavcodec has for the layer in the frame headers, whatever the
// tag says, as FFmpeg's parser chooses it.
func NewAudio(t transport.Track, opts Options) (*Audio, error) {
	ci, ok := lookup(t.Codec)
	if !ok || ci.video {
		return nil, &decoder.UnsupportedError{Codec: t.Codec, Reason: "not an audio codec of libavcodec known to Eddy"}
	}
	p := t.Audio
	if p.SampleRate < 0 || p.SampleRate > MaxSampleRate || p.Channels < 0 || p.Channels > MaxChannels ||
		p.BlockAlign < 0 || p.BlockAlign > MaxSampleSize || p.BitsPerSample < 0 || p.BitsPerSample > 64 ||
		p.AvgBytesPerSec < 0 || t.Bitrate < 0 {
		return nil, fmt.Errorf("%w: %s: stream parameters out of range: %+v", ErrOpen, t.Codec, p)
	}
	bitRate := int64(p.AvgBytesPerSec) * 8
	if bitRate == 0 {
		bitRate = int64(t.Bitrate)
	}
	cp := C.EddyParams{
		bit_rate:              C.int64_t(bitRate),
		block_align:           C.int(p.BlockAlign),
		sample_rate:           C.int(p.SampleRate),
		channels:              C.int(p.Channels),
		bits_per_coded_sample: C.int(p.BitsPerSample),
		out_float:             cbool(opts.Float),
	}
	a := &Audio{float: opts.Float}
	if err := a.open(ci, t, cp, t.Config); err != nil {
		return nil, err
	}
	a.cleanup = runtime.AddCleanup(a, freeC, a.c)
	if ci.mpa {
		a.mpa = &decoder.MPEGFramer{Codec: t.Codec}
		a.ci, a.track, a.params = ci, t, cp
		for l, n := range mpaDecoders {
			if n == ci.name {
				a.layer = l
			}
		}
	}
	return a, nil
}

// useLayer makes the open decoder libavcodec's for an MPEG audio layer,
// reopening it when the stream's first frame has another layer than the
// tag suggests (MP3 in a 0x0050 track). Once PCM has come out the
// decoder stays: its output format is locked, and each of libavcodec's
// MPEG audio decoders decodes every layer.
func (a *Audio) useLayer(layer int) error {
	if layer == a.layer || a.format.SampleRate != 0 {
		return nil
	}
	ci := a.ci
	ci.name = mpaDecoders[layer]
	a.close()
	if err := a.open(ci, a.track, a.params, a.track.Config); err != nil {
		var ue *decoder.UnsupportedError
		if errors.As(err, &ue) {
			return err
		}
		return &decoder.UnsupportedError{Codec: a.track.Codec, Reason: err.Error()}
	}
	a.cleanup = runtime.AddCleanup(a, freeC, a.c)
	a.layer = layer
	return nil
}

// Format returns the PCM format Decode produces: interleaved S16 (F32 with
// Options.Float) at the sample rate and channel count of the first decoded
// frame. It is the zero Format until a Decode call has produced PCM. Later
// frames at another rate or channel count are resampled or remixed to it,
// so it never changes once set.
func (a *Audio) Format() audio.Format { return a.format }

// Decode decodes one sample and appends its PCM to dst. A sample with
// Discontinuity set resets the decoder first. Errors wrap
// decoder.ErrCorrupt; PCM decoded before the error is still appended.
func (a *Audio) Decode(dst []byte, s transport.Sample) ([]byte, error) {
	if a.c == nil {
		return dst, ErrClosed
	}
	if s.Discontinuity {
		a.Reset()
	}
	if a.mpa != nil {
		return a.decodeMPEG(dst, s)
	}
	return a.run(dst, s.Data, s, false)
}

// decodeMPEG decodes the MPEG audio frames s completes, one packet each.
func (a *Audio) decodeMPEG(dst []byte, s transport.Sample) ([]byte, error) {
	missing := 0
	err := a.mpa.Push(s.Data, func(fr decoder.MPEGFrame) error {
		if err := a.useLayer(fr.Layer); err != nil {
			return err
		}
		if fr.Missing > 0 {
			missing++
		}
		var err error
		dst, err = a.run(dst, fr.Data, s, false)
		return err
	})
	if missing > 0 {
		err = errors.Join(fmt.Errorf("%s: %w: %w: %d frame(s) refer to bit reservoir data never received (joined mid-stream or after a seek): decoded partly as silence",
			a.name, decoder.ErrCorrupt, decoder.ErrMissingData, missing), err)
	}
	return dst, err
}

// Flush drains the decoder at the end of the stream: it appends the PCM
// the decoder, its parser and the resampler still hold, then resets, so
// decoding may go on (after a seek).
func (a *Audio) Flush(dst []byte) ([]byte, error) {
	if a.c == nil {
		return dst, ErrClosed
	}
	if a.mpa != nil {
		// A partial last frame would not decode (FFmpeg's decoder
		// refuses it too): drop it.
		a.mpa.Reset()
	}
	return a.run(dst, nil, transport.Sample{}, true)
}

func (a *Audio) run(dst, data []byte, s transport.Sample, drain bool) ([]byte, error) {
	start := len(dst)
	appendOut := func(n C.int) error {
		if n < 0 {
			return a.corrupt()
		}
		if len(dst)-start+int(n) > MaxAudioOutput {
			return fmt.Errorf("%s: %w: more than %d bytes of PCM from one sample", a.name, decoder.ErrCorrupt, MaxAudioOutput)
		}
		if n > 0 {
			dst = append(dst, unsafe.Slice((*byte)(unsafe.Pointer(C.eddy_audio_out(a.c))), int(n))...)
		}
		return nil
	}
	ts := toTicks(s.PTS)
	err := a.feed(data, ts, ts, s.Key, drain, func() error {
		if err := appendOut(C.eddy_audio_convert(a.c, 0)); err != nil {
			return err
		}
		if a.format.SampleRate == 0 {
			var f C.EddyAudioFormat
			C.eddy_audio_format(a.c, &f)
			a.format = audio.Format{SampleRate: int(f.sample_rate), Channels: int(f.channels), Sample: audio.S16}
			if a.float {
				a.format.Sample = audio.F32
			}
		}
		return nil
	})
	if drain {
		if ferr := appendOut(C.eddy_audio_convert(a.c, 1)); err == nil {
			err = ferr
		}
		C.eddy_reset(a.c)
	}
	return dst, err
}

// Reset drops the decoder's state (after a seek or a discontinuity). The
// output Format stays.
func (a *Audio) Reset() {
	if a.c != nil {
		C.eddy_reset(a.c)
	}
	if a.mpa != nil {
		a.mpa.Reset()
	}
}

// Close frees the decoder. It is safe to call more than once.
func (a *Audio) Close() error {
	a.close()
	return nil
}
