package asf

import "fmt"

// ExclusionType is the kind of a mutual exclusion group (ASF spec §10.7).
type ExclusionType uint8

// Exclusion types.
const (
	ExclusionUnknown ExclusionType = iota
	ExclusionBitrate
	ExclusionLanguage
)

// String names the ExclusionType: "bitrate", "language" or "unknown".
func (t ExclusionType) String() string {
	switch t {
	case ExclusionBitrate:
		return "bitrate"
	case ExclusionLanguage:
		return "language"
	}
	return "unknown"
}

// Exclusion is a Bitrate Mutual Exclusion (ASF spec §3.8) or Advanced Mutual
// Exclusion (§4.5) group: play at most one of Streams. Bitrate exclusion is
// ASF's multiple-bitrate mechanism (pick one by bandwidth).
type Exclusion struct {
	Type ExclusionType
	// TypeGUID is the raw Exclusion Type.
	TypeGUID GUID
	Streams  []uint8
	// Advanced is true for an Advanced Mutual Exclusion object.
	Advanced bool
}

func parseExclusion(body []byte) (Exclusion, error) {
	r := newReader(body)
	e := Exclusion{TypeGUID: r.guid()}
	switch e.TypeGUID {
	case GUIDMutexBitrate:
		e.Type = ExclusionBitrate
	case GUIDMutexLanguage:
		e.Type = ExclusionLanguage
	}
	n := int(r.u16())
	if r.err != nil {
		return Exclusion{}, r.err
	}
	if n*2 > r.remaining() {
		return Exclusion{}, fmt.Errorf("%w: %d stream numbers in %d bytes", ErrTruncated, n, r.remaining())
	}
	e.Streams = make([]uint8, 0, n)
	for i := 0; i < n; i++ {
		v := r.u16()
		if v == 0 || v > 127 {
			return Exclusion{}, fmt.Errorf("%w: stream number %d", ErrCorrupt, v)
		}
		e.Streams = append(e.Streams, uint8(v))
	}
	return e, r.err
}

// parseLanguageList reads the Language List Object (ASF spec §4.6): a WORD
// count, then {Language ID Length BYTE (bytes), Language ID UTF-16LE}.
func parseLanguageList(body []byte) ([]string, error) {
	r := newReader(body)
	n := int(r.u16())
	if r.err != nil {
		return nil, r.err
	}
	if n > r.remaining() {
		return nil, fmt.Errorf("%w: %d languages in %d bytes", ErrTruncated, n, r.remaining())
	}
	langs := make([]string, 0, n)
	for i := 0; i < n; i++ {
		s := r.utf16(int(r.u8()))
		if r.err != nil {
			return nil, r.err
		}
		langs = append(langs, s)
	}
	return langs, nil
}
