package mmsp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// The expected bytes below are written field by field from the layouts of
// MS-MMSP 2.2.2–2.2.5 (the packet diagrams and field texts), with these
// little-endian helpers, never with the package's marshalling.

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func f64(v float64) []byte { return le64(math.Float64bits(v)) }
func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}
func wstr(s string) []byte { // UTF-16LE with the terminating NUL
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = append(b, le16(c)...)
	}
	return append(b, 0, 0)
}
func pad8(b []byte) []byte {
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

// tcpPacket writes a TcpMessageHeader (2.2.3) around one message whose
// chunkLen and MID are given and whose fields are body: rep 1, version 0,
// versionMinor 0, padding 0, sessionId 0xB00BFACE, messageLength = message
// + 16, seal "MMS ", chunkCount = (message + 16) / 8, seq, MBZ, timeSent.
func tcpPacket(seq uint16, timeSent uint64, mid uint32, body []byte) []byte {
	msg := pad8(cat(le32(0), le32(mid), body))
	binary.LittleEndian.PutUint32(msg, uint32(len(msg)/8))
	return cat([]byte{0x01, 0x00, 0x00, 0x00}, []byte{0xCE, 0xFA, 0x0B, 0xB0},
		le32(uint32(len(msg)+16)), []byte("MMS "), le32(uint32((len(msg)+16)/8)),
		le16(seq), le16(0), le64(timeSent), msg)
}

// TestAppendPacketConnect: the first packet of a session (4.3), a
// LinkViewerToMacConnect (2.2.4.17) with the subscriberName of the spec's
// example, byte for byte.
func TestAppendPacketConnect(t *testing.T) {
	name := "NSPlayer/4.1.0.3928; {68c0a090-8797-11d2-a2b3-00a0c9b60551}"
	got := AppendPacket(nil, 0, 0, &Connect{PlayIncarnation: 0xF0F0F0EF, MacToViewerRevision: 0x0004000B, ViewerToMacRevision: 0x0003001C, SubscriberName: name})
	// The header spelled out: 01 00 00 00 | CE FA 0B B0 | len | 4D 4D 53 20 …
	nameBytes := wstr(name)          // 59 characters + NUL = 120 bytes
	msgLen := (8 + 12 + 122 + 7) / 8 // 18 chunks: 144 bytes
	want := cat([]byte{1, 0, 0, 0, 0xCE, 0xFA, 0x0B, 0xB0}, le32(uint32(msgLen*8+16)), []byte{0x4D, 0x4D, 0x53, 0x20},
		le32(uint32(msgLen+2)), []byte{0, 0, 0, 0}, make([]byte, 8),
		le32(uint32(msgLen)), []byte{0x01, 0x00, 0x03, 0x00}, []byte{0xEF, 0xF0, 0xF0, 0xF0}, []byte{0x0B, 0x00, 0x04, 0x00}, []byte{0x1C, 0x00, 0x03, 0x00},
		nameBytes, make([]byte, msgLen*8-8-12-len(nameBytes)))
	if !bytes.Equal(got, want) {
		t.Fatalf("LinkViewerToMacConnect packet\n got %x\nwant %x", got, want)
	}
	if len(got) != 32+144 || len(got)%8 != 0 {
		t.Fatalf("packet of %d bytes", len(got))
	}
	// Sequence numbers and timeSent land where 2.2.3 puts them.
	got = AppendPacket(nil, 0x1234, 0x0102030405060708, &Pong{})
	if !bytes.Equal(got[20:22], []byte{0x34, 0x12}) || !bytes.Equal(got[22:24], []byte{0, 0}) || !bytes.Equal(got[24:32], []byte{8, 7, 6, 5, 4, 3, 2, 1}) {
		t.Fatalf("seq/MBZ/timeSent: %x", got[16:32])
	}
}

// TestClientMessageBytes: each client message is laid out as its section
// of 2.2.4 says.
func TestClientMessageBytes(t *testing.T) {
	tok := []byte("dXNlcjpwYXNz\x00")
	for _, tc := range []struct {
		name string
		m    Message
		want []byte // the fields after chunkLen and MID, unpadded
	}{
		{"ConnectFunnel 2.2.4.18", &ConnectFunnel{MaxBlockBytes: 0xFFFFFFFF, MaxBitRate: 0x00989680, FunnelMode: 2, FunnelName: `\\127.0.0.1\TCP\1755`},
			cat(le32(0), le32(0xFFFFFFFF), le32(0), le32(0x00989680), le32(2), wstr(`\\127.0.0.1\TCP\1755`))},
		{"FunnelInfo 2.2.4.19", &FunnelInfo{PlayIncarnation: 0xF0F0F901}, []byte{0x01, 0xF9, 0xF0, 0xF0}},
		// 2.2.4.21: "If the fileName field is abc.asf, and the size of
		// the tokenData field is nonzero, the value of the token field
		// must be 0x00000010."
		{"OpenFile with token 2.2.4.21", &OpenFile{PlayIncarnation: 9, FileName: "abc.asf", Token: tok},
			cat(le32(9), le32(0), le32(0x10), le32(uint32(len(tok))), wstr("abc.asf"), tok)},
		{"OpenFile 2.2.4.21", &OpenFile{PlayIncarnation: 9, FileName: "media/mediastream.asf"},
			cat(le32(9), le32(0), le32(0), le32(0), wstr("media/mediastream.asf"))},
		{"ReadBlock 2.2.4.23", &ReadBlock{OpenFileID: 7, Length: 0x8000, Flags: 0xFFFFFFFF, TDeadline: 3600, PlayIncarnation: 1},
			cat(le32(7), le32(0), le32(0), le32(0x8000), le32(0xFFFFFFFF), le32(0), f64(0), f64(3600), le32(1), le32(0))},
		{"StreamSwitch 2.2.4.28", &StreamSwitch{Entries: []StreamSwitchEntry{{0xFFFF, 1, 0}, {0xFFFF, 0xFFFF, 0}}},
			cat(le32(2), le16(0xFFFF), le16(1), le16(0), le16(0xFFFF), le16(0xFFFF), le16(0))},
		{"StartPlaying 2.2.4.25", &StartPlaying{OpenFileID: 7, Position: 12.5, ASFOffset: 0xFFFFFFFF, LocationID: 0xFFFFFFFF, PlayIncarnation: 9},
			cat(le32(7), le32(0), f64(12.5), le32(0xFFFFFFFF), le32(0xFFFFFFFF), le32(0), le32(9))},
		{"StartPlaying accel 2.2.4.25", &StartPlaying{OpenFileID: 7, Position: math.MaxFloat64, LocationID: 42, PlayIncarnation: 10, HasAccel: true, HasLink: true, AccelBandwidth: 1000000, AccelDuration: 5000, LinkBandwidth: 2000000},
			cat(le32(7), le32(0), f64(math.MaxFloat64), le32(0), le32(42), le32(0), le32(10), le32(1000000), le32(5000), le32(2000000))},
		{"StartStriding 2.2.4.26", &StartStriding{OpenFileID: 7, Position: 3, PlayIncarnation: 11, Rate: -5},
			cat(le32(7), le32(0), f64(3), le32(0), le32(0), le32(0), le32(11), f64(-5))},
		{"StopPlaying 2.2.4.27", &StopPlaying{OpenFileID: 7, PlayIncarnation: 9}, cat(le32(7), le32(9))},
		{"CloseFile 2.2.4.16", &CloseFile{OpenFileID: 7}, cat(le32(0), le32(7))},
		{"Pong 2.2.4.22", &Pong{}, make([]byte, 8)},
		{"CancelReadBlock 2.2.4.15", &CancelReadBlock{PlayIncarnation: 2}, le32(2)},
		{"SecurityResponse 2.2.4.24", &SecurityResponse{PlayIncarnation: 9, Cookie: 0xC00C1E, Token: tok},
			cat(le32(9), le32(0xC00C1E), le32(uint32(len(tok))), tok)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AppendPacket(nil, 3, 0, tc.m)
			want := tcpPacket(3, 0, tc.m.MID(), tc.want)
			if !bytes.Equal(got, want) {
				t.Fatalf("\n got %x\nwant %x", got, want)
			}
			// And it reads back as itself.
			f, err := NewReader(bytes.NewReader(got)).Next()
			if err != nil || f.Packet == nil || len(f.Packet.Messages) != 1 {
				t.Fatalf("read back: %+v %v", f, err)
			}
			if !reflect.DeepEqual(f.Packet.Messages[0], tc.m) {
				t.Fatalf("read back %#v, want %#v", f.Packet.Messages[0], tc.m)
			}
		})
	}
}

// TestParseServerMessages: server messages written from their sections
// parse into the fields the sections name.
func TestParseServerMessages(t *testing.T) {
	for _, tc := range []struct {
		name string
		mid  uint32
		body []byte
		want Message
	}{
		{"Ping 2.2.4.1", 0x0004001b, make([]byte, 8), &Ping{}},
		// 4.6.1: AuthenPackage "BASIC", cbAuthenPackage 6.
		{"ReportConnectedEX 2.2.4.2", 0x00040001,
			cat(le32(0), le32(0xF0F0F0EF), le32(0x0004000B), le32(0x0003001C), f64(1.0), le32(1), le32(1), le32(0x8000), le32(0x00989680),
				le32(13), le32(0), le32(0), le32(6), wstr("9.01.01.3814"), wstr("BASIC")),
			&ReportConnectedEX{PlayIncarnation: 0xF0F0F0EF, MacToViewerRevision: 0x0004000B, ViewerToMacRevision: 0x0003001C, BlockGroupPlayTime: 1,
				BlockGroupBlocks: 1, MaxOpenFiles: 1, BlockMaxBytes: 0x8000, MaxBitRate: 0x00989680, ServerVersion: "9.01.01.3814", AuthenPackage: "BASIC"}},
		{"ReportConnectedFunnel 2.2.4.3", 0x00040002, cat(le32(0), le32(0), le32(0), wstr("Funnel Of The Gods")),
			&ReportConnectedFunnel{FunnelName: "Funnel Of The Gods"}},
		{"ReportDisconnectedFunnel 2.2.4.4", 0x00040003, cat(le32(0x80070005), le32(0)), &ReportDisconnectedFunnel{HR: 0x80070005}},
		{"ReportEndOfStream 2.2.4.5", 0x0004001e, cat(le32(1), le32(9)), &ReportEndOfStream{HR: 1, PlayIncarnation: 9}},
		{"ReportFunnelInfo 2.2.4.6", 0x00040015,
			cat(le32(0), le32(0xF0F0F0EF), le32(8), le32(1), le32(0x00010000), le32(0x1234), le32(0), le32(1), le32(0), le32(0)),
			&ReportFunnelInfo{PlayIncarnation: 0xF0F0F0EF, TransportMask: 8, BlockFragments: 1, FragmentBytes: 0x10000, Cubs: 0x1234, Disks: 1, PacketPair: []byte{}}},
		{"ReportOpenFile 2.2.4.7", 0x00040006,
			cat(le32(0), le32(9), le32(7), le32(0), le32(0), le32(0x01800000), f64(6.036), le32(7), make([]byte, 16),
				le32(3200), le64(120), le32(64000), le32(5234), make([]byte, 36)),
			&ReportOpenFile{PlayIncarnation: 9, OpenFileID: 7, FileAttributes: AttrCanSeek | AttrCanStride, FileDuration: 6.036, FileBlocks: 7,
				FilePacketSize: 3200, FilePacketCount: 120, FileBitRate: 64000, FileHeaderSize: 5234}},
		{"ReportReadBlock 2.2.4.8", 0x00040011, cat(le32(0), le32(1), le32(0)), &ReportReadBlock{PlayIncarnation: 1}},
		{"ReportRedirect 2.2.4.9", 0x00040022, cat(le32(0), le16(1), le16(uint16(len(wstr("mmst://other/a.asf")))), wstr("mmst://other/a.asf")),
			&ReportRedirect{Type: 1, Location: "mmst://other/a.asf"}},
		// RedirectType 2 with an empty wszLocation: only its terminating
		// NUL, cbLocation 2 (2.2.4.9: stop using the proxy).
		{"ReportRedirect proxy, empty 2.2.4.9", 0x00040022, cat(le32(0), le16(2), le16(2), []byte{0, 0}, make([]byte, 6)),
			&ReportRedirect{Type: 2}},
		{"ReportStartedPlaying 2.2.4.10", 0x00040005, cat(le32(0), le32(9), le32(7), le32(0x40000000), make([]byte, 12)),
			&ReportStartedPlaying{PlayIncarnation: 9, TigerFileID: 7, Unused1: 0x40000000}},
		{"ReportStartStriding 2.2.4.11", 0x0004000a, cat(le32(0), le32(11), le32(0)), &ReportStartStriding{PlayIncarnation: 11}},
		{"ReportStreamChange 2.2.4.12", 0x00040020, cat(le32(0), le32(0xFF), le32(3200), le32(5234), le32(64000), le32(0)),
			&ReportStreamChange{TcpHdrIncarnation: 0xFF, PacketSize: 3200, HeaderSize: 5234, BitRate: 64000}},
		{"ReportStreamSwitch 2.2.4.13", 0x00040021, le32(0), &ReportStreamSwitch{}},
		{"SecurityChallenge Basic 2.2.4.14", 0x0004001A, cat(le32(9), le32(77), le32(uint32(len(wstr(`realm=""`)))), wstr(`realm=""`)),
			&SecurityChallenge{PlayIncarnation: 9, Cookie: 77, Token: wstr(`realm=""`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewReader(bytes.NewReader(tcpPacket(5, 99, tc.mid, tc.body))).Next()
			if err != nil {
				t.Fatal(err)
			}
			if f.Packet.Seq != 5 || f.Packet.TimeSent != 99 || len(f.Packet.Messages) != 1 {
				t.Fatalf("packet %+v", f.Packet)
			}
			if got := f.Packet.Messages[0]; !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v\nwant %#v", got, tc.want)
			}
			// What the server side marshals is the same bytes.
			if got := AppendPacket(nil, 5, 99, tc.want); !bytes.Equal(got, tcpPacket(5, 99, tc.mid, tc.body)) {
				t.Fatalf("marshal\n got %x\nwant %x", got, tcpPacket(5, 99, tc.mid, tc.body))
			}
		})
	}
}

// TestReaderRejectsLies: lengths that lie and broken framing end with
// ErrMalformed (or the connection's end) naming the fault, never a panic
// or a read past the data.
func TestReaderRejectsLies(t *testing.T) {
	good := tcpPacket(0, 0, MIDPing, make([]byte, 8))
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	for _, tc := range []struct {
		name, want string
		in         []byte
	}{
		{"messageLength beyond the limit", "messageLength", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 1<<30); return b })},
		{"messageLength not a multiple of 8", "messageLength", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 33); return b })},
		{"messageLength too small for a message", "messageLength", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 16); return b })},
		{"messageLength past the data", "unexpected EOF", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 64); return b })},
		{"chunkLen past the packet", "chunkLen", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[32:], 3); return b })},
		{"chunkLen zero", "chunkLen", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[32:], 0); return b })},
		{"bad seal", "seal", mod(func(b []byte) []byte { b[12] = 'X'; return b })},
		{"bad rep", "rep", mod(func(b []byte) []byte { b[0] = 2; return b })},
		{"message shorter than its fields", "needs", tcpPacket(0, 0, MIDReportOpenFile, make([]byte, 40))},
		{"connectedEX strings past the end", "declares strings", tcpPacket(0, 0, MIDReportConnectedEX, cat(make([]byte, 40), le32(1000), le32(0), le32(0), le32(0)))},
		{"stream switch count past the end", "declares", tcpPacket(0, 0, MIDStreamSwitch, le32(0x7FFFFFFF))},
		{"open file token past the end", "token", tcpPacket(0, 0, MIDOpenFile, cat(le32(1), le32(0), le32(0x10), le32(1000), wstr("abc.asf")))},
		{"challenge token past the end", "needs", tcpPacket(0, 0, MIDSecurityChallenge, cat(le32(1), le32(0), le32(0xFFFFFFFF)))},
		{"data packet smaller than its header", "less than", cat(le32(0), []byte{1, 0}, le16(4))},
		{"data packet past the data", "unexpected EOF", cat(le32(0), []byte{1, 0}, le16(100), make([]byte, 10))},
		{"packet cut in its header", "unexpected EOF", good[:6]},
		{"logging of the wrong size", "cbSize", tcpPacket(0, 0, MIDLogging, make([]byte, ClientLogSize))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(tc.in)).Next()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one saying %q", err, tc.want)
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("err %v wraps neither ErrMalformed nor io.ErrUnexpectedEOF", err)
			}
		})
	}
	if _, err := NewReader(bytes.NewReader(nil)).Next(); err != io.EOF {
		t.Fatalf("clean end: %v", err)
	}
}

// TestReaderUnknownAndSeveral: a packet may carry several messages
// (2.2.3); a MID the spec does not define is skipped and counted; Data
// packets interleave with messages on the TCP connection (3.1.5.2).
func TestReaderUnknownAndSeveral(t *testing.T) {
	two := tcpPacket(1, 0, MIDPing, make([]byte, 8))
	// Append a second message, an unknown MID 0x00049999 of 2 chunks,
	// and fix the header's lengths.
	extra := cat(le32(2), le32(0x00049999), []byte{1, 2, 3, 4, 5, 6, 7, 8})
	two = append(two, extra...)
	binary.LittleEndian.PutUint32(two[8:], uint32(len(two)-16))
	binary.LittleEndian.PutUint32(two[16:], uint32((len(two)-16)/8))
	data := cat(le32(42), []byte{9, 3}, le16(8+5), []byte("hello"))
	r := NewReader(bytes.NewReader(cat(two, data, tcpPacket(2, 0, MIDReportEndOfStream, cat(le32(0), le32(9))))))
	f, err := r.Next()
	if err != nil || len(f.Packet.Messages) != 2 {
		t.Fatalf("%+v %v", f, err)
	}
	if u, ok := f.Packet.Messages[1].(*Unknown); !ok || u.ID != 0x00049999 || r.Unknown != 1 || !bytes.Equal(u.Body, []byte{1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Fatalf("unknown: %#v, counted %d", f.Packet.Messages[1], r.Unknown)
	}
	f, err = r.Next()
	if err != nil || f.Data == nil || f.Data.LocationID != 42 || f.Data.Incarnation != 9 || f.Data.Flags != 3 || string(f.Data.Payload) != "hello" {
		t.Fatalf("data: %+v %v", f.Data, err)
	}
	f, err = r.Next()
	if err != nil || !reflect.DeepEqual(f.Packet.Messages[0], &ReportEndOfStream{PlayIncarnation: 9}) {
		t.Fatalf("end of stream: %+v %v", f, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

// TestDataAndResend: the UDP forms of 2.2.2 and 2.2.5.
func TestDataAndResend(t *testing.T) {
	// 4.4.1: the first packet-pair packet: LocationId 0xF0F0F000,
	// playIncarnation 0xFF, AFFlags 0x10.
	pp := cat([]byte{0x00, 0xF0, 0xF0, 0xF0, 0xFF, 0x10}, le16(8+16), bytes.Repeat([]byte{0xA5}, 16))
	d, err := ParseData(pp)
	if err != nil || d.LocationID != PacketPairLocation || d.Incarnation != 0xFF || d.Flags != FlagPacketPair || len(d.Payload) != 16 {
		t.Fatalf("%+v %v", d, err)
	}
	if b, _ := AppendData(nil, d); !bytes.Equal(b, pp) {
		t.Fatalf("AppendData %x", b)
	}
	if _, err := ParseData(pp[:20]); !errors.Is(err, ErrMalformed) {
		t.Fatalf("short datagram: %v", err)
	}
	if _, err := ParseData(pp[:5]); !errors.Is(err, ErrMalformed) {
		t.Fatalf("tiny datagram: %v", err)
	}
	if _, err := AppendData(nil, Data{Payload: make([]byte, 0x10000)}); err == nil {
		t.Fatal("a payload beyond PacketSize's 16 bits was framed")
	}
	// Signature 0xBEEFF00D, dwClientId, wSourceId, wNumPackets, the list.
	rs := cat(le32(0xBEEFF00D), le32(0x1234), le16(7), le16(2), le32(300), le32(301))
	r, err := ParseResend(rs)
	if err != nil || !reflect.DeepEqual(r, Resend{ClientID: 0x1234, SourceID: 7, Packets: []uint32{300, 301}}) {
		t.Fatalf("%+v %v", r, err)
	}
	if !bytes.Equal(AppendResend(nil, r), rs) {
		t.Fatalf("AppendResend %x", AppendResend(nil, r))
	}
	for _, bad := range [][]byte{rs[:14], cat(le32(0xBEEFF00D), le32(1), le16(1), le16(33), make([]byte, 4*33)), cat(le32(1), rs[4:])} {
		if _, err := ParseResend(bad); !errors.Is(err, ErrMalformed) {
			t.Fatalf("%x: %v", bad, err)
		}
	}
}

// TestClientLogLayout: CLIENT_LOG is 1490 bytes with its fields at the
// offsets of 2.2.1.1 and 2.2.1.2; strings are NUL-terminated, "-" when
// empty, cut to their field.
func TestClientLogLayout(t *testing.T) {
	l := ClientLog{URL: "mmst://host/a.wma", Proto: "mms", Transport: "TCP", SourceID: 7, IPAddress: 0xFFFFFFFF,
		PlayedMS: 6000, Rate: 1, BytesReceived: 123456, PacketsReceived: 40, PacketsLostNet: 2, ClientVersion: PackVersion("0.1.0"),
		UniquePID: strings.Repeat("x", 100)}
	b := l.AppendTo(nil)
	if len(b) != 1490 {
		t.Fatalf("%d bytes", len(b))
	}
	at := func(off int, want []byte) {
		t.Helper()
		if !bytes.Equal(b[off:off+len(want)], want) {
			t.Errorf("at %d: %x, want %x", off, b[off:off+len(want)], want)
		}
	}
	at(0, le32(1490))
	at(4, le32(1142))
	at(8, []byte("mmst://host/a.wma\x00"))
	at(4+264, []byte("-\x00"))                            // szChannelURL empty
	at(4+848, le64(0x0000000100000000))                   // qwClientVersion 0.1.0.0
	at(4+872, append([]byte(strings.Repeat("x", 39)), 0)) // szUniquePID cut to 40 with its NUL
	at(4+1100, le32(6000))                                // msPlayed
	at(4+1104, le16(1))                                   // rate
	at(4+1114, le64(123456))                              // qwBytesReceived
	at(4+1122, le32(40))                                  // dwPacketsReceived
	at(1146, le32(7))                                     // dwSourceId
	at(1150, le32(0xFFFFFFFF))                            // dwIPAddress
	at(1454, []byte("mms\x00"))                           // szProto
	at(1462, []byte("TCP\x00"))                           // szTransport
	at(1470, le32(2))                                     // dwPacketsLostNet
	back, err := ParseClientLog(b)
	if err != nil || back.URL != l.URL || back.PacketsLostNet != 2 || back.Transport != "TCP" || back.ChannelURL != "-" || back.PlayedMS != 6000 {
		t.Fatalf("%+v %v", back, err)
	}
	// As LinkViewerToMacLogging: 8 + 1490 bytes padded to 1504 (188 chunks).
	p := AppendPacket(nil, 0, 0, &Logging{Log: l})
	if len(p) != 32+1504 || binary.LittleEndian.Uint32(p[32:]) != 188 {
		t.Fatalf("logging packet %d bytes, chunkLen %d", len(p), binary.LittleEndian.Uint32(p[32:]))
	}
}

// FuzzReader: whatever the bytes, the reader returns frames or an error,
// never panics, and never holds more than one packet's worth.
func FuzzReader(f *testing.F) {
	f.Add(tcpPacket(0, 0, MIDPing, make([]byte, 8)))
	f.Add(tcpPacket(0, 0, MIDReportConnectedEX, cat(le32(0), le32(0xF0F0F0EF), le32(0x0004000B), le32(0x0003001C), f64(1.0), le32(1), le32(1), le32(0x8000), le32(0x00989680),
		le32(13), le32(0), le32(0), le32(6), wstr("9.01.01.3814"), wstr("BASIC"))))
	f.Add(tcpPacket(0, 0, MIDReportOpenFile, cat(le32(0), le32(9), le32(7), le32(0), le32(0), le32(0x01800000), f64(6.036), le32(7), make([]byte, 16),
		le32(3200), le64(120), le32(64000), le32(5234), make([]byte, 36))))
	f.Add(cat(le32(42), []byte{9, 3}, le16(8+5), []byte("hello")))
	f.Add(tcpPacket(0, 0, MIDStreamSwitch, cat(le32(1), le16(0xFFFF), le16(1), le16(0))))
	f.Add(tcpPacket(0, 0, MIDOpenFile, cat(le32(9), le32(0), le32(0x10), le32(4), wstr("abc.asf"), []byte("abc\x00"))))
	f.Add(AppendPacket(nil, 0, 0, &Logging{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b))
		for i := 0; i < 100; i++ {
			fr, err := r.Next()
			if err != nil {
				return
			}
			if fr.Packet == nil && fr.Data == nil {
				t.Fatal("a frame with neither packet nor data")
			}
		}
	})
}

// FuzzData: UDP datagrams (Data packets, resend requests) parse or fail
// cleanly, and what parses frames back to the same bytes.
func FuzzData(f *testing.F) {
	f.Add(cat([]byte{0x00, 0xF0, 0xF0, 0xF0, 0xFF, 0x10}, le16(8+4), []byte{1, 2, 3, 4}))
	f.Add(cat(le32(0xBEEFF00D), le32(0x1234), le16(7), le16(2), le32(300), le32(301)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := ParseData(b); err == nil {
			if out, err := AppendData(nil, d); err != nil || !bytes.Equal(out, b) {
				t.Fatalf("data %x framed back as %x (%v)", b, out, err)
			}
		}
		if r, err := ParseResend(b); err == nil {
			if out := AppendResend(nil, r); !bytes.Equal(out, b) {
				t.Fatalf("resend %x framed back as %x", b, out)
			}
		}
	})
}

// TestChallengeScheme: the Auth-Scheme of a SecurityChallenge (3.1.5.8):
// a version 9+ server's pToken starting with two zero bytes means NTLM,
// anything else Basic; an older server's means Basic when either byte is
// not zero, else the scheme of ReportConnectedEX (NTLM by default).
func TestChallengeScheme(t *testing.T) {
	realm := wstr(`realm="x"`)
	for _, tc := range []struct {
		authen string
		major  int
		tok    []byte
		want   string
	}{
		{"", 9, []byte{0, 0}, "NTLM"},
		{"BASIC", 9, []byte{0, 0}, "NTLM"},
		{"NTLM", 9, realm, "Basic"},
		{"", 4, realm, "Basic"},
		{"", 4, []byte{0, 0}, "NTLM"},
		{"BASIC", 4, []byte{0, 0}, "Basic"},
		{"NTLM", 4, []byte{0, 0, 1}, "NTLM"},
	} {
		if got := challengeScheme(tc.authen, tc.major, tc.tok); got != tc.want {
			t.Errorf("%q, version %d, % x: %s, want %s", tc.authen, tc.major, tc.tok, got, tc.want)
		}
	}
}

// TestHeaderReassembly: the ASF file header is put together from Data
// packets with LocationIds 0, 1, … and AFFlags 0x04 until 0x0C (2.2.2,
// 3.1.5.12); pieces of another incarnation are stale and skipped; a
// missing piece, a wrong flag, or a header growing far past the size
// ReportOpenFile declared is an error.
func TestHeaderReassembly(t *testing.T) {
	var h header
	h.reset(3)
	for i, d := range []Data{
		{LocationID: 0, Incarnation: 3, Flags: 0x04, Payload: []byte("abc")},
		{LocationID: 0, Incarnation: 2, Flags: 0x0C, Payload: []byte("stale")},
		{LocationID: 1, Incarnation: 3, Flags: 0x0C, Payload: []byte("def")},
	} {
		if err := h.add(&d, 6); err != nil {
			t.Fatalf("piece %d: %v", i, err)
		}
	}
	if !h.done || string(h.buf) != "abcdef" {
		t.Fatalf("done %v, %q", h.done, h.buf)
	}
	for _, tc := range []struct {
		name   string
		pieces []Data
		want   string
	}{
		{"a piece missing", []Data{{LocationID: 0, Incarnation: 1, Flags: 4}, {LocationID: 2, Incarnation: 1, Flags: 0x0C}}, "piece 2 where 1"},
		{"a wrong flag", []Data{{LocationID: 0, Incarnation: 1, Flags: 0x10}}, "AFFlags 0x10"},
		{"past the declared size", []Data{{LocationID: 0, Incarnation: 1, Flags: 4, Payload: make([]byte, 40000)},
			{LocationID: 1, Incarnation: 1, Flags: 4, Payload: make([]byte, 40000)}}, "grows past"},
	} {
		h.reset(1)
		var err error
		for _, d := range tc.pieces {
			if err = h.add(&d, 100); err != nil {
				break
			}
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
