package asf

import (
	"fmt"
	"time"
)

// Marker is one entry of the Marker Object (ASF spec §3.7), a named
// position (chapter).
type Marker struct {
	// Offset is the byte offset of the marker in the Data Object.
	Offset uint64
	// Time is the presentation time with the preroll removed (the stored
	// value, in 100-ns units, includes it), so it compares with Object.PTS.
	Time time.Duration
	// SendTime is the packet send time (ms field).
	SendTime time.Duration
	Flags    uint32
	Name     string
}

// parseMarkers reads the Marker Object: Reserved GUID, Markers Count DWORD,
// Reserved WORD, Name Length WORD (bytes), Name, then {Offset QWORD,
// Presentation Time QWORD, Entry Length WORD, Send Time DWORD, Flags DWORD,
// Marker Description Length DWORD (WCHARs), Marker Description}. It also
// returns the raw presentation times so the caller removes the preroll once
// File Properties is known.
func parseMarkers(body []byte) ([]Marker, []uint64, error) {
	r := newReader(body)
	r.guid()
	n := r.u32()
	r.u16()
	r.utf16(int(r.u16())) // the Marker Object's own name
	if r.err != nil {
		return nil, nil, r.err
	}
	if uint64(n)*30 > uint64(r.remaining()) {
		return nil, nil, fmt.Errorf("%w: %d markers in %d bytes", ErrTruncated, n, r.remaining())
	}
	ms := make([]Marker, 0, n)
	raw := make([]uint64, 0, n)
	for i := uint32(0); i < n; i++ {
		m := Marker{Offset: r.u64()}
		pt := r.u64()
		r.u16() // entry length
		m.SendTime = milliseconds(uint64(r.u32()))
		m.Flags = r.u32()
		dl := r.u32()
		if r.err == nil && uint64(dl) > uint64(r.remaining()/2) {
			return nil, nil, fmt.Errorf("%w: marker description of %d WCHARs, %d bytes left", ErrTruncated, dl, r.remaining())
		}
		m.Name = r.wchars(int(dl))
		if r.err != nil {
			return nil, nil, r.err
		}
		ms = append(ms, m)
		raw = append(raw, pt)
	}
	return ms, raw, nil
}
