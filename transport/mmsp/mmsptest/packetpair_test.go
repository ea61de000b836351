package mmsptest

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport/mmsp"
)

// rawClient speaks to the fake server with requests the codec marshals
// and reads its answers as bytes, so the asserts below are on the bytes
// the server sends, checked against the spec's text.
type rawClient struct {
	t   *testing.T
	nc  net.Conn
	seq uint16
}

func dialRaw(t *testing.T, srv *Server) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "mmst://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawClient{t: t, nc: nc}
}

func (c *rawClient) send(m mmsp.Message) {
	c.t.Helper()
	if _, err := c.nc.Write(mmsp.AppendPacket(nil, c.seq, 0, m)); err != nil {
		c.t.Fatal(err)
	}
	c.seq++
}

// packet reads one TcpMessageHeader packet (2.2.3): 16 bytes, then the
// messageLength bytes that follow them.
func (c *rawClient) packet() []byte {
	c.t.Helper()
	head := make([]byte, 16)
	if _, err := io.ReadFull(c.nc, head); err != nil {
		c.t.Fatal(err)
	}
	if binary.LittleEndian.Uint32(head[4:]) != 0xB00BFACE {
		c.t.Fatalf("not a TcpMessageHeader: % x", head)
	}
	rest := make([]byte, binary.LittleEndian.Uint32(head[8:]))
	if _, err := io.ReadFull(c.nc, rest); err != nil {
		c.t.Fatal(err)
	}
	return append(head, rest...)
}

// Offsets in a TcpMessageHeader packet (2.2.3, 2.2.4): the 32-byte
// header, then chunkLen, MID, and the message's fields.
const (
	offMID  = 36
	offBody = 40
)

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// TestPacketPairTCPShape: MS-MMSP 4.4.2. A client that sends
// LinkViewerToMacConnect with playIncarnation 0xF0F0F0F0 gets
// ReportConnectedEX with 0xF0F0F0F0; its FunnelInfo with 0xF0F0F0F1 gets
// three LinkMacToViewerReportFunnelInfo (MID 0x00040015) with
// playIncarnation 0xF0F0F0F1, in TcpMessageHeader packets of 512, 512 and
// 1,056 bytes (3.2.5.4), their packet-pair fields different random bytes.
func TestPacketPairTCPShape(t *testing.T) {
	srv, _ := serve(t, Options{}, "/c.wma", "c_wmav2.wma")
	c := dialRaw(t, srv)
	c.send(&mmsp.Connect{PlayIncarnation: 0xF0F0F0F0, MacToViewerRevision: 0x0004000B, ViewerToMacRevision: 0x0003001C, SubscriberName: "NSPlayer/9.0.0.2980; {3300AD50-2C39-46C0-AE0A-B2B5F1A8F1A2}"})
	ex := c.packet()
	// ReportConnectedEX (2.2.4.2): MID 0x00040001, hr, playIncarnation.
	if !bytes.Equal(ex[offMID:offMID+4], le32(0x00040001)) || !bytes.Equal(ex[offBody+4:offBody+8], []byte{0xF0, 0xF0, 0xF0, 0xF0}) {
		t.Fatalf("ReportConnectedEX % x", ex[:offBody+8])
	}
	c.send(&mmsp.FunnelInfo{PlayIncarnation: 0xF0F0F0F1})
	var pairs [][]byte
	for i, size := range []int{512, 512, 1056} {
		p := c.packet()
		if len(p) != size {
			t.Errorf("ReportFunnelInfo %d: %d bytes, want %d", i+1, len(p), size)
		}
		if !bytes.Equal(p[offMID:offMID+4], []byte{0x15, 0x00, 0x04, 0x00}) || !bytes.Equal(p[offBody:offBody+8], []byte{0, 0, 0, 0, 0xF1, 0xF0, 0xF0, 0xF0}) {
			t.Errorf("ReportFunnelInfo %d: % x", i+1, p[offMID:offBody+8])
		}
		// transportMask 8, nBlockFragments 1, fragmentBytes 0x10000
		// (2.2.4.6); the packet-pair field follows cubddDatagramSize.
		if !bytes.Equal(p[offBody+8:offBody+20], []byte{8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0}) {
			t.Errorf("ReportFunnelInfo %d fixed fields % x", i+1, p[offBody+8:offBody+20])
		}
		pairs = append(pairs, p[offBody+40:])
	}
	if bytes.Equal(pairs[0], pairs[1]) || bytes.Equal(pairs[0][:64], pairs[2][:64]) {
		t.Error("the packet-pair fields repeat: they must be different random bytes")
	}
}

// udpSetup runs Connect, FunnelInfo with playIncarnation fi,
// ConnectFunnel over UDP, OpenFile and ReadBlock; it returns the
// ReportFunnelInfo packet and the UDP socket.
func udpSetup(t *testing.T, srv *Server, fi uint32) ([]byte, *net.UDPConn) {
	t.Helper()
	uc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { uc.Close() })
	c := dialRaw(t, srv)
	c.send(&mmsp.Connect{PlayIncarnation: 0xF0F0F0F0, MacToViewerRevision: 0x0004000B, ViewerToMacRevision: 0x0003001C, SubscriberName: "NSPlayer/9.0.0.2980; {3300AD50-2C39-46C0-AE0A-B2B5F1A8F1A2}"})
	c.packet()
	c.send(&mmsp.FunnelInfo{PlayIncarnation: fi})
	rfi := c.packet()
	port := uc.LocalAddr().(*net.UDPAddr).Port
	c.send(&mmsp.ConnectFunnel{MaxBlockBytes: 0xFFFFFFFF, MaxBitRate: 0x00989680, FunnelMode: 2, FunnelName: `\\127.0.0.1\UDP\` + strconv.Itoa(port)})
	c.packet()
	c.send(&mmsp.OpenFile{PlayIncarnation: 9, FileName: "c.wma"})
	of := c.packet()
	// ReportOpenFile (2.2.4.7): hr, playIncarnation, openFileId.
	id := binary.LittleEndian.Uint32(of[offBody+8:])
	c.send(&mmsp.ReadBlock{OpenFileID: id, Length: 0x8000, Flags: 0xFFFFFFFF, TDeadline: 3600, PlayIncarnation: 1})
	uc.SetReadDeadline(time.Now().Add(10 * time.Second))
	return rfi, uc
}

// TestPacketPairUDPShape: MS-MMSP 4.4.1. With FunnelInfo's
// playIncarnation 0xF0F0F901 the ReportFunnelInfo carries 0xF0F0F901 and
// no packet-pair field (3.2.5.4: its size SHOULD be 0); after ReadBlock
// the first two UDP datagrams are the pair: LocationId 0xF0F0F000 then
// 0xF0F0F001, playIncarnation 0xFF, AFFlags 0x10, 1,472 bytes (PacketSize
// says so), different random payloads; then the ASF file header
// (LocationId 0, the ReadBlock's incarnation 1).
func TestPacketPairUDPShape(t *testing.T) {
	srv, _ := serve(t, Options{}, "/c.wma", "c_wmav2.wma")
	rfi, uc := udpSetup(t, srv, 0xF0F0F901)
	if !bytes.Equal(rfi[offBody+4:offBody+8], []byte{0x01, 0xF9, 0xF0, 0xF0}) || len(rfi) != offBody+40 {
		t.Fatalf("ReportFunnelInfo (%d bytes) % x", len(rfi), rfi[offMID:])
	}
	buf := make([]byte, 65536)
	var pays [][]byte
	for i, loc := range [][]byte{{0x00, 0xF0, 0xF0, 0xF0}, {0x01, 0xF0, 0xF0, 0xF0}} {
		n, _, err := uc.ReadFromUDP(buf)
		if err != nil {
			t.Fatal(err)
		}
		d := buf[:n]
		if n != 1472 || !bytes.Equal(d[:8], append(loc, 0xFF, 0x10, 0xC0, 0x05)) {
			t.Fatalf("pair packet %d: %d bytes % x", i+1, n, d[:min(n, 8)])
		}
		pays = append(pays, append([]byte(nil), d[8:]...))
	}
	if bytes.Equal(pays[0], pays[1]) {
		t.Error("the two pair packets carry the same bytes")
	}
	n, _, err := uc.ReadFromUDP(buf)
	if err != nil {
		t.Fatal(err)
	}
	if n < 8 || !bytes.Equal(buf[:5], []byte{0, 0, 0, 0, 1}) {
		t.Fatalf("after the pair: % x, want the first header piece", buf[:min(n, 8)])
	}
}

// TestPacketPairOptions: DisablePacketPair answers 0xF0F0F0EF
// (MMS_DISABLE_PACKET_PAIR, 3.2.5.3) to a client asking for pairs, and
// FunnelInfo then gets one ReportFunnelInfo with 0xF0F0F0EF; DropUDPPair
// sends the header but not the pair.
func TestPacketPairOptions(t *testing.T) {
	srv, _ := serve(t, Options{DisablePacketPair: true}, "/c.wma", "c_wmav2.wma")
	c := dialRaw(t, srv)
	c.send(&mmsp.Connect{PlayIncarnation: 0xF0F0F0F0, MacToViewerRevision: 0x0004000B, ViewerToMacRevision: 0x0003001C, SubscriberName: "NSPlayer/9.0.0.2980; {3300AD50-2C39-46C0-AE0A-B2B5F1A8F1A2}"})
	if ex := c.packet(); !bytes.Equal(ex[offBody+4:offBody+8], []byte{0xEF, 0xF0, 0xF0, 0xF0}) {
		t.Fatalf("ReportConnectedEX % x", ex[offBody:offBody+8])
	}
	c.send(&mmsp.FunnelInfo{PlayIncarnation: 0xF0F0F0F1})
	if p := c.packet(); !bytes.Equal(p[offBody+4:offBody+8], []byte{0xEF, 0xF0, 0xF0, 0xF0}) || len(p) != offBody+40 {
		t.Fatalf("ReportFunnelInfo (%d bytes) % x", len(p), p[offBody:offBody+8])
	}

	srv2, _ := serve(t, Options{DropUDPPair: true}, "/c.wma", "c_wmav2.wma")
	_, uc := udpSetup(t, srv2, 0xF0F0F901)
	buf := make([]byte, 65536)
	n, _, err := uc.ReadFromUDP(buf)
	if err != nil {
		t.Fatal(err)
	}
	if n < 8 || !bytes.Equal(buf[:5], []byte{0, 0, 0, 0, 1}) {
		t.Fatalf("first datagram % x, want the first header piece (no pair)", buf[:min(n, 8)])
	}
}
