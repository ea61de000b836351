package ui

import (
	"runtime"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestAboutListsEveryLibrary: About lists each FFmpeg library it is
// given, in order, after Eddy and Fyne and before Go.
func TestAboutListsEveryLibrary(t *testing.T) {
	v := New(Config{App: test.NewTempApp(t), Window: test.NewTempWindow(t, widget.NewLabel("")), Controller: newFakeController(),
		About: AboutInfo{Version: "1.2.3", Libraries: []string{"libavcodec 59.37.100", "libavutil 57.28.100", "libswresample 4.7.100", "libswscale 6.7.100"}}})
	t.Cleanup(v.Close)
	got := v.aboutLines()
	want := []string{"Eddy 1.2.3", got[1], "FFmpeg libavcodec 59.37.100", "FFmpeg libavutil 57.28.100",
		"FFmpeg libswresample 4.7.100", "FFmpeg libswscale 6.7.100", "Go " + strings.TrimPrefix(runtime.Version(), "go")}
	if !strings.HasPrefix(got[1], "Fyne ") || !slices.Equal(got, want) {
		t.Errorf("About says %q\nwant %q", got, want)
	}
}
