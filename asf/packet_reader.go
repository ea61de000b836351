package asf

import (
	"fmt"
	"io"
)

// DefaultReadAhead is the read size of a PacketReader when none is given.
const DefaultReadAhead = 256 << 10

// PacketReader reads consecutive packets of a File with large reads (a few
// hundred KiB), so that a local file costs few system calls and an HTTP
// source few Range requests. It is not safe for concurrent use.
type PacketReader struct {
	f     *File
	next  uint64 // number of the packet Next returns
	ahead int    // packets per read, at most
	buf   []byte // allocated by the first read, as large as it needs
	first uint64 // packet number of buf[0]
	count int    // whole packets in buf
}

// NewPacketReader returns a reader positioned at packet start. readAhead is
// the size of each read, rounded down to whole packets (at least one); 0
// means DefaultReadAhead. Reads never ask for more than the file holds
// from there, and on a source of unknown size they start at one packet and
// double up to readAhead as packets come: a header may declare a large
// packet size in a small file.
func (f *File) NewPacketReader(start uint64, readAhead int) *PacketReader {
	if readAhead <= 0 {
		readAhead = DefaultReadAhead
	}
	return &PacketReader{f: f, next: start, ahead: max(1, readAhead/int(f.packetSize))}
}

// Seek positions the reader at packet n (buffered data is kept when it
// holds n).
func (r *PacketReader) Seek(n uint64) { r.next = n }

// Next returns the next packet and its number. The slice aliases the
// reader's buffer and is valid until the next call. At the end it returns
// io.EOF; a packet cut short by the end of the file is an error wrapping
// ErrTruncated.
func (r *PacketReader) Next() ([]byte, uint64, error) {
	ps := uint64(r.f.packetSize)
	n := r.next
	if n < r.first || n >= r.first+uint64(r.count) {
		if err := r.fill(n); err != nil {
			return nil, n, err
		}
	}
	i := n - r.first
	r.next++
	return r.buf[i*ps : (i+1)*ps], n, nil
}

func (r *PacketReader) fill(n uint64) error {
	f := r.f
	ps := int(f.packetSize)
	if f.packetsKnown && n >= f.packets {
		return io.EOF
	}
	off := f.PacketOffset(n)
	if off < 0 {
		return io.EOF
	}
	want := r.ahead
	if f.size < 0 {
		// A source of unknown size: start with one packet and double
		// with each read, so that the buffer follows the data actually
		// there, whatever the header declares.
		want = min(want, max(1, 2*r.count))
	}
	if f.packetsKnown {
		want = int(min(uint64(want), f.packets-n))
	}
	if f.size >= 0 {
		// At least one packet, so that a short one is reported as such.
		want = int(min(int64(want), max((f.size-off)/int64(ps), 1)))
	}
	if len(r.buf) < want*ps {
		r.buf = make([]byte, want*ps)
	}
	k, err := f.r.ReadAt(r.buf[:want*ps], off)
	r.first, r.count = n, k/ps
	if r.count > 0 {
		return nil
	}
	r.count = 0
	switch {
	case k == 0 && err == io.EOF && !f.packetsKnown:
		return io.EOF
	case err == nil || err == io.EOF:
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: packet %d: %d of %d bytes: %w", ErrTruncated, n, k, ps, err)
}
