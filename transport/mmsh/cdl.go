package mmsh

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Limits on Content Description Lists.
const (
	// MaxCDLDescriptions bounds the content descriptions (languages) kept.
	MaxCDLDescriptions = 64
	// MaxCDLPairs bounds the name/value pairs of one CDL.
	MaxCDLPairs = 4096
	// maxCDLName bounds the re-scan of a name whose length is wrong (the
	// spec's own "7,language" defect).
	maxCDLName = 256
)

// CDL value types ([MS-WMSP] 2.2.4.1; VARTYPE numbers of MS-OAUT 2.2.7).
const (
	VTI2     = 2
	VTI4     = 3
	VTCY     = 6
	VTBSTR   = 8
	VTError  = 10
	VTBool   = 11
	VTI1     = 16
	VTUI1    = 17
	VTUI2    = 18
	VTUI4    = 19
	VTInt    = 22
	VTUInt   = 23
	VTLPWStr = 31
)

func knownVT(t int) bool {
	switch t {
	case VTI2, VTI4, VTCY, VTBSTR, VTError, VTBool, VTI1, VTUI1, VTUI2, VTUI4, VTInt, VTUInt, VTLPWStr:
		return true
	}
	return false
}

// CDPair is one name/value pair of a content description.
type CDPair struct {
	Name  string
	Type  int
	Value string
}

// ContentDescription is the metadata in one language ([MS-WMSP] 2.2.4).
// The leading "language" pair is in Language, not in Pairs.
type ContentDescription struct {
	Language string
	Pairs    []CDPair
}

// Get returns the value of the first pair named name (case-insensitive).
func (d *ContentDescription) Get(name string) (string, bool) {
	for _, p := range d.Pairs {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// ParseCDL parses a Content Description List ([MS-WMSP] 2.2.4): one or more
// descriptions, each a comma-separated run of
// "<name length>,<name>,<value type>,<value length>,<value>" pairs ended by
// CRLF, the first pair named "language". Fields are read by their lengths
// (values may contain commas and CRLF). Pairs of unknown value types are
// skipped (2.2.4.1). A name length one short of the name (the spec's
// "7,language") is tolerated. Trailing NUL bytes are ignored.
func ParseCDL(b []byte) ([]ContentDescription, error) {
	return parseDescriptions(b, true)
}

// parseDescriptions reads content descriptions; with language the first
// pair of each must be "language" and goes into Language.
func parseDescriptions(b []byte, language bool) ([]ContentDescription, error) {
	var out []ContentDescription
	pairs := 0
	pos := 0
	for pos < len(b) {
		if allNUL(b[pos:]) {
			break
		}
		if len(out) >= MaxCDLDescriptions {
			return nil, fmt.Errorf("%w: CDL has more than %d descriptions", ErrTooLarge, MaxCDLDescriptions)
		}
		var d ContentDescription
		for first := true; ; first = false {
			p, n, err := parseCDPair(b[pos:])
			if err != nil {
				return nil, fmt.Errorf("%w: CDL at byte %d: %v", ErrProtocol, pos, err)
			}
			pos += n
			if pairs++; pairs > MaxCDLPairs {
				return nil, fmt.Errorf("%w: CDL has more than %d pairs", ErrTooLarge, MaxCDLPairs)
			}
			switch {
			case first && language:
				if !strings.EqualFold(p.Name, "language") {
					return nil, fmt.Errorf("%w: CDL description starts with %q, not language", ErrProtocol, p.Name)
				}
				d.Language = p.Value
			case knownVT(p.Type):
				d.Pairs = append(d.Pairs, p)
			}
			if pos >= len(b) || allNUL(b[pos:]) {
				break
			}
			if b[pos] == ',' {
				pos++
				continue
			}
			if bytes.HasPrefix(b[pos:], []byte("\r\n")) {
				pos += 2
				break
			}
			if b[pos] == '\n' {
				pos++
				break
			}
			return nil, fmt.Errorf("%w: CDL byte %d is %q, want ',' or CRLF", ErrProtocol, pos, b[pos])
		}
		out = append(out, d)
	}
	if len(out) == 0 && len(bytes.Trim(b, "\x00")) > 0 {
		return nil, fmt.Errorf("%w: empty CDL", ErrProtocol)
	}
	return out, nil
}

func allNUL(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// parseCDPair reads one pair and returns it with the bytes consumed.
func parseCDPair(b []byte) (CDPair, int, error) {
	pos := 0
	nameLen, n, err := cdNumber(b, 10)
	if err != nil {
		return CDPair{}, 0, fmt.Errorf("name length: %v", err)
	}
	pos += n
	if nameLen > len(b)-pos {
		return CDPair{}, 0, fmt.Errorf("name length %d past the end", nameLen)
	}
	name := string(b[pos : pos+nameLen])
	pos += nameLen
	if pos >= len(b) || b[pos] != ',' {
		// A wrong name length: take the name up to the next comma.
		start := pos - nameLen
		k := bytes.IndexByte(b[start:min(len(b), start+maxCDLName)], ',')
		if k < 0 {
			return CDPair{}, 0, fmt.Errorf("name %q not followed by ','", name)
		}
		name = string(b[start : start+k])
		pos = start + k
	}
	pos++ // ','
	typ, n, err := cdNumber(b[pos:], 3)
	if err != nil {
		return CDPair{}, 0, fmt.Errorf("value type of %q: %v", name, err)
	}
	pos += n
	valLen, n, err := cdNumber(b[pos:], 10)
	if err != nil {
		return CDPair{}, 0, fmt.Errorf("value length of %q: %v", name, err)
	}
	pos += n
	if valLen > len(b)-pos {
		return CDPair{}, 0, fmt.Errorf("value length %d of %q past the end", valLen, name)
	}
	val := string(b[pos : pos+valLen])
	pos += valLen
	return CDPair{Name: name, Type: typ, Value: val}, pos, nil
}

// cdNumber reads 1..maxDigits decimal digits followed by ',' and returns
// the number and the bytes consumed including the comma.
func cdNumber(b []byte, maxDigits int) (int, int, error) {
	i := 0
	for i < len(b) && i <= maxDigits && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i == 0 || i > maxDigits {
		return 0, 0, fmt.Errorf("not 1 to %d digits", maxDigits)
	}
	if i >= len(b) || b[i] != ',' {
		return 0, 0, fmt.Errorf("number not followed by ','")
	}
	v, err := strconv.ParseUint(string(b[:i]), 10, 32)
	if err != nil || v > 1<<31-1 {
		return 0, 0, fmt.Errorf("number out of range")
	}
	return int(v), i + 1, nil
}

// AppendCDL appends the wire form of descriptions (2.2.4): each starts with
// its language pair (VT_LPWSTR) and ends with CRLF.
func AppendCDL(dst []byte, ds []ContentDescription) []byte {
	for _, d := range ds {
		dst = appendPair(dst, CDPair{Name: "language", Type: VTLPWStr, Value: d.Language})
		for _, p := range d.Pairs {
			dst = append(dst, ',')
			dst = appendPair(dst, p)
		}
		dst = append(dst, '\r', '\n')
	}
	return dst
}

func appendPair(dst []byte, p CDPair) []byte {
	dst = strconv.AppendInt(dst, int64(len(p.Name)), 10)
	dst = append(dst, ',')
	dst = append(dst, p.Name...)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(p.Type), 10)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(len(p.Value)), 10)
	dst = append(dst, ',')
	return append(dst, p.Value...)
}

// Metadata is the payload of a $M packet ([MS-WMSP] 2.2.3.6): the playlist
// entry id, the live source id, the entry's features and its content
// descriptions (titles, authors, playlist entry URL, role, ...).
type Metadata struct {
	PlaylistGenID uint32
	BroadcastID   uint32
	Features      Features
	// FeaturesText is the features value as sent.
	FeaturesText string
	CDL          []ContentDescription
}

// ParseMetadata parses a reassembled $M payload:
// playlist-gen-id "," SP "broadcast-id=" 1*10DIGIT "," SP features %x00
// *content-description-list.
func ParseMetadata(b []byte) (*Metadata, error) {
	nul := bytes.IndexByte(b, 0)
	text, rest := b, []byte(nil)
	if nul >= 0 {
		text, rest = b[:nul], b[nul+1:]
	}
	pr := ParsePragma(string(text))
	m := &Metadata{}
	gen, ok, err := pr.Uint32("playlist-gen-id")
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: $M without a valid playlist-gen-id: %q", ErrProtocol, text)
	}
	bid, ok, err := pr.Uint32("broadcast-id")
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: $M without a valid broadcast-id: %q", ErrProtocol, text)
	}
	feat, ok := pr.Get("features")
	if !ok {
		return nil, fmt.Errorf("%w: $M without features: %q", ErrProtocol, text)
	}
	m.PlaylistGenID, m.BroadcastID = gen, bid
	m.Features, m.FeaturesText = ParseFeatures(feat), feat
	if len(rest) > 0 {
		cdl, err := ParseCDL(rest)
		if err != nil {
			return nil, err
		}
		m.CDL = cdl
	}
	return m, nil
}

// Marshal renders the $M payload.
func (m *Metadata) Marshal() []byte {
	f := m.FeaturesText
	if f == "" && m.Features != nil {
		f = m.Features.String()
	}
	b := fmt.Appendf(nil, "playlist-gen-id=%d, broadcast-id=%d, features=\"%s\"", m.PlaylistGenID, m.BroadcastID, f)
	b = append(b, 0)
	return AppendCDL(b, m.CDL)
}

// Title returns the title from the first description that has one.
func (m *Metadata) Title() string {
	for i := range m.CDL {
		for _, n := range []string{"title", "WMS_CONTENT_DESCRIPTION_TITLE"} {
			if v, ok := m.CDL[i].Get(n); ok && v != "" {
				return v
			}
		}
	}
	return ""
}

// Remote event types ([MS-WMSP] 2.2.5).
const (
	EventRemoteOpen  = 28
	EventRemoteClose = 29
	EventRemoteLog   = 30
)

// RemoteEvent is the body of a SendEvent request ([MS-WMSP] 2.2.5).
type RemoteEvent struct {
	Type   int
	Reason uint32
	// Descriptions are the two content descriptions of a remote-log
	// event (none for the other types).
	Descriptions []ContentDescription
}

// ParseRemoteEvent parses a remote-event-message: "1" CRLF "1," EventType
// "," EventReason CRLF, then exactly two content descriptions for
// EventType 30 and none otherwise.
func ParseRemoteEvent(b []byte) (*RemoteEvent, error) {
	rest, ok := bytes.CutPrefix(b, []byte("1\r\n1,"))
	if !ok {
		return nil, fmt.Errorf("%w: remote event does not start with encoding format and version 1", ErrProtocol)
	}
	line, rest, ok := bytes.Cut(rest, []byte("\r\n"))
	if !ok {
		return nil, fmt.Errorf("%w: remote event header line not ended", ErrProtocol)
	}
	typ, reason, ok := strings.Cut(string(line), ",")
	if !ok {
		return nil, fmt.Errorf("%w: remote event header %q", ErrProtocol, line)
	}
	ev := &RemoteEvent{}
	t, err := strconv.Atoi(typ)
	if err != nil || (t != EventRemoteOpen && t != EventRemoteClose && t != EventRemoteLog) {
		return nil, fmt.Errorf("%w: remote event type %q", ErrProtocol, typ)
	}
	r, err := parseDecimal32(reason)
	if err != nil {
		return nil, fmt.Errorf("%w: remote event reason %q", ErrProtocol, reason)
	}
	ev.Type, ev.Reason = t, r
	ds, err := parseDescriptions(rest, false)
	if err != nil {
		return nil, err
	}
	if (t == EventRemoteLog) != (len(ds) == 2) || (t != EventRemoteLog && len(ds) != 0) {
		return nil, fmt.Errorf("%w: remote event type %d with %d content descriptions", ErrProtocol, t, len(ds))
	}
	ev.Descriptions = ds
	return ev, nil
}
