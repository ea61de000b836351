package asf

import (
	"fmt"
	"time"
)

// Extended Stream Properties flags (ASF spec §4.1).
const (
	ExtFlagReliable              = 0x1
	ExtFlagSeekable              = 0x2
	ExtFlagNoCleanpoints         = 0x4
	ExtFlagResendLiveCleanpoints = 0x8
)

// PayloadExtensionVariable is the Extension Data Size that marks a
// variable-size payload extension: a WORD length precedes its data in each
// payload's replicated data.
const PayloadExtensionVariable = 0xFFFF

// ExtendedStreamProperties is the Extended Stream Properties Object (ASF
// spec §4.1).
type ExtendedStreamProperties struct {
	StartTime, EndTime       time.Duration // ms fields
	DataBitrate              uint32
	BufferSize               uint32 // ms
	InitialBufferFullness    uint32 // ms
	AltDataBitrate           uint32
	AltBufferSize            uint32
	AltInitialBufferFullness uint32
	MaxObjectSize            uint32
	Flags                    uint32
	StreamNumber             uint16
	LanguageIndex            uint16
	// AvgTimePerFrame is the average frame duration (100-ns field).
	AvgTimePerFrame   time.Duration
	Names             []StreamName
	PayloadExtensions []PayloadExtension
	// Embedded is the Stream Properties Object embedded at the end, if any;
	// the Header lists it among its Streams.
	Embedded *Stream
}

// StreamName is one stream name of an Extended Stream Properties Object.
type StreamName struct {
	LanguageIndex uint16
	Name          string
}

// PayloadExtension is a Payload Extension System declaration: every payload
// of the stream carries, after its 8 bytes of object size and presentation
// time, Size bytes of data for it (or a WORD length and data when Size is
// PayloadExtensionVariable), in declaration order.
type PayloadExtension struct {
	ID   GUID
	Size uint16
	Info []byte
}

// Reliable reports the Reliable flag.
func (e *ExtendedStreamProperties) Reliable() bool { return e.Flags&ExtFlagReliable != 0 }

// Seekable reports the Seekable flag.
func (e *ExtendedStreamProperties) Seekable() bool { return e.Flags&ExtFlagSeekable != 0 }

// NoCleanpoints reports the No Cleanpoints flag.
func (e *ExtendedStreamProperties) NoCleanpoints() bool {
	return e.Flags&ExtFlagNoCleanpoints != 0
}

// ResendLiveCleanpoints reports the Resend Live Cleanpoints flag.
func (e *ExtendedStreamProperties) ResendLiveCleanpoints() bool {
	return e.Flags&ExtFlagResendLiveCleanpoints != 0
}

func parseExtendedStreamProperties(body []byte) (*ExtendedStreamProperties, error) {
	r := newReader(body)
	e := &ExtendedStreamProperties{}
	e.StartTime = milliseconds(r.u64())
	e.EndTime = milliseconds(r.u64())
	e.DataBitrate = r.u32()
	e.BufferSize = r.u32()
	e.InitialBufferFullness = r.u32()
	e.AltDataBitrate = r.u32()
	e.AltBufferSize = r.u32()
	e.AltInitialBufferFullness = r.u32()
	e.MaxObjectSize = r.u32()
	e.Flags = r.u32()
	e.StreamNumber = r.u16()
	e.LanguageIndex = r.u16()
	e.AvgTimePerFrame = hundredNS(r.u64())
	nNames := int(r.u16())
	nExt := int(r.u16())
	if r.err != nil {
		return nil, r.err
	}
	// Each name takes at least 4 bytes, each extension at least 22: check
	// the counts against the bytes present before allocating.
	if nNames*4+nExt*22 > r.remaining() {
		return nil, fmt.Errorf("%w: %d stream names and %d payload extensions in %d bytes", ErrTruncated, nNames, nExt, r.remaining())
	}
	for i := 0; i < nNames && r.err == nil; i++ {
		n := StreamName{LanguageIndex: r.u16()}
		n.Name = r.utf16(int(r.u16()))
		e.Names = append(e.Names, n)
	}
	for i := 0; i < nExt && r.err == nil; i++ {
		x := PayloadExtension{ID: r.guid(), Size: r.u16()}
		x.Info = r.bytesCopy(int(r.u32()))
		e.PayloadExtensions = append(e.PayloadExtensions, x)
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.remaining() >= objectHeaderSize {
		rest := r.b[r.off:]
		id := GUID(rest[:16])
		size := readU64(rest[16:])
		if id == GUIDStreamProperties && size >= objectHeaderSize && size <= uint64(len(rest)) {
			s, err := parseStreamProperties(rest[objectHeaderSize:size])
			if err != nil {
				return nil, fmt.Errorf("embedded stream properties: %w", err)
			}
			s.Embedded = true
			e.Embedded = s
		}
	}
	return e, nil
}

func readU64(b []byte) uint64 {
	r := newReader(b)
	return r.u64()
}
