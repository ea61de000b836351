package decoder

import (
	"encoding/binary"
	"fmt"
	"io"

	mp3 "github.com/hajimehoshi/go-mp3"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/transport"
)

// ACM fwHeadLayer values of MPEG1WAVEFORMAT (tag 0x0050).
const (
	acmMPEGLayer1 = 1
	acmMPEGLayer2 = 2
	acmMPEGLayer3 = 4
)

// maxMP3Lag bounds the main data held back from go-mp3 (see repack).
const maxMP3Lag = 1024

// MP3 decodes MPEG-1 and MPEG-2 audio layer III (WAVE_FORMAT_MPEGLAYER3
// 0x0055, and WAVE_FORMAT_MPEG 0x0050 when it carries layer III) with
// github.com/hajimehoshi/go-mp3.
//
// ASF media objects need not align with MP3 frames, so MP3 splits the
// byte stream into frames itself (ISO/IEC 11172-3 § 2.4.2.3 headers) and
// hands go-mp3 exactly one complete frame at a time through a persistent
// go-mp3 decoder, so the bit reservoir and the synthesis filter state
// carry over from object to object: every complete frame gives exactly
// one frame of PCM (1152 or 576 samples), aligned with FFmpeg's decoder.
// Frames are re-packed on the way (see repack) to work around go-mp3's
// frame-length error for padded MPEG-2 frames. A frame whose
// main_data_begin points before the data the decoder holds (the first
// frames after a mid-stream join or a Reset) decodes as silence, as
// FFmpeg does, and is reported with ErrMissingData; its main data still
// fills the reservoir, so decoding resumes as soon as a frame's data is
// all there.
//
// Output is S16 at the stream's rate and channel count (go-mp3's stereo
// output is folded back to mono for mono streams). MPEG-2.5 (8–12 kHz)
// and the free bitrate are not supported by go-mp3.
type MP3 struct {
	codec  transport.Codec
	format audio.Format
	locked bool
	framer MPEGFramer
	feed   feeder
	dec    *mp3.Decoder
	avail  int    // real bytes at the end of go-mp3's reservoir
	lag    []byte // real main data not yet given to go-mp3
	real   []byte // scratch: lag + this frame's main data
	syn    []byte // scratch: the frame given to go-mp3
	pcm    []byte
}

// NewMP3 returns an MP3 decoder for a track with tag 0x0055 or 0x0050.
// For 0x0050 the MPEG1WAVEFORMAT fwHeadLayer in Config, when present,
// must say layer III.
func NewMP3(t transport.Track) (Audio, error) {
	d := &MP3{codec: t.Codec, framer: MPEGFramer{Codec: t.Codec}}
	if t.Codec.Tag == transport.TagMPEG && len(t.Config) >= 2 {
		switch layer := binary.LittleEndian.Uint16(t.Config); layer {
		case acmMPEGLayer3:
		case acmMPEGLayer1, acmMPEGLayer2:
			return nil, &UnsupportedError{Codec: t.Codec, Reason: fmt.Sprintf("MPEG audio layer %d; only layer III (MP3) is decoded", layer)}
		}
	}
	switch t.Audio.SampleRate {
	case 8000, 11025, 12000:
		return nil, &UnsupportedError{Codec: t.Codec, Reason: "MPEG-2.5 (8–12 kHz) is not supported by go-mp3"}
	}
	f := audio.Format{SampleRate: t.Audio.SampleRate, Channels: t.Audio.Channels, Sample: audio.S16}
	if f.Valid() && f.Channels <= 2 {
		d.format = f
	}
	return d, nil
}

// Format is S16 at the stream's rate and channels: the track's values
// until the first frame is decoded, the first frame's afterwards (the
// zero Format when the track gave none and no frame was decoded yet).
func (d *MP3) Format() audio.Format { return d.format }

// Decode appends the PCM of every MP3 frame completed by s.Data to dst;
// bytes of an incomplete frame wait for the next sample (see MPEGFramer
// for how frames are found, also in the middle of a stream). Junk between
// frames and undecodable frames give an error wrapping ErrCorrupt, frames
// whose bit reservoir was never received (decoded as silence) one that
// also wraps ErrMissingData; the PCM of every frame is still appended. A
// stream go-mp3 cannot decode at all (layer I/II, MPEG-2.5) gives an
// *UnsupportedError.
func (d *MP3) Decode(dst []byte, s transport.Sample) ([]byte, error) {
	err := d.framer.Push(s.Data, func(fr MPEGFrame) error {
		if err := d.check(fr.h); err != nil {
			return err
		}
		var err error
		dst, err = d.decodeFrame(dst, fr.h, fr.Data)
		return err
	})
	return dst, err
}

// check rejects what go-mp3 cannot decode: a stream it cannot decode at
// all, and frames at another rate than the first one's.
func (d *MP3) check(h mpegHeader) error {
	switch {
	case h.layer != 3:
		return &UnsupportedError{Codec: d.codec, Reason: fmt.Sprintf("MPEG audio layer %d; only layer III (MP3) is decoded", h.layer)}
	case h.version == mpeg25:
		return &UnsupportedError{Codec: d.codec, Reason: "MPEG-2.5 (8–12 kHz) is not supported by go-mp3"}
	case d.locked && h.rate != d.format.SampleRate:
		return fmt.Errorf("%w: MP3 frame at %d Hz in a %d Hz stream: go-mp3 cannot change rates", ErrCorrupt, h.rate, d.format.SampleRate)
	}
	return nil
}

// decodeFrame runs one complete frame through go-mp3. A frame go-mp3
// fails on drops the go-mp3 decoder (a new one starts with the next
// frame); a frame repack reports (decoded as silence) keeps it.
func (d *MP3) decodeFrame(dst []byte, h mpegHeader, frame []byte) ([]byte, error) {
	if !d.locked {
		d.locked = true
		d.format = audio.Format{SampleRate: h.rate, Channels: h.channels, Sample: audio.S16}
	}
	syn, corrupt := d.repack(h, frame)
	dst, err := d.runGoMP3(dst, h, syn)
	if err != nil {
		return dst, err
	}
	return dst, corrupt
}

// runGoMP3 gives go-mp3 one re-packed frame and appends its PCM.
func (d *MP3) runGoMP3(dst []byte, h mpegHeader, syn []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: go-mp3 failed on a frame: %v", ErrCorrupt, r)
		}
		if err != nil {
			d.dec, d.avail, d.lag = nil, 0, d.lag[:0]
			d.feed.reset()
			out = dst
		}
	}()
	d.feed.push(syn)
	if d.dec == nil {
		if d.dec, err = mp3.NewDecoder(&d.feed); err != nil {
			return dst, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	n := h.samples * 4 // go-mp3 always gives stereo s16
	d.pcm = append(d.pcm[:0], make([]byte, n)...)
	if _, err := io.ReadFull(d.dec, d.pcm); err != nil {
		return dst, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	d.feed.reset()
	if d.format.Channels == 2 {
		dst = append(dst, d.pcm...)
	} else {
		for i := 0; i < n; i += 4 {
			l := int32(int16(binary.LittleEndian.Uint16(d.pcm[i:])))
			r := int32(int16(binary.LittleEndian.Uint16(d.pcm[i+2:])))
			dst = binary.LittleEndian.AppendUint16(dst, uint16(int16((l+r)>>1)))
		}
	}
	return dst, nil
}

// repack builds the frame go-mp3 is given for the real frame. go-mp3
// keeps the bit reservoir as "the last main_data_begin bytes it read +
// this frame's main data", reading as much main data as it computes from
// the header; for some padded MPEG-2 frames it computes one byte too few
// (see goMP3MainSize), which would shift every later frame's data. So the
// frame is re-packed: same header fields and side information, but the
// bitrate index (which go-mp3 uses only to size the frame) is chosen so
// that go-mp3's main-data slot holds all the real main data, and the
// spare bytes are zeros placed right after the end of this frame's
// granule data, where no later frame looks (a later frame's data starts
// at or after this end). main_data_begin then stays valid. When the data
// a frame needs from the reservoir is not there (stream start, after a
// Reset or an error), its side information is blanked so that it
// decodes to silence while its main data still refills the reservoir, as
// FFmpeg does.
//
// d.lag holds real main-data bytes not yet given to go-mp3 (only when no
// bitrate index gives a large enough slot); d.avail is how many bytes at
// the end of go-mp3's reservoir are real, contiguous stream data.
func (d *MP3) repack(h mpegHeader, frame []byte) (syn []byte, corrupt error) {
	so, ss := h.sideInfoOffset(), h.sideInfoSize()
	mdb := h.mainDataBegin(frame)
	main := frame[so+ss:]
	data := h.dataBytes(frame)
	if d.dec == nil {
		d.avail = 0
	}
	// Real main-data bytes to give go-mp3: the lag, then this frame's.
	d.real = append(append(d.real[:0], d.lag...), main...)
	r := d.real
	// Offsets below are in r: the frame's granule data is r[start:end]
	// (start < 0: it begins in go-mp3's reservoir).
	start := len(d.lag) - mdb
	end := start + data
	silent := false
	mdbOut := 0
	switch {
	case end > len(r):
		corrupt = fmt.Errorf("%w: MP3 frame data (%d bytes) runs past the frame", ErrCorrupt, data)
		silent = true
	case start >= 0:
		// The data starts in bytes not yet given: drop what precedes it.
		r = r[start:]
		end -= start
	case -start <= d.avail:
		mdbOut = -start
	default:
		corrupt = fmt.Errorf("%w: %w: MP3 frame refers to %d bytes of bit reservoir, %d received: decoded as silence",
			ErrCorrupt, ErrMissingData, mdb, d.avail)
		silent = true
	}
	// A silent frame keeps the real bytes go-mp3 holds (as many as a
	// main_data_begin can reach): with its own main data they make the
	// reservoir the next frames refer to. Keeping none would leave go-mp3
	// one frame of main data, never enough for a stream whose frames reach
	// further back, and every later frame would be silent too.
	keep := min(d.avail, h.maxMainDataBegin())
	if silent {
		end, mdbOut = 0, keep
	}
	// go-mp3's slot: exactly len(r) when a bitrate index gives it (always
	// for MPEG-1 and unpadded frames: the frame is unchanged); else a
	// larger one with zeros inserted where this frame's data ends, when
	// that is in r; else the largest that holds the data, keeping the rest
	// of r for the next frame.
	slot := func(ok func(g int) bool, better func(g, best int) bool) (best, bi, pad int) {
		best = -1
		for i := 1; i < 15; i++ {
			for p := range 2 {
				if g := h.goMP3MainSize(i, p); ok(g) && (best < 0 || better(g, best)) {
					best, bi, pad = g, i, p
				}
			}
		}
		return best, bi, pad
	}
	smaller := func(g, best int) bool { return g < best }
	larger := func(g, best int) bool { return g > best }
	zeros := false
	best, bi, pad := slot(func(g int) bool { return g == len(r) }, smaller)
	if best < 0 && end >= 0 {
		best, bi, pad = slot(func(g int) bool { return g > len(r) }, smaller)
		zeros = best >= 0
	}
	if best < 0 {
		best, bi, pad = slot(func(g int) bool { return g >= max(end, 0) && g < len(r) }, larger)
	}
	if best < 0 {
		corrupt = fmt.Errorf("%w: MP3 frame data does not fit a go-mp3 frame", ErrCorrupt)
		silent, end, mdbOut = true, 0, keep
		best, bi, pad = slot(func(g int) bool { return g >= 0 && g < len(r) }, larger)
		if best < 0 {
			best, bi, pad = slot(func(g int) bool { return g >= 0 }, smaller)
			zeros = true
		}
	}
	syn = append(d.syn[:0], frame[:so+ss]...)
	syn[2] = byte(bi)<<4 | syn[2]&0x0D | byte(pad)<<1
	if silent {
		clear(syn[so : so+ss])
	}
	h.setMainDataBegin(syn, mdbOut)
	switch {
	case zeros:
		syn = append(syn, r[:end]...)
		syn = append(syn, make([]byte, best-len(r))...)
		syn = append(syn, r[end:]...)
		d.avail = len(r) - end
		d.lag = d.lag[:0]
	default:
		syn = append(syn, r[:best]...)
		d.avail = mdbOut + best
		d.lag = append(d.lag[:0], r[best:]...)
		if len(d.lag) > maxMP3Lag {
			d.lag = d.lag[:0]
			d.avail = 0
		}
	}
	d.syn = syn
	return syn, corrupt
}

// Reset forgets the pending bytes and the decoder state (after a seek).
func (d *MP3) Reset() {
	d.framer.Reset()
	d.dec, d.avail, d.lag = nil, 0, d.lag[:0]
	d.feed.reset()
}

// Close releases the decoder.
func (d *MP3) Close() error {
	d.Reset()
	return nil
}

// feeder is the io.Reader go-mp3 reads frames from: it holds exactly the
// bytes handed to it and reports io.EOF when they are used up.
type feeder struct {
	b []byte
	r int
}

func (f *feeder) push(p []byte) {
	if f.r == len(f.b) {
		f.b, f.r = f.b[:0], 0
	}
	f.b = append(f.b, p...)
}

func (f *feeder) reset() { f.b, f.r = f.b[:0], 0 }

func (f *feeder) Read(p []byte) (int, error) {
	if f.r == len(f.b) {
		return 0, io.EOF
	}
	n := copy(p, f.b[f.r:])
	f.r += n
	return n, nil
}
