package asf

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// committedFixtures are the small third-party files under testdata/asf
// (made by testdata/asf/make.sh), so these tests run offline.
var committedFixtures = []string{"c_wmav2.wma", "d_wmv2_wmav2.wmv", "gst_asfmux_wmv2_wmav2.wmv"}

func fixturePath(name string) string { return filepath.Join("..", "testdata", "asf", name) }

func openFixture(t *testing.T, name string) (*File, []byte) {
	t.Helper()
	b, err := os.ReadFile(fixturePath(name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f, b
}

// dumpHeader writes a stable text form of the header tree.
func dumpHeader(w io.Writer, f *File) {
	h := f.Header()
	fmt.Fprintf(w, "header size=%d file_id=%s file_size=%d created=%s packets=%d\n", h.Size, h.FileID, h.FileSize,
		h.Created.Format(time.RFC3339), h.Packets)
	fmt.Fprintf(w, "  play=%v send=%v preroll=%v duration=%v flags=0x%x broadcast=%v seekable=%v\n",
		h.PlayDuration, h.SendDuration, h.Preroll, h.Duration(), h.Flags, h.Broadcast, h.Seekable)
	fmt.Fprintf(w, "  packet_size=%d/%d max_bitrate=%d\n", h.MinPacketSize, h.PacketSize, h.MaxBitrate)
	var tree func(objs []ObjectInfo, indent string)
	tree = func(objs []ObjectInfo, indent string) {
		for _, o := range objs {
			fmt.Fprintf(w, "%s%s @%d size=%d\n", indent, o.Name(), o.Offset, o.Size)
			tree(o.Children, indent+"  ")
		}
	}
	fmt.Fprintln(w, "objects:")
	tree(h.Objects, "  ")
	for _, s := range h.Streams {
		fmt.Fprintf(w, "stream %d %v ec=%q offset=%v encrypted=%v embedded=%v bitrate=%d lang=%q name=%q\n", s.Number, s.Type,
			s.ErrorCorrectionGUID.Name(), s.TimeOffset, s.Encrypted, s.Embedded, s.Bitrate, s.Language, s.Name)
		if a := s.Audio; a != nil {
			fmt.Fprintf(w, "  audio tag=0x%04X raw=0x%04X ch=%d rate=%d avg=%d align=%d bits=%d extra=%x\n", a.FormatTag,
				a.RawFormatTag, a.Channels, a.SampleRate, a.AvgBytesPerSec, a.BlockAlign, a.BitsPerSample, a.Extra)
		}
		if v := s.Video; v != nil {
			fmt.Fprintf(w, "  video %s %dx%d bits=%d planes=%d size=%d aspect=%d:%d extra=%x\n", v.FourCC, v.Width, v.Height,
				v.BitCount, v.Planes, v.SizeImage, v.AspectX, v.AspectY, v.Extra)
		}
		if sp := s.Spread; sp != nil {
			fmt.Fprintf(w, "  spread span=%d packet=%d chunk=%d silence=%x\n", sp.Span, sp.VirtualPacketLen, sp.VirtualChunkLen, sp.SilenceData)
		}
		if e := s.Extended; e != nil {
			fmt.Fprintf(w, "  extended bitrate=%d buffer=%d max_object=%d flags=0x%x lang=%d frame=%v names=%d extensions=%d\n",
				e.DataBitrate, e.BufferSize, e.MaxObjectSize, e.Flags, e.LanguageIndex, e.AvgTimePerFrame, len(e.Names), len(e.PayloadExtensions))
		}
	}
	for _, e := range h.Exclusions {
		fmt.Fprintf(w, "exclusion %v advanced=%v streams=%v\n", e.Type, e.Advanced, e.Streams)
	}
	fmt.Fprintf(w, "languages=%q content=%+v\n", h.Languages, h.Content)
	for _, a := range h.Extended {
		fmt.Fprintf(w, "attribute %s (%v) = %s\n", a.Name, a.Type, a)
	}
	for _, m := range h.Metadata {
		fmt.Fprintf(w, "metadata stream=%d library=%v %s (%v) = %s\n", m.Stream, m.Library, m.Name, m.Type, m)
	}
	for _, c := range h.Codecs {
		fmt.Fprintf(w, "codec type=%d %q %q info=%x\n", c.Type, c.Name, c.Description, c.Info)
	}
	for _, m := range h.Markers {
		fmt.Fprintf(w, "marker %v %q\n", m.Time, m.Name)
	}
	for _, s := range h.Scripts {
		fmt.Fprintf(w, "script %v %s %q\n", s.Time, s.Type, s.Command)
	}
	fmt.Fprintf(w, "encrypted=%v warnings=%v\n", h.Encrypted(), h.Warnings)
	fmt.Fprintf(w, "data offset=%d total=%d size=%d; file packets=%d data_offset=%d warnings=%v\n", h.Data.Offset,
		h.Data.TotalPackets, h.Data.Size, f.PacketCount(), f.DataOffset(), f.Warnings)
	if x := f.SimpleIndex(); x != nil {
		fmt.Fprintf(w, "simple index interval=%v max_count=%d entries=%d first=%v\n", x.Interval, x.MaxPacketCount,
			len(x.Entries), x.Entries[:min(len(x.Entries), 12)])
	}
}

// dumpObjects writes one line per stream: object count, bytes, key
// frames, first/last PTS and a hash of every object's PTS, flags and data.
func dumpObjects(t *testing.T, w io.Writer, f *File) {
	d := NewDemuxer(f.Header())
	type acc struct {
		n, bytes, keys, disc int
		first, last          time.Duration
		h                    hash.Hash
	}
	accs := map[uint8]*acc{}
	for _, s := range f.Header().Streams {
		accs[s.Number] = &acc{h: sha256.New()}
	}
	for i := uint64(0); i < f.PacketCount(); i++ {
		p, err := f.ReadPacket(i, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Push(p, func(o Object) {
			a := accs[o.Stream]
			if a.n == 0 {
				a.first = o.PTS
			}
			a.n++
			a.bytes += len(o.Data)
			a.last = o.PTS
			if o.Key {
				a.keys++
			}
			if o.Discontinuity {
				a.disc++
			}
			fmt.Fprintf(a.h, "%d %v %v|", o.PTS, o.Key, o.Discontinuity)
			a.h.Write(o.Data)
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range f.Header().Streams {
		a := accs[s.Number]
		fmt.Fprintf(w, "demux stream %d: objects=%d bytes=%d keys=%d discontinuities=%d pts=%v..%v sha256=%x\n",
			s.Number, a.n, a.bytes, a.keys, a.disc, a.first, a.last, a.h.Sum(nil))
	}
	st := d.Stats()
	fmt.Fprintf(w, "stats %+v\n", st)
}

func TestGoldenDumps(t *testing.T) {
	for _, name := range committedFixtures {
		t.Run(name, func(t *testing.T) {
			f, _ := openFixture(t, name)
			var b strings.Builder
			dumpHeader(&b, f)
			dumpObjects(t, &b, f)
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./asf -run Golden -update)", err)
			}
			if b.String() != string(want) {
				t.Errorf("dump differs from %s:\n%s", path, b.String())
			}
		})
	}
}
