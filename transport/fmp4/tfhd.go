package fmp4

import "fmt"

// Track Fragment Header flags (ISO/IEC 14496-12 8.8.7.1; MS-SSTR 2.2.4.6).
const (
	TfhdBaseDataOffset         = 0x000001
	TfhdSampleDescriptionIndex = 0x000002
	TfhdDefaultSampleDuration  = 0x000008
	TfhdDefaultSampleSize      = 0x000010
	TfhdDefaultSampleFlags     = 0x000020
	TfhdDurationIsEmpty        = 0x010000
	TfhdDefaultBaseIsMoof      = 0x020000
)

// Tfhd is the Track Fragment Header box (ISO/IEC 14496-12 8.8.7; MS-SSTR
// 2.2.4.6): the track and the defaults of the samples of a traf. Each
// optional field is present on the wire iff its flag is set in Flags;
// the MS-SSTR ABNF leaves out track_ID, which real fragments carry as
// ISO does (erratum E5 of the digest), so it is read per ISO.
type Tfhd struct {
	Flags   uint32
	TrackID uint32
	// BaseDataOffset is ISO's absolute offset in the file (here: from
	// the start of the buffer given to ParseFragment, plus
	// Options.FileOffset) when TfhdBaseDataOffset is set.
	BaseDataOffset         uint64
	SampleDescriptionIndex uint32
	DefaultSampleDuration  uint32
	DefaultSampleSize      uint32
	DefaultSampleFlags     SampleFlags
}

// Has reports whether flag is set.
func (t *Tfhd) Has(flag uint32) bool { return t.Flags&flag != 0 }

// Unmarshal parses a tfhd box at the start of b and returns its size.
func (t *Tfhd) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeTfhd, nil)
	if err != nil {
		return 0, err
	}
	r := newReader("tfhd", p)
	v, flags := r.versionFlags()
	if r.err == nil && v != 0 {
		return 0, fmt.Errorf("%w: tfhd version %d", ErrCorrupt, v)
	}
	*t = Tfhd{Flags: flags, TrackID: r.u32()}
	if t.Has(TfhdBaseDataOffset) {
		t.BaseDataOffset = r.u64()
	}
	if t.Has(TfhdSampleDescriptionIndex) {
		t.SampleDescriptionIndex = r.u32()
	}
	if t.Has(TfhdDefaultSampleDuration) {
		t.DefaultSampleDuration = r.u32()
	}
	if t.Has(TfhdDefaultSampleSize) {
		t.DefaultSampleSize = r.u32()
	}
	if t.Has(TfhdDefaultSampleFlags) {
		t.DefaultSampleFlags = SampleFlags(r.u32())
	}
	return int(h.Size), r.err
}

// MarshalSize is the size of the marshalled box.
func (t *Tfhd) MarshalSize() int {
	n := 16
	if t.Has(TfhdBaseDataOffset) {
		n += 8
	}
	for _, f := range []uint32{TfhdSampleDescriptionIndex, TfhdDefaultSampleDuration, TfhdDefaultSampleSize, TfhdDefaultSampleFlags} {
		if t.Has(f) {
			n += 4
		}
	}
	return n
}

// MarshalTo writes the box into b and returns its size.
func (t *Tfhd) MarshalTo(b []byte) (int, error) {
	n := t.MarshalSize()
	if len(b) < n {
		return 0, errShortBuffer
	}
	o := putHeader(b, TypeTfhd, n, nil)
	putVersionFlags(b[o:], 0, t.Flags)
	be.PutUint32(b[o+4:], t.TrackID)
	o += 8
	if t.Has(TfhdBaseDataOffset) {
		be.PutUint64(b[o:], t.BaseDataOffset)
		o += 8
	}
	for _, f := range []struct {
		flag uint32
		v    uint32
	}{{TfhdSampleDescriptionIndex, t.SampleDescriptionIndex}, {TfhdDefaultSampleDuration, t.DefaultSampleDuration},
		{TfhdDefaultSampleSize, t.DefaultSampleSize}, {TfhdDefaultSampleFlags, uint32(t.DefaultSampleFlags)}} {
		if t.Has(f.flag) {
			be.PutUint32(b[o:], f.v)
			o += 4
		}
	}
	return n, nil
}

// Marshal returns the marshalled box.
func (t *Tfhd) Marshal() ([]byte, error) { return marshal(t) }
