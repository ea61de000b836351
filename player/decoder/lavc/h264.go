package lavc

import (
	"errors"
	"fmt"
)

// H.264 arrives in two shapes: Annex-B byte streams (start codes, ITU-T
// H.264 Annex B), as in ASF files and in [MS-SSTR] 2.2.2.5 CodecPrivateData
// for "H264"/"AVC1" tracks, and length-prefixed NAL units with an
// AVCDecoderConfigurationRecord ("avcC", ISO/IEC 14496-15 5.3.3.1), as in
// MP4 and in Smooth Streaming fragment samples. The decoder is always fed
// Annex-B: avcC configs and length-prefixed samples are rewritten.

var errAVCC = errors.New("invalid AVCDecoderConfigurationRecord")

var startCode = []byte{0, 0, 0, 1}

// h264Config turns a track's Config into Annex-B extradata and the NAL
// length size of its samples: from the avcC record, or 0 when the config is
// Annex-B (or empty) and samples are probed one by one.
func h264Config(cfg []byte) (extra []byte, nalLen int, err error) {
	if len(cfg) == 0 || cfg[0] != 1 {
		return cfg, 0, nil
	}
	// configurationVersion(8)=1, AVCProfileIndication(8),
	// profile_compatibility(8), AVCLevelIndication(8),
	// reserved(6) lengthSizeMinusOne(2), reserved(3) numOfSPS(5),
	// { spsLength(16) sps }, numOfPPS(8), { ppsLength(16) pps }.
	if len(cfg) < 7 {
		return nil, 0, fmt.Errorf("%w: %d bytes", errAVCC, len(cfg))
	}
	nalLen = int(cfg[4]&3) + 1
	if nalLen == 3 {
		return nil, 0, fmt.Errorf("%w: lengthSizeMinusOne 2", errAVCC)
	}
	p := 5
	for set := 0; set < 2; set++ {
		if p >= len(cfg) {
			return nil, 0, fmt.Errorf("%w: truncated", errAVCC)
		}
		n := int(cfg[p])
		if set == 0 {
			n &= 0x1f
		}
		p++
		for i := 0; i < n; i++ {
			if p+2 > len(cfg) {
				return nil, 0, fmt.Errorf("%w: truncated", errAVCC)
			}
			l := int(cfg[p])<<8 | int(cfg[p+1])
			p += 2
			if l == 0 || p+l > len(cfg) {
				return nil, 0, fmt.Errorf("%w: parameter set length %d", errAVCC, l)
			}
			extra = append(extra, startCode...)
			extra = append(extra, cfg[p:p+l]...)
			p += l
		}
	}
	return extra, nalLen, nil
}

// avcFramer rewrites H.264 samples to Annex-B.
type avcFramer struct {
	nalLen int
	buf    []byte
}

// packet returns b as Annex-B: rewritten into the framer's buffer (valid
// until the next call) when b is length-prefixed, else b itself.
func (a *avcFramer) packet(b []byte) []byte {
	n := a.nalLen
	if n == 0 {
		n = 4
	}
	if out, ok := lengthPrefixedToAnnexB(a.buf[:0], b, n); ok {
		a.buf = out
		return out
	}
	return b
}

// lengthPrefixedToAnnexB appends b's NAL units with start codes to dst. ok
// is false unless b is exactly a sequence of n-byte big-endian lengths and
// NAL units with a zero forbidden_zero_bit (H.264 7.3.1): an Annex-B
// sample almost never parses that way, so the probe tells them apart.
func lengthPrefixedToAnnexB(dst, b []byte, n int) ([]byte, bool) {
	if len(b) == 0 {
		return dst, false
	}
	for p := 0; p < len(b); {
		if p+n > len(b) {
			return dst, false
		}
		l := 0
		for i := 0; i < n; i++ {
			l = l<<8 | int(b[p+i])
		}
		p += n
		if l <= 0 || l > len(b)-p || b[p]&0x80 != 0 {
			return dst, false
		}
		dst = append(dst, startCode...)
		dst = append(dst, b[p:p+l]...)
		p += l
	}
	return dst, true
}
