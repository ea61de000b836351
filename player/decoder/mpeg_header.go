package decoder

// MPEG audio frame headers, ISO/IEC 11172-3 § 2.4.2.3 (MPEG-1) and
// ISO/IEC 13818-3 § 2.4.2.3 (MPEG-2 low sampling frequencies), plus the
// unofficial MPEG-2.5 extension (version bits 00).

// mpegVersion values.
const (
	mpeg1  = 1
	mpeg2  = 2
	mpeg25 = 25
)

// mpegHeader is a parsed 4-byte frame header.
type mpegHeader struct {
	version  int // mpeg1, mpeg2 or mpeg25
	layer    int // 1, 2 or 3
	crc      bool
	bitrate  int // bits per second; 0 is the free format
	rate     int // samples per second
	padding  bool
	channels int
	length   int // frame length in bytes, header included; 0 for free format
	samples  int // samples per channel in the frame
}

var mpegBitrates = [2][3][15]int{
	{ // MPEG-1, layers 1, 2, 3 (kbit/s)
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
	},
	{ // MPEG-2 and 2.5
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
	},
}

var mpegRates = [3]int{44100, 48000, 32000}

// parseMPEGHeader decodes b[0:4]; ok is false when b does not start with
// a valid header (sync, reserved version/layer/bitrate/rate/emphasis).
func parseMPEGHeader(b []byte) (h mpegHeader, ok bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return h, false
	}
	switch (b[1] >> 3) & 3 {
	case 0:
		h.version = mpeg25
	case 2:
		h.version = mpeg2
	case 3:
		h.version = mpeg1
	default:
		return h, false
	}
	h.layer = 4 - int((b[1]>>1)&3)
	if h.layer == 4 {
		return h, false
	}
	h.crc = b[1]&1 == 0
	bi := int(b[2] >> 4)
	ri := int((b[2] >> 2) & 3)
	if bi == 15 || ri == 3 || b[3]&3 == 2 {
		return h, false
	}
	lsf := 0
	if h.version != mpeg1 {
		lsf = 1
	}
	h.bitrate = mpegBitrates[lsf][h.layer-1][bi] * 1000
	h.rate = mpegRates[ri]
	switch h.version {
	case mpeg2:
		h.rate /= 2
	case mpeg25:
		h.rate /= 4
	}
	h.padding = b[2]&2 != 0
	h.channels = 2
	if b[3]>>6 == 3 {
		h.channels = 1
	}
	pad := 0
	if h.padding {
		pad = 1
	}
	switch {
	case h.layer == 1:
		h.samples = 384
		h.length = (12*h.bitrate/h.rate + pad) * 4
	case h.layer == 2 || lsf == 0:
		h.samples = 1152
		h.length = 144*h.bitrate/h.rate + pad
	default: // layer 3, MPEG-2/2.5
		h.samples = 576
		h.length = 72*h.bitrate/h.rate + pad
	}
	if h.bitrate == 0 {
		h.length = 0
	}
	return h, true
}

// sideInfoSize is the size of a layer 3 frame's side information
// (ISO/IEC 11172-3 § 2.4.1.7, 13818-3 § 2.4.1.7).
func (h mpegHeader) sideInfoSize() int {
	switch {
	case h.version == mpeg1 && h.channels == 1:
		return 17
	case h.version == mpeg1:
		return 32
	case h.channels == 1:
		return 9
	}
	return 17
}

// sideInfoOffset is where the side information starts (after the header
// and the optional CRC).
func (h mpegHeader) sideInfoOffset() int {
	if h.crc {
		return 6
	}
	return 4
}

// mainDataBegin returns a layer 3 frame's main_data_begin: how many bytes
// of its main data lie in earlier frames (the bit reservoir). frame must
// hold the side information.
func (h mpegHeader) mainDataBegin(frame []byte) int {
	o := h.sideInfoOffset()
	if h.version == mpeg1 {
		return int(frame[o])<<1 | int(frame[o+1]>>7)
	}
	return int(frame[o])
}

// maxMainDataBegin is the largest main_data_begin a layer 3 frame can
// code: 9 bits in MPEG-1, 8 in MPEG-2 (ISO/IEC 11172-3 § 2.4.1.7,
// 13818-3 § 2.4.1.7).
func (h mpegHeader) maxMainDataBegin() int {
	if h.version == mpeg1 {
		return 511
	}
	return 255
}

// mainDataSize is the number of main-data bytes a layer 3 frame carries.
func (h mpegHeader) mainDataSize() int {
	return h.length - h.sideInfoOffset() - h.sideInfoSize()
}

// dataBytes is the number of main-data bytes a layer 3 frame's granules
// use: the sum of its part2_3_length fields, rounded up to bytes
// (ISO/IEC 11172-3 § 2.4.1.7; 13818-3 § 2.4.1.7 for one granule with a
// 9-bit scalefac_compress). frame must hold the side information.
func (h mpegHeader) dataBytes(frame []byte) int {
	si := frame[h.sideInfoOffset():]
	var base, block, blocks int
	if h.version == mpeg1 {
		base, block, blocks = 9+5, 59, 2*h.channels
		if h.channels == 2 {
			base = 9 + 3 + 8
		} else {
			base += 4
		}
	} else {
		base, block, blocks = 8+1, 63, h.channels
		if h.channels == 2 {
			base = 8 + 2
		}
	}
	bits := 0
	for i := range blocks {
		bits += readBits(si, base+i*block, 12)
	}
	return (bits + 7) / 8
}

// setMainDataBegin writes main_data_begin into a frame's side
// information.
func (h mpegHeader) setMainDataBegin(frame []byte, v int) {
	o := h.sideInfoOffset()
	if h.version == mpeg1 {
		frame[o] = byte(v >> 1)
		frame[o+1] = frame[o+1]&0x7F | byte(v&1)<<7
		return
	}
	frame[o] = byte(v)
}

// readBits reads n bits MSB-first at bit offset off of b.
func readBits(b []byte, off, n int) int {
	v := 0
	for i := range n {
		p := off + i
		v = v<<1 | int(b[p>>3]>>(7-p&7))&1
	}
	return v
}

// goMP3MainSize is the number of main-data bytes go-mp3 v0.3.4 reads for
// a layer 3 frame with this header's version, rate, channels and CRC but
// bitrate index bi and padding pad. go-mp3 computes the frame length of
// MPEG-2 frames as (144·bitrate/rate + padding) >> 1, one byte short of
// 72·bitrate/rate + padding for some padded frames, so this can differ
// from mainDataSize.
func (h mpegHeader) goMP3MainSize(bi, pad int) int {
	lsf := 0
	if h.version != mpeg1 {
		lsf = 1
	}
	br := mpegBitrates[lsf][2][bi] * 1000
	return ((144*br/h.rate + pad) >> lsf) - h.sideInfoOffset() - h.sideInfoSize()
}
