package record_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
	"github.com/eddyplayer/eddy/transport/progressive"
	"github.com/eddyplayer/eddy/transport/record"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/asf/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// capture is a transport.Tap keeping copies of what it is given, and
// passing it on.
type capture struct {
	next    transport.Tap
	headers [][]byte
	packets [][]byte
}

func (c *capture) Header(raw []byte) {
	c.headers = append(c.headers, bytes.Clone(raw))
	c.next.Header(raw)
}

func (c *capture) Packet(p []byte) {
	c.packets = append(c.packets, bytes.Clone(p))
	c.next.Packet(p)
}

// play reads a session to its end and returns the samples it delivered.
func play(t *testing.T, s transport.Session) []transport.Sample {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var ids []int
	for _, tr := range s.Info().Tracks {
		ids = append(ids, tr.ID)
	}
	if err := s.Select(ctx, ids); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
	var out []transport.Sample
	for {
		smp, err := s.ReadSample(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, smp)
	}
}

// TestRecordSessions records a file played by each ASF transport the
// tests can run here (a local file, MMS over HTTP from the fake
// MS-WMSP server, RTSP from the fake MS-RTSP server in the Windows
// Media Services and the GStreamer layouts) and holds the recording to
// what the session received: the same packets in the same order (padded
// to the packet size where the server stripped the padding), and, read
// back through our reader and demuxer, exactly the samples the session
// delivered.
func TestRecordSessions(t *testing.T) {
	wmv := fixture(t, "d_wmv2_wmav2.wmv")
	cases := []struct {
		name string
		dial func(t *testing.T, cfg transport.Config) transport.Session
	}{
		{"file", func(t *testing.T, cfg transport.Config) transport.Session {
			s, err := progressive.FileDialer{}.Dial(context.Background(), "../../testdata/asf/d_wmv2_wmav2.wmv", cfg)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"mmsh", func(t *testing.T, cfg transport.Config) transport.Session {
			srv, err := mmshtest.NewServer(mmshtest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			c, err := mmshtest.File(wmv)
			if err != nil {
				t.Fatal(err)
			}
			srv.Handle("/d.wmv", c)
			s, err := (&mmsh.Dialer{DisablePacketPair: true}).Dial(context.Background(), srv.URL+"/d.wmv", cfg)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"mmst", func(t *testing.T, cfg transport.Config) transport.Session {
			// Padding stripped on the wire, as MMS servers may send it.
			srv, err := mmsptest.NewServer(mmsptest.Options{StripPadding: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			e, err := mmsptest.NewEntry(wmv)
			if err != nil {
				t.Fatal(err)
			}
			srv.Handle("/d.wmv", &mmsptest.Content{Entries: []*mmsptest.Entry{e}})
			s, err := (&mmsp.Dialer{}).Dial(context.Background(), srv.URL+"/d.wmv", cfg)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"rtsp-wms", func(t *testing.T, cfg transport.Config) transport.Session {
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{wmv}})
			s, err := (&rtsp.Dialer{}).Dial(context.Background(), tcp(srv.URL()), cfg)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"rtsp-gstreamer", func(t *testing.T, cfg transport.Config) transport.Session {
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{wmv}, Style: rtsptest.StyleGStreamer})
			s, err := (&rtsp.Dialer{}).Dial(context.Background(), tcp(srv.URL()), cfg)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rec.asf")
			rec, err := record.Create(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			tap := &capture{next: rec}
			s := tc.dial(t, transport.Config{Tap: tap, Timeout: 10 * time.Second})
			defer s.Close()
			samples := play(t, s)
			res, err := rec.Stop(nil)
			if err != nil || res.Err != nil || !res.Indexed {
				t.Fatalf("stop: %v, %+v", err, res)
			}
			if len(tap.headers) == 0 || len(tap.packets) == 0 {
				t.Fatalf("the session gave the tap %d headers, %d packets", len(tap.headers), len(tap.packets))
			}
			f := open(t, path)
			h := f.Header()
			if f.PacketCount() != uint64(len(tap.packets)) || res.Packets != f.PacketCount() {
				t.Fatalf("%d packets recorded (result %d), %d received", f.PacketCount(), res.Packets, len(tap.packets))
			}
			for n, p := range tap.packets {
				want, err := asf.RestorePadding(p, h.PacketSize)
				if err != nil {
					t.Fatal(err)
				}
				got, err := f.ReadPacket(uint64(n), nil)
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("packet %d: not the one received (%v)", n, err)
				}
			}
			// The recording's header is the one received, but for the
			// File Properties object's fixed-up fields.
			if hdr := tap.headers[0]; !sameBut(hdrObject(hdr), hdrObject(h.Raw), fpFields(t, hdrObject(hdr))) {
				t.Fatal("the recording's header is not the one received")
			}
			got := demux(t, f)
			if len(got) != len(samples) {
				t.Fatalf("%d objects in the recording, %d samples played", len(got), len(samples))
			}
			for i, smp := range samples {
				o := got[i]
				if int(o.Stream) != smp.Track || o.PTS != smp.PTS || o.Key != smp.Key || !bytes.Equal(o.Data, smp.Data) {
					t.Fatalf("object %d: stream %d pts %v key %v, played track %d pts %v key %v", i, o.Stream, o.PTS, o.Key, smp.Track, smp.PTS, smp.Key)
				}
			}
		})
	}
}

// tcp makes an rtsp:// URL ask for RTP over the RTSP connection
// (rtspt://): the fake server sends as fast as it can, which loopback UDP
// may drop on a loaded machine; the tap is the same for both.
func tcp(u string) string { return "rtspt" + strings.TrimPrefix(u, "rtsp") }

// hdrObject is the Header Object at the start of raw.
func hdrObject(raw []byte) []byte {
	h, err := asf.ParseHeader(raw)
	if err != nil {
		return raw
	}
	return raw[:h.Size]
}

// fpFields are the byte ranges of the File Properties fields a recording
// fixes up (ASF spec §3.2: File Size at 40, Data Packets Count at 56,
// Play and Send Duration at 64 and 72, Flags at 88, from the object's
// start).
func fpFields(t *testing.T, hdr []byte) [][2]int {
	t.Helper()
	fpGUID := []byte{0xA1, 0xDC, 0xAB, 0x8C, 0x47, 0xA9, 0xCF, 0x11, 0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65}
	i := bytes.Index(hdr, fpGUID)
	if i < 0 {
		t.Fatal("no File Properties object")
	}
	return [][2]int{{i + 40, i + 48}, {i + 56, i + 80}, {i + 88, i + 92}}
}

// sameBut reports a and b equal outside the ranges.
func sameBut(a, b []byte, ranges [][2]int) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = bytes.Clone(a), bytes.Clone(b)
	for _, r := range ranges {
		clear(a[r[0]:r[1]])
		clear(b[r[0]:r[1]])
	}
	return bytes.Equal(a, b)
}

func open(t *testing.T, path string) *asf.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func demux(t *testing.T, f *asf.File) []asf.Object {
	t.Helper()
	d := asf.NewDemuxer(f.Header())
	var objs []asf.Object
	for n := range f.PacketCount() {
		b, err := f.ReadPacket(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		d.Push(b, func(o asf.Object) { objs = append(objs, o) })
	}
	return objs
}

// packetsOf returns a file's header and data packets.
func packetsOf(t *testing.T, name string) ([]byte, [][]byte) {
	t.Helper()
	b := fixture(t, name)
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var ps [][]byte
	for n := range f.PacketCount() {
		p, err := f.ReadPacket(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return f.Header().Raw, ps
}

// TestRecorderHeaders: the same header again (a restart after a seek)
// continues the file; a different one before any packet replaces the
// first; a different one after packets ends the recording with
// ErrHeaderChanged, once, the file complete with what came before, and
// later data is not written.
func TestRecorderHeaders(t *testing.T) {
	hA, pA := packetsOf(t, "d_wmv2_wmav2.wmv")
	hB, pB := packetsOf(t, "c_wmav2.wma")
	path := filepath.Join(t.TempDir(), "rec.asf")
	var ends []record.Result
	rec, err := record.Create(path, func(r record.Result) { ends = append(ends, r) })
	if err != nil {
		t.Fatal(err)
	}
	rec.Header(hB) // a first format, given up before any packet
	rec.Header(hA)
	for _, p := range pA[:10] {
		rec.Packet(p)
	}
	rec.Header(hA) // the same presentation restarted
	for _, p := range pA[10:] {
		rec.Packet(p)
	}
	rec.Header(hB)
	for _, p := range pB {
		rec.Packet(p)
	}
	rec.Header(hB)
	if len(ends) != 1 || !errors.Is(ends[0].Err, record.ErrHeaderChanged) || ends[0].Packets != uint64(len(pA)) || !ends[0].Indexed {
		t.Fatalf("ends %+v", ends)
	}
	if _, err := rec.Stop(nil); !errors.Is(err, record.ErrStopped) {
		t.Fatalf("stop after the end: %v", err)
	}
	f := open(t, path)
	if f.PacketCount() != uint64(len(pA)) || !sameBut(hdrObject(f.Header().Raw), hdrObject(hA), fpFields(t, hdrObject(hA))) {
		t.Fatalf("%d packets, want %d of the first header", f.PacketCount(), len(pA))
	}
	for n, want := range pA {
		got, err := f.ReadPacket(uint64(n), nil)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("packet %d differs", n)
		}
	}
}

// TestRecorderNothing: a recording that never got a header leaves no
// file; one with a header that does not parse ends with ErrBadHeader.
func TestRecorderNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.asf")
	rec, err := record.Create(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec.Packet([]byte{1, 2, 3}) // before any header: nothing to write it under
	res, err := rec.Stop(nil)
	if err != nil || res.Started || res.Packets != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the empty recording is still there: %v", err)
	}
	var ends []record.Result
	rec, err = record.Create(path, func(r record.Result) { ends = append(ends, r) })
	if err != nil {
		t.Fatal(err)
	}
	rec.Header([]byte("not an ASF header at all, but long enough to look"))
	if len(ends) != 1 || !errors.Is(ends[0].Err, record.ErrBadHeader) {
		t.Fatalf("ends %+v", ends)
	}
	// A file that was there before is not removed (it is truncated, as
	// os.Create does).
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err = record.Create(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rec.Stop(nil); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Fatalf("the file that was there: %v", err)
	}
	if _, err := record.Create(filepath.Join(t.TempDir(), "no", "such", "dir.asf"), nil); err == nil {
		t.Fatal("a file in a directory that does not exist was created")
	}
}

// fullDisk is a file that fails every write once limit bytes are
// written, as a full disk does.
type fullDisk struct {
	b      []byte
	off    int
	limit  int
	closed bool
}

var errNoSpace = errors.New("no space left on device")

func (d *fullDisk) Write(p []byte) (int, error) {
	if d.off+len(p) > d.limit {
		return 0, errNoSpace
	}
	if need := d.off + len(p); need > len(d.b) {
		d.b = append(d.b, make([]byte, need-len(d.b))...)
	}
	copy(d.b[d.off:], p)
	d.off += len(p)
	return len(p), nil
}

func (d *fullDisk) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		d.off = int(off)
	case io.SeekEnd:
		d.off = len(d.b) + int(off)
	default:
		d.off += int(off)
	}
	return int64(d.off), nil
}

func (d *fullDisk) Truncate(n int64) error { d.b = d.b[:n]; return nil }
func (d *fullDisk) Close() error           { d.closed = true; return nil }

// TestRecorderDiskFull: a write that fails ends the recording with
// ErrWrite wrapping the cause, reported once through onEnd; the packets
// after it are ignored (the tap goes on returning at once: playback is
// not disturbed) and the file is closed.
func TestRecorderDiskFull(t *testing.T) {
	h, ps := packetsOf(t, "d_wmv2_wmav2.wmv")
	disk := &fullDisk{limit: 100 << 10}
	var ends []record.Result
	rec := record.New(disk, "rec.asf", func(r record.Result) { ends = append(ends, r) })
	rec.Header(h)
	for _, p := range ps {
		rec.Packet(p)
	}
	if len(ends) != 1 || !errors.Is(ends[0].Err, record.ErrWrite) || !errors.Is(ends[0].Err, errNoSpace) || !disk.closed {
		t.Fatalf("ends %+v, closed %v", ends, disk.closed)
	}
	if n := ends[0].Packets; n == 0 || n >= uint64(len(ps)) || int64(n)*int64(len(ps[0])) > 100<<10 {
		t.Fatalf("%d packets counted as written before the disk filled", n)
	}
	if res, err := rec.Stop(nil); !errors.Is(err, record.ErrStopped) || !slices.Equal([]error{res.Err}, []error{ends[0].Err}) {
		t.Fatalf("stop: %v %+v", err, res)
	}
}
