package asfrtp

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/eddyplayer/eddy/asf"
)

// fixtures are third-party ASF files (testdata/asf/make.sh): FFmpeg's
// packets have EC data and a BYTE Padding Length; GStreamer asfmux's have
// an explicit Packet Length and no EC data.
var fixtures = []string{
	"../../../testdata/asf/c_wmav2.wma",
	"../../../testdata/asf/d_wmv2_wmav2.wmv",
	"../../../testdata/asf/gst_asfmux_wmv2_wmav2.wmv",
}

func openFixture(t *testing.T, name string) (*asf.File, [][]byte) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var pkts [][]byte
	for i := range f.PacketCount() {
		p, err := f.ReadPacket(i, nil)
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, append([]byte(nil), p...))
	}
	return f, pkts
}

func demuxAll(t *testing.T, h *asf.Header, pkts [][]byte) []asf.Object {
	t.Helper()
	d := asf.NewDemuxer(h)
	var objs []asf.Object
	for i, p := range pkts {
		if err := d.Push(p, func(o asf.Object) { objs = append(objs, o) }); err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
	}
	if st := d.Stats(); st.Corrupt != 0 || st.IncompleteObjects != 0 {
		t.Fatalf("demux stats %+v", st)
	}
	return objs
}

func sameObjects(t *testing.T, what string, got, want []asf.Object) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d objects, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Stream != w.Stream || g.PTS != w.PTS || g.SendTime != w.SendTime || g.Key != w.Key ||
			g.ObjectNumber != w.ObjectNumber || g.Discontinuity != w.Discontinuity || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("%s: object %d differs: stream %d/%d pts %v/%v key %v/%v", what, i, g.Stream, w.Stream, g.PTS, w.PTS, g.Key, w.Key)
		}
	}
}

// TestFixtureRoundTrip sends whole files as a server does (padding
// stripped, 2.2.1.4; LocationId = packet index) through RTP packets of a
// typical 1460-byte payload (4.1: every 3200- or 4800-byte packet is
// fragmented) and of 16000 bytes (several packets each), over the wire
// format, into the Depacketizer bounded by the packet size (a=maxps). The
// packets come back stripped, with their Send Time, key-frame bit and
// LocationId; the demuxer reads from them every object it reads from the
// file; and padded back to the packet size with asf.Packet.PadTo they
// demux the same again.
func TestFixtureRoundTrip(t *testing.T) {
	for _, name := range fixtures {
		f, raw := openFixture(t, name)
		size := f.PacketSize()
		want := demuxAll(t, f.Header(), raw)
		for _, mtu := range []int{1460, 16000} {
			var pkts []Packet
			stripped := 0
			for i, b := range raw {
				p, err := PacketFromASF(b, size)
				if err != nil {
					t.Fatal(err)
				}
				p.LocationID, p.HasLocationID = uint32(i), true
				pkts = append(pkts, p)
			}
			z := &Packetizer{PayloadType: 96, SSRC: 5, SequenceNumber: 65000, MaxPayloadSize: mtu, PacketSize: size, StripPadding: true}
			rtps := packetizeInBatches(t, rand.New(rand.NewPCG(uint64(mtu), 3)), z, pkts)
			d := NewDepacketizer(size)
			var got []Packet
			for _, r := range rtps {
				if len(r.Payload) > mtu {
					t.Fatalf("payload of %d bytes", len(r.Payload))
				}
				if err := d.Push(wire(t, r), func(p Packet) { got = append(got, p) }); err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != len(raw) {
				t.Fatalf("%s mtu %d: %d packets out of %d", name, mtu, len(got), len(raw))
			}
			var out, repadded [][]byte
			for i, p := range got {
				st, err := asf.ParseSendTime(p.Data)
				if err != nil {
					t.Fatal(err)
				}
				if p.SendTime != st || p.SendTime != pkts[i].SendTime || p.KeyFrame != pkts[i].KeyFrame || !p.HasLocationID || p.LocationID != uint32(i) {
					t.Fatalf("%s packet %d: %s, ASF send time %d", name, i, describe(p), st)
				}
				if len(p.Data) < len(raw[i]) {
					stripped++
				}
				var ap asf.Packet
				if err := ap.Unmarshal(p.Data, size); err != nil {
					t.Fatal(err)
				}
				if ap.Padding != 0 || (ap.Length != 0 && ap.Length != uint32(len(p.Data))) {
					t.Fatalf("%s packet %d: padding %d, length %d, %d bytes", name, i, ap.Padding, ap.Length, len(p.Data))
				}
				if err := ap.PadTo(size); err != nil {
					t.Fatal(err)
				}
				full, err := ap.Marshal()
				if err != nil {
					t.Fatal(err)
				}
				if len(full) != int(size) {
					t.Fatalf("repadded to %d bytes", len(full))
				}
				out = append(out, p.Data)
				repadded = append(repadded, full)
			}
			if stripped == 0 {
				t.Fatalf("%s: no packet had its padding stripped", name)
			}
			sameObjects(t, name+" stripped", demuxAll(t, f.Header(), out), want)
			sameObjects(t, name+" repadded", demuxAll(t, f.Header(), repadded), want)
			if st := d.Stats(); st.PartialsDropped+st.FragmentsDropped+st.Malformed+st.Gaps != 0 ||
				(mtu < int(size) && st.Reassembled == 0) || st.LengthInclusive+st.LengthRemaining != 0 {
				t.Fatalf("%s mtu %d: stats %+v", name, mtu, st)
			}
		}
	}
}

// TestStripPadding checks the stripped bytes of FFmpeg's first packet
// against the ASF layout ([ASF] 5.2.1, 5.2.2): 82 00 00 error correction,
// then the Length Type Flags (BYTE padding length: bits 3-4 = 01), the
// Property Flags, the Padding Length byte, Send Time and Duration. The
// padding is gone and the Padding Length byte says 0; nothing else moves.
func TestStripPadding(t *testing.T) {
	f, raw := openFixture(t, fixtures[0])
	in := raw[0]
	if !bytes.Equal(in[:3], []byte{0x82, 0x00, 0x00}) || (in[3]>>3)&3 != 1 || (in[3]>>5)&3 != 0 {
		t.Fatalf("not the expected FFmpeg layout: % x", in[:8])
	}
	pad := int(in[5])
	if pad == 0 {
		t.Fatal("first packet has no padding")
	}
	out, err := StripPadding(in, f.PacketSize())
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in)-pad {
		t.Fatalf("%d bytes, want %d", len(out), len(in)-pad)
	}
	want := append([]byte(nil), in[:len(in)-pad]...)
	want[5] = 0
	if !bytes.Equal(out, want) {
		t.Errorf("stripped packet differs from the original bytes beyond the Padding Length")
	}
	if binary.LittleEndian.Uint32(out[6:]) != binary.LittleEndian.Uint32(in[6:]) {
		t.Error("send time moved")
	}
	// Stripping again changes nothing and returns the same slice.
	again, err := StripPadding(out, f.PacketSize())
	if err != nil || &again[0] != &out[0] {
		t.Errorf("second strip: %v", err)
	}
	// GStreamer asfmux: explicit Packet Length, set to the new size.
	g, graw := openFixture(t, fixtures[2])
	for i, in := range graw {
		out, err := StripPadding(in, g.PacketSize())
		if err != nil {
			t.Fatal(err)
		}
		var p asf.Packet
		if err := p.Unmarshal(out, 0); err != nil {
			t.Fatalf("packet %d stripped does not parse alone: %v", i, err)
		}
		if p.Padding != 0 || p.Length != uint32(len(out)) {
			t.Fatalf("packet %d: padding %d, length %d of %d bytes", i, p.Padding, p.Length, len(out))
		}
	}
	if _, err := StripPadding([]byte{0x82, 0, 0}, 3200); err == nil {
		t.Error("a truncated packet was stripped")
	}
}

// asfWithLength is an ASF data packet written from [ASF] 5.2 with an
// explicit Packet Length that counts the padding, as the spec has it:
// Length Type Flags 0x48 (Packet Length WORD, Padding Length BYTE, one
// payload), Property Flags 0x5D, Packet Length 40, Padding Length 8, Send
// Time 1234, Duration 40; one payload of stream 1 with the key-frame bit,
// object 7, offset 0, 8 bytes of replicated data (object size 6,
// presentation time 4334) and 6 bytes of data; then 8 bytes of padding.
var asfWithLength = cat(
	[]byte{0x48, 0x5D, 40, 0, 8, 0xD2, 0x04, 0, 0, 40, 0},
	[]byte{0x81, 7, 0, 0, 0, 0, 8, 6, 0, 0, 0, 0xEE, 0x10, 0, 0},
	[]byte{1, 2, 3, 4, 5, 6},
	make([]byte, 8))

// asfTwoPayloads is an ASF data packet with two payloads ([ASF] 5.2.3.3),
// no Packet Length: Length Type Flags 0x09 (multiple payloads, Padding
// Length BYTE), Property Flags 0x5D, Padding Length 4, Send Time 500,
// Duration 20, payload flags 0x82 (WORD lengths, 2 payloads); the first
// payload, of stream 2, has no key-frame bit, the second, of stream 1, has
// it.
var asfTwoPayloads = cat(
	[]byte{0x09, 0x5D, 4, 0xF4, 0x01, 0, 0, 20, 0, 0x82},
	[]byte{0x02, 0, 0, 0, 0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 3, 0}, []byte{9, 9, 9},
	[]byte{0x81, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0}, []byte{8, 8},
	make([]byte, 4))

func TestStripPaddingExplicitLength(t *testing.T) {
	out, err := StripPadding(asfWithLength, 40)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte(nil), asfWithLength[:32]...)
	want[2], want[4] = 32, 0 // Packet Length = the new size, Padding Length 0
	if !bytes.Equal(out, want) {
		t.Errorf("got  % x\nwant % x", out, want)
	}
}

func TestPacketFromASF(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		size uint32
		want Packet
	}{
		{"key-frame payload", asfWithLength, 40, Packet{SendTime: 1234, Duration: 40, HasDuration: true, KeyFrame: true}},
		{"key frame in the second payload", asfTwoPayloads, uint32(len(asfTwoPayloads)), Packet{SendTime: 500, Duration: 20, HasDuration: true, KeyFrame: true}},
	} {
		p, err := PacketFromASF(tc.b, tc.size)
		if err != nil {
			t.Fatal(err)
		}
		if &p.Data[0] != &tc.b[0] {
			t.Errorf("%s: data not aliased", tc.name)
		}
		p.Data = nil
		if !equalPacket(p, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, p, tc.want)
		}
	}
	noKey := append([]byte(nil), asfTwoPayloads...)
	noKey[30] = 0x01 // the second payload's stream number byte, key-frame bit cleared
	if p, err := PacketFromASF(noKey, uint32(len(noKey))); err != nil || p.KeyFrame {
		t.Errorf("no key-frame payload: %+v %v", p, err)
	}
	if _, err := PacketFromASF([]byte{0x82, 0}, 3200); err == nil {
		t.Error("truncated packet accepted")
	}
}
