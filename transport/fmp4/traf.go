package fmp4

import "fmt"

// Traf is the Track Fragment box (ISO/IEC 14496-12 8.8.6; MS-SSTR
// 2.2.4.3): a track's header, runs and, for Smooth Streaming, its tfxd and
// tfrf. Boxes this package does not know (PIFF's sample encryption, say)
// are skipped.
type Traf struct {
	Tfhd  Tfhd
	Tfdt  *Tfdt
	Truns []Trun
	Sdtp  *Sdtp
	Tfxd  *Tfxd
	Tfrf  *Tfrf
}

// trafBoxes is a traf's children, found without allocating more than
// the list of truns.
type trafBoxes struct {
	tfhd, tfdt, sdtp, tfxd, tfrf []byte // whole boxes, nil when absent
	truns                        [][]byte
}

// scanTraf finds the children of a traf's payload p. MS-SSTR 2.2.4.3: a
// traf has a tfhd; a second tfhd, tfdt, sdtp, tfxd or tfrf is ErrCorrupt.
func scanTraf(p []byte) (trafBoxes, error) {
	var t trafBoxes
	one := func(slot *[]byte, c childBox, name string) error {
		if *slot != nil {
			return fmt.Errorf("%w: traf has a second %s", ErrCorrupt, name)
		}
		*slot = c.box
		return nil
	}
	err := forEachBox(p, func(c childBox) error {
		switch c.Type {
		case TypeTfhd:
			return one(&t.tfhd, c, "tfhd")
		case TypeTfdt:
			return one(&t.tfdt, c, "tfdt")
		case TypeSdtp:
			return one(&t.sdtp, c, "sdtp")
		case TypeTrun:
			t.truns = append(t.truns, c.box)
		case TypeUUID:
			switch c.UserType {
			case UUIDTfxd:
				return one(&t.tfxd, c, "tfxd")
			case UUIDTfrf:
				return one(&t.tfrf, c, "tfrf")
			}
		}
		return nil
	})
	if err != nil {
		return t, fmt.Errorf("traf: %w", err)
	}
	if t.tfhd == nil {
		return t, fmt.Errorf("%w: traf without tfhd (MS-SSTR 2.2.4.3)", ErrMissingBox)
	}
	return t, nil
}

// Unmarshal parses a traf box at the start of b and returns its size.
func (t *Traf) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeTraf, nil)
	if err != nil {
		return 0, err
	}
	bx, err := scanTraf(p)
	if err != nil {
		return 0, err
	}
	*t = Traf{}
	if _, err := t.Tfhd.Unmarshal(bx.tfhd); err != nil {
		return 0, fmt.Errorf("traf: %w", err)
	}
	if bx.tfdt != nil {
		t.Tfdt = new(Tfdt)
		if _, err := t.Tfdt.Unmarshal(bx.tfdt); err != nil {
			return 0, fmt.Errorf("traf: %w", err)
		}
	}
	if bx.sdtp != nil {
		t.Sdtp = new(Sdtp)
		if _, err := t.Sdtp.Unmarshal(bx.sdtp); err != nil {
			return 0, fmt.Errorf("traf: %w", err)
		}
	}
	if bx.tfxd != nil {
		t.Tfxd = new(Tfxd)
		if _, err := t.Tfxd.Unmarshal(bx.tfxd); err != nil {
			return 0, fmt.Errorf("traf: %w", err)
		}
	}
	if bx.tfrf != nil {
		t.Tfrf = new(Tfrf)
		if _, err := t.Tfrf.Unmarshal(bx.tfrf); err != nil {
			return 0, fmt.Errorf("traf: %w", err)
		}
	}
	t.Truns = make([]Trun, len(bx.truns))
	for i, tb := range bx.truns {
		if _, err := t.Truns[i].Unmarshal(tb); err != nil {
			return 0, fmt.Errorf("traf: trun %d: %w", i, err)
		}
	}
	return int(h.Size), nil
}

// children lists the boxes to marshal, in the order FFmpeg and IIS write
// them: tfhd, tfdt, truns, sdtp, tfxd, tfrf.
func (t *Traf) children() []marshaler {
	c := []marshaler{&t.Tfhd}
	if t.Tfdt != nil {
		c = append(c, t.Tfdt)
	}
	for i := range t.Truns {
		c = append(c, &t.Truns[i])
	}
	if t.Sdtp != nil {
		c = append(c, t.Sdtp)
	}
	if t.Tfxd != nil {
		c = append(c, t.Tfxd)
	}
	if t.Tfrf != nil {
		c = append(c, t.Tfrf)
	}
	return c
}

// MarshalSize is the size of the marshalled box.
func (t *Traf) MarshalSize() int { return containerSize(t.children()) }

// MarshalTo writes the box into b and returns its size.
func (t *Traf) MarshalTo(b []byte) (int, error) { return marshalContainer(b, TypeTraf, t.children()) }

// Marshal returns the marshalled box.
func (t *Traf) Marshal() ([]byte, error) { return marshal(t) }

// containerSize is the size of a box holding these children.
func containerSize(children []marshaler) int {
	n := 0
	for _, c := range children {
		n += c.MarshalSize()
	}
	return n + headerLen(n, false)
}

// marshalContainer writes a box of type t holding these children.
func marshalContainer(b []byte, t BoxType, children []marshaler) (int, error) {
	n := containerSize(children)
	if len(b) < n {
		return 0, errShortBuffer
	}
	o := putHeader(b, t, n, nil)
	for _, c := range children {
		m, err := c.MarshalTo(b[o:])
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t, err)
		}
		o += m
	}
	return n, nil
}
