package fmp4

import "fmt"

// Moof is the Movie Fragment box (ISO/IEC 14496-12 8.8.4; MS-SSTR
// 2.2.4.1): the fragment's header and one traf per track. Unknown boxes
// (vendor 'uuid' boxes, pssh) are skipped.
type Moof struct {
	Mfhd  Mfhd
	Trafs []Traf
}

// scanMoof finds the mfhd and the trafs of a moof's payload. MS-SSTR
// 2.2.4.1: both are required; a second mfhd is ErrCorrupt.
func scanMoof(p []byte, trafs func(c childBox) error) (mfhd []byte, err error) {
	ntraf := 0
	err = forEachBox(p, func(c childBox) error {
		switch c.Type {
		case TypeMfhd:
			if mfhd != nil {
				return fmt.Errorf("%w: moof has a second mfhd", ErrCorrupt)
			}
			mfhd = c.box
		case TypeTraf:
			ntraf++
			return trafs(c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("moof: %w", err)
	}
	if mfhd == nil || ntraf == 0 {
		return nil, fmt.Errorf("%w: moof needs an mfhd and a traf (MS-SSTR 2.2.4.1), has mfhd: %t, %d traf",
			ErrMissingBox, mfhd != nil, ntraf)
	}
	return mfhd, nil
}

// Unmarshal parses a moof box at the start of b and returns its size.
func (m *Moof) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeMoof, nil)
	if err != nil {
		return 0, err
	}
	*m = Moof{}
	mfhd, err := scanMoof(p, func(c childBox) error {
		var t Traf
		if _, err := t.Unmarshal(c.box); err != nil {
			return err
		}
		m.Trafs = append(m.Trafs, t)
		return nil
	})
	if err != nil {
		return 0, err
	}
	if _, err := m.Mfhd.Unmarshal(mfhd); err != nil {
		return 0, fmt.Errorf("moof: %w", err)
	}
	return int(h.Size), nil
}

func (m *Moof) children() []marshaler {
	c := make([]marshaler, 0, 1+len(m.Trafs))
	c = append(c, &m.Mfhd)
	for i := range m.Trafs {
		c = append(c, &m.Trafs[i])
	}
	return c
}

// MarshalSize is the size of the marshalled box.
func (m *Moof) MarshalSize() int { return containerSize(m.children()) }

// MarshalTo writes the box into b and returns its size.
func (m *Moof) MarshalTo(b []byte) (int, error) { return marshalContainer(b, TypeMoof, m.children()) }

// Marshal returns the marshalled box.
func (m *Moof) Marshal() ([]byte, error) { return marshal(m) }
