package decoder

import (
	"errors"
	"fmt"

	"github.com/eddyplayer/eddy/transport"
)

// maxMPEGPending bounds the bytes an MPEGFramer keeps between samples: a
// frame is at most 2881 bytes (layer II at 8 kHz and 160 kbit/s; 1441 in
// layer III), plus the next frame's header when the first is being
// confirmed.
const maxMPEGPending = 4096

// maxReservoir caps the main-data count an MPEGFramer keeps: no
// main_data_begin reaches further back than 511 bytes.
const maxReservoir = 1 << 12

// MPEGFrame is one complete MPEG audio frame found by an MPEGFramer.
type MPEGFrame struct {
	// Data is the frame, from its header to its last byte. It aliases the
	// framer's buffer and is valid only during the callback.
	Data []byte
	// Layer is 1, 2 or 3.
	Layer int
	// SampleRate, Channels and Samples (per channel) are the header's.
	SampleRate, Channels, Samples int
	// Missing is, for a layer III frame, how many of the main-data bytes
	// its main_data_begin points back to (ISO/IEC 11172-3 § 2.4.1.7, the
	// bit reservoir) were never received since the start or the last
	// Reset: 0 when the frame can be decoded in full.
	Missing int

	h mpegHeader
}

// MPEGFramer splits an MPEG audio elementary stream (ISO/IEC 11172-3 and
// 13818-3, layers I–III; 0x0055 and 0x0050 in ASF) carried in samples
// that need not align with frames into whole frames, for decoders that
// take one frame at a time.
//
// A frame header (§ 2.4.2.3) with the version, layer and sampling
// frequency of the frame before is trusted where that frame ended. Out of
// sync — at the start, after Reset, after junk, as when a client joins a
// broadcast in the middle of a frame — a header is trusted only when a
// second one with the same version, layer and sampling frequency starts
// right where its frame ends, so a false sync word inside the audio data
// cannot be taken for a frame; so is a header whose version, layer or
// frequency differ from the stream's so far (a splice). Free-format
// frames (bit rate index 0) have no length in their header and are not
// framed: they are dropped as junk, and the error says why.
//
// For layer III the framer follows the bit reservoir: how many main-data
// bytes arrived since the start or the last Reset, so that each frame
// says how much of the data it refers back to is missing (the first
// frames after a mid-stream join or a seek).
//
// The zero value is ready; Codec names the stream in errors.
type MPEGFramer struct {
	// Codec names the stream in errors.
	Codec transport.Codec

	pend     []byte
	inSync   bool
	version  int // of the last frame; 0 before the first
	layer    int
	rate     int
	received int
	sawFree  bool // a free-format header was among the junk
	stats    MPEGFramerStats
}

// MPEGFramerStats count what an MPEGFramer passed on and dropped since it
// was made.
type MPEGFramerStats struct {
	// Frames and FrameBytes count the frames handed out.
	Frames, FrameBytes int64
	// JunkBytes counts the bytes dropped as not part of a frame.
	JunkBytes int64
	// MissingFrames counts the frames handed out with Missing > 0.
	MissingFrames int64
}

// Stats returns the counts so far.
func (f *MPEGFramer) Stats() MPEGFramerStats { return f.stats }

// Push appends data to the stream and calls frame for each frame it
// completes, in order. Bytes that are not part of a frame (junk, the tail
// of a frame whose start was never received) are dropped and reported in
// an error wrapping ErrCorrupt. An error from frame is collected and
// framing goes on, unless it is an *UnsupportedError: then the pending
// bytes are dropped and Push returns it at once.
func (f *MPEGFramer) Push(data []byte, frame func(MPEGFrame) error) error {
	f.pend = append(f.pend, data...)
	var errs []error
	p := f.pend
	junk := 0
	for {
		at, h, wait := f.next(p)
		if at < 0 {
			// No header: keep what may be the start of one. Sync is lost
			// only when there were bytes to look at.
			if keep := min(len(p), 3); len(p) > keep {
				junk += len(p) - keep
				p = p[len(p)-keep:]
				f.inSync = false
			}
			break
		}
		if at > 0 {
			junk += at
			p = p[at:]
			f.inSync = false
		}
		if wait || len(p) < h.length {
			break
		}
		fr := MPEGFrame{Data: p[:h.length], Layer: h.layer, SampleRate: h.rate, Channels: h.channels, Samples: h.samples, h: h}
		f.version, f.layer, f.rate = h.version, h.layer, h.rate
		if h.layer == 3 {
			fr.Missing = max(0, h.mainDataBegin(fr.Data)-f.received)
			f.received = min(f.received+h.mainDataSize(), maxReservoir)
		}
		p = p[h.length:]
		f.inSync = true
		f.stats.Frames++
		f.stats.FrameBytes += int64(h.length)
		if fr.Missing > 0 {
			f.stats.MissingFrames++
		}
		if err := frame(fr); err != nil {
			var ue *UnsupportedError
			if errors.As(err, &ue) {
				f.pend = f.pend[:0]
				return err
			}
			errs = append(errs, err)
		}
	}
	if len(p) > maxMPEGPending {
		junk += len(p) - 3
		p = p[len(p)-3:]
		f.inSync = false
	}
	if junk > 0 {
		f.stats.JunkBytes += int64(junk)
		why := ""
		if f.sawFree {
			why = " (free-format frames, whose length is not in their header, are not supported)"
		}
		f.sawFree = false
		errs = append([]error{fmt.Errorf("%w: %s: %d bytes without an MPEG audio frame%s", ErrCorrupt, f.Codec, junk, why)}, errs...)
	}
	f.pend = f.pend[:copy(f.pend, p)]
	return errors.Join(errs...)
}

// next finds the first trusted frame header in p. wait is set when the
// header at at may start a frame but the bytes that would confirm it
// have not arrived yet; at is -1 when p holds no candidate.
func (f *MPEGFramer) next(p []byte) (at int, h mpegHeader, wait bool) {
	for i := 0; i+4 <= len(p); i++ {
		h, ok := f.header(p[i:])
		if !ok {
			continue
		}
		if f.inSync && i == 0 && h.version == f.version && h.layer == f.layer && h.rate == f.rate {
			return 0, h, false
		}
		j := i + h.length
		if j+4 > len(p) {
			return i, h, true
		}
		if h2, ok := f.header(p[j:]); ok && h2.version == h.version && h2.layer == h.layer && h2.rate == h.rate {
			return i, h, false
		}
	}
	return -1, mpegHeader{}, false
}

// header parses a frame header at the start of b: a valid header (not
// free format) long enough for its side information.
func (f *MPEGFramer) header(b []byte) (mpegHeader, bool) {
	if len(b) < 4 || b[0] != 0xFF {
		return mpegHeader{}, false
	}
	h, ok := parseMPEGHeader(b)
	switch {
	case !ok:
		return h, false
	case h.length == 0:
		f.sawFree = f.sawFree || f.version == 0
		return h, false
	case h.layer == 3 && h.length < h.sideInfoOffset()+h.sideInfoSize():
		return h, false
	case h.length <= h.sideInfoOffset():
		return h, false
	}
	return h, true
}

// Reset drops the pending bytes and the bit reservoir (after a seek or a
// discontinuity); the next frame is searched for out of sync.
func (f *MPEGFramer) Reset() {
	f.pend = f.pend[:0]
	f.inSync = false
	f.received = 0
}
