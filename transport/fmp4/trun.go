package fmp4

import (
	"fmt"
	"math"
	"math/bits"
)

// Track Fragment Run flags (ISO/IEC 14496-12 8.8.8.1; MS-SSTR 2.2.4.7,
// whose ABNF bit list is one bit off: the digest's erratum E6).
const (
	TrunDataOffset                  = 0x000001
	TrunFirstSampleFlags            = 0x000004
	TrunSampleDuration              = 0x000100
	TrunSampleSize                  = 0x000200
	TrunSampleFlags                 = 0x000400
	TrunSampleCompositionTimeOffset = 0x000800
)

// DefaultMaxSamples is the default cap on the samples of one fragment
// (Options.MaxSamples), and the cap on a trun whose samples have no
// per-sample fields (so its sample_count is not bounded by its size).
const DefaultMaxSamples = 1 << 16

// TrunEntry is one sample's fields in a trun. A field whose flag is not
// set in the Trun is zero here and takes the tfhd or trex default.
type TrunEntry struct {
	Duration uint32
	Size     uint32
	Flags    SampleFlags
	// CompositionOffset is sample_composition_time_offset: unsigned in
	// version 0, signed in version 1.
	CompositionOffset int64
}

// Trun is the Track Fragment Run box (ISO/IEC 14496-12 8.8.8; MS-SSTR
// 2.2.4.7). Each per-sample field is present iff its flag is set.
type Trun struct {
	// Version 1 makes composition offsets signed.
	Version uint8
	Flags   uint32
	// DataOffset is added to the data's base offset (ISO 8.8.8.3; the
	// start of the moof for Smooth, MS-SSTR 2.2.4.7).
	DataOffset       int32
	FirstSampleFlags SampleFlags
	// Entries has sample_count entries.
	Entries []TrunEntry
}

// Has reports whether flag is set.
func (t *Trun) Has(flag uint32) bool { return t.Flags&flag != 0 }

// entrySize is the per-sample byte count of a trun with these flags.
func trunEntrySize(flags uint32) int {
	return 4 * bits.OnesCount32(flags&(TrunSampleDuration|TrunSampleSize|TrunSampleFlags|TrunSampleCompositionTimeOffset))
}

// trunView is a parsed trun header and its per-sample bytes, read
// without allocating.
type trunView struct {
	version    uint8
	flags      uint32
	count      int
	dataOffset int32
	firstFlags SampleFlags
	entries    []byte // count × entrySize bytes
	entrySize  int
}

// parseTrun reads a trun's payload. maxCount caps sample_count when the
// samples have no per-sample fields.
func parseTrun(p []byte, maxCount int) (trunView, error) {
	var t trunView
	r := newReader("trun", p)
	t.version, t.flags = r.versionFlags()
	count := r.u32()
	if r.err != nil {
		return t, r.err
	}
	if t.version > 1 {
		return t, fmt.Errorf("%w: trun version %d", ErrCorrupt, t.version)
	}
	if t.flags&TrunDataOffset != 0 {
		t.dataOffset = int32(r.u32())
	}
	if t.flags&TrunFirstSampleFlags != 0 {
		t.firstFlags = SampleFlags(r.u32())
	}
	if r.err != nil {
		return t, r.err
	}
	t.entrySize = trunEntrySize(t.flags)
	if t.entrySize == 0 {
		if uint64(count) > uint64(maxCount) {
			return t, fmt.Errorf("%w: trun of %d samples without per-sample fields (limit %d)", ErrTooLarge, count, maxCount)
		}
	} else if uint64(count)*uint64(t.entrySize) > uint64(r.left()) {
		return t, fmt.Errorf("%w: trun of %d samples needs %d bytes of sample fields, the box holds %d",
			ErrCorrupt, count, uint64(count)*uint64(t.entrySize), r.left())
	}
	t.count = int(count)
	t.entries = r.bytes(t.count * t.entrySize)
	return t, r.err
}

// entry decodes sample i's fields.
func (t *trunView) entry(i int) TrunEntry {
	var e TrunEntry
	b := t.entries[i*t.entrySize:]
	if t.flags&TrunSampleDuration != 0 {
		e.Duration = be.Uint32(b)
		b = b[4:]
	}
	if t.flags&TrunSampleSize != 0 {
		e.Size = be.Uint32(b)
		b = b[4:]
	}
	if t.flags&TrunSampleFlags != 0 {
		e.Flags = SampleFlags(be.Uint32(b))
		b = b[4:]
	}
	if t.flags&TrunSampleCompositionTimeOffset != 0 {
		if t.version == 0 {
			e.CompositionOffset = int64(be.Uint32(b))
		} else {
			e.CompositionOffset = int64(int32(be.Uint32(b)))
		}
	}
	return e
}

// Unmarshal parses a trun box at the start of b and returns its size. A
// trun without per-sample fields may declare at most DefaultMaxSamples
// samples (its size cannot bound the count); ParseFragment bounds them by
// the fragment's size as well.
func (t *Trun) Unmarshal(b []byte) (int, error) {
	h, p, err := openBox(b, TypeTrun, nil)
	if err != nil {
		return 0, err
	}
	v, err := parseTrun(p, DefaultMaxSamples)
	if err != nil {
		return 0, err
	}
	*t = Trun{Version: v.version, Flags: v.flags, DataOffset: v.dataOffset, FirstSampleFlags: v.firstFlags,
		Entries: make([]TrunEntry, v.count)}
	for i := range t.Entries {
		t.Entries[i] = v.entry(i)
	}
	return int(h.Size), nil
}

// MarshalSize is the size of the marshalled box.
func (t *Trun) MarshalSize() int {
	n := 16 + len(t.Entries)*trunEntrySize(t.Flags)
	if t.Has(TrunDataOffset) {
		n += 4
	}
	if t.Has(TrunFirstSampleFlags) {
		n += 4
	}
	return n
}

// MarshalTo writes the box into b and returns its size. A composition
// offset the version cannot carry (negative in version 0, beyond 32 bits)
// is ErrCorrupt.
func (t *Trun) MarshalTo(b []byte) (int, error) {
	n := t.MarshalSize()
	if len(b) < n {
		return 0, errShortBuffer
	}
	if t.Version > 1 {
		return 0, fmt.Errorf("%w: trun version %d", ErrCorrupt, t.Version)
	}
	o := putHeader(b, TypeTrun, n, nil)
	putVersionFlags(b[o:], t.Version, t.Flags)
	be.PutUint32(b[o+4:], uint32(len(t.Entries)))
	o += 8
	if t.Has(TrunDataOffset) {
		be.PutUint32(b[o:], uint32(t.DataOffset))
		o += 4
	}
	if t.Has(TrunFirstSampleFlags) {
		be.PutUint32(b[o:], uint32(t.FirstSampleFlags))
		o += 4
	}
	for i, e := range t.Entries {
		if t.Has(TrunSampleDuration) {
			be.PutUint32(b[o:], e.Duration)
			o += 4
		}
		if t.Has(TrunSampleSize) {
			be.PutUint32(b[o:], e.Size)
			o += 4
		}
		if t.Has(TrunSampleFlags) {
			be.PutUint32(b[o:], uint32(e.Flags))
			o += 4
		}
		if t.Has(TrunSampleCompositionTimeOffset) {
			c := e.CompositionOffset
			if (t.Version == 0 && (c < 0 || c > math.MaxUint32)) || (t.Version == 1 && (c < math.MinInt32 || c > math.MaxInt32)) {
				return 0, fmt.Errorf("%w: sample %d: composition offset %d does not fit a version %d trun", ErrCorrupt, i, c, t.Version)
			}
			be.PutUint32(b[o:], uint32(c))
			o += 4
		}
	}
	return n, nil
}

// Marshal returns the marshalled box.
func (t *Trun) Marshal() ([]byte, error) { return marshal(t) }
