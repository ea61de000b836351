//go:build cgo

package lavc

import (
	"os"
	"testing"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
)

// asfStream is one stream of an ASF file as a decoder sees it: the track
// and its media objects in file order.
type asfStream struct {
	track   transport.Track
	samples []transport.Sample
}

// trackOf maps an ASF stream to a transport.Track the way every ASF
// session does.
func trackOf(s *asf.Stream) transport.Track { return asftrack.Track(s) }

// demuxASF reads every media object of an ASF file with package asf.
func demuxASF(t testing.TB, path string) []*asfStream {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	f, err := asf.OpenFile(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	h := f.Header()
	var out []*asfStream
	byNum := map[uint8]*asfStream{}
	for _, s := range h.Streams {
		if s.Audio == nil && s.Video == nil {
			continue
		}
		as := &asfStream{track: trackOf(s)}
		out = append(out, as)
		byNum[s.Number] = as
	}
	d := asf.NewDemuxer(h)
	var buf []byte
	for n := uint64(0); n < f.PacketCount(); n++ {
		pkt, err := f.ReadPacket(n, buf)
		if err != nil {
			t.Fatalf("packet %d: %v", n, err)
		}
		buf = pkt
		err = d.Push(pkt, func(o asf.Object) {
			if as := byNum[o.Stream]; as != nil {
				as.samples = append(as.samples, transport.Sample{Track: int(o.Stream), PTS: o.PTS, Duration: o.Duration,
					Key: o.Key, Discontinuity: o.Discontinuity && len(as.samples) > 0, Data: o.Data})
			}
		})
		if err != nil {
			t.Fatalf("packet %d: %v", n, err)
		}
	}
	return out
}
