package asf

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

const testPacketSize = 256

// mkPacket encodes payloads into one fixed-size packet (EC data present,
// multiple payloads, BYTE padding).
func mkPacket(t testing.TB, send uint32, pls ...Payload) []byte {
	t.Helper()
	p := Packet{ECFlags: 0x82, ECData: []byte{0, 0}, LengthTypeFlags: 0x08, PropertyFlags: DefaultPropertyFlags,
		SendTime: send, Multiple: len(pls) > 1, Payloads: pls}
	if err := p.PadTo(testPacketSize); err != nil {
		t.Fatalf("PadTo: %v", err)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return b
}

type collector struct{ objs []Object }

func (c *collector) emit(o Object) { c.objs = append(c.objs, o) }

func pushAll(t testing.TB, d *Demuxer, pkts ...[]byte) *collector {
	t.Helper()
	c := &collector{}
	for i, p := range pkts {
		if err := d.Push(p, c.emit); err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
	}
	return c
}

func testHeader(t testing.TB, extra ...[]byte) *Header {
	t.Helper()
	h, err := ParseHeader(simpleHeader(testPacketSize, extra...))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func frag(stream uint8, num, off uint32, obj []byte, n int, pt uint32, key bool) Payload {
	return Payload{Stream: stream, Key: key, ObjectNumber: num, Offset: off, ObjectSize: uint32(len(obj)),
		PresentationTime: pt, Data: obj[off : int(off)+n]}
}

func seq(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i*7)
	}
	return b
}

func TestDemuxReassembly(t *testing.T) {
	h := testHeader(t)
	d := NewDemuxer(h)
	video := seq(500, 1) // spans three packets
	audio1, audio2 := seq(40, 2), seq(40, 3)
	pkts := [][]byte{
		mkPacket(t, 0, Payload{Stream: 1, ObjectNumber: 0, ObjectSize: 40, PresentationTime: 3100, Data: audio1},
			frag(2, 0, 0, video, 150, 3140, true)),
		mkPacket(t, 40, frag(2, 0, 150, video, 220, 3140, true)),
		mkPacket(t, 80, frag(2, 0, 370, video, 130, 3140, true),
			Payload{Stream: 1, ObjectNumber: 1, ObjectSize: 40, PresentationTime: 3146, Data: audio2}),
	}
	c := pushAll(t, d, pkts...)
	if len(c.objs) != 3 {
		t.Fatalf("%d objects", len(c.objs))
	}
	want := []Object{
		{Stream: 1, PTS: 0, SendTime: 0, Discontinuity: true, Data: audio1},
		{Stream: 2, PTS: 40 * time.Millisecond, SendTime: 80 * time.Millisecond, Key: true, Discontinuity: true, Data: video},
		{Stream: 1, PTS: 46 * time.Millisecond, SendTime: 80 * time.Millisecond, ObjectNumber: 1, Data: audio2},
	}
	for i, o := range c.objs {
		w := want[i]
		if o.Stream != w.Stream || o.PTS != w.PTS || o.SendTime != w.SendTime || o.Key != w.Key ||
			o.Discontinuity != w.Discontinuity || o.ObjectNumber != w.ObjectNumber || !bytes.Equal(o.Data, w.Data) {
			t.Errorf("object %d: got {%d %v %v key=%v disc=%v num=%d %d bytes}, want {%d %v %v key=%v disc=%v}", i,
				o.Stream, o.PTS, o.SendTime, o.Key, o.Discontinuity, o.ObjectNumber, len(o.Data), w.Stream, w.PTS, w.SendTime, w.Key, w.Discontinuity)
		}
	}
	// Data is owned: it does not alias the packets.
	pkts[0][len(pkts[0])-1] ^= 0xFF
	for _, p := range pkts {
		clear(p)
	}
	if !bytes.Equal(c.objs[1].Data, video) {
		t.Fatal("object data aliases the packet buffer")
	}
	st := d.Stats()
	if st.Packets != 3 || st.Objects != 3 || st.Payloads != 5 || st.ObjectBytes != 580 || st.DroppedFragments != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestDemuxTimeOffset(t *testing.T) {
	sp := streamProps{typ: GUIDStreamTypeAudio, number: 3, timeOffset: 500 * time.Millisecond,
		typeSpecific: waveEx(WaveFormatPCM, 1, 8000, 2, 16, nil)}.bytes()
	d := NewDemuxer(testHeader(t, sp))
	c := pushAll(t, d, mkPacket(t, 0, Payload{Stream: 3, ObjectSize: 2, PresentationTime: 3000, Data: []byte{1, 2}}))
	if c.objs[0].PTS != -600*time.Millisecond {
		t.Fatalf("PTS %v, want -600ms (3000 - 3100 preroll - 500 offset)", c.objs[0].PTS)
	}
}

func TestDemuxCompressed(t *testing.T) {
	d := NewDemuxer(testHeader(t))
	pl := Payload{Stream: 1, ObjectNumber: 10, Compressed: true, PresentationTime: 3200, TimeDelta: 25,
		Data: []byte{2, 'a', 'b', 0, 3, 'c', 'd', 'e', 1, 'f'}}
	c := pushAll(t, d, mkPacket(t, 0, pl))
	if len(c.objs) != 3 {
		t.Fatalf("%d objects", len(c.objs))
	}
	for i, w := range []struct {
		pts  time.Duration
		data string
		num  uint32
	}{{100 * time.Millisecond, "ab", 10}, {150 * time.Millisecond, "cde", 12}, {175 * time.Millisecond, "f", 13}} {
		o := c.objs[i]
		if o.PTS != w.pts || string(o.Data) != w.data || o.ObjectNumber != w.num {
			t.Errorf("sub-payload %d: %v %q %d, want %v %q %d", i, o.PTS, o.Data, o.ObjectNumber, w.pts, w.data, w.num)
		}
	}
}

func TestDemuxLoss(t *testing.T) {
	obj := seq(300, 9)
	next := seq(20, 4)
	tests := []struct {
		name    string
		pkts    func(t *testing.T) [][]byte
		objects int
		check   func(t *testing.T, st DemuxStats, objs []Object)
	}{
		{"missing middle fragment", func(t *testing.T) [][]byte {
			return [][]byte{
				mkPacket(t, 0, frag(2, 0, 0, obj, 100, 3100, true)),
				mkPacket(t, 20, frag(2, 0, 200, obj, 100, 3100, true)),
				mkPacket(t, 40, Payload{Stream: 2, ObjectNumber: 1, ObjectSize: 20, PresentationTime: 3200, Data: next}),
			}
		}, 1, func(t *testing.T, st DemuxStats, objs []Object) {
			if st.DroppedFragments != 1 || st.IncompleteObjects != 1 || !objs[0].Discontinuity || !bytes.Equal(objs[0].Data, next) {
				t.Fatalf("stats %+v", st)
			}
		}},
		{"new object before the previous completed", func(t *testing.T) [][]byte {
			return [][]byte{
				mkPacket(t, 0, frag(2, 0, 0, obj, 100, 3100, true)),
				mkPacket(t, 40, Payload{Stream: 2, ObjectNumber: 1, ObjectSize: 20, PresentationTime: 3200, Data: next}),
			}
		}, 1, func(t *testing.T, st DemuxStats, objs []Object) {
			if st.IncompleteObjects != 1 || !objs[0].Discontinuity {
				t.Fatalf("stats %+v", st)
			}
		}},
		{"continuation without a start", func(t *testing.T) [][]byte {
			return [][]byte{mkPacket(t, 0, frag(2, 0, 100, obj, 100, 3100, false))}
		}, 0, func(t *testing.T, st DemuxStats, _ []Object) {
			if st.DroppedFragments != 1 || st.IncompleteObjects != 0 {
				t.Fatalf("stats %+v", st)
			}
		}},
		{"object number changes mid-object", func(t *testing.T) [][]byte {
			f := frag(2, 0, 100, obj, 100, 3100, false)
			f.ObjectNumber = 7
			return [][]byte{mkPacket(t, 0, frag(2, 0, 0, obj, 100, 3100, true)), mkPacket(t, 0, f)}
		}, 0, func(t *testing.T, st DemuxStats, _ []Object) {
			if st.DroppedFragments != 1 || st.IncompleteObjects != 1 {
				t.Fatalf("stats %+v", st)
			}
		}},
		{"fragment overruns the object size", func(t *testing.T) [][]byte {
			f := frag(2, 0, 100, obj, 100, 3100, false)
			f.ObjectSize = 150
			return [][]byte{mkPacket(t, 0, Payload{Stream: 2, ObjectSize: 150, PresentationTime: 1, Data: obj[:100]}), mkPacket(t, 0, f)}
		}, 0, func(t *testing.T, st DemuxStats, _ []Object) {
			if st.DroppedFragments != 1 {
				t.Fatalf("stats %+v", st)
			}
		}},
		{"first fragment larger than the object", func(t *testing.T) [][]byte {
			return [][]byte{mkPacket(t, 0, Payload{Stream: 2, ObjectSize: 10, PresentationTime: 1, Data: obj[:20]})}
		}, 0, func(t *testing.T, st DemuxStats, _ []Object) {
			if st.DroppedFragments != 1 {
				t.Fatalf("stats %+v", st)
			}
		}},
		{"invalid replicated data and size 0", func(t *testing.T) [][]byte {
			return [][]byte{mkPacket(t, 0,
				Payload{Stream: 1, Replicated: []byte{1, 2, 3, 4}, Data: []byte{1}},
				Payload{Stream: 1, Replicated: make([]byte, 8), Data: []byte{1}})}
		}, 0, func(t *testing.T, st DemuxStats, _ []Object) {
			if st.InvalidPayloads != 2 {
				t.Fatalf("stats %+v", st)
			}
		}},
		{"unknown stream", func(t *testing.T) [][]byte {
			return [][]byte{mkPacket(t, 0, Payload{Stream: 9, ObjectSize: 1, PresentationTime: 1, Data: []byte{1}})}
		}, 0, func(t *testing.T, st DemuxStats, _ []Object) {
			if st.UnknownStream != 1 {
				t.Fatalf("stats %+v", st)
			}
		}},
		{"no replicated data uses the send time", func(t *testing.T) [][]byte {
			return [][]byte{mkPacket(t, 700, Payload{Stream: 1, Data: []byte{1, 2, 3}})}
		}, 1, func(t *testing.T, _ DemuxStats, objs []Object) {
			if objs[0].PTS != 700*time.Millisecond || len(objs[0].Data) != 3 {
				t.Fatalf("object %+v", objs[0])
			}
		}},
		{"parity packet skipped", func(t *testing.T) [][]byte {
			return [][]byte{{0x92, 0x2B, 0x07, 1, 2, 3}}
		}, 0, func(t *testing.T, st DemuxStats, _ []Object) {
			if st.Parity != 1 || st.Corrupt != 0 {
				t.Fatalf("stats %+v", st)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDemuxer(testHeader(t))
			c := pushAll(t, d, tc.pkts(t)...)
			if len(c.objs) != tc.objects {
				t.Fatalf("%d objects, want %d", len(c.objs), tc.objects)
			}
			tc.check(t, d.Stats(), c.objs)
		})
	}
}

func TestDemuxOversize(t *testing.T) {
	d := NewDemuxer(testHeader(t))
	d.MaxObjectSize = 200
	obj := seq(300, 1)
	small := seq(10, 2)
	c := pushAll(t, d,
		mkPacket(t, 0, frag(2, 0, 0, obj, 150, 3100, true)),
		mkPacket(t, 0, frag(2, 0, 150, obj, 150, 3100, true)),
		mkPacket(t, 0, Payload{Stream: 2, ObjectNumber: 1, ObjectSize: 10, PresentationTime: 3200, Data: small}))
	st := d.Stats()
	if st.OversizeObjects != 1 || st.DroppedFragments != 1 || st.IncompleteObjects != 0 || len(c.objs) != 1 || !c.objs[0].Discontinuity {
		t.Fatalf("stats %+v, %d objects", st, len(c.objs))
	}
}

func TestDemuxLargeObjectScratch(t *testing.T) {
	// Multi-fragment objects are gathered in the scratch buffer; the
	// emitted Data must not alias it (the next object reuses it).
	d := NewDemuxer(testHeader(t))
	const size = 300 << 10
	c := &collector{}
	for n := 0; n < 2; n++ {
		obj := bytes.Repeat([]byte{byte(n + 1)}, size)
		for off := 0; off < size; off += 200 {
			k := min(200, size-off)
			if err := d.Push(mkPacket(t, 0, frag(2, uint32(n), uint32(off), obj, k, 3100, false)), c.emit); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(c.objs) != 2 || !bytes.Equal(c.objs[0].Data, bytes.Repeat([]byte{1}, size)) || !bytes.Equal(c.objs[1].Data, bytes.Repeat([]byte{2}, size)) {
		t.Fatalf("%d objects", len(c.objs))
	}
}

func TestDemuxCorruptPacketContinues(t *testing.T) {
	d := NewDemuxer(testHeader(t))
	c := &collector{}
	err := d.Push([]byte{0x82, 0, 0, 0x09}, c.emit)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Push = %v", err)
	}
	if err := d.Push(mkPacket(t, 0, Payload{Stream: 1, ObjectSize: 2, PresentationTime: 3100, Data: []byte{1, 2}}), c.emit); err != nil {
		t.Fatal(err)
	}
	if st := d.Stats(); st.Corrupt != 1 || st.Objects != 1 || !c.objs[0].Discontinuity {
		t.Fatalf("stats %+v", st)
	}
}

func TestDemuxSelectAndReset(t *testing.T) {
	d := NewDemuxer(testHeader(t))
	d.SetStreams([]uint8{1})
	obj := seq(300, 1)
	p1 := mkPacket(t, 0, Payload{Stream: 1, ObjectSize: 2, PresentationTime: 3100, Data: []byte{1, 2}}, frag(2, 0, 0, obj, 100, 3100, true))
	c := pushAll(t, d, p1)
	if len(c.objs) != 1 || c.objs[0].Stream != 1 || d.Stats().Skipped != 1 {
		t.Fatalf("objects %+v stats %+v", c.objs, d.Stats())
	}
	d.SetStreams(nil)
	c = pushAll(t, d, mkPacket(t, 0, frag(2, 0, 0, obj, 100, 3100, true)))
	d.Reset() // drops the partial video object
	c2 := pushAll(t, d,
		mkPacket(t, 0, frag(2, 0, 100, obj, 100, 3100, true)),
		mkPacket(t, 0, Payload{Stream: 1, ObjectNumber: 1, ObjectSize: 2, PresentationTime: 3200, Data: []byte{3, 4}}))
	if len(c.objs) != 0 || len(c2.objs) != 1 || !c2.objs[0].Discontinuity || d.Stats().DroppedFragments != 1 {
		t.Fatalf("after Reset: %+v stats %+v", c2.objs, d.Stats())
	}
}

func TestDemuxKeyFromExtension(t *testing.T) {
	exts := []PayloadExtension{{ID: GUIDExtContentType, Size: PayloadExtensionVariable}, {ID: GUIDExtOutputCleanPoint, Size: 1},
		{ID: GUIDExtSampleDuration, Size: 2}}
	h := testHeader(t, headerExt(extProps{number: 2, exts: exts}.bytes()))
	d := NewDemuxer(h)
	rep := func(clean byte, dur uint16) []byte {
		w := &wbuf{}
		w.u32(3).u32(3100).u16(2).raw([]byte{7, 7}).u8(clean).u16(dur)
		return w.b
	}
	c := pushAll(t, d, mkPacket(t, 0,
		Payload{Stream: 2, ObjectSize: 3, PresentationTime: 3100, Replicated: rep(1, 40), Data: []byte{1, 2, 3}},
		Payload{Stream: 2, ObjectNumber: 1, ObjectSize: 3, PresentationTime: 3140, Replicated: rep(0, 40), Data: []byte{4, 5, 6}},
		Payload{Stream: 2, ObjectNumber: 2, ObjectSize: 3, PresentationTime: 3180, Replicated: rep(0, 40)[:9], Data: []byte{4, 5, 6}},
	))
	if len(c.objs) != 3 || !c.objs[0].Key || c.objs[1].Key || c.objs[2].Key || c.objs[0].Duration != 40*time.Millisecond || c.objs[2].Duration != 0 {
		t.Fatalf("objects %+v", c.objs)
	}
}

func TestDemuxAudioSpread(t *testing.T) {
	const span, vpl, chunk = 4, 40, 20
	sp := streamProps{typ: GUIDStreamTypeAudio, ec: GUIDAudioSpread, number: 3,
		typeSpecific: waveEx(WaveFormatWMAv2, 2, 44100, chunk, 16, nil), ecData: spreadData(span, vpl, chunk)}.bytes()
	d := NewDemuxer(testHeader(t, sp))
	orig := seq(span*vpl, 5)
	scr := make([]byte, len(orig))
	scramble(scr, orig, span, vpl, chunk)
	if bytes.Equal(scr, orig) {
		t.Fatal("scramble did nothing")
	}
	// Chunk-level check of the interleaving itself: virtual packet 1 of the
	// scrambled object starts with original chunk 1, then chunk 1+span.
	if !bytes.Equal(scr[vpl:vpl+chunk], orig[chunk:2*chunk]) || !bytes.Equal(scr[vpl+chunk:vpl+2*chunk], orig[(1+span)*chunk:(2+span)*chunk]) {
		t.Fatal("unexpected interleaving")
	}
	// Sent in two fragments, and again in one payload.
	c := pushAll(t, d,
		mkPacket(t, 0, Payload{Stream: 3, ObjectSize: uint32(len(scr)), PresentationTime: 3100, Data: scr[:100]}),
		mkPacket(t, 0, Payload{Stream: 3, Offset: 100, ObjectSize: uint32(len(scr)), PresentationTime: 3100, Data: scr[100:]}),
	)
	d2 := NewDemuxer(testHeader(t, sp))
	whole := Packet{LengthTypeFlags: 0x08, PropertyFlags: DefaultPropertyFlags,
		Payloads: []Payload{{Stream: 3, ObjectSize: uint32(len(scr)), PresentationTime: 3100, Data: scr}}}
	b, err := whole.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c2 := &collector{}
	if err := d2.Push(b, c2.emit); err != nil {
		t.Fatal(err)
	}
	if len(c.objs) != 1 || !bytes.Equal(c.objs[0].Data, orig) || len(c2.objs) != 1 || !bytes.Equal(c2.objs[0].Data, orig) {
		t.Fatal("descrambled object differs from the original")
	}
	if d.Stats().Descrambled != 1 {
		t.Fatalf("stats %+v", d.Stats())
	}
	// An object of another size passes through untouched.
	c3 := pushAll(t, d, mkPacket(t, 0, Payload{Stream: 3, ObjectNumber: 1, ObjectSize: 30, PresentationTime: 3200, Data: orig[:30]}))
	if !bytes.Equal(c3.objs[0].Data, orig[:30]) {
		t.Fatal("short object was altered")
	}
}

func TestDemuxNilHeader(t *testing.T) {
	d := NewDemuxer(nil)
	p := Packet{LengthTypeFlags: 0, PropertyFlags: DefaultPropertyFlags,
		Payloads: []Payload{{Stream: 5, ObjectSize: 2, PresentationTime: 10, Data: []byte{1, 2}}}}
	b, _ := p.Marshal()
	c := pushAll(t, d, b)
	if len(c.objs) != 1 || c.objs[0].PTS != 10*time.Millisecond || c.objs[0].Stream != 5 {
		t.Fatalf("objects %+v", c.objs)
	}
}

func TestDemuxAllocations(t *testing.T) {
	d := NewDemuxer(testHeader(t))
	var pls []Payload
	for i := 0; i < 5; i++ {
		pls = append(pls, Payload{Stream: 1, ObjectNumber: uint32(i), ObjectSize: 30, PresentationTime: 3100, Data: seq(30, byte(i))})
	}
	pkt := mkPacket(t, 0, pls...)
	emit := func(Object) {}
	_ = d.Push(pkt, emit)
	allocs := testing.AllocsPerRun(100, func() {
		if err := d.Push(pkt, emit); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 5 {
		t.Fatalf("%v allocations per packet of 5 objects, want ≤ 5", allocs)
	}
}

func TestDemuxAlloc(t *testing.T) {
	d := NewDemuxer(testHeader(t))
	var calls int
	pool := make([]byte, 0, 64)
	d.Alloc = func(n int) []byte {
		calls++
		if n <= cap(pool) {
			return pool[:0]
		}
		return nil // too small: the Demuxer allocates
	}
	obj := seq(300, 1)
	c := pushAll(t, d,
		mkPacket(t, 0, Payload{Stream: 1, ObjectSize: 40, PresentationTime: 3100, Data: seq(40, 2)}),
		mkPacket(t, 0, frag(2, 0, 0, obj, 150, 3100, true)),
		mkPacket(t, 0, frag(2, 0, 150, obj, 150, 3100, true)))
	if calls != 2 || len(c.objs) != 2 || !bytes.Equal(c.objs[0].Data, seq(40, 2)) || &c.objs[0].Data[0] != &pool[:1][0] ||
		!bytes.Equal(c.objs[1].Data, obj) {
		t.Fatalf("calls %d objects %d", calls, len(c.objs))
	}
}

func TestDemuxObjectNumberGaps(t *testing.T) {
	d := NewDemuxer(testHeader(t))
	obj := func(num uint32) Payload {
		return Payload{Stream: 1, ObjectNumber: num, ObjectSize: 2, PresentationTime: 3100 + num, Data: []byte{byte(num), 1}}
	}
	c := pushAll(t, d,
		mkPacket(t, 0, obj(254), obj(255), obj(0)), // wraps at the BYTE width: no gap
		mkPacket(t, 0, obj(1), obj(3)),             // object 2 lost with its packet
		mkPacket(t, 0, obj(4)),
		mkPacket(t, 0, Payload{Stream: 1, ObjectNumber: 9, Compressed: true, PresentationTime: 3300, TimeDelta: 1, Data: []byte{1, 'a', 1, 'b'}}),
		mkPacket(t, 0, obj(20)), // after a compressed payload: not checked
	)
	var disc []bool
	for _, o := range c.objs {
		disc = append(disc, o.Discontinuity)
	}
	want := []bool{true, false, false, false, true, false, false, false, false}
	if len(disc) != len(want) || d.Stats().ObjectGaps != 1 {
		t.Fatalf("discontinuities %v, gaps %d", disc, d.Stats().ObjectGaps)
	}
	for i := range want {
		if disc[i] != want[i] {
			t.Fatalf("discontinuities %v, want %v", disc, want)
		}
	}
	d.Reset() // a seek: the next number is not compared
	c = pushAll(t, d, mkPacket(t, 0, obj(100)), mkPacket(t, 0, obj(101)))
	if !c.objs[0].Discontinuity || c.objs[1].Discontinuity || d.Stats().ObjectGaps != 1 {
		t.Fatalf("after Reset: %+v %+v", c.objs, d.Stats())
	}
}
