package fmp4

import "fmt"

// Sdtp is the Independent and Disposable Samples box (ISO/IEC 14496-12
// 8.6.4): one byte per sample, is_leading (2 bits), sample_depends_on
// (2), sample_is_depended_on (2), sample_has_redundancy (2). Its sample
// count is the trun's: the box's own size gives it.
type Sdtp struct {
	// Entries aliases the parsed input.
	Entries []byte
}

// DependsOn is sample i's sample_depends_on (DependsNo: an I picture).
func (s *Sdtp) DependsOn(i int) uint8 { return s.Entries[i] >> 4 & 3 }

// Unmarshal parses an sdtp box at the start of b and returns its size.
func (s *Sdtp) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeSdtp, nil)
	if err != nil {
		return 0, err
	}
	r := newReader("sdtp", p)
	if v, _ := r.versionFlags(); r.err == nil && v != 0 {
		return 0, fmt.Errorf("%w: sdtp version %d", ErrCorrupt, v)
	}
	s.Entries = r.bytes(r.left())
	return int(h.Size), r.err
}

// MarshalSize is the size of the marshalled box.
func (s *Sdtp) MarshalSize() int { return 12 + len(s.Entries) }

// MarshalTo writes the box into b and returns its size.
func (s *Sdtp) MarshalTo(b []byte) (int, error) {
	n := s.MarshalSize()
	if len(b) < n {
		return 0, errShortBuffer
	}
	o := putHeader(b, TypeSdtp, n, nil)
	putVersionFlags(b[o:], 0, 0)
	copy(b[o+4:], s.Entries)
	return n, nil
}

// Marshal returns the marshalled box.
func (s *Sdtp) Marshal() ([]byte, error) { return marshal(s) }
