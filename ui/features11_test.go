package ui

import (
	"errors"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// TestSpeedKeys: ] and [ change the speed by 0.25 within 0.5×–2× from
// the player's current speed, = goes back to 1×, each said on the
// picture; E steps a frame.
func TestSpeedKeys(t *testing.T) {
	f := newFixture(t)
	st := status(player.Playing, nil, 0)
	st.Speed = 1.75
	f.emit(player.StateChanged, st)
	f.ctl.take()
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRightBracket})
	if got := f.ctl.takeMethod("SetSpeed"); len(got) != 1 || got[0] != 2.0 {
		t.Errorf("] at 1.75×: SetSpeed %v, want 2", got)
	}
	if txt := f.v.osd.Text(); txt != "Speed 2×" {
		t.Errorf("on the picture %q", txt)
	}
	st.Speed = 2
	f.emit(player.StateChanged, st)
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRightBracket})
	if got := f.ctl.takeMethod("SetSpeed"); len(got) != 1 || got[0] != 2.0 {
		t.Errorf("] at 2×: SetSpeed %v, want 2 (the most)", got)
	}
	st.Speed = 0.75
	f.emit(player.StateChanged, st)
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeftBracket})
	if got := f.ctl.takeMethod("SetSpeed"); len(got) != 1 || got[0] != 0.5 {
		t.Errorf("[ at 0.75×: SetSpeed %v, want 0.5", got)
	}
	if txt := f.v.osd.Text(); txt != "Speed 0.5×" {
		t.Errorf("on the picture %q", txt)
	}
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEqual})
	if got := f.ctl.takeMethod("SetSpeed"); len(got) != 1 || got[0] != 1.0 {
		t.Errorf("=: SetSpeed %v, want 1", got)
	}
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyE})
	if got := f.ctl.takeMethod("StepFrame"); len(got) != 1 {
		t.Errorf("E: %d StepFrame calls", len(got))
	}
	// The Playback menu offers them with their keys.
	var labels []string
	for _, it := range f.v.playbackMenu.Items {
		if it.Shortcut != nil {
			labels = append(labels, it.Label+" "+string(it.Shortcut.(interface{ Key() fyne.KeyName }).Key()))
		}
	}
	for _, want := range []string{"Faster ]", "Slower [", "Speed 1× =", "Next Frame E"} {
		found := false
		for _, l := range labels {
			found = found || l == want
		}
		if !found {
			t.Errorf("the Playback menu lacks %q: %q", want, labels)
		}
	}
}

// TestRecordingMenu: File ▸ Save Stream As… records to the chosen path;
// while a recording runs the item stops it; its end is said in the
// status bar, with the reason when it failed.
func TestRecordingMenu(t *testing.T) {
	f := newFixture(t)
	f.v.RecordTo("recordings/radio.asf")
	if got := f.ctl.takeMethod("StartRecording"); len(got) != 1 || got[0] != "recordings/radio.asf" {
		t.Fatalf("StartRecording %v", got)
	}
	st := status(player.Playing, nil, 0)
	st.Recording = &player.Recording{Path: "recordings/radio.asf", Active: true}
	f.ctl.emit(player.Event{Kind: player.RecordingChanged, Status: st})
	if f.v.recordItem.Label != "Stop Recording" {
		t.Errorf("while recording the item says %q", f.v.recordItem.Label)
	}
	f.v.ShowSaveStream()
	if got := f.ctl.takeMethod("StopRecording"); len(got) != 1 {
		t.Errorf("the item did not stop the recording: %v", got)
	}
	st.Recording = &player.Recording{Path: "recordings/radio.asf", Bytes: 3 << 20, Err: errors.New("no space left on device")}
	f.ctl.emit(player.Event{Kind: player.RecordingChanged, Status: st})
	if f.v.recordItem.Label != "Save Stream As…" {
		t.Errorf("after the recording the item says %q", f.v.recordItem.Label)
	}
	if got := f.v.status.Message(); got != "Recording radio.asf ended: no space left on device" {
		t.Errorf("status bar %q", got)
	}
	st.Recording = &player.Recording{Path: "recordings/radio.asf", Bytes: 3 << 20}
	f.ctl.emit(player.Event{Kind: player.RecordingChanged, Status: st})
	if got := f.v.status.Message(); got != "Recorded radio.asf (3.0 MB)" {
		t.Errorf("status bar %q", got)
	}
	if n := recordingName(&player.Media{URL: "mms://host/live/radio.wma"}); n != "radio.asf" {
		t.Errorf("offered name %q", n)
	}
	if n := recordingName(&player.Media{Metadata: player.Media{}.Metadata}); n != "recording.asf" {
		t.Errorf("offered name %q", n)
	}
}

// TestResumedSaid: a presentation that starts where it was left says so
// on the picture.
func TestResumedSaid(t *testing.T) {
	f := newFixture(t)
	st := status(player.Playing, nil, 83*time.Second)
	f.ctl.emit(player.Event{Kind: player.Resumed, Status: st})
	if txt := f.v.osd.Text(); txt != "Resumed at 1:23" {
		t.Errorf("on the picture %q", txt)
	}
}

// TestPositions: where presentations were left is kept in the app's
// preferences by a hash of the URL (the address is not stored), the
// oldest forgotten past maxPositions, the built-in demo never.
func TestPositions(t *testing.T) {
	a := test.NewTempApp(t)
	s := NewPositions(a.Preferences())
	s.SetPosition("file:///films/a.wmv", 90*time.Second)
	if at, ok := s.Position("file:///films/a.wmv"); !ok || at != 90*time.Second {
		t.Fatalf("Position %v %v", at, ok)
	}
	if _, ok := s.Position("file:///films/b.wmv"); ok {
		t.Error("a position for a URL never left")
	}
	s.SetPosition("demo:", 10*time.Second)
	if _, ok := s.Position("demo:"); ok {
		t.Error("the demo was remembered")
	}
	s.SetPosition("file:///films/a.wmv", 0)
	if _, ok := s.Position("file:///films/a.wmv"); ok {
		t.Error("0 did not forget")
	}
	for i := range maxPositions + 5 {
		s.SetPosition(fmt.Sprintf("http://h/%d.wmv", i), time.Duration(i+10)*time.Second)
	}
	if _, ok := s.Position("http://h/0.wmv"); ok {
		t.Error("the oldest was not forgotten past the bound")
	}
	if at, ok := s.Position(fmt.Sprintf("http://h/%d.wmv", maxPositions+4)); !ok || at != time.Duration(maxPositions+14)*time.Second {
		t.Errorf("the newest: %v %v", at, ok)
	}
	if n := len(a.Preferences().StringList(positionsOrder)); n != maxPositions {
		t.Errorf("%d kept, want %d", n, maxPositions)
	}
}

// TestSnapshot: S saves the picture on screen as a PNG at the video's own
// size, named after the title and position, never over an earlier one;
// with no picture it says so.
func TestSnapshot(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	f.v.snapshotDir = dir
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyS})
	if got := f.v.status.Message(); got != "No picture to take a snapshot of" {
		t.Errorf("with no picture: %q", got)
	}
	m := clipMedia(true)
	m.Metadata.Title = "Clip: one/two"
	f.emit(player.MediaChanged, status(player.Buffering, m, 0))
	f.emit(player.StateChanged, status(player.Playing, m, 83*time.Second))
	f.v.VideoOutput().Present(twoColourFrame(480, 270, red, blue))
	for range 2 {
		f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyS})
		if msg := f.v.osd.Text(); msg != "Snapshot saved: "+filepath.Base(f.v.lastSnapshot) || f.v.lastSnapshot == "" {
			t.Fatalf("on the picture %q (file %q)", msg, f.v.lastSnapshot)
		}
	}
	for _, name := range []string{"Clip_ one_two 01m23s.png", "Clip_ one_two 01m23s (2).png"} {
		fh, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 480 || b.Dy() != 270 {
			t.Errorf("%s is %v, want the video's 480×270", name, b)
		}
		if c := img.At(100, 135); !colourNear(c, red) {
			t.Errorf("%s left half %v, want red", name, c)
		}
		if c := img.At(380, 135); !colourNear(c, blue) {
			t.Errorf("%s right half %v, want blue", name, c)
		}
	}
}

// TestAspectAndZoom: A cycles the picture's shape (4:3 makes a 16:9
// frame 4:3 on screen), Z cycles the zoom (Original Size shows the
// video's own 480 pixels across when that fits, Stretch fills the video
// area); each is said on the picture and ticked in the View menu.
func TestAspectAndZoom(t *testing.T) {
	f := newFixture(t)
	f.keepWindowSize()
	m := clipMedia(true)
	f.emit(player.MediaChanged, status(player.Buffering, m, 0))
	f.emit(player.StateChanged, status(player.Playing, m, 0))
	f.v.VideoOutput().Present(twoColourFrame(480, 270, red, blue))
	shape := func() float64 { r := f.videoRect(); return float64(r.Dx()) / float64(r.Dy()) }
	if a := shape(); math.Abs(a-16.0/9) > 0.02 {
		t.Fatalf("automatic: %.3f", a)
	}
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyA})
	if a := shape(); math.Abs(a-4.0/3) > 0.02 || f.v.osd.Text() != "Aspect ratio 4:3" {
		t.Errorf("after A: shape %.3f, said %q; want 4:3", a, f.v.osd.Text())
	}
	if !f.v.aspectMenu.Items[1].Checked || f.v.aspectMenu.Items[0].Checked {
		t.Error("the menu does not tick 4:3")
	}
	// A later frame keeps the chosen shape.
	f.v.VideoOutput().Present(twoColourFrame(480, 270, green, green))
	if a := shape(); math.Abs(a-4.0/3) > 0.02 {
		t.Errorf("the next frame: %.3f", a)
	}
	for range len(aspectChoices) - 1 {
		f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyA})
	}
	if a := shape(); math.Abs(a-16.0/9) > 0.02 {
		t.Errorf("back to automatic: %.3f", a)
	}
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyZ})
	if r := f.videoRect(); r.Dx() != 480 || r.Dy() != 270 || f.v.osd.Text() != "Zoom: Original Size" {
		t.Errorf("original size: %v, said %q", r, f.v.osd.Text())
	}
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyZ})
	if r, area := f.videoRect(), f.videoAreaRect(); r != area {
		t.Errorf("stretch: picture %v, area %v", r, area)
	}
	if !f.v.zoomMenu.Items[2].Checked {
		t.Error("the menu does not tick Stretch")
	}
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyZ})
	if a := shape(); math.Abs(a-16.0/9) > 0.02 {
		t.Errorf("back to fit: %.3f", a)
	}
}

// TestPreferences: File ▸ Preferences saves the buffer, the connection
// speed and the play-log choice in the app's preferences and gives them
// to the player; a window made later with the same preferences gives
// them to its player at once; the defaults send play logs.
func TestPreferences(t *testing.T) {
	a := test.NewTempApp(t)
	f := newFixtureWithApp(t, a)
	f.v.ShowPreferences()
	d := f.v.prefsDialog
	var sels []*widget.Select
	var check, udp *widget.Check
	var save *widget.Button
	var proxy *widget.Entry
	for _, o := range test.LaidOutObjects(f.win.Canvas().Overlays().Top()) {
		switch w := o.(type) {
		case *widget.Select:
			sels = append(sels, w)
		case *widget.Check:
			switch w.Text {
			case "UDP":
				udp = w
			case "Send play logs to the content provider":
				check = w
			}
		case *widget.Button:
			if w.Text == "Save" {
				save = w
			}
		case *widget.Entry:
			proxy = w
		}
	}
	if d == nil || len(sels) != 2 || check == nil || udp == nil || save == nil {
		t.Fatalf("the dialog: %d selects, check %v, save %v", len(sels), check != nil, save != nil)
	}
	if !check.Checked {
		t.Error("play logs are not sent by default")
	}
	sels[0].SetSelected("5 seconds")
	sels[1].SetSelected("256 kbit/s")
	check.SetChecked(false)
	udp.SetChecked(false)
	if proxy == nil || proxy.Validator("proxy.example:3128/path") == nil || proxy.Validator("ftp://x:1") == nil || proxy.Validator("") != nil {
		t.Fatal("the proxy field does not check what is typed")
	}
	proxy.SetText("proxy.example:3128")
	test.Tap(save)
	want := player.Settings{BufferTarget: 5 * time.Second, Bandwidth: 256_000, NoPlayLogs: true, NoUDP: true}
	same := func(got any) bool {
		s, ok := got.(player.Settings)
		if !ok || s.Proxy == nil || s.Proxy.String() != "http://proxy.example:3128" {
			return false
		}
		s.Proxy = nil
		return s == want
	}
	if got := f.ctl.takeMethod("Configure"); len(got) != 1 || !same(got[0]) {
		t.Fatalf("Configure %v, want %+v with the proxy", got, want)
	}
	ctl := newFakeController()
	v2 := New(Config{App: a, Window: test.NewTempWindow(t, widget.NewLabel("")), Controller: ctl, DemoURL: demoURL})
	t.Cleanup(v2.Close)
	if got := ctl.takeMethod("Configure"); len(got) != 1 || !same(got[0]) {
		t.Errorf("a new window gave %v, want the saved %+v", got, want)
	}
}
