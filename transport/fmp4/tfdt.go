package fmp4

import "fmt"

// Tfdt is the Track Fragment Base Media Decode Time box (ISO/IEC 14496-12
// 8.8.12): the decode time of the traf's first sample, in the track's
// timescale; 32 bits in version 0, 64 in version 1. MS-SSTR fragments
// have none (they carry tfxd); CMAF/DASH fragments do.
type Tfdt struct {
	Version             uint8
	BaseMediaDecodeTime uint64
}

// Unmarshal parses a tfdt box at the start of b and returns its size.
func (t *Tfdt) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeTfdt, nil)
	if err != nil {
		return 0, err
	}
	r := newReader("tfdt", p)
	t.Version, _ = r.versionFlags()
	switch {
	case r.err != nil:
	case t.Version == 0:
		t.BaseMediaDecodeTime = uint64(r.u32())
	case t.Version == 1:
		t.BaseMediaDecodeTime = r.u64()
	default:
		return 0, fmt.Errorf("%w: tfdt version %d", ErrCorrupt, t.Version)
	}
	return int(h.Size), r.err
}

// MarshalSize is the size of the marshalled box.
func (t *Tfdt) MarshalSize() int {
	if t.Version == 1 {
		return 20
	}
	return 16
}

// MarshalTo writes the box into b and returns its size. A version 0 time
// beyond 32 bits, or a version other than 0 and 1, is ErrCorrupt.
func (t *Tfdt) MarshalTo(b []byte) (int, error) {
	n := t.MarshalSize()
	if len(b) < n {
		return 0, errShortBuffer
	}
	if t.Version > 1 || (t.Version == 0 && t.BaseMediaDecodeTime > 0xFFFFFFFF) {
		return 0, fmt.Errorf("%w: tfdt version %d cannot carry %d", ErrCorrupt, t.Version, t.BaseMediaDecodeTime)
	}
	o := putHeader(b, TypeTfdt, n, nil)
	putVersionFlags(b[o:], t.Version, 0)
	if t.Version == 1 {
		be.PutUint64(b[o+4:], t.BaseMediaDecodeTime)
	} else {
		be.PutUint32(b[o+4:], uint32(t.BaseMediaDecodeTime))
	}
	return n, nil
}

// Marshal returns the marshalled box.
func (t *Tfdt) Marshal() ([]byte, error) { return marshal(t) }
