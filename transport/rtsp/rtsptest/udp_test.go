package rtsptest

import (
	"encoding/binary"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// udpPort opens a client UDP socket on loopback.
func udpPort(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func portOf(c *net.UDPConn) int { return c.LocalAddr().(*net.UDPAddr).Port }

// readN reads exactly n datagrams (each within the raw client's timeout).
func readN(t *testing.T, c *net.UDPConn, n int) []*rtp.Packet {
	t.Helper()
	var out []*rtp.Packet
	buf := make([]byte, 65536)
	for len(out) < n {
		c.SetReadDeadline(time.Now().Add(rawTimeout))
		k, _, err := c.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("datagram %d of %d: %v", len(out)+1, n, err)
		}
		p := &rtp.Packet{}
		if err := p.Unmarshal(append([]byte(nil), buf[:k]...)); err != nil {
			t.Fatalf("datagram %d: %v", len(out)+1, err)
		}
		out = append(out, p)
	}
	return out
}

// serverPorts returns the server_port pair of a Transport value.
func serverPorts(t *testing.T, transport string) (int, int) {
	t.Helper()
	for _, p := range strings.Split(transport, ";") {
		if v, ok := strings.CutPrefix(p, "server_port="); ok {
			var a, b int
			if _, err := fmt.Sscanf(v, "%d-%d", &a, &b); err == nil {
				return a, b
			}
		}
	}
	t.Fatalf("no server_port pair in %q", transport)
	return 0, 0
}

func marshalAll(t *testing.T, pkts []*rtp.Packet) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range pkts {
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// TestUDPWithFECRecoversDroppedPackets sets a stream and its FEC stream up
// over UDP, the FEC SETUP asking for FecSpan 4, FecPerSpan 1,
// FecBurstMargin 2 in hex (MS-RTSP 2.2.6.11) and getting them back, drops
// two media packets on the wire, and checks that the FEC packets (every
// Total Span of 8, 2 interleaved spans, 3.2.4.3) rebuild them so that the
// whole file arrives.
func TestUDPWithFECRecoversDroppedPackets(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	s := New(t, Config{Entries: [][]byte{file}, FEC: &wmfec.Params{Span: 24, PerSpan: 1, BurstMargin: 1},
		Faults: Faults{DropSeqs: []uint16{1003, 1012}}})
	media := udpPort(t)
	p := portOf(media)
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", s.URL(), "")
	r := rc.do("SETUP", s.URL()+"/audio", "", fmt.Sprintf("Transport: RTP/AVP/UDP;unicast;client_port=%d-%d;ssrc=6dded651;mode=PLAY", p, p+1))
	a, b := serverPorts(t, r.get("Transport"))
	if want := fmt.Sprintf("RTP/AVP/UDP;unicast;server_port=%d-%d;client_port=%d-%d;ssrc=2f73682b;mode=PLAY", a, b, p, p+1); r.get("Transport") != want {
		t.Errorf("Transport %q, want %q", r.get("Transport"), want)
	}
	r = rc.do("SETUP", s.URL()+"/audio/fec", "", fmt.Sprintf("Transport: RTP/AVP/UDP;unicast;client_port=%d-%d;ssrc=6dded651;mode=PLAY;FecSpan=4;FecPerSpan=1;FecBurstMargin=2", p, p+1))
	if !strings.HasSuffix(r.get("Transport"), ";mode=PLAY;FecSpan=4;FecPerSpan=1;FecBurstMargin=2") {
		t.Fatalf("FEC SETUP Transport %q", r.get("Transport"))
	}
	rc.do("PLAY", s.URL(), "", "Range: npt=0.000-", "Scale: 1.0")
	rc.untilRequest("SET_PARAMETER")
	st := s.Stats()
	if st.Dropped != 2 || !slices.Equal(s.DroppedSeqs(), []uint16{1003, 1012}) {
		t.Fatalf("dropped %d: %v", st.Dropped, s.DroppedSeqs())
	}
	// 2 per Total Span of 8, and one per span of the short last one.
	if n := st.Sent + 2; st.FECSent != n/8*2+min(n%8, 2) {
		t.Errorf("%d FEC packets for %d media packets, want %d", st.FECSent, n, n/8*2+min(n%8, 2))
	}
	all := readN(t, media, st.Sent+st.FECSent)
	dec, err := wmfec.NewDecoder(wmfec.DecoderConfig{Params: wmfec.Params{Span: 4, PerSpan: 1, BurstMargin: 2}})
	if err != nil {
		t.Fatal(err)
	}
	var got []*rtp.Packet
	for _, p := range all {
		switch p.PayloadType {
		case ptFEC:
			if p.SSRC == 0x2f73682b || !p.Marker {
				t.Errorf("FEC packet seq %d: SSRC %08x M %v", p.SequenceNumber, p.SSRC, p.Marker)
			}
			got = append(got, dec.PushFEC(p)...)
		case ptASF:
			if p.SequenceNumber == 1003 || p.SequenceNumber == 1012 {
				t.Errorf("packet %d arrived though dropped", p.SequenceNumber)
			}
			got = append(got, p)
			got = append(got, dec.PushMedia(p)...)
		default:
			t.Errorf("payload type %d", p.PayloadType)
		}
	}
	got = append(got, dec.Flush()...)
	if rec := dec.Stats().Recovered; rec != 2 {
		t.Errorf("FEC rebuilt %d packets, want 2", rec)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].SequenceNumber < got[j].SequenceNumber })
	asfPkts, _ := depacketize(t, marshalAll(t, got))
	want, n := filePayloads(t, file)
	have := map[uint8][]payload{}
	for _, a := range asfPkts {
		addPayloads(t, have, a.Data, 0)
	}
	if len(asfPkts) != int(n) || !slices.Equal(have[1], want[1]) {
		t.Errorf("%d ASF packets with %d payloads after FEC, the file has %d with %d", len(asfPkts), len(have[1]), n, len(want[1]))
	}
}

// nack writes the RTCP compound packet of MS-RTSP 2.2.4 and digest §4.3
// by hand: an empty RR, an SDES with the CNAME "<ssrc in decimal>@WMS:
// 7ff42e07-3c7c-4eb5-9c17-6bdd11ad90de", and a generic NACK whose first
// byte is 0x91 (V=2, E=1, FMT=1), PT 205.
func nack(cnameSSRC uint32, media uint32, pid, blp uint16) []byte {
	const sender = 0x16a4ffff
	be32 := func(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }
	var b []byte
	b = append(b, 0x80, 201, 0, 1) // RR, RC=0, length 1
	b = be32(b, sender)
	cname := fmt.Sprintf("%d@WMS:7ff42e07-3c7c-4eb5-9c17-6bdd11ad90de", cnameSSRC)
	chunk := be32(nil, sender)
	chunk = append(chunk, 1, byte(len(cname)))
	chunk = append(chunk, cname...)
	chunk = append(chunk, 0)
	for len(chunk)%4 != 0 {
		chunk = append(chunk, 0)
	}
	b = append(b, 0x81, 202, 0, byte(len(chunk)/4)) // SDES, SC=1, length in words - 1 (+1 header word)
	b = append(b, chunk...)
	b = append(b, 0x91, 205, 0, 3)
	b = be32(b, sender)
	b = be32(b, media)
	b = binary.BigEndian.AppendUint16(b, pid)
	return binary.BigEndian.AppendUint16(b, blp)
}

// TestNACKGetsExactCopiesOnTheRtxPort sets the rtx stream up first over
// UDP (MS-RTSP 4.4.1), then the audio stream, drops two packets, and sends
// the NACK of 2.2.4 to the second server_port of the rtx answer (the
// RTCP-Destination-Port of 3.1.5.6): the two packets come to the rtx
// client port as exact copies (2.2.3.1) and complete the file. A NACK
// whose CNAME does not carry the rtx ssrc is ignored (3.2.5.10).
func TestNACKGetsExactCopiesOnTheRtxPort(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	s := New(t, Config{Entries: [][]byte{file}, RTX: true, Faults: Faults{DropSeqs: []uint16{1005, 1006}}})
	media, rtxRTP, rtxRTCP := udpPort(t), udpPort(t), udpPort(t)
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", s.URL(), "")
	r := rc.do("SETUP", s.URL()+"/rtx", "", fmt.Sprintf("Transport: RTP/AVP/UDP;unicast;client_port=%d-%d;ssrc=16a4ffff;mode=PLAY", portOf(rtxRTP), portOf(rtxRTCP)))
	rtpPort, dest := serverPorts(t, r.get("Transport"))
	if !strings.HasSuffix(r.get("Transport"), ";ssrc=2f73682b;mode=PLAY") || r.get("Session") != "13856065358275910855;timeout=60" {
		t.Fatalf("rtx SETUP: %q", r.lines)
	}
	if r = rc.do("SETUP", s.URL()+"/rtx", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY"); r.status() != 461 {
		t.Errorf("rtx over TCP: %q, want 461 (the rtx stream is UDP only)", r.start)
	}
	audio := rc.do("SETUP", s.URL()+"/audio", "", fmt.Sprintf("Transport: RTP/AVP/UDP;unicast;client_port=%d;ssrc=16a4ffff;mode=PLAY", portOf(media)))
	rc.do("PLAY", s.URL(), "", "Range: npt=0.000-", "Scale: 1.0")
	rc.untilRequest("SET_PARAMETER")
	pkts := readN(t, media, s.Stats().Sent)
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: dest}
	if _, err := rtxRTCP.WriteToUDP(nack(1, 0x2f73682b, 1005, 1), to); err != nil {
		t.Fatal(err)
	}
	// The right NACK to the wrong port (the first server_port, and the
	// media stream's RTCP port) is not acted on either.
	_, mediaRTCP := serverPorts(t, audio.get("Transport"))
	for _, port := range []int{rtpPort, mediaRTCP} {
		if _, err := rtxRTCP.WriteToUDP(nack(0x2f73682b, 0x2f73682b, 1005, 1), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rtxRTCP.WriteToUDP(nack(0x2f73682b, 0x2f73682b, 1005, 1), to); err != nil {
		t.Fatal(err)
	}
	resent := readN(t, rtxRTP, 2)
	for i, p := range resent {
		if p.SequenceNumber != uint16(1005+i) || p.PayloadType != ptASF || p.SSRC != 0x2f73682b {
			t.Errorf("resent %d: seq %d PT %d SSRC %08x", i, p.SequenceNumber, p.PayloadType, p.SSRC)
		}
	}
	st := s.Stats()
	// The wrong-CNAME NACK went before the right one to the same port:
	// it has been handled. The one to the media RTCP port may still be
	// on its way.
	if st.RTCPIgnored < 1 || st.NACKs != 1 || st.Resent != 2 || st.NotFound != 0 {
		t.Errorf("stats %+v: want the wrong-CNAME NACK ignored and 2 packets resent", st)
	}
	all := append(pkts, resent...)
	sort.Slice(all, func(i, j int) bool { return all[i].SequenceNumber < all[j].SequenceNumber })
	asfPkts, _ := depacketize(t, marshalAll(t, all))
	want, n := filePayloads(t, file)
	have := map[uint8][]payload{}
	for _, a := range asfPkts {
		addPayloads(t, have, a.Data, 0)
	}
	if len(asfPkts) != int(n) || !slices.Equal(have[1], want[1]) {
		t.Errorf("%d ASF packets after resends, the file has %d", len(asfPkts), n)
	}
}

// TestTcpPacketPair checks the answer to TcpPacketPair (MS-RTSP 2.2.7.12,
// 3.2.5.5): three $P packets of [MS-WMSP] 2.2.3.7 in the body, each with
// the Reason R = min(504, bytes of the response before the first $P) and
// 504−R, 504 and 1048+R bytes after its 8-byte header.
func TestTcpPacketPair(t *testing.T) {
	s := New(t, Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}})
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", s.URL(), "")
	r := rc.do("GET_PARAMETER", s.URL(), "", "Content-Type: application/x-rtsp-packetpair", "Content-Length: 0")
	head := len(r.start) + 2 + 2
	for _, l := range r.lines {
		head += len(l) + 2
	}
	R := min(504, head)
	b := r.body
	if r.get("Content-Type") != "application/x-rtsp-packetpair" || len(b) != 8+504-R+512+8+1048+R {
		t.Fatalf("%q, body of %d bytes", r.lines, len(b))
	}
	for i, p := range []struct{ off, length, size int }{{0, 504, 504 - R}, {8 + 504 - R, 504, 504}, {8 + 504 - R + 512, 1048, 1048 + R}} {
		h := b[p.off:]
		if h[0] != 0x24 || h[1] != 'P' || int(binary.LittleEndian.Uint16(h[2:])) != p.length || int(binary.LittleEndian.Uint32(h[4:])) != R {
			t.Errorf("$P %d: % x", i+1, h[:8])
		}
		if i == 2 && len(h) != 8+p.size {
			t.Errorf("$P 3 has %d bytes, want %d", len(h), 8+p.size)
		}
	}
}

// TestUdpPacketPair: after the rtx SETUP, UdpPacketPair with variable-size
// (MS-RTSP 2.2.7.14, 3.2.5.7) gets its body echoed (as in 4.4.2) and three
// packet-pair RTP packets on the rtx client port (2.2.3.2): the rtx
// payload type and ssrc, timestamp 0, a 4-byte header with L = 1 (S on the
// first) giving the size of the random data, sizes 1283, 1284, 1285 (mod 3:
// 2, 0, 1).
func TestUdpPacketPair(t *testing.T) {
	s := New(t, Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}, RTX: true})
	rtxRTP := udpPort(t)
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", s.URL(), "")
	rc.do("SETUP", s.URL()+"/rtx", "", fmt.Sprintf("Transport: RTP/AVP/UDP;unicast;client_port=%d-%d;ssrc=16a4ffff;mode=PLAY", portOf(rtxRTP), portOf(rtxRTP)+1))
	body := "type: high-entropy-packetpair variable-size"
	r := rc.do("SET_PARAMETER", s.URL(), body, "Content-Type: application/x-rtsp-udp-packetpair")
	if r.status() != 200 || string(r.body) != body {
		t.Errorf("UdpPacketPair: %q %q", r.start, r.body)
	}
	for i, p := range readN(t, rtxRTP, 3) {
		size := 1283 + i
		pl := p.Payload
		flags := byte(0x40)
		if i == 0 {
			flags = 0xC0
		}
		if p.PayloadType != ptRTX || p.Timestamp != 0 || p.SSRC != 0x2f73682b || len(pl) != 4+size ||
			pl[0] != flags || int(pl[1])<<16|int(pl[2])<<8|int(pl[3]) != size {
			t.Errorf("packet-pair packet %d: PT %d ts %d SSRC %08x len %d header % x", i, p.PayloadType, p.Timestamp, p.SSRC, len(pl), pl[:4])
		}
	}
}
