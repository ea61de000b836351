package fmp4

import "fmt"

// Mfhd is the Movie Fragment Header box (ISO/IEC 14496-12 8.8.5; MS-SSTR
// 2.2.4.2): the fragment's sequence number, which grows along a track's
// timeline, not necessarily by one.
type Mfhd struct {
	SequenceNumber uint32
}

// Unmarshal parses an mfhd box at the start of b and returns its size.
func (m *Mfhd) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeMfhd, nil)
	if err != nil {
		return 0, err
	}
	r := newReader("mfhd", p)
	if v, _ := r.versionFlags(); v != 0 && r.err == nil {
		return 0, fmt.Errorf("%w: mfhd version %d", ErrCorrupt, v)
	}
	m.SequenceNumber = r.u32()
	return int(h.Size), r.err
}

// MarshalSize is the size of the marshalled box.
func (m *Mfhd) MarshalSize() int { return 16 }

// MarshalTo writes the box into b and returns its size.
func (m *Mfhd) MarshalTo(b []byte) (int, error) {
	n := m.MarshalSize()
	if len(b) < n {
		return 0, errShortBuffer
	}
	o := putHeader(b, TypeMfhd, n, nil)
	putVersionFlags(b[o:], 0, 0)
	be.PutUint32(b[o+4:], m.SequenceNumber)
	return n, nil
}

// Marshal returns the marshalled box.
func (m *Mfhd) Marshal() ([]byte, error) { return marshal(m) }
