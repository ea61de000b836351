package asf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// Limits applied to header parsing. A header larger than MaxHeaderSize is
// rejected with ErrTooLarge before anything is allocated for it.
const (
	// MaxHeaderSize bounds the Header Object (album art in WM/Picture makes
	// real headers reach a few MB).
	MaxHeaderSize = 32 << 20
	// MaxHeaderObjects bounds the number of objects in the Header Object or
	// in the Header Extension.
	MaxHeaderObjects = 4096
	// MaxPacketSize bounds the data packet size declared in File Properties
	// and the Packet Length field of a packet. ASF packets are at most 64 KiB
	// in practice (the Payload Length is usually a WORD).
	MaxPacketSize = 1 << 20
	// headerFixedSize is the Header Object's fixed part (ASF spec §3.1).
	headerFixedSize = 30
	// DataObjectFixedSize is the Data Object's fixed part that precedes the
	// first packet (ASF spec §5.1).
	DataObjectFixedSize = 50
)

// Header is a parsed ASF Header Object (ASF spec §3) with the objects a
// player uses. All times are converted to time.Duration; presentation times
// (markers, script commands) have the preroll removed, like Object.PTS.
type Header struct {
	// Size is the Header Object size in bytes.
	Size int64
	// Raw is a copy of the Header Object bytes, followed by the Data
	// Object's 50-byte fixed part when it was present.
	Raw []byte
	// Objects lists the top-level objects of the header (with the Header
	// Extension's children), for diagnostics.
	Objects []ObjectInfo

	// File Properties Object (ASF spec §3.2).
	FileID   GUID
	FileSize uint64 // invalid when Broadcast
	Created  time.Time
	// Packets is the Data Packets Count (invalid when Broadcast).
	Packets uint64
	// PlayDuration includes the preroll; SendDuration does not.
	PlayDuration, SendDuration, Preroll time.Duration
	Flags                               uint32
	Broadcast, Seekable                 bool
	// MinPacketSize and PacketSize (= Maximum Data Packet Size) are equal in
	// a valid file: ASF data packets are fixed-size.
	MinPacketSize, PacketSize uint32
	MaxBitrate                uint32

	// Streams are ordered by stream number, and include the streams defined
	// by a Stream Properties Object embedded in an Extended Stream
	// Properties Object.
	Streams []*Stream
	// Exclusions are the Bitrate Mutual Exclusion (ASF spec §3.8) and
	// Advanced Mutual Exclusion (§4.5) groups, in header order.
	Exclusions []Exclusion
	// Languages is the Language List (ASF spec §4.6), e.g. "en-us".
	Languages []string
	// Content is the Content Description Object (ASF spec §3.10).
	Content ContentDescription
	// Extended is the Extended Content Description Object (ASF spec §3.11).
	Extended []Attribute
	// Metadata holds the Metadata (§4.7) and Metadata Library (§4.8)
	// records.
	Metadata []MetadataRecord
	// Codecs is the Codec List (ASF spec §3.5), informational.
	Codecs []CodecEntry
	// Markers is the Marker Object (ASF spec §3.7).
	Markers []Marker
	// Scripts is the Script Command Object (ASF spec §3.6).
	Scripts []ScriptCommand
	// Encryption is non-nil when a Content Encryption, Extended Content
	// Encryption or Advanced Content Encryption object is present.
	Encryption *EncryptionInfo
	// Data is the Data Object's fixed part when it followed the header in
	// the parsed bytes.
	Data *DataObject
	// Warnings lists non-fatal problems (a malformed optional object, a
	// duplicate stream...). The objects concerned were skipped.
	Warnings []error
}

// DataObject is the Data Object's fixed part (ASF spec §5.1).
type DataObject struct {
	FileID GUID
	// TotalPackets is invalid when the file is Broadcast.
	TotalPackets uint64
	// Size is the Data Object size including its 50-byte fixed part; 0 in
	// broadcast streams (packets run until the end).
	Size uint64
	// Offset is the offset of the Data Object from the start of the Header
	// Object.
	Offset int64
}

// Duration is the playable duration: PlayDuration minus Preroll, clamped at
// 0, and 0 for a broadcast (live) stream whose durations are invalid.
func (h *Header) Duration() time.Duration {
	if h.Broadcast {
		return 0
	}
	d := h.PlayDuration - h.Preroll
	if d < 0 {
		return 0
	}
	return d
}

// Stream returns the stream with number n, or nil.
func (h *Header) Stream(n uint8) *Stream {
	for _, s := range h.Streams {
		if s.Number == n {
			return s
		}
	}
	return nil
}

// Encrypted reports any DRM signal: an encryption object in the header or a
// stream whose Encrypted Content flag is set.
func (h *Header) Encrypted() bool {
	if h.Encryption != nil {
		return true
	}
	for _, s := range h.Streams {
		if s.Encrypted {
			return true
		}
	}
	return false
}

// CheckEncrypted returns nil for clear content and an error wrapping
// ErrEncrypted that names the DRM signals otherwise. Players call it after
// ParseHeader (which succeeds on protected files so probing still works).
func (h *Header) CheckEncrypted() error {
	if !h.Encrypted() {
		return nil
	}
	var why []string
	if e := h.Encryption; e != nil {
		if e.ContentEncryption {
			s := "Content Encryption object"
			if e.ProtectionType != "" {
				s += " (" + e.ProtectionType + ")"
			}
			why = append(why, s)
		}
		if e.ExtendedContentEncryption {
			why = append(why, "Extended Content Encryption object")
		}
		if e.AdvancedContentEncryption {
			why = append(why, "Advanced Content Encryption object")
		}
	}
	for _, s := range h.Streams {
		if s.Encrypted {
			why = append(why, fmt.Sprintf("stream %d is encrypted", s.Number))
		}
	}
	return fmt.Errorf("%w: %s", ErrEncrypted, strings.Join(why, ", "))
}

// Attribute returns the first Extended Content Description attribute with
// the given name (case-sensitive, e.g. "WM/AlbumTitle").
func (h *Header) Attribute(name string) (Attribute, bool) {
	for _, a := range h.Extended {
		if a.Name == name {
			return a, true
		}
	}
	return Attribute{}, false
}

// ParseHeader parses a Header Object that starts at b[0] (ASF spec §3.1).
// Trailing bytes are allowed; if the 50-byte fixed part of a Data Object
// follows the header, Header.Data is filled. (MMSH $H bodies and RTSP
// a=pgmpu / fmtp config= carry exactly "header object + data object fixed
// part".) The result does not alias b.
//
// Fatal errors: ErrNotASF (wrong GUID or Reserved2), ErrTruncated,
// ErrTooLarge, ErrCorrupt (no File Properties, invalid packet size) and
// ErrNoStreams. Malformed optional objects are skipped and listed in
// Header.Warnings. DRM does not make ParseHeader fail: see CheckEncrypted.
func ParseHeader(b []byte) (*Header, error) {
	if len(b) < headerFixedSize {
		if len(b) >= 16 && GUID(b[:16]) != GUIDHeader {
			return nil, ErrNotASF
		}
		return nil, fmt.Errorf("%w: header object needs %d bytes, have %d", ErrTruncated, headerFixedSize, len(b))
	}
	r := newReader(b)
	if r.guid() != GUIDHeader {
		return nil, ErrNotASF
	}
	size := r.u64()
	r.u32() // Number of Header Objects: informational.
	r.u8()  // Reserved1 (0x01), may be ignored.
	if res2 := r.u8(); res2 != 0x02 {
		return nil, fmt.Errorf("%w: header Reserved2 is 0x%02x, want 0x02", ErrNotASF, res2)
	}
	switch {
	case size < headerFixedSize:
		return nil, fmt.Errorf("%w: header object size %d", ErrCorrupt, size)
	case size > MaxHeaderSize:
		return nil, fmt.Errorf("%w: header object size %d > %d", ErrTooLarge, size, MaxHeaderSize)
	case size > uint64(len(b)):
		return nil, fmt.Errorf("%w: header object size %d, have %d bytes", ErrTruncated, size, len(b))
	}
	h := &Header{Size: int64(size)}
	p := &headerParser{h: h}
	objs, err := walkObjects(b[headerFixedSize:size], headerFixedSize, MaxHeaderObjects, p.topLevel)
	h.Objects = objs
	if err != nil {
		h.Warnings = append(h.Warnings, fmt.Errorf("header object: %w", err))
	}
	if p.fatal != nil {
		return nil, p.fatal
	}
	if !p.haveFileProps {
		return nil, fmt.Errorf("%w: no File Properties object in header", ErrCorrupt)
	}
	p.finish()
	if len(h.Streams) == 0 {
		return nil, ErrNoStreams
	}
	rawLen := int(size)
	if rest := b[size:]; len(rest) >= DataObjectFixedSize && GUID(rest[:16]) == GUIDData {
		h.Data = parseDataObject(rest)
		h.Data.Offset = int64(size)
		rawLen += DataObjectFixedSize
	}
	h.Raw = bytes.Clone(b[:rawLen])
	return h, nil
}

// parseDataObject reads the Data Object fixed part (ASF spec §5.1); b holds
// at least DataObjectFixedSize bytes.
func parseDataObject(b []byte) *DataObject {
	r := newReader(b[:DataObjectFixedSize])
	r.guid()
	d := &DataObject{Size: r.u64()}
	d.FileID = r.guid()
	d.TotalPackets = r.u64()
	return d
}

// MaxSkippedObjects bounds how many top-level objects ReadHeader and OpenFile
// skip between the Header Object and the Data Object.
const MaxSkippedObjects = 16

// ReadHeader reads the Header Object and the Data Object's 50-byte fixed part
// from a stream and parses them. Memory grows with the bytes actually read,
// never with a declared size alone. Unknown top-level objects between the
// two are skipped (at most MaxSkippedObjects).
func ReadHeader(r io.Reader) (*Header, error) {
	var fixed [headerFixedSize]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return nil, fmt.Errorf("%w: reading header object: %w", ErrTruncated, err)
	}
	if GUID(fixed[:16]) != GUIDHeader {
		return nil, ErrNotASF
	}
	size := binary.LittleEndian.Uint64(fixed[16:])
	if size < headerFixedSize {
		return nil, fmt.Errorf("%w: header object size %d", ErrCorrupt, size)
	}
	if size > MaxHeaderSize {
		return nil, fmt.Errorf("%w: header object size %d > %d", ErrTooLarge, size, MaxHeaderSize)
	}
	var buf bytes.Buffer
	buf.Write(fixed[:])
	if n, err := io.CopyN(&buf, r, int64(size)-headerFixedSize); err != nil {
		return nil, fmt.Errorf("%w: header object: %d of %d bytes: %w", ErrTruncated, n+headerFixedSize, size, err)
	}
	for i := 0; ; i++ {
		var oh [DataObjectFixedSize]byte
		if _, err := io.ReadFull(r, oh[:objectHeaderSize]); err != nil {
			return nil, fmt.Errorf("%w: reading data object: %w", ErrNoData, err)
		}
		if GUID(oh[:16]) == GUIDData {
			if _, err := io.ReadFull(r, oh[objectHeaderSize:]); err != nil {
				return nil, fmt.Errorf("%w: data object: %w", ErrTruncated, err)
			}
			buf.Write(oh[:])
			break
		}
		osize := binary.LittleEndian.Uint64(oh[16:])
		if i >= MaxSkippedObjects || osize < objectHeaderSize || osize > math.MaxInt64 {
			return nil, fmt.Errorf("%w: object %s after the header", ErrNoData, GUID(oh[:16]))
		}
		if _, err := io.CopyN(io.Discard, r, int64(osize)-objectHeaderSize); err != nil {
			return nil, fmt.Errorf("%w: skipping object %s: %w", ErrNoData, GUID(oh[:16]), err)
		}
	}
	h, err := ParseHeader(buf.Bytes())
	if err != nil {
		return nil, err
	}
	return h, nil
}

// headerParser collects the objects of one header, then resolves the
// cross-references (extended stream properties, bitrates, languages) in
// finish.
type headerParser struct {
	h             *Header
	fatal         error
	haveFileProps bool
	ext           []*ExtendedStreamProperties
	bitrates      map[uint8]uint32
	rawMarkers    []uint64 // marker presentation times, 100-ns, preroll included
	rawScripts    []uint32 // script command presentation times, ms
}

func (p *headerParser) warn(obj GUID, err error) {
	p.h.Warnings = append(p.h.Warnings, fmt.Errorf("%s object: %w", ObjectInfo{ID: obj}.Name(), err))
}

func (p *headerParser) topLevel(id GUID, body []byte, off int64) []ObjectInfo {
	h := p.h
	var err error
	switch id {
	case GUIDFileProperties:
		if p.haveFileProps {
			p.warn(id, errors.New("duplicate object ignored"))
			return nil
		}
		if err = parseFileProperties(h, body); err != nil {
			p.fatal = fmt.Errorf("file properties: %w", err)
			return nil
		}
		p.haveFileProps = true
	case GUIDStreamProperties:
		var s *Stream
		if s, err = parseStreamProperties(body); err == nil {
			p.addStream(s)
		}
	case GUIDHeaderExtension:
		return p.headerExtension(body, off)
	case GUIDStreamBitrateProperties:
		err = p.streamBitrates(body)
	case GUIDBitrateMutualExclusion:
		var e Exclusion
		if e, err = parseExclusion(body); err == nil {
			h.Exclusions = append(h.Exclusions, e)
		}
	case GUIDContentDescription:
		h.Content, err = parseContentDescription(body)
	case GUIDExtendedContentDesc:
		h.Extended, err = parseExtendedContentDescription(body)
	case GUIDCodecList:
		h.Codecs, err = parseCodecList(body)
	case GUIDScriptCommand:
		h.Scripts, p.rawScripts, err = parseScriptCommands(body)
	case GUIDMarker:
		h.Markers, p.rawMarkers, err = parseMarkers(body)
	case GUIDContentEncryption:
		err = parseContentEncryption(p.encryption(), body)
	case GUIDExtendedContentEncryption:
		err = parseExtendedContentEncryption(p.encryption(), body)
	}
	if err != nil {
		p.warn(id, err)
	}
	return nil
}

func (p *headerParser) encryption() *EncryptionInfo {
	if p.h.Encryption == nil {
		p.h.Encryption = &EncryptionInfo{}
	}
	return p.h.Encryption
}

func (p *headerParser) addStream(s *Stream) {
	if p.h.Stream(s.Number) != nil {
		p.warn(GUIDStreamProperties, fmt.Errorf("duplicate stream number %d ignored", s.Number))
		return
	}
	p.h.Streams = append(p.h.Streams, s)
}

// headerExtension parses the Header Extension Object (ASF spec §3.4): a
// reserved GUID, a reserved WORD, a DWORD data size, then child objects
// (ASF spec §4).
func (p *headerParser) headerExtension(body []byte, off int64) []ObjectInfo {
	const fixed = 16 + 2 + 4
	r := newReader(body)
	r.guid()
	r.u16()
	n := r.u32()
	if r.err != nil {
		p.warn(GUIDHeaderExtension, r.err)
		return nil
	}
	if uint64(n) > uint64(len(body)-fixed) {
		p.warn(GUIDHeaderExtension, fmt.Errorf("%w: extension data size %d, object has %d", ErrCorrupt, n, len(body)-fixed))
		n = uint32(len(body) - fixed)
	}
	h := p.h
	children, err := walkObjects(body[fixed:fixed+int(n)], off+objectHeaderSize+fixed, MaxHeaderObjects,
		func(id GUID, b []byte, _ int64) []ObjectInfo {
			var err error
			switch id {
			case GUIDExtendedStreamProperties:
				var e *ExtendedStreamProperties
				if e, err = parseExtendedStreamProperties(b); err == nil {
					p.ext = append(p.ext, e)
				}
			case GUIDAdvancedMutualExclusion:
				var e Exclusion
				if e, err = parseExclusion(b); err == nil {
					e.Advanced = true
					h.Exclusions = append(h.Exclusions, e)
				}
			case GUIDLanguageList:
				h.Languages, err = parseLanguageList(b)
			case GUIDMetadata:
				var m []MetadataRecord
				m, err = parseMetadata(b, false)
				h.Metadata = append(h.Metadata, m...)
			case GUIDMetadataLibrary:
				var m []MetadataRecord
				m, err = parseMetadata(b, true)
				h.Metadata = append(h.Metadata, m...)
			case GUIDAdvancedContentEncryption:
				p.encryption().AdvancedContentEncryption = true
			}
			if err != nil {
				p.warn(id, err)
			}
			return nil
		})
	if err != nil {
		p.warn(GUIDHeaderExtension, err)
	}
	return children
}

// streamBitrates parses the Stream Bitrate Properties Object (ASF spec
// §3.12): a WORD count, then {Flags WORD (stream number in bits 0-6),
// Average Bitrate DWORD}.
func (p *headerParser) streamBitrates(body []byte) error {
	r := newReader(body)
	n := int(r.u16())
	if r.err != nil {
		return r.err
	}
	if n*6 > r.remaining() {
		return fmt.Errorf("%w: %d bitrate records in %d bytes", ErrTruncated, n, r.remaining())
	}
	if p.bitrates == nil {
		p.bitrates = make(map[uint8]uint32, n)
	}
	for i := 0; i < n && r.err == nil; i++ {
		num := uint8(r.u16() & 0x7F)
		br := r.u32()
		if _, dup := p.bitrates[num]; !dup && r.err == nil {
			p.bitrates[num] = br
		}
	}
	return r.err
}

// MaxTime is the largest media time an ASF file can express: payload
// presentation times are 32-bit millisecond counts (ASF spec §5.2.3.1), so
// no position of a presentation lies beyond 2^32−1 ms (about 49.7 days).
// A header time above it (a duration, the preroll, a stream's time offset,
// a frame duration) is corrupt; the parser warns and uses 0, "unknown" or
// "none", so that nothing computed from it downstream can overflow.
const MaxTime = time.Duration(math.MaxUint32) * time.Millisecond

// checkTime zeroes *d, with a warning naming the field, when it lies
// beyond MaxTime.
func (p *headerParser) checkTime(obj GUID, field string, d *time.Duration) {
	if *d > MaxTime || *d < 0 {
		p.warn(obj, fmt.Errorf("%w: %s of %v is beyond the ASF time range (%v); ignored", ErrCorrupt, field, *d, MaxTime))
		*d = 0
	}
}

// clampTimes applies checkTime to every header time the demuxer and the
// player compute with.
func (p *headerParser) clampTimes() {
	h := p.h
	p.checkTime(GUIDFileProperties, "play duration", &h.PlayDuration)
	p.checkTime(GUIDFileProperties, "send duration", &h.SendDuration)
	p.checkTime(GUIDFileProperties, "preroll", &h.Preroll)
	for _, s := range h.Streams {
		p.checkTime(GUIDStreamProperties, fmt.Sprintf("stream %d time offset", s.Number), &s.TimeOffset)
	}
	for _, e := range p.ext {
		what := fmt.Sprintf("stream %d", e.StreamNumber)
		p.checkTime(GUIDExtendedStreamProperties, what+" start time", &e.StartTime)
		p.checkTime(GUIDExtendedStreamProperties, what+" end time", &e.EndTime)
		p.checkTime(GUIDExtendedStreamProperties, what+" average time per frame", &e.AvgTimePerFrame)
	}
}

// finish resolves cross-references once every object has been read.
func (p *headerParser) finish() {
	h := p.h
	for _, e := range p.ext {
		if e.Embedded != nil {
			p.addStream(e.Embedded)
		}
	}
	p.clampTimes()
	for _, e := range p.ext {
		if e.StreamNumber == 0 || e.StreamNumber > 127 {
			p.warn(GUIDExtendedStreamProperties, fmt.Errorf("%w: stream number %d", ErrCorrupt, e.StreamNumber))
			continue
		}
		s := h.Stream(uint8(e.StreamNumber))
		if s == nil {
			p.warn(GUIDExtendedStreamProperties, fmt.Errorf("no Stream Properties for stream %d", e.StreamNumber))
			continue
		}
		if s.Extended != nil {
			p.warn(GUIDExtendedStreamProperties, fmt.Errorf("duplicate for stream %d ignored", e.StreamNumber))
			continue
		}
		s.Extended = e
		if int(e.LanguageIndex) < len(h.Languages) {
			s.Language = h.Languages[e.LanguageIndex]
		}
		if len(e.Names) > 0 {
			s.Name = e.Names[0].Name
		}
	}
	slices.SortStableFunc(h.Streams, func(a, b *Stream) int { return int(a.Number) - int(b.Number) })
	for _, s := range h.Streams {
		switch br, ok := p.bitrates[s.Number]; {
		case ok:
			s.Bitrate = br
		case s.Extended != nil && s.Extended.DataBitrate != 0:
			s.Bitrate = s.Extended.DataBitrate
		case s.Audio != nil && s.Audio.AvgBytesPerSec <= math.MaxUint32/8:
			s.Bitrate = 8 * s.Audio.AvgBytesPerSec
		}
		if s.Video != nil {
			x, okx := metadataUint(h.Metadata, s.Number, "AspectRatioX")
			y, oky := metadataUint(h.Metadata, s.Number, "AspectRatioY")
			if okx && oky && x > 0 && y > 0 && x <= math.MaxUint32 && y <= math.MaxUint32 {
				s.Video.AspectX, s.Video.AspectY = uint32(x), uint32(y)
			}
		}
	}
	preroll := h.Preroll
	for i := range h.Markers {
		h.Markers[i].Time = hundredNS(p.rawMarkers[i]) - preroll
	}
	for i := range h.Scripts {
		h.Scripts[i].Time = milliseconds(uint64(p.rawScripts[i])) - preroll
	}
}

func metadataUint(md []MetadataRecord, stream uint8, name string) (uint64, bool) {
	for _, m := range md {
		if m.Stream == uint16(stream) && m.Name == name {
			return m.Uint()
		}
	}
	return 0, false
}

// hundredNS converts a count of 100-ns units to a Duration, saturating.
func hundredNS(v uint64) time.Duration {
	if v > math.MaxInt64/100 {
		return math.MaxInt64
	}
	return time.Duration(v * 100)
}

// milliseconds converts a count of ms to a Duration, saturating.
func milliseconds(v uint64) time.Duration {
	if v > math.MaxInt64/uint64(time.Millisecond) {
		return math.MaxInt64
	}
	return time.Duration(v) * time.Millisecond
}
