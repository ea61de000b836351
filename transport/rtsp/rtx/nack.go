package rtx

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/pion/rtcp"
)

const (
	// CNAMESuffix follows the decimal ssrc in the CNAME of every RTCP
	// packet that holds a NACK (MS-RTSP 2.2.4: sdes-value = ssrc
	// "@WMS:7ff42e07-3c7c-4eb5-9c17-6bdd11ad90de").
	CNAMESuffix = "@WMS:7ff42e07-3c7c-4eb5-9c17-6bdd11ad90de"

	// MaxNACKEntries is the most generic NACK entries (FCI: a PID and a
	// bitmask of the 16 numbers after it, RFC 4585 6.2.1) in one RTCP
	// packet: "No more than 32 RTCP NACK messages SHOULD be encapsulated
	// in a single RTCP packet" (MS-RTSP 3.1.4.6).
	MaxNACKEntries = 32
	// MaxNACKSeqs is the most sequence numbers asked for in one RTCP
	// packet: the server searches its resend queue for "no more than the
	// first 128 RTP packets specified in generic NACK messages" of each
	// RTCP packet (MS-RTSP 3.2.5.10); more would be ignored.
	MaxNACKSeqs = 128

	// eBit is the E field, the top bit of RFC 4585's 5-bit FMT, which
	// MS-RTSP 2.2.4 redefines: "A client ... SHOULD set the E field to 1.
	// Servers MUST ignore the value".
	eBit = 0x10
)

// CNAME returns the SDES CNAME for the ssrc the server gave in the
// Transport header of its answer to the retransmission stream's SETUP,
// written in decimal (MS-RTSP 2.2.4, 3.1.4.6).
func CNAME(rtxSSRC uint32) string {
	return strconv.FormatUint(uint64(rtxSSRC), 10) + CNAMESuffix
}

// NACK is the compound RTCP packet that asks the server to resend lost
// RTP packets (MS-RTSP 2.2.4, 3.1.4.6): an empty Receiver Report (RFC 3550
// 6.1 requires a compound packet to start with one), an SDES with the
// CNAME, and a generic NACK (RFC 4585 6.2.1) with the E bit set. It is
// sent over UDP to the RTCP-Destination-Port, the second server_port of
// the retransmission stream's SETUP answer (MS-RTSP 3.1.5.6).
type NACK struct {
	// SenderSSRC is the client's own SSRC (the ssrc of its SETUP
	// Transport for the retransmission stream): the RR's SSRC, the SDES
	// chunk's SSRC and the NACK's "SSRC of packet sender".
	SenderSSRC uint32
	// RtxSSRC is the ssrc of the server's SETUP answer for the
	// retransmission stream; the CNAME carries it in decimal.
	RtxSSRC uint32
	// MediaSSRC is the SSRC of the RTP stream that lost the packets.
	MediaSSRC uint32
	// Lost are the sequence numbers asked for, each after the one before
	// it in 16-bit serial order (a - b read as a signed 16-bit number is
	// positive); 1..MaxNACKSeqs of them, fitting MaxNACKEntries entries.
	Lost []uint16
}

// Entries returns how many generic NACK entries seqs (in serial order)
// take: a new entry starts at a number more than 16 after the first of
// the current one (RFC 4585 6.2.1).
func Entries(seqs []uint16) int {
	n := 0
	var pid uint16
	for i, s := range seqs {
		if i == 0 || s-pid > 16 {
			pid = s
			n++
		}
	}
	return n
}

func (n *NACK) check() error {
	if len(n.Lost) == 0 {
		return fmt.Errorf("%w: no sequence numbers", ErrMalformed)
	}
	if len(n.Lost) > MaxNACKSeqs {
		return fmt.Errorf("%w: %d sequence numbers, at most %d (MS-RTSP 3.2.5.10)", ErrTooMany, len(n.Lost), MaxNACKSeqs)
	}
	for i := 1; i < len(n.Lost); i++ {
		if int16(n.Lost[i]-n.Lost[i-1]) <= 0 {
			return fmt.Errorf("%w: sequence number %d after %d is out of order", ErrMalformed, n.Lost[i], n.Lost[i-1])
		}
	}
	if e := Entries(n.Lost); e > MaxNACKEntries {
		return fmt.Errorf("%w: %d NACK entries, at most %d (MS-RTSP 3.1.4.6)", ErrTooMany, e, MaxNACKEntries)
	}
	return nil
}

// Marshal returns the compound RTCP packet.
func (n *NACK) Marshal() ([]byte, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	rr, err := (&rtcp.ReceiverReport{SSRC: n.SenderSSRC}).Marshal()
	if err != nil {
		return nil, fmt.Errorf("rtx: receiver report: %w", err)
	}
	sdes, err := rtcp.NewCNAMESourceDescription(n.SenderSSRC, CNAME(n.RtxSSRC)).Marshal()
	if err != nil {
		return nil, fmt.Errorf("rtx: SDES: %w", err)
	}
	fb, err := (&rtcp.TransportLayerNack{
		SenderSSRC: n.SenderSSRC,
		MediaSSRC:  n.MediaSSRC,
		Nacks:      rtcp.NackPairsFromSequenceNumbers(n.Lost),
	}).Marshal()
	if err != nil {
		return nil, fmt.Errorf("rtx: generic NACK: %w", err)
	}
	fb[0] |= eBit
	out := make([]byte, 0, len(rr)+len(sdes)+len(fb))
	return append(append(append(out, rr...), sdes...), fb...), nil
}

// Unmarshal parses a compound RTCP packet as a server does (MS-RTSP
// 3.2.5.10): it must hold an SDES whose CNAME has the syntax of MS-RTSP
// 2.2.4 and at least one generic NACK (the E bit is ignored); Receiver
// and Sender Reports may come with them, other packets are skipped. All
// NACKs must name the same media SSRC. Lost holds at most the first
// MaxNACKSeqs sequence numbers, as a server searches no more.
func (n *NACK) Unmarshal(buf []byte) error {
	*n = NACK{}
	var haveCNAME, haveNACK bool
	for off := 0; off < len(buf); {
		if len(buf)-off < 4 {
			return fmt.Errorf("%w: %d bytes after the last RTCP packet", ErrMalformed, len(buf)-off)
		}
		h := buf[off:]
		if h[0]>>6 != 2 {
			return fmt.Errorf("%w: RTCP version %d", ErrMalformed, h[0]>>6)
		}
		size := (int(binary.BigEndian.Uint16(h[2:4])) + 1) * 4
		if size > len(h) {
			return fmt.Errorf("%w: RTCP packet of %d bytes in %d", ErrMalformed, size, len(h))
		}
		pkt := h[:size]
		off += size
		switch rtcp.PacketType(pkt[1]) {
		case rtcp.TypeSourceDescription:
			var sd rtcp.SourceDescription
			if err := sd.Unmarshal(pkt); err != nil {
				return fmt.Errorf("%w: SDES: %w", ErrMalformed, err)
			}
			for _, c := range sd.Chunks {
				for _, it := range c.Items {
					if it.Type != rtcp.SDESCNAME {
						continue
					}
					ssrc, err := parseCNAME(it.Text)
					if err != nil {
						return err
					}
					n.RtxSSRC, haveCNAME = ssrc, true
					n.SenderSSRC = c.Source
				}
			}
		case rtcp.TypeTransportSpecificFeedback:
			if pkt[0]&0x0f != rtcp.FormatTLN {
				continue
			}
			fix := append([]byte(nil), pkt...)
			fix[0] &^= eBit
			var fb rtcp.TransportLayerNack
			if err := fb.Unmarshal(fix); err != nil {
				return fmt.Errorf("%w: generic NACK: %w", ErrMalformed, err)
			}
			if haveNACK && fb.MediaSSRC != n.MediaSSRC {
				return fmt.Errorf("%w: NACKs for SSRC %08x and %08x in one packet", ErrMalformed, n.MediaSSRC, fb.MediaSSRC)
			}
			n.MediaSSRC, haveNACK = fb.MediaSSRC, true
			for _, pair := range fb.Nacks {
				pair.Range(func(s uint16) bool {
					if len(n.Lost) == MaxNACKSeqs {
						return false
					}
					n.Lost = append(n.Lost, s)
					return true
				})
			}
		}
	}
	if !haveCNAME {
		return fmt.Errorf("%w: no SDES CNAME (MS-RTSP 2.2.4)", ErrMalformed)
	}
	if !haveNACK {
		return fmt.Errorf("%w: no generic NACK", ErrMalformed)
	}
	return nil
}

// parseCNAME reads ssrc from ssrc "@WMS:7ff42e07-..." (ssrc = 1*10DIGIT,
// MS-RTSP 2.2.4).
func parseCNAME(s string) (uint32, error) {
	digits, ok := strings.CutSuffix(s, CNAMESuffix)
	if !ok || len(digits) == 0 || len(digits) > 10 || strings.Trim(digits, "0123456789") != "" {
		return 0, fmt.Errorf("%w: CNAME %q is not <ssrc>%s", ErrMalformed, s, CNAMESuffix)
	}
	v, err := strconv.ParseUint(digits, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: CNAME ssrc %q: %w", ErrMalformed, digits, err)
	}
	return uint32(v), nil
}
