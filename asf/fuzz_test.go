package asf

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"sync"
	"testing"
	"time"
)

// Fuzz targets: seeded from the table tests and the committed fixtures. Each
// asserts "no panic", the package's invariants, and a memory bound: the
// bytes allocated while handling one input stay within a multiple of its
// size (plus a constant), so no declared size or count drives allocation.

func checkAlloc(t *testing.T, before uint64, input int, factor, constant uint64) {
	t.Helper()
	if got, limit := memAlloc()-before, factor*uint64(input)+constant; got > limit {
		t.Fatalf("allocated %d bytes for a %d-byte input (limit %d)", got, input, limit)
	}
}

// fixtureHead returns the header, data object fixed part and the first n
// packets of a committed fixture.
func fixtureHead(f testing.TB, name string, n int) ([]byte, *Header) {
	b, err := os.ReadFile(fixturePath(name))
	if err != nil {
		f.Fatal(err)
	}
	h, err := ParseHeader(b)
	if err != nil {
		f.Fatal(err)
	}
	end := int(h.Size) + DataObjectFixedSize + n*int(h.PacketSize)
	return b[:min(end, len(b))], h
}

// FuzzParseHeader's regression seeds (testdata/fuzz/FuzzParseHeader):
// eb4998c5096df683 is a Marker Object whose name overruns it, followed by
// a marker count of about 3·10^9: the count was checked against the bytes
// left only when no read had failed yet, so the parser allocated 190 GB.
// Every count is now checked after the reads before it.
func FuzzParseHeader(f *testing.F) {
	for _, tc := range headerObjectCases() {
		hb := simpleHeader(3200, tc.extra...)
		f.Add(hb)
		f.Add(concat(hb, dataObjFixed(testFileID, 3, 0)))
	}
	for _, name := range committedFixtures {
		b, _ := fixtureHead(f, name, 0)
		f.Add(b)
	}
	f.Add(headerObj(fileProps{maxPkt: 3200}.bytes()))
	f.Fuzz(func(t *testing.T, b []byte) {
		before := memAlloc()
		h, err := ParseHeader(b)
		checkAlloc(t, before, len(b), 64, 1<<20)
		if err != nil {
			if h != nil {
				t.Fatal("header and error")
			}
			return
		}
		if h.Size < headerFixedSize || h.Size > int64(len(b)) || len(h.Raw) < int(h.Size) {
			t.Fatalf("size %d raw %d input %d", h.Size, len(h.Raw), len(b))
		}
		if len(h.Streams) == 0 || h.PacketSize == 0 || h.PacketSize > MaxPacketSize || h.Duration() < 0 {
			t.Fatalf("invalid header accepted: %+v", h)
		}
		for i, s := range h.Streams {
			if s.Number == 0 || s.Number > 127 || (i > 0 && h.Streams[i-1].Number >= s.Number) || h.Stream(s.Number) != s {
				t.Fatalf("stream numbers %d at %d", s.Number, i)
			}
		}
		if (h.CheckEncrypted() != nil) != h.Encrypted() {
			t.Fatal("CheckEncrypted disagrees with Encrypted")
		}
		if h.Data != nil {
			h2, err := ReadHeader(bytes.NewReader(b))
			if err != nil || h2.Size != h.Size || len(h2.Streams) != len(h.Streams) {
				t.Fatalf("ReadHeader disagrees: %v", err)
			}
		}
		NewDemuxer(h)
	})
}

func FuzzPacketUnmarshal(f *testing.F) {
	for _, tc := range packetCases() {
		f.Add(encodeCase(f, tc), tc.packetSize)
	}
	for _, name := range committedFixtures {
		b, h := fixtureHead(f, name, 3)
		for off := int(h.Size) + DataObjectFixedSize; off+int(h.PacketSize) <= len(b); off += int(h.PacketSize) {
			f.Add(b[off:off+int(h.PacketSize)], h.PacketSize)
		}
	}
	f.Add([]byte{0x92, 0x2B, 0x07, 0xFF}, uint32(4))
	f.Add([]byte{0x51, 0x5D, 20, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x01, 0, 0, 0, 0, 0, 0x08}, uint32(32))
	f.Fuzz(func(t *testing.T, b []byte, packetSize uint32) {
		var p Packet
		before := memAlloc()
		err := p.Unmarshal(b, packetSize)
		checkAlloc(t, before, len(b), 0, 64<<10) // only the Payloads slice
		if err != nil || p.Parity {
			return
		}
		if len(p.Payloads) == 0 || len(p.Payloads) > MaxPayloadsPerPacket {
			t.Fatalf("%d payloads", len(p.Payloads))
		}
		b2, err := p.Marshal()
		if err != nil {
			t.Fatalf("parsed packet does not marshal: %v", err)
		}
		var q Packet
		if err := q.Unmarshal(b2, packetSize); err != nil {
			t.Fatalf("re-marshalled packet does not parse: %v", err)
		}
		if len(q.Payloads) != len(p.Payloads) || q.SendTime != p.SendTime || q.Padding != p.Padding {
			t.Fatalf("round trip: %d payloads, want %d", len(q.Payloads), len(p.Payloads))
		}
		for i := range p.Payloads {
			a, c := p.Payloads[i], q.Payloads[i]
			same := bytes.Equal(a.Data, c.Data)
			if !p.Multiple {
				// A single payload runs to the end of the packet: when
				// the padding was stripped, the re-marshalled padding
				// bytes may join it.
				same = bytes.HasPrefix(c.Data, a.Data)
			}
			if !same || !bytes.Equal(a.Replicated, c.Replicated) || a.Stream != c.Stream || a.Key != c.Key ||
				a.ObjectNumber != c.ObjectNumber || a.Offset != c.Offset || a.PresentationTime != c.PresentationTime ||
				a.Compressed != c.Compressed {
				t.Fatalf("payload %d differs after round trip:\n%+v\n%+v", i, a, c)
			}
		}
	})
}

var (
	fuzzHeadersOnce sync.Once
	fuzzHeaders     []*Header
)

// demuxFuzzHeaders: a synthetic header with Audio Spread, payload
// extensions (variable size, OutputCleanPoint, SampleDuration) and a time
// offset, plus the committed fixtures' headers.
func demuxFuzzHeaders(t testing.TB) []*Header {
	fuzzHeadersOnce.Do(func() {
		exts := []PayloadExtension{{ID: GUIDExtContentType, Size: PayloadExtensionVariable}, {ID: GUIDExtOutputCleanPoint, Size: 1},
			{ID: GUIDExtSampleDuration, Size: 2}}
		sp := streamProps{typ: GUIDStreamTypeAudio, ec: GUIDAudioSpread, number: 3, timeOffset: time.Second,
			typeSpecific: waveEx(WaveFormatWMAv2, 2, 44100, 20, 16, nil), ecData: spreadData(4, 40, 20)}.bytes()
		h, err := ParseHeader(simpleHeader(testPacketSize, sp, headerExt(extProps{number: 2, exts: exts}.bytes())))
		if err != nil {
			panic(err)
		}
		fuzzHeaders = append(fuzzHeaders, h)
		for _, name := range committedFixtures {
			b, err := os.ReadFile(fixturePath(name))
			if err != nil {
				panic(err)
			}
			h, err := ParseHeader(b)
			if err != nil {
				panic(err)
			}
			fuzzHeaders = append(fuzzHeaders, h)
		}
	})
	return fuzzHeaders
}

// framePackets joins packets as {length WORD, bytes}.
func framePackets(pkts ...[]byte) []byte {
	var b []byte
	for _, p := range pkts {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(p)))
		b = append(b, p...)
	}
	return b
}

func FuzzDemuxer(f *testing.F) {
	obj := seq(500, 1)
	tst := testing.T{}
	f.Add(framePackets(
		mkPacket(&tst, 0, Payload{Stream: 1, ObjectSize: 40, PresentationTime: 3100, Data: seq(40, 2)}, frag(2, 0, 0, obj, 150, 3140, true)),
		mkPacket(&tst, 40, frag(2, 0, 150, obj, 220, 3140, true)),
		mkPacket(&tst, 80, frag(2, 0, 370, obj, 130, 3140, true)),
		mkPacket(&tst, 90, Payload{Stream: 1, ObjectNumber: 10, Compressed: true, PresentationTime: 3200, TimeDelta: 25,
			Data: []byte{2, 'a', 'b', 0, 3, 'c', 'd', 'e'}}),
		mkPacket(&tst, 100, Payload{Stream: 3, ObjectSize: 160, PresentationTime: 3100, Data: seq(100, 3)}),
		mkPacket(&tst, 100, Payload{Stream: 3, Offset: 100, ObjectSize: 160, PresentationTime: 3100, Data: seq(60, 3)}),
		mkPacket(&tst, 110, Payload{Stream: 2, ObjectSize: 3, PresentationTime: 3100,
			Replicated: []byte{3, 0, 0, 0, 0x1C, 0x0C, 0, 0, 2, 0, 7, 7, 1, 40, 0}, Data: []byte{1, 2, 3}}),
		[]byte{0x92, 0x2B, 0x07, 1, 2, 3},
	), uint8(0))
	for i, name := range committedFixtures {
		b, h := fixtureHead(f, name, 4)
		var pkts [][]byte
		for off := int(h.Size) + DataObjectFixedSize; off+int(h.PacketSize) <= len(b); off += int(h.PacketSize) {
			pkts = append(pkts, b[off:off+int(h.PacketSize)])
		}
		f.Add(framePackets(pkts...), uint8(i+1))
		f.Add(framePackets(pkts...), uint8(i+1)|0x10)
	}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		hs := demuxFuzzHeaders(t)
		h := hs[int(sel&0x0F)%len(hs)]
		before := memAlloc()
		d := NewDemuxer(h)
		d.MaxObjectSize = 1 << 20
		if sel&0x20 != 0 {
			d.SetStreams([]uint8{1})
		}
		var objects, bytesOut, packets uint64
		emit := func(o Object) {
			objects++
			bytesOut += uint64(len(o.Data))
			if uint32(len(o.Data)) > d.MaxObjectSize || len(o.Data) == 0 {
				t.Fatalf("object of %d bytes", len(o.Data))
			}
		}
		for n := 0; len(data) >= 2; n++ {
			k := min(int(binary.LittleEndian.Uint16(data)), len(data)-2)
			pkt := data[2 : 2+k]
			data = data[2+k:]
			if sel&0x10 != 0 && n%3 == 2 {
				// Strip what the packet's padding field declares (MSB,
				// RTSP senders), or a few bytes.
				pkt = pkt[:len(pkt)-min(len(pkt), 7)]
			}
			_ = d.Push(pkt, emit)
			packets++
			if sel&0x40 != 0 && n%4 == 3 {
				d.Reset()
			}
		}
		st := d.Stats()
		if st.Objects != objects || st.ObjectBytes != bytesOut || st.ObjectBytes > st.Bytes {
			t.Fatalf("stats %+v, emitted %d objects of %d bytes", st, objects, bytesOut)
		}
		// Object data and scratch growth follow the bytes pushed; a corrupt
		// packet costs its error value (testdata/fuzz/FuzzDemuxer/
		// 14e9279295189016: thousands of empty packets).
		checkAlloc(t, before, int(st.Bytes), 8, 256<<10+512*packets)
	})
}

// FuzzOpenFile's regression seeds (testdata/fuzz/FuzzOpenFile):
// e97b40a138964187 declares a Data Object of 1.8·10^19 bytes: the check
// that it fits wrapped around in uint64, the data end became negative and
// the header's packet count (78 packets in a 7 KB file) was believed.
// 80f05615485efe69 declares 721 KB packets in a 1.9 KB file: a
// PacketReader allocated three of them before reading anything; its buffer
// now holds no more than the file has left. 013dac082baf8bcd is the same
// with the size unknown (a stream): the reads now start at one packet and
// double as packets come.
func FuzzOpenFile(f *testing.F) {
	tst := testing.T{}
	const n = 6
	full := uint64(DataObjectFixedSize + n*testPacketSize)
	f.Add(memFile{n: n, headerPk: n, dataPk: n, dataSize: full}.build(&tst))
	f.Add(memFile{n: n, flags: FlagBroadcast}.build(&tst))
	f.Add(memFile{n: n, headerPk: n, dataPk: n, dataSize: full, trailer: [][]byte{simpleIndexObj(time.Second, 0, 1, 2, 3)}}.build(&tst))
	f.Add(memFile{n: n, headerPk: n, dataPk: n, dataSize: full, trailer: [][]byte{indexObj(time.Second, 1, 0, 256, 512)}}.build(&tst))
	for _, name := range committedFixtures {
		b, _ := fixtureHead(f, name, 2)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, size := range []int64{int64(len(b)), -1} {
			before := memAlloc()
			file, err := OpenFile(bytes.NewReader(b), size)
			if err != nil {
				checkAlloc(t, before, len(b), 64, 2<<20)
				continue
			}
			if size >= 0 && file.PacketCount() > uint64(len(b))/uint64(file.PacketSize()) {
				t.Fatalf("%d packets of %d bytes in a %d-byte file", file.PacketCount(), file.PacketSize(), len(b))
			}
			d := NewDemuxer(file.Header())
			buf := make([]byte, file.PacketSize())
			for i := uint64(0); ; i++ {
				p, err := file.ReadPacket(i, buf)
				if err == io.EOF {
					break
				}
				if err != nil {
					break
				}
				_ = d.Push(p, func(Object) {})
			}
			pr := file.NewPacketReader(0, 3*int(file.PacketSize()))
			for i := uint64(0); ; i++ {
				p, n, err := pr.Next()
				if err != nil {
					break
				}
				if q, err := file.ReadPacket(n, nil); n != i || err != nil || !bytes.Equal(p, q) {
					t.Fatalf("PacketReader packet %d (want %d) differs from ReadPacket: %v", n, i, err)
				}
			}
			for _, at := range []time.Duration{time.Second, time.Minute, time.Hour} {
				n, err := file.SeekPacket(at)
				if err == nil && file.PacketCount() > 0 && n >= file.PacketCount() {
					t.Fatalf("SeekPacket(%v) = %d of %d", at, n, file.PacketCount())
				}
			}
			checkAlloc(t, before, len(b), 64, 2<<20)
		}
	})
}
