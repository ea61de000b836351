//go:build cgo

package lavc

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLibraries: Libraries names the four FFmpeg libraries the package
// links, in order, each with the version the installed library has
// (pkg-config's --modversion reads the same installation), libavcodec's
// as Version says it.
func TestLibraries(t *testing.T) {
	got := Libraries()
	names := []string{"libavcodec", "libavutil", "libswresample", "libswscale"}
	if len(got) != len(names) {
		t.Fatalf("Libraries() = %q, want %d libraries", got, len(names))
	}
	for i, name := range names {
		out, err := exec.Command("pkg-config", "--modversion", name).Output()
		if err != nil {
			t.Fatalf("pkg-config --modversion %s: %v", name, err)
		}
		if want := name + " " + strings.TrimSpace(string(out)); got[i] != want {
			t.Errorf("Libraries()[%d] = %q, want %q", i, got[i], want)
		}
	}
	if got[0] != Version() {
		t.Errorf("Libraries()[0] = %q, Version() = %q", got[0], Version())
	}
	if s := libVersion("libx", 59<<16|37<<8|100); s != "libx 59.37.100" {
		t.Errorf("libVersion = %q", s)
	}
}
