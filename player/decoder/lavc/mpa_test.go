//go:build cgo

package lavc

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// mpaFixtures are raw MPEG audio streams (no Xing/LAME frame, no ID3 tag:
// FFmpeg decodes every frame and trims nothing) for the mid-stream tests.
// On a steady tone LAME keeps its bit reservoir near full, so every frame
// refers back into the two frames before it, as in the stream VLC served
// in issue 7.
var mpaFixtures = map[string]asftest.Recipe{
	"tone_44100_2ch_128k.mp3": rawMPA("sine=frequency=440:sample_rate=44100:duration=4", 2, "libmp3lame", "mp3", "-b:a", "128k"),
	"tone_48000_1ch_vbr.mp3":  rawMPA("sine=frequency=1000:sample_rate=48000:duration=4", 1, "libmp3lame", "mp3", "-q:a", "2"),
	"tone_22050_2ch_64k.mp3":  rawMPA("sine=frequency=440:sample_rate=22050:duration=4", 2, "libmp3lame", "mp3", "-b:a", "64k"),
	"tone_44100_2ch.mp2":      rawMPA("sine=frequency=440:sample_rate=44100:duration=4", 2, "mp2", "mp2", "-b:a", "192k"),
	"tone_48000_2ch.mp2":      rawMPA("sine=frequency=440:sample_rate=48000:duration=2", 2, "mp2", "mp2", "-b:a", "192k"),
}

func rawMPA(src string, ch int, codec, format string, enc ...string) asftest.Recipe {
	args := []string{"-f", "lavfi", "-i", src, "-ac", strconv.Itoa(ch), "-c:a", codec}
	args = append(args, enc...)
	if format == "mp3" {
		args = append(args, "-write_xing", "0", "-id3v2_version", "0")
	}
	return asftest.FFmpeg(append(args, "-f", format)...)
}

// mpaFrame is one frame of a raw stream, split by the test's own reading
// of the headers (ISO/IEC 11172-3 § 2.4.2.3, 13818-3 § 2.4.2.3), with,
// for layer III, its main_data_begin and main-data size (§ 2.4.1.7).
type mpaFrame struct {
	data      []byte
	layer     int
	samples   int
	mdb, main int
}

func splitMPA(t *testing.T, b []byte) []mpaFrame {
	t.Helper()
	kbps := map[[2]int][]int{ // {lsf, layer}
		{0, 1}: {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
		{0, 2}: {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
		{0, 3}: {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
		{1, 1}: {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
		{1, 2}: {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		{1, 3}: {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
	}
	var out []mpaFrame
	for p := 0; p < len(b); {
		h := b[p:]
		if len(h) < 4 || h[0] != 0xFF || h[1]&0xE0 != 0xE0 || (h[1]>>3)&3 == 0 {
			t.Fatalf("no MPEG-1/2 frame header at %d", p)
		}
		lsf := 0
		if (h[1]>>3)&3 == 2 {
			lsf = 1
		}
		layer := 4 - int(h[1]>>1&3)
		rate := []int{44100, 48000, 32000}[h[2]>>2&3] >> lsf
		br := kbps[[2]int{lsf, layer}][h[2]>>4] * 1000
		pad := int(h[2] >> 1 & 1)
		mono := h[3]>>6 == 3
		f := mpaFrame{layer: layer}
		var n int
		switch {
		case layer == 1:
			n, f.samples = (12*br/rate+pad)*4, 384
		case layer == 2 || lsf == 0:
			n, f.samples = 144*br/rate+pad, 1152
		default:
			n, f.samples = 72*br/rate+pad, 576
		}
		if p+n > len(b) {
			t.Fatalf("frame at %d runs past the end", p)
		}
		f.data = b[p : p+n]
		if layer == 3 {
			si := 4
			if h[1]&1 == 0 {
				si += 2 // CRC
			}
			size := map[[2]bool]int{{false, false}: 32, {false, true}: 17, {true, false}: 17, {true, true}: 9}[[2]bool{lsf == 1, mono}]
			f.main = n - si - size
			if lsf == 0 {
				f.mdb = int(h[si])<<1 | int(h[si+1]>>7)
			} else {
				f.mdb = int(h[si])
			}
		}
		out = append(out, f)
		p += n
	}
	return out
}

// TestMPEGAudioMidStreamStart starts the libavcodec decoder in the middle
// of MPEG audio streams, as a client joining a broadcast does (issue 7):
// at a frame boundary and inside a frame, one frame per object (as VLC's
// MMSH server sends MP3) and in random pieces. Every complete frame gives
// its frame of PCM, so the timing holds; the frames whose bit reservoir
// was never received are reported with ErrMissingData and the cut frame
// before the first header with ErrCorrupt. From the third granule after
// the last of those on, the PCM is FFmpeg's decode of the whole stream,
// sample for sample (MP2: within FFmpeg's dither, see below), and a join
// at a frame boundary gives exactly what FFmpeg decodes from the bytes
// received.
func TestMPEGAudioMidStreamStart(t *testing.T) {
	for _, c := range []struct {
		name string
		tag  uint16
		rate int
		ch   int
	}{
		{"tone_44100_2ch_128k.mp3", transport.TagMP3, 44100, 2},
		{"tone_48000_1ch_vbr.mp3", transport.TagMP3, 48000, 1},
		{"tone_22050_2ch_64k.mp3", transport.TagMP3, 22050, 2},
		{"tone_44100_2ch.mp2", transport.TagMPEG, 44100, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := fixture(t, c.name)
			frames := splitMPA(t, fixtureFiles.Bytes(t, c.name))
			ref := ffmpegPCM(t, path, "a:0")
			fb := frames[0].samples * 2 * c.ch
			if len(ref) != len(frames)*fb {
				t.Fatalf("FFmpeg decodes %d bytes from %d frames", len(ref), len(frames))
			}
			tr := transport.Track{Type: transport.Audio, Codec: transport.WaveFormat(c.tag),
				Audio: transport.AudioParams{SampleRate: c.rate, Channels: c.ch}}
			k := len(frames) / 3
			n := len(frames[k].data)
			for _, off := range []int{0, 1, 5, n / 3, n - 2} {
				for _, pieces := range []string{"frames", "random"} {
					first := k
					if off > 0 {
						first = k + 1
					}
					misses := 0
					for got, i := 0, first; i < len(frames); i++ {
						if frames[i].mdb > got {
							misses++
						}
						got += frames[i].main
					}
					objs := [][]byte{frames[k].data[off:]}
					for _, f := range frames[k+1:] {
						objs = append(objs, f.data)
					}
					if pieces == "random" {
						var rest []byte
						for _, o := range objs {
							rest = append(rest, o...)
						}
						rng := rand.New(rand.NewPCG(uint64(off), 5))
						objs = nil
						for len(rest) > 0 {
							m := min(len(rest), 1+rng.IntN(900))
							objs, rest = append(objs, rest[:m]), rest[m:]
						}
					}
					a, err := NewAudio(tr, Options{})
					if err != nil {
						t.Fatal(err)
					}
					var pcm []byte
					missing, corrupt := 0, 0
					for i, o := range objs {
						pcm, err = a.Decode(pcm, transport.Sample{Data: o})
						switch {
						case err == nil:
						case errors.Is(err, decoder.ErrMissingData):
							missing++
						case errors.Is(err, decoder.ErrCorrupt):
							corrupt++
						default:
							t.Fatalf("off %d %s: object %d: %v", off, pieces, i, err)
						}
					}
					if pcm, err = a.Flush(pcm); err != nil {
						t.Fatal(err)
					}
					a.Close()
					if want := (len(frames) - first) * fb; len(pcm) != want {
						t.Fatalf("off %d %s: %d frames of PCM for %d frames", off, pieces, len(pcm)/fb, len(frames)-first)
					}
					if (misses > 0) != (missing > 0) || missing > misses {
						t.Errorf("off %d %s: %d frames lack their reservoir, %d objects reported it", off, pieces, misses, missing)
					}
					if off > 0 && corrupt+missing == 0 {
						t.Errorf("off %d %s: the cut frame was not reported", off, pieces)
					}
					want := ref[first*fb:]
					switch frames[0].layer {
					case 3:
						// The IMDCT overlap-add and the synthesis
						// filterbank carry one granule into the next.
						exact := misses + 2*576/frames[0].samples
						if !bytes.Equal(pcm[exact*fb:], want[exact*fb:]) {
							at := exact * fb
							for at < len(pcm) && pcm[at] == want[at] {
								at++
							}
							t.Fatalf("off %d %s: PCM differs from FFmpeg's at frame %d (exact from frame %d expected, %d frames lack their reservoir)",
								off, pieces, at/fb, exact, misses)
						}
					default:
						// FFmpeg's layer I/II decoder is fixed-point and
						// dithers its rounding with a running state, which
						// a decode started elsewhere does not share: from
						// the second frame on the samples are within one
						// step of those of the whole stream's decode.
						for i := fb; i < len(pcm); i += 2 {
							g := int(int16(uint16(pcm[i]) | uint16(pcm[i+1])<<8))
							w := int(int16(uint16(want[i]) | uint16(want[i+1])<<8))
							if g-w > 1 || w-g > 1 {
								t.Fatalf("off %d %s: sample %d is %d, FFmpeg %d", off, pieces, i/2, g, w)
							}
						}
					}
					if off == 0 {
						// FFmpeg's decode of the very bytes received,
						// silent frames and all.
						cut := filepath.Join(t.TempDir(), "cut")
						var b []byte
						for _, o := range objs {
							b = append(b, o...)
						}
						if err := os.WriteFile(cut, b, 0o644); err != nil {
							t.Fatal(err)
						}
						// (FFmpeg's "mp3" demuxer reads every layer.)
						out, err := exec.Command("ffmpeg", "-v", "error", "-f", "mp3", "-i", cut, "-f", "s16le", "-").Output()
						if err != nil {
							t.Fatal(err)
						}
						comparePCM(t, pcm, out)
					}
					if off == 0 && pieces == "frames" {
						t.Logf("joined at frame %d of %d: %d frames lack their reservoir", k, len(frames), misses)
					}
				}
			}
		})
	}
}

// TestMPEGAudioLayerFromFrames: the decoder is chosen by the layer in the
// frame headers, not by the tag, as FFmpeg's parser chooses it: an MP3
// stream in a WAVE_FORMAT_MPEG (0x0050) track decodes with the float MP3
// decoder FFmpeg uses for it (a fixed-point one gives other samples),
// and an MP2 stream in a 0x0055 track with the MP2 decoder.
func TestMPEGAudioLayerFromFrames(t *testing.T) {
	for _, c := range []struct {
		file string
		tag  uint16
	}{
		{"b_mp3.asf", transport.TagMPEG},
		{"mp2.asf", transport.TagMP3},
	} {
		t.Run(c.file, func(t *testing.T) {
			path := fixture(t, c.file)
			st := streamOf(t, c.file, transport.Audio)
			tr := st.track
			tr.Codec = transport.WaveFormat(c.tag)
			tr.Config = nil
			pcm, _ := decodeAudio(t, tr, st.samples)
			comparePCM(t, pcm, ffmpegPCM(t, path, "a:0"))
		})
	}
}

// TestMPEGAudioLayerSplice: an MP3 stream that goes on as MP2 at another
// rate keeps its decoder (libavcodec's MPEG audio decoders decode every
// layer; a new one would lock an output format of its own) and its
// output format: the MP2 part comes out resampled to the first part's
// rate.
func TestMPEGAudioLayerSplice(t *testing.T) {
	mp3, mp2 := fixtureFiles.Bytes(t, "a44100.mp3"), fixtureFiles.Bytes(t, "tone_48000_2ch.mp2")
	f3, f2 := splitMPA(t, mp3), splitMPA(t, mp2)
	a, err := NewAudio(transport.Track{Type: transport.Audio, Codec: transport.WaveFormat(transport.TagMP3),
		Audio: transport.AudioParams{SampleRate: 44100, Channels: 2}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	pcm, err := a.Decode(nil, transport.Sample{Data: mp3})
	if err != nil {
		t.Fatal(err)
	}
	split := len(pcm)
	for _, s := range splitSamples(mp2, 1000) {
		if pcm, err = a.Decode(pcm, s); err != nil {
			t.Fatal(err)
		}
	}
	if a.layer != 3 {
		t.Fatalf("the decoder was replaced by the layer %d one at the splice", a.layer)
	}
	if pcm, err = a.Flush(pcm); err != nil {
		t.Fatal(err)
	}
	if f := a.Format(); f.SampleRate != 44100 || f.Channels != 2 {
		t.Fatalf("format %v after the splice", f)
	}
	// Every MP3 frame and, resampled, every MP2 frame: within a frame.
	if split < (len(f3)-1)*1152*4 {
		t.Fatalf("%d bytes from %d MP3 frames", split, len(f3))
	}
	want := len(f2) * 1152 * 44100 / 48000 * 4
	if got := len(pcm) - split; got < want-1152*4 || got > want+1152*4 {
		t.Fatalf("%d bytes from %d MP2 frames at 48 kHz, want about %d at 44.1 kHz", got, len(f2), want)
	}
}
