package fmp4

import "fmt"

// TfrfEntry is one fragment announced by a tfrf.
type TfrfEntry struct {
	FragmentAbsoluteTime uint64
	FragmentDuration     uint64
}

// Tfrf is the Smooth Streaming TfrfBox (MS-SSTR 2.2.4.5), a 'uuid' box of
// extended type UUIDTfrf in a traf: the absolute times and durations of
// the fragments that follow this one in a live track (the lookahead), so
// a client extends its timeline without fetching the manifest again.
// FragmentCount is one byte on the wire, as the ABNF and real servers
// have it (the prose says 4 bytes: the digest's erratum E7); its entries
// are 32-bit in version 0 and 64-bit in version 1. Bytes after the
// FragmentCount entries are ignored.
type Tfrf struct {
	Version uint8
	// Entries has FragmentCount entries (at most 255).
	Entries []TfrfEntry
}

// Unmarshal parses a tfrf box at the start of b and returns its size.
func (t *Tfrf) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeUUID, &UUIDTfrf)
	if err != nil {
		return 0, err
	}
	r := newReader("tfrf", p)
	t.Version, _ = r.versionFlags()
	count := int(r.u8())
	if r.err != nil {
		return 0, r.err
	}
	if t.Version > 1 {
		return 0, fmt.Errorf("%w: tfrf version %d", ErrCorrupt, t.Version)
	}
	size := 8
	if t.Version == 1 {
		size = 16
	}
	if count*size > r.left() {
		return 0, fmt.Errorf("%w: tfrf of %d fragments needs %d bytes, has %d", ErrTruncated, count, count*size, r.left())
	}
	t.Entries = make([]TfrfEntry, count)
	for i := range t.Entries {
		if t.Version == 1 {
			t.Entries[i] = TfrfEntry{r.u64(), r.u64()}
		} else {
			t.Entries[i] = TfrfEntry{uint64(r.u32()), uint64(r.u32())}
		}
	}
	return int(h.Size), r.err
}

// MarshalSize is the size of the marshalled box.
func (t *Tfrf) MarshalSize() int {
	if t.Version == 1 {
		return 29 + 16*len(t.Entries)
	}
	return 29 + 8*len(t.Entries)
}

// MarshalTo writes the box into b and returns its size. More than 255
// entries, or version 0 values beyond 32 bits, are ErrCorrupt.
func (t *Tfrf) MarshalTo(b []byte) (int, error) {
	n := t.MarshalSize()
	if len(b) < n {
		return 0, errShortBuffer
	}
	if t.Version > 1 || len(t.Entries) > 255 {
		return 0, fmt.Errorf("%w: tfrf version %d with %d entries", ErrCorrupt, t.Version, len(t.Entries))
	}
	o := putHeader(b, TypeUUID, n, &UUIDTfrf)
	putVersionFlags(b[o:], t.Version, 0)
	b[o+4] = byte(len(t.Entries))
	o += 5
	for _, e := range t.Entries {
		if t.Version == 1 {
			be.PutUint64(b[o:], e.FragmentAbsoluteTime)
			be.PutUint64(b[o+8:], e.FragmentDuration)
			o += 16
			continue
		}
		if e.FragmentAbsoluteTime > 0xFFFFFFFF || e.FragmentDuration > 0xFFFFFFFF {
			return 0, fmt.Errorf("%w: tfrf version 0 cannot carry %d+%d", ErrCorrupt, e.FragmentAbsoluteTime, e.FragmentDuration)
		}
		be.PutUint32(b[o:], uint32(e.FragmentAbsoluteTime))
		be.PutUint32(b[o+4:], uint32(e.FragmentDuration))
		o += 8
	}
	return n, nil
}

// Marshal returns the marshalled box.
func (t *Tfrf) Marshal() ([]byte, error) { return marshal(t) }
