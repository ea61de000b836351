package rtx

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/pion/rtp"
)

// Packet-pair payload sizes (MS-RTSP 2.2.3.2).
const (
	// MinPairPayload is the smallest packet-pair payload when the client
	// let the server choose the sizes ("variable-size", 2.2.7.14).
	MinPairPayload = 482
	// MaxPairPayload is the largest the 24-bit Length/Offset field holds.
	MaxPairPayload = 1<<24 - 1

	pairHeaderLen = 4
	flagS         = 0x80
	flagL         = 0x40
	flagsRDI      = 0x38
)

// PairPosition is where a packet-pair packet stands in its train, told by
// its payload size modulo 3 (MS-RTSP 2.2.3.2, 3.1.5.8): the fixed sizes
// 1454, 1455, 1456 and the variable ones follow the same rule.
type PairPosition uint8

const (
	// PairFirstOfThree: size mod 3 = 2, the first of three packets.
	PairFirstOfThree PairPosition = iota + 1
	// PairSecondToLast: size mod 3 = 0.
	PairSecondToLast
	// PairLast: size mod 3 = 1.
	PairLast
)

func (p PairPosition) String() string {
	switch p {
	case PairFirstOfThree:
		return "first of three"
	case PairSecondToLast:
		return "second to last"
	case PairLast:
		return "last"
	}
	return fmt.Sprintf("PairPosition(%d)", uint8(p))
}

// PairPacket is the payload of an RTP packet carrying packet-pair data
// (MS-RTSP 2.2.3.2): a 4-byte payload format header (S, L = 1, R = D = I
// = 0, Length = the size of the data) and random data.
type PairPacket struct {
	// First is the S bit: the first packet of the train.
	First bool
	// Data is the random payload; it aliases the parsed packet.
	Data []byte
}

// Position returns the packet's place in the train.
func (pp PairPacket) Position() PairPosition {
	switch len(pp.Data) % 3 {
	case 2:
		return PairFirstOfThree
	case 0:
		return PairSecondToLast
	}
	return PairLast
}

// ParsePair verifies that p follows the packet-pair syntax (MS-RTSP
// 3.1.5.8: the client MUST verify it; 2.2.3.2): Timestamp 0, one 4-byte
// header with L = 1 and R = D = I = 0 (the RES bits are ignored), Length
// equal to the bytes that follow, at least MinPairPayload of them.
func ParsePair(p *rtp.Packet) (PairPacket, error) {
	if p.Timestamp != 0 {
		return PairPacket{}, fmt.Errorf("%w: packet-pair timestamp %d, must be 0", ErrMalformed, p.Timestamp)
	}
	b := p.Payload
	if len(b) < pairHeaderLen {
		return PairPacket{}, fmt.Errorf("%w: packet-pair payload of %d bytes", ErrMalformed, len(b))
	}
	if b[0]&flagL == 0 || b[0]&flagsRDI != 0 {
		return PairPacket{}, fmt.Errorf("%w: packet-pair header flags %#02x (L must be 1, R, D, I 0)", ErrMalformed, b[0])
	}
	n := int(b[1])<<16 | int(binary.BigEndian.Uint16(b[2:4]))
	if n != len(b)-pairHeaderLen {
		return PairPacket{}, fmt.Errorf("%w: packet-pair length %d, %d bytes follow", ErrMalformed, n, len(b)-pairHeaderLen)
	}
	if n < MinPairPayload {
		return PairPacket{}, fmt.Errorf("%w: packet-pair data of %d bytes, at least %d", ErrMalformed, n, MinPairPayload)
	}
	return PairPacket{First: b[0]&flagS != 0, Data: b[pairHeaderLen:]}, nil
}

// Payload returns the RTP payload carrying pp (for a fake server): the
// 4-byte header, then Data.
func (pp PairPacket) Payload() ([]byte, error) {
	if len(pp.Data) < MinPairPayload || len(pp.Data) > MaxPairPayload {
		return nil, fmt.Errorf("%w: packet-pair data of %d bytes outside %d..%d", ErrMalformed, len(pp.Data), MinPairPayload, MaxPairPayload)
	}
	out := make([]byte, pairHeaderLen+len(pp.Data))
	out[0] = flagL
	if pp.First {
		out[0] |= flagS
	}
	out[1] = byte(len(pp.Data) >> 16)
	binary.BigEndian.PutUint16(out[2:4], uint16(len(pp.Data)))
	copy(out[pairHeaderLen:], pp.Data)
	return out, nil
}

// Bandwidth returns the bit rate at which size bytes arrived in gap, the
// time since the packet before them arrived (MS-RTSP 3.1.5.8, and
// MS-WMSP's $P pair the same way): size×8 / gap in bits per second, 0 when
// gap is not positive (both came in one read: too fast to tell).
func Bandwidth(size int, gap time.Duration) int64 {
	if gap <= 0 || size <= 0 {
		return 0
	}
	const maxInt64 = 1<<63 - 1
	if int64(size) > maxInt64/8/int64(time.Second) {
		return maxInt64 // a size no datagram has; saturate, never wrap
	}
	return int64(size) * 8 * int64(time.Second) / int64(gap)
}

// FirewallTimeout is the Firewall timer's time-out: 10 s plus half the
// round-trip time when it is known (rtt > 0), MS-RTSP 3.1.5.6. The rtt
// counted is at most a minute.
func FirewallTimeout(rtt time.Duration) time.Duration {
	const base = 10 * time.Second
	if rtt <= 0 {
		return base
	}
	return base + min(rtt, time.Minute)/2
}

// ProbeState is the state of a UDP packet-pair probe.
type ProbeState uint8

const (
	// ProbeWaiting: the Firewall timer runs; packet-pair data is awaited.
	ProbeWaiting ProbeState = iota
	// ProbeDone: the last packet-pair packet came; the timer is stopped
	// (MS-RTSP 3.1.5.8).
	ProbeDone
	// ProbeExpired: the Firewall timer fired first (MS-RTSP 3.1.6.1).
	ProbeExpired
)

func (s ProbeState) String() string {
	switch s {
	case ProbeWaiting:
		return "waiting"
	case ProbeDone:
		return "done"
	case ProbeExpired:
		return "expired"
	}
	return fmt.Sprintf("ProbeState(%d)", uint8(s))
}

// Probe follows a UdpPacketPair request (MS-RTSP 3.1.5.6–3.1.5.8,
// 3.1.6.1): it runs the Firewall timer, reads the packet-pair packets that
// arrive on the retransmission port, measures the bandwidth and decides
// whether UDP gets through.
//
// The bandwidth is the size of a packet over the time since the packet
// before it arrived. MS-RTSP 3.1.5.8 times the first packet received to
// the second; Probe uses the first two received with consecutive RTP
// sequence numbers, so a lost packet between them cannot halve the
// estimate.
type Probe struct {
	ssrc      uint32
	checkSSRC bool
	deadline  time.Time
	state     ProbeState

	packets  int
	prevSeq  uint16
	prevAt   time.Time
	havePrev bool
	bps      int64
	measured bool
}

// NewProbe starts the Firewall timer when the UdpPacketPair request is
// sent at sent (MS-RTSP 3.1.5.6); rtt is the round-trip time if known, 0
// otherwise. When the server advertised com.microsoft.wm.packetpairssrc
// (MS-RTSP 2.2.6.10.4), checkSSRC makes packets from another SSRC than
// ssrc (the rtx SETUP answer's) be ignored; otherwise the SSRC is ignored.
func NewProbe(sent time.Time, rtt time.Duration, ssrc uint32, checkSSRC bool) *Probe {
	return &Probe{ssrc: ssrc, checkSSRC: checkSSRC, deadline: sent.Add(FirewallTimeout(rtt))}
}

// Packet takes a packet-pair packet (one Unwrap called KindPacketPair)
// that arrived at arrival; size is the datagram's length (0: the RTP
// packet's marshalled size). A packet that breaks the syntax, or comes
// from another SSRC, is ignored and its error returned. After the last
// packet of the train (size mod 3 = 1) the timer stops.
func (pr *Probe) Packet(p *rtp.Packet, size int, arrival time.Time) error {
	if pr.state != ProbeWaiting {
		return nil
	}
	if pr.checkSSRC && p.SSRC != pr.ssrc {
		return fmt.Errorf("%w: %08x, expected %08x (MS-RTSP 3.1.5.8)", ErrSSRC, p.SSRC, pr.ssrc)
	}
	pp, err := ParsePair(p)
	if err != nil {
		return err
	}
	if size <= 0 {
		size = p.MarshalSize()
	}
	pr.packets++
	if pr.havePrev && !pr.measured && p.SequenceNumber == pr.prevSeq+1 {
		pr.bps, pr.measured = Bandwidth(size, arrival.Sub(pr.prevAt)), true
	}
	pr.prevSeq, pr.prevAt, pr.havePrev = p.SequenceNumber, arrival, true
	if pp.Position() == PairLast {
		pr.state = ProbeDone
	}
	return nil
}

// Deadline returns when the Firewall timer fires; ok is false once it is
// stopped or fired.
func (pr *Probe) Deadline() (at time.Time, ok bool) {
	return pr.deadline, pr.state == ProbeWaiting
}

// Expire fires the Firewall timer if it is running and due at now, and
// reports whether it did: the session MUST then tell the higher layer that
// RTP over UDP cannot be received (MS-RTSP 3.1.6.1).
func (pr *Probe) Expire(now time.Time) bool {
	if pr.state != ProbeWaiting || now.Before(pr.deadline) {
		return false
	}
	pr.state = ProbeExpired
	return true
}

// State returns the probe's state.
func (pr *Probe) State() ProbeState { return pr.state }

// Packets returns the number of valid packet-pair packets received.
func (pr *Probe) Packets() int { return pr.packets }

// Bandwidth returns the measured bandwidth in bits per second; ok is false
// until two consecutive packets arrived (and when they arrived together).
func (pr *Probe) Bandwidth() (bps int64, ok bool) { return pr.bps, pr.measured && pr.bps > 0 }

// UDPBlocked reports the verdict of MS-RTSP 3.1.6.1: the Firewall timer
// fired and not one packet-pair packet got through. A timer that fires
// after some packets came (the last one lost) does not mean UDP is
// blocked.
func (pr *Probe) UDPBlocked() bool { return pr.state == ProbeExpired && pr.packets == 0 }
