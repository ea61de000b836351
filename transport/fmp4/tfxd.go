package fmp4

import "fmt"

// Tfxd is the Smooth Streaming TfxdBox (MS-SSTR 2.2.4.4), a 'uuid' box of
// extended type UUIDTfxd in a traf: the absolute time and the duration of
// this fragment, in the track's timescale; 32-bit fields in version 0,
// 64-bit in version 1. MS-SSTR says on-demand clients SHOULD ignore it.
type Tfxd struct {
	Version              uint8
	FragmentAbsoluteTime uint64
	FragmentDuration     uint64
}

// Unmarshal parses a tfxd box at the start of b and returns its size.
func (t *Tfxd) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeUUID, &UUIDTfxd)
	if err != nil {
		return 0, err
	}
	r := newReader("tfxd", p)
	t.Version, _ = r.versionFlags()
	switch {
	case r.err != nil:
	case t.Version == 0:
		t.FragmentAbsoluteTime, t.FragmentDuration = uint64(r.u32()), uint64(r.u32())
	case t.Version == 1:
		t.FragmentAbsoluteTime, t.FragmentDuration = r.u64(), r.u64()
	default:
		return 0, fmt.Errorf("%w: tfxd version %d", ErrCorrupt, t.Version)
	}
	return int(h.Size), r.err
}

// MarshalSize is the size of the marshalled box: 44 bytes in version 1,
// 36 in version 0.
func (t *Tfxd) MarshalSize() int {
	if t.Version == 1 {
		return 44
	}
	return 36
}

// MarshalTo writes the box into b and returns its size. Version 0 values
// beyond 32 bits are ErrCorrupt.
func (t *Tfxd) MarshalTo(b []byte) (int, error) {
	n := t.MarshalSize()
	if len(b) < n {
		return 0, errShortBuffer
	}
	if t.Version > 1 || (t.Version == 0 && (t.FragmentAbsoluteTime > 0xFFFFFFFF || t.FragmentDuration > 0xFFFFFFFF)) {
		return 0, fmt.Errorf("%w: tfxd version %d cannot carry %d+%d", ErrCorrupt, t.Version, t.FragmentAbsoluteTime, t.FragmentDuration)
	}
	o := putHeader(b, TypeUUID, n, &UUIDTfxd)
	putVersionFlags(b[o:], t.Version, 0)
	o += 4
	if t.Version == 1 {
		be.PutUint64(b[o:], t.FragmentAbsoluteTime)
		be.PutUint64(b[o+8:], t.FragmentDuration)
	} else {
		be.PutUint32(b[o:], uint32(t.FragmentAbsoluteTime))
		be.PutUint32(b[o+4:], uint32(t.FragmentDuration))
	}
	return n, nil
}

// Marshal returns the marshalled box.
func (t *Tfxd) Marshal() ([]byte, error) { return marshal(t) }
