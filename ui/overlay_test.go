package ui

import (
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/eddyplayer/eddy/player"
)

// TestCaptionOverlay: the caption of a text stream shows over the video
// while the player reports one, and goes with it.
func TestCaptionOverlay(t *testing.T) {
	f := newFixture(t)
	m := demoMedia()
	st := status(player.Playing, m, time.Second)
	st.Caption = "Hello there\nsecond line"
	f.emit(player.CaptionChanged, st)
	if !f.v.video.caption.Visible() || f.v.video.captionText.Text != "Hello there\nsecond line" {
		t.Fatalf("caption visible=%v text %q", f.v.video.caption.Visible(), f.v.video.captionText.Text)
	}
	st.Caption = ""
	f.emit(player.CaptionChanged, st)
	if f.v.video.caption.Visible() {
		t.Error("the caption stays after the player cleared it")
	}
}

// TestDVRSeekBar: a live presentation with a DVR window gets a seek bar
// up to its live edge (the player keeps seeks within the window); one
// without stays LIVE with no seeking.
func TestDVRSeekBar(t *testing.T) {
	f := newFixture(t)
	m := demoMedia()
	m.Seekable, m.Broadcast, m.SeekWindow = false, true, 20*time.Second
	st := status(player.Playing, m, 50*time.Second)
	st.Duration = 60 * time.Second
	f.emit(player.MediaChanged, st)
	if f.v.backBtn.Disabled() || f.v.total.Text != "LIVE" {
		t.Errorf("DVR: back disabled=%v total %q", f.v.backBtn.Disabled(), f.v.total.Text)
	}
	m2 := *m
	m2.SeekWindow = 0
	st2 := status(player.Playing, &m2, 50*time.Second)
	st2.Duration = 60 * time.Second
	f.emit(player.MediaChanged, st2)
	if !f.v.backBtn.Disabled() {
		t.Error("live without DVR: seeking offered")
	}
}

// TestErrorDialogKeys: Escape and Enter close the error dialog (issue 11:
// it closed only with the mouse), and do nothing else meanwhile.
func TestErrorDialogKeys(t *testing.T) {
	for _, key := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter} {
		f := newFixture(t)
		f.v.Open("http://example.com/x.wma")
		f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0), Err: errors.New("connection refused")})
		if len(f.win.Canvas().Overlays().List()) != 1 {
			t.Fatal("no error dialog")
		}
		f.ctl.take()
		f.v.TypedKey(&fyne.KeyEvent{Name: key})
		if n := len(f.win.Canvas().Overlays().List()); n != 0 {
			t.Errorf("%s: %d overlays after the key, want the dialog closed", key, n)
		}
		if f.v.errDialog != nil {
			t.Errorf("%s: the view still holds the dialog", key)
		}
		f.expectCalls() // the key did nothing else
	}
}
