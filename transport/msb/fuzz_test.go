package msb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"
	"time"
)

// packetCases are MSB datagrams written from [MS-MSB] 2.2.4 (dgram), and
// hostile ones; shared by TestPacketUnmarshal and the fuzz seeds.
var packetCases = []struct {
	name string
	in   []byte
	ok   bool
}{
	{"data", dgram(7, 926, dataPkt(1, 0, []byte{1, 2, 3})), true},
	{"toggled", dgram(0xFFFFFFFF, 926|EntryToggle, parityPkt(2, 9, dataPkt(1, 9, []byte{5}))), true},
	{"trailing bytes ignored", append(dgram(1, 1, []byte{0}), 0xEE, 0xEE), true},
	{"beacon", []byte("MSB "), false},
	{"empty", nil, false},
	{"header only", dgram(1, 1, nil), false},
	{"size too small", func() []byte { b := dgram(1, 1, []byte{1, 2}); b[6], b[7] = 7, 0; return b }(), false},
	{"size beyond the datagram", func() []byte { b := dgram(1, 1, []byte{1, 2}); b[6]++; return b }(), false},
}

func TestPacketUnmarshal(t *testing.T) {
	for _, tc := range packetCases {
		var p Packet
		err := p.Unmarshal(tc.in)
		if tc.ok != (err == nil) {
			t.Fatalf("%s: err %v", tc.name, err)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("%s: %v does not wrap ErrMalformed", tc.name, err)
			}
			continue
		}
		size := int(binary.LittleEndian.Uint16(tc.in[6:]))
		if p.ID != binary.LittleEndian.Uint32(tc.in) || p.StreamID != binary.LittleEndian.Uint16(tc.in[4:]) || !bytes.Equal(p.ASF, tc.in[8:size]) {
			t.Fatalf("%s: %+v", tc.name, p)
		}
		if p.FormatID() != 926&FormatIDMask && tc.name != "trailing bytes ignored" {
			t.Fatalf("%s: format %d", tc.name, p.FormatID())
		}
		out, err := p.Marshal()
		if err != nil || !bytes.Equal(out, tc.in[:size]) {
			t.Fatalf("%s: Marshal % x, %v", tc.name, out, err)
		}
	}
}

func FuzzPacket(f *testing.F) {
	for _, tc := range packetCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Packet
		if p.Unmarshal(b) != nil {
			return
		}
		out, err := p.Marshal()
		if err != nil || !bytes.Equal(out, b[:len(out)]) {
			t.Fatalf("Unmarshal/Marshal round trip: % x, %v", out, err)
		}
	})
}

// FuzzReceiver feeds datagrams (each prefixed by a 2-byte length in the
// fuzz input) and clock steps to the receiver: it must never panic, hold
// more than its bounds, or deliver a packet twice.
func FuzzReceiver(f *testing.F) {
	seed := func(dgs ...[]byte) []byte {
		var b []byte
		for _, d := range dgs {
			b = binary.LittleEndian.AppendUint16(b, uint16(len(d)))
			b = append(b, d...)
		}
		return b
	}
	span := [][]byte{dataPkt(1, 0, body(0, 20)), dataPkt(2, 0, body(1, 30)), dataPkt(3, 0, body(2, 25))}
	f.Add(seed(dgram(0, 7, span[0]), dgram(2, 7, span[2]), dgram(2, 7, parityPkt(4, 0, span...))))
	f.Add(seed(dgram(5, 7, span[0]), dgram(1<<30, 7, span[1]), []byte("MSB "), dgram(4, 7, span[2])))
	for _, tc := range packetCases {
		f.Add(seed(tc.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var c counters
		r := newReceiver(func(id uint16) bool { return id&FormatIDMask == 7 }, netip.Addr{}, time.Second, &c)
		now := time.Unix(0, 0)
		seen := map[string]int{}
		emit := func(it item) { seen[string(it.pkt)]++ }
		for len(in) >= 2 {
			n := int(binary.LittleEndian.Uint16(in))
			in = in[2:]
			if n > len(in) {
				n = len(in)
			}
			if n == 0 { // a clock step
				now = now.Add(300 * time.Millisecond)
				r.tick(now, emit)
				continue
			}
			r.datagram(in[:n], netip.Addr{}, now, emit)
			in = in[n:]
			if len(r.held) > maxAhead+1 || len(r.parity) > keep+2*maxAhead+1 || len(r.data) > keep+maxAhead+2 {
				t.Fatalf("unbounded: held %d parity %d data %d", len(r.held), len(r.parity), len(r.data))
			}
		}
		r.flush(emit)
		delivered := int64(0)
		for _, k := range seen {
			delivered += int64(k)
		}
		s := c.snapshot()
		if delivered > s.Received+s.Recovered {
			t.Fatalf("delivered %d packets, received %d and recovered %d", delivered, s.Received, s.Recovered)
		}
	})
}

// Parity packets far ahead of the delivery point are not kept.
func TestReceiverParityFloodBounded(t *testing.T) {
	g := newRig(7)
	g.send(dgram(0, 7, dataPkt(1, 0, body(0, 10))))
	for i := uint32(0); i < 2000; i++ {
		// Number 1 and one cycle: no span can be made of them.
		g.send(dgram(100+i, 7, parityPkt(1, 0, dataPkt(1, 0, body(i, 10)))))
	}
	if len(g.r.parity) > keep+2*maxAhead+1 {
		t.Fatalf("%d parity packets kept", len(g.r.parity))
	}
}
