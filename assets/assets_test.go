package assets

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The ASF Header Object GUID 75B22630-668E-11CF-A6D9-00AA0062CE6C as it is
// stored on disk (ASF spec 3.1; sstr-asf digest).
var asfHeaderGUID = []byte{
	0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11,
	0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C,
}

func TestDemoIsSmallASF(t *testing.T) {
	if !bytes.HasPrefix(DemoASF, asfHeaderGUID) {
		t.Fatalf("demo.asf does not start with the ASF Header Object GUID: % x", DemoASF[:16])
	}
	if n := len(DemoASF); n < 200_000 || n > 820_000 {
		t.Errorf("demo.asf is %d bytes, want between 200 KB and 820 KB", n)
	}
}

func TestIconIsSquarePNG(t *testing.T) {
	if Icon.Name() != "icon.png" {
		t.Errorf("Icon.Name() = %q", Icon.Name())
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(Icon.Content()))
	if err != nil {
		t.Fatalf("icon is not a PNG: %v", err)
	}
	if cfg.Width != cfg.Height || (cfg.Width != 256 && cfg.Width != 512) {
		t.Errorf("icon is %d×%d, want 256 or 512 square", cfg.Width, cfg.Height)
	}
	cfg, err = png.DecodeConfig(bytes.NewReader(WindowIcon.Content()))
	if err != nil {
		t.Fatalf("window icon is not a PNG: %v", err)
	}
	if cfg.Width != 256 || cfg.Height != 256 {
		t.Errorf("window icon is %d×%d, want 256×256", cfg.Width, cfg.Height)
	}
}

// TestDemoWithFFprobe checks the embedded demo with a third-party reader:
// a WMA v2 stream (stereo 44.1 kHz) and a WMV8 stream (FourCC WMV2,
// 480×270, square pixels, 25 frames/s), about 20 s, with the metadata the
// window shows.
func TestDemoWithFFprobe(t *testing.T) {
	path := writeDemo(t)
	out, err := exec.Command("ffprobe", "-v", "error", "-of", "json",
		"-show_format", "-show_streams", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var probe struct {
		Streams []struct {
			CodecType  string `json:"codec_type"`
			CodecName  string `json:"codec_name"`
			CodecTag   string `json:"codec_tag_string"`
			SampleRate string `json:"sample_rate"`
			Channels   int    `json:"channels"`
			Width      int    `json:"width"`
			Height     int    `json:"height"`
			SAR        string `json:"sample_aspect_ratio"`
			FrameRate  string `json:"r_frame_rate"`
		} `json:"streams"`
		Format struct {
			FormatName string            `json:"format_name"`
			Duration   string            `json:"duration"`
			Tags       map[string]string `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &probe); err != nil {
		t.Fatal(err)
	}
	if probe.Format.FormatName != "asf" {
		t.Errorf("format %q, want asf", probe.Format.FormatName)
	}
	var audio, video int
	for _, s := range probe.Streams {
		switch s.CodecType {
		case "audio":
			audio++
			if s.CodecName != "wmav2" || s.SampleRate != "44100" || s.Channels != 2 {
				t.Errorf("audio stream %+v, want stereo 44.1 kHz wmav2", s)
			}
		case "video":
			video++
			if s.CodecName != "wmv2" || s.CodecTag != "WMV2" || s.Width != 480 || s.Height != 270 ||
				(s.SAR != "" && s.SAR != "1:1") || s.FrameRate != "25/1" {
				t.Errorf("video stream %+v, want wmv2 (WMV2) 480x270 1:1 at 25/1", s)
			}
		default:
			t.Errorf("unexpected stream %+v", s)
		}
	}
	if audio != 1 || video != 1 {
		t.Errorf("%d audio and %d video streams, want one of each", audio, video)
	}
	d, err := strconv.ParseFloat(probe.Format.Duration, 64)
	if err != nil || d < 19.5 || d > 21 {
		t.Errorf("duration %q, want about 20 s", probe.Format.Duration)
	}
	// FFmpeg reports the ASF author as "artist" and the description as
	// "comment".
	for k, want := range map[string]string{
		"title":     "Eddy Demo",
		"artist":    "Eddy developers",
		"copyright": "Public domain",
		"comment":   "spiral eddy",
	} {
		if !strings.Contains(probe.Format.Tags[k], want) {
			t.Errorf("tag %s = %q, want it to contain %q", k, probe.Format.Tags[k], want)
		}
	}
}

// TestDemoPictureMoves decodes the demo's video with FFmpeg: 500 frames
// (20 s at 25 frames/s), and the picture changes all the time (no two
// sampled frames alike), so a screenshot of it playing shows motion.
func TestDemoPictureMoves(t *testing.T) {
	path := writeDemo(t)
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:v",
		"-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	var sums []string
	for _, line := range strings.Split(string(out), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ",")
		sums = append(sums, strings.TrimSpace(f[len(f)-1]))
	}
	if len(sums) != 500 {
		t.Fatalf("%d video frames, want 500", len(sums))
	}
	seen := map[string]int{}
	for i := 0; i < len(sums); i += 10 {
		if j, dup := seen[sums[i]]; dup {
			t.Errorf("frames %d and %d are identical", j, i)
		}
		seen[sums[i]] = i
	}
}

// writeDemo writes the embedded demo to a temporary file for the tools.
func writeDemo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), DemoName)
	if err := os.WriteFile(path, DemoASF, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
