package mmsp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf16"
)

// Message IDs (MS-WMSP 2.2.4: the MID field of every message). Client
// messages (LinkViewerToMac…) have 0x0003 in the high half, server
// messages (LinkMacToViewer…) 0x0004.
const (
	MIDConnect          uint32 = 0x00030001 // LinkViewerToMacConnect, 2.2.4.17
	MIDConnectFunnel    uint32 = 0x00030002 // LinkViewerToMacConnectFunnel, 2.2.4.18
	MIDOpenFile         uint32 = 0x00030005 // LinkViewerToMacOpenFile, 2.2.4.21
	MIDStartPlaying     uint32 = 0x00030007 // LinkViewerToMacStartPlaying, 2.2.4.25
	MIDStopPlaying      uint32 = 0x00030009 // LinkViewerToMacStopPlaying, 2.2.4.27
	MIDCloseFile        uint32 = 0x0003000D // LinkViewerToMacCloseFile, 2.2.4.16
	MIDReadBlock        uint32 = 0x00030015 // LinkViewerToMacReadBlock, 2.2.4.23
	MIDFunnelInfo       uint32 = 0x00030018 // LinkViewerToMacFunnelInfo, 2.2.4.19
	MIDSecurityResponse uint32 = 0x0003001A // LinkViewerToMacSecurityResponse, 2.2.4.24
	MIDPong             uint32 = 0x0003001B // LinkViewerToMacPong, 2.2.4.22
	MIDCancelReadBlock  uint32 = 0x00030025 // LinkViewerToMacCancelReadBlock, 2.2.4.15
	MIDStartStriding    uint32 = 0x00030028 // LinkViewerToMacStartStriding, 2.2.4.26
	MIDLogging          uint32 = 0x00030032 // LinkViewerToMacLogging, 2.2.4.20
	MIDStreamSwitch     uint32 = 0x00030033 // LinkViewerToMacStreamSwitch, 2.2.4.28

	MIDReportConnectedEX        uint32 = 0x00040001 // LinkMacToViewerReportConnectedEX, 2.2.4.2
	MIDReportConnectedFunnel    uint32 = 0x00040002 // LinkMacToViewerReportConnectedFunnel, 2.2.4.3
	MIDReportDisconnectedFunnel uint32 = 0x00040003 // LinkMacToViewerReportDisconnectedFunnel, 2.2.4.4
	MIDReportStartedPlaying     uint32 = 0x00040005 // LinkMacToViewerReportStartedPlaying, 2.2.4.10
	MIDReportOpenFile           uint32 = 0x00040006 // LinkMacToViewerReportOpenFile, 2.2.4.7
	MIDReportStartStriding      uint32 = 0x0004000A // LinkMacToViewerReportStartStriding, 2.2.4.11
	MIDReportReadBlock          uint32 = 0x00040011 // LinkMacToViewerReportReadBlock, 2.2.4.8
	MIDReportFunnelInfo         uint32 = 0x00040015 // LinkMacToViewerReportFunnelInfo, 2.2.4.6
	MIDSecurityChallenge        uint32 = 0x0004001A // LinkMacToViewerSecurityChallenge, 2.2.4.14
	MIDPing                     uint32 = 0x0004001B // LinkMacToViewerPing, 2.2.4.1
	MIDReportEndOfStream        uint32 = 0x0004001E // LinkMacToViewerReportEndOfStream, 2.2.4.5
	MIDReportStreamChange       uint32 = 0x00040020 // LinkMacToViewerReportStreamChange, 2.2.4.12
	MIDReportStreamSwitch       uint32 = 0x00040021 // LinkMacToViewerReportStreamSwitch, 2.2.4.13
	MIDReportRedirect           uint32 = 0x00040022 // LinkMacToViewerReportRedirect, 2.2.4.9
)

// Fixed values the spec prescribes.
const (
	// PacketPairDisabled and PacketPairUse are the playIncarnation values
	// MMS_DISABLE_PACKET_PAIR and MMS_USE_PACKET_PAIR (2.2.4.2, 2.2.4.17);
	// PacketPairTCP and PacketPairUDP are MMS_PACKET_PAIR_TCP_HIGH_ENTROPY
	// and MMS_PACKET_PAIR_UDP_HIGH_ENTROPY (2.2.4.6, 2.2.4.19).
	PacketPairDisabled uint32 = 0xF0F0F0EF
	PacketPairUse      uint32 = 0xF0F0F0F0
	PacketPairTCP      uint32 = 0xF0F0F0F1
	PacketPairUDP      uint32 = 0xF0F0F901
	// MacToViewerRevision and ViewerToMacRevision are the protocol
	// revisions of LinkViewerToMacConnect and ReportConnectedEX.
	MacToViewerRevision uint32 = 0x0004000B
	ViewerToMacRevision uint32 = 0x0003001C
	// Attribute bits of ReportOpenFile fileAttributes (2.2.4.7).
	AttrCanStride = 0x00800000
	AttrCanSeek   = 0x01000000
	AttrBroadcast = 0x02000000
	AttrLive      = 0x04000000
	AttrPlaylist  = 0x40000000
	// DefaultPort is the TCP port of the control connection and the UDP
	// port of resend requests (2.1).
	DefaultPort = 1755
	// HRMoreEntries is the hr of a ReportEndOfStream that ends one entry
	// of a server-side playlist, a ReportStreamChange following (2.2.4.5).
	HRMoreEntries = 0x00000001
)

// ErrMalformed is wrapped by every error about bytes that do not follow
// the syntax of MS-MMSP 2.2.
var ErrMalformed = errors.New("malformed MMS message")

// Message is one MMS message (MS-MMSP 2.2.4): the fields after chunkLen
// and MID. Marshal frames it (AppendPacket); Parse reads one.
type Message interface {
	// MID is the message identifier.
	MID() uint32
	// appendBody appends the fields after the MID, unpadded.
	appendBody(b []byte) []byte
}

// Name returns the spec's name of a message ID ("LinkViewerToMacConnect"),
// or "MID 0x…" for one the spec does not define.
func Name(mid uint32) string {
	if n, ok := names[mid]; ok {
		return n
	}
	return fmt.Sprintf("MID 0x%08X", mid)
}

var names = map[uint32]string{
	MIDConnect: "LinkViewerToMacConnect", MIDConnectFunnel: "LinkViewerToMacConnectFunnel",
	MIDOpenFile: "LinkViewerToMacOpenFile", MIDStartPlaying: "LinkViewerToMacStartPlaying",
	MIDStopPlaying: "LinkViewerToMacStopPlaying", MIDCloseFile: "LinkViewerToMacCloseFile",
	MIDReadBlock: "LinkViewerToMacReadBlock", MIDFunnelInfo: "LinkViewerToMacFunnelInfo",
	MIDSecurityResponse: "LinkViewerToMacSecurityResponse", MIDPong: "LinkViewerToMacPong",
	MIDCancelReadBlock: "LinkViewerToMacCancelReadBlock", MIDStartStriding: "LinkViewerToMacStartStriding",
	MIDLogging: "LinkViewerToMacLogging", MIDStreamSwitch: "LinkViewerToMacStreamSwitch",
	MIDReportConnectedEX: "LinkMacToViewerReportConnectedEX", MIDReportConnectedFunnel: "LinkMacToViewerReportConnectedFunnel",
	MIDReportDisconnectedFunnel: "LinkMacToViewerReportDisconnectedFunnel", MIDReportStartedPlaying: "LinkMacToViewerReportStartedPlaying",
	MIDReportOpenFile: "LinkMacToViewerReportOpenFile", MIDReportStartStriding: "LinkMacToViewerReportStartStriding",
	MIDReportReadBlock: "LinkMacToViewerReportReadBlock", MIDReportFunnelInfo: "LinkMacToViewerReportFunnelInfo",
	MIDSecurityChallenge: "LinkMacToViewerSecurityChallenge", MIDPing: "LinkMacToViewerPing",
	MIDReportEndOfStream: "LinkMacToViewerReportEndOfStream", MIDReportStreamChange: "LinkMacToViewerReportStreamChange",
	MIDReportStreamSwitch: "LinkMacToViewerReportStreamSwitch", MIDReportRedirect: "LinkMacToViewerReportRedirect",
}

// HRError is a failure HRESULT a server answered with (MS-ERREF: the top
// bit set).
type HRError struct {
	// MID is the message that carried it.
	MID uint32
	HR  uint32
}

func (e *HRError) Error() string {
	return fmt.Sprintf("%s: server answered HRESULT 0x%08X%s", Name(e.MID), e.HR, hrText(e.HR))
}

func hrText(hr uint32) string {
	switch hr {
	case 0x80070002:
		return " (file not found)"
	case 0x80070005:
		return " (access denied)"
	case 0x8007000E:
		return " (out of memory)"
	case 0x80004005:
		return " (unspecified failure)"
	case 0xC00D0005:
		return " (NS_E_NOCONNECTION)"
	case 0xC00D001A:
		return " (NS_E_FILE_NOT_FOUND)"
	case 0xC00D002B:
		return " (NS_E_FILE_OPEN_FAILED)"
	}
	return ""
}

// Failed reports whether hr is a failure HRESULT.
func Failed(hr uint32) bool { return hr&0x80000000 != 0 }

// --- little-endian helpers ---

func put32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func put16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func put64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }
func putF64(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

// putUTF16 appends s as UTF-16LE with a terminating NUL and returns the
// count of 16-bit units written (the NUL included).
func putUTF16(b []byte, s string) ([]byte, int) {
	u := utf16.Encode([]rune(s))
	for _, c := range u {
		b = put16(b, c)
	}
	return put16(b, 0), len(u) + 1
}

// utf16String decodes UTF-16LE bytes up to the first NUL (or the end).
func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// rd reads a message body; a read past the end sets short and yields
// zeros, so a parser reads every field and checks once.
type rd struct {
	b     []byte
	off   int
	short bool
}

func (r *rd) take(n int) []byte {
	if n < 0 || r.off > len(r.b)-n {
		r.short = true
		r.off = len(r.b)
		return nil
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

func (r *rd) u16() uint16 {
	if v := r.take(2); v != nil {
		return binary.LittleEndian.Uint16(v)
	}
	return 0
}

func (r *rd) u32() uint32 {
	if v := r.take(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

func (r *rd) u64() uint64 {
	if v := r.take(8); v != nil {
		return binary.LittleEndian.Uint64(v)
	}
	return 0
}

func (r *rd) f64() float64 { return math.Float64frombits(r.u64()) }

func (r *rd) rest() []byte { return r.b[r.off:] }

// check returns the error for a body too short for mid's fixed fields.
func (r *rd) check(mid uint32, need int) error {
	if r.short {
		return fmt.Errorf("%w: %s body is %d bytes, needs %d", ErrMalformed, Name(mid), len(r.b), need)
	}
	return nil
}

// Parse decodes the body of a message (the bytes after the MID, padding
// included) of the given MID. A MID the spec does not define gives an
// *Unknown, not an error: receivers skip it (and count it).
func Parse(mid uint32, body []byte) (Message, error) {
	r := &rd{b: body}
	switch mid {
	case MIDConnect:
		m := &Connect{PlayIncarnation: r.u32(), MacToViewerRevision: r.u32(), ViewerToMacRevision: r.u32()}
		m.SubscriberName = utf16Strings(r.rest())
		return m, r.check(mid, 12)
	case MIDConnectFunnel:
		m := &ConnectFunnel{PlayIncarnation: r.u32(), MaxBlockBytes: r.u32(), MaxFunnelBytes: r.u32(), MaxBitRate: r.u32(), FunnelMode: r.u32()}
		m.FunnelName = utf16String(r.rest())
		return m, r.check(mid, 20)
	case MIDFunnelInfo:
		return &FunnelInfo{PlayIncarnation: r.u32()}, r.check(mid, 4)
	case MIDOpenFile:
		return parseOpenFile(r)
	case MIDReadBlock:
		m := &ReadBlock{OpenFileID: r.u32(), FileBlockID: r.u32(), Offset: r.u32(), Length: r.u32(), Flags: r.u32(), Padding: r.u32(),
			TEarliest: r.f64(), TDeadline: r.f64(), PlayIncarnation: r.u32(), PlaySequence: r.u32()}
		return m, r.check(mid, 48)
	case MIDStreamSwitch:
		return parseStreamSwitch(r)
	case MIDStartPlaying:
		m := &StartPlaying{OpenFileID: r.u32(), Padding: r.u32(), Position: r.f64(), ASFOffset: r.u32(), LocationID: r.u32(),
			FrameOffset: r.u32(), PlayIncarnation: r.u32()}
		if err := r.check(mid, 32); err != nil {
			return m, err
		}
		// The optional fields: dwAccelBandwidth and dwAccelDuration
		// together, then dwLinkBandwidth (2.2.4.25).
		if len(r.rest()) >= 8 {
			m.HasAccel, m.AccelBandwidth, m.AccelDuration = true, r.u32(), r.u32()
			if len(r.rest()) >= 4 {
				m.HasLink, m.LinkBandwidth = true, r.u32()
			}
		}
		return m, nil
	case MIDStartStriding:
		m := &StartStriding{OpenFileID: r.u32(), Padding: r.u32(), Position: r.f64(), ASFOffset: r.u32(), LocationID: r.u32(),
			FrameOffset: r.u32(), PlayIncarnation: r.u32(), Rate: r.f64()}
		return m, r.check(mid, 40)
	case MIDStopPlaying:
		return &StopPlaying{OpenFileID: r.u32(), PlayIncarnation: r.u32()}, r.check(mid, 8)
	case MIDCloseFile:
		return &CloseFile{PlayIncarnation: r.u32(), OpenFileID: r.u32()}, r.check(mid, 8)
	case MIDPong:
		return &Pong{Param1: r.u32(), Param2: r.u32()}, r.check(mid, 8)
	case MIDCancelReadBlock:
		return &CancelReadBlock{PlayIncarnation: r.u32()}, r.check(mid, 4)
	case MIDSecurityResponse:
		m := &SecurityResponse{PlayIncarnation: r.u32(), Cookie: r.u32()}
		m.Token = r.take(int(min(r.u32(), math.MaxInt32)))
		return m, r.check(mid, 12+len(m.Token))
	case MIDLogging:
		m := &Logging{}
		b := r.take(ClientLogSize)
		if err := r.check(mid, ClientLogSize); err != nil {
			return m, err
		}
		l, err := ParseClientLog(b)
		m.Log = l
		return m, err

	case MIDPing:
		return &Ping{Param1: r.u32(), Param2: r.u32()}, r.check(mid, 8)
	case MIDReportConnectedEX:
		return parseConnectedEX(r)
	case MIDReportConnectedFunnel:
		m := &ReportConnectedFunnel{HR: r.u32(), PlayIncarnation: r.u32(), PacketPayloadSize: r.u32()}
		m.FunnelName = utf16String(r.rest())
		return m, r.check(mid, 12)
	case MIDReportDisconnectedFunnel:
		return &ReportDisconnectedFunnel{HR: r.u32(), PlayIncarnation: r.u32()}, r.check(mid, 8)
	case MIDReportEndOfStream:
		return &ReportEndOfStream{HR: r.u32(), PlayIncarnation: r.u32()}, r.check(mid, 8)
	case MIDReportFunnelInfo:
		m := &ReportFunnelInfo{HR: r.u32(), PlayIncarnation: r.u32(), TransportMask: r.u32(), BlockFragments: r.u32(),
			FragmentBytes: r.u32(), Cubs: r.u32(), FailedCubs: r.u32(), Disks: r.u32(), Decluster: r.u32(), DatagramSize: r.u32()}
		m.PacketPair = r.rest()
		return m, r.check(mid, 40)
	case MIDReportOpenFile:
		m := &ReportOpenFile{HR: r.u32(), PlayIncarnation: r.u32(), OpenFileID: r.u32(), Padding: r.u32(), FileName: r.u32(),
			FileAttributes: r.u32(), FileDuration: r.f64(), FileBlocks: r.u32()}
		r.take(16) // unused1
		m.FilePacketSize, m.FilePacketCount, m.FileBitRate, m.FileHeaderSize = r.u32(), r.u64(), r.u32(), r.u32()
		r.take(36) // unused2
		return m, r.check(mid, 108)
	case MIDReportReadBlock:
		return &ReportReadBlock{HR: r.u32(), PlayIncarnation: r.u32(), PlaySequence: r.u32()}, r.check(mid, 12)
	case MIDReportRedirect:
		m := &ReportRedirect{HR: r.u32(), Type: r.u16()}
		n := r.u16()
		m.Location = utf16String(r.take(int(n)))
		return m, r.check(mid, 8+int(n))
	case MIDReportStartedPlaying:
		m := &ReportStartedPlaying{HR: r.u32(), PlayIncarnation: r.u32(), TigerFileID: r.u32(), Unused1: r.u32()}
		r.take(12)
		return m, r.check(mid, 28)
	case MIDReportStartStriding:
		return &ReportStartStriding{HR: r.u32(), PlayIncarnation: r.u32(), Spare: r.u32()}, r.check(mid, 12)
	case MIDReportStreamChange:
		m := &ReportStreamChange{HR: r.u32(), TcpHdrIncarnation: r.u32(), PacketSize: r.u32(), HeaderSize: r.u32(), BitRate: r.u32(), StreamID: r.u32()}
		return m, r.check(mid, 24)
	case MIDReportStreamSwitch:
		return &ReportStreamSwitch{HR: r.u32()}, r.check(mid, 4)
	case MIDSecurityChallenge:
		m := &SecurityChallenge{PlayIncarnation: r.u32(), Cookie: r.u32()}
		m.Token = r.take(int(min(r.u32(), math.MaxInt32)))
		return m, r.check(mid, 12+len(m.Token))
	}
	return &Unknown{ID: mid, Body: body}, nil
}

// utf16Strings decodes a field of NUL-terminated UTF-16LE strings
// (subscriberName: the client token, then optional host and via strings,
// 2.2.4.17) into one string, the parts joined by NUL, trailing NULs and
// padding dropped.
func utf16Strings(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, binary.LittleEndian.Uint16(b[i:]))
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

// Unknown is a message whose MID the spec does not define; it is skipped.
type Unknown struct {
	ID   uint32
	Body []byte
}

// MID implements Message.
func (m *Unknown) MID() uint32                { return m.ID }
func (m *Unknown) appendBody(b []byte) []byte { return append(b, m.Body...) }

// Connect is LinkViewerToMacConnect (2.2.4.17).
type Connect struct {
	PlayIncarnation                          uint32
	MacToViewerRevision, ViewerToMacRevision uint32
	// SubscriberName is the client token ("NSPlayer/9.0.0.2980; {guid}";
	// Host: …), with NUL between the optional host and via strings.
	SubscriberName string
}

// MID implements Message.
func (m *Connect) MID() uint32 { return MIDConnect }
func (m *Connect) appendBody(b []byte) []byte {
	b = put32(put32(put32(b, m.PlayIncarnation), m.MacToViewerRevision), m.ViewerToMacRevision)
	b, _ = putUTF16(b, m.SubscriberName)
	return b
}

// ConnectFunnel is LinkViewerToMacConnectFunnel (2.2.4.18).
type ConnectFunnel struct {
	PlayIncarnation, MaxBlockBytes, MaxFunnelBytes, MaxBitRate, FunnelMode uint32
	// FunnelName is `\\ip-addr\proto\port` ("\\192.0.2.1\UDP\7000").
	FunnelName string
}

// MID implements Message.
func (m *ConnectFunnel) MID() uint32 { return MIDConnectFunnel }
func (m *ConnectFunnel) appendBody(b []byte) []byte {
	b = put32(put32(put32(put32(put32(b, m.PlayIncarnation), m.MaxBlockBytes), m.MaxFunnelBytes), m.MaxBitRate), m.FunnelMode)
	b, _ = putUTF16(b, m.FunnelName)
	return b
}

// FunnelInfo is LinkViewerToMacFunnelInfo (2.2.4.19).
type FunnelInfo struct{ PlayIncarnation uint32 }

// MID implements Message.
func (m *FunnelInfo) MID() uint32                { return MIDFunnelInfo }
func (m *FunnelInfo) appendBody(b []byte) []byte { return put32(b, m.PlayIncarnation) }

// OpenFile is LinkViewerToMacOpenFile (2.2.4.21).
type OpenFile struct {
	PlayIncarnation, Spare uint32
	// FileName is the URL's path, not percent-encoded.
	FileName string
	// Token is tokenData: Basic credentials or an NTLM token; empty for
	// none.
	Token []byte
}

// MID implements Message.
func (m *OpenFile) MID() uint32 { return MIDOpenFile }
func (m *OpenFile) appendBody(b []byte) []byte {
	name, n := putUTF16(nil, m.FileName)
	off := uint32(0)
	if len(m.Token) > 0 {
		off = uint32(2 * n)
	}
	b = put32(put32(put32(put32(b, m.PlayIncarnation), m.Spare), off), uint32(len(m.Token)))
	return append(append(b, name...), m.Token...)
}

func parseOpenFile(r *rd) (Message, error) {
	m := &OpenFile{PlayIncarnation: r.u32(), Spare: r.u32()}
	off, n := r.u32(), r.u32()
	if err := r.check(MIDOpenFile, 16); err != nil {
		return m, err
	}
	rest := r.rest()
	if n == 0 {
		m.FileName = utf16String(rest)
		return m, nil
	}
	if uint64(off)+uint64(n) > uint64(len(rest)) {
		return m, fmt.Errorf("%w: %s token of %d bytes at %d past the %d-byte name field", ErrMalformed, Name(MIDOpenFile), n, off, len(rest))
	}
	m.FileName = utf16String(rest[:off])
	m.Token = rest[off : off+n]
	return m, nil
}

// ReadBlock is LinkViewerToMacReadBlock (2.2.4.23).
type ReadBlock struct {
	OpenFileID, FileBlockID, Offset, Length, Flags, Padding uint32
	TEarliest, TDeadline                                    float64
	PlayIncarnation, PlaySequence                           uint32
}

// MID implements Message.
func (m *ReadBlock) MID() uint32 { return MIDReadBlock }
func (m *ReadBlock) appendBody(b []byte) []byte {
	for _, v := range []uint32{m.OpenFileID, m.FileBlockID, m.Offset, m.Length, m.Flags, m.Padding} {
		b = put32(b, v)
	}
	return put32(put32(putF64(putF64(b, m.TEarliest), m.TDeadline), m.PlayIncarnation), m.PlaySequence)
}

// StreamSwitchEntry is STREAM_SWITCH_ENTRY (2.2.4.28.1).
type StreamSwitchEntry struct {
	Src, Dst, Thinning uint16
}

// NoStream is the "no stream" value of a STREAM_SWITCH_ENTRY field.
const NoStream = 0xFFFF

// StreamSwitch is LinkViewerToMacStreamSwitch (2.2.4.28).
type StreamSwitch struct {
	Entries []StreamSwitchEntry
}

// MID implements Message.
func (m *StreamSwitch) MID() uint32 { return MIDStreamSwitch }
func (m *StreamSwitch) appendBody(b []byte) []byte {
	b = put32(b, uint32(len(m.Entries)))
	for _, e := range m.Entries {
		b = put16(put16(put16(b, e.Src), e.Dst), e.Thinning)
	}
	return b
}

func parseStreamSwitch(r *rd) (Message, error) {
	m := &StreamSwitch{}
	n := r.u32()
	if err := r.check(MIDStreamSwitch, 4); err != nil {
		return m, err
	}
	if uint64(n)*6 > uint64(len(r.rest())) {
		return m, fmt.Errorf("%w: %s declares %d entries in %d bytes", ErrMalformed, Name(MIDStreamSwitch), n, len(r.rest()))
	}
	m.Entries = make([]StreamSwitchEntry, n)
	for i := range m.Entries {
		m.Entries[i] = StreamSwitchEntry{Src: r.u16(), Dst: r.u16(), Thinning: r.u16()}
	}
	return m, nil
}

// StartPlaying is LinkViewerToMacStartPlaying (2.2.4.25).
type StartPlaying struct {
	OpenFileID, Padding uint32
	// Position is the start in seconds, or math.MaxFloat64 when
	// ASFOffset or LocationID gives it.
	Position                                            float64
	ASFOffset, LocationID, FrameOffset, PlayIncarnation uint32
	// HasAccel says dwAccelBandwidth and dwAccelDuration are present,
	// HasLink that dwLinkBandwidth is too.
	HasAccel, HasLink                            bool
	AccelBandwidth, AccelDuration, LinkBandwidth uint32
}

// MID implements Message.
func (m *StartPlaying) MID() uint32 { return MIDStartPlaying }
func (m *StartPlaying) appendBody(b []byte) []byte {
	b = putF64(put32(put32(b, m.OpenFileID), m.Padding), m.Position)
	b = put32(put32(put32(put32(b, m.ASFOffset), m.LocationID), m.FrameOffset), m.PlayIncarnation)
	if m.HasAccel || m.HasLink {
		b = put32(put32(b, m.AccelBandwidth), m.AccelDuration)
		if m.HasLink {
			b = put32(b, m.LinkBandwidth)
		}
	}
	return b
}

// StartStriding is LinkViewerToMacStartStriding (2.2.4.26).
type StartStriding struct {
	OpenFileID, Padding                                 uint32
	Position                                            float64
	ASFOffset, LocationID, FrameOffset, PlayIncarnation uint32
	Rate                                                float64
}

// MID implements Message.
func (m *StartStriding) MID() uint32 { return MIDStartStriding }
func (m *StartStriding) appendBody(b []byte) []byte {
	b = putF64(put32(put32(b, m.OpenFileID), m.Padding), m.Position)
	b = put32(put32(put32(put32(b, m.ASFOffset), m.LocationID), m.FrameOffset), m.PlayIncarnation)
	return putF64(b, m.Rate)
}

// StopPlaying is LinkViewerToMacStopPlaying (2.2.4.27).
type StopPlaying struct{ OpenFileID, PlayIncarnation uint32 }

// MID implements Message.
func (m *StopPlaying) MID() uint32 { return MIDStopPlaying }
func (m *StopPlaying) appendBody(b []byte) []byte {
	return put32(put32(b, m.OpenFileID), m.PlayIncarnation)
}

// CloseFile is LinkViewerToMacCloseFile (2.2.4.16).
type CloseFile struct{ PlayIncarnation, OpenFileID uint32 }

// MID implements Message.
func (m *CloseFile) MID() uint32 { return MIDCloseFile }
func (m *CloseFile) appendBody(b []byte) []byte {
	return put32(put32(b, m.PlayIncarnation), m.OpenFileID)
}

// Pong is LinkViewerToMacPong (2.2.4.22).
type Pong struct{ Param1, Param2 uint32 }

// MID implements Message.
func (m *Pong) MID() uint32                { return MIDPong }
func (m *Pong) appendBody(b []byte) []byte { return put32(put32(b, m.Param1), m.Param2) }

// CancelReadBlock is LinkViewerToMacCancelReadBlock (2.2.4.15).
type CancelReadBlock struct{ PlayIncarnation uint32 }

// MID implements Message.
func (m *CancelReadBlock) MID() uint32                { return MIDCancelReadBlock }
func (m *CancelReadBlock) appendBody(b []byte) []byte { return put32(b, m.PlayIncarnation) }

// SecurityResponse is LinkViewerToMacSecurityResponse (2.2.4.24).
type SecurityResponse struct {
	PlayIncarnation, Cookie uint32
	Token                   []byte
}

// MID implements Message.
func (m *SecurityResponse) MID() uint32 { return MIDSecurityResponse }
func (m *SecurityResponse) appendBody(b []byte) []byte {
	return append(put32(put32(put32(b, m.PlayIncarnation), m.Cookie), uint32(len(m.Token))), m.Token...)
}

// Logging is LinkViewerToMacLogging (2.2.4.20).
type Logging struct{ Log ClientLog }

// MID implements Message.
func (m *Logging) MID() uint32                { return MIDLogging }
func (m *Logging) appendBody(b []byte) []byte { return m.Log.AppendTo(b) }

// Ping is LinkMacToViewerPing (2.2.4.1).
type Ping struct{ Param1, Param2 uint32 }

// MID implements Message.
func (m *Ping) MID() uint32                { return MIDPing }
func (m *Ping) appendBody(b []byte) []byte { return put32(put32(b, m.Param1), m.Param2) }

// ReportConnectedEX is LinkMacToViewerReportConnectedEX (2.2.4.2).
type ReportConnectedEX struct {
	HR, PlayIncarnation                      uint32
	MacToViewerRevision, ViewerToMacRevision uint32
	BlockGroupPlayTime                       float64
	BlockGroupBlocks, MaxOpenFiles           uint32
	BlockMaxBytes, MaxBitRate                uint32
	// ServerVersion is ServerVersionInfo ("9.01.01.3814"); VersionInfo
	// and VersionURL offer an upgrade; AuthenPackage is "BASIC", "NTLM"
	// or empty.
	ServerVersion, VersionInfo, VersionURL, AuthenPackage string
}

// MID implements Message.
func (m *ReportConnectedEX) MID() uint32 { return MIDReportConnectedEX }
func (m *ReportConnectedEX) appendBody(b []byte) []byte {
	b = put32(put32(put32(put32(b, m.HR), m.PlayIncarnation), m.MacToViewerRevision), m.ViewerToMacRevision)
	b = put32(put32(put32(put32(putF64(b, m.BlockGroupPlayTime), m.BlockGroupBlocks), m.MaxOpenFiles), m.BlockMaxBytes), m.MaxBitRate)
	var strs []byte
	for _, s := range []string{m.ServerVersion, m.VersionInfo, m.VersionURL, m.AuthenPackage} {
		if s == "" {
			b = put32(b, 0)
			continue
		}
		var n int
		strs, n = putUTF16(strs, s)
		b = put32(b, uint32(n))
	}
	return append(b, strs...)
}

func parseConnectedEX(r *rd) (Message, error) {
	m := &ReportConnectedEX{HR: r.u32(), PlayIncarnation: r.u32(), MacToViewerRevision: r.u32(), ViewerToMacRevision: r.u32(),
		BlockGroupPlayTime: r.f64(), BlockGroupBlocks: r.u32(), MaxOpenFiles: r.u32(), BlockMaxBytes: r.u32(), MaxBitRate: r.u32()}
	var counts [4]uint32
	for i := range counts {
		counts[i] = r.u32()
	}
	if err := r.check(MIDReportConnectedEX, 56); err != nil {
		return m, err
	}
	var strs [4]string
	for i, n := range counts {
		b := r.take(int(min(uint64(n)*2, math.MaxInt32)))
		if r.short {
			return m, fmt.Errorf("%w: %s declares strings of %d, %d, %d and %d characters in %d bytes",
				ErrMalformed, Name(MIDReportConnectedEX), counts[0], counts[1], counts[2], counts[3], len(r.b)-56)
		}
		strs[i] = utf16String(b)
	}
	m.ServerVersion, m.VersionInfo, m.VersionURL, m.AuthenPackage = strs[0], strs[1], strs[2], strs[3]
	return m, nil
}

// ReportConnectedFunnel is LinkMacToViewerReportConnectedFunnel (2.2.4.3).
type ReportConnectedFunnel struct {
	HR, PlayIncarnation, PacketPayloadSize uint32
	FunnelName                             string
}

// MID implements Message.
func (m *ReportConnectedFunnel) MID() uint32 { return MIDReportConnectedFunnel }
func (m *ReportConnectedFunnel) appendBody(b []byte) []byte {
	b = put32(put32(put32(b, m.HR), m.PlayIncarnation), m.PacketPayloadSize)
	b, _ = putUTF16(b, m.FunnelName)
	return b
}

// ReportDisconnectedFunnel is LinkMacToViewerReportDisconnectedFunnel
// (2.2.4.4).
type ReportDisconnectedFunnel struct{ HR, PlayIncarnation uint32 }

// MID implements Message.
func (m *ReportDisconnectedFunnel) MID() uint32 { return MIDReportDisconnectedFunnel }
func (m *ReportDisconnectedFunnel) appendBody(b []byte) []byte {
	return put32(put32(b, m.HR), m.PlayIncarnation)
}

// ReportEndOfStream is LinkMacToViewerReportEndOfStream (2.2.4.5).
type ReportEndOfStream struct{ HR, PlayIncarnation uint32 }

// MID implements Message.
func (m *ReportEndOfStream) MID() uint32 { return MIDReportEndOfStream }
func (m *ReportEndOfStream) appendBody(b []byte) []byte {
	return put32(put32(b, m.HR), m.PlayIncarnation)
}

// ReportFunnelInfo is LinkMacToViewerReportFunnelInfo (2.2.4.6).
type ReportFunnelInfo struct {
	HR, PlayIncarnation, TransportMask, BlockFragments, FragmentBytes uint32
	// Cubs (nCubs) is the Client-ID of resend requests.
	Cubs, FailedCubs, Disks, Decluster, DatagramSize uint32
	// PacketPair is the packet-pair packet: random bytes, padding
	// included, when PlayIncarnation is PacketPairUse or PacketPairTCP.
	PacketPair []byte
}

// MID implements Message.
func (m *ReportFunnelInfo) MID() uint32 { return MIDReportFunnelInfo }
func (m *ReportFunnelInfo) appendBody(b []byte) []byte {
	for _, v := range []uint32{m.HR, m.PlayIncarnation, m.TransportMask, m.BlockFragments, m.FragmentBytes, m.Cubs, m.FailedCubs, m.Disks, m.Decluster, m.DatagramSize} {
		b = put32(b, v)
	}
	return append(b, m.PacketPair...)
}

// ReportOpenFile is LinkMacToViewerReportOpenFile (2.2.4.7).
type ReportOpenFile struct {
	HR, PlayIncarnation, OpenFileID, Padding, FileName, FileAttributes uint32
	// FileDuration is in seconds, 0 for live content.
	FileDuration float64
	FileBlocks   uint32
	// FilePacketSize is the largest ASF data packet, FilePacketCount
	// their number (0 unknown), FileBitRate the sum of the streams' bit
	// rates, FileHeaderSize the ASF file header's size.
	FilePacketSize  uint32
	FilePacketCount uint64
	FileBitRate     uint32
	FileHeaderSize  uint32
}

// MID implements Message.
func (m *ReportOpenFile) MID() uint32 { return MIDReportOpenFile }
func (m *ReportOpenFile) appendBody(b []byte) []byte {
	for _, v := range []uint32{m.HR, m.PlayIncarnation, m.OpenFileID, m.Padding, m.FileName, m.FileAttributes} {
		b = put32(b, v)
	}
	b = put32(putF64(b, m.FileDuration), m.FileBlocks)
	b = append(b, make([]byte, 16)...)
	b = put32(put32(put64(put32(b, m.FilePacketSize), m.FilePacketCount), m.FileBitRate), m.FileHeaderSize)
	return append(b, make([]byte, 36)...)
}

// ReportReadBlock is LinkMacToViewerReportReadBlock (2.2.4.8).
type ReportReadBlock struct{ HR, PlayIncarnation, PlaySequence uint32 }

// MID implements Message.
func (m *ReportReadBlock) MID() uint32 { return MIDReportReadBlock }
func (m *ReportReadBlock) appendBody(b []byte) []byte {
	return put32(put32(put32(b, m.HR), m.PlayIncarnation), m.PlaySequence)
}

// Redirect types of ReportRedirect (2.2.4.9).
const (
	RedirectURL   = 1
	RedirectProxy = 2
)

// ReportRedirect is LinkMacToViewerReportRedirect (2.2.4.9).
type ReportRedirect struct {
	HR       uint32
	Type     uint16
	Location string
}

// MID implements Message.
func (m *ReportRedirect) MID() uint32 { return MIDReportRedirect }
func (m *ReportRedirect) appendBody(b []byte) []byte {
	loc, n := putUTF16(nil, m.Location)
	return append(put16(put16(put32(b, m.HR), m.Type), uint16(2*n)), loc...)
}

// ReportStartedPlaying is LinkMacToViewerReportStartedPlaying (2.2.4.10).
type ReportStartedPlaying struct{ HR, PlayIncarnation, TigerFileID, Unused1 uint32 }

// MID implements Message.
func (m *ReportStartedPlaying) MID() uint32 { return MIDReportStartedPlaying }
func (m *ReportStartedPlaying) appendBody(b []byte) []byte {
	b = put32(put32(put32(put32(b, m.HR), m.PlayIncarnation), m.TigerFileID), m.Unused1)
	return append(b, make([]byte, 12)...)
}

// ReportStartStriding is LinkMacToViewerReportStartStriding (2.2.4.11).
type ReportStartStriding struct{ HR, PlayIncarnation, Spare uint32 }

// MID implements Message.
func (m *ReportStartStriding) MID() uint32 { return MIDReportStartStriding }
func (m *ReportStartStriding) appendBody(b []byte) []byte {
	return put32(put32(put32(b, m.HR), m.PlayIncarnation), m.Spare)
}

// ReportStreamChange is LinkMacToViewerReportStreamChange (2.2.4.12).
type ReportStreamChange struct {
	HR, TcpHdrIncarnation, PacketSize, HeaderSize, BitRate, StreamID uint32
}

// MID implements Message.
func (m *ReportStreamChange) MID() uint32 { return MIDReportStreamChange }
func (m *ReportStreamChange) appendBody(b []byte) []byte {
	for _, v := range []uint32{m.HR, m.TcpHdrIncarnation, m.PacketSize, m.HeaderSize, m.BitRate, m.StreamID} {
		b = put32(b, v)
	}
	return b
}

// ReportStreamSwitch is LinkMacToViewerReportStreamSwitch (2.2.4.13).
type ReportStreamSwitch struct{ HR uint32 }

// MID implements Message.
func (m *ReportStreamSwitch) MID() uint32                { return MIDReportStreamSwitch }
func (m *ReportStreamSwitch) appendBody(b []byte) []byte { return put32(b, m.HR) }

// SecurityChallenge is LinkMacToViewerSecurityChallenge (2.2.4.14).
type SecurityChallenge struct {
	PlayIncarnation, Cookie uint32
	Token                   []byte
}

// MID implements Message.
func (m *SecurityChallenge) MID() uint32 { return MIDSecurityChallenge }
func (m *SecurityChallenge) appendBody(b []byte) []byte {
	return append(put32(put32(put32(b, m.PlayIncarnation), m.Cookie), uint32(len(m.Token))), m.Token...)
}
