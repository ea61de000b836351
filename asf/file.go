package asf

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// SeekMargin is how far before the requested time SeekPacket starts when it
// bisects on packet send times, so that the audio object containing the
// target (and the objects whose send time precedes their presentation) is
// read completely.
const SeekMargin = time.Second

// maxTrailingObjects bounds the objects OpenFile examines after the Data
// Object when looking for indexes.
const maxTrailingObjects = 16

// readChunk is the largest single read OpenFile makes while the file size is
// unknown, so memory grows with the bytes actually returned.
const readChunk = 1 << 20

// ErrNotSeekable is returned by SeekPacket when neither an index nor a known
// packet count allows seeking.
var ErrNotSeekable = errors.New("asf: file is not seekable")

// File gives random access to the data packets of an ASF file (ASF spec §2,
// §5, §6) through an io.ReaderAt: a local file, or HTTP with Range requests.
// Its methods may be called concurrently if the ReaderAt allows it.
type File struct {
	r            io.ReaderAt
	size         int64
	h            *Header
	dataObject   int64 // offset of the Data Object
	dataOffset   int64 // offset of packet 0
	dataEnd      int64 // end of the packets, -1 when unknown
	packetSize   uint32
	packets      uint64
	packetsKnown bool
	simple       *SimpleIndex
	index        *Index
	indexSpec    int
	// Warnings lists non-fatal problems found while opening (an index that
	// was ignored, an inconsistent packet count...).
	Warnings []error
}

// OpenFile reads the header of an ASF file, locates the Data Object and
// reads the Simple Index and Index objects that follow it. size is the file
// size, or -1 when unknown (then packets run until a read hits EOF, and no
// index is read). Every read is bounded: by MaxHeaderSize, MaxIndexSize and
// the file size. A broken index is ignored (see Warnings), not fatal.
//
// A Data Object whose size is 0 or does not fit in the file (broadcast
// captures) holds packets until the end of the file.
func OpenFile(r io.ReaderAt, size int64) (*File, error) {
	f := &File{r: r, size: size, dataEnd: -1}
	var fixed [headerFixedSize]byte
	if err := f.readFull(fixed[:], 0); err != nil {
		return nil, fmt.Errorf("asf: reading header: %w", err)
	}
	if GUID(fixed[:16]) != GUIDHeader {
		return nil, ErrNotASF
	}
	hsize := readU64(fixed[16:24])
	switch {
	case hsize < headerFixedSize:
		return nil, fmt.Errorf("%w: header object size %d", ErrCorrupt, hsize)
	case hsize > MaxHeaderSize:
		return nil, fmt.Errorf("%w: header object size %d > %d", ErrTooLarge, hsize, MaxHeaderSize)
	case size >= 0 && hsize+DataObjectFixedSize > uint64(size):
		return nil, fmt.Errorf("%w: header object size %d in a %d-byte file", ErrTruncated, hsize, size)
	}
	buf, err := f.readGrow(0, int64(hsize))
	if err != nil {
		return nil, fmt.Errorf("asf: reading header: %w", err)
	}
	// Find the Data Object: normally right after the header; skip a few
	// unknown top-level objects otherwise.
	pos := int64(hsize)
	var dobj [DataObjectFixedSize]byte
	for i := 0; ; i++ {
		if err := f.readFull(dobj[:objectHeaderSize], pos); err != nil {
			return nil, fmt.Errorf("%w: at offset %d: %w", ErrNoData, pos, err)
		}
		if GUID(dobj[:16]) == GUIDData {
			break
		}
		osize := readU64(dobj[16:24])
		if i >= MaxSkippedObjects || osize < objectHeaderSize || osize > uint64(math.MaxInt64-pos) {
			return nil, fmt.Errorf("%w: object %s at offset %d", ErrNoData, GUID(dobj[:16]), pos)
		}
		pos += int64(osize)
	}
	if err := f.readFull(dobj[objectHeaderSize:], pos+objectHeaderSize); err != nil {
		return nil, fmt.Errorf("asf: data object: %w", err)
	}
	h, err := ParseHeader(append(buf, dobj[:]...))
	if err != nil {
		return nil, err
	}
	h.Data.Offset = pos
	f.h = h
	f.dataObject = pos
	f.dataOffset = pos + DataObjectFixedSize
	f.packetSize = h.PacketSize
	f.locatePackets()
	if f.dataEnd >= 0 && f.size >= 0 && f.dataEnd == f.dataObject+int64(h.Data.Size) {
		f.readIndexes(f.dataEnd)
	}
	return f, nil
}

// locatePackets works out where the packets end and how many there are.
func (f *File) locatePackets() {
	h := f.h
	ds := h.Data.Size
	switch {
	case ds >= DataObjectFixedSize && ds <= uint64(math.MaxInt64-f.dataObject) &&
		(f.size < 0 || f.dataObject+int64(ds) <= f.size):
		f.dataEnd = f.dataObject + int64(ds)
	case f.size >= 0:
		if ds != 0 && !h.Broadcast {
			f.Warnings = append(f.Warnings, fmt.Errorf("data object size %d does not fit the %d-byte file; reading packets to the end", ds, f.size))
		}
		f.dataEnd = f.size
	}
	var candidates []uint64
	if f.dataEnd >= 0 {
		candidates = append(candidates, uint64(f.dataEnd-f.dataOffset)/uint64(f.packetSize))
	}
	if !h.Broadcast {
		if h.Data.TotalPackets != 0 {
			candidates = append(candidates, h.Data.TotalPackets)
		}
		if h.Packets != 0 {
			candidates = append(candidates, h.Packets)
		}
	}
	if len(candidates) == 0 {
		return
	}
	n := candidates[0]
	for _, c := range candidates[1:] {
		if c != n {
			f.Warnings = append(f.Warnings, fmt.Errorf("packet counts disagree (%v); using the smallest", candidates))
		}
		n = min(n, c)
	}
	f.packets, f.packetsKnown = n, true
}

// readIndexes reads the Simple Index and Index objects after the Data
// Object.
func (f *File) readIndexes(pos int64) {
	for i := 0; i < maxTrailingObjects && pos+objectHeaderSize <= f.size; i++ {
		var oh [objectHeaderSize]byte
		if err := f.readFull(oh[:], pos); err != nil {
			return
		}
		id := GUID(oh[:16])
		osize := readU64(oh[16:])
		if osize < objectHeaderSize || osize > uint64(f.size-pos) {
			f.Warnings = append(f.Warnings, fmt.Errorf("object %s at offset %d: size %d does not fit the file", ObjectInfo{ID: id}.Name(), pos, osize))
			return
		}
		if id == GUIDSimpleIndex || id == GUIDIndex {
			if err := f.readIndex(id, pos, osize); err != nil {
				f.Warnings = append(f.Warnings, fmt.Errorf("%s object at offset %d ignored: %w", ObjectInfo{ID: id}.Name(), pos, err))
			}
		}
		pos += int64(osize)
	}
}

func (f *File) readIndex(id GUID, pos int64, size uint64) error {
	if size > MaxIndexSize {
		return fmt.Errorf("%w: %d bytes", ErrTooLarge, size)
	}
	b := make([]byte, size)
	if err := f.readFull(b, pos); err != nil {
		return err
	}
	if id == GUIDSimpleIndex {
		x, err := ParseSimpleIndex(b)
		if err != nil {
			return err
		}
		if f.simple != nil {
			return nil // one per video stream is usual; the first serves
		}
		if len(x.Entries) == 0 {
			return fmt.Errorf("%w: no entries", ErrCorrupt)
		}
		prev := uint32(0)
		for i, e := range x.Entries {
			if f.packetsKnown && uint64(e.Packet) >= f.packets || e.Packet < prev {
				return fmt.Errorf("%w: entry %d points at packet %d (packets: %d, previous entry %d)", ErrCorrupt, i, e.Packet, f.packets, prev)
			}
			prev = e.Packet
		}
		f.simple = x
		return nil
	}
	x, err := ParseIndex(b)
	if err != nil {
		return err
	}
	if f.index != nil {
		return nil
	}
	spec := -1
	for i, s := range x.Specifiers {
		st := f.h.Stream(uint8(min(s.Stream, 0xFF)))
		if st == nil || s.Stream > 127 {
			continue
		}
		if spec < 0 || (st.Type == StreamVideo && s.Type == IndexNearestPastCleanpoint) {
			spec = i
		}
	}
	if spec < 0 {
		return fmt.Errorf("%w: no specifier names a stream of the header", ErrCorrupt)
	}
	for bi := range x.Blocks {
		blk := &x.Blocks[bi]
		for row := 0; row < int(blk.Count); row++ {
			o := blk.Offsets[row*len(x.Specifiers)+spec]
			if o == IndexInvalidOffset {
				continue
			}
			p := (blk.Positions[spec] + uint64(o)) / uint64(f.packetSize)
			if blk.Positions[spec] > math.MaxUint64-uint64(o) || (f.packetsKnown && p >= f.packets) {
				return fmt.Errorf("%w: entry points past the last packet", ErrCorrupt)
			}
		}
	}
	f.index, f.indexSpec = x, spec
	return nil
}

// readFull reads len(b) bytes at off.
func (f *File) readFull(b []byte, off int64) error {
	n, err := f.r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %d of %d bytes at offset %d: %w", ErrTruncated, n, len(b), off, err)
}

// readGrow reads n bytes at off in chunks when the file size is unknown, so
// that a bogus declared size costs memory only for bytes that exist.
func (f *File) readGrow(off, n int64) ([]byte, error) {
	if f.size >= 0 {
		b := make([]byte, n)
		return b, f.readFull(b, off)
	}
	var b []byte
	for int64(len(b)) < n {
		k := min(n-int64(len(b)), readChunk)
		b = append(b, make([]byte, k)...)
		if err := f.readFull(b[len(b)-int(k):], off+int64(len(b))-k); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Header returns the parsed header.
func (f *File) Header() *Header { return f.h }

// DataOffset returns the file offset of packet 0.
func (f *File) DataOffset() int64 { return f.dataOffset }

// PacketSize returns the fixed packet size.
func (f *File) PacketSize() uint32 { return f.packetSize }

// PacketCount returns the number of packets: the smallest of the header's
// Data Packets Count, the Data Object's Total Data Packets (both ignored
// when Broadcast or 0) and what fits between the first packet and the end of
// the Data Object (or of the file). It is 0 when unknown (size -1 and a
// broadcast header): then read until ReadPacket returns io.EOF.
func (f *File) PacketCount() uint64 { return f.packets }

// PacketOffset returns the file offset of packet n (-1 on overflow).
func (f *File) PacketOffset(n uint64) int64 {
	if n > uint64(math.MaxInt64-f.dataOffset)/uint64(f.packetSize) {
		return -1
	}
	return f.dataOffset + int64(n)*int64(f.packetSize)
}

// ReadPacket reads packet n into buf (grown to the packet size when too
// small) and returns it. Past the last packet it returns io.EOF; a packet
// cut short by the end of the file is an error wrapping ErrTruncated.
func (f *File) ReadPacket(n uint64, buf []byte) ([]byte, error) {
	if f.packetsKnown && n >= f.packets {
		return nil, io.EOF
	}
	off := f.PacketOffset(n)
	if off < 0 {
		return nil, io.EOF
	}
	ps := int(f.packetSize)
	if cap(buf) < ps {
		buf = make([]byte, ps)
	}
	buf = buf[:ps]
	k, err := f.r.ReadAt(buf, off)
	switch {
	case k == ps:
		return buf, nil
	case k == 0 && err == io.EOF && !f.packetsKnown:
		return nil, io.EOF
	case err == nil || err == io.EOF:
		err = io.ErrUnexpectedEOF
	}
	return nil, fmt.Errorf("%w: packet %d: %d of %d bytes: %w", ErrTruncated, n, k, ps, err)
}

// HasIndex reports whether a usable Simple Index or Index object was read.
func (f *File) HasIndex() bool { return f.simple != nil || f.index != nil }

// SimpleIndex returns the Simple Index in use, or nil.
func (f *File) SimpleIndex() *SimpleIndex { return f.simple }

// Index returns the Index object in use, or nil.
func (f *File) Index() *Index { return f.index }

// SeekPacket returns the packet to start reading from so that playback from
// t (a presentation time with the preroll removed, like Object.PTS) is
// complete: the video key frame at or before t when an index says where it
// is, and every audio object presented from t on. Objects before t come
// first; the caller drops them.
//
// Algorithm:
//  1. t ≤ 0 gives packet 0.
//  2. Bisection over the fixed-size packets (O(log n) reads of a packet
//     header) finds the last packet whose Send Time is ≤ t − SeekMargin. A
//     payload is never sent earlier than its presentation time minus the
//     preroll (that is what the preroll buffers; FFmpeg and GStreamer send
//     exactly then), so every object presented at or after t is in a packet
//     sent at or after t; the margin covers the audio object that starts
//     before t and is still playing at t.
//  3. With an index, the entry at or before t + preroll (index entries are
//     in presentation time, preroll included) names the packet holding the
//     key frame at or before t (Simple Index; Index object with a
//     clean-point specifier preferred). The entry is checked with one read:
//     a packet sent after t cannot start a frame presented at or before t
//     (muxers send at presentation time − preroll), so such an index is
//     ignored (GStreamer asfmux writes one).
//  4. The result is the earlier of the two packets: the key frame and the
//     audio are both there.
func (f *File) SeekPacket(t time.Duration) (uint64, error) {
	if t <= 0 {
		return 0, nil
	}
	if !f.packetsKnown {
		return 0, ErrNotSeekable
	}
	if f.packets == 0 {
		return 0, nil
	}
	n, err := f.bisect(t - SeekMargin)
	if err != nil {
		return 0, err
	}
	if k, ok := f.indexLookup(t + f.h.Preroll); ok && k < n {
		if st, err := f.sendTime(k); err == nil && time.Duration(st)*time.Millisecond <= t {
			n = k
		}
	}
	return n, nil
}

// indexLookup maps a presentation time (preroll included) to a packet
// through the Simple Index or the Index object.
func (f *File) indexLookup(pt time.Duration) (uint64, bool) {
	if x := f.simple; x != nil {
		i := uint64(pt / x.Interval)
		i = min(i, uint64(len(x.Entries)-1))
		return uint64(x.Entries[i].Packet), true
	}
	if x := f.index; x != nil {
		off, ok := x.lookup(f.indexSpec, uint64(pt/x.Interval))
		if !ok {
			return 0, false
		}
		return off / uint64(f.packetSize), true
	}
	return 0, false
}

// sendTime reads the Send Time of packet n (a short read of its header).
func (f *File) sendTime(n uint64) (uint32, error) {
	var b [64]byte
	hb := b[:min(len(b), int(f.packetSize))]
	off := f.PacketOffset(n)
	if off < 0 {
		return 0, io.EOF
	}
	k, err := f.r.ReadAt(hb, off)
	if k < len(hb) && err != nil && k < 20 {
		return 0, fmt.Errorf("%w: packet %d header: %w", ErrTruncated, n, err)
	}
	return ParseSendTime(hb[:k])
}

// bisect returns the last packet whose send time is ≤ target (0 if none).
// Packets whose header does not parse are stepped over (a few at most).
func (f *File) bisect(target time.Duration) (uint64, error) {
	if target <= 0 {
		return 0, nil
	}
	tms := uint64(target / time.Millisecond)
	lo, hi := uint64(0), f.packets // invariant: answer in [lo, hi)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		st, at, err := f.sendTimeNear(mid, hi)
		if err != nil {
			// No readable packet in [mid, hi): the answer is below mid.
			hi = mid
			continue
		}
		if uint64(st) <= tms {
			lo = at
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// sendTimeNear reads the send time of the first parsable packet in
// [n, min(hi, n+8)).
func (f *File) sendTimeNear(n, hi uint64) (uint32, uint64, error) {
	var last error
	for i := n; i < hi && i < n+8; i++ {
		st, err := f.sendTime(i)
		if err == nil {
			return st, i, nil
		}
		last = err
	}
	if last == nil {
		last = io.EOF
	}
	return 0, 0, last
}
