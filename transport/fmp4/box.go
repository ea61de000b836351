package fmp4

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
)

// BoxType is a box's four-character code (ISO/IEC 14496-12 4.2).
type BoxType [4]byte

// String returns the code, with bytes outside printable ASCII escaped.
func (t BoxType) String() string {
	for _, c := range t {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("%q", string(t[:]))
		}
	}
	return string(t[:])
}

// The box types this package reads or writes.
var (
	TypeFtyp = BoxType{'f', 't', 'y', 'p'}
	TypeMoov = BoxType{'m', 'o', 'o', 'v'}
	TypeMvhd = BoxType{'m', 'v', 'h', 'd'}
	TypeTrak = BoxType{'t', 'r', 'a', 'k'}
	TypeTkhd = BoxType{'t', 'k', 'h', 'd'}
	TypeMdia = BoxType{'m', 'd', 'i', 'a'}
	TypeMdhd = BoxType{'m', 'd', 'h', 'd'}
	TypeHdlr = BoxType{'h', 'd', 'l', 'r'}
	TypeMinf = BoxType{'m', 'i', 'n', 'f'}
	TypeStbl = BoxType{'s', 't', 'b', 'l'}
	TypeStsd = BoxType{'s', 't', 's', 'd'}
	TypeAvc1 = BoxType{'a', 'v', 'c', '1'}
	TypeAvc3 = BoxType{'a', 'v', 'c', '3'}
	TypeAvcC = BoxType{'a', 'v', 'c', 'C'}
	TypeMp4a = BoxType{'m', 'p', '4', 'a'}
	TypeEsds = BoxType{'e', 's', 'd', 's'}
	TypeMvex = BoxType{'m', 'v', 'e', 'x'}
	TypeTrex = BoxType{'t', 'r', 'e', 'x'}
	TypeMoof = BoxType{'m', 'o', 'o', 'f'}
	TypeMfhd = BoxType{'m', 'f', 'h', 'd'}
	TypeTraf = BoxType{'t', 'r', 'a', 'f'}
	TypeTfhd = BoxType{'t', 'f', 'h', 'd'}
	TypeTrun = BoxType{'t', 'r', 'u', 'n'}
	TypeTfdt = BoxType{'t', 'f', 'd', 't'}
	TypeSdtp = BoxType{'s', 'd', 't', 'p'}
	TypeMdat = BoxType{'m', 'd', 'a', 't'}
	TypeUUID = BoxType{'u', 'u', 'i', 'd'}
)

// UUID is the extended type of a 'uuid' box (ISO/IEC 14496-12 4.2), in
// wire order.
type UUID [16]byte

// String returns the canonical 8-4-4-4-12 form.
func (u UUID) String() string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// The extended types of the Smooth Streaming uuid boxes.
var (
	// UUIDTfxd is the TfxdBox's (MS-SSTR 2.2.4.4).
	UUIDTfxd = UUID{0x6D, 0x1D, 0x9B, 0x05, 0x42, 0xD5, 0x44, 0xE6, 0x80, 0xE2, 0x14, 0x1D, 0xAF, 0xF7, 0x57, 0xB2}
	// UUIDTfrf is the TfrfBox's (MS-SSTR 2.2.4.5).
	UUIDTfrf = UUID{0xD4, 0x80, 0x7E, 0xF2, 0xCA, 0x39, 0x46, 0x95, 0x8E, 0x54, 0x26, 0xCB, 0x9E, 0x46, 0xA7, 0x9F}
)

// Limits.
const (
	// MaxDepth is how deep Walk and the parsers descend into nested
	// boxes (a moov's avcC is at depth 8).
	MaxDepth = 16
	// DefaultMaxSize is the default cap on a fragment or an init segment
	// (Options.MaxSize).
	DefaultMaxSize = 64 << 20
)

// BoxHeader is a box's header (ISO/IEC 14496-12 4.2): size, type,
// largesize when size is 1, and the extended type of a 'uuid' box.
type BoxHeader struct {
	Type BoxType
	// Size is the whole box's length, header included: the 32-bit size,
	// the 64-bit largesize when size is 1, or, when size is 0 (the box
	// extends to the end of its container), the bytes left in the
	// container.
	Size uint64
	// HeaderSize is the header's length: 8, 16 with a largesize, 16 more
	// for a 'uuid' box's extended type.
	HeaderSize int
	// UserType is the extended type of a 'uuid' box, zero otherwise.
	UserType UUID
}

// ReadBoxHeader reads the header of the box at the start of b, where b
// ends where the box's container (its parent box, or the buffer) ends. A
// box that claims more than b holds is ErrTruncated; a size smaller than
// its own header is ErrCorrupt. The Size it returns always fits in b.
func ReadBoxHeader(b []byte) (BoxHeader, error) {
	var h BoxHeader
	if len(b) < 8 {
		return h, fmt.Errorf("%w: box header needs 8 bytes, have %d", ErrTruncated, len(b))
	}
	size := uint64(binary.BigEndian.Uint32(b))
	copy(h.Type[:], b[4:8])
	h.HeaderSize = 8
	switch size {
	case 1:
		if len(b) < 16 {
			return h, fmt.Errorf("%w: %s box with largesize needs 16 header bytes, have %d", ErrTruncated, h.Type, len(b))
		}
		size = binary.BigEndian.Uint64(b[8:])
		h.HeaderSize = 16
	case 0:
		size = uint64(len(b))
	}
	if h.Type == TypeUUID {
		if len(b) < h.HeaderSize+16 {
			return h, fmt.Errorf("%w: uuid box header needs %d bytes, have %d", ErrTruncated, h.HeaderSize+16, len(b))
		}
		copy(h.UserType[:], b[h.HeaderSize:])
		h.HeaderSize += 16
	}
	if size < uint64(h.HeaderSize) {
		return h, fmt.Errorf("%w: %s box size %d is smaller than its %d-byte header", ErrCorrupt, h.Type, size, h.HeaderSize)
	}
	if size > uint64(len(b)) {
		return h, fmt.Errorf("%w: %s box claims %d bytes, its container holds %d", ErrTruncated, h.Type, size, len(b))
	}
	h.Size = size
	return h, nil
}

// headerLen is the length of a header for a box of payload n bytes,
// written by putHeader: 8, or 16 with a largesize beyond 32 bits.
func headerLen(payload int, uuid bool) int {
	n := 8
	if uuid {
		n += 16
	}
	if uint64(payload)+uint64(n) > math.MaxUint32 {
		n += 8
	}
	return n
}

// putHeader writes the header of a box of total size size (as headerLen
// computed it) into b and returns the header's length.
func putHeader(b []byte, t BoxType, size int, user *UUID) int {
	n := 8
	if uint64(size) > math.MaxUint32 {
		binary.BigEndian.PutUint32(b, 1)
		copy(b[4:], t[:])
		binary.BigEndian.PutUint64(b[8:], uint64(size))
		n = 16
	} else {
		binary.BigEndian.PutUint32(b, uint32(size))
		copy(b[4:], t[:])
	}
	if user != nil {
		copy(b[n:], user[:])
		n += 16
	}
	return n
}

// childBox is one box inside a container.
type childBox struct {
	BoxHeader
	// box is the whole box, payload the bytes after the header.
	box, payload []byte
	// offset is the box's position within the container's payload.
	offset int
}

// forEachBox calls fn for each box in b (a container's payload), in
// order, stopping at fn's first error. Bytes after the last box that
// cannot hold a box header are ErrTruncated.
func forEachBox(b []byte, fn func(c childBox) error) error {
	off := 0
	for off < len(b) {
		h, err := ReadBoxHeader(b[off:])
		if err != nil {
			return fmt.Errorf("box at offset %d: %w", off, err)
		}
		box := b[off : off+int(h.Size)]
		if err := fn(childBox{BoxHeader: h, box: box, payload: box[h.HeaderSize:], offset: off}); err != nil {
			return err
		}
		off += int(h.Size)
	}
	return nil
}

// openBox reads the header of the box at the start of b, checks its type
// (and extended type for uuid boxes), and returns the header and payload.
func openBox(b []byte, want BoxType, user *UUID) (BoxHeader, []byte, error) {
	h, err := ReadBoxHeader(b)
	if err != nil {
		return h, nil, err
	}
	if h.Type != want {
		return h, nil, fmt.Errorf("%w: %s, want %s", ErrWrongType, h.Type, want)
	}
	if user != nil && h.UserType != *user {
		return h, nil, fmt.Errorf("%w: uuid %s, want %s", ErrWrongType, h.UserType, *user)
	}
	return h, b[h.HeaderSize:h.Size], nil
}
