package decoder

import (
	"bytes"
	"os"
	"testing"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
)

// asfAudio demuxes the first audio stream of an ASF file with Eddy's
// demuxer and returns its track and its media objects as samples.
func asfAudio(t testing.TB, path string) (transport.Track, []transport.Sample) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	f, err := asf.OpenFile(fh, st.Size())
	if err != nil {
		t.Fatalf("asf.OpenFile: %v", err)
	}
	h := f.Header()
	var s *asf.Stream
	for _, c := range h.Streams {
		if c.Audio != nil {
			s = c
			break
		}
	}
	if s == nil {
		t.Fatal("no audio stream")
	}
	d := asf.NewDemuxer(h)
	d.SetStreams([]uint8{s.Number})
	var samples []transport.Sample
	var buf []byte
	for n := range f.PacketCount() {
		pkt, err := f.ReadPacket(n, buf)
		if err != nil {
			t.Fatalf("packet %d: %v", n, err)
		}
		buf = pkt[:0]
		if err := d.Push(pkt, func(o asf.Object) { samples = append(samples, asftrack.Sample(o)) }); err != nil {
			t.Fatalf("packet %d: %v", n, err)
		}
	}
	return asftrack.Track(s), samples
}

// decodeToWAV runs the samples through the registry's decoder and a
// WAVSink, the path of `eddyplay --out`, and returns the WAV data chunk.
func decodeToWAV(t testing.TB, tr transport.Track, samples []transport.Sample) (audio.Format, []byte) {
	t.Helper()
	reg := NewRegistry()
	RegisterBuiltin(reg)
	dec, err := reg.NewAudio(tr)
	if err != nil {
		t.Fatalf("NewAudio(%v): %v", tr.Codec, err)
	}
	defer dec.Close()
	var w bytes.Buffer
	sink := audio.NewWAVSink(&w)
	var pcm []byte
	opened := false
	for _, s := range samples {
		pcm, err = dec.Decode(pcm[:0], s)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if !opened {
			if err := sink.Open(dec.Format()); err != nil {
				t.Fatal(err)
			}
			opened = true
		}
		if _, err := sink.Write(pcm); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	f, data, err := audio.ParseWAV(w.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return f, data
}
