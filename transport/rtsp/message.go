package rtsp

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport/header"
)

// Protocol is the version both sides speak (MS-RTSP 1.3: RTSP/1.0).
const Protocol = "RTSP/1.0"

// Request is an RTSP request: a client's to the server, or a server's to
// the client (ANNOUNCE and SET_PARAMETER EndOfStream, MS-RTSP 2.2.7.1 and
// 2.2.7.3). Headers are written in the order given.
type Request struct {
	Method string
	URL    string
	Header header.Header
	Body   []byte
}

// Marshal renders the request. Content-Length is written from the body
// (any in Header is dropped).
func (r *Request) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(r.Method)
	b.WriteByte(' ')
	b.WriteString(r.URL)
	b.WriteString(" " + Protocol + "\r\n")
	writeHeadTail(&b, r.Header, r.Body)
	return b.Bytes()
}

// writeHeadTail writes the headers but Content-Length, then
// Content-Length for a body, the blank line and the body.
func writeHeadTail(b *bytes.Buffer, h header.Header, body []byte) {
	for _, f := range h {
		if !strings.EqualFold(f.Name, "Content-Length") {
			header.Header{f}.Write(b)
		}
	}
	if len(body) > 0 || h.Has("Content-Length") {
		// An empty body's Content-Length: 0 only when asked for (the
		// TcpPacketPair request carries it, MS-RTSP 2.2.7.12).
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
}

// CSeq returns the request's sequence number, or -1 when absent or bad.
func (r *Request) CSeq() int { return cseq(r.Header) }

// Response is an RTSP response.
type Response struct {
	StatusCode int
	Reason     string
	Header     header.Header
	Body       []byte
	// HeaderBytes is the size of the status line and headers on the
	// wire (TcpPacketPair's Reason field counts them, MS-WMSP 2.2.3.7).
	HeaderBytes int
	// Pairs are the $P packets of a TcpPacketPair answer as they
	// arrived (MS-RTSP 3.1.5.5).
	Pairs []PairArrival
}

// PairArrival is one $P packet of a TcpPacketPair answer: its size on
// the wire and when it was complete.
type PairArrival struct {
	Size int
	At   time.Time
}

// Marshal renders the response; Content-Length as for Request.Marshal.
func (r *Response) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %d %s\r\n", Protocol, r.StatusCode, r.Reason)
	writeHeadTail(&b, r.Header, r.Body)
	return b.Bytes()
}

// CSeq returns the response's sequence number, or -1 when absent or bad.
func (r *Response) CSeq() int { return cseq(r.Header) }

// Status renders "404 Not Found".
func (r *Response) Status() string {
	return strings.TrimSpace(strconv.Itoa(r.StatusCode) + " " + r.Reason)
}

func cseq(h header.Header) int {
	v, err := strconv.ParseUint(strings.TrimSpace(h.Get("CSeq")), 10, 31)
	if err != nil {
		return -1
	}
	return int(v)
}

// Frame is an interleaved binary frame on the control connection
// (RFC 2326 §10.12): '$', a channel, a 16-bit length, the packet.
type Frame struct {
	Channel byte
	Payload []byte
}

// MarshalFrame renders an interleaved frame; payloads over 65535 bytes
// cannot be framed.
func MarshalFrame(channel byte, payload []byte) ([]byte, error) {
	if len(payload) > 0xFFFF {
		return nil, fmt.Errorf("%w: interleaved payload of %d bytes", ErrTooLarge, len(payload))
	}
	b := make([]byte, 4+len(payload))
	b[0], b[1] = '$', channel
	b[2], b[3] = byte(len(payload)>>8), byte(len(payload))
	copy(b[4:], payload)
	return b, nil
}
