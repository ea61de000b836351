package main

import (
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/cmd/internal/wiring"
)

// TestAboutInfoNamesFFmpegLibraries: the window's About is given Eddy's
// version and every FFmpeg library Eddy links (libavcodec, libavutil,
// libswresample, libswscale; player/decoder/lavc), each with a version.
func TestAboutInfoNamesFFmpegLibraries(t *testing.T) {
	a := aboutInfo()
	if a.Version != wiring.Version {
		t.Errorf("version %q, want %q", a.Version, wiring.Version)
	}
	want := []string{"libavcodec ", "libavutil ", "libswresample ", "libswscale "}
	if len(a.Libraries) != len(want) {
		t.Fatalf("libraries %q, want %d", a.Libraries, len(want))
	}
	for i, w := range want {
		v := strings.TrimPrefix(a.Libraries[i], w)
		if v == a.Libraries[i] || strings.Count(v, ".") != 2 {
			t.Errorf("library %d is %q, want %sMAJOR.MINOR.MICRO", i, a.Libraries[i], w)
		}
	}
}
