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
	if n := len(DemoASF); n < 50_000 || n > 500_000 {
		t.Errorf("demo.asf is %d bytes, want between 50 KB and 500 KB", n)
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
}

// TestDemoWithFFprobe checks the embedded demo with a third-party reader:
// one MP3 stream, stereo 44.1 kHz, about 20 s, with the metadata the window
// shows.
func TestDemoWithFFprobe(t *testing.T) {
	path := filepath.Join(t.TempDir(), DemoName)
	if err := os.WriteFile(path, DemoASF, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-of", "json",
		"-show_format", "-show_streams", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var probe struct {
		Streams []struct {
			CodecName  string `json:"codec_name"`
			SampleRate string `json:"sample_rate"`
			Channels   int    `json:"channels"`
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
	if len(probe.Streams) != 1 || probe.Streams[0].CodecName != "mp3" ||
		probe.Streams[0].SampleRate != "44100" || probe.Streams[0].Channels != 2 {
		t.Errorf("streams %+v, want one stereo 44.1 kHz mp3 stream", probe.Streams)
	}
	d, err := strconv.ParseFloat(probe.Format.Duration, 64)
	if err != nil || d < 19.5 || d > 21 {
		t.Errorf("duration %q, want about 20 s", probe.Format.Duration)
	}
	// FFmpeg reports the ASF author as "artist".
	for k, want := range map[string]string{
		"title":     "Eddy Demo",
		"artist":    "Eddy developers",
		"copyright": "Public domain",
	} {
		if !strings.Contains(probe.Format.Tags[k], want) {
			t.Errorf("tag %s = %q, want it to contain %q", k, probe.Format.Tags[k], want)
		}
	}
}
