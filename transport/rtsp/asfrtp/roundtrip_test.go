package asfrtp

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pion/rtp"
)

// randomPackets makes n ASF packets of random sizes (some larger than an
// RTP payload, to be fragmented), send times that mostly rise but may go
// back, and random S, D and I; each packet's bytes are distinct.
func randomPackets(r *rand.Rand, n, maxSize int) []Packet {
	pkts := make([]Packet, n)
	send := r.Uint32()
	for i := range pkts {
		size := 1 + r.IntN(maxSize)
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(r.Uint32())
		}
		send += uint32(r.IntN(200) - 20)
		pkts[i] = Packet{Data: data, SendTime: send, KeyFrame: r.IntN(3) == 0}
		if r.IntN(2) == 0 {
			pkts[i].Duration, pkts[i].HasDuration = r.Uint32(), true
		}
		if r.IntN(2) == 0 {
			pkts[i].LocationID, pkts[i].HasLocationID = uint32(i), true
		}
	}
	return pkts
}

// wire marshals an RTP packet to bytes and back, as it crosses the network.
func wire(t testing.TB, p *rtp.Packet) *rtp.Packet {
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var q rtp.Packet
	if err := q.Unmarshal(b); err != nil {
		t.Fatal(err)
	}
	return &q
}

// packetizeInBatches packetizes pkts in random batches, as a server sends
// what is due at each moment.
func packetizeInBatches(t testing.TB, r *rand.Rand, z *Packetizer, pkts []Packet) []*rtp.Packet {
	var out []*rtp.Packet
	for i := 0; i < len(pkts); {
		j := min(len(pkts), i+1+r.IntN(8))
		got, err := z.Packetize(pkts[i:j])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, got...)
		i = j
	}
	return out
}

// randomStream packetizes up to 40 random ASF packets of up to maxSize
// bytes into RTP payloads of a random size up to maxMTU, from a random
// SSRC and first sequence number.
func randomStream(t testing.TB, r *rand.Rand, maxMTU, maxSize int) (int, []Packet, []*rtp.Packet) {
	mtu := MaxPayloadHeaderSize + 1 + r.IntN(maxMTU)
	pkts := randomPackets(r, 1+r.IntN(40), 1+r.IntN(maxSize))
	z := &Packetizer{PayloadType: 96, SSRC: r.Uint32(), SequenceNumber: uint16(r.Uint32()), MaxPayloadSize: mtu}
	return mtu, pkts, packetizeInBatches(t, r, z, pkts)
}

// TestRoundTrip: whatever the packet sizes, payload sizes and batches,
// the Depacketizer returns exactly the ASF packets given to the
// Packetizer: data, send time, duration, key frame and location.
func TestRoundTrip(t *testing.T) {
	for seed := range uint64(300) {
		mtu, pkts, rtps := randomStream(t, rand.New(rand.NewPCG(seed, 1)), 3000, 6000)
		d := NewDepacketizer(6000)
		var got []Packet
		for _, p := range rtps {
			if len(p.Payload) > mtu {
				t.Fatalf("seed %d: payload of %d bytes, maximum %d", seed, len(p.Payload), mtu)
			}
			if err := d.Push(wire(t, p), func(p Packet) { got = append(got, p) }); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
		if len(got) != len(pkts) {
			t.Fatalf("seed %d (payload %d): %d packets out of %d", seed, mtu, len(got), len(pkts))
		}
		for i := range pkts {
			if !equalPacket(got[i], pkts[i]) {
				t.Fatalf("seed %d packet %d:\n got %s\nwant %s", seed, i, describe(got[i]), describe(pkts[i]))
			}
		}
		if st := d.Stats(); st.PartialsDropped+st.FragmentsDropped+st.Malformed+st.Gaps+st.LengthInclusive+st.LengthRemaining != 0 {
			t.Fatalf("seed %d: stats %+v", seed, st)
		}
	}
}

func equalPacket(a, b Packet) bool {
	return bytes.Equal(a.Data, b.Data) && a.SendTime == b.SendTime && a.KeyFrame == b.KeyFrame &&
		a.HasDuration == b.HasDuration && a.Duration == b.Duration &&
		a.HasLocationID == b.HasLocationID && a.LocationID == b.LocationID
}

func describe(p Packet) string {
	return fmt.Sprintf("%d bytes send %d key %v dur %v/%d loc %v/%d", len(p.Data), p.SendTime, p.KeyFrame, p.HasDuration, p.Duration, p.HasLocationID, p.LocationID)
}

// carriers walks the Packetizer's RTP packets with the payload format
// header alone and returns, for each ASF packet, the indices of the RTP
// packets that carry a piece of it.
func carriers(t testing.TB, rtps []*rtp.Packet) [][]int {
	var c [][]int
	for i, p := range rtps {
		for off := 0; off < len(p.Payload); {
			var h PayloadHeader
			n, err := h.Unmarshal(p.Payload[off:])
			if err != nil {
				t.Fatal(err)
			}
			if h.IsLength || h.LengthOrOffset == 0 {
				c = append(c, nil)
			}
			c[len(c)-1] = append(c[len(c)-1], i)
			if !h.IsLength {
				break
			}
			off += n + int(h.LengthOrOffset)
		}
	}
	return c
}

// TestRoundTripWithLoss: with RTP packets lost at random, every ASF packet
// whose RTP packets all arrived comes out exactly, and nothing else does:
// no partial, merged or shifted packet.
func TestRoundTripWithLoss(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 2))
		_, pkts, rtps := randomStream(t, r, 1500, 5000)
		c := carriers(t, rtps)
		if len(c) != len(pkts) {
			t.Fatalf("seed %d: %d packets carried, %d sent", seed, len(c), len(pkts))
		}
		lossRate := r.Float64() * 0.5
		lost := make([]bool, len(rtps))
		for i := range lost {
			lost[i] = r.Float64() < lossRate
		}
		useLost := r.IntN(2) == 0 // tell of gaps, or let the sequence numbers show them
		d := NewDepacketizer(5000)
		var got []Packet
		gap := 0
		for i, p := range rtps {
			if lost[i] {
				gap++
				continue
			}
			if useLost && gap > 0 {
				d.Lost(gap)
			}
			gap = 0
			if err := d.Push(wire(t, p), func(p Packet) { got = append(got, p) }); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
		var want []Packet
		for i, rs := range c {
			whole := true
			for _, j := range rs {
				whole = whole && !lost[j]
			}
			if whole {
				want = append(want, pkts[i])
			}
		}
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d packets out, want %d", seed, len(got), len(want))
		}
		for i := range want {
			if !equalPacket(got[i], want[i]) {
				t.Fatalf("seed %d packet %d:\n got %s\nwant %s", seed, i, describe(got[i]), describe(want[i]))
			}
		}
	}
}
