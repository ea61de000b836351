package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/eddyplayer/eddy/player"
)

// TestSpeedKeysWhilePaused: ], [ and = count from the speed last asked
// for, not from the player's last report, which does not come while
// paused (the player publishes the speed with its next event: the
// position ticks stop while paused). Seen in the real window under Xvfb
// (cmd/eddy TestDriveSpeed): at 1.25×, paused, = then ] asked for 1.5×
// and [ for 1.25×, so playback went on at 1.25× after =, ], [.
func TestSpeedKeysWhilePaused(t *testing.T) {
	f := newFixture(t)
	st := status(player.Paused, nil, 0)
	st.Speed = 1.25
	f.emit(player.StateChanged, st)
	f.ctl.take()
	for _, step := range []struct {
		key  fyne.KeyName
		want float64
		osd  string
	}{
		{fyne.KeyEqual, 1, "Speed 1×"},
		{fyne.KeyRightBracket, 1.25, "Speed 1.25×"},
		{fyne.KeyRightBracket, 1.5, "Speed 1.5×"},
		{fyne.KeyLeftBracket, 1.25, "Speed 1.25×"},
		{fyne.KeyLeftBracket, 1, "Speed 1×"},
		{fyne.KeyLeftBracket, 0.75, "Speed 0.75×"},
	} {
		// No event from the player in between: it is paused.
		f.v.TypedKey(&fyne.KeyEvent{Name: step.key})
		if got := f.ctl.takeMethod("SetSpeed"); len(got) != 1 || got[0] != step.want {
			t.Fatalf("%s: SetSpeed %v, want %v", step.key, got, step.want)
		}
		if txt := f.v.osd.Text(); txt != step.osd {
			t.Errorf("%s: on the picture %q, want %q", step.key, txt, step.osd)
		}
	}
	// When the player reports a speed (another session set it, or it
	// refused one), the keys count from what it reports.
	st.Speed = 2
	f.emit(player.StateChanged, st)
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeftBracket})
	if got := f.ctl.takeMethod("SetSpeed"); len(got) != 1 || got[0] != 1.75 {
		t.Errorf("[ after the player reported 2×: SetSpeed %v, want 1.75", got)
	}
}
