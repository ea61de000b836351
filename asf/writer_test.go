package asf

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf/asftest"
)

// unhex decodes hex written with spaces and line breaks.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seekBuf is an in-memory io.WriteSeeker.
type seekBuf struct {
	b   []byte
	off int
}

func (s *seekBuf) Write(p []byte) (int, error) {
	if need := s.off + len(p); need > len(s.b) {
		s.b = append(s.b, make([]byte, need-len(s.b))...)
	}
	copy(s.b[s.off:], p)
	s.off += len(p)
	return len(p), nil
}

func (s *seekBuf) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		s.off = int(off)
	case io.SeekCurrent:
		s.off += int(off)
	case io.SeekEnd:
		s.off = len(s.b) + int(off)
	}
	return int64(s.off), nil
}

// The three data packets of TestWriterBytes, written from ASF spec §5.2 for
// a 64-byte packet size: error correction data (0x82 00 00), Length Type
// Flags 0x08 (one payload, Padding Length a BYTE), Property Flags 0x5D,
// Padding Length, Send Time, Duration, then one payload of video stream 2
// with the key-frame bit (0x82), Media Object Number, Offset Into Media
// Object (DWORD), Replicated Data Length 8, Media Object Size, Presentation
// Time, data.
const (
	// Object 0 (60 bytes, presented at 3100 ms), its first 37 bytes.
	wPacket0 = `82 00 00 08 5D 00 00000000 0000
		82 00 00000000 08 3C000000 1C0C0000` +
		` 01010101010101010101010101010101010101010101010101010101010101010101010101`
	// Its last 23 bytes, sent at 500 ms, the padding stripped (as an
	// MMSH or MS-RTSP server sends it): 50 of the 64 bytes.
	wPacket1Short = `82 00 00 08 5D 00 F4010000 0000
		82 00 25000000 08 3C000000 1C0C0000` +
		` 0202020202020202020202020202020202020202020202`
	// The same packet as the file holds it: Padding Length 14, then 14
	// zero bytes.
	wPacket1Full = `82 00 00 08 5D 0E F4010000 0000
		82 00 25000000 08 3C000000 1C0C0000` +
		` 0202020202020202020202020202020202020202020202 0000000000000000000000000000`
	// Object 1 (37 bytes, presented at 5100 ms, a key frame), sent at
	// 2000 ms.
	wPacket2 = `82 00 00 08 5D 00 D0070000 0000
		82 01 00000000 08 25000000 EC130000` +
		` 03030303030303030303030303030303030303030303030303030303030303030303030303`
)

// TestWriterBytes holds the file a Writer makes to the ASF spec, byte for
// byte: the header as received but for the File Properties fields §3.2
// says to fix up, the Data Object's fixed part (§5.1), the packets padded
// to the packet size, and the Simple Index Object (§6.1), all written here
// from the spec's layouts.
func TestWriterBytes(t *testing.T) {
	header := simpleHeader(64) // audio stream 1, video stream 2, preroll 3100 ms
	var out seekBuf
	w, err := NewWriter(&out, append(slices.Clone(header), dataObjFixed(testFileID, 0, 0)...), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// On disk before Close: a broadcast (§3.2: sizes and counts invalid,
	// here 0), so a recording cut short plays to its end.
	fpOff := 30 // the first child of the Header Object
	if got := out.b[fpOff+88]; got != 0x01 {
		t.Fatalf("flags while recording %#x, want Broadcast (0x01)", got)
	}
	if !bytes.Equal(out.b[fpOff+40:fpOff+48], make([]byte, 8)) {
		t.Fatalf("file size while recording % x, want 0", out.b[fpOff+40:fpOff+48])
	}
	for _, p := range []string{wPacket0, wPacket1Short, wPacket2} {
		if err := w.WritePacket(unhex(t, p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	want := slices.Clone(header)
	fp := want[fpOff:]
	if GUID(fp[:16]) != GUIDFileProperties {
		t.Fatal("test header: File Properties is not the first child")
	}
	size := len(header) + 50 + 3*64 + 56 + 8*6
	binary.LittleEndian.PutUint64(fp[40:], uint64(size)) // File Size
	copy(fp[56:], unhex(t, "03 00 00 00 00 00 00 00"))   // Data Packets Count
	// Play Duration: the last object (5100 ms) plus its distance to the
	// previous one of its stream (2000 ms) = 7100 ms = 71000000 × 100 ns.
	copy(fp[64:], unhex(t, "C0 5F 3B 04 00 00 00 00"))
	// Send Duration: the last Send Time plus its Duration, 2000 ms.
	copy(fp[72:], unhex(t, "00 2D 31 01 00 00 00 00"))
	copy(fp[88:], unhex(t, "02 00 00 00")) // Seekable, not Broadcast
	want = append(want, unhex(t, `36 26 B2 75 8E 66 CF 11 A6 D9 00 AA 00 62 CE 6C
		F2 00 00 00 00 00 00 00
		01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10
		03 00 00 00 00 00 00 00
		01 01`)...)
	want = append(want, unhex(t, wPacket0)...)
	want = append(want, unhex(t, wPacket1Full)...)
	want = append(want, unhex(t, wPacket2)...)
	// Simple Index: one entry per second through 7100 ms. The key frame of
	// object 0 (presented at 3100 ms) begins in packet 0 and spans two
	// packets: it serves 0 s to 5 s; object 1 (5100 ms, packet 2) serves
	// 6 s and 7 s.
	want = append(want, unhex(t, `90 08 00 33 B1 E5 CF 11 89 F4 00 A0 C9 03 49 CB
		68 00 00 00 00 00 00 00
		01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10
		80 96 98 00 00 00 00 00
		02 00 00 00
		08 00 00 00
		00000000 0200  00000000 0200  00000000 0200  00000000 0200
		00000000 0200  00000000 0200  02000000 0100  02000000 0100`)...)
	if len(want) != size {
		t.Fatalf("test arithmetic: %d bytes, size %d", len(want), size)
	}
	if !bytes.Equal(out.b, want) {
		for i := range min(len(out.b), len(want)) {
			if out.b[i] != want[i] {
				t.Fatalf("%d bytes, want %d; first difference at %d: %#x, want %#x", len(out.b), len(want), i, out.b[i], want[i])
			}
		}
		t.Fatalf("%d bytes, want %d", len(out.b), len(want))
	}
	st := w.Stats()
	if st.Packets != 3 || st.Padded != 1 || st.Unparsed != 0 || st.IndexEntries != 8 || st.Duration != 4*time.Second {
		t.Fatalf("stats %+v", st)
	}
	if err := w.WritePacket(unhex(t, wPacket0)); !errors.Is(err, ErrWriterClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

// TestWriterOddPackets: a packet longer than the packet size is dropped
// and counted; one that does not parse is written zero-padded (a reader
// finds it as corrupt as the player did) and adds nothing to the index; a
// stream without a clean point gets no index and no Seekable flag.
func TestWriterOddPackets(t *testing.T) {
	var out seekBuf
	w, err := NewWriter(&out, simpleHeader(64), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WritePacket(make([]byte, 65)); err != nil {
		t.Fatal(err)
	}
	if err := w.WritePacket([]byte{0x82, 0, 0, 0xFF}); err != nil { // length type flags of an impossible layout
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st := w.Stats()
	if st.Dropped != 1 || st.Unparsed != 1 || st.Packets != 1 || st.IndexEntries != 0 {
		t.Fatalf("stats %+v", st)
	}
	f, err := OpenFile(bytes.NewReader(out.b), int64(len(out.b)))
	if err != nil {
		t.Fatal(err)
	}
	if f.PacketCount() != 1 || f.HasIndex() || f.Header().Seekable || f.Header().Broadcast {
		t.Fatalf("packets %d, index %v, header %+v", f.PacketCount(), f.HasIndex(), f.Header())
	}
	pkt, err := f.ReadPacket(0, nil)
	if err != nil || !bytes.Equal(pkt, append([]byte{0x82, 0, 0, 0xFF}, make([]byte, 60)...)) {
		t.Fatalf("packet % x, %v", pkt, err)
	}
	if _, err := NewWriter(&out, []byte("not a header"), WriterOptions{}); err == nil {
		t.Fatal("a header that does not parse was accepted")
	}
}

// failAfter is a file that fails every write once n bytes were written:
// a full disk.
type failAfter struct {
	seekBuf
	n int
}

var errDiskFull = errors.New("no space left on device")

func (f *failAfter) Write(p []byte) (int, error) {
	if f.off+len(p) > f.n {
		return 0, errDiskFull
	}
	return f.seekBuf.Write(p)
}

// TestWriterWriteError: a failing write is returned with its cause, and
// again by every later call; the packets after it are not counted.
func TestWriterWriteError(t *testing.T) {
	out := &failAfter{n: 100 << 10}
	w, err := NewWriter(out, simpleHeader(64), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pkt := unhex(t, wPacket0)
	var werr error
	for range 10000 {
		if werr = w.WritePacket(pkt); werr != nil {
			break
		}
	}
	if !errors.Is(werr, errDiskFull) {
		t.Fatalf("err %v, want the disk's", werr)
	}
	n := w.Stats().Packets
	if err := w.WritePacket(pkt); !errors.Is(err, errDiskFull) || w.Stats().Packets != n {
		t.Fatalf("after the error: %v, %d packets (was %d)", err, w.Stats().Packets, n)
	}
	if err := w.Close(); !errors.Is(err, errDiskFull) {
		t.Fatalf("close: %v", err)
	}
}

// TestWriterRoundTrip records FFmpeg's files as an MMSH client receives
// them (every other packet with its padding stripped) and reads the
// recording back: the same packets, byte for byte; the same media objects
// through our demuxer and through ffprobe; FFmpeg decodes the same audio;
// the File Properties say what the file holds; and a seek goes through
// the Simple Index to the key frame.
func TestWriterRoundTrip(t *testing.T) {
	// GStreamer's asfmux starts its times at 3600000 s: the Simple Index
	// would need 3.6 million entries naming packet 0 before the first key
	// frame, more than MaxSimpleIndexEntries, so that recording has none
	// (and is not Seekable: readers bisect on send times).
	for name, wantIndex := range map[string]bool{"d_wmv2_wmav2.wmv": true, "c_wmav2.wma": true, "gst_asfmux_wmv2_wmav2.wmv": false} {
		t.Run(name, func(t *testing.T) {
			src := asfFiles.Path(t, name)
			orig := openTestFile(t, src)
			dst := filepath.Join(t.TempDir(), "rec.asf")
			fd, err := os.Create(dst)
			if err != nil {
				t.Fatal(err)
			}
			defer fd.Close()
			w, err := NewWriter(fd, orig.Header().Raw, WriterOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var pkts [][]byte
			rebuilt := map[int]bool{} // explicit Packet Length: rewritten, not restored byte for byte
			for n := range orig.PacketCount() {
				p, err := orig.ReadPacket(n, nil)
				if err != nil {
					t.Fatal(err)
				}
				pkts = append(pkts, p)
				if n%2 == 1 {
					var ex bool
					p, ex = stripPadding(t, p, orig.PacketSize())
					rebuilt[int(n)] = ex
				}
				if err := w.WritePacket(p); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			rec := openTestFile(t, dst)
			if rec.PacketCount() != uint64(len(pkts)) {
				t.Fatalf("%d packets, want %d", rec.PacketCount(), len(pkts))
			}
			for n, want := range pkts {
				got, err := rec.ReadPacket(uint64(n), nil)
				if err == nil && rebuilt[n] {
					err = samePayloads(got, want, rec.PacketSize())
				} else if err == nil && !bytes.Equal(got, want) {
					err = errors.New("not the bytes received")
				}
				if err != nil {
					t.Fatalf("packet %d differs: %v", n, err)
				}
			}
			h, oh := rec.Header(), orig.Header()
			if h.Broadcast || h.Seekable != wantIndex || h.Packets != uint64(len(pkts)) || h.Data.TotalPackets != h.Packets ||
				h.FileSize != uint64(fileSize(t, dst)) || h.FileID != oh.FileID || rec.HasIndex() != wantIndex {
				t.Fatalf("header: broadcast %v seekable %v packets %d/%d size %d index %v",
					h.Broadcast, h.Seekable, h.Packets, h.Data.TotalPackets, h.FileSize, rec.HasIndex())
			}
			// The play duration is the end of the last object, within a
			// frame of what the muxer wrote.
			if d := h.Duration() - oh.Duration(); d < -100*time.Millisecond || d > 100*time.Millisecond {
				t.Fatalf("duration %v, the original %v", h.Duration(), oh.Duration())
			}
			if got, want := demuxAll(t, rec), demuxAll(t, orig); !slices.EqualFunc(got, want, sameObject) {
				t.Fatalf("%d objects, the original %d, or they differ", len(got), len(want))
			}
			if got, want := asftest.Probe(t, dst), asftest.Probe(t, src); !slices.Equal(got, want) {
				t.Fatalf("ffprobe: %d packets, the original %d, or they differ", len(got), len(want))
			}
			if !bytes.Equal(asftest.ReferencePCM(t, dst, 0, 0), asftest.ReferencePCM(t, src, 0, 0)) {
				t.Fatal("FFmpeg decodes different audio from the recording")
			}
			if wantIndex {
				checkIndex(t, rec)
			}
		})
	}
}

// checkIndex holds a recording's Simple Index to §6.1: entry i names the
// packet where the last clean point presented at or before i·interval
// begins, found here by scanning the packets.
func checkIndex(t *testing.T, f *File) {
	t.Helper()
	x := f.SimpleIndex()
	if x == nil || x.Interval != time.Second || len(x.Entries) == 0 {
		t.Fatalf("simple index %+v", x)
	}
	h := f.Header()
	stream, video := h.Streams[0].Number, false
	for _, s := range h.Streams {
		if s.Type == StreamVideo {
			stream, video = s.Number, true
			break
		}
	}
	type key struct {
		packet uint32
		pts    uint32
	}
	var keys []key
	var p Packet
	for n := range f.PacketCount() {
		b, err := f.ReadPacket(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Unmarshal(b, f.PacketSize()); err != nil {
			continue
		}
		for _, pl := range p.Payloads {
			if pl.Stream == stream && pl.Offset == 0 && (pl.Key || !video) {
				keys = append(keys, key{uint32(n), pl.PresentationTime})
			}
		}
	}
	for i, e := range x.Entries {
		ti := uint32(i) * 1000
		want := keys[0].packet
		for _, k := range keys {
			if k.pts <= ti {
				want = k.packet
			}
		}
		if e.Packet != want {
			t.Fatalf("entry %d (%d ms): packet %d, want %d", i, ti, e.Packet, want)
		}
	}
	if !video {
		return
	}
	// A seek to 3.5 s starts at the key frame at or before it, which the
	// index names (a bisection on send times alone lands after it).
	target := 3500 * time.Millisecond
	n, err := f.SeekPacket(target)
	if err != nil {
		t.Fatal(err)
	}
	i := int((target + h.Preroll) / time.Second)
	if want := x.Entries[min(i, len(x.Entries)-1)].Packet; uint32(n) != want {
		t.Fatalf("seek to %v: packet %d, the index says %d", target, n, want)
	}
}

func openTestFile(t *testing.T, path string) *File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// stripPadding removes a packet's padding bytes, keeping its Padding
// Length field, as a server sending it over MMSH may (MS-WMSP 2.2.3.3).
// explicit reports a packet with an explicit Packet Length shorter than
// the packet size, which padding restoration rewrites (RestorePadding)
// rather than giving back the bytes it had.
func stripPadding(t *testing.T, b []byte, size uint32) (_ []byte, explicit bool) {
	t.Helper()
	var p Packet
	if err := p.Unmarshal(b, size); err != nil {
		t.Fatal(err)
	}
	if p.Length != 0 && p.Length < size {
		return b[:p.Length], true
	}
	return b[:len(b)-int(p.Padding)], false
}

// samePayloads compares two packets by what they carry.
func samePayloads(a, b []byte, size uint32) error {
	var p, q Packet
	if err := p.Unmarshal(a, size); err != nil {
		return err
	}
	if err := q.Unmarshal(b, size); err != nil {
		return err
	}
	if p.SendTime != q.SendTime || p.Duration != q.Duration || len(p.Payloads) != len(q.Payloads) {
		return fmt.Errorf("send time %d/%d, duration %d/%d, %d/%d payloads", p.SendTime, q.SendTime, p.Duration, q.Duration, len(p.Payloads), len(q.Payloads))
	}
	for i := range p.Payloads {
		x, y := p.Payloads[i], q.Payloads[i]
		if x.Stream != y.Stream || x.Key != y.Key || x.ObjectNumber != y.ObjectNumber || x.Offset != y.Offset ||
			x.PresentationTime != y.PresentationTime || !bytes.Equal(x.Replicated, y.Replicated) || !bytes.Equal(x.Data, y.Data) {
			return fmt.Errorf("payload %d differs", i)
		}
	}
	return nil
}

func demuxAll(t *testing.T, f *File) []Object {
	t.Helper()
	d := NewDemuxer(f.Header())
	var objs []Object
	for n := range f.PacketCount() {
		b, err := f.ReadPacket(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		d.Push(b, func(o Object) { objs = append(objs, o) })
	}
	return objs
}

func sameObject(a, b Object) bool {
	return a.Stream == b.Stream && a.PTS == b.PTS && a.Key == b.Key && a.ObjectNumber == b.ObjectNumber &&
		a.SendTime == b.SendTime && bytes.Equal(a.Data, b.Data)
}

// keyPacket is a one-payload packet of video stream 2 (64 bytes, as the
// table packets above) holding key frame object num presented at pts ms,
// sent at send ms.
func keyPacket(num byte, pts, send uint32) []byte {
	w := &wbuf{}
	w.u8(0x82).u8(0).u8(0).u8(0x08).u8(0x5D).u8(0).u32(send).u16(0)
	w.u8(0x82).u8(num).u32(0).u8(8).u32(37).u32(pts)
	w.raw(bytes.Repeat([]byte{num}, 37))
	return w.b
}

// TestWriterIndexBounds: presentation times that jump far ahead cannot
// make the index grow without bound: a first key frame beyond
// MaxSimpleIndexEntries intervals gives no index at all (and no Seekable
// flag); a jump later stops the index at MaxSimpleIndexEntries entries,
// which still name packets of the file in order.
func TestWriterIndexBounds(t *testing.T) {
	var out seekBuf
	w, err := NewWriter(&out, simpleHeader(64), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.WritePacket(keyPacket(0, math.MaxUint32-1000, 0))
	w.WritePacket(keyPacket(1, math.MaxUint32, 10))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st.Indexed || !st.IndexTruncated {
		t.Fatalf("stats %+v", st)
	}
	f, err := OpenFile(bytes.NewReader(out.b), int64(len(out.b)))
	if err != nil || f.HasIndex() || f.Header().Seekable {
		t.Fatalf("%v: index %v, seekable %v", err, f.HasIndex(), f.Header().Seekable)
	}

	out = seekBuf{}
	w, err = NewWriter(&out, simpleHeader(64), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.WritePacket(keyPacket(0, 3100, 0))
	w.WritePacket(keyPacket(1, 4100, 1000))
	w.WritePacket(keyPacket(2, math.MaxUint32, 2000))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); !st.Indexed || !st.IndexTruncated || st.IndexEntries != MaxSimpleIndexEntries {
		t.Fatalf("stats %+v", st)
	}
	f, err = OpenFile(bytes.NewReader(out.b), int64(len(out.b)))
	if err != nil || !f.HasIndex() {
		t.Fatalf("%v: index %v", err, f.HasIndex())
	}
	x := f.SimpleIndex()
	if len(x.Entries) != MaxSimpleIndexEntries || x.Entries[3].Packet != 0 || x.Entries[4].Packet != 0 || x.Entries[5].Packet != 1 ||
		x.Entries[len(x.Entries)-1].Packet != 1 {
		t.Fatalf("%d entries, 3..5: %v", len(x.Entries), x.Entries[3:6])
	}
}

// FuzzWriter writes arbitrary packets (each byte string up to 100 bytes
// split off the input by a length byte) into a recording: whatever they
// hold, the Writer neither panics nor fails, and our reader opens the
// file with every packet written, its index (when there is one) valid
// and the Seekable flag saying so.
func FuzzWriter(f *testing.F) {
	seed := func(ps ...[]byte) []byte {
		var b []byte
		for _, p := range ps {
			b = append(b, byte(len(p)))
			b = append(b, p...)
		}
		return b
	}
	f.Add(seed(unhex(f, wPacket0), unhex(f, wPacket1Short), unhex(f, wPacket2)))
	f.Add(seed(keyPacket(0, 3100, 0), keyPacket(1, math.MaxUint32, 5)))
	f.Add(seed(keyPacket(5, 9000, 0), keyPacket(1, 100, 5), []byte{0x82, 0, 0}))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out seekBuf
		w, err := NewWriter(&out, simpleHeader(64), WriterOptions{IndexInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		for len(in) > 0 {
			n := min(int(in[0]), len(in)-1, 100)
			if err := w.WritePacket(in[1 : 1+n]); err != nil {
				t.Fatal(err)
			}
			in = in[1+n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		st := w.Stats()
		f, err := OpenFile(bytes.NewReader(out.b), int64(len(out.b)))
		if err != nil {
			t.Fatal(err)
		}
		if f.PacketCount() != st.Packets || f.HasIndex() != st.Indexed || f.Header().Seekable != st.Indexed || f.Header().Broadcast {
			t.Fatalf("%d packets (wrote %d), index %v (wrote %v), flags %#x", f.PacketCount(), st.Packets, f.HasIndex(), st.Indexed, f.Header().Flags)
		}
	})
}
