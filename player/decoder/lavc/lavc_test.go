//go:build cgo

package lavc

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os/exec"
	"strconv"
	"testing"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// ffmpegPCM is FFmpeg's own decode of an audio stream of path as S16.
// stream is an ffmpeg stream specifier: "a:0", or "i:2" for the ASF stream
// number 2.
func ffmpegPCM(t *testing.T, path, stream string) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:"+stream, "-c:a", "pcm_s16le", "-f", "s16le", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	return out
}

func decodeAudio(t *testing.T, tr transport.Track, samples []transport.Sample) ([]byte, *Audio) {
	t.Helper()
	a, err := NewAudio(tr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	var pcm []byte
	for i, s := range samples {
		pcm, err = a.Decode(pcm, s)
		if err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
	pcm, err = a.Flush(pcm)
	if err != nil {
		t.Fatalf("flush: %v", err)
	}
	return pcm, a
}

func decodeVideo(t *testing.T, tr transport.Track, samples []transport.Sample) []decoder.Frame {
	t.Helper()
	v, err := NewVideo(tr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var frames []decoder.Frame
	for i, s := range samples {
		frames, err = v.Decode(frames, s)
		if err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
	frames, err = v.Flush(frames)
	if err != nil {
		t.Fatalf("flush: %v", err)
	}
	return frames
}

func frameSums(frames []decoder.Frame) []string {
	s := make([]string, len(frames))
	for i, f := range frames {
		h := md5.Sum(f.Image.Pix)
		s[i] = hex.EncodeToString(h[:])
	}
	return s
}

func comparePCM(t *testing.T, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		n := min(len(got), len(want))
		first := n
		for i := 0; i < n; i++ {
			if got[i] != want[i] {
				first = i
				break
			}
		}
		t.Fatalf("PCM differs: got %d bytes, want %d, first difference at byte %d", len(got), len(want), first)
	}
}

// compareFile demuxes path with package asf, decodes every audio and
// video stream and compares with FFmpeg's decode of the same stream.
func compareFile(t *testing.T, path string) {
	t.Helper()
	for _, st := range demuxASF(t, path) {
		tr := st.track
		id := "i:" + strconv.Itoa(tr.ID)
		switch tr.Type {
		case transport.Audio:
			pcm, a := decodeAudio(t, tr, st.samples)
			comparePCM(t, pcm, ffmpegPCM(t, path, id))
			t.Logf("stream %d %v: %d objects, %d bytes of %v equal to ffmpeg", tr.ID, tr.Codec, len(st.samples), len(pcm), a.Format())
		case transport.Video:
			frames := decodeVideo(t, tr, st.samples)
			got, want := frameSums(frames), asftest.FrameMD5(t, path, id)
			if len(got) != len(want) {
				t.Fatalf("%v: %d frames, ffmpeg %d", tr.Codec, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%v: frame %d: md5 %s, ffmpeg %s", tr.Codec, i, got[i], want[i])
				}
			}
			checkFrameTimes(t, path, id, frames)
			t.Logf("stream %d %v: %d frames equal to ffmpeg framemd5, PTS %v..%v", tr.ID, tr.Codec, len(got), frames[0].PTS, frames[len(frames)-1].PTS)
		}
	}
}

// checkFrameTimes checks that frame times strictly increase and equal
// FFmpeg's best_effort_timestamp wherever FFmpeg has one.
func checkFrameTimes(t *testing.T, path, stream string, frames []decoder.Frame) {
	t.Helper()
	want, ok := probeFrameTimes(t, path, stream)
	if len(want) != len(frames) {
		t.Fatalf("%d frames, ffprobe %d", len(frames), len(want))
	}
	for i, f := range frames {
		if i > 0 && f.PTS <= frames[i-1].PTS {
			t.Errorf("frame %d PTS %v after %v", i, f.PTS, frames[i-1].PTS)
		}
		if ok[i] && f.PTS != want[i] {
			t.Errorf("frame %d PTS %v, ffmpeg %v", i, f.PTS, want[i])
		}
	}
}

// TestH264Shapes decodes an MP4-made H.264 stream with B-frames (avcC
// config, length-prefixed samples, reordered presentation times) as given,
// and with the config rewritten to Annex-B SPS/PPS as Smooth Streaming's
// CodecPrivateData has it.
func TestH264Shapes(t *testing.T) {
	path := fixture(t, "h264.mp4")
	avcc := probeExtradata(t, path, 0)
	annexb, _, err := h264Config(avcc)
	if err != nil {
		t.Fatal(err)
	}
	samples := probePackets(t, path, 0)
	want := asftest.FrameMD5(t, path, "v:0")
	for _, tc := range []struct {
		name   string
		fourcc string
		config []byte
	}{
		{"avcC", "AVC1", avcc},
		{"AnnexB-config", "H264", annexb},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := transport.Track{Type: transport.Video, Codec: transport.FourCC(tc.fourcc), Config: tc.config,
				Video: transport.VideoParams{Width: 176, Height: 144}}
			frames := decodeVideo(t, tr, samples)
			got := frameSums(frames)
			if len(got) != len(want) {
				t.Fatalf("%d frames, ffmpeg %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("frame %d: md5 %s, ffmpeg %s", i, got[i], want[i])
				}
			}
			checkFrameTimes(t, path, "v:0", frames)
		})
	}
}

func TestCompareWithFFmpeg(t *testing.T) {
	for _, name := range []string{
		"c_wmav2.wma", "d_wmv2_wmav2.wmv", "e_mbr_2audio.wma", "gst_asfmux_wmv2_wmav2.wmv", "b_mp3.asf",
		"wmav1.wma", "wmav2_mono.wma", "aac.asf", "mp2.asf", "ac3.asf", "adpcm_ms.asf", "adpcm_ima.asf",
		"gsm_ms.asf", "dts.asf", "mp3_22050_mono.asf", "mp3_48000_vbr.asf",
		"wmv1.wmv", "msmpeg4v3.asf", "msmpeg4v2.asf", "mpeg4.asf", "h264.asf", "mpeg4_172x128.asf",
	} {
		t.Run(name, func(t *testing.T) { compareFile(t, fixture(t, name)) })
	}
}
