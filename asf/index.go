package asf

import (
	"fmt"
	"time"
)

// MaxIndexSize bounds a Simple Index or Index object read from a file.
const MaxIndexSize = 32 << 20

// SimpleIndex is a Simple Index Object (ASF spec §6.1): entry i gives the
// packet to start from for presentation time i·Interval (preroll included).
type SimpleIndex struct {
	FileID         GUID
	Interval       time.Duration
	MaxPacketCount uint32
	Entries        []SimpleIndexEntry
}

// SimpleIndexEntry is one Simple Index entry.
type SimpleIndexEntry struct {
	Packet uint32
	Count  uint16
}

// ParseSimpleIndex parses a Simple Index Object starting at b[0] (object
// header included). The entry count is clamped to the bytes present.
func ParseSimpleIndex(b []byte) (*SimpleIndex, error) {
	r := newReader(b)
	if r.guid() != GUIDSimpleIndex {
		return nil, fmt.Errorf("%w: not a simple index object", ErrCorrupt)
	}
	size := r.u64()
	if r.err == nil && (size < 56 || size > uint64(len(b))) {
		return nil, fmt.Errorf("%w: simple index size %d, have %d bytes", ErrTruncated, size, len(b))
	}
	x := &SimpleIndex{FileID: r.guid()}
	x.Interval = hundredNS(r.u64())
	x.MaxPacketCount = r.u32()
	n := uint64(r.u32())
	if r.err != nil {
		return nil, r.err
	}
	if x.Interval <= 0 {
		return nil, fmt.Errorf("%w: simple index interval 0", ErrCorrupt)
	}
	n = min(n, (size-56)/6)
	x.Entries = make([]SimpleIndexEntry, n)
	for i := range x.Entries {
		x.Entries[i] = SimpleIndexEntry{Packet: r.u32(), Count: r.u16()}
	}
	return x, r.err
}

// Index types of an Index Specifier (ASF spec §6.2).
const (
	IndexNearestPastDataPacket  = 1
	IndexNearestPastMediaObject = 2
	IndexNearestPastCleanpoint  = 3
)

// IndexInvalidOffset marks an Index entry without a position.
const IndexInvalidOffset = 0xFFFFFFFF

// Index is an Index Object (ASF spec §6.2): for each specifier (a stream and
// an index type), the byte offset — relative to the first data packet — to
// start from for presentation time i·Interval (preroll included).
type Index struct {
	Interval   time.Duration
	Specifiers []IndexSpecifier
	Blocks     []IndexBlock
}

// IndexSpecifier names the stream and the index type of one column.
type IndexSpecifier struct {
	Stream uint16
	Type   uint16
}

// IndexBlock is one Index Block: Positions has one base offset per
// specifier, Offsets holds Count·len(Specifiers) entries, row-major.
type IndexBlock struct {
	Count     uint32
	Positions []uint64
	Offsets   []uint32
}

// ParseIndex parses an Index Object starting at b[0] (object header
// included). Counts are checked against the bytes present.
func ParseIndex(b []byte) (*Index, error) {
	r := newReader(b)
	if r.guid() != GUIDIndex {
		return nil, fmt.Errorf("%w: not an index object", ErrCorrupt)
	}
	size := r.u64()
	if r.err == nil && (size < 34 || size > uint64(len(b))) {
		return nil, fmt.Errorf("%w: index size %d, have %d bytes", ErrTruncated, size, len(b))
	}
	r.b = r.b[:size]
	x := &Index{Interval: milliseconds(uint64(r.u32()))}
	ns := int(r.u16())
	nb := r.u32()
	if r.err != nil {
		return nil, r.err
	}
	if x.Interval <= 0 || ns == 0 {
		return nil, fmt.Errorf("%w: index interval %v, %d specifiers", ErrCorrupt, x.Interval, ns)
	}
	if ns*4 > r.remaining() || uint64(nb)*uint64(4+8*ns) > uint64(r.remaining()-ns*4) {
		return nil, fmt.Errorf("%w: %d specifiers and %d blocks in %d bytes", ErrTruncated, ns, nb, r.remaining())
	}
	x.Specifiers = make([]IndexSpecifier, ns)
	for i := range x.Specifiers {
		x.Specifiers[i] = IndexSpecifier{Stream: r.u16(), Type: r.u16()}
	}
	for i := uint32(0); i < nb && r.err == nil; i++ {
		blk := IndexBlock{Count: r.u32()}
		blk.Positions = make([]uint64, ns)
		for j := range blk.Positions {
			blk.Positions[j] = r.u64()
		}
		if r.err != nil {
			return nil, r.err
		}
		if uint64(blk.Count)*uint64(ns)*4 > uint64(r.remaining()) {
			return nil, fmt.Errorf("%w: index block of %d entries, %d bytes left", ErrTruncated, blk.Count, r.remaining())
		}
		blk.Offsets = make([]uint32, int(blk.Count)*ns)
		for j := range blk.Offsets {
			blk.Offsets[j] = r.u32()
		}
		x.Blocks = append(x.Blocks, blk)
	}
	return x, r.err
}

// lookup returns the byte offset (relative to the first data packet) of
// entry i for specifier spec, walking back over invalid entries.
func (x *Index) lookup(spec int, i uint64) (uint64, bool) {
	type pos struct {
		blk int
		row uint32
	}
	// Locate entry i, clamped to the last one.
	var p pos
	found := false
	rem := i
	last := pos{blk: -1}
	for bi := range x.Blocks {
		c := uint64(x.Blocks[bi].Count)
		if c == 0 {
			continue
		}
		last = pos{bi, uint32(c - 1)}
		if rem < c {
			p = pos{bi, uint32(rem)}
			found = true
			break
		}
		rem -= c
	}
	if !found {
		if last.blk < 0 {
			return 0, false
		}
		p = last
	}
	ns := len(x.Specifiers)
	for bi := p.blk; bi >= 0; bi-- {
		blk := &x.Blocks[bi]
		row := int64(blk.Count) - 1
		if bi == p.blk {
			row = int64(p.row)
		}
		for ; row >= 0; row-- {
			o := blk.Offsets[int(row)*ns+spec]
			if o != IndexInvalidOffset {
				return blk.Positions[spec] + uint64(o), true
			}
		}
	}
	return 0, false
}
