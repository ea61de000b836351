package player

import (
	"testing"
	"time"
)

// TestSeekWhilePausedBetweenPictures: a seek while paused to a time
// between two pictures shows the first picture at or after it, as
// FFmpeg's "-ss T" does and as the preview's doc says, not an earlier
// one still within the tolerance for late pictures in playback (seen in
// the real window under Xvfb, cmd/eddy TestDriveSeekStepSnapshot: at
// 12.203 s it showed the picture of 12.146 s, FFmpeg's is 12.246 s).
func TestSeekWhilePausedBetweenPictures(t *testing.T) {
	// The pictures are 100 ms apart: 5.0 s is 30 ms before the target,
	// within the 60 ms a picture may be late in playback.
	h, _, frames, n, _ := seekWhilePaused(t, 5030*time.Millisecond)
	pts, _, px := frames.frames()
	if got := pts[n:]; len(got) != 1 || got[0] != 5100*time.Millisecond || px[n] != 51 {
		t.Fatalf("after the seek to 5.03 s while paused, pictures %v were shown, want the one at 5.1 s", got)
	}
	if st := h.p.Status(); st.State != Paused || st.Position != 5030*time.Millisecond {
		t.Fatalf("after the seek: %v at %v", st.State, st.Position)
	}
}
