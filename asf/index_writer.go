package asf

import (
	"encoding/binary"
	"io"
	"math"
	"time"
)

// Simple Index building limits.
const (
	// DefaultIndexInterval is the Index Entry Time Interval a Writer uses
	// unless told otherwise: one second, as Windows Media's indexer.
	DefaultIndexInterval = time.Second
	// MaxSimpleIndexEntries bounds the entries an IndexBuilder keeps (about
	// twelve days at one per second): a stream whose presentation times
	// jump far ahead stops the index there instead of growing it without
	// bound (IndexBuilder.Truncated).
	MaxSimpleIndexEntries = 1 << 20
	// simpleIndexFixedSize is the Simple Index Object up to its entries
	// (ASF spec §6.1): object header, File ID, Index Entry Time Interval,
	// Maximum Packet Count, Index Entries Count.
	simpleIndexFixedSize = 56
)

// IndexBuilder builds a Simple Index Object (ASF spec §6.1) incrementally
// from the data packets of a file as they are written, one entry per
// Interval, so that a recording holds no more than the entries themselves.
//
// Entry i names the packet in which the last clean point of the indexed
// stream presented at or before i·Interval (presentation time, preroll
// included, as the object's times are) begins, and in Count how many
// packets that clean point spans. Clean points are the payloads with the
// key-frame bit (ASF spec §5.2.3.1, Stream Number bit 7); for an audio
// stream every media object is one. The entries before the first clean
// point name it (nothing earlier can be decoded); they are counted, not
// held, so a stream whose times start late (a broadcast joined hours in)
// costs no memory for them. At most MaxSimpleIndexEntries entries are
// made; a stream whose first clean point lies beyond them gets no index.
type IndexBuilder struct {
	stream   uint8
	every    bool   // every object is a clean point (audio)
	interval uint64 // ms
	// lead entries name first; entries follow them.
	lead    uint64
	first   SimpleIndexEntry
	entries []SimpleIndexEntry
	// key is the last clean point seen: where it begins and how many
	// packets it spans so far, its object number and presentation time
	// (ms).
	key       SimpleIndexEntry
	keyNum    uint32
	keyPTS    uint32
	haveKey   bool
	truncated bool
}

// NewIndexBuilder indexes stream (a stream number of the header) every
// interval (rounded down to whole milliseconds, at least 1 ms; 0 means
// DefaultIndexInterval). allObjects makes every media object a clean point
// (audio streams, whose muxers need not set the key-frame bit).
func NewIndexBuilder(stream uint8, interval time.Duration, allObjects bool) *IndexBuilder {
	if interval <= 0 {
		interval = DefaultIndexInterval
	}
	ms := max(uint64(interval/time.Millisecond), 1)
	return &IndexBuilder{stream: stream, every: allObjects, interval: ms}
}

// Interval is the Index Entry Time Interval.
func (b *IndexBuilder) Interval() time.Duration {
	return time.Duration(b.interval) * time.Millisecond
}

// Add records packet number n, whose parsed form is p. Packets must be
// added in file order; numbers only grow.
func (b *IndexBuilder) Add(n uint32, p *Packet) {
	for i := range p.Payloads {
		pl := &p.Payloads[i]
		if pl.Stream != b.stream {
			continue
		}
		// A payload without replicated data has no presentation time
		// to index by.
		starts := pl.Compressed || pl.Offset == 0
		timed := pl.Compressed || len(pl.Replicated) >= 8
		switch {
		case starts && timed && (pl.Key || b.every):
			b.clean(n, pl.ObjectNumber, pl.PresentationTime)
		case !starts && b.haveKey && pl.ObjectNumber == b.keyNum && n > b.key.Packet:
			// The clean point goes on in this packet.
			b.spans(n)
		}
	}
}

// clean records a clean point presented at pts (ms) beginning in packet n:
// the entries before pts are due now, and name the previous clean point.
func (b *IndexBuilder) clean(n, num, pts uint32) {
	if b.haveKey && n == b.key.Packet && num == b.keyNum {
		return // another payload of the same object in the same packet
	}
	e := SimpleIndexEntry{Packet: n, Count: 1}
	if !b.haveKey {
		// The interval times before pts: ⌈pts/interval⌉.
		b.lead = (uint64(pts) + b.interval - 1) / b.interval
		b.first = e
		if b.lead > MaxSimpleIndexEntries {
			b.truncated = true
		}
	} else {
		b.fill(uint64(pts), false, b.key)
	}
	b.key, b.keyNum, b.keyPTS, b.haveKey = e, num, pts, true
}

// spans extends the current clean point to packet n (and the leading
// entries, when it is the first).
func (b *IndexBuilder) spans(n uint32) {
	c := uint64(n-b.key.Packet) + 1
	b.key.Count = uint16(min(c, math.MaxUint16))
	if b.key.Packet == b.first.Packet {
		b.first.Count = b.key.Count
	}
	for i := len(b.entries) - 1; i >= 0 && b.entries[i].Packet == b.key.Packet; i-- {
		b.entries[i].Count = b.key.Count
	}
}

// Len is the number of entries so far.
func (b *IndexBuilder) Len() uint64 { return b.lead + uint64(len(b.entries)) }

// fill appends entry e for every interval time before end (through end
// when inclusive), up to MaxSimpleIndexEntries.
func (b *IndexBuilder) fill(end uint64, inclusive bool, e SimpleIndexEntry) {
	if b.truncated {
		return
	}
	for {
		t := b.Len() * b.interval
		if t > end || t == end && !inclusive {
			return
		}
		if b.Len() >= MaxSimpleIndexEntries {
			b.truncated = true
			return
		}
		b.entries = append(b.entries, e)
	}
}

// Truncated reports that the index stopped at MaxSimpleIndexEntries (or,
// with Len 0, that the first clean point lies beyond them).
func (b *IndexBuilder) Truncated() bool { return b.truncated }

// Finish completes the entries through end (a presentation time in ms,
// preroll included: the end of the last object) with the last clean
// point. It reports whether there is an index to write: the stream had a
// clean point within MaxSimpleIndexEntries intervals.
func (b *IndexBuilder) Finish(end uint32) bool {
	if !b.haveKey || b.lead > MaxSimpleIndexEntries {
		return false
	}
	b.fill(uint64(max(end, b.keyPTS)), true, b.key)
	return b.Len() > 0
}

// WriteObject writes the Simple Index Object (ASF spec §6.1) of the
// entries, with fileID (the File Properties' File ID), to w.
func (b *IndexBuilder) WriteObject(w io.Writer, fileID GUID) error {
	n := b.Len()
	var maxCount uint16
	if b.lead > 0 {
		maxCount = b.first.Count
	}
	for _, e := range b.entries {
		maxCount = max(maxCount, e.Count)
	}
	var hdr [simpleIndexFixedSize]byte
	copy(hdr[:], GUIDSimpleIndex[:])
	binary.LittleEndian.PutUint64(hdr[16:], simpleIndexFixedSize+6*n)
	copy(hdr[24:], fileID[:])
	binary.LittleEndian.PutUint64(hdr[40:], b.interval*10000) // 100-ns units
	binary.LittleEndian.PutUint32(hdr[48:], uint32(maxCount))
	binary.LittleEndian.PutUint32(hdr[52:], uint32(n))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	var buf [6 * 512]byte
	put := func(i int, e SimpleIndexEntry) {
		binary.LittleEndian.PutUint32(buf[6*i:], e.Packet)
		binary.LittleEndian.PutUint16(buf[6*i+4:], e.Count)
	}
	for left := b.lead; left > 0; {
		k := min(left, 512)
		for i := range int(k) {
			put(i, b.first)
		}
		if _, err := w.Write(buf[:6*k]); err != nil {
			return err
		}
		left -= k
	}
	for rest := b.entries; len(rest) > 0; {
		k := min(len(rest), 512)
		for i, e := range rest[:k] {
			put(i, e)
		}
		if _, err := w.Write(buf[:6*k]); err != nil {
			return err
		}
		rest = rest[k:]
	}
	return nil
}
