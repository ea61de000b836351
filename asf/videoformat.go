package asf

import "fmt"

// bitmapInfoHeaderSize is the size of a BITMAPINFOHEADER.
const bitmapInfoHeaderSize = 40

// VideoFormat is a video stream's type-specific data (ASF spec §9.4): the
// encoded image size and a BITMAPINFOHEADER.
type VideoFormat struct {
	// Width and Height are the Encoded Image Width/Height, or the
	// BITMAPINFOHEADER size when those are 0.
	Width, Height uint32
	// FourCC is biCompression as four characters ("WMV2", "WVC1").
	FourCC string
	// Compression is biCompression as a number.
	Compression uint32
	BitCount    uint16
	Planes      uint16
	SizeImage   uint32
	// Extra is the codec extradata after the 40-byte BITMAPINFOHEADER,
	// clamped to biSize and the Format Data Size.
	Extra []byte
	// AspectX and AspectY are the pixel aspect ratio from the Metadata
	// object's AspectRatioX/AspectRatioY records (0 when unknown).
	AspectX, AspectY uint32
}

func parseVideoFormat(b []byte) (*VideoFormat, error) {
	r := newReader(b)
	v := &VideoFormat{Width: r.u32(), Height: r.u32()}
	r.u8() // reserved flags
	n := int(r.u16())
	if r.err != nil {
		return nil, fmt.Errorf("video format: %w", r.err)
	}
	n = min(n, r.remaining())
	if n < bitmapInfoHeaderSize {
		return nil, fmt.Errorf("%w: BITMAPINFOHEADER has %d bytes", ErrTruncated, n)
	}
	bih := r.bytes(n)
	br := newReader(bih)
	biSize := br.u32()
	biWidth := br.u32()
	biHeight := br.u32()
	v.Planes = br.u16()
	v.BitCount = br.u16()
	v.Compression = br.u32()
	v.SizeImage = br.u32()
	br.skip(16) // pels per meter, colours used/important
	v.FourCC = fourCC(v.Compression)
	if v.Width == 0 {
		v.Width = biWidth
	}
	if v.Height == 0 {
		h := int32(biHeight)
		if h < 0 {
			h = -h
		}
		v.Height = uint32(h)
	}
	end := n
	if biSize >= bitmapInfoHeaderSize && uint64(biSize) < uint64(n) {
		end = int(biSize)
	}
	if end > bitmapInfoHeaderSize {
		v.Extra = append([]byte(nil), bih[bitmapInfoHeaderSize:end]...)
	}
	return v, nil
}

func fourCC(v uint32) string {
	b := []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)}
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			return fmt.Sprintf("0x%08X", v)
		}
	}
	return string(b)
}

// BinaryFormat is the type-specific data of a Binary Media stream (ASF spec
// §9.5): a DirectShow-like media type.
type BinaryFormat struct {
	MajorType, SubType  GUID
	FixedSizeSamples    bool
	TemporalCompression bool
	SampleSize          uint32
	FormatType          GUID
	// Format is the format data (a WAVEFORMATEX when MajorType is audio).
	Format []byte
}

func parseBinaryFormat(b []byte) (*BinaryFormat, error) {
	r := newReader(b)
	f := &BinaryFormat{MajorType: r.guid(), SubType: r.guid()}
	f.FixedSizeSamples = r.u32() != 0
	f.TemporalCompression = r.u32() != 0
	f.SampleSize = r.u32()
	f.FormatType = r.guid()
	n := r.u32()
	if r.err != nil {
		return nil, fmt.Errorf("binary media type: %w", r.err)
	}
	f.Format = r.bytesCopy(int(min(uint64(n), uint64(r.remaining()))))
	return f, nil
}
