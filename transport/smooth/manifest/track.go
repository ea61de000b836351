package manifest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
)

// Track describes the quality level q of stream s in the transport
// vocabulary, with the given track ID. Codec and Config follow the
// contract of transport.Track.Config ([MS-SSTR] 2.2.2.5 CodecPrivateData):
//
//   - H.264 (FourCC H264, AVC1, DAVC, X264, AVCB): the Annex-B SPS and PPS
//     of CodecPrivateData as they are, samples then holding 4-byte
//     lengths; with another NALUnitLengthField, an
//     AVCDecoderConfigurationRecord that says that length. The codec is
//     FourCC H264 (AVC1 when written so).
//   - AAC (AACL, AACH, and the AACP, AAC and MP4A some servers write, or
//     AudioTag 255 without a FourCC): the AudioSpecificConfig in
//     CodecPrivateData, or one made from SamplingRate and Channels when
//     it is empty (AudioSpecificConfig). The codec is FourCC AACL or AACH
//     as written, else WAVE_FORMAT 0x00FF.
//   - A WAVEFORMATEX in CodecPrivateData (WMAP, whose CodecPrivateData
//     is one in practice, or AudioTag 65534, [MS-SSTR] 4.5), or in the
//     vendor WaveFormatEx attribute: the codec is its wFormatTag (the
//     SubFormat's tag for WAVE_FORMAT_EXTENSIBLE), the Config its extra
//     bytes, as for an ASF stream, and the audio parameters its fields.
//     Without one, a WMAP track is FourCC WMAP with no Config.
//   - VC-1 (WVC1): the sequence and entry-point headers as they are (what
//     the examples of [MS-SSTR] 4.1 and 4.5 hold), or the bytes after the
//     BITMAPINFOHEADER when CodecPrivateData is a whole VIDEOINFOHEADER
//     (which 2.2.2.5 names).
//   - Anything else: FourCC as written (or the AudioTag as a format tag
//     for audio without FourCC) and CodecPrivateData as it is.
//
// Video size is MaxWidth×MaxHeight (the stream's when the level gives
// none), the pixel aspect ratio the one that shows it at the stream's
// DisplayWidth×DisplayHeight. Language and Name come from the stream
// (its Language, else the level's vendor Language).
func (q *QualityLevel) Track(id int, s *StreamIndex) transport.Track {
	t := transport.Track{
		ID:       id,
		Type:     s.MediaType(),
		Bitrate:  int(q.Bitrate),
		Language: s.Language,
		Name:     s.Name,
	}
	if t.Language == "" {
		t.Language = q.Language
	}
	cc := strings.ToUpper(q.FourCC)
	switch {
	case isH264(cc):
		t.Codec = transport.FourCC("H264")
		if cc == "AVC1" {
			t.Codec = transport.FourCC("AVC1")
		}
		t.Config = q.CodecPrivateData
		if q.NALUnitLengthField != 4 {
			if rec, err := AVCDecoderConfigurationRecord(q.CodecPrivateData, int(q.NALUnitLengthField)); err == nil {
				t.Config = rec
			}
		}
	case cc == "WVC1":
		t.Codec = transport.FourCC("WVC1")
		t.Config = vc1Config(q.CodecPrivateData)
	case isAAC(cc) || (cc == "" && q.AudioTag == uint32(transport.TagAAC)):
		switch cc {
		case "AACL", "AACH":
			t.Codec = transport.FourCC(cc)
		default:
			t.Codec = transport.WaveFormat(transport.TagAAC)
		}
		t.Config = q.CodecPrivateData
		if len(t.Config) == 0 {
			aot := AACLC
			if cc == "AACH" {
				aot = AACHE
			}
			if asc, err := AudioSpecificConfig(aot, int(q.SamplingRate), int(q.Channels)); err == nil {
				t.Config = asc
			}
		}
	default:
		if wf := q.waveFormat(cc); wf != nil {
			// The same codec, Config and parameters as an ASF audio
			// stream of this WAVEFORMATEX.
			at := asftrack.Track(&asf.Stream{Audio: wf})
			t.Codec, t.Config, t.Audio = at.Codec, at.Config, at.Audio
			return t
		}
		switch {
		case q.FourCC != "":
			t.Codec = transport.FourCC(q.FourCC)
		case t.Type == transport.Audio && q.AudioTag != 0 && q.AudioTag <= math.MaxUint16:
			t.Codec = transport.WaveFormat(uint16(q.AudioTag))
		}
		t.Config = q.CodecPrivateData
	}
	switch t.Type {
	case transport.Audio:
		t.Audio = transport.AudioParams{
			SampleRate:     int(q.SamplingRate),
			Channels:       int(q.Channels),
			BitsPerSample:  int(q.BitsPerSample),
			BlockAlign:     int(q.PacketSize),
			AvgBytesPerSec: int(q.Bitrate / 8),
		}
	case transport.Video:
		w, h := q.MaxWidth, q.MaxHeight
		if w == 0 || h == 0 {
			w, h = s.MaxWidth, s.MaxHeight
		}
		t.Video = transport.VideoParams{Width: int(w), Height: int(h)}
		t.Video.AspectX, t.Video.AspectY = pixelAspect(w, h, s.DisplayWidth, s.DisplayHeight)
	}
	return t
}

func isH264(cc string) bool {
	switch cc {
	case "H264", "AVC1", "DAVC", "X264", "AVCB":
		return true
	}
	return false
}

func isAAC(cc string) bool {
	switch cc {
	case "AACL", "AACH", "AACP", "AAC", "MP4A":
		return true
	}
	return false
}

// waveFormat returns the WAVEFORMATEX a level carries for codecs that
// put one in CodecPrivateData (WMAP, AudioTag 65534) or in the vendor
// WaveFormatEx attribute, nil when there is none that is whole.
func (q *QualityLevel) waveFormat(cc string) *asf.WaveFormat {
	var candidates [][]byte
	if cc == "WMAP" || q.AudioTag == asf.WaveFormatExtensible {
		candidates = append(candidates, q.CodecPrivateData)
	}
	for _, b := range append(candidates, q.WaveFormatEx) {
		if len(b) < 18 || 18+int(binary.LittleEndian.Uint16(b[16:])) > len(b) {
			continue // not a whole WAVEFORMATEX
		}
		if wf, err := asf.ParseWaveFormat(b); err == nil {
			return wf
		}
	}
	return nil
}

// vc1Config returns the VC-1 decoder configuration in a WVC1
// CodecPrivateData: the bytes after the BITMAPINFOHEADER when it is a
// whole VIDEOINFOHEADER (rcSource, rcTarget, dwBitRate, dwBitErrorRate,
// AvgTimePerFrame: 48 bytes, then a BITMAPINFOHEADER whose biSize is at
// least 40 and whose biCompression is WVC1), else the bytes as they are.
func vc1Config(b []byte) []byte {
	const vihFixed = 48
	if len(b) < vihFixed+40 {
		return b
	}
	biSize := binary.LittleEndian.Uint32(b[vihFixed:])
	if biSize < 40 || uint64(biSize) > uint64(len(b)-vihFixed) || !bytes.EqualFold(b[vihFixed+16:vihFixed+20], []byte("WVC1")) {
		return b
	}
	return b[vihFixed+int(biSize):]
}

// pixelAspect is the pixel aspect ratio that shows a w×h picture at dw×dh,
// reduced; 0, 0 (square) when a size is missing or the ratio is 1.
func pixelAspect(w, h, dw, dh uint32) (x, y int) {
	if w == 0 || h == 0 || dw == 0 || dh == 0 {
		return 0, 0
	}
	a, b := uint64(dw)*uint64(h), uint64(dh)*uint64(w)
	g := gcd(a, b)
	a, b = a/g, b/g
	if a == b || a > math.MaxInt32 || b > math.MaxInt32 {
		return 0, 0
	}
	return int(a), int(b)
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// AAC audio object types (ISO/IEC 14496-3 1.5.1.1).
const (
	// AACLC is AAC Low Complexity (object type 2).
	AACLC = 2
	// AACHE is HE-AAC: AAC LC with SBR (object type 5), written with the
	// explicit hierarchical signalling of ISO/IEC 14496-3 1.6.5.2.
	AACHE = 5
)

var aacRates = [...]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

var errASC = errors.New("cannot build an AudioSpecificConfig")

// AudioSpecificConfig builds the AudioSpecificConfig (ISO/IEC 14496-3
// 1.6.2.1) of an AAC stream from its sampling rate and channel count, as
// a client must when an AACL track's CodecPrivateData is empty ([MS-SSTR]
// 2.2.2.5 says it SHOULD be). objectType is AACLC or AACHE; for AACHE
// rate is the output rate and the AAC core runs at half of it. Channels
// 1–6 and 8 have a channel configuration (1–7); others are an error.
func AudioSpecificConfig(objectType, rate, channels int) ([]byte, error) {
	var cfg int
	switch {
	case channels >= 1 && channels <= 6:
		cfg = channels
	case channels == 8:
		cfg = 7
	default:
		return nil, fmt.Errorf("%w: %d channels", errASC, channels)
	}
	if rate <= 0 || rate >= 1<<24 {
		return nil, fmt.Errorf("%w: sampling rate %d", errASC, rate)
	}
	var w bitWriter
	freq := func(r int) {
		for i, v := range aacRates {
			if v == r {
				w.put(uint64(i), 4)
				return
			}
		}
		w.put(15, 4) // escape: the frequency itself follows
		w.put(uint64(r), 24)
	}
	switch objectType {
	case AACLC:
		w.put(AACLC, 5)
		freq(rate)
		w.put(uint64(cfg), 4)
	case AACHE:
		if rate < 2 {
			return nil, fmt.Errorf("%w: sampling rate %d", errASC, rate)
		}
		w.put(AACHE, 5)
		freq(rate / 2) // the core's rate
		w.put(uint64(cfg), 4)
		freq(rate) // extensionSamplingFrequencyIndex
		w.put(AACLC, 5)
	default:
		return nil, fmt.Errorf("%w: object type %d", errASC, objectType)
	}
	// GASpecificConfig: frameLengthFlag 0 (1024 samples),
	// dependsOnCoreCoder 0, extensionFlag 0.
	w.put(0, 3)
	return w.bytes(), nil
}

// bitWriter writes big-endian bit fields.
type bitWriter struct {
	b []byte
	n int // bits written
}

func (w *bitWriter) put(v uint64, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>uint(i)&1 != 0 {
			w.b[len(w.b)-1] |= 0x80 >> uint(w.n%8)
		}
		w.n++
	}
}

func (w *bitWriter) bytes() []byte { return w.b }

var errAVC = errors.New("cannot build an AVCDecoderConfigurationRecord")

// AVCDecoderConfigurationRecord builds the "avcC" record (ISO/IEC
// 14496-15 5.3.3.1) of an H.264 track from its CodecPrivateData, the SPS
// and PPS NAL units each after a start code ([MS-SSTR] 2.2.2.5), and its
// NALUnitLengthField (1, 2 or 4). Start codes of 3 or 4 bytes are
// accepted; there must be at least one SPS (NAL type 7, at least 4
// bytes: the profile and level are copied from it) and one PPS (type 8).
func AVCDecoderConfigurationRecord(cpd []byte, nalLength int) ([]byte, error) {
	if nalLength != 1 && nalLength != 2 && nalLength != 4 {
		return nil, fmt.Errorf("%w: NAL unit length %d", errAVC, nalLength)
	}
	var sps, pps [][]byte
	for _, nal := range splitAnnexB(cpd) {
		if len(nal) > math.MaxUint16 {
			return nil, fmt.Errorf("%w: a parameter set of %d bytes", errAVC, len(nal))
		}
		switch nal[0] & 0x1f {
		case 7:
			sps = append(sps, nal)
		case 8:
			pps = append(pps, nal)
		}
	}
	if len(sps) == 0 || len(pps) == 0 || len(sps[0]) < 4 || len(sps) > 31 || len(pps) > 255 {
		return nil, fmt.Errorf("%w: %d SPS and %d PPS", errAVC, len(sps), len(pps))
	}
	rec := []byte{1, sps[0][1], sps[0][2], sps[0][3], 0xfc | byte(nalLength-1), 0xe0 | byte(len(sps))}
	for _, s := range sps {
		rec = binary.BigEndian.AppendUint16(rec, uint16(len(s)))
		rec = append(rec, s...)
	}
	rec = append(rec, byte(len(pps)))
	for _, p := range pps {
		rec = binary.BigEndian.AppendUint16(rec, uint16(len(p)))
		rec = append(rec, p...)
	}
	return rec, nil
}

// splitAnnexB returns the NAL units of an Annex-B byte stream (ITU-T
// H.264 B.1): the bytes between start codes (00 00 01, or 00 00 00 01),
// without the zero bytes that precede the next start code. Empty units
// are dropped.
func splitAnnexB(b []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+3 <= len(b); {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				out = appendNAL(out, b[start:i])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 {
		out = appendNAL(out, b[start:])
	}
	return out
}

func appendNAL(out [][]byte, nal []byte) [][]byte {
	nal = bytes.TrimRight(nal, "\x00")
	if len(nal) > 0 {
		out = append(out, nal)
	}
	return out
}
