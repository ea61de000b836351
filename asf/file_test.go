package asf

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

// memFile builds an ASF file of n packets, one audio object each, sent
// every 100 ms (presented at send time + preroll), with optional trailing
// objects (indexes).
type memFile struct {
	n        int
	headerPk uint64 // Data Packets Count in File Properties
	dataPk   uint64 // Total Data Packets in the Data Object
	dataSize uint64 // Data Object size (0 = broadcast)
	flags    uint32
	trailer  [][]byte
}

func (m memFile) build(t testing.TB) []byte {
	t.Helper()
	hdr := headerObj(
		fileProps{fileID: testFileID, packets: m.headerPk, play: time.Duration(m.n)*100*time.Millisecond + 3100*time.Millisecond,
			prerollMS: 3100, flags: m.flags, maxPkt: testPacketSize}.bytes(),
		streamProps{typ: GUIDStreamTypeAudio, number: 1, typeSpecific: waveEx(WaveFormatPCM, 1, 8000, 2, 16, nil)}.bytes(),
	)
	var pkts []byte
	for i := 0; i < m.n; i++ {
		pkts = append(pkts, mkPacket(t, uint32(100*i), Payload{Stream: 1, ObjectNumber: uint32(i & 0xFF), ObjectSize: 4,
			PresentationTime: uint32(3100 + 100*i), Data: []byte{byte(i), byte(i >> 8), 0xAB, 0xCD}})...)
	}
	return concat(hdr, dataObjFixed(testFileID, m.dataPk, m.dataSize), pkts, concat(m.trailer...))
}

func simpleIndexObj(interval time.Duration, packets ...uint32) []byte {
	w := &wbuf{}
	w.guid(testFileID).u64(uint64(interval / 100)).u32(1).u32(uint32(len(packets)))
	for _, p := range packets {
		w.u32(p).u16(1)
	}
	return obj(GUIDSimpleIndex, w.b)
}

func indexObj(interval time.Duration, stream uint16, offsets ...uint32) []byte {
	w := &wbuf{}
	w.u32(uint32(interval / time.Millisecond)).u16(1).u32(1)
	w.u16(stream).u16(IndexNearestPastCleanpoint)
	w.u32(uint32(len(offsets))).u64(0)
	for _, o := range offsets {
		w.u32(o)
	}
	return obj(GUIDIndex, w.b)
}

func open(t *testing.T, b []byte, size int64) *File {
	t.Helper()
	f, err := OpenFile(bytes.NewReader(b), size)
	if err != nil {
		t.Fatalf("OpenFile: %v", err)
	}
	return f
}

func TestFileBasics(t *testing.T) {
	const n = 50
	dataSize := uint64(DataObjectFixedSize + n*testPacketSize)
	b := memFile{n: n, headerPk: n, dataPk: n, dataSize: dataSize}.build(t)
	f := open(t, b, int64(len(b)))
	if f.PacketCount() != n || f.HasIndex() || len(f.Warnings) != 0 || f.PacketSize() != testPacketSize {
		t.Fatalf("count %d index %v warnings %v", f.PacketCount(), f.HasIndex(), f.Warnings)
	}
	if f.DataOffset() != f.Header().Size+DataObjectFixedSize || f.PacketOffset(2) != f.DataOffset()+2*testPacketSize {
		t.Fatalf("offsets %d %d", f.DataOffset(), f.PacketOffset(2))
	}
	d := NewDemuxer(f.Header())
	var objs []Object
	buf := make([]byte, 0, testPacketSize)
	for i := uint64(0); ; i++ {
		p, err := f.ReadPacket(i, buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Push(p, func(o Object) { objs = append(objs, o) }); err != nil {
			t.Fatal(err)
		}
	}
	if len(objs) != n || objs[49].PTS != 4900*time.Millisecond {
		t.Fatalf("%d objects", len(objs))
	}
	// Bisection (no index): last packet sent at or before t - SeekMargin.
	for _, tc := range []struct {
		t    time.Duration
		want uint64
	}{{0, 0}, {-time.Second, 0}, {500 * time.Millisecond, 0}, {1000 * time.Millisecond, 0}, {1050 * time.Millisecond, 0},
		{1100 * time.Millisecond, 1}, {3 * time.Second, 20}, {3050 * time.Millisecond, 20}, {time.Hour, n - 1}} {
		got, err := f.SeekPacket(tc.t)
		if err != nil || got != tc.want {
			t.Errorf("SeekPacket(%v) = %d, %v; want %d", tc.t, got, err, tc.want)
		}
	}
	// PCM from t is complete from the packet SeekPacket returns.
	if p, _ := f.SeekPacket(2 * time.Second); p*100 > 2000 {
		t.Fatalf("seek packet %d starts after t", p)
	}
}

func TestFileIndexes(t *testing.T) {
	const n = 50
	dataSize := uint64(DataObjectFixedSize + n*testPacketSize)
	base := memFile{n: n, headerPk: n, dataPk: n, dataSize: dataSize}
	// Simple index: 1 s entries, key frames every 10 packets (1 s).
	var entries []uint32
	for i := 0; i < 9; i++ {
		entries = append(entries, uint32(max(0, (i*1000-3100)/1000*10)))
	}
	withSimple := base
	withSimple.trailer = [][]byte{obj(GUID{7}, []byte("other")), simpleIndexObj(time.Second, entries...)}
	b := withSimple.build(t)
	f := open(t, b, int64(len(b)))
	if !f.HasIndex() || f.SimpleIndex() == nil || len(f.Warnings) != 0 {
		t.Fatalf("index %v warnings %v", f.HasIndex(), f.Warnings)
	}
	// t=2.5s: presentation 5.6 s -> entry 5 -> packet 10.
	if p, err := f.SeekPacket(2500 * time.Millisecond); err != nil || p != uint64(entries[5]) {
		t.Fatalf("SeekPacket = %d, %v; want %d", p, err, entries[5])
	}
	// Beyond the last entry: the last entry.
	if p, _ := f.SeekPacket(time.Hour); p != uint64(entries[len(entries)-1]) {
		t.Fatalf("SeekPacket(1h) = %d", p)
	}

	// Index object: offsets relative to the first packet.
	withIndex := base
	var offs []uint32
	for i := 0; i < 9; i++ {
		offs = append(offs, uint32(max(0, (i*1000-3100)/1000*10))*testPacketSize)
	}
	offs[6] = IndexInvalidOffset // falls back to entry 5
	withIndex.trailer = [][]byte{indexObj(time.Second, 1, offs...)}
	b = withIndex.build(t)
	f = open(t, b, int64(len(b)))
	if !f.HasIndex() || f.Index() == nil {
		t.Fatalf("no index, warnings %v", f.Warnings)
	}
	if p, err := f.SeekPacket(4500 * time.Millisecond); err != nil || p != 30 {
		t.Fatalf("SeekPacket via Index = %d, %v; want 30", p, err)
	}
	// Entry 6 has no position: entry 5 serves.
	if p, err := f.SeekPacket(3500 * time.Millisecond); err != nil || p != 10 {
		t.Fatalf("SeekPacket via Index = %d, %v; want 10", p, err)
	}

	// A broken index (entries past the last packet) is ignored.
	broken := base
	broken.trailer = [][]byte{simpleIndexObj(time.Second, 0, 5, 9999)}
	b = broken.build(t)
	f = open(t, b, int64(len(b)))
	if f.HasIndex() || len(f.Warnings) != 1 {
		t.Fatalf("broken index used; warnings %v", f.Warnings)
	}
	// An index pointing at a packet sent after t is not trusted: the
	// bisection result is used.
	late := base
	late.trailer = [][]byte{simpleIndexObj(time.Second, 45, 45, 45, 45, 45, 45, 45, 45)}
	b = late.build(t)
	f = open(t, b, int64(len(b)))
	if p, _ := f.SeekPacket(1200 * time.Millisecond); p != 2 {
		t.Fatalf("SeekPacket with a late index = %d, want 2", p)
	}
	if p, _ := f.SeekPacket(4700 * time.Millisecond); p != 37 {
		t.Fatalf("SeekPacket with a later index = %d, want 37 (bisection, earlier)", p)
	}
	// An index object that overruns the file ends the scan with a warning.
	bad := base
	bad.trailer = [][]byte{append(obj(GUIDSimpleIndex, nil)[:16], 0xFF, 0xFF, 0, 0, 0, 0, 0, 0)}
	b = bad.build(t)
	if f = open(t, b, int64(len(b))); f.HasIndex() || len(f.Warnings) != 1 {
		t.Fatalf("warnings %v", f.Warnings)
	}
}

func TestFilePacketCounts(t *testing.T) {
	const n = 20
	full := uint64(DataObjectFixedSize + n*testPacketSize)
	tests := []struct {
		name  string
		m     memFile
		size  int64 // -1: unknown; 0: len(b)
		cut   int   // bytes removed from the end
		count uint64
	}{
		{"counts agree", memFile{n: n, headerPk: n, dataPk: n, dataSize: full}, 0, 0, n},
		{"header count too large", memFile{n: n, headerPk: 1000, dataPk: n, dataSize: full}, 0, 0, n},
		{"header count smaller", memFile{n: n, headerPk: 10, dataPk: n, dataSize: full}, 0, 0, 10},
		{"counts zero", memFile{n: n, dataSize: full}, 0, 0, n},
		{"broadcast, data size 0", memFile{n: n, headerPk: 999, dataPk: 999, flags: FlagBroadcast}, 0, 0, n},
		{"truncated file", memFile{n: n, headerPk: n, dataPk: n, dataSize: full}, 0, testPacketSize + 10, n - 2},
		{"size unknown, data size known", memFile{n: n, headerPk: n, dataPk: n, dataSize: full}, -1, 0, n},
		{"size unknown, broadcast", memFile{n: n, flags: FlagBroadcast}, -1, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.m.build(t)
			b = b[:len(b)-tc.cut]
			size := tc.size
			if size == 0 {
				size = int64(len(b))
			}
			f := open(t, b, size)
			if f.PacketCount() != tc.count {
				t.Fatalf("PacketCount = %d, want %d (warnings %v)", f.PacketCount(), tc.count, f.Warnings)
			}
			// Read to EOF: as many packets as counted (or all of them when
			// the count is unknown).
			var got int
			for i := uint64(0); ; i++ {
				_, err := f.ReadPacket(i, nil)
				if err == io.EOF {
					break
				}
				if err != nil {
					if !errors.Is(err, ErrTruncated) {
						t.Fatal(err)
					}
					break
				}
				got++
			}
			want := int(tc.count)
			if tc.count == 0 {
				want = n
			}
			if got != want {
				t.Fatalf("read %d packets, want %d", got, want)
			}
		})
	}
	b := memFile{n: n, flags: FlagBroadcast}.build(t)
	f := open(t, b, -1)
	if _, err := f.SeekPacket(time.Second); !errors.Is(err, ErrNotSeekable) {
		t.Fatalf("SeekPacket on unknown count: %v", err)
	}
	// A partial last packet with an unknown size is an error, not EOF.
	f = open(t, b[:len(b)-10], -1)
	if _, err := f.ReadPacket(n-1, nil); !errors.Is(err, ErrTruncated) {
		t.Fatalf("partial packet: %v", err)
	}
}

func TestOpenFileErrors(t *testing.T) {
	good := memFile{n: 3, headerPk: 3, dataPk: 3, dataSize: DataObjectFixedSize + 3*testPacketSize}.build(t)
	h, _ := ParseHeader(good)
	tests := []struct {
		name string
		b    []byte
		size int64
		want error
	}{
		{"empty", nil, 0, ErrTruncated},
		{"not asf", bytes.Repeat([]byte{3}, 100), 100, ErrNotASF},
		{"header beyond file", good[:h.Size+10], h.Size + 10, ErrTruncated},
		{"no data object", concat(good[:h.Size], obj(GUID{5}, make([]byte, 40))), h.Size + 64, ErrNoData},
		{"header beyond unknown size", good[:h.Size-5], -1, ErrTruncated},
		{"garbage after header", concat(good[:h.Size], bytes.Repeat([]byte{0xFF}, 60)), h.Size + 60, ErrNoData},
	}
	for _, tc := range tests {
		if _, err := OpenFile(bytes.NewReader(tc.b), tc.size); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestParseIndexErrors(t *testing.T) {
	for _, b := range [][]byte{nil, obj(GUIDIndex, nil), obj(GUIDIndex, make([]byte, 10)), indexObj(0, 1, 5),
		append(indexObj(time.Second, 1, 1, 2)[:24], make([]byte, 10)...)} {
		if _, err := ParseIndex(b); err == nil {
			t.Errorf("ParseIndex(% x) succeeded", b)
		}
	}
	for _, b := range [][]byte{nil, obj(GUIDSimpleIndex, nil), simpleIndexObj(0, 1)} {
		if _, err := ParseSimpleIndex(b); err == nil {
			t.Errorf("ParseSimpleIndex(% x) succeeded", b)
		}
	}
	// A count larger than the object is clamped.
	si := simpleIndexObj(time.Second, 1, 2, 3)
	si[52] = 200
	if x, err := ParseSimpleIndex(si); err != nil || len(x.Entries) != 3 {
		t.Fatalf("clamped simple index: %v", err)
	}
}

func TestPacketReader(t *testing.T) {
	const n = 50
	b := memFile{n: n, headerPk: n, dataPk: n, dataSize: uint64(DataObjectFixedSize + n*testPacketSize)}.build(t)
	for _, size := range []int64{int64(len(b)), -1} {
		f := open(t, b, size)
		ref := open(t, b, size)
		for _, ra := range []int{0, 1, 3 * testPacketSize, 7*testPacketSize + 5} {
			cr := &countingReader{r: bytes.NewReader(b)}
			f.r = cr
			r := f.NewPacketReader(0, ra)
			var got uint64
			for {
				p, num, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				want, _ := ref.ReadPacket(num, nil)
				if num != got || !bytes.Equal(p, want) {
					t.Fatalf("readAhead %d: packet %d (want %d) differs", ra, num, got)
				}
				got++
			}
			if got != n {
				t.Fatalf("readAhead %d: %d packets", ra, got)
			}
			perRead := max(1, ra/testPacketSize)
			if ra == 0 {
				perRead = DefaultReadAhead / testPacketSize
			}
			want := (n + perRead - 1) / perRead
			if size < 0 {
				// Unknown size: reads of 1, 2, 4 ... packets up to
				// perRead, so a lying header costs no large buffer.
				want = 0
				for left, k := n, 1; left > 0; k = min(2*k, perRead) {
					left -= min(k, left)
					want++
				}
			}
			if cr.reads != want {
				t.Fatalf("size %d, readAhead %d: %d reads, want %d", size, ra, cr.reads, want)
			}
			r.Seek(10)
			if _, num, err := r.Next(); err != nil || num != 10 {
				t.Fatalf("after Seek: %d %v", num, err)
			}
		}
	}
	// Truncated last packet.
	f := open(t, b[:len(b)-5], -1)
	r := f.NewPacketReader(n-1, 0)
	if _, _, err := r.Next(); !errors.Is(err, ErrTruncated) {
		t.Fatalf("truncated: %v", err)
	}
}
