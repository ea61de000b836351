package decoder

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// ffmpeg runs the ffmpeg CLI (a required test tool) and fails the test on
// error.
func ffmpeg(t testing.TB, args ...string) {
	t.Helper()
	cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-v", "error", "-y"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// musicLike is an FFmpeg lavfi source with tones, a glide, gated noise
// and silences: it makes an MP3 encoder use short blocks, joint stereo
// and the bit reservoir.
func musicLike(rate, seconds int) string {
	return "aevalsrc=" +
		"0.25*sin(2*PI*440*t)*(1+sin(2*PI*0.5*t))/2" +
		"+0.2*sin(2*PI*(300+800*t)*t)*gt(mod(t\\,1)\\,0.3)" +
		"+0.3*(random(0)-0.5)*lt(mod(t*4\\,1)\\,0.1)" +
		"|0.25*sin(2*PI*660*t)+0.15*sin(2*PI*3000*t)*lt(mod(t\\,0.5)\\,0.2)" +
		"+0.2*(random(1)-0.5)*gt(mod(t*3\\,1)\\,0.8)" +
		":s=" + itoa(rate) + ":d=" + itoa(seconds)
}

func itoa(n int) string { return fmtInt(n) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

// snrS16 compares interleaved s16 PCM per channel and returns the SNR in
// dB of got against ref.
func snrS16(ref, got []byte, ch int) []float64 {
	n := min(len(ref), len(got)) / 2
	sig := make([]float64, ch)
	noise := make([]float64, ch)
	for i := 0; i < n; i++ {
		r := float64(int16(binary.LittleEndian.Uint16(ref[2*i:])))
		g := float64(int16(binary.LittleEndian.Uint16(got[2*i:])))
		sig[i%ch] += r * r
		noise[i%ch] += (r - g) * (r - g)
	}
	out := make([]float64, ch)
	for c := range out {
		out[c] = 10 * math.Log10(sig[c]/max(noise[c], 1e-9))
	}
	return out
}

func tempPath(t testing.TB, name string) string { return filepath.Join(t.TempDir(), name) }
