//go:build cgo

package lavc

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

func streamOf(t *testing.T, name string, typ transport.MediaType) *asfStream {
	t.Helper()
	for _, st := range demuxASF(t, fixture(t, name)) {
		if st.track.Type == typ {
			return st
		}
	}
	t.Fatalf("%s has no %v stream", name, typ)
	return nil
}

type fakeAudio struct{ decoder.Audio }

func TestRegister(t *testing.T) {
	mp3 := transport.Track{Type: transport.Audio, Codec: transport.WaveFormat(transport.TagMP3)}
	wma := transport.Track{Type: transport.Audio, Codec: transport.WaveFormat(transport.TagWMA2)}
	wmv := transport.Track{Type: transport.Video, Codec: transport.FourCC("WMV2")}
	pureGo := func(transport.Track) (decoder.Audio, error) { return fakeAudio{}, nil }

	r := decoder.NewRegistry()
	r.RegisterAudio(mp3.Codec, "mp3 (go-mp3)", pureGo)
	RegisterMissing(r)
	for _, c := range []struct {
		tr   transport.Track
		want string
	}{{mp3, "mp3 (go-mp3)"}, {wma, "wmav2 (libavcodec)"}, {wmv, "wmv2 (libavcodec)"}} {
		if got := r.Name(c.tr); got != c.want {
			t.Errorf("RegisterMissing: %v decoder %q, want %q", c.tr.Codec, got, c.want)
		}
	}
	Register(r)
	if got := r.Name(mp3); got != "mp3 (libavcodec)" {
		t.Errorf("Register: MP3 decoder %q, want the libavcodec one", got)
	}
	// Every codec of the table has a decoder in the system's libavcodec.
	for _, c := range Codecs() {
		ci, _ := lookup(c)
		typ := transport.Audio
		if ci.video {
			typ = transport.Video
		}
		if !r.Supports(transport.Track{Type: typ, Codec: c}) {
			t.Errorf("%v not registered (%s has no %s decoder?)", c, Version(), ci.name)
		}
	}
	// The registry's factories make working decoders.
	st := streamOf(t, "c_wmav2.wma", transport.Audio)
	a, err := r.NewAudio(st.track)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var pcm []byte
	for _, s := range st.samples[:3] { // a WMA decoder's first block gives no PCM
		if pcm, err = a.Decode(pcm, s); err != nil {
			t.Fatal(err)
		}
	}
	if len(pcm) == 0 {
		t.Fatal("no PCM from 3 objects")
	}
	if !strings.HasPrefix(Version(), "libavcodec ") {
		t.Errorf("Version() = %q", Version())
	}
}

func TestUnsupported(t *testing.T) {
	_, err := NewAudio(transport.Track{Type: transport.Audio, Codec: transport.WaveFormat(0x4242)}, Options{})
	var ue *decoder.UnsupportedError
	if !errors.As(err, &ue) || ue.Codec != transport.WaveFormat(0x4242) || !errors.Is(err, decoder.ErrUnsupportedCodec) {
		t.Errorf("unknown audio codec: %v", err)
	}
	_, err = NewVideo(transport.Track{Type: transport.Video, Codec: transport.WaveFormat(transport.TagWMA2)}, Options{})
	if !errors.As(err, &ue) {
		t.Errorf("audio codec as video: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	wma := streamOf(t, "c_wmav2.wma", transport.Audio).track
	wmv := streamOf(t, "d_wmv2_wmav2.wmv", transport.Video).track
	cases := []struct {
		name string
		open func() error
	}{
		{"wma without channels", func() error {
			tr := wma
			tr.Audio.Channels = 0
			_, err := NewAudio(tr, Options{})
			return err
		}},
		{"wma rate out of range", func() error {
			tr := wma
			tr.Audio.SampleRate = MaxSampleRate + 1
			_, err := NewAudio(tr, Options{})
			return err
		}},
		{"wma config too large", func() error {
			tr := wma
			tr.Config = make([]byte, MaxConfigSize+1)
			_, err := NewAudio(tr, Options{})
			return err
		}},
		{"wmv too large", func() error {
			tr := wmv
			tr.Video.Width, tr.Video.Height = 8192, 8192
			_, err := NewVideo(tr, Options{})
			return err
		}},
		{"h264 bad avcC", func() error {
			_, err := NewVideo(transport.Track{Type: transport.Video, Codec: transport.FourCC("AVC1"), Config: []byte{1, 2, 3}}, Options{})
			return err
		}},
	}
	for _, c := range cases {
		if err := c.open(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: %v, want ErrOpen", c.name, err)
		}
	}
}

func TestCorruptSamples(t *testing.T) {
	st := streamOf(t, "c_wmav2.wma", transport.Audio)
	a, err := NewAudio(st.track, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if f := a.Format(); f != (audio.Format{}) {
		t.Errorf("Format before decoding = %v, want zero", f)
	}
	bad := st.samples[3]
	bad.Data = bad.Data[:5]
	_, err = a.Decode(nil, bad)
	if !errors.Is(err, decoder.ErrCorrupt) {
		t.Fatalf("truncated WMA object: %v, want ErrCorrupt", err)
	}
	t.Logf("truncated object: %v", err)
	// The decoder goes on after a corrupt sample.
	var pcm []byte
	for _, s := range st.samples[4:7] {
		if pcm, err = a.Decode(pcm, s); err != nil {
			t.Fatal(err)
		}
	}
	if len(pcm) == 0 {
		t.Fatal("no PCM after a corrupt sample")
	}
	want := audio.Format{SampleRate: 44100, Channels: 2, Sample: audio.S16}
	if f := a.Format(); f != want {
		t.Errorf("Format = %v, want %v", f, want)
	}
	if _, err := a.Decode(nil, transport.Sample{Data: make([]byte, MaxSampleSize+1)}); !errors.Is(err, decoder.ErrCorrupt) {
		t.Errorf("oversize sample: %v", err)
	}
	a.Close()
	if _, err := a.Decode(nil, st.samples[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestResetAndDiscontinuity decodes a stream twice through one decoder:
// after Reset (or a Discontinuity sample) the second pass must equal the
// first, as a fresh decoder would give.
func TestResetAndDiscontinuity(t *testing.T) {
	for _, how := range []string{"Reset", "Discontinuity", "Flush"} {
		t.Run(how, func(t *testing.T) {
			st := streamOf(t, "c_wmav2.wma", transport.Audio)
			a, err := NewAudio(st.track, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			vs := streamOf(t, "d_wmv2_wmav2.wmv", transport.Video)
			v, err := NewVideo(vs.track, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			var pass [2][]byte
			var frames [2][]decoder.Frame
			for p := 0; p < 2; p++ {
				for i, s := range st.samples[:20] {
					if p == 1 && i == 0 && how == "Discontinuity" {
						s.Discontinuity = true
					}
					if pass[p], err = a.Decode(pass[p], s); err != nil {
						t.Fatal(err)
					}
				}
				for i, s := range vs.samples[:30] {
					if p == 1 && i == 0 && how == "Discontinuity" {
						s.Discontinuity = true
					}
					if frames[p], err = v.Decode(frames[p], s); err != nil {
						t.Fatal(err)
					}
				}
				switch how {
				case "Reset":
					a.Reset()
					v.Reset()
				case "Flush":
					if pass[p], err = a.Flush(pass[p]); err != nil {
						t.Fatal(err)
					}
					if frames[p], err = v.Flush(frames[p]); err != nil {
						t.Fatal(err)
					}
				}
			}
			if len(pass[0]) == 0 || !bytes.Equal(pass[0], pass[1]) {
				t.Errorf("audio: second pass %d bytes differs from first (%d bytes)", len(pass[1]), len(pass[0]))
			}
			s0, s1 := frameSums(frames[0]), frameSums(frames[1])
			if len(s0) == 0 || strings.Join(s0, ",") != strings.Join(s1, ",") {
				t.Errorf("video: second pass %d frames differs from first (%d frames)", len(s1), len(s0))
			}
			for i := range frames[0] {
				if i < len(frames[1]) && frames[0][i].PTS != frames[1][i].PTS {
					t.Errorf("frame %d: PTS %v on the second pass, %v on the first", i, frames[1][i].PTS, frames[0][i].PTS)
					break
				}
			}
		})
	}
}

// TestFloatOutput checks Options.Float against ffmpeg's F32 decode.
func TestFloatOutput(t *testing.T) {
	path := fixture(t, "c_wmav2.wma")
	st := streamOf(t, "c_wmav2.wma", transport.Audio)
	a, err := NewAudio(st.track, Options{Float: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var pcm []byte
	for _, s := range st.samples {
		if pcm, err = a.Decode(pcm, s); err != nil {
			t.Fatal(err)
		}
	}
	if pcm, err = a.Flush(pcm); err != nil {
		t.Fatal(err)
	}
	if f := a.Format(); f.Sample != audio.F32 {
		t.Errorf("Format %v, want f32", f)
	}
	want, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-c:a", "pcm_f32le", "-f", "f32le", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	comparePCM(t, pcm, want)
}

// TestKeyFrames checks Frame.Key against the GOP of the fixture (-g 25).
func TestKeyFrames(t *testing.T) {
	st := streamOf(t, "d_wmv2_wmav2.wmv", transport.Video)
	frames := decodeVideo(t, st.track, st.samples)
	for i, f := range frames {
		if want := i%25 == 0; f.Key != want {
			t.Errorf("frame %d: Key %v, want %v", i, f.Key, want)
		}
		if b := f.Image.Bounds(); b.Dx() != 320 || b.Dy() != 240 {
			t.Fatalf("frame %d: %v, want 320x240", i, b)
		}
	}
}

// TestRelease checks that released pictures are reused and that reuse
// does not change the output (still equal to ffmpeg's framemd5).
func TestRelease(t *testing.T) {
	path := fixture(t, "d_wmv2_wmav2.wmv")
	st := streamOf(t, "d_wmv2_wmav2.wmv", transport.Video)
	v, err := NewVideo(st.track, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var sums []string
	seen := map[*byte]bool{}
	reused := 0
	for _, s := range st.samples {
		frames, err := v.Decode(nil, s)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, frameSums(frames)...)
		for _, f := range frames {
			if seen[&f.Image.Pix[0]] {
				reused++
			}
			seen[&f.Image.Pix[0]] = true
			v.Release(f.Image)
		}
	}
	want := asftest.FrameMD5(t, path, "i:"+strconv.Itoa(st.track.ID))
	if strings.Join(sums, ",") != strings.Join(want, ",") {
		t.Errorf("frames decoded into released pictures differ from ffmpeg's")
	}
	if reused < len(sums)-2 {
		t.Errorf("%d of %d pictures reused", reused, len(sums))
	}
}

// TestFormatChangeResampled feeds one MP3 decoder a 44.1 kHz stream and
// then, without a break, a 22.05 kHz one. Format stays at the first
// frame's 44.1 kHz: the first part is sample-exact with ffmpeg, the second
// is resampled and must match ffmpeg's own resampling of that stream (-ar
// 44100, swresample defaults) with an SNR of at least 90 dB past the
// splice.
func TestFormatChangeResampled(t *testing.T) {
	a44, b22 := fixture(t, "a44100.mp3"), fixture(t, "b22050.mp3")
	tr := transport.Track{Type: transport.Audio, Codec: transport.WaveFormat(transport.TagMP3),
		Audio: transport.AudioParams{SampleRate: 44100, Channels: 2}}
	a, err := NewAudio(tr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var pcm []byte
	for _, path := range []string{a44, b22} { // no Flush between them: the rate changes mid-stream
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range splitSamples(raw, 1000) {
			if pcm, err = a.Decode(pcm, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	if pcm, err = a.Flush(pcm); err != nil {
		t.Fatal(err)
	}
	if f := a.Format(); f != (audio.Format{SampleRate: 44100, Channels: 2, Sample: audio.S16}) {
		t.Fatalf("Format %v after the change, want the first stream's", f)
	}
	first := ffmpegPCM(t, a44, "a:0")
	split := len(first)
	comparePCM(t, pcm[:split], first)
	want, err := exec.Command("ffmpeg", "-v", "error", "-i", b22, "-ar", "44100", "-c:a", "pcm_s16le", "-f", "s16le", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := pcm[split:]
	if d := len(got) - len(want); d < -4*2304 || d > 4*2304 {
		t.Fatalf("resampled part %d bytes, ffmpeg %d", len(got), len(want))
	}
	// At the splice the decoder loses up to a frame (the new stream's first
	// frame follows the old one's bit reservoir) and the resampler starts
	// from the old stream's state, so align the two and skip the first
	// spliceFrames output frames (52 ms) before measuring.
	const spliceFrames = 2304
	off, best := 0, math.Inf(-1)
	for o := -spliceFrames; o <= spliceFrames; o++ {
		g, w := got[4*spliceFrames:], want[4*(spliceFrames+o):]
		if snr := snrDB(g[:min(len(g), 4*4096)], w[:min(len(w), 4*4096)]); snr > best {
			off, best = o, snr
		}
	}
	snr := snrDB(got[4*spliceFrames:], want[4*(spliceFrames+off):])
	t.Logf("resampled part: %d bytes (ffmpeg %d), aligned %d frames later, SNR %.1f dB after the first %d frames",
		len(got), len(want), off, snr, spliceFrames)
	if snr < 90 {
		t.Errorf("SNR %.1f dB, want >= 90", snr)
	}
}

// snrDB is the signal-to-noise ratio of got against want (S16 LE) over
// their common length.
func snrDB(got, want []byte) float64 {
	n := min(len(got), len(want)) / 2
	var sig, noise float64
	for i := 0; i < n; i++ {
		w := float64(int16(uint16(want[2*i]) | uint16(want[2*i+1])<<8))
		g := float64(int16(uint16(got[2*i]) | uint16(got[2*i+1])<<8))
		sig += w * w
		noise += (g - w) * (g - w)
	}
	if noise == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(sig/noise)
}

// TestSkipPictures decodes without pictures: the same frames (times, key
// flags) come out, with no Image.
func TestSkipPictures(t *testing.T) {
	st := streamOf(t, "d_wmv2_wmav2.wmv", transport.Video)
	decode := func(skip bool) []decoder.Frame {
		v, err := NewVideo(st.track, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		v.SkipPictures(skip)
		var out []decoder.Frame
		for _, s := range st.samples {
			if out, err = v.Decode(out, s); err != nil {
				t.Fatal(err)
			}
		}
		out, _ = v.Flush(out)
		return out
	}
	with, without := decode(false), decode(true)
	if len(with) != len(without) || len(with) == 0 {
		t.Fatalf("%d frames with pictures, %d without", len(with), len(without))
	}
	for i := range with {
		if without[i].Image != nil || without[i].PTS != with[i].PTS || without[i].Key != with[i].Key {
			t.Fatalf("frame %d: %+v vs %v %v", i, without[i], with[i].PTS, with[i].Key)
		}
	}
	var _ decoder.PictureSkipper = (*Video)(nil)
}
