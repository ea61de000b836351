package fmp4

import (
	"encoding/binary"
	"fmt"
)

// reader reads big-endian fields (ISO/IEC 14496-12 4.2: all integers are
// big-endian) from a slice and accumulates the first error: a read past
// the end returns zero and sets err, so a box parser reads straight
// through and checks once.
type reader struct {
	b   []byte
	off int
	err error
	// what names the box for the error message.
	what string
}

func newReader(what string, b []byte) *reader { return &reader{b: b, what: what} }

func (r *reader) need(n int) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || len(r.b)-r.off < n {
		r.err = fmt.Errorf("%w: %s: need %d bytes at offset %d, have %d", ErrTruncated, r.what, n, r.off, len(r.b)-r.off)
		return false
	}
	return true
}

func (r *reader) u8() uint8 {
	if !r.need(1) {
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) u16() uint16 {
	if !r.need(2) {
		return 0
	}
	v := binary.BigEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v
}

func (r *reader) u24() uint32 {
	if !r.need(3) {
		return 0
	}
	v := uint32(r.b[r.off])<<16 | uint32(r.b[r.off+1])<<8 | uint32(r.b[r.off+2])
	r.off += 3
	return v
}

func (r *reader) u32() uint32 {
	if !r.need(4) {
		return 0
	}
	v := binary.BigEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v
}

func (r *reader) u64() uint64 {
	if !r.need(8) {
		return 0
	}
	v := binary.BigEndian.Uint64(r.b[r.off:])
	r.off += 8
	return v
}

// bytes returns the next n bytes, aliasing the input.
func (r *reader) bytes(n int) []byte {
	if !r.need(n) {
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

func (r *reader) skip(n int) {
	if r.need(n) {
		r.off += n
	}
}

func (r *reader) left() int { return len(r.b) - r.off }

// versionFlags reads a FullBox's version and flags (ISO/IEC 14496-12 4.2).
func (r *reader) versionFlags() (uint8, uint32) {
	v := r.u8()
	return v, r.u24()
}

func putVersionFlags(b []byte, version uint8, flags uint32) {
	b[0] = version
	b[1] = byte(flags >> 16)
	b[2] = byte(flags >> 8)
	b[3] = byte(flags)
}
