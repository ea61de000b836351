//go:build cgo

package lavc

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

const peers = "/tmp/peers/asf/"

// ffmpegPCM is FFmpeg's own decode of audio stream n of path as S16.
func ffmpegPCM(t *testing.T, path string, n int) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:a:"+strconv.Itoa(n), "-c:a", "pcm_s16le", "-f", "s16le", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	return out
}

// ffmpegFrameMD5 is the per-frame MD5 list of FFmpeg's decode of the video
// stream of path converted to RGBA.
func ffmpegFrameMD5(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-f", "framemd5", "-pix_fmt", "rgba", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	var sums []string
	for _, line := range strings.Split(string(out), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, ",")
		sums = append(sums, strings.TrimSpace(f[len(f)-1]))
	}
	return sums
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

func TestProbeDemuxWMA2(t *testing.T) {
	path := peers + "c_wmav2.wma"
	tr := scanTracks(t, path)[0]
	pcm, a := decodeAudio(t, tr, probePackets(t, path, 0))
	t.Logf("%v: %d bytes, format %v", tr.Codec, len(pcm), a.Format())
	comparePCM(t, pcm, ffmpegPCM(t, path, 0))
}

func TestProbeDemuxWMV2(t *testing.T) {
	path := peers + "d_wmv2_wmav2.wmv"
	trs := scanTracks(t, path)
	var vi int
	for i, tr := range trs {
		if tr.Type == transport.Video {
			vi = i
		}
	}
	frames := decodeVideo(t, trs[vi], probePackets(t, path, vi))
	got, want := frameSums(frames), ffmpegFrameMD5(t, path)
	if len(got) != len(want) {
		t.Fatalf("%d frames, ffmpeg %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("frame %d: md5 %s, ffmpeg %s", i, got[i], want[i])
		}
	}
	t.Logf("%d frames equal; first PTS %v, last %v", len(got), frames[0].PTS, frames[len(frames)-1].PTS)
}

var _ = errors.Is
