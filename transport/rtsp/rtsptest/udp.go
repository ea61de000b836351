package rtsptest

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"net"
	"sync"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// cnameSuffix ends the CNAME of a NACK's SDES (MS-RTSP 2.2.4).
const cnameSuffix = "@WMS:7ff42e07-3c7c-4eb5-9c17-6bdd11ad90de"

// maxNACKed is how many sequence numbers of one RTCP packet are looked
// up (MS-RTSP 3.2.5.10).
const maxNACKed = 128

// udpSet is a session's UDP sockets: the media RTP/RTCP pair (every
// non-rtx stream, MS-RTSP 2.2.7.10.1), the rtx pair (its RTCP port is
// where NACKs go, RTCP-Destination-Port of 3.1.5.6) and a socket that
// sends from a wrong address (Faults.WrongSourceAfter).
type udpSet struct {
	mediaRTP, mediaRTCP, rtxRTP, rtxRTCP, wrong *net.UDPConn
	queue                                       resendQueue
	ppSeq                                       uint16
	wg                                          sync.WaitGroup
}

func (u *udpSet) port(c *net.UDPConn) int { return c.LocalAddr().(*net.UDPAddr).Port }

func (u *udpSet) close() {
	for _, s := range []*net.UDPConn{u.mediaRTP, u.mediaRTCP, u.rtxRTP, u.rtxRTCP, u.wrong} {
		s.Close()
	}
	u.wg.Wait()
}

// udpSockets returns the session's UDP sockets, opening them the first
// time.
func (c *conn) udpSockets() (*udpSet, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.udp != nil {
		return c.udp, nil
	}
	u := &udpSet{}
	socks := []**net.UDPConn{&u.mediaRTP, &u.mediaRTCP, &u.rtxRTP, &u.rtxRTCP, &u.wrong}
	for i, p := range socks {
		s, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			for _, q := range socks[:i] {
				(*q).Close()
			}
			return nil, fmt.Errorf("rtsptest: UDP socket: %w", err)
		}
		*p = s
	}
	for _, s := range []*net.UDPConn{u.mediaRTCP, u.rtxRTCP} {
		u.wg.Add(1)
		go func() {
			defer u.wg.Done()
			buf := make([]byte, 1500)
			for {
				n, _, err := s.ReadFromUDP(buf)
				if err != nil {
					return // closed with the session
				}
				if s != u.rtxRTCP {
					// 3.1.4.6: NACKs go to RTCP-Destination-Port, the rtx
					// stream's; what comes to the media RTCP port is not
					// acted on.
					c.s.count(func(x *Stats) { x.RTCPIgnored++ })
					continue
				}
				c.rtcp(u, append([]byte(nil), buf[:n]...))
			}
		}()
	}
	c.udp = u
	return u, nil
}

// rtcp handles one RTCP packet from the client (MS-RTSP 3.2.5.10): it is
// ignored unless it holds an SDES whose CNAME is the rtx ssrc in decimal
// with the WMS suffix (2.2.4) and a generic NACK; then the first 128
// sequence numbers named are looked up in the resend queue and the
// packets found are sent again, unchanged (2.2.3.1), to the rtx port.
func (c *conn) rtcp(u *udpSet, b []byte) {
	s := c.s
	ignore := func() { s.count(func(x *Stats) { x.RTCPIgnored++ }) }
	// The E bit (MS-RTSP 2.2.4) sits in RFC 4585's 5-bit FMT; servers
	// ignore it. Clear it so that the RTCP parser sees FMT 1.
	for off := 0; off+4 <= len(b); {
		if b[off+1] == byte(rtcp.TypeTransportSpecificFeedback) {
			b[off] &^= 0x10
		}
		off += (int(binary.BigEndian.Uint16(b[off+2:])) + 1) * 4
	}
	pkts, err := rtcp.Unmarshal(b)
	if err != nil {
		ignore()
		return
	}
	want := fmt.Sprintf("%d%s", uint32(rtxSSRC), cnameSuffix)
	cname := false
	type lost struct {
		ssrc uint32
		seq  uint16
	}
	var seqs []lost
	for _, p := range pkts {
		switch p := p.(type) {
		case *rtcp.SourceDescription:
			for _, ch := range p.Chunks {
				for _, it := range ch.Items {
					if it.Type == rtcp.SDESCNAME && it.Text == want {
						cname = true
					}
				}
			}
		case *rtcp.TransportLayerNack:
			for _, pr := range p.Nacks {
				for _, q := range pr.PacketList() {
					seqs = append(seqs, lost{p.MediaSSRC, q})
				}
			}
		}
	}
	c.mu.Lock()
	x := c.rtx
	c.mu.Unlock()
	if !cname || len(seqs) == 0 || x == nil {
		ignore()
		return
	}
	s.count(func(x *Stats) { x.NACKs++ })
	if len(seqs) > maxNACKed {
		seqs = seqs[:maxNACKed]
	}
	for _, l := range seqs {
		pkt, ok := u.queue.find(l.ssrc, l.seq)
		if !ok {
			s.count(func(x *Stats) { x.NotFound++ })
			continue
		}
		if s.cfg.Faults.LoseResent && c.rand.lose(s.cfg.Faults.LossRate) {
			s.count(func(x *Stats) { x.Dropped++ })
			continue
		}
		s.count(func(x *Stats) { x.Resent++ }) // before: a test reading the copy then reads the count
		u.rtxRTP.WriteToUDP(pkt, x.addr)
	}
}

// sendPacketPair sends the packet-pair packets of a UdpPacketPair to the
// rtx port (MS-RTSP 2.2.3.2, 3.2.5.7): three RTP packets of the rtx
// payload type and ssrc with timestamp 0, each a 4-byte payload format
// header (L = 1, S on the first) and random data of 1454, 1455 and 1456
// bytes, or 1283, 1284 and 1285 with variable-size (sizes modulo 3 are 2,
// 0, 1: first, second-to-last, last).
func (c *conn) sendPacketPair(u *udpSet, x *rtxSlot, variable bool) {
	sizes := []int{1454, 1455, 1456}
	if variable {
		sizes = []int{1283, 1284, 1285}
	}
	r := rand.New(rand.NewSource(int64(u.ppSeq) + 1))
	for i, n := range sizes {
		pl := make([]byte, 4+n)
		pl[0] = 0x40
		if i == 0 {
			pl[0] |= 0x80
		}
		pl[1], pl[2], pl[3] = byte(n>>16), byte(n>>8), byte(n)
		r.Read(pl[4:])
		u.ppSeq++
		p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: ptRTX, SequenceNumber: u.ppSeq, SSRC: rtxSSRC}, Payload: pl}
		if b, err := p.Marshal(); err == nil {
			u.rtxRTP.WriteToUDP(b, x.addr)
		}
	}
}

// resendQueue is RTP-Resend-Queue (MS-RTSP 3.2.1): the media packets
// sent in the last 10 s of RTP time (3.2.4.3), at most maxQueued.
type resendQueue struct {
	mu   sync.Mutex
	pkts []queued
}

type queued struct {
	ssrc uint32
	seq  uint16
	ts   uint32
	b    []byte
}

const (
	maxQueued   = 8192
	resendRange = 10000 // ms of RTP time
)

func (q *resendQueue) add(ssrc uint32, seq uint16, ts uint32, b []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pkts = append(q.pkts, queued{ssrc, seq, ts, b})
	drop := 0
	for drop < len(q.pkts) && (len(q.pkts)-drop > maxQueued || int32(ts-q.pkts[drop].ts) > resendRange) {
		drop++
	}
	q.pkts = q.pkts[drop:]
}

// find returns the newest packet with that sequence number, of the media
// source ssrc when one of that ssrc is queued.
func (q *resendQueue) find(ssrc uint32, seq uint16) ([]byte, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var any []byte
	for i := len(q.pkts) - 1; i >= 0; i-- {
		p := q.pkts[i]
		if p.seq != seq {
			continue
		}
		if p.ssrc == ssrc {
			return p.b, true
		}
		if any == nil {
			any = p.b
		}
	}
	return any, any != nil
}
