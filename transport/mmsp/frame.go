package mmsp

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// TcpMessageHeader constants (MS-MMSP 2.2.3).
const (
	// SessionID is the sessionId field, 0xB00BFACE: it tells a
	// TcpMessageHeader from a Data packet on the TCP connection
	// (3.1.5.2).
	SessionID uint32 = 2953575118
	// Seal is "MMS " little-endian.
	Seal uint32 = 0x20534D4D
	// HeaderSize is the TcpMessageHeader's size before its first
	// message.
	HeaderSize = 32
	// MaxMessageLength bounds messageLength: the largest message the
	// spec defines is the 1504-byte LinkViewerToMacLogging; challenges
	// and redirects carry short tokens and URLs.
	MaxMessageLength = 64 << 10
	// DataHeaderSize is the size of a Data packet's fixed fields (2.2.2).
	DataHeaderSize = 8
	// PacketPairLocation is the LocationId of the first packet-pair Data
	// packet, +1 the second (2.2.2).
	PacketPairLocation uint32 = 0xF0F0F000
	// Data packet AFFlags for ASF file header pieces (2.2.2): more to
	// come, the last one; and a packet-pair packet.
	FlagHeaderMore = 0x04
	FlagHeaderLast = 0x0C
	FlagPacketPair = 0x10
	// ResendSignature is RequestPacketListResend's Signature (2.2.5).
	ResendSignature uint32 = 0xBEEFF00D
)

// Packet is a TcpMessageHeader (2.2.3) with the messages it carries.
type Packet struct {
	// Seq is the packet sequence number, TimeSent the sender's clock in
	// ms (receivers ignore it).
	Seq      uint16
	TimeSent uint64
	// Size is the packet's length in bytes on the connection (set by
	// Reader): a packet-pair measure counts it (3.1.5.4).
	Size int
	// Messages are the messages in order (usually one); a MID the spec
	// does not define is an *Unknown.
	Messages []Message
}

// AppendPacket appends a TcpMessageHeader carrying m, padded to a whole
// number of 8-byte chunks (2.2.3, 2.2.4). messageLength is the message
// plus 16; chunkCount counts the 8-byte chunks from the seal on (the
// message plus 16 bytes, as Windows Media Player and Services write it and
// FFmpeg, VLC and libmms read it; the spec's "total size of the packet"
// leaves out the first 16 bytes); chunkLen counts the message's own chunks.
func AppendPacket(b []byte, seq uint16, timeSent uint64, m Message) []byte {
	start := len(b)
	b = put32(put32(put32(put32(b, 0x00000001), SessionID), 0), Seal) // rep=1, version, versionMinor, padding
	b = put32(b, 0)                                                   // chunkCount, below
	b = put16(put16(b, seq), 0)
	b = put64(b, timeSent)
	msg := len(b)
	b = put32(put32(b, 0), m.MID())
	b = m.appendBody(b)
	for (len(b)-msg)%8 != 0 {
		b = append(b, 0)
	}
	n := len(b) - msg
	binary.LittleEndian.PutUint32(b[start+8:], uint32(n+16))
	binary.LittleEndian.PutUint32(b[start+16:], uint32((n+16)/8))
	binary.LittleEndian.PutUint32(b[msg:], uint32(n/8))
	return b
}

// Data is a Data packet (2.2.2).
type Data struct {
	// LocationID is the ASF data packet's number, the header piece's
	// index, or PacketPairLocation(+1).
	LocationID uint32
	// Incarnation is playIncarnation: the low byte of the incarnation
	// of the request that made the server send it (0xFF: packet pair).
	Incarnation uint8
	// Flags is AFFlags: the data packet's sequence number, or
	// FlagHeaderMore/FlagHeaderLast/FlagPacketPair.
	Flags   uint8
	Payload []byte
}

// AppendData appends d as a Data packet. The payload must leave the
// packet within 65535 bytes (PacketSize is 16 bits).
func AppendData(b []byte, d Data) ([]byte, error) {
	if len(d.Payload) > 0xFFFF-DataHeaderSize {
		return b, fmt.Errorf("mmsp: a %d-byte payload does not fit a Data packet", len(d.Payload))
	}
	b = put32(b, d.LocationID)
	b = append(b, d.Incarnation, d.Flags)
	b = put16(b, uint16(DataHeaderSize+len(d.Payload)))
	return append(b, d.Payload...), nil
}

// ParseData parses a Data packet that is the whole of b: a UDP datagram
// (2.2.2). PacketSize must be the datagram's length.
func ParseData(b []byte) (Data, error) {
	if len(b) < DataHeaderSize {
		return Data{}, fmt.Errorf("%w: a %d-byte datagram is no Data packet", ErrMalformed, len(b))
	}
	size := int(binary.LittleEndian.Uint16(b[6:]))
	if size != len(b) {
		return Data{}, fmt.Errorf("%w: Data packet declares %d bytes in a %d-byte datagram", ErrMalformed, size, len(b))
	}
	return Data{LocationID: binary.LittleEndian.Uint32(b), Incarnation: b[4], Flags: b[5], Payload: b[DataHeaderSize:]}, nil
}

// Resend is a RequestPacketListResend packet (2.2.5), sent over UDP.
type Resend struct {
	ClientID uint32
	SourceID uint16
	// Packets are the 32-bit sequence numbers to resend (1..32).
	Packets []uint32
}

// MaxResend is the most packets one RequestPacketListResend asks for.
const MaxResend = 32

// AppendResend appends r's bytes.
func AppendResend(b []byte, r Resend) []byte {
	b = put16(put16(put32(put32(b, ResendSignature), r.ClientID), r.SourceID), uint16(len(r.Packets)))
	for _, p := range r.Packets {
		b = put32(b, p)
	}
	return b
}

// ParseResend parses a RequestPacketListResend datagram.
func ParseResend(b []byte) (Resend, error) {
	if len(b) < 12 || binary.LittleEndian.Uint32(b) != ResendSignature {
		return Resend{}, fmt.Errorf("%w: not a RequestPacketListResend packet", ErrMalformed)
	}
	r := Resend{ClientID: binary.LittleEndian.Uint32(b[4:]), SourceID: binary.LittleEndian.Uint16(b[8:])}
	n := int(binary.LittleEndian.Uint16(b[10:]))
	if n < 1 || n > MaxResend || len(b) != 12+4*n {
		return Resend{}, fmt.Errorf("%w: RequestPacketListResend with %d packets in %d bytes", ErrMalformed, n, len(b))
	}
	for i := 0; i < n; i++ {
		r.Packets = append(r.Packets, binary.LittleEndian.Uint32(b[12+4*i:]))
	}
	return r, nil
}

// Frame is what Reader.Next returns from the TCP connection: a
// TcpMessageHeader packet or a Data packet (3.1.5.2).
type Frame struct {
	Packet *Packet
	Data   *Data
}

// Reader reads the TCP connection's packets. It owns no goroutine; the
// caller sets the connection's read deadline.
type Reader struct {
	r *bufio.Reader
	// Unknown counts the messages with a MID the spec does not define,
	// which Next skips (they are still in Packet.Messages).
	Unknown int
	buf     []byte
}

// NewReader reads packets from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Next reads the next packet. An error other than io.EOF at a packet
// boundary wraps ErrMalformed (the bytes break 2.2.2/2.2.3) or the
// connection's error (io.ErrUnexpectedEOF inside a packet). A Data
// packet's payload is valid until the next call; messages are the
// caller's.
func (r *Reader) Next() (Frame, error) {
	head, err := r.r.Peek(8)
	if err != nil {
		if errors.Is(err, io.EOF) && len(head) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return Frame{}, err
	}
	if binary.LittleEndian.Uint32(head[4:]) != SessionID {
		size := int(binary.LittleEndian.Uint16(head[6:]))
		if size < DataHeaderSize {
			return Frame{}, fmt.Errorf("%w: Data packet declares %d bytes, less than its own 8-byte header", ErrMalformed, size)
		}
		b, err := r.read(size)
		if err != nil {
			return Frame{}, err
		}
		return Frame{Data: &Data{LocationID: binary.LittleEndian.Uint32(b), Incarnation: b[4], Flags: b[5], Payload: b[DataHeaderSize:]}}, nil
	}
	if head[0] != 1 {
		return Frame{}, fmt.Errorf("%w: TcpMessageHeader rep is %d, not 1", ErrMalformed, head[0])
	}
	hb, err := r.r.Peek(16)
	if err != nil {
		return Frame{}, unexpected(err)
	}
	msgLen := binary.LittleEndian.Uint32(hb[8:])
	if seal := binary.LittleEndian.Uint32(hb[12:]); seal != Seal {
		return Frame{}, fmt.Errorf("%w: TcpMessageHeader seal is 0x%08X, not \"MMS \"", ErrMalformed, seal)
	}
	if msgLen < 16+8 || msgLen%8 != 0 || msgLen > MaxMessageLength {
		return Frame{}, fmt.Errorf("%w: TcpMessageHeader messageLength %d (a multiple of 8 from 24 to %d)", ErrMalformed, msgLen, MaxMessageLength)
	}
	b, err := r.read(int(msgLen) + 16)
	if err != nil {
		return Frame{}, err
	}
	p := &Packet{Seq: binary.LittleEndian.Uint16(b[20:]), TimeSent: binary.LittleEndian.Uint64(b[24:]), Size: len(b)}
	// Messages keep slices of their bytes (tokens, packet pairs): their
	// own copy, not the reused buffer.
	msgs := append([]byte(nil), b[HeaderSize:]...)
	for len(msgs) > 0 {
		if len(msgs) < 8 {
			return Frame{}, fmt.Errorf("%w: %d bytes left after the messages of a TcpMessageHeader", ErrMalformed, len(msgs))
		}
		chunks := binary.LittleEndian.Uint32(msgs)
		mid := binary.LittleEndian.Uint32(msgs[4:])
		if chunks < 1 || uint64(chunks)*8 > uint64(len(msgs)) {
			return Frame{}, fmt.Errorf("%w: %s chunkLen %d (%d bytes) in the %d bytes left of its packet", ErrMalformed, Name(mid), chunks, uint64(chunks)*8, len(msgs))
		}
		n := int(chunks) * 8
		m, err := Parse(mid, msgs[8:n])
		if err != nil {
			return Frame{}, err
		}
		if _, ok := m.(*Unknown); ok {
			r.Unknown++
		}
		p.Messages = append(p.Messages, m)
		msgs = msgs[n:]
	}
	return Frame{Packet: p}, nil
}

// AtMessage reports whether the next packet is a TcpMessageHeader,
// reading no further than its first 8 bytes: a client waiting for a
// message tells a peer that is no MMS server at once (3.1.5.2).
func (r *Reader) AtMessage() (bool, []byte, error) {
	head, err := r.r.Peek(8)
	if err != nil {
		return false, head, unexpected(err)
	}
	return binary.LittleEndian.Uint32(head[4:]) == SessionID, head, nil
}

// read returns the next n bytes (consumed), in a buffer reused by the next
// call.
func (r *Reader) read(n int) ([]byte, error) {
	if cap(r.buf) < n {
		r.buf = make([]byte, n)
	}
	b := r.buf[:n]
	if _, err := io.ReadFull(r.r, b); err != nil {
		return nil, unexpected(err)
	}
	return b, nil
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
