package hostile

import (
	"encoding/binary"
	"strconv"
	"strings"
	"sync/atomic"
)

// MS-WMSP packet IDs, the second byte of the framing header ([MS-WMSP]
// 2.2.3.1.1).
const (
	PacketC = 'C' // stream change notification, 2.2.3.2
	PacketD = 'D' // data, 2.2.3.3
	PacketE = 'E' // end of stream notification, 2.2.3.4
	PacketH = 'H' // header, 2.2.3.5
	PacketM = 'M' // metadata, 2.2.3.6
)

// MS-WMSP limits and values used by the servers.
const (
	// MaxMMSPacket is the largest MMS data packet: PacketSize is a 16-bit
	// field (2.2.3.1.2), so a payload is at most 65535 − 8 bytes.
	MaxMMSPacket = 65535
	// AFFlags of $H/$M fragments (2.2.3.1.2).
	afFirst = 0x04
	afLast  = 0x08
	// HRESULTs of $E (2.2.3.4).
	SOK   = 0x00000000
	EFail = 0x80004005
)

// Frame returns a framed packet ([MS-WMSP] 2.2.3.1.1): byte 0 is 0x24 ('$')
// with bit 7 (B, "send the next packet immediately") set when b is, byte 1
// the PacketID, bytes 2–3 PacketLength (16-bit little-endian) = len(rest),
// the number of bytes that follow; then rest.
func Frame(id byte, b bool, rest []byte) []byte {
	return FrameLength(id, b, uint16(min(len(rest), 0xFFFF)), rest)
}

// FrameLength is Frame with a PacketLength of its own: a lying length.
func FrameLength(id byte, b bool, length uint16, rest []byte) []byte {
	out := make([]byte, 4, 4+len(rest))
	out[0] = 0x24
	if b {
		out[0] |= 0x80
	}
	out[1] = id
	binary.LittleEndian.PutUint16(out[2:], length)
	return append(out, rest...)
}

// MMSPacket returns the MMS data packet that follows the framing header of
// $D, $H and $M ([MS-WMSP] 2.2.3.1.2): LocationId (32-bit LE), Incarnation,
// AFFlags, PacketSize (16-bit LE) = 8 + len(payload), then the payload.
func MMSPacket(location uint32, incarnation, afflags byte, payload []byte) []byte {
	out := make([]byte, 8, 8+len(payload))
	binary.LittleEndian.PutUint32(out[0:], location)
	out[4] = incarnation
	out[5] = afflags
	binary.LittleEndian.PutUint16(out[6:], uint16(min(8+len(payload), 0xFFFF)))
	return append(out, payload...)
}

// DataPacket returns a $D carrying ASF data packet number location with
// $D sequence number seq in AFFlags (2.2.3.3).
func DataPacket(location uint32, seq byte, asfPacket []byte) []byte {
	return Frame(PacketD, false, MMSPacket(location, 0, seq, asfPacket))
}

// HeaderPackets returns the $H packets of an ASF header (2.2.3.5), cut into
// fragments of at most max payload bytes (MaxMMSPacket − 8 when max is 0):
// LocationId counts the fragments from 0; AFFlags marks the first (0x04),
// the last (0x08), both (0x0C) or neither.
func HeaderPackets(header []byte, max int) []byte { return HeaderFragments(header, max, 0) }

// HeaderFragments is HeaderPackets with an Incarnation of its own, which a
// server MAY change on every Play (2.2.3.1.2, 3.2.5.6).
func HeaderFragments(header []byte, max int, incarnation byte) []byte {
	if max <= 0 || max > MaxMMSPacket-8 {
		max = MaxMMSPacket - 8
	}
	var out []byte
	for i, off := 0, 0; off < len(header); i, off = i+1, off+max {
		end := min(off+max, len(header))
		flags := byte(0)
		if off == 0 {
			flags |= afFirst
		}
		if end == len(header) {
			flags |= afLast
		}
		out = append(out, Frame(PacketH, false, MMSPacket(uint32(i), incarnation, flags, header[off:end]))...)
	}
	return out
}

// EndlessHeader is an Endless generator of $H fragments that never end:
// the first has AFFlags 0x04 (first), the others 0x00 (middle), none 0x08
// (last); LocationId counts them; each carries size payload bytes. One
// buffer serves every call.
func EndlessHeader(size int) func(int) []byte {
	size = min(max(size, 1), MaxMMSPacket-8)
	buf := Frame(PacketH, false, MMSPacket(0, 0, afFirst, make([]byte, size)))
	return func(i int) []byte {
		binary.LittleEndian.PutUint32(buf[4:], uint32(i))
		buf[9] = 0
		if i == 0 {
			buf[9] = afFirst
		}
		return buf
	}
}

// Notify returns a $E or $C packet: PacketLength 4 and the Reason, an
// HRESULT in 32-bit little-endian (2.2.3.2, 2.2.3.4).
func Notify(id byte, reason uint32) []byte {
	var r [4]byte
	binary.LittleEndian.PutUint32(r[:], reason)
	return Frame(id, false, r[:])
}

// WMSP answers MS-WMSP requests for one Media in non-pipelined mode, one
// request per connection, like a conforming server: a Describe (a GET
// without xPlayStrm=1, 2.2.2.1, 3.2.5.4) gets the $H packets with a
// Content-Length; a Play (xPlayStrm=1, 2.2.2.6, 3.2.5.6) gets $H, the $D
// packets from packet-num on and a $E, and the connection closes; any
// other request (Log, KeepAlive, SelectStream) an empty 200. A scenario
// replaces any answer with its hooks, which get the conforming response.
type WMSP struct {
	Media *Media
	// ServerToken is the Server header; default "Cougar/9.01.01.3814".
	ServerToken string
	// ClientID is the client-id token (2.2.1.4.5); default 1234567.
	ClientID uint32
	// OnDescribe, OnPlay and OnOther answer instead of the conforming
	// server when set; n counts the requests of the kind from 1, resp is
	// the conforming answer.
	OnDescribe, OnPlay, OnOther func(c *Conn, r *Request, n int, resp *Response)

	describes, plays, others atomic.Int32
}

// Plays counts the Play requests received.
func (w *WMSP) Plays() int { return int(w.plays.Load()) }

// Describes counts the Describe requests received.
func (w *WMSP) Describes() int { return int(w.describes.Load()) }

// IsPlay reports whether r is a Play: Pragma xPlayStrm=1 (2.2.2.6).
func IsPlay(r *Request) bool {
	v, ok := r.Pragma("xPlayStrm")
	return ok && v == "1"
}

// Handle is the Server handler.
func (w *WMSP) Handle(c *Conn) {
	r, err := c.ReadRequest()
	if err != nil {
		return
	}
	switch {
	case r.Method == "GET" && IsPlay(r):
		n := int(w.plays.Add(1))
		resp := w.PlayResponse(StartPacket(r, len(w.Media.Packets)))
		if w.OnPlay != nil {
			w.OnPlay(c, r, n, resp)
			return
		}
		_ = resp.Write(c)
	case r.Method == "GET":
		n := int(w.describes.Add(1))
		resp := w.DescribeResponse()
		if w.OnDescribe != nil {
			w.OnDescribe(c, r, n, resp)
			return
		}
		_ = resp.Write(c)
	default:
		n := int(w.others.Add(1))
		resp := w.Empty(200, "OK")
		if w.OnOther != nil {
			w.OnOther(c, r, n, resp)
			return
		}
		_ = resp.Write(c)
	}
}

func (w *WMSP) server() string {
	if w.ServerToken != "" {
		return w.ServerToken
	}
	return "Cougar/9.01.01.3814"
}

func (w *WMSP) clientID() string {
	id := w.ClientID
	if id == 0 {
		id = 1234567
	}
	return strconv.FormatUint(uint64(id), 10)
}

// Empty is an empty answer with the Server header and the client-id (a
// Log or KeepAlive answer, or an error status).
func (w *WMSP) Empty(code int, reason string) *Response {
	r := Empty(code, reason, Field{"Server", w.server()})
	if code < 300 {
		r.Add("Pragma", "no-cache, client-id="+w.clientID()+", timeout=60000")
	}
	return r
}

// pragma is the Pragma field of a Describe or Play answer: the required
// no-cache, client-id and features tokens (2.2.2.1, 2.2.2.6).
func (w *WMSP) pragma() string {
	return `no-cache, client-id=` + w.clientID() + `, features="seekable,stridable", timeout=60000`
}

// DescribeResponse is the conforming answer to a Describe: HTTP/1.1 200
// with Content-Type application/vnd.ms.wms-hdr.asfv1 (2.2.1.1.1), a
// Content-Length and the $H packets.
func (w *WMSP) DescribeResponse() *Response {
	body := HeaderPackets(w.Media.Header, 0)
	return &Response{Code: 200, Reason: "OK", Fields: []Field{
		{"Server", w.server()},
		{"Content-Type", "application/vnd.ms.wms-hdr.asfv1"},
		{"Pragma", w.pragma()},
		{"Cache-Control", "no-cache"},
		{"Content-Length", strconv.Itoa(len(body))},
		{"Connection", "close"},
	}, Body: body}
}

// PlayHead is the status line and fields of a Play answer in
// non-pipelined mode: HTTP/1.0 200, application/x-mms-framed, no
// Content-Length (the body ends when the connection closes, 3.2.5.6).
func (w *WMSP) PlayHead() *Response {
	return &Response{Proto: "HTTP/1.0", Code: 200, Reason: "OK", Fields: []Field{
		{"Server", w.server()},
		{"Content-Type", "application/x-mms-framed"},
		{"Pragma", w.pragma()},
		{"Cache-Control", "no-cache"},
		{"Connection", "close"},
	}}
}

// DataPackets returns the $D packets of ASF packets from..to-1, with $D
// sequence numbers from 0.
func (w *WMSP) DataPackets(from, to int) []byte {
	var out []byte
	for i := from; i < to && i < len(w.Media.Packets); i++ {
		out = append(out, DataPacket(uint32(i), byte((i-from)&0xFF), w.Media.Packets[i])...)
	}
	return out
}

// PlayResponse is the conforming answer to a Play from packet from: $H,
// the $D packets, $E with S_OK.
func (w *WMSP) PlayResponse(from int) *Response {
	r := w.PlayHead()
	r.Body = append(HeaderPackets(w.Media.Header, 0), w.DataPackets(from, len(w.Media.Packets))...)
	r.Body = append(r.Body, Notify(PacketE, SOK)...)
	return r
}

// StartPacket is the packet a Play asks for: its packet-num token
// (2.2.1.4.13), 0 when absent or 4294967295 (unspecified), at most count.
func StartPacket(r *Request, count int) int {
	v, ok := r.Pragma("packet-num")
	if !ok {
		return 0
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
	if err != nil || n == 0xFFFFFFFF {
		return 0
	}
	return int(min(n, uint64(count)))
}
