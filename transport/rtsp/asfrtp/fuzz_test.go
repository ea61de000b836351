package asfrtp

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/pion/rtp"
)

// FuzzPayloadHeader: whatever the bytes, Unmarshal either fails or reads a
// 4-16-byte header that marshals back to the same bytes, RES bits zeroed.
func FuzzPayloadHeader(f *testing.F) {
	for _, tc := range headerCases() {
		f.Add(tc.b)
		f.Add(tc.b[:len(tc.b)-1])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var h PayloadHeader
		n, err := h.Unmarshal(b)
		if err != nil {
			if n != 0 {
				t.Fatalf("error with size %d", n)
			}
			return
		}
		if n < MinPayloadHeaderSize || n > MaxPayloadHeaderSize || n > len(b) || n != h.MarshalSize() {
			t.Fatalf("size %d of %d bytes, MarshalSize %d", n, len(b), h.MarshalSize())
		}
		out, err := h.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		want := append([]byte(nil), b[:n]...)
		want[0] &^= 0x07
		if !bytes.Equal(out, want) {
			t.Fatalf("marshals to % x, read from % x", out, b[:n])
		}
	})
}

// Fuzz input for FuzzDepacketizer: a byte choosing maxps, then per RTP
// packet a control byte (bit 0 marker; bits 1-2 sequence step: 0 repeat,
// 1 next, 2 skip one, 3 back one; bit 3 call Lost(1) first; bit 4 new
// SSRC; bit 5 PreferInclusive), a 2-byte big-endian length and the
// payload.
func encodeFuzz(maxps byte, pkts []*rtp.Packet) []byte {
	b := []byte{maxps}
	var prev uint16
	for i, p := range pkts {
		ctl := byte(1 << 1)
		if i > 0 {
			switch p.SequenceNumber - prev {
			case 0:
				ctl = 0
			case 2:
				ctl = 2 << 1
			}
		}
		prev = p.SequenceNumber
		if p.Marker {
			ctl |= 1
		}
		b = append(b, ctl)
		b = binary.BigEndian.AppendUint16(b, uint16(len(p.Payload)))
		b = append(b, p.Payload...)
	}
	return b
}

// fuzzMaxps maps the first input byte to a maximum packet size: small ones
// that fragments overflow, a typical one, and absent.
func fuzzMaxps(b byte) uint32 {
	switch b % 4 {
	case 0:
		return 0
	case 1:
		return uint32(b)
	case 2:
		return 3200
	}
	return 64
}

// depacketizerSeeds are the RTP packet sequences of the table tests.
func depacketizerSeeds() [][]*rtp.Packet {
	return [][]*rtp.Packet{
		{rtpPacket(7, 1000, true, cat([]byte{0x40, 0, 0, 5}, seqBytes(1, 5)))},
		{rtpPacket(1, 1000, true, cat(
			[]byte{0xD8, 0, 0, 3, 0, 0, 0, 40, 0, 0, 0, 9}, seqBytes(0x10, 3),
			[]byte{0x60, 0, 0, 2, 0, 0, 0, 20}, seqBytes(0x20, 2),
			[]byte{0x47, 0, 0, 1}, seqBytes(0x40, 1)))},
		{
			rtpPacket(1, 5000, false, cat([]byte{0x90, 0, 0, 0, 0, 0, 0, 100}, seqBytes(0, 4))),
			rtpPacket(2, 5000, false, cat([]byte{0x90, 0, 0, 4, 0, 0, 0, 100}, seqBytes(4, 4))),
			rtpPacket(3, 5000, true, cat([]byte{0x98, 0, 0, 8, 0, 0, 0, 100, 0, 0, 0x01, 0x00}, seqBytes(8, 3))),
		},
		{
			rtpPacket(10, 2000, true, cat([]byte{0x40, 0, 0, 3}, seqBytes(0x50, 3), []byte{0x20, 0, 0, 0, 0, 0, 0, 30}, seqBytes(0x60, 4))),
			rtpPacket(11, 2030, true, cat([]byte{0x00, 0, 0, 4}, seqBytes(0x64, 2))),
		},
		{
			rtpPacket(1, 0, false, cat([]byte{0x00, 0, 0, 0}, seqBytes(0, 4))),
			rtpPacket(3, 0, true, cat([]byte{0x00, 0, 0, 8}, seqBytes(8, 4))),
		},
		{rtpPacket(1, 100, true, cat([]byte{0x40, 0, 0, 7}, seqBytes(1, 3), []byte{0x60, 0, 0, 10, 0, 0, 0, 5}, seqBytes(4, 2)))},
		{rtpPacket(1, 300, true, cat([]byte{0x40, 0, 0x0C, 0x80}, seqBytes(0, 100)))},
		{rtpPacket(1, 0, true, cat([]byte{0x40, 0, 0, 8}, []byte{0xA0, 0xA1, 0xA2, 0xA3}, []byte{0x40, 0, 0, 12}, []byte{0x40, 0, 0, 4}, []byte{0xB0, 0xB1, 0xB2, 0xB3}))},
		{rtpPacket(1, 0, true, cat([]byte{0x40, 0, 0, 7}, []byte{1, 2, 3}, []byte{0x60, 0, 0, 10, 0, 0, 0, 0}, []byte{4, 5}))},
		{rtpPacket(1, 0, true, []byte{0x60, 0, 0, 1, 0, 0, 0})},
	}
}

// FuzzDepacketizer feeds arbitrary RTP payload sequences, with repeats,
// gaps, reversals, Lost calls and SSRC changes: no panic, every packet out
// is non-empty and within the maximum size, the reassembly buffer never
// grows past it, and the counters agree with what came out.
func FuzzDepacketizer(f *testing.F) {
	for i, seq := range depacketizerSeeds() {
		f.Add(encodeFuzz(byte(i), seq))
	}
	// What the Packetizer makes of random packets, fragments included.
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 4))
		z := &Packetizer{PayloadType: 96, MaxPayloadSize: 40 + r.IntN(200)}
		rtps, err := z.Packetize(randomPackets(r, 6, 300))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(encodeFuzz(2, rtps))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		d := NewDepacketizer(fuzzMaxps(b[0]))
		maxps := d.MaxPacketSize()
		b = b[1:]
		var seq uint16
		ssrc := uint32(1)
		emitted := uint64(0)
		emit := func(p Packet) {
			emitted++
			if len(p.Data) == 0 || len(p.Data) > maxps {
				t.Fatalf("packet of %d bytes, maximum %d", len(p.Data), maxps)
			}
		}
		for len(b) >= 3 {
			ctl := b[0]
			n := min(int(binary.BigEndian.Uint16(b[1:])), len(b)-3)
			payload := b[3 : 3+n]
			b = b[3+n:]
			switch (ctl >> 1) & 3 {
			case 1:
				seq++
			case 2:
				seq += 2
			case 3:
				seq--
			}
			if ctl&8 != 0 {
				d.Lost(1)
			}
			if ctl&16 != 0 {
				ssrc++
			}
			d.PreferInclusive = ctl&32 != 0
			p := &rtp.Packet{Header: rtp.Header{Version: 2, Marker: ctl&1 != 0, SequenceNumber: seq, Timestamp: uint32(seq) * 20, SSRC: ssrc}, Payload: payload}
			_ = d.Push(p, emit)
			if cap(d.partial) > maxps {
				t.Fatalf("reassembly buffer of %d bytes, maximum %d", cap(d.partial), maxps)
			}
		}
		st := d.Stats()
		if st.Packets != emitted || st.Reassembled > st.Packets || st.PartialsDropped > st.FragmentsDropped+st.TooLarge {
			t.Fatalf("stats %+v, %d emitted", st, emitted)
		}
	})
}
