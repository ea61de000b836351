package asftrack

import (
	"os"
	"testing"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
)

func header(t *testing.T, path string) *asf.Header {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := asf.ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestInfoFromFFmpegFile(t *testing.T) {
	in := Info(header(t, "../../testdata/asf/d_wmv2_wmav2.wmv"))
	if len(in.Tracks) != 2 || !in.Seekable || in.Broadcast || in.Preroll.Milliseconds() != 3100 {
		t.Fatalf("%+v", in)
	}
	v, a := in.Tracks[0], in.Tracks[1]
	if v.Type != transport.Video || v.Codec != transport.FourCC("WMV2") || v.Video.Width != 320 {
		t.Fatalf("video %+v", v)
	}
	// FFmpeg gives no video bit rate: estimated from the file's maximum.
	if v.Bitrate <= 0 || v.Bitrate+a.Bitrate != in.MaxBitrate {
		t.Fatalf("video bit rate %d, audio %d, max %d", v.Bitrate, a.Bitrate, in.MaxBitrate)
	}
	if a.Type != transport.Audio || a.Codec.Tag != transport.TagWMA2 || a.Audio.Channels != 2 || len(a.Config) == 0 {
		t.Fatalf("audio %+v", a)
	}
}

func TestMetadataFallsBackToAttributes(t *testing.T) {
	in := Info(header(t, "../../assets/demo.asf"))
	if in.Metadata.Title == "" || in.Metadata.Author == "" || in.Metadata.Copyright == "" || in.Metadata.Description == "" {
		t.Fatalf("%+v", in.Metadata)
	}
}

func TestEstimateBitrateOnlyOneUnknown(t *testing.T) {
	tr := []transport.Track{{Type: transport.Video}, {Type: transport.Video}, {Type: transport.Audio, Bitrate: 64000}}
	estimateBitrate(tr, 500000)
	if tr[0].Bitrate != 0 || tr[1].Bitrate != 0 {
		t.Fatalf("guessed with two unknowns: %+v", tr)
	}
}

func TestStreamNumbers(t *testing.T) {
	got := StreamNumbers([]int{0, 1, 127, 128, -3, 5})
	if len(got) != 3 || got[0] != 1 || got[1] != 127 || got[2] != 5 {
		t.Fatalf("%v", got)
	}
}
