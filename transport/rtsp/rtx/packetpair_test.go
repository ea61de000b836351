package rtx

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtp"
)

func hexBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var port = Port{RtxPT: 97, MediaPTs: []uint8{96}}

// resentCopy is a media packet as MS-RTSP 2.2.1 describes it, written by
// hand: V=2, M=1, PT=96 (0xe0), sequence 26968, timestamp 100, SSRC
// 90cbcaac; payload format header L=1, length 5 (0x40 000005); 5 bytes of
// ASF packet. A retransmission is this, byte for byte (2.2.3.1).
const resentCopy = "80e0 6958 00000064 90cbcaac 40000005 8200000000"

// pairHeader writes an RTP header (V=2, M=0, PT=97 x-wms-rtx, Timestamp
// 0, SSRC 2f73682b, MS-RTSP 4.4.2) and the 4-byte packet-pair header of
// 2.2.3.2 by hand; the data is n bytes of fill.
func pairBytes(t testing.TB, seq uint16, flags byte, n int) []byte {
	t.Helper()
	h := hexBytes(t, "8061")
	h = append(h, byte(seq>>8), byte(seq))
	h = append(h, hexBytes(t, "00000000 2f73682b")...)
	h = append(h, flags, byte(n>>16), byte(n>>8), byte(n))
	return append(h, bytes.Repeat([]byte{0x5a}, n)...)
}

func TestUnwrapResentCopy(t *testing.T) {
	b := hexBytes(t, resentCopy)
	k, p, err := port.Unwrap(b)
	if err != nil || k != KindResent {
		t.Fatalf("Unwrap = %v, %v", k, err)
	}
	if p.SequenceNumber != 26968 || !p.Marker || p.PayloadType != 96 || p.Timestamp != 100 || p.SSRC != 0x90cbcaac {
		t.Fatalf("header %+v", p.Header)
	}
	if !bytes.Equal(p.Payload, hexBytes(t, "40000005 8200000000")) {
		t.Fatalf("payload %x: the copy must keep the payload format header", p.Payload)
	}
	c, err := Copy(b)
	if err != nil || !bytes.Equal(c, b) {
		t.Fatalf("Copy = %x, %v", c, err)
	}
	c[0] = 0 // a copy, not the same slice
	if b[0] != 0x80 {
		t.Fatal("Copy aliases its input")
	}
}

func TestUnwrapErrors(t *testing.T) {
	for name, c := range map[string]struct {
		b    string
		want error
	}{
		"short":       {"80e069", ErrMalformed},
		"version 1":   {"40e0 6958 00000064 90cbcaac", ErrMalformed},
		"unknown PT":  {"8062 6958 00000064 90cbcaac", ErrUnknownPayloadType},
		"bad padding": {"a0e0 6958 00000064 90cbcaac 0000 00ff", ErrMalformed},
	} {
		if _, _, err := port.Unwrap(hexBytes(t, c.b)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	if _, err := Copy(hexBytes(t, "40e0 6958 00000064 90cbcaac")); !errors.Is(err, ErrMalformed) {
		t.Errorf("Copy of RTP version 1: %v", err)
	}
}

func TestParsePair(t *testing.T) {
	// The three fixed sizes (2.2.3.2): 1454 (S=1), 1455, 1456.
	for _, c := range []struct {
		flags byte
		n     int
		first bool
		pos   PairPosition
	}{
		{0xc0, 1454, true, PairFirstOfThree},
		{0x40, 1455, false, PairSecondToLast},
		{0x40, 1456, false, PairLast},
		{0xc0, 1284, true, PairSecondToLast}, // variable size, two packets
		{0x47, 1285, false, PairLast},        // RES bits ignored
		{0x40, 482, false, PairFirstOfThree}, // the smallest allowed
		{0x40, 484, false, PairLast},
	} {
		k, p, err := port.Unwrap(pairBytes(t, 1, c.flags, c.n))
		if err != nil || k != KindPacketPair {
			t.Fatalf("Unwrap = %v, %v", k, err)
		}
		pp, err := ParsePair(p)
		if err != nil {
			t.Fatalf("%d bytes: %v", c.n, err)
		}
		if pp.First != c.first || pp.Position() != c.pos || len(pp.Data) != c.n {
			t.Fatalf("%d bytes: first %v position %v", c.n, pp.First, pp.Position())
		}
		back, err := pp.Payload()
		if err != nil || !bytes.Equal(back[4:], p.Payload[4:]) || back[0] != c.flags&0xf8 {
			t.Fatalf("Payload round trip: %x.. %v", back[:4], err)
		}
	}
	bad := map[string][]byte{
		"timestamp":  func() []byte { b := pairBytes(t, 1, 0x40, 1455); b[7] = 1; return b }(),
		"L=0":        pairBytes(t, 1, 0x00, 1455),
		"R=1":        pairBytes(t, 1, 0x60, 1455),
		"D=1":        pairBytes(t, 1, 0x50, 1455),
		"I=1":        pairBytes(t, 1, 0x48, 1455),
		"too small":  pairBytes(t, 1, 0x40, 481),
		"length lie": func() []byte { b := pairBytes(t, 1, 0x40, 1455); return b[:len(b)-1] }(),
		"no header":  hexBytes(t, "8061 0001 00000000 2f73682b 4000"),
	}
	for name, b := range bad {
		_, p, err := port.Unwrap(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := ParsePair(p); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
	if _, err := (PairPacket{Data: make([]byte, 100)}).Payload(); !errors.Is(err, ErrMalformed) {
		t.Errorf("short data: %v", err)
	}
}

func TestBandwidthAndTimeout(t *testing.T) {
	if got := Bandwidth(1471, time.Millisecond); got != 11_768_000 {
		t.Fatalf("Bandwidth = %d", got)
	}
	if Bandwidth(1471, 0) != 0 || Bandwidth(1471, -time.Second) != 0 || Bandwidth(0, time.Second) != 0 {
		t.Fatal("Bandwidth of no time or no bytes")
	}
	if got := Bandwidth(1<<62, time.Nanosecond); got <= 0 {
		t.Fatalf("Bandwidth overflowed: %d", got)
	}
	for _, c := range []struct{ rtt, want time.Duration }{
		{0, 10 * time.Second},
		{-time.Second, 10 * time.Second},
		{300 * time.Millisecond, 10*time.Second + 150*time.Millisecond},
		{time.Hour, 40 * time.Second},
	} {
		if got := FirewallTimeout(c.rtt); got != c.want {
			t.Errorf("FirewallTimeout(%v) = %v, want %v", c.rtt, got, c.want)
		}
	}
}

func pairPacket(t testing.TB, seq uint16, flags byte, n int) (*rtp.Packet, int) {
	t.Helper()
	b := pairBytes(t, seq, flags, n)
	_, p, err := port.Unwrap(b)
	if err != nil {
		t.Fatal(err)
	}
	return p, len(b)
}

// Three fixed-size packets 1 ms apart: the second (12+4+1455 = 1471 bytes)
// took 1 ms, 11.768 Mbit/s; the third stops the Firewall timer.
func TestProbeThreePackets(t *testing.T) {
	pr := NewProbe(t0, 200*time.Millisecond, 0x2f73682b, true)
	if at, ok := pr.Deadline(); !ok || !at.Equal(t0.Add(10*time.Second+100*time.Millisecond)) {
		t.Fatalf("Deadline %v %v", at, ok)
	}
	for i, n := range []int{1454, 1455, 1456} {
		flags := byte(0x40)
		if i == 0 {
			flags = 0xc0
		}
		p, size := pairPacket(t, uint16(7+i), flags, n)
		if err := pr.Packet(p, size, t0.Add(time.Duration(100+i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if want := i < 2; pr.State() == ProbeWaiting != want {
			t.Fatalf("after packet %d: %v", i+1, pr.State())
		}
	}
	if bps, ok := pr.Bandwidth(); !ok || bps != 11_768_000 {
		t.Fatalf("Bandwidth %d %v", bps, ok)
	}
	if _, ok := pr.Deadline(); ok {
		t.Fatal("the timer runs after the last packet")
	}
	if pr.Expire(t0.Add(time.Hour)) || pr.UDPBlocked() {
		t.Fatal("a stopped timer fired")
	}
}

// With packetpairssrc, a packet from another SSRC is ignored (MS-RTSP
// 3.1.5.8); without it the SSRC is not looked at (2.2.6.10.4).
func TestProbeSSRC(t *testing.T) {
	p, size := pairPacket(t, 1, 0xc0, 1454)
	p.SSRC = 0x12345678
	pr := NewProbe(t0, 0, 0x2f73682b, true)
	if err := pr.Packet(p, size, t0); !errors.Is(err, ErrSSRC) || pr.Packets() != 0 {
		t.Fatalf("other SSRC: %v, %d packets", err, pr.Packets())
	}
	pr = NewProbe(t0, 0, 0x2f73682b, false)
	if err := pr.Packet(p, size, t0); err != nil || pr.Packets() != 1 {
		t.Fatalf("SSRC not checked: %v, %d packets", err, pr.Packets())
	}
}

// The Firewall timer fires at 10 s + RTT/2 with nothing received: UDP is
// blocked (MS-RTSP 3.1.6.1). Packets after it change nothing.
func TestProbeFirewallTimer(t *testing.T) {
	pr := NewProbe(t0, 0, 1, false)
	if pr.Expire(t0.Add(10*time.Second - 1)) {
		t.Fatal("fired early")
	}
	if !pr.Expire(t0.Add(10 * time.Second)) {
		t.Fatal("did not fire at 10 s")
	}
	if !pr.UDPBlocked() || pr.State() != ProbeExpired || pr.Expire(t0.Add(time.Minute)) {
		t.Fatalf("state %v blocked %v", pr.State(), pr.UDPBlocked())
	}
	p, size := pairPacket(t, 1, 0xc0, 1454)
	if err := pr.Packet(p, size, t0.Add(11*time.Second)); err != nil || pr.Packets() != 0 {
		t.Fatal("a packet after expiry was counted")
	}

	// Some packets came, the last was lost: the timer fires, but UDP works.
	pr = NewProbe(t0, 0, 1, false)
	p, size = pairPacket(t, 1, 0xc0, 1454)
	pr.Packet(p, size, t0)
	if !pr.Expire(t0.Add(10*time.Second)) || pr.UDPBlocked() {
		t.Fatal("one packet came: not blocked")
	}
}

// A packet lost between two others leaves no measurement rather than half
// the bandwidth; a syntax error is reported and not counted.
func TestProbeGaps(t *testing.T) {
	pr := NewProbe(t0, 0, 1, false)
	p1, s1 := pairPacket(t, 1, 0xc0, 1454)
	p3, s3 := pairPacket(t, 3, 0x40, 1456)
	pr.Packet(p1, s1, t0)
	pr.Packet(p3, s3, t0.Add(2*time.Millisecond))
	if _, ok := pr.Bandwidth(); ok || pr.State() != ProbeDone {
		t.Fatalf("measured across a lost packet; state %v", pr.State())
	}
	pr = NewProbe(t0, 0, 1, false)
	bad, size := pairPacket(t, 1, 0x60, 1454)
	if err := pr.Packet(bad, size, t0); !errors.Is(err, ErrMalformed) || pr.Packets() != 0 {
		t.Fatalf("bad syntax: %v", err)
	}
	// Two arriving in one read: no bandwidth rather than infinity.
	a, sa := pairPacket(t, 1, 0xc0, 1284)
	b, sb := pairPacket(t, 2, 0x40, 1285)
	pr.Packet(a, sa, t0)
	pr.Packet(b, sb, t0)
	if _, ok := pr.Bandwidth(); ok || pr.State() != ProbeDone {
		t.Fatal("a zero gap gave a bandwidth")
	}
}

// FuzzUnwrap: whatever the bytes, Unwrap and ParsePair do not panic; a
// resent copy is RTP version 2 with a media payload type and Copy returns
// the same bytes; packet-pair data that parses rebuilds to the same data.
func FuzzUnwrap(f *testing.F) {
	f.Add(hexBytes(f, resentCopy))
	f.Add(pairBytes(f, 1, 0xc0, 1454))
	f.Add(pairBytes(f, 2, 0x47, 482))
	f.Add(hexBytes(f, "8062 6958 00000064 90cbcaac"))
	f.Add(hexBytes(f, "a0e0 6958 00000064 90cbcaac 0000 00ff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, p, err := port.Unwrap(b)
		if err != nil {
			return
		}
		if p.Version != 2 {
			t.Fatalf("version %d", p.Version)
		}
		switch k {
		case KindResent:
			if p.PayloadType != 96 {
				t.Fatalf("resent PT %d", p.PayloadType)
			}
			c, err := Copy(b)
			if err != nil || !bytes.Equal(c, b) {
				t.Fatalf("Copy: %v", err)
			}
		case KindPacketPair:
			pp, err := ParsePair(p)
			if err != nil {
				return
			}
			out, err := pp.Payload()
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParsePair(&rtp.Packet{Payload: out})
			if err != nil || back.First != pp.First || !bytes.Equal(back.Data, pp.Data) {
				t.Fatalf("round trip: %v", err)
			}
			pr := NewProbe(t0, 0, 0, false)
			if err := pr.Packet(p, len(b), t0); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("kind %v", k)
		}
	})
}
