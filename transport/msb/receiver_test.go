package msb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
)

// The test's own MSB framing, written from [MS-MSB] 2.2.4: dwPacketID,
// wStreamID, wPacketSize (the whole datagram), little-endian, then the
// ASF packet.
func dgram(id uint32, stream uint16, asfPkt []byte) []byte {
	b := make([]byte, 8+len(asfPkt))
	binary.LittleEndian.PutUint32(b, id)
	binary.LittleEndian.PutUint16(b[4:], stream)
	binary.LittleEndian.PutUint16(b[6:], uint16(len(b)))
	copy(b[8:], asfPkt)
	return b
}

// dataPkt is an ASF data packet as [MS-MSB] 2.2.2 frames one: Error
// Correction Flags 0x82 (present, 2 bytes of data), Type 1 and Number in
// the first EC byte, the Cycle in the second, then the rest of the packet.
func dataPkt(number, cycle byte, rest []byte) []byte {
	return append([]byte{0x82, 1<<4 | number, cycle}, rest...)
}

// parityPkt is the parity packet of a span (2.2.2): flags 0x92 (Opaque
// Data Present), Type 2, then the XOR of the span's packets without their
// first 3 bytes, zero-padded to the longest.
func parityPkt(number, cycle byte, span ...[]byte) []byte {
	n := 0
	for _, p := range span {
		n = max(n, len(p)-3)
	}
	x := make([]byte, n)
	for _, p := range span {
		for i, b := range p[3:] {
			x[i] ^= b
		}
	}
	return append([]byte{0x92, 2<<4 | number, cycle}, x...)
}

// body makes distinct packet contents (not ASF: the receiver does not
// parse them, except to trim a rebuilt packet, which fails harmlessly).
func body(id uint32, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(int(id)*31 + i*7 + 1)
	}
	return b
}

type rig struct {
	r   *receiver
	c   counters
	got []item
	now time.Time
	src netip.Addr
}

func newRig(known ...uint16) *rig {
	g := &rig{now: time.Unix(1000, 0), src: netip.MustParseAddr("10.0.0.1")}
	g.r = newReceiver(func(id uint16) bool {
		for _, k := range known {
			if id&FormatIDMask == k {
				return true
			}
		}
		return false
	}, netip.Addr{}, time.Second, &g.c)
	return g
}

func (g *rig) send(b []byte) { g.r.datagram(b, g.src, g.now, g.emit) }
func (g *rig) emit(it item)  { g.got = append(g.got, it) }

// span sends cycle c of n data packets starting at id (positional
// Numbers), and its parity; drop lists the indexes (0..n, n = the
// parity) not sent. It returns the data packets.
func (g *rig) span(id uint32, c byte, n int, size func(i int) int, drop ...int) [][]byte {
	var pkts [][]byte
	for i := 0; i < n; i++ {
		pkts = append(pkts, dataPkt(byte(i+1), c, body(id+uint32(i), size(i))))
	}
	dropped := map[int]bool{}
	for _, d := range drop {
		dropped[d] = true
	}
	for i, p := range pkts {
		if !dropped[i] {
			g.send(dgram(id+uint32(i), 7, p))
		}
	}
	if !dropped[n] {
		g.send(dgram(id+uint32(n-1), 7, parityPkt(byte(n+1), c, pkts...)))
	}
	return pkts
}

func fixed(n int) func(int) int { return func(int) int { return n } }

func (g *rig) check(t *testing.T, want [][]byte) {
	t.Helper()
	if len(g.got) != len(want) {
		t.Fatalf("delivered %d packets, want %d", len(g.got), len(want))
	}
	for i := range want {
		if !bytes.Equal(g.got[i].pkt, want[i]) {
			t.Fatalf("packet %d differs:\n got % x\nwant % x", i, g.got[i].pkt, want[i])
		}
	}
}

func TestReceiverInOrder(t *testing.T) {
	g := newRig(7)
	var all [][]byte
	for c := 0; c < 3; c++ {
		all = append(all, g.span(100+uint32(c)*10, byte(c), 10, fixed(50))...)
	}
	g.check(t, all)
	c := g.c.snapshot()
	if c.Received != 30 || c.Parity != 3 || c.Lost != 0 || c.Recovered != 0 {
		t.Fatalf("counters %+v", c)
	}
}

// One loss per span is rebuilt from the parity packet, wherever it is in
// the span (3.2.5.3), also with packets of different sizes.
func TestReceiverRecoversOneLossPerSpan(t *testing.T) {
	sizes := func(i int) int { return 40 + i*13 }
	for lost := 0; lost < 10; lost++ {
		t.Run(fmt.Sprint(lost), func(t *testing.T) {
			g := newRig(7)
			var all [][]byte
			all = append(all, g.span(0, 0, 10, sizes)...)
			all = append(all, g.span(10, 1, 10, sizes, lost)...)
			all = append(all, g.span(20, 2, 10, sizes)...)
			// The XOR rebuilds the packet zero-padded to the longest of the
			// span; these are not ASF packets, so nothing trims them.
			want := append([]byte(nil), all[10+lost]...)
			want = append(want, make([]byte, 40+9*13-len(want)+3)...)
			all[10+lost] = want
			g.check(t, all)
			c := g.c.snapshot()
			if c.Recovered != 1 || c.Lost != 0 || c.Received != 29 {
				t.Fatalf("counters %+v", c)
			}
			for i, it := range g.got {
				if it.gap {
					t.Fatalf("packet %d flagged after a gap", i)
				}
			}
		})
	}
}

// The first packet of a span is found without positional Numbers: from
// the previous cycle's parity packet.
func TestReceiverSpanStartFromPreviousParity(t *testing.T) {
	g := newRig(7)
	mk := func(id uint32, c byte) []byte { return dataPkt(1, c, body(id, 30)) }
	var c0, c1 [][]byte
	for i := uint32(0); i < 4; i++ {
		c0 = append(c0, mk(i, 5))
		g.send(dgram(i, 7, c0[i]))
	}
	g.send(dgram(3, 7, parityPkt(1, 5, c0...)))
	for i := uint32(4); i < 8; i++ {
		c1 = append(c1, mk(i, 6))
		if i != 4 {
			g.send(dgram(i, 7, c1[i-4]))
		}
	}
	g.send(dgram(7, 7, parityPkt(1, 6, c1...)))
	g.check(t, append(c0, c1...))
	if c := g.c.snapshot(); c.Recovered != 1 {
		t.Fatalf("counters %+v", c)
	}
}

// Without the previous parity and without positional Numbers the span's
// start is unknown: nothing is rebuilt, and the loss is given up once
// maxAhead packets wait.
func TestReceiverNoSpanStartNoGuess(t *testing.T) {
	g := newRig(7)
	var c1 [][]byte
	for i := uint32(0); i < 4; i++ {
		c1 = append(c1, dataPkt(1, 6, body(i, 30)))
		if i != 1 {
			g.send(dgram(i, 7, c1[i]))
		}
	}
	g.send(dgram(3, 7, parityPkt(1, 6, c1...)))
	if len(g.got) != 1 {
		t.Fatalf("delivered %d before the gap is given up", len(g.got))
	}
	// Packet 0 might belong to a previous cycle as far as the receiver
	// knows: with it missing from the cycle the XOR would be wrong.
	if c := g.c.snapshot(); c.Recovered != 0 {
		t.Fatalf("guessed a span: %+v", c)
	}
	for i := uint32(4); i < 4+maxAhead; i++ {
		g.send(dgram(i, 7, dataPkt(1, 7, body(i, 30))))
	}
	c := g.c.snapshot()
	if c.Lost != 1 || len(g.got) != 3+maxAhead || !g.got[1].gap {
		t.Fatalf("counters %+v, delivered %d", c, len(g.got))
	}
}

func TestReceiverTwoLossesInASpan(t *testing.T) {
	g := newRig(7)
	g.span(0, 0, 10, fixed(20))
	g.span(10, 1, 10, fixed(20), 2, 5)
	g.span(20, 2, 10, fixed(20))
	g.span(30, 3, 10, fixed(20))
	if n := g.c.lost.Load(); n != 0 {
		t.Fatalf("%d lost while fewer than maxAhead packets wait", n)
	}
	g.span(40, 4, 10, fixed(20))
	c := g.c.snapshot()
	if c.Lost != 2 || c.Recovered != 0 || c.Received != 48 {
		t.Fatalf("counters %+v", c)
	}
	if len(g.got) != 48 || !g.got[12].gap || !g.got[14].gap || g.got[13].gap {
		t.Fatalf("delivered %d, gaps at 12/13/14: %v %v %v", len(g.got), g.got[12].gap, g.got[13].gap, g.got[14].gap)
	}
}

// A gap is given up after the hold time when nothing else comes.
func TestReceiverGapHoldTime(t *testing.T) {
	g := newRig(7)
	g.send(dgram(0, 7, dataPkt(1, 0, body(0, 10))))
	g.send(dgram(2, 7, dataPkt(3, 0, body(2, 10))))
	if len(g.got) != 1 {
		t.Fatalf("delivered %d", len(g.got))
	}
	if d := g.r.deadline(); !d.Equal(g.now.Add(time.Second)) {
		t.Fatalf("deadline %v", d)
	}
	g.r.tick(g.now.Add(999*time.Millisecond), g.emit)
	if len(g.got) != 1 {
		t.Fatal("gap given up before the hold time")
	}
	g.r.tick(g.now.Add(time.Second), g.emit)
	if len(g.got) != 2 || !g.got[1].gap || g.c.lost.Load() != 1 {
		t.Fatalf("delivered %d lost %d", len(g.got), g.c.lost.Load())
	}
}

func TestReceiverReorderDuplicateLate(t *testing.T) {
	g := newRig(7)
	p := func(id uint32) []byte { return dataPkt(1, 0, body(id, 10)) }
	for _, id := range []uint32{10, 12, 11, 11, 13, 15, 14} {
		g.send(dgram(id, 7, p(id)))
	}
	g.send(dgram(9, 7, p(9)))   // before the first: late
	g.send(dgram(13, 7, p(13))) // delivered already: duplicate
	g.check(t, [][]byte{p(10), p(11), p(12), p(13), p(14), p(15)})
	c := g.c.snapshot()
	if c.Duplicate != 2 || c.Late != 1 || c.Lost != 0 || c.Received != 6 {
		t.Fatalf("counters %+v", c)
	}
}

func TestReceiverFilters(t *testing.T) {
	g := newRig(7)
	g.r.source = netip.MustParseAddr("192.0.2.1")
	ok := dgram(0, 7, dataPkt(1, 0, body(0, 10)))
	g.send(ok) // from 10.0.0.1: wrong source
	g.src = netip.MustParseAddr("192.0.2.1")
	g.send([]byte("MSB "))
	if !g.r.heard || len(g.got) != 0 {
		t.Fatal("a Beacon must stop the Open timer and deliver nothing")
	}
	g.send(dgram(0, 8, dataPkt(1, 0, body(0, 10))))        // unknown Format ID
	g.send(dgram(0, 7|0x0800, dataPkt(1, 0, body(0, 10)))) // reserved bit set
	g.send([]byte{1, 2, 3})                                // short
	g.send(append(dgram(0, 7, nil), 0)[:8])                // no ASF packet
	bad := dgram(0, 7, dataPkt(1, 0, body(0, 10)))
	binary.LittleEndian.PutUint16(bad[6:], uint16(len(bad)+1)) // wPacketSize beyond the datagram
	g.send(bad)
	g.send(dgram(0, 7, []byte{0x8F, 1})) // 15 bytes of EC data announced, 1 present
	g.send(ok)
	g.send(dgram(1, 7|EntryToggle, dataPkt(1, 0, body(1, 10))))
	c := g.c.snapshot()
	want := Counters{Datagrams: 10, Beacons: 1, Received: 2, WrongSource: 1, UnknownFormat: 2, Malformed: 4, Bytes: int64(2 * len(ok))}
	if c != want {
		t.Fatalf("counters\n got %+v\nwant %+v", c, want)
	}
	if len(g.got) != 2 || g.got[1].stream != 7|EntryToggle {
		t.Fatalf("delivered %+v", g.got)
	}
}

// A jump far beyond any loss (a restarted sender) resynchronises instead
// of counting thousands of losses or holding everything as late.
func TestReceiverResync(t *testing.T) {
	g := newRig(7)
	g.send(dgram(1<<20, 7, dataPkt(1, 0, body(0, 10))))
	g.send(dgram(5, 7, dataPkt(1, 0, body(1, 10))))
	g.send(dgram(6, 7, dataPkt(1, 0, body(2, 10))))
	c := g.c.snapshot()
	if len(g.got) != 3 || c.Resyncs != 1 || c.Lost != 0 || c.Late != 0 || !g.got[1].gap {
		t.Fatalf("delivered %d counters %+v", len(g.got), c)
	}
}

// A rebuilt single-payload ASF packet whose sender stripped its padding
// (2.2.4) gets back its own length: the payload ends where its media
// object does, not at the span's longest packet.
func TestReceiverTrimsRebuiltStrippedPacket(t *testing.T) {
	mk := func(n int, obj uint32, fill byte) []byte {
		data := bytes.Repeat([]byte{fill}, n)
		p := asf.Packet{
			ECFlags: 0x82, ECData: []byte{0x11, 4},
			LengthTypeFlags: 0x08, // padding length BYTE, no packet length
			SendTime:        1000, Duration: 10,
			Payloads: []asf.Payload{{Stream: 1, ObjectNumber: obj, ObjectSize: uint32(n), PresentationTime: 1000, Data: data}},
		}
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	short, long := mk(60, 1, 0xAB), mk(300, 2, 0xCD)
	short[1], long[1] = 1<<4|1, 1<<4|2
	g := newRig(7)
	// Cycle 3 is packet 0 and its parity; cycle 4 is packets 1 (short,
	// lost) and 2 (long) and its parity.
	first := dataPkt(1, 3, body(0, 10))
	g.send(dgram(0, 7, first))
	g.send(dgram(0, 7, parityPkt(2, 3, first)))
	g.send(dgram(2, 7, long))
	g.send(dgram(2, 7, parityPkt(3, 4, short, long)))
	if g.c.recovered.Load() != 1 || len(g.got) != 3 {
		t.Fatalf("counters %+v, delivered %d", g.c.snapshot(), len(g.got))
	}
	if got := g.got[1].pkt; !bytes.Equal(got, short) {
		t.Fatalf("rebuilt %d bytes, want %d:\n got % x\nwant % x", len(got), len(short), got, short)
	}
}
