package asf

import (
	"bytes"
	"math/bits"
	"testing"
	"time"
)

// countingReader counts ReadAt calls.
type countingReader struct {
	r     *bytes.Reader
	reads int
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.reads++
	return c.r.ReadAt(p, off)
}

// TestFixtureSeek checks SeekPacket on the committed third-party files:
// demuxing from the packet it returns yields every audio object presented
// from t on (compared with a full demux), and with the Simple Index of
// FFmpeg's WMV the first video object is a key frame at or before t.
func TestFixtureSeek(t *testing.T) {
	for _, name := range committedFixtures {
		t.Run(name, func(t *testing.T) {
			f, b := openFixture(t, name)
			h := f.Header()
			var audio uint8
			for _, s := range h.Streams {
				if s.Type == StreamAudio {
					audio = s.Number
				}
			}
			demuxFrom := func(start uint64) []Object {
				d := NewDemuxer(h)
				var objs []Object
				for i := start; i < f.PacketCount(); i++ {
					p, err := f.ReadPacket(i, nil)
					if err != nil {
						t.Fatal(err)
					}
					if err := d.Push(p, func(o Object) { objs = append(objs, o) }); err != nil {
						t.Fatal(err)
					}
				}
				return objs
			}
			all := demuxFrom(0)
			for _, at := range []time.Duration{300 * time.Millisecond, time.Second, 2500 * time.Millisecond, 4 * time.Second, 5900 * time.Millisecond} {
				cr := &countingReader{r: bytes.NewReader(b)}
				f2, err := OpenFile(cr, int64(len(b)))
				if err != nil {
					t.Fatal(err)
				}
				cr.reads = 0
				n, err := f2.SeekPacket(at)
				if err != nil {
					t.Fatal(err)
				}
				if limit := 2*bits.Len64(f.PacketCount()) + 2; cr.reads > limit {
					t.Errorf("SeekPacket(%v): %d reads, want ≤ %d", at, cr.reads, limit)
				}
				objs := demuxFrom(n)
				want, got := 0, 0
				for _, o := range all {
					if o.Stream == audio && o.PTS >= at {
						want++
					}
				}
				var firstAudio, firstKey *Object
				for i := range objs {
					o := &objs[i]
					if o.Stream == audio {
						if firstAudio == nil {
							firstAudio = o
						}
						if o.PTS >= at {
							got++
						}
					} else if firstKey == nil && o.Key {
						firstKey = o
					}
				}
				if got != want || firstAudio == nil || firstAudio.PTS > at {
					t.Errorf("seek %v -> packet %d: %d audio objects from t (want %d), first audio at %v", at, n, got, want, firstAudio.PTS)
				}
				if name == "d_wmv2_wmav2.wmv" && (firstKey == nil || firstKey.PTS > at) {
					t.Errorf("seek %v -> packet %d: first video key frame at %v", at, n, firstKey.PTS)
				}
			}
		})
	}
}
