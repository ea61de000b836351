package audio

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// runFFmpeg runs the ffmpeg CLI (a required test tool, installed by the
// test command) and fails the test on error.
func runFFmpeg(t testing.TB, args ...string) {
	t.Helper()
	cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-v", "error", "-y"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
}

// ffmpegConvert feeds raw PCM of format in to ffmpeg and returns its raw
// output in codec/format out ("s16le" or "f32le").
func ffmpegConvert(t testing.TB, in Format, pcm []byte, out string) []byte {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "in.raw")
	dst := filepath.Join(dir, "out.raw")
	if err := os.WriteFile(src, pcm, 0o644); err != nil {
		t.Fatal(err)
	}
	runFFmpeg(t, "-f", rawName(in.Sample), "-ar", itoa(in.SampleRate), "-ac", itoa(in.Channels), "-i", src,
		"-c:a", "pcm_"+out, "-f", out, dst)
	b, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rawName(f SampleFormat) string {
	return map[SampleFormat]string{U8: "u8", S16: "s16le", S24: "s24le", S32: "s32le", F32: "f32le", F64: "f64le"}[f]
}

func itoa(n int) string {
	b := []byte{}
	if n == 0 {
		return "0"
	}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
