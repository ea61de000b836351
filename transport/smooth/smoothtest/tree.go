// Package smoothtest makes Smooth Streaming content for tests: FFmpeg's
// on-demand tree (the recipe of the peers README §3).
package smoothtest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/eddyplayer/eddy/asf/asftest"
)

// MakeTree writes FFmpeg's on-demand Smooth Streaming tree into dir: the
// source AAC (dir/audio96k.mka, 10 s of a 440 Hz tone, 44.1 kHz stereo)
// and dir/ss/ (Manifest, QualityLevels(…)/Fragments(…)): H.264 at 800 and
// 300 kbit/s (640×360 and 320×180, 25 frames/s, no B-frames, a key frame
// every 2 s) and the AAC copied in, in five 2 s fragments. FFmpeg's output
// is byte-stable. It returns dir/ss.
func MakeTree(dir string) (string, error) {
	run := func(args ...string) error {
		cmd := exec.Command("ffmpeg", append([]string{"-v", "error", "-y"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return errors.New("ffmpeg: " + err.Error() + ": " + string(out))
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := run("-f", "lavfi", "-i", asftest.Sine+":duration=10", "-ac", "2", "-c:a", "aac", "-b:a", "96k", "audio96k.mka"); err != nil {
		return "", err
	}
	err := run("-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=10", "-i", "audio96k.mka",
		"-map", "0:v", "-map", "0:v", "-map", "1:a",
		"-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-pix_fmt", "yuv420p", "-bf", "0",
		"-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
		"-b:v:0", "800k", "-maxrate:v:0", "800k", "-bufsize:v:0", "1600k", "-s:v:0", "640x360",
		"-b:v:1", "300k", "-maxrate:v:1", "300k", "-bufsize:v:1", "600k", "-s:v:1", "320x180",
		"-c:a", "copy", "-min_frag_duration", "2000000", "-f", "smoothstreaming", "ss")
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "ss"), nil
}
