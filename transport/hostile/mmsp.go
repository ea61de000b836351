package hostile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf16"
)

// MS-MMSP message IDs ([MS-MMSP] 2.2.4): the client's (LinkViewerToMac…)
// the server reads, the server's (LinkMacToViewer…) it writes.
const (
	MIDConnect       = 0x00030001 // 2.2.4.17
	MIDConnectFunnel = 0x00030002 // 2.2.4.18
	MIDOpenFile      = 0x00030005 // 2.2.4.21
	MIDStartPlaying  = 0x00030007 // 2.2.4.25
	MIDStopPlaying   = 0x00030009 // 2.2.4.27
	MIDCloseFile     = 0x0003000D // 2.2.4.16
	MIDReadBlock     = 0x00030015 // 2.2.4.23
	MIDFunnelInfo    = 0x00030018 // 2.2.4.19
	MIDStreamSwitch  = 0x00030033 // 2.2.4.28

	MIDReportConnectedEX     = 0x00040001 // 2.2.4.2
	MIDReportConnectedFunnel = 0x00040002 // 2.2.4.3
	MIDReportStartedPlaying  = 0x00040005 // 2.2.4.10
	MIDReportOpenFile        = 0x00040006 // 2.2.4.7
	MIDReportReadBlock       = 0x00040011 // 2.2.4.8
	MIDReportFunnelInfo      = 0x00040015 // 2.2.4.6
	MIDPing                  = 0x0004001B // 2.2.4.1
	MIDReportEndOfStream     = 0x0004001E // 2.2.4.5
	MIDReportStreamSwitch    = 0x00040021 // 2.2.4.13
)

// MS-MMSP constants the server writes ([MS-MMSP] 2.2.3, 2.2.4).
const (
	mmsSessionID = 0xB00BFACE // sessionId, 2953575118 (2.2.3)
	mmsSeal      = 0x20534D4D // seal, "MMS " (2.2.3)
	// MMSPHeaderSize is the TcpMessageHeader before its first message.
	MMSPHeaderSize = 32
	// maxClientPacket bounds what the server reads of one client
	// packet: the largest client message is the 1,504-byte
	// LinkViewerToMacLogging (2.2.4.20).
	maxClientPacket = 64 << 10
	// mmsPairDisabled is MMS_DISABLE_PACKET_PAIR, mmsPairUse
	// MMS_USE_PACKET_PAIR, mmsPairUDP MMS_PACKET_PAIR_UDP_HIGH_ENTROPY
	// (2.2.4.2, 2.2.4.6).
	mmsPairDisabled = 0xF0F0F0EF
	mmsPairUse      = 0xF0F0F0F0
	mmsPairUDP      = 0xF0F0F901
	// fileAttributes' FILE_ATTRIBUTE_MMS_CANSEEK (2.2.4.7).
	mmsCanSeek = 0x01000000
)

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// utf16z is s in UTF-16LE with its terminating NUL.
func utf16z(s string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return append(b, 0, 0)
}

// MMSMessage returns an MMS message ([MS-MMSP] 2.2.4): chunkLen (its
// length in 8-byte chunks, padding included), MID, the fields in order,
// zero padding to a multiple of 8 bytes.
func MMSMessage(mid uint32, fields ...[]byte) []byte {
	b := make([]byte, 8, 64)
	binary.LittleEndian.PutUint32(b[4:], mid)
	for _, f := range fields {
		b = append(b, f...)
	}
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	binary.LittleEndian.PutUint32(b, uint32(len(b)/8))
	return b
}

// TcpPacket returns a TcpMessageHeader packet ([MS-MMSP] 2.2.3) carrying
// msgs: rep 1, version 0, versionMinor 0, padding 0, sessionId
// 0xB00BFACE, messageLength = the messages' size plus 16, seal "MMS ",
// chunkCount = messageLength/8 (the packet's length from the seal on, as
// Windows Media Services writes it), seq, MBZ 0, timeSent 0.
func TcpPacket(seq uint16, msgs ...[]byte) []byte {
	n := 0
	for _, m := range msgs {
		n += len(m)
	}
	return TcpPacketLying(seq, uint32(n+16), uint32((n+16)/8), msgs...)
}

// TcpPacketLying is TcpPacket with messageLength and chunkCount of its
// own: lying lengths.
func TcpPacketLying(seq uint16, messageLength, chunkCount uint32, msgs ...[]byte) []byte {
	b := make([]byte, MMSPHeaderSize, 256)
	b[0] = 1
	binary.LittleEndian.PutUint32(b[4:], mmsSessionID)
	binary.LittleEndian.PutUint32(b[8:], messageLength)
	binary.LittleEndian.PutUint32(b[12:], mmsSeal)
	binary.LittleEndian.PutUint32(b[16:], chunkCount)
	binary.LittleEndian.PutUint16(b[20:], seq)
	for _, m := range msgs {
		b = append(b, m...)
	}
	return b
}

// ClientMessage is one message of a client's TcpMessageHeader packet:
// its MID and the bytes after chunkLen and MID.
type ClientMessage struct {
	MID  uint32
	Body []byte
}

// u32 is the 32-bit little-endian field at off of the body, 0 when the
// body is too short.
func (m ClientMessage) u32(off int) uint32 {
	if off < 0 || off+4 > len(m.Body) {
		return 0
	}
	return binary.LittleEndian.Uint32(m.Body[off:])
}

// MMSP answers MS-MMSP ([MS-MMSP] 3.2) for one Media like a conforming
// Windows Media server: the connect, funnel, open, read-block and play
// sequence of 3.2.5, the ASF file header and the data packets as Data
// packets (2.2.2) on the TCP connection or, after a UDP funnel, over UDP
// to the client's port; ReportEndOfStream at the end. Everything it
// writes is built here from the spec's layouts, not with the client's
// codec. A scenario misbehaves through OnMessage and the options.
type MMSP struct {
	Media *Media
	// PacketPair offers packet pairs (ReportConnectedEX
	// MMS_USE_PACKET_PAIR, 3.2.5.3) and sends the UDP pair to a client
	// asking for it (3.2.5.4, 3.2.5.8); otherwise MMS_DISABLE_PACKET_PAIR.
	PacketPair bool
	// WrongSource also sends every UDP datagram from 127.0.0.2, its
	// payload zeroed; OnlyWrongSource sends them only from there.
	WrongSource, OnlyWrongSource bool
	// LoseUDP, when set, drops the UDP Data packets of the ASF data
	// packets whose number it returns true for (resends are not
	// served: the server does not listen for RequestPacketListResend).
	LoseUDP func(packet int) bool
	// OnMessage, when set, sees every client message first; it returns
	// true when it answered (the conforming answer is then skipped).
	// Returning an error ends the connection.
	OnMessage func(s *MMSPSession, m ClientMessage) (handled bool, err error)

	connections atomic.Int32
}

// Connections counts the connections handled.
func (w *MMSP) Connections() int { return int(w.connections.Load()) }

// MMSPSession is one connection's state.
type MMSPSession struct {
	C *Conn
	W *MMSP
	// N numbers the server's connections from 1.
	N int

	seq       uint16
	udpPort   int
	pairAsked bool
	udp, bad  *net.UDPConn
}

// errClosed ends a session the client closed (CloseFile).
var errClosed = errors.New("hostile: the client closed the file")

// Handle is the Server handler.
func (w *MMSP) Handle(c *Conn) {
	s := &MMSPSession{C: c, W: w, N: int(w.connections.Add(1))}
	defer s.close()
	for {
		msgs, err := ReadMMSPacket(c)
		if err != nil {
			return
		}
		for _, m := range msgs {
			if w.OnMessage != nil {
				handled, err := w.OnMessage(s, m)
				if err != nil {
					return
				}
				if handled {
					continue
				}
			}
			if err := s.answer(m); err != nil {
				return
			}
		}
	}
}

func (s *MMSPSession) close() {
	if s.udp != nil {
		s.udp.Close()
	}
	if s.bad != nil {
		s.bad.Close()
	}
}

// ReadMMSPacket reads one TcpMessageHeader packet from the client and
// splits its messages (2.2.3, 2.2.4).
func ReadMMSPacket(c *Conn) ([]ClientMessage, error) {
	head := make([]byte, 16)
	if _, err := io.ReadFull(c.br, head); err != nil {
		return nil, err
	}
	if binary.LittleEndian.Uint32(head[4:]) != mmsSessionID || binary.LittleEndian.Uint32(head[12:]) != mmsSeal {
		return nil, fmt.Errorf("hostile: not a TcpMessageHeader: % x", head)
	}
	n := binary.LittleEndian.Uint32(head[8:])
	if n < 24 || n > maxClientPacket || n%8 != 0 {
		return nil, fmt.Errorf("hostile: client messageLength %d", n)
	}
	rest := make([]byte, n)
	if _, err := io.ReadFull(c.br, rest); err != nil {
		return nil, err
	}
	rest = rest[16:] // chunkCount, seq, MBZ, timeSent
	var out []ClientMessage
	for len(rest) >= 8 {
		chunks := binary.LittleEndian.Uint32(rest)
		if chunks < 1 || uint64(chunks)*8 > uint64(len(rest)) {
			return nil, fmt.Errorf("hostile: client chunkLen %d in %d bytes", chunks, len(rest))
		}
		out = append(out, ClientMessage{MID: binary.LittleEndian.Uint32(rest[4:]), Body: rest[8 : chunks*8]})
		rest = rest[chunks*8:]
	}
	return out, nil
}

// Send writes one TcpMessageHeader packet carrying msgs.
func (s *MMSPSession) Send(msgs ...[]byte) error {
	b := TcpPacket(s.seq, msgs...)
	s.seq++
	return s.C.Write(b)
}

// Seq is the next packet's sequence number; Next takes it.
func (s *MMSPSession) Next() uint16 { s.seq++; return s.seq - 1 }

// UDP reports whether the client asked for its data over UDP.
func (s *MMSPSession) UDP() bool { return s.udpPort != 0 }

// Data sends a Data packet (2.2.2; the same layout as MS-WMSP's MMS data
// packet, MMSPacket) over UDP to the client's funnel port when it chose
// UDP (3.2.5.11.1), else on the TCP connection.
func (s *MMSPSession) Data(location uint32, incarnation, afflags byte, payload []byte) error {
	b := MMSPacket(location, incarnation, afflags, payload)
	if s.udpPort == 0 {
		return s.C.Write(b)
	}
	return s.datagram(b)
}

// DataRaw sends b, a Data packet built by the caller (a lying one), where
// Data would send it.
func (s *MMSPSession) DataRaw(b []byte) error {
	if s.udpPort == 0 {
		return s.C.Write(b)
	}
	return s.datagram(b)
}

// datagram sends b to the client's UDP port, from the server's address
// and/or the wrong one as the options say.
func (s *MMSPSession) datagram(b []byte) error {
	to := &net.UDPAddr{IP: s.C.nc.RemoteAddr().(*net.TCPAddr).IP, Port: s.udpPort}
	var err error
	if s.udp == nil && !s.W.OnlyWrongSource {
		if s.udp, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}); err != nil {
			return err
		}
	}
	if s.bad == nil && (s.W.WrongSource || s.W.OnlyWrongSource) {
		if s.bad, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)}); err != nil {
			return err
		}
	}
	if s.bad != nil {
		bad := append([]byte(nil), b...)
		clear(bad[min(8, len(bad)):])
		if _, err := s.bad.WriteToUDP(bad, to); err != nil {
			return err
		}
	}
	if s.W.OnlyWrongSource {
		return nil
	}
	n, err := s.udp.WriteToUDP(b, to)
	s.C.srv.written.Add(int64(n))
	return err
}

// Header sends the ASF file header as Data packets of at most the packet
// size each (3.2.5.8.1): LocationId from 0, playIncarnation the
// ReadBlock's, AFFlags 0x04 but 0x0C on the last (2.2.2).
func (s *MMSPSession) Header(incarnation byte) error {
	h, size := s.W.Media.Header, s.W.Media.PacketSize
	for i, off := 0, 0; off < len(h); i, off = i+1, off+size {
		end := min(off+size, len(h))
		flags := byte(0x04)
		if end == len(h) {
			flags = 0x0C
		}
		if err := s.Data(uint32(i), incarnation, flags, h[off:end]); err != nil {
			return err
		}
	}
	return nil
}

// Stream sends the data packets from packet from on (3.2.5.11.1:
// LocationId the packet number, AFFlags a sequence number from 0,
// playIncarnation the StartPlaying's), then ReportEndOfStream.
func (s *MMSPSession) Stream(incarnation uint32, from int) error {
	for i := from; i < len(s.W.Media.Packets); i++ {
		if s.udpPort != 0 && s.W.LoseUDP != nil && s.W.LoseUDP(i) {
			continue
		}
		if err := s.Data(uint32(i), byte(incarnation), byte(i-from), s.W.Media.Packets[i]); err != nil {
			return err
		}
	}
	return s.Send(EndOfStream(0, incarnation))
}

// EndOfStream is LinkMacToViewerReportEndOfStream (2.2.4.5).
func EndOfStream(hr, incarnation uint32) []byte {
	return MMSMessage(MIDReportEndOfStream, le32(hr), le32(incarnation))
}

// OpenFileReport is the LinkMacToViewerReportOpenFile (2.2.4.7) of the
// Media: openFileId 1, seekable, its duration, packet size and count,
// bit rate and header size.
func (w *MMSP) OpenFileReport(incarnation uint32) []byte {
	m := w.Media
	secs := m.Duration.Seconds()
	return MMSMessage(MIDReportOpenFile,
		le32(0), le32(incarnation), le32(1), le32(0), le32(0), le32(mmsCanSeek),
		binary.LittleEndian.AppendUint64(nil, math.Float64bits(secs)),
		le32(uint32(math.Ceil(secs))),
		make([]byte, 16),
		le32(uint32(m.PacketSize)),
		binary.LittleEndian.AppendUint64(nil, uint64(len(m.Packets))),
		le32(m.Bitrate),
		le32(uint32(len(m.Header))),
		make([]byte, 36))
}

// answer is the conforming server's answer to m (3.2.5).
func (s *MMSPSession) answer(m ClientMessage) error {
	w := s.W
	switch m.MID {
	case MIDConnect:
		pi := uint32(mmsPairDisabled)
		if w.PacketPair && m.u32(0) == mmsPairUse {
			pi = mmsPairUse
		}
		ver := "9.01.01.3814"
		return s.Send(MMSMessage(MIDReportConnectedEX,
			le32(0), le32(pi), le32(0x0004000B), le32(0x0003001C),
			binary.LittleEndian.AppendUint64(nil, math.Float64bits(1)),
			le32(1), le32(1), le32(0x8000), le32(0x00989680),
			le32(uint32(len(ver)+1)), le32(0), le32(0), le32(0),
			utf16z(ver)))
	case MIDFunnelInfo:
		pi := uint32(mmsPairDisabled)
		if w.PacketPair && m.u32(0) == mmsPairUDP {
			pi, s.pairAsked = mmsPairUDP, true
		}
		return s.Send(MMSMessage(MIDReportFunnelInfo,
			le32(0), le32(pi), le32(8), le32(1), le32(0x10000), le32(0x1234), le32(0), le32(1), le32(0), le32(0)))
	case MIDConnectFunnel:
		// funnelName after playIncarnation, maxBlockBytes,
		// maxFunnelBytes, maxBitRate and funnelMode (2.2.4.18):
		// "\\addr\UDP\port" asks for UDP.
		name := utf16String(m.Body[min(20, len(m.Body)):])
		if _, port, ok := strings.Cut(name, `\UDP\`); ok {
			if p, err := strconv.Atoi(port); err == nil && p > 0 && p < 65536 {
				s.udpPort = p
			}
		}
		return s.Send(MMSMessage(MIDReportConnectedFunnel, le32(0), le32(0), le32(0), utf16z("Funnel Of The Gods")))
	case MIDOpenFile:
		return s.Send(w.OpenFileReport(m.u32(0)))
	case MIDReadBlock:
		// playIncarnation after openFileId, fileBlockId, offset,
		// length, flags, padding, tEarliest and tDeadline (2.2.4.23).
		inc := m.u32(40)
		if s.udpPort != 0 && s.pairAsked {
			// 3.2.5.8: two Data packets of 1,464 random bytes,
			// LocationId 0xF0F0F000 and 0xF0F0F001,
			// playIncarnation 0xFF, AFFlags 0x10.
			for i := uint32(0); i < 2; i++ {
				pair := PseudoRandom(1464, uint64(i)+7)
				if err := s.datagram(MMSPacket(0xF0F0F000+i, 0xFF, 0x10, pair)); err != nil {
					return err
				}
			}
		}
		if err := s.Send(MMSMessage(MIDReportReadBlock, le32(0), le32(inc), le32(0))); err != nil {
			return err
		}
		return s.Header(byte(inc))
	case MIDStreamSwitch:
		return s.Send(MMSMessage(MIDReportStreamSwitch, le32(0)))
	case MIDStartPlaying:
		// openFileId, padding, position (8), asfOffset, locationId,
		// frameOffset, playIncarnation (2.2.4.25).
		inc := m.u32(28)
		from := 0
		if pos := math.Float64frombits(binary.LittleEndian.Uint64(append(m.Body[min(8, len(m.Body)):], make([]byte, 8)...))); pos == math.MaxFloat64 {
			from = int(min(m.u32(20), uint32(len(w.Media.Packets))))
		}
		if err := s.Send(MMSMessage(MIDReportStartedPlaying, le32(0), le32(inc), le32(1), le32(0), make([]byte, 12))); err != nil {
			return err
		}
		return s.Stream(inc, from)
	case MIDStopPlaying:
		return s.Send(EndOfStream(0, m.u32(4)))
	case MIDCloseFile:
		return errClosed
	}
	// Pong, Logging, CancelReadBlock, anything else: no answer.
	return nil
}

// utf16String decodes UTF-16LE up to the first NUL.
func utf16String(b []byte) string {
	var u []uint16
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// PseudoRandom returns n pseudo-random bytes from seed (an xorshift
// generator, so that a seed names the same bytes everywhere): the random
// data of packet pairs, a scenario's garbage.
func PseudoRandom(n int, seed uint64) []byte {
	b := make([]byte, n)
	x := seed*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}
