package fmp4

import "fmt"

// Esds is the Elementary Stream Descriptor box (ISO/IEC 14496-14 5.6):
// an ES_Descriptor (ISO/IEC 14496-1 7.2.6.5) whose DecoderConfigDescriptor
// (7.2.6.6) gives the object type and the DecoderSpecificInfo (for AAC,
// the AudioSpecificConfig).
type Esds struct {
	ESID                uint16
	ObjectType          uint8
	StreamType          uint8
	MaxBitrate          uint32
	AvgBitrate          uint32
	DecoderSpecificInfo []byte // aliases the input
}

// Descriptor tags (ISO/IEC 14496-1 7.2.2.1).
const (
	tagESDescriptor        = 0x03
	tagDecoderConfig       = 0x04
	tagDecoderSpecificInfo = 0x05
	maxDescriptorSizeBytes = 4
)

// Unmarshal parses an esds box at the start of b and returns its size.
func (d *Esds) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeEsds, nil)
	if err != nil {
		return 0, err
	}
	return int(h.Size), d.unmarshalPayload(p)
}

// readDescriptor reads a descriptor's tag and expandable size (ISO/IEC
// 14496-1 8.3.3: up to four bytes of seven bits) and returns its body.
func readDescriptor(r *reader) (uint8, []byte) {
	tag := r.u8()
	size := 0
	for i := 0; i < maxDescriptorSizeBytes; i++ {
		c := r.u8()
		size = size<<7 | int(c&0x7f)
		if c&0x80 == 0 {
			break
		}
	}
	return tag, r.bytes(size)
}

func (d *Esds) unmarshalPayload(p []byte) error {
	r := newReader("esds", p)
	r.versionFlags()
	tag, es := readDescriptor(r)
	if r.err != nil {
		return r.err
	}
	if tag != tagESDescriptor {
		return fmt.Errorf("%w: esds starts with descriptor tag %d, want ES_Descriptor (3)", ErrCorrupt, tag)
	}
	*d = Esds{}
	r = newReader("ES_Descriptor", es)
	d.ESID = r.u16()
	flags := r.u8()
	if flags&0x80 != 0 { // streamDependenceFlag
		r.skip(2)
	}
	if flags&0x40 != 0 { // URL_Flag
		r.skip(int(r.u8()))
	}
	if flags&0x20 != 0 { // OCRstreamFlag
		r.skip(2)
	}
	for r.err == nil && r.left() > 0 {
		tag, body := readDescriptor(r)
		if r.err != nil || tag != tagDecoderConfig {
			continue
		}
		c := newReader("DecoderConfigDescriptor", body)
		d.ObjectType = c.u8()
		d.StreamType = c.u8() >> 2
		c.skip(3) // bufferSizeDB
		d.MaxBitrate, d.AvgBitrate = c.u32(), c.u32()
		for c.err == nil && c.left() > 0 {
			tag, info := readDescriptor(c)
			if c.err == nil && tag == tagDecoderSpecificInfo {
				d.DecoderSpecificInfo = info
				break
			}
		}
		if c.err != nil {
			return c.err
		}
		return nil
	}
	if r.err != nil {
		return r.err
	}
	return fmt.Errorf("%w: esds without DecoderConfigDescriptor", ErrMissingBox)
}
