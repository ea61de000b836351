package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

const demoURL = "demo:demo.asf"

type fixture struct {
	t   *testing.T
	app fyne.App
	win fyne.Window
	ctl *fakeController
	v   *View
}

// newFixture builds a view in a 960×600 test window with a fake player.
// The initial SetVolume call is consumed. The view's rate limits and seek
// hold run on the time package: a test that lets time pass calls
// newFixture inside a synctest bubble (Fyne's test app is synchronous and
// lives in one) and moves the virtual clock with advance.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	a := test.NewTempApp(t)
	return newFixtureWithApp(t, a)
}

func newFixtureWithApp(t *testing.T, a fyne.App) *fixture {
	t.Helper()
	w := test.NewTempWindow(t, widget.NewLabel(""))
	f := &fixture{t: t, app: a, win: w, ctl: newFakeController()}
	f.v = New(Config{App: a, Window: w, Controller: f.ctl, DemoURL: demoURL})
	w.Resize(fyne.NewSize(960, 600))
	t.Cleanup(f.v.Close)
	if got := f.ctl.takeMethod("SetVolume"); len(got) != 1 {
		t.Fatalf("New sent SetVolume %v, want once", got)
	}
	return f
}

func (f *fixture) emit(kind player.EventKind, s player.Status) {
	f.ctl.emit(player.Event{Kind: kind, Status: s})
}

func (f *fixture) expectCalls(want ...string) {
	f.t.Helper()
	var got []string
	for _, c := range f.ctl.take() {
		got = append(got, c.String())
	}
	if !reflect.DeepEqual(got, want) {
		f.t.Errorf("controller calls = %q, want %q", got, want)
	}
}

func mp3Track(id int, selected bool) player.TrackInfo {
	return player.TrackInfo{
		Track: transport.Track{
			ID: id, Type: transport.Audio, Codec: transport.WaveFormat(transport.TagMP3),
			Bitrate: 96000, Audio: transport.AudioParams{SampleRate: 44100, Channels: 2},
		},
		Decoder:  "mp3",
		Selected: selected,
	}
}

func demoMedia() *player.Media {
	return &player.Media{
		URL: demoURL, Protocol: "demo", Duration: 20 * time.Second, Seekable: true,
		Metadata: transport.Metadata{Title: "Eddy Demo", Author: "The Eddy developers", Copyright: "CC0"},
		Tracks:   []player.TrackInfo{mp3Track(1, true)},
	}
}

func status(state player.State, m *player.Media, pos time.Duration) player.Status {
	s := player.Status{State: state, Media: m, Position: pos, Volume: 1}
	if m != nil {
		s.Duration = m.Duration
	}
	return s
}

// plays reports that the player took up an Open and plays it (what makes
// the view remember the location).
func (f *fixture) plays() {
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	f.emit(player.StateChanged, status(player.Playing, demoMedia(), 0))
}

// startDemo brings the view to "playing the demo at pos".
func (f *fixture) startDemo(pos time.Duration) *player.Media {
	m := demoMedia()
	f.emit(player.MediaChanged, status(player.Buffering, m, 0))
	f.emit(player.StateChanged, status(player.Playing, m, pos))
	f.ctl.take()
	return m
}

func TestOpenLocationCallsOpenAndRemembersIt(t *testing.T) {
	f := newFixture(t)
	const url = "http://example.com/talk.wma"
	test.Type(f.v.location, url)
	test.Tap(f.v.openBtn)
	f.expectCalls("Open(" + url + ")")
	f.plays()
	if got := f.v.Recent(); !reflect.DeepEqual(got, []string{url}) {
		t.Errorf("recent = %q", got)
	}
	if got := f.app.Preferences().StringList(PrefRecent); !reflect.DeepEqual(got, []string{url}) {
		t.Errorf("preferences %s = %q", PrefRecent, got)
	}

	// Enter in the location bar opens too.
	f.v.location.SetText("  /music/song.wma ")
	f.v.location.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f.expectCalls("Open(/music/song.wma)")
	f.plays()

	// A new window of the same app finds the list again.
	g := newFixtureWithApp(t, f.app)
	if got := g.v.Recent(); !reflect.DeepEqual(got, []string{"/music/song.wma", url}) {
		t.Errorf("recent after restart = %q", got)
	}
}

func TestRecentListIsBoundedDedupedAndOpensItems(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < MaxRecent+3; i++ {
		f.v.Open(fmt.Sprintf("http://host/%d.asf", i))
		f.plays()
	}
	f.v.Open("http://host/5.asf") // again: moves to the front
	f.plays()
	f.ctl.take()
	got := f.v.Recent()
	if len(got) != MaxRecent {
		t.Fatalf("recent has %d items, want %d: %q", len(got), MaxRecent, got)
	}
	want := []string{"http://host/5.asf", "http://host/12.asf", "http://host/11.asf"}
	if !reflect.DeepEqual(got[:3], want) {
		t.Errorf("recent starts %q, want %q", got[:3], want)
	}
	seen := map[string]bool{}
	for _, s := range got {
		if seen[s] {
			t.Errorf("duplicate %q in %q", s, got)
		}
		seen[s] = true
	}
	if seen["http://host/0.asf"] {
		t.Errorf("oldest entry kept: %q", got)
	}

	// The menu lists the same items; choosing one opens it.
	menu := f.v.RecentMenu()
	if menu.Items[0].Label != "http://host/5.asf" || menu.Items[1].Label != "http://host/12.asf" {
		t.Errorf("menu starts %q, %q", menu.Items[0].Label, menu.Items[1].Label)
	}
	menu.Items[2].Action()
	f.expectCalls("Open(http://host/11.asf)")
	f.plays()
	if f.v.Recent()[0] != "http://host/11.asf" {
		t.Errorf("chosen item not moved to the front: %q", f.v.Recent())
	}

	// Clear Recent empties list, preferences and menu.
	last := menu.Items[len(menu.Items)-1]
	if last.Label != "Clear Recent" {
		t.Fatalf("last menu item %q", last.Label)
	}
	last.Action()
	if len(f.v.Recent()) != 0 || len(f.app.Preferences().StringList(PrefRecent)) != 0 {
		t.Errorf("not cleared: %q", f.v.Recent())
	}
	if len(menu.Items) != 1 || !menu.Items[0].Disabled {
		t.Errorf("menu after clear: %+v", menu.Items)
	}
	if !f.v.recentBtn.Disabled() {
		t.Error("recent button enabled with no recent locations")
	}
}

func TestOpenTransientIsNotRemembered(t *testing.T) {
	f := newFixture(t)
	f.v.OpenTransient(demoURL)
	f.expectCalls("Open(" + demoURL + ")")
	if len(f.v.Recent()) != 0 {
		t.Errorf("demo remembered: %q", f.v.Recent())
	}
}

func TestButtonsDrivePlayer(t *testing.T) {
	f := newFixture(t)

	// Nothing open, nothing typed: Play plays the demo.
	test.Tap(f.v.playBtn)
	f.expectCalls("Open(" + demoURL + ")")
	if !f.v.stopBtn.Disabled() {
		t.Error("stop enabled while idle")
	}

	f.startDemo(time.Second)
	if f.v.playBtn.Icon != pauseIcon() {
		t.Error("play button does not show pause while playing")
	}
	test.Tap(f.v.playBtn)
	f.expectCalls("Pause()")

	f.emit(player.StateChanged, status(player.Paused, demoMedia(), time.Second))
	if f.v.playBtn.Icon != playIcon() {
		t.Error("play button does not show play while paused")
	}
	test.Tap(f.v.playBtn)
	f.expectCalls("Play()")

	test.Tap(f.v.stopBtn)
	f.expectCalls("Stop()")
	f.emit(player.StateChanged, status(player.Stopped, demoMedia(), 0))
	if !f.v.stopBtn.Disabled() {
		t.Error("stop enabled while stopped")
	}
	test.Tap(f.v.playBtn)
	f.expectCalls("Play()")

	// After a failure, Play retries the same location.
	f.emit(player.StateChanged, status(player.Failed, demoMedia(), 0))
	test.Tap(f.v.playBtn)
	f.expectCalls("Open(" + demoURL + ")")

	// The seek buttons step 10 s from the position.
	f.startDemo(5 * time.Second)
	test.Tap(f.v.fwdBtn)
	f.expectCalls("Seek(15s)")
}

func TestPlayOpensTypedLocation(t *testing.T) {
	f := newFixture(t)
	test.Type(f.v.location, "mms://example.com/live")
	test.Tap(f.v.playBtn)
	f.expectCalls("Open(mms://example.com/live)")
}

func TestKeyboard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t)
		f.startDemo(5 * time.Second)
		key := f.win.Canvas().OnTypedKey()

		key(&fyne.KeyEvent{Name: fyne.KeySpace})
		f.expectCalls("Pause()")

		key(&fyne.KeyEvent{Name: fyne.KeyRight})
		f.expectCalls("Seek(15s)")
		advance(time.Second)
		f.emit(player.PositionChanged, status(player.Playing, demoMedia(), 15*time.Second))
		key(&fyne.KeyEvent{Name: fyne.KeyLeft})
		f.expectCalls("Seek(5s)")

		f.v.SetVolume(0.5)
		advance(time.Second)
		f.ctl.take()
		key(&fyne.KeyEvent{Name: fyne.KeyDown})
		if got := f.ctl.takeMethod("SetVolume"); len(got) != 1 || absF(got[0].(float64)-0.45) > 1e-9 {
			t.Errorf("Down sent %v, want SetVolume(0.45)", got)
		}

		// The seek bar, when focused, passes Space on to the window.
		f.v.seek.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		f.expectCalls("Pause()")

		// Shortcut: Ctrl+P toggles play.
		f.win.Canvas().(fyne.Shortcutable).TypedShortcut(ctrl(fyne.KeyP))
		f.expectCalls("Pause()")
	})
}

func absF(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestRepeatedSeekKeysAreCoalesced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t)
		f.startDemo(0)
		key := f.win.Canvas().OnTypedKey()
		for i := 0; i < 5; i++ {
			key(&fyne.KeyEvent{Name: fyne.KeyRight})
		}
		// The first press seeks at once; the rest accumulate into one seek
		// sent when the rate limit allows (to the 20 s end: clamped).
		f.expectCalls("Seek(10s)")
		advance(seekInterval)
		f.expectCalls("Seek(20s)")
		advance(time.Second)
		f.expectCalls()
	})
}

func dragTo(s *SeekBar, x float32) {
	s.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, s.Size().Height/2)}})
}

func TestSeekDragSendsOneSeekOnRelease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t)
		f.startDemo(2 * time.Second)
		s := f.v.seek
		if s.Disabled() {
			t.Fatal("seek bar disabled for a seekable presentation")
		}
		w := s.Size().Width
		if w < 100 {
			t.Fatalf("seek bar width %v: not laid out", w)
		}
		for _, x := range []float32{w * 0.2, w * 0.3, w * 0.5, w * 0.6, w * 0.75} {
			dragTo(s, x)
			// The player keeps reporting its position meanwhile.
			f.emit(player.PositionChanged, status(player.Playing, demoMedia(), 3*time.Second))
		}
		if got := f.ctl.takeMethod("Seek"); len(got) != 0 {
			t.Fatalf("seeks while dragging: %v", got)
		}
		preview := s.Time()
		if preview < 12*time.Second || preview > 18*time.Second {
			t.Errorf("thumb at %v after dragging to 75%%", preview)
		}
		if f.v.elapsed.Text != formatClock(preview) {
			t.Errorf("elapsed label %q while dragging, want preview %q", f.v.elapsed.Text, formatClock(preview))
		}
		s.DragEnd()
		got := f.ctl.takeMethod("Seek")
		if len(got) != 1 || got[0].(time.Duration) != preview {
			t.Fatalf("seeks after release: %v, want one to %v", got, preview)
		}

		// Until the player catches up, old positions do not pull the thumb back.
		f.emit(player.PositionChanged, status(player.Playing, demoMedia(), 3*time.Second))
		if s.Time() != preview {
			t.Errorf("thumb jumped back to %v before the seek completed", s.Time())
		}
		f.emit(player.PositionChanged, status(player.Playing, demoMedia(), preview+200*time.Millisecond))
		if s.Time() != preview+200*time.Millisecond {
			t.Errorf("thumb at %v, want to follow the player again", s.Time())
		}
		// And a seek the player never completes is given up after seekHold.
		dragTo(s, w*0.9)
		s.DragEnd()
		f.ctl.take()
		advance(seekHold + time.Millisecond)
		f.emit(player.PositionChanged, status(player.Playing, demoMedia(), 4*time.Second))
		if s.Time() != 4*time.Second {
			t.Errorf("thumb at %v, want the player's 4s after the hold expired", s.Time())
		}
	})
}

func TestSeekTapSeeksAtOnce(t *testing.T) {
	f := newFixture(t)
	f.startDemo(0)
	s := f.v.seek
	test.TapAt(s, fyne.NewPos(s.Size().Width/2, s.Size().Height/2))
	got := f.ctl.takeMethod("Seek")
	if len(got) != 1 {
		t.Fatalf("seeks after tap: %v", got)
	}
	if d := got[0].(time.Duration); d < 8*time.Second || d > 12*time.Second {
		t.Errorf("tap at the middle seeks to %v", d)
	}
}

func TestSeekDisabledWhenNotSeekable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*player.Media)
		total  string
	}{
		{"broadcast", func(m *player.Media) { m.Broadcast = true; m.Duration = 0 }, "LIVE"},
		{"broadcast with duration", func(m *player.Media) { m.Broadcast = true }, "LIVE"},
		{"not seekable", func(m *player.Media) { m.Seekable = false }, "0:20"},
		{"unknown duration", func(m *player.Media) { m.Duration = 0 }, "--:--"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			m := demoMedia()
			tc.change(m)
			f.emit(player.MediaChanged, status(player.Playing, m, 3*time.Second))
			if !f.v.seek.Disabled() || !f.v.fwdBtn.Disabled() || !f.v.backBtn.Disabled() {
				t.Error("seeking enabled")
			}
			if f.v.total.Text != tc.total {
				t.Errorf("total %q, want %q", f.v.total.Text, tc.total)
			}
			f.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyRight})
			dragTo(f.v.seek, 50)
			f.v.seek.DragEnd()
			if got := f.ctl.takeMethod("Seek"); len(got) != 0 {
				t.Errorf("seeks sent: %v", got)
			}
		})
	}
}

func TestEventsUpdateTheWindow(t *testing.T) {
	f := newFixture(t)
	f.v.showTab(statsTab)
	m := demoMedia()
	m.Tracks = append(m.Tracks, player.TrackInfo{Track: transport.Track{
		ID: 2, Type: transport.Video, Codec: transport.FourCC("WMV2"), Bitrate: 300000,
		Video: transport.VideoParams{Width: 320, Height: 240},
	}})
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	if f.v.status.state.Text != "Opening" {
		t.Errorf("state %q", f.v.status.state.Text)
	}
	s := status(player.Buffering, m, 0)
	s.Buffering = 0.42
	f.emit(player.MediaChanged, s)
	if got := f.v.status.state.Text; got != "Buffering 42%" {
		t.Errorf("state %q, want Buffering 42%%", got)
	}
	if !f.v.status.buffer.Visible() || f.v.status.buffer.Value != 0.42 {
		t.Errorf("buffer gauge visible=%v value=%v", f.v.status.buffer.Visible(), f.v.status.buffer.Value)
	}
	for name, got := range map[string]string{
		"title":     f.v.info.title.Text,
		"author":    f.v.info.author.Text,
		"copyright": f.v.info.copyright.Text,
		"duration":  f.v.info.duration.Text,
		"protocol":  f.v.info.protocol.Text,
	} {
		want := map[string]string{"title": "Eddy Demo", "author": "The Eddy developers",
			"copyright": "CC0", "duration": "0:20", "protocol": "demo"}[name]
		if got != want {
			t.Errorf("info %s = %q, want %q", name, got, want)
		}
	}
	if got := f.win.Title(); got != "Eddy Demo — Eddy" {
		t.Errorf("window title %q", got)
	}
	if got := f.v.nowPlaying.Text; got != "Eddy Demo — The Eddy developers" {
		t.Errorf("now playing %q", got)
	}
	if len(f.v.streams.checks) != 2 {
		t.Fatalf("%d stream rows, want 2", len(f.v.streams.checks))
	}
	if c := f.v.streams.checks[0]; c.Text != "Audio 1" || !c.Checked {
		t.Errorf("row 1: %q checked=%v", c.Text, c.Checked)
	}
	if c := f.v.streams.checks[1]; c.Text != "Video 2" || c.Checked {
		t.Errorf("row 2: %q checked=%v", c.Text, c.Checked)
	}
	if !strings.Contains(dimText(f.v.video.detail), "WMV8") || !strings.Contains(dimText(f.v.video.detail), "cannot be shown") {
		t.Errorf("video area says %q", dimText(f.v.video.detail))
	}

	s = status(player.Playing, m, 5*time.Second+300*time.Millisecond)
	s.Stats.BitrateBps = 96000
	s.Stats.PacketsReceived = 42
	s.Stats.BytesReceived = 3 * 1024 * 1024 / 2
	s.Stats.PacketsLost = 3
	s.Stats.Rebuffers = 1
	s.Stats.BufferLevel = 2500 * time.Millisecond
	f.emit(player.StateChanged, s)
	f.emit(player.StatsChanged, s)
	if f.v.elapsed.Text != "0:05" || f.v.total.Text != "0:20" {
		t.Errorf("times %q / %q", f.v.elapsed.Text, f.v.total.Text)
	}
	if f.v.seek.Time() != s.Position {
		t.Errorf("seek bar at %v, want %v", f.v.seek.Time(), s.Position)
	}
	if f.v.status.state.Text != "Playing" || f.v.status.buffer.Visible() {
		t.Errorf("status %q, gauge visible %v", f.v.status.state.Text, f.v.status.buffer.Visible())
	}
	if got := f.v.status.bitrate.Text; got != "96 kb/s · buffer 2 s" {
		t.Errorf("status bit rate %q", got)
	}
	if got := f.v.stats.received.Text; got != "42 packets · 1.5 MiB" {
		t.Errorf("stats received %q", got)
	}
	if got := f.v.stats.lost.Text; got != "3" {
		t.Errorf("stats lost %q", got)
	}
	if got := f.v.stats.rebuffers.Text; got != "1" {
		t.Errorf("stats rebuffers %q", got)
	}
}

// errDialogText returns the texts of the labels in the top overlay.
func overlayTexts(c fyne.Canvas) []string {
	top := c.Overlays().Top()
	if top == nil {
		return nil
	}
	var out []string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			out = append(out, l.Text)
		}
	}
	return out
}

func TestErrorEventShowsDialogWithCause(t *testing.T) {
	f := newFixture(t)
	f.v.Open("http://example.com/x.wma")
	cause := errors.New(`codec WMA Pro (0x0162) is not supported yet`)
	err := fmt.Errorf("open http://example.com/x.wma: decoder: %w", cause)
	f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0), Err: err})

	texts := strings.Join(overlayTexts(f.win.Canvas()), "\n")
	if !strings.Contains(texts, "codec WMA Pro (0x0162) is not supported yet") {
		t.Errorf("dialog does not show the cause; it says:\n%s", texts)
	}
	if !strings.Contains(texts, "Cause: codec WMA Pro (0x0162) is not supported yet") {
		t.Errorf("dialog does not single out the innermost cause; it says:\n%s", texts)
	}
	if !strings.Contains(texts, "http://example.com/x.wma") {
		t.Errorf("dialog does not name the location; it says:\n%s", texts)
	}
	if got := f.v.status.Message(); !strings.Contains(got, "not supported yet") {
		t.Errorf("status bar message %q", got)
	}
	if got := f.v.status.state.Text; got != "Error" {
		t.Errorf("state %q", got)
	}
	if !strings.Contains(dimText(f.v.video.detail), "not supported yet") {
		t.Errorf("video area says %q", dimText(f.v.video.detail))
	}

	// A second error replaces the dialog instead of stacking another.
	f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0), Err: errors.New("connection refused")})
	if n := len(f.win.Canvas().Overlays().List()); n != 1 {
		t.Errorf("%d overlays, want 1", n)
	}
	if texts := strings.Join(overlayTexts(f.win.Canvas()), "\n"); !strings.Contains(texts, "connection refused") {
		t.Errorf("second dialog says:\n%s", texts)
	}

	// Opening something else clears the error from the status bar.
	f.v.Open("http://example.com/y.wma")
	if got := f.v.status.Message(); got != "" {
		t.Errorf("status message %q after a new open", got)
	}
}

func TestWarningGoesToStatusBarNotDialog(t *testing.T) {
	f := newFixture(t)
	f.v.SetNotice("No sound device: playing silently")
	if got := f.v.status.Message(); got != "No sound device: playing silently" {
		t.Errorf("notice %q", got)
	}
	f.startDemo(time.Second)
	f.ctl.emit(player.Event{Kind: player.Warning, Status: status(player.Playing, demoMedia(), time.Second),
		Err: errors.New("video codec WMV9 (WMV3) is not supported yet; playing audio only")})
	if f.win.Canvas().Overlays().Top() != nil {
		t.Error("a warning opened a dialog")
	}
	if got := f.v.status.Message(); !strings.Contains(got, "WMV9") {
		t.Errorf("status message %q, want the warning", got)
	}
	if !f.v.status.msgIcon.Visible() {
		t.Error("no icon next to the warning")
	}
}

// TestWarningAges: the player's warning leaves the status bar once it is
// stale. A playlist entry that failed as it opened is told while the next
// entry plays and gone when the one after opens; a warning about the
// playing presentation outlives its stream switches but not the next
// presentation, shown with or without an opening first (an entry opened
// ahead); what the window itself said since stays.
func TestWarningAges(t *testing.T) {
	f := newFixture(t)
	entry := func(url string) *player.Media {
		m := demoMedia()
		m.URL = url
		return m
	}
	warn := func(s player.Status, text string) {
		f.ctl.emit(player.Event{Kind: player.Warning, Status: s, Err: errors.New(text)})
	}
	want := func(step, msg string) {
		t.Helper()
		if got := f.v.status.Message(); got != msg {
			t.Errorf("%s: status message %q, want %q", step, got, msg)
		}
	}
	one, three, four := entry("http://example.com/1.wma"), entry("http://example.com/3.wma"), entry("http://example.com/4.wma")
	f.emit(player.MediaChanged, status(player.Playing, one, 0))
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	failed := "playlist entry 2: 404 Not Found"
	warn(status(player.Opening, nil, 0), failed)
	want("entry 2 failed", failed)
	f.emit(player.MediaChanged, status(player.Buffering, three, 0))
	f.emit(player.StateChanged, status(player.Playing, three, time.Second))
	want("entry 3 plays", failed)
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	want("entry 4 opens", "")

	f.emit(player.MediaChanged, status(player.Playing, four, 0))
	switched := "switching streams: refused"
	warn(status(player.Playing, four, time.Second), switched)
	f.emit(player.MediaChanged, status(player.Playing, entry(four.URL), 2*time.Second))
	want("after a stream switch", switched)
	f.emit(player.MediaChanged, status(player.Buffering, one, 0))
	want("the next entry, opened ahead", "")

	warn(status(player.Playing, one, time.Second), switched)
	f.v.status.SetWarning("Recording to x.asf")
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	want("the window's own message", "Recording to x.asf")
}

func TestStreamSelection(t *testing.T) {
	f := newFixture(t)
	m := demoMedia()
	m.Tracks = []player.TrackInfo{
		mp3Track(1, true),
		mp3Track(2, false),
		{Track: transport.Track{ID: 3, Type: transport.Video, Codec: transport.FourCC("WMV2")}, Decoder: "wmv2", Selected: true},
	}
	m.Tracks[1].Language = "fr"
	f.emit(player.MediaChanged, status(player.Playing, m, 0))
	l := f.v.streams
	if len(l.checks) != 3 {
		t.Fatalf("%d rows", len(l.checks))
	}
	if !l.auto.Disabled() {
		t.Error("Automatic enabled before any manual choice")
	}

	// Choosing audio 2 replaces audio 1 and keeps the video.
	test.Tap(l.checks[1])
	f.expectCalls("SelectStreams([2 3])")
	if l.checks[0].Checked || !l.checks[1].Checked || !l.checks[2].Checked {
		t.Errorf("checks %v %v %v", l.checks[0].Checked, l.checks[1].Checked, l.checks[2].Checked)
	}
	if l.auto.Disabled() || l.mode.Text != "Your selection" {
		t.Errorf("mode %q, automatic disabled %v", l.mode.Text, l.auto.Disabled())
	}

	// Turning the video off.
	test.Tap(l.checks[2])
	f.expectCalls("SelectStreams([2])")

	// The last stream cannot be unchecked.
	test.Tap(l.checks[1])
	f.expectCalls()
	if !l.checks[1].Checked {
		t.Error("last stream unchecked")
	}

	// The player's view of the selection moves the checks without
	// sending anything back.
	m2 := demoMedia()
	m2.Tracks = append([]player.TrackInfo(nil), m.Tracks...)
	m2.Tracks[0].Selected, m2.Tracks[1].Selected, m2.Tracks[2].Selected = false, true, false
	f.emit(player.MediaChanged, status(player.Playing, m2, 0))
	f.expectCalls()
	if l.checks[0].Checked || !l.checks[1].Checked || l.checks[2].Checked {
		t.Errorf("checks do not follow the player: %v %v %v", l.checks[0].Checked, l.checks[1].Checked, l.checks[2].Checked)
	}
	if l.mode.Text != "Your selection" {
		t.Errorf("a selection update reset the mode to %q", l.mode.Text)
	}

	// Back to automatic.
	test.Tap(l.auto)
	f.expectCalls("SelectStreams(auto)")
	if !l.auto.Disabled() || l.mode.Text != "Automatic selection" {
		t.Errorf("mode %q, automatic disabled %v", l.mode.Text, l.auto.Disabled())
	}

	// Details show codec, bit rate, format and language.
	if got := trackDetails(m.Tracks[1]); got != "MP3 · 96 kb/s · 44.1 kHz stereo · fr" {
		t.Errorf("details %q", got)
	}
}

func TestVolume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t)
		if f.v.volume.Value != 1 {
			t.Errorf("default volume %v", f.v.volume.Value)
		}
		// A drag of the volume slider: many values, few commands, the last
		// value always arrives.
		for i := 1; i <= 10; i++ {
			f.v.volume.SetValue(1 - float64(i)*0.05)
		}
		advance(volumeInterval)
		got := f.ctl.takeMethod("SetVolume")
		if len(got) != 2 || absF(got[1].(float64)-0.5) > 1e-9 {
			t.Errorf("SetVolume calls %v, want 2 ending with 0.5", got)
		}
		if p := f.app.Preferences().Float(PrefVolume); absF(p-0.5) > 1e-9 {
			t.Errorf("volume preference %v", p)
		}

		test.Tap(f.v.muteBtn)
		advance(time.Second)
		if got := f.ctl.takeMethod("SetVolume"); len(got) != 1 || got[0].(float64) != 0 {
			t.Errorf("mute sent %v", got)
		}
		test.Tap(f.v.muteBtn)
		advance(time.Second)
		if got := f.ctl.takeMethod("SetVolume"); len(got) != 1 || absF(got[0].(float64)-0.5) > 1e-9 {
			t.Errorf("unmute sent %v", got)
		}

		// The next window starts at the saved volume and tells the player.
		w := test.NewTempWindow(t, widget.NewLabel(""))
		ctl := newFakeController()
		v := New(Config{App: f.app, Window: w, Controller: ctl})
		defer v.Close()
		if got := ctl.takeMethod("SetVolume"); len(got) != 1 || absF(got[0].(float64)-0.5) > 1e-9 {
			t.Errorf("new view sent %v", got)
		}
	})
}

func TestOpenFileDialogResult(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "song.wma")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	rc, err := storage.Reader(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	f.v.fileChosen(rc, nil)
	f.expectCalls("Open(" + path + ")")

	f.v.fileChosen(nil, nil) // cancelled
	f.expectCalls()

	f.v.fileChosen(nil, errors.New("permission denied"))
	f.expectCalls()
	if texts := strings.Join(overlayTexts(f.win.Canvas()), "\n"); !strings.Contains(texts, "permission denied") {
		t.Errorf("dialog says:\n%s", texts)
	}
}

func TestShowOpenFileDialog(t *testing.T) {
	f := newFixture(t)
	f.v.ShowOpenFile()
	if f.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no file dialog shown")
	}
}

func TestCloseUnsubscribes(t *testing.T) {
	f := newFixture(t)
	if f.ctl.subscribers() != 1 {
		t.Fatalf("%d subscribers", f.ctl.subscribers())
	}
	f.v.Close()
	if f.ctl.subscribers() != 0 {
		t.Errorf("%d subscribers after Close", f.ctl.subscribers())
	}
	f.v.onEvent(player.Event{Kind: player.StateChanged, Status: status(player.Playing, demoMedia(), 0)})
	if f.v.status.state.Text == "Playing" {
		t.Error("event applied after Close")
	}
}

// TestFrequentEventsAreCoalesced runs the event pump with a queue in place
// of fyne.Do, as the real driver does: a burst of position events leaves
// one status update queued, while state changes each get theirs.
func TestFrequentEventsAreCoalesced(t *testing.T) {
	f := newFixture(t)
	var queue []func()
	f.v.do = func(fn func()) { queue = append(queue, fn) }
	m := demoMedia()
	for i := 0; i < 100; i++ {
		f.emit(player.PositionChanged, status(player.Playing, m, time.Duration(i)*100*time.Millisecond))
		f.emit(player.StatsChanged, status(player.Playing, m, time.Duration(i)*100*time.Millisecond))
	}
	if len(queue) != 1 {
		t.Fatalf("%d updates queued for 200 frequent events, want 1", len(queue))
	}
	f.emit(player.StateChanged, status(player.Paused, m, 9900*time.Millisecond))
	if len(queue) != 2 {
		t.Fatalf("%d updates queued, want 2", len(queue))
	}
	for _, fn := range queue {
		fn()
	}
	queue = nil
	if f.v.elapsed.Text != "0:09" || f.v.status.state.Text != "Paused" {
		t.Errorf("after the queue ran: %q, %q", f.v.elapsed.Text, f.v.status.state.Text)
	}
	// The next burst queues again.
	f.emit(player.PositionChanged, status(player.Playing, m, 11*time.Second))
	if len(queue) != 1 {
		t.Errorf("%d updates queued after the flush, want 1", len(queue))
	}
}

func TestRecentButtonShowsMenu(t *testing.T) {
	f := newFixture(t)
	if !f.v.recentBtn.Disabled() {
		t.Error("recent button enabled with an empty list")
	}
	f.v.Open("http://example.com/a.asf")
	f.plays()
	if f.v.recentBtn.Disabled() {
		t.Fatal("recent button disabled after an open")
	}
	test.Tap(f.v.recentBtn)
	top := f.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no pop-up menu")
	}
	if r := test.RenderObjectToMarkup(top); !strings.Contains(r, "http://example.com/a.asf") {
		t.Errorf("pop-up menu does not list the recent location:\n%s", r)
	}
}

func TestRootCause(t *testing.T) {
	base := errors.New("no such file or directory")
	wrapped := fmt.Errorf("opening x: %w", fmt.Errorf("open x: %w", base))
	if got := rootCause(wrapped); got != base {
		t.Errorf("rootCause = %v", got)
	}
	joined := fmt.Errorf("play: %w", errors.Join(base, errors.New("other")))
	if got := rootCause(joined); got != base {
		t.Errorf("rootCause(joined) = %v", got)
	}
	if got := rootCause(base); got != base {
		t.Errorf("rootCause(plain) = %v", got)
	}
}

// TestPlaybackMenuRateAndEntries: fast forward/rewind and playlist skipping
// are offered only when the presentation can do them, and call the player.
func TestPlaybackMenuRateAndEntries(t *testing.T) {
	f := newFixture(t)
	item := func(label string) *fyne.MenuItem {
		for _, it := range f.v.playbackMenu.Items {
			if it.Label == label {
				return it
			}
		}
		t.Fatalf("no %q in the Playback menu", label)
		return nil
	}
	ff, rw, normal := item("Fast Forward (5×)"), item("Fast Rewind (5×)"), item("Normal Speed")
	next, prev := item("Next Playlist Entry"), item("Previous Playlist Entry")
	if !ff.Disabled || !rw.Disabled || !next.Disabled || !prev.Disabled {
		t.Fatal("enabled with nothing open")
	}
	m := demoMedia()
	f.startDemo(time.Second)
	if !ff.Disabled || !next.Disabled {
		t.Fatal("enabled for a file that offers neither")
	}
	// The last entry of a server-side playlist: the previous entry only.
	m.URL, m.CanRate, m.CanSkip, m.CanSkipBack = "mmsh://h/list", true, false, true
	st := status(player.Playing, m, time.Second)
	st.Rate = 1
	f.emit(player.MediaChanged, st)
	if !next.Disabled || prev.Disabled {
		t.Fatalf("last entry: next disabled %v, previous disabled %v", next.Disabled, prev.Disabled)
	}
	m.CanSkip = true
	st = status(player.Playing, m, time.Second)
	st.Rate = 1
	f.emit(player.MediaChanged, st)
	if ff.Disabled || rw.Disabled || next.Disabled || prev.Disabled {
		t.Fatal("not enabled for a source that offers them")
	}
	f.ctl.take()
	ff.Action()
	rw.Action()
	normal.Action()
	next.Action()
	prev.Action()
	f.expectCalls("SetRate(5)", "SetRate(-5)", "SetRate(1)", "SkipEntry(1)", "SkipEntry(-1)")
	st.Rate = 5
	f.emit(player.StateChanged, st)
	if !ff.Checked || rw.Checked || !strings.Contains(f.v.status.bitrate.Text, "▶▶ 5×") {
		t.Fatalf("checked %v/%v, status %q", ff.Checked, rw.Checked, f.v.status.bitrate.Text)
	}
}

// TestEndedOffersPlayAgain: at the end the position is the duration, the
// last picture stays behind an "Ended" panel whose Play Again button (as
// the Play button, now a replay icon, and Space) starts over; playing
// again removes the panel.
func TestEndedOffersPlayAgain(t *testing.T) {
	f := newFixture(t)
	m := f.startDemo(3 * time.Second)
	if f.v.video.ended.Visible() {
		t.Fatal("end panel shown while playing")
	}
	f.emit(player.StateChanged, status(player.Ended, m, m.Duration))
	if !f.v.video.ended.Visible() || f.v.video.endedLabel.Text != "Ended · "+formatClock(m.Duration) {
		t.Fatalf("end panel visible %v, label %q", f.v.video.ended.Visible(), f.v.video.endedLabel.Text)
	}
	if f.v.playBtn.Icon != replayIcon() {
		t.Error("the Play button does not offer to play again")
	}
	if f.v.elapsed.Text != formatClock(m.Duration) {
		t.Errorf("elapsed %q at the end", f.v.elapsed.Text)
	}
	test.Tap(f.v.video.replayBtn)
	f.expectCalls("Play()")
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	f.expectCalls("Play()")
	f.emit(player.StateChanged, status(player.Playing, m, 0))
	if f.v.video.ended.Visible() || f.v.playBtn.Icon != pauseIcon() {
		t.Error("the end panel stays after playing again")
	}
}

// TestClickedControlsLeaveSpaceToPlay: a click on a stream's check box
// toggles it without taking the keyboard focus (and takes it from the
// location field), and the volume slider, which a click focuses, passes
// Space on to the window: after either, Space still plays and pauses.
func TestClickedControlsLeaveSpaceToPlay(t *testing.T) {
	f := newFixture(t)
	m := demoMedia()
	m.Tracks = append(m.Tracks, player.TrackInfo{Track: transport.Track{
		ID: 2, Type: transport.Video, Codec: transport.FourCC("WMV2"), Bitrate: 300000,
		Video: transport.VideoParams{Width: 320, Height: 240},
	}})
	f.emit(player.StateChanged, status(player.Playing, m, 5*time.Second))
	f.v.showTab(1)
	c := f.v.streams.checks[1] // Video 2, not played
	f.win.Canvas().Focus(f.v.location)
	test.Tap(c)
	if !c.Checked {
		t.Fatal("the click did not check Video 2")
	}
	if foc := f.win.Canvas().Focused(); foc != nil {
		t.Fatalf("%T has the keyboard focus after a click on a check box", foc)
	}
	f.ctl.take()

	test.Tap(f.v.volume)
	foc := f.win.Canvas().Focused()
	if foc == nil {
		t.Fatal("a click on the volume slider did not focus it")
	}
	f.ctl.take()
	foc.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	f.expectCalls("Pause()")
	// Left and Right stay the slider's.
	before := f.v.volume.Value
	foc.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if f.v.volume.Value <= before {
		t.Fatalf("Right on the focused volume slider: %v, was %v", f.v.volume.Value, before)
	}
}

// TestFileQuit: with Config.Quit, File ▸ Quit is the menu's last item,
// marked as the quit item (so Fyne adds none that would stop the driver
// at once), and runs Quit; without it the menu has no Quit of Eddy's.
func TestFileQuit(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	quits := 0
	v := New(Config{App: a, Window: w, Controller: newFakeController(), Quit: func() { quits++ }})
	t.Cleanup(v.Close)
	file := v.mainMenu.Items[0]
	last := file.Items[len(file.Items)-1]
	if file.Label != "File" || last.Label != "Quit" || !last.IsQuit || last.Action == nil {
		t.Fatalf("File menu ends with %q (quit item %v)", last.Label, last.IsQuit)
	}
	last.Action()
	if quits != 1 {
		t.Errorf("File ▸ Quit ran Config.Quit %d times", quits)
	}

	f := newFixture(t)
	for _, it := range f.v.mainMenu.Items[0].Items {
		if it.IsQuit || it.Label == "Quit" {
			t.Errorf("without Config.Quit the File menu has %q", it.Label)
		}
	}
}
