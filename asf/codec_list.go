package asf

import "fmt"

// Codec List entry types (ASF spec §3.5).
const (
	CodecTypeVideo   = 0x0001
	CodecTypeAudio   = 0x0002
	CodecTypeUnknown = 0xFFFF
)

// CodecEntry is one entry of the Codec List Object (ASF spec §3.5). It is
// informational: the codec of a stream is in its Stream Properties.
type CodecEntry struct {
	Type        uint16
	Name        string
	Description string
	Info        []byte
}

// parseCodecList reads a Codec List: Reserved GUID, Codec Entries Count
// DWORD, then {Type WORD, Name Length WORD (WCHARs), Name, Description
// Length WORD (WCHARs), Description, Information Length WORD (bytes),
// Information}.
func parseCodecList(body []byte) ([]CodecEntry, error) {
	r := newReader(body)
	r.guid()
	n := r.u32()
	if r.err != nil {
		return nil, r.err
	}
	if uint64(n)*8 > uint64(r.remaining()) {
		return nil, fmt.Errorf("%w: %d codec entries in %d bytes", ErrTruncated, n, r.remaining())
	}
	list := make([]CodecEntry, 0, n)
	for i := uint32(0); i < n; i++ {
		c := CodecEntry{Type: r.u16()}
		c.Name = r.wchars(int(r.u16()))
		c.Description = r.wchars(int(r.u16()))
		c.Info = r.bytesCopy(int(r.u16()))
		if r.err != nil {
			return list, r.err
		}
		list = append(list, c)
	}
	return list, nil
}
