//go:build cgo

package lavc

/*
#cgo pkg-config: libavcodec libavutil libswresample libswscale
#include <stdlib.h>
#include "lavc.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

var initOnce sync.Once

// initLib routes FFmpeg's log output into the per-call error text instead
// of stderr (libraries do not log). It affects the whole process, which is
// fine because this package is its only FFmpeg user.
func initLib() { initOnce.Do(func() { C.eddy_init_log() }) }

// Version returns the linked libavcodec version, e.g. "libavcodec 59.37.100".
func Version() string {
	v := uint(C.eddy_avcodec_version())
	return fmt.Sprintf("libavcodec %d.%d.%d", v>>16, v>>8&0xff, v&0xff)
}

// Register registers a libavcodec decoder for every codec in Codecs,
// replacing decoders already registered for them (e.g. the pure-Go MP3
// decoder). A codec the system's libavcodec lacks is marked missing with
// the reason.
func Register(r *decoder.Registry) { register(r, false) }

// RegisterMissing is Register for only the codecs r has no decoder for
// yet, so decoders registered earlier (pure Go) win.
func RegisterMissing(r *decoder.Registry) { register(r, true) }

func register(r *decoder.Registry, onlyMissing bool) {
	initLib()
	for _, ci := range codecs {
		typ := transport.Audio
		if ci.video {
			typ = transport.Video
		}
		if onlyMissing && r.Supports(transport.Track{Type: typ, Codec: ci.codec}) {
			continue
		}
		if _, err := codecID(ci); err != nil {
			r.MarkMissing(ci.codec, err.Error())
			continue
		}
		if ci.video {
			r.RegisterVideo(ci.codec, ci.displayName(), func(t transport.Track) (decoder.Video, error) {
				v, err := NewVideo(t, Options{})
				if err != nil {
					return nil, err
				}
				return v, nil
			})
		} else {
			r.RegisterAudio(ci.codec, ci.displayName(), func(t transport.Track) (decoder.Audio, error) {
				a, err := NewAudio(t, Options{})
				if err != nil {
					return nil, err
				}
				return a, nil
			})
		}
	}
}

// codecID finds the libavcodec codec ID for ci and checks a decoder exists.
func codecID(ci codecInfo) (C.int, error) {
	name := C.CString(ci.name)
	defer C.free(unsafe.Pointer(name))
	id := C.eddy_codec_id(name)
	if id == 0 || C.eddy_has_decoder(id) == 0 {
		return 0, fmt.Errorf("%s has no %s decoder", Version(), ci.name)
	}
	if ci.parse && C.eddy_parser_available(id) == 0 {
		return 0, fmt.Errorf("%s has no %s parser", Version(), ci.name)
	}
	return id, nil
}

// dec is the part shared by audio and video decoders: the C decoder and
// the send/receive loop.
type dec struct {
	c       *C.EddyDec
	name    string
	cleanup runtime.Cleanup
	info    C.EddyFrameInfo
}

// open creates the C decoder. The caller arms d.cleanup.
func (d *dec) open(ci codecInfo, t transport.Track, p C.EddyParams, extra []byte) error {
	initLib()
	if len(extra) > MaxConfigSize {
		return fmt.Errorf("%w: %s: codec private data of %d bytes (max %d)", ErrOpen, ci.name, len(extra), MaxConfigSize)
	}
	id, err := codecID(ci)
	if err != nil {
		return &decoder.UnsupportedError{Codec: t.Codec, Reason: err.Error()}
	}
	p.codec_id = id
	p.codec_tag = C.uint32_t(ci.codecTag())
	if ci.parse {
		p.use_parser = 1
	}
	var c *C.EddyDec
	ret := C.eddy_open(&c, &p, cbytes(extra), C.int(len(extra)))
	if ret < 0 {
		msg := "decoder not found"
		if c != nil {
			msg = C.GoString(C.eddy_err(c))
		}
		C.eddy_close(c)
		return fmt.Errorf("%w: %s for %s: %s", ErrOpen, ci.name, t.Codec, msg)
	}
	d.c = c
	d.name = ci.name
	return nil
}

// close frees the C decoder; safe to call twice.
func (d *dec) close() {
	if d.c == nil {
		return
	}
	d.cleanup.Stop()
	C.eddy_close(d.c)
	d.c = nil
}

// freeC is the safety-net cleanup of a decoder dropped without Close.
func freeC(c *C.EddyDec) { C.eddy_close(c) }

// cbytes passes b to C for the duration of one call.
func cbytes(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// corrupt wraps the C side's last error text in decoder.ErrCorrupt.
func (d *dec) corrupt() error {
	return fmt.Errorf("%s: %w: %s", d.name, decoder.ErrCorrupt, C.GoString(C.eddy_err(d.c)))
}

// toTicks converts a sample time to the packet time base (100 ns).
func toTicks(t time.Duration) C.int64_t { return C.int64_t(t / 100) }

func fromTicks(t C.int64_t) time.Duration { return time.Duration(t) * 100 }

// feed decodes one sample with its times in the packet time base
// (C.EDDY_NOPTS for none), or with drain set marks the end of stream, and
// calls onFrame for each frame, with d.info describing it. It returns the
// first error; decoding goes on past errors so good frames are kept.
func (d *dec) feed(data []byte, pts, dts C.int64_t, key, drain bool, onFrame func() error) error {
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	if drain {
		C.eddy_input_drain(d.c)
	} else {
		if len(data) > MaxSampleSize {
			return fmt.Errorf("%s: %w: sample of %d bytes (max %d)", d.name, decoder.ErrCorrupt, len(data), MaxSampleSize)
		}
		if C.eddy_input(d.c, cbytes(data), C.int(len(data)), pts, dts, cbool(key)) < 0 {
			return d.corrupt()
		}
	}
	for {
		r := C.eddy_next(d.c)
		if r < 0 {
			keep(d.corrupt())
			continue // the parser dropped the rest of the sample
		}
		if r == 0 {
			break
		}
		if err := d.send(onFrame); err != nil {
			keep(err)
		}
	}
	if drain {
		for tries := 0; ; tries++ {
			r := C.eddy_send_drain(d.c)
			if r == C.EDDY_AGAIN && tries == 0 {
				if err := d.receive(onFrame); err != nil {
					keep(err)
				}
				continue
			}
			if r < 0 || r == C.EDDY_AGAIN {
				keep(d.corrupt())
			}
			break
		}
		if err := d.receive(onFrame); err != nil {
			keep(err)
		}
		// The caller resets the decoder after taking what else it holds,
		// leaving draining mode so decoding can go on.
	}
	return first
}

// send sends the ready packet, receiving frames first if the decoder asks.
func (d *dec) send(onFrame func() error) error {
	var first error
	for tries := 0; ; tries++ {
		r := C.eddy_send(d.c)
		if r == C.EDDY_AGAIN && tries == 0 {
			first = d.receive(onFrame)
			continue
		}
		if r == C.EDDY_AGAIN {
			// The decoder neither takes input nor gives output: drop the
			// packet rather than spin.
			C.eddy_reset(d.c)
			return fmt.Errorf("%s: %w: decoder stalled", d.name, decoder.ErrCorrupt)
		}
		if r < 0 {
			err := d.corrupt()
			if rerr := d.receive(onFrame); first == nil && rerr != nil {
				first = rerr
			}
			if first == nil {
				first = err
			}
			return first
		}
		break
	}
	if err := d.receive(onFrame); first == nil {
		first = err
	}
	return first
}

// receive takes every frame the decoder has ready.
func (d *dec) receive(onFrame func() error) error {
	var first error
	errs := 0
	for frames := 0; frames < maxFramesPerCall; {
		r := C.eddy_receive(d.c, &d.info)
		switch {
		case r == C.EDDY_AGAIN || r == C.EDDY_EOF:
			return first
		case r < 0:
			if first == nil {
				first = d.corrupt()
			}
			if errs++; errs >= maxReceiveErrors {
				return first
			}
			continue
		}
		frames++
		err := onFrame()
		C.eddy_unref_frame(d.c)
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}
