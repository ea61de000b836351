//go:build cgo

package lavc

import (
	"maps"
	"os"
	"testing"

	"github.com/eddyplayer/eddy/asf/asftest"
)

// Test inputs are made at test time: the peers' make_fixtures.sh files
// (FFmpeg's asf muxer and GStreamer's asfmux, from asftest) plus encodes
// of the other codecs FFmpeg can write into ASF. FFmpeg output is
// byte-stable, so the comparisons are deterministic.

const sine = asftest.Sine

// extraFixtures are the files beyond make_fixtures.sh's.
var extraFixtures = map[string]asftest.Recipe{
	"wmav1.wma":      asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=3", "-ac", "2", "-c:a", "wmav1", "-b:a", "64k"),
	"wmav2_mono.wma": asftest.FFmpeg("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=22050:duration=3", "-ac", "1", "-c:a", "wmav2", "-b:a", "32k"),
	"aac.asf":        asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=3", "-ac", "2", "-c:a", "aac", "-b:a", "96k"),
	// MP3 beyond make_fixtures.sh's 44.1 kHz CBR stereo: MPEG-2 mono and
	// VBR, in small packets so that objects span packets.
	"mp3_22050_mono.asf": asftest.FFmpeg("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=22050:duration=3", "-ac", "1", "-c:a", "libmp3lame",
		"-b:a", "32k", "-packet_size", "500"),
	"mp3_48000_vbr.asf": asftest.FFmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3", "-ac", "2", "-c:a", "libmp3lame",
		"-q:a", "2", "-packet_size", "800"),
	"mp2.asf":       asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=3", "-ac", "2", "-c:a", "mp2", "-b:a", "128k"),
	"ac3.asf":       asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=3", "-ac", "2", "-c:a", "ac3", "-b:a", "128k"),
	"adpcm_ms.asf":  asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=3", "-ac", "2", "-c:a", "adpcm_ms"),
	"adpcm_ima.asf": asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=3", "-ac", "2", "-c:a", "adpcm_ima_wav"),
	// GSM 6.10, Microsoft's packing (WAVE_FORMAT_GSM610, 0x0031): libgsm's
	// encoder, in Debian's FFmpeg build.
	"gsm_ms.asf": asftest.FFmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=3", "-ac", "1", "-c:a", "libgsm_ms"),
	// DTS (0x2001): FFmpeg's own encoder, still marked experimental.
	"dts.asf":       asftest.FFmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3", "-ac", "2", "-c:a", "dca", "-strict", "-2", "-b:a", "768k"),
	"wmv1.wmv":      asftest.FFmpeg("-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "wmv1", "-b:v", "300k", "-g", "25"),
	"msmpeg4v3.asf": asftest.FFmpeg("-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "msmpeg4", "-b:v", "300k", "-g", "25"),
	"msmpeg4v2.asf": asftest.FFmpeg("-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "msmpeg4v2", "-b:v", "300k", "-g", "25"),
	"mpeg4.asf": asftest.FFmpeg("-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "mpeg4", "-vtag", "M4S2", "-b:v", "300k",
		"-g", "25", "-bf", "2"),
	"h264.asf": asftest.FFmpeg("-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "libx264", "-preset", "veryfast",
		"-pix_fmt", "yuv420p", "-bf", "2", "-x264-params", "b-adapt=0", "-g", "25", "-vtag", "H264"),
	// A width that is no multiple of 8: the scaler cannot write into
	// the picture itself (eddy_video_convert) and converts into its own
	// frame, copied row by row.
	"mpeg4_172x128.asf": asftest.FFmpeg("-f", "lavfi", "-i", "testsrc=size=172x128:rate=25:duration=1", "-c:v", "mpeg4", "-vtag", "M4S2", "-b:v", "300k"),
	// Raw MP3 streams at two rates, for a mid-stream format change.
	"a44100.mp3": asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=2", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0", "-id3v2_version", "0"),
	"b22050.mp3": asftest.FFmpeg("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=22050:duration=2", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "64k",
		"-write_xing", "0", "-id3v2_version", "0"),
	"h264.mp4": asftest.FFmpeg("-f", "lavfi", "-i", "testsrc=size=176x144:rate=25:duration=2", "-c:v", "libx264", "-preset", "veryfast",
		"-pix_fmt", "yuv420p", "-bf", "2", "-x264-params", "b-adapt=0", "-g", "25"),
}

var fixtureFiles *asftest.Files

func TestMain(m *testing.M) {
	recipes := maps.Clone(extraFixtures)
	maps.Copy(recipes, mpaFixtures)
	f, err := asftest.NewFiles("lavc-fixtures-", recipes)
	if err != nil {
		panic(err)
	}
	fixtureFiles = f
	os.Exit(f.Run(m, nil))
}

// fixture makes (once per test binary) the named input and returns its path.
func fixture(t testing.TB, name string) string {
	t.Helper()
	return fixtureFiles.Path(t, name)
}
