package asf

import (
	"encoding/binary"
	"fmt"
)

// objectHeaderSize is the common object header: Object ID GUID + Object
// Size QWORD (ASF spec §2.1).
const objectHeaderSize = 24

// ObjectInfo describes one object met while parsing: its GUID, its offset
// from the start of the buffer parsed (the Header Object starts at 0) and its
// declared size. Children lists the objects nested in a Header Extension.
type ObjectInfo struct {
	ID       GUID
	Offset   int64
	Size     uint64
	Children []ObjectInfo
}

// Name is the ASF spec name of the object, or its GUID when unknown.
func (o ObjectInfo) Name() string {
	if n := o.ID.Name(); n != "" {
		return n
	}
	return o.ID.String()
}

// walkObjects calls fn for each object laid end to end in b. base is the
// offset of b[0] in the parsed buffer. An object must be at least 24 bytes
// and fit in b (ASF spec §2.1: skip unknown objects by size; a child must fit
// its parent). It returns the objects met; on an object that does not fit it
// stops and returns the objects so far and an error wrapping ErrCorrupt.
// Fewer than 24 trailing bytes are also reported as ErrCorrupt.
func walkObjects(b []byte, base int64, maxObjects int, fn func(id GUID, body []byte, off int64) []ObjectInfo) ([]ObjectInfo, error) {
	var infos []ObjectInfo
	off := 0
	for off < len(b) {
		if len(infos) >= maxObjects {
			return infos, fmt.Errorf("%w: more than %d objects at offset %d", ErrTooLarge, maxObjects, base+int64(off))
		}
		if len(b)-off < objectHeaderSize {
			return infos, fmt.Errorf("%w: %d stray bytes at offset %d", ErrCorrupt, len(b)-off, base+int64(off))
		}
		var id GUID
		copy(id[:], b[off:])
		size := binary.LittleEndian.Uint64(b[off+16:])
		if size < objectHeaderSize || size > uint64(len(b)-off) {
			return infos, fmt.Errorf("%w: object %s at offset %d has size %d, parent has %d bytes left",
				ErrCorrupt, ObjectInfo{ID: id}.Name(), base+int64(off), size, len(b)-off)
		}
		n := int(size)
		info := ObjectInfo{ID: id, Offset: base + int64(off), Size: size}
		info.Children = fn(id, b[off+objectHeaderSize:off+n], base+int64(off))
		infos = append(infos, info)
		off += n
	}
	return infos, nil
}
