package ui

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/eddyplayer/eddy/player"
)

var update = flag.Bool("update", false, "rewrite the golden markup files in testdata/")

// assertGolden compares the window's rendered markup (Fyne's test
// renderer: every widget, text, position and size) with
// testdata/<name>.xml. With -update it rewrites the file. On a mismatch
// the new markup is written to testdata/failed/ (git-ignored).
func assertGolden(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	got := test.RenderToMarkup(c)
	path := filepath.Join("testdata", name+".xml")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -run Golden -update to create it)", err)
	}
	if string(want) != got {
		failed := filepath.Join("testdata", "failed", name+".xml")
		_ = os.MkdirAll(filepath.Dir(failed), 0o755)
		_ = os.WriteFile(failed, []byte(got), 0o644)
		t.Errorf("window markup differs from %s; the new markup is in %s (diff them; -update accepts it)", path, failed)
	}
}

func TestGoldenMarkup(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		f := newFixture(t)
		assertGolden(t, "idle", f.win.Canvas())
	})
	t.Run("playing", func(t *testing.T) {
		f := newFixture(t)
		m := demoMedia()
		s := status(player.Playing, m, 7*time.Second)
		s.Stats.BitrateBps = 96000
		s.Stats.BufferLevel = 3 * time.Second
		f.emit(player.MediaChanged, s)
		assertGolden(t, "playing", f.win.Canvas())
	})
	t.Run("error", func(t *testing.T) {
		f := newFixture(t)
		f.v.Open("http://example.com/missing.asf")
		f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0),
			Err: fmt.Errorf("http: GET http://example.com/missing.asf: %w", errors.New("404 Not Found"))})
		assertGolden(t, "error", f.win.Canvas())
	})
}
