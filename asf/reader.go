package asf

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// reader is a little-endian reader over a byte slice that accumulates its
// first error: after a short read every further read returns zero values, so
// object parsers read straight through and check err once. Byte slices it
// returns alias the input.
type reader struct {
	b   []byte
	off int
	err error
}

func newReader(b []byte) *reader { return &reader{b: b} }

// remaining is the number of unread bytes (0 after an error).
func (r *reader) remaining() int {
	if r.err != nil {
		return 0
	}
	return len(r.b) - r.off
}

func (r *reader) need(n int, what string) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = fmt.Errorf("%w: %s needs %d bytes at offset %d, have %d", ErrTruncated, what, n, r.off, len(r.b)-r.off)
		return false
	}
	return true
}

func (r *reader) u8() uint8 {
	if !r.need(1, "BYTE") {
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) u16() uint16 {
	if !r.need(2, "WORD") {
		return 0
	}
	v := binary.LittleEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v
}

func (r *reader) u32() uint32 {
	if !r.need(4, "DWORD") {
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v
}

func (r *reader) u64() uint64 {
	if !r.need(8, "QWORD") {
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b[r.off:])
	r.off += 8
	return v
}

func (r *reader) guid() GUID {
	var g GUID
	if !r.need(16, "GUID") {
		return g
	}
	copy(g[:], r.b[r.off:])
	r.off += 16
	return g
}

// bytes returns the next n bytes, aliasing the input.
func (r *reader) bytes(n int) []byte {
	if !r.need(n, "byte field") {
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

// bytesCopy returns a copy of the next n bytes (nil when n is 0).
func (r *reader) bytesCopy(n int) []byte {
	v := r.bytes(n)
	if len(v) == 0 {
		return nil
	}
	return append([]byte(nil), v...)
}

func (r *reader) skip(n int) {
	if r.need(n, "skipped field") {
		r.off += n
	}
}

// utf16 reads n bytes of UTF-16LE text (n is a byte count) and returns it
// without trailing NULs.
func (r *reader) utf16(n int) string {
	return decodeUTF16(r.bytes(n))
}

// wchars reads n UTF-16 code units (Codec List, Marker and Script Command
// objects count WCHARs, not bytes).
func (r *reader) wchars(n int) string {
	if n > (len(r.b)-r.off)/2 {
		r.need(2*n, "WCHAR string")
		return ""
	}
	return r.utf16(2 * n)
}

func (r *reader) setErr(err error) {
	if r.err == nil {
		r.err = err
	}
}

// decodeUTF16 converts UTF-16LE bytes to a string, dropping an odd trailing
// byte and the trailing NUL terminators ASF strings usually carry.
func decodeUTF16(b []byte) string {
	n := len(b) / 2
	for n > 0 && b[2*n-2] == 0 && b[2*n-1] == 0 {
		n--
	}
	if n == 0 {
		return ""
	}
	ascii := true
	for i := 0; i < n; i++ {
		if b[2*i+1] != 0 || b[2*i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		s := make([]byte, n)
		for i := range s {
			s[i] = b[2*i]
		}
		return string(s)
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// encodeUTF16 converts s to NUL-terminated UTF-16LE (used by the writers).
func encodeUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u)+2)
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}
