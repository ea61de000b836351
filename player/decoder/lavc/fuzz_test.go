//go:build cgo

package lavc

import (
	"errors"
	"testing"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// The decoder fuzz targets feed arbitrary stream parameters, codec private
// data and samples to every codec of the table. Decoding must end in PCM or
// frames or in an error (ErrOpen, ErrCorrupt), never a crash, a hang or
// output beyond the limits. Seeds are the fixtures' tracks and first
// objects. Each input opens a decoder (about a millisecond), so run them
// with a short minimization time, e.g.
//
//	go test ./player/decoder/lavc -run XXX -fuzz FuzzAudio -fuzztime 60s -fuzzminimizetime 3s

var fuzzAudioFixtures = []string{"c_wmav2.wma", "wmav1.wma", "b_mp3.asf", "aac.asf", "mp2.asf", "ac3.asf", "adpcm_ms.asf", "adpcm_ima.asf", "gsm_ms.asf", "dts.asf"}
var fuzzVideoFixtures = []string{"d_wmv2_wmav2.wmv", "wmv1.wmv", "msmpeg4v3.asf", "msmpeg4v2.asf", "mpeg4.asf", "h264.asf"}

func codecIndex(c transport.Codec) uint8 {
	for i, ci := range codecs {
		if ci.codec == c {
			return uint8(i)
		}
	}
	return 0
}

func concatSamples(ss []transport.Sample) []byte {
	var b []byte
	for _, s := range ss {
		b = append(b, s.Data...)
	}
	return b
}

// splitSamples cuts data into samples of n bytes (n 0: one sample).
func splitSamples(data []byte, n int) []transport.Sample {
	if n <= 0 {
		n = len(data)
	}
	var ss []transport.Sample
	for i := 0; i < 64 && len(data) > 0; i++ {
		k := min(n, len(data))
		ss = append(ss, transport.Sample{PTS: 0, Data: data[:k]})
		data = data[k:]
	}
	return ss
}

func checkDecodeErr(t *testing.T, err error) {
	if err != nil && !errors.Is(err, decoder.ErrCorrupt) {
		t.Fatalf("decode error not ErrCorrupt: %v", err)
	}
}

func FuzzAudio(f *testing.F) {
	for _, name := range fuzzAudioFixtures {
		for _, st := range demuxASF(f, fixture(f, name)) {
			if st.track.Type != transport.Audio {
				continue
			}
			a := st.track.Audio
			n := len(st.samples[0].Data)
			f.Add(codecIndex(st.track.Codec), uint32(a.SampleRate), uint8(a.Channels), uint16(a.BlockAlign), uint16(a.BitsPerSample),
				st.track.Config, uint16(n), concatSamples(st.samples[:min(4, len(st.samples))]))
		}
	}
	f.Fuzz(func(t *testing.T, codec uint8, rate uint32, channels uint8, blockAlign, bits uint16, cfg []byte, sampleLen uint16, data []byte) {
		ci := codecs[int(codec)%len(codecs)]
		if ci.video {
			return
		}
		tr := transport.Track{Type: transport.Audio, Codec: ci.codec, Config: cfg, Audio: transport.AudioParams{
			SampleRate: int(rate % (MaxSampleRate + 1)), Channels: int(channels), BlockAlign: int(blockAlign),
			BitsPerSample: int(bits % 65), AvgBytesPerSec: 16000}}
		a, err := NewAudio(tr, Options{})
		if err != nil {
			return
		}
		defer a.Close()
		var pcm []byte
		for _, s := range splitSamples(data, int(sampleLen)) {
			pcm, err = a.Decode(pcm[:0], s)
			checkDecodeErr(t, err)
			if fs := a.Format().FrameSize(); len(pcm) > 0 && (fs == 0 || len(pcm)%fs != 0) {
				t.Fatalf("%d bytes of PCM in format %v", len(pcm), a.Format())
			}
		}
		_, err = a.Flush(nil)
		checkDecodeErr(t, err)
	})
}

func FuzzVideo(f *testing.F) {
	for _, name := range fuzzVideoFixtures {
		for _, st := range demuxASF(f, fixture(f, name)) {
			if st.track.Type != transport.Video {
				continue
			}
			v := st.track.Video
			n := len(st.samples[0].Data)
			f.Add(codecIndex(st.track.Codec), uint16(v.Width), uint16(v.Height), st.track.Config, uint16(n),
				concatSamples(st.samples[:min(3, len(st.samples))]))
		}
	}
	f.Fuzz(func(t *testing.T, codec uint8, w, h uint16, cfg []byte, sampleLen uint16, data []byte) {
		ci := codecs[int(codec)%len(codecs)]
		if !ci.video {
			return
		}
		tr := transport.Track{Type: transport.Video, Codec: ci.codec, Config: cfg,
			Video: transport.VideoParams{Width: int(w % 1024), Height: int(h % 1024)}}
		v, err := NewVideo(tr, Options{})
		if err != nil {
			return
		}
		defer v.Close()
		for _, s := range splitSamples(data, int(sampleLen)) {
			frames, err := v.Decode(nil, s)
			checkDecodeErr(t, err)
			for _, fr := range frames {
				if b := fr.Image.Bounds(); b.Dx()*b.Dy() > MaxPixels || len(fr.Image.Pix) != 4*b.Dx()*b.Dy() {
					t.Fatalf("frame %v with %d bytes", b, len(fr.Image.Pix))
				}
			}
		}
		_, err = v.Flush(nil)
		checkDecodeErr(t, err)
	})
}
