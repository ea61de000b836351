package ui

import (
	"encoding/xml"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// timerQueue makes the view's idle timers (full-screen controls,
// on-screen messages) queue their work for the test goroutine, as fyne.Do
// queues it for the app's, and returns the function that lets d pass on
// the bubble's clock and then runs what was queued.
func (f *fixture) timerQueue() (advance func(time.Duration)) {
	var mu sync.Mutex
	var queue []func()
	f.v.pump.Lock()
	f.v.later = func(fn func()) {
		mu.Lock()
		queue = append(queue, fn)
		mu.Unlock()
	}
	f.v.pump.Unlock()
	return func(d time.Duration) {
		time.Sleep(d)
		synctest.Wait()
		for {
			mu.Lock()
			q := queue
			queue = nil
			mu.Unlock()
			if len(q) == 0 {
				return
			}
			for _, fn := range q {
				fn()
			}
		}
	}
}

// move moves the pointer over the video area to (x, y).
func (f *fixture) move(x, y float32) {
	f.v.video.surface.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, y)}})
}

// TestFullScreenControlsFollowThePointer: in full screen the controls are
// hidden until the pointer moves over the picture; they show the seek bar
// and the buttons (which work), stay while the pointer keeps moving or
// rests on them, and hide controlsHideDelay after the pointer stopped on
// the picture. The timing runs on the synctest bubble's virtual clock.
func TestFullScreenControlsFollowThePointer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t)
		advance := f.timerQueue()
		f.startDemo(5 * time.Second)
		f.v.SetFullScreen(true)
		if f.v.FullScreenControlsShown() {
			t.Fatal("the controls show on entering full screen, before the pointer moved")
		}
		f.move(100, 100)
		if !f.v.FullScreenControlsShown() {
			t.Fatal("moving the pointer did not show the controls")
		}
		// Laid out where they show (Show alone lays nothing out).
		bar, min := f.v.fsBar.Size(), f.v.fsBar.MinSize()
		if bar.Height < min.Height || bar.Width < f.win.Canvas().Size().Width-1 || f.v.fsBar.Position().Y+bar.Height < f.win.Canvas().Size().Height-1 {
			t.Errorf("the controls bar is %v at %v (min %v) in a %v screen", bar, f.v.fsBar.Position(), min, f.win.Canvas().Size())
		}
		// They are the window's own controls, over the picture.
		if got := test.WidgetRenderer(f.v.playBtn); got == nil || !isInside(f.v.playBtn, f.v.fsBar) || !isInside(f.v.seek, f.v.fsBar) {
			t.Fatal("the full-screen controls do not hold the play button and the seek bar")
		}
		test.Tap(f.v.playBtn)
		f.expectCalls("Pause()")

		advance(2 * time.Second)
		f.move(110, 100) // still moving: the stillness starts again
		advance(2 * time.Second)
		if !f.v.FullScreenControlsShown() {
			t.Fatal("the controls hid 2 s after the pointer last moved")
		}
		advance(controlsHideDelay - 2*time.Second + 10*time.Millisecond)
		if f.v.FullScreenControlsShown() {
			t.Fatalf("the controls still show %v after the pointer stopped", controlsHideDelay)
		}

		// Resting on the controls keeps them.
		f.move(300, 100)
		h := f.v.video.surface.Size().Height
		f.move(300, h-2)
		f.v.video.surface.MouseOut()
		advance(3 * controlsHideDelay)
		if !f.v.FullScreenControlsShown() {
			t.Fatal("the controls hid under the pointer")
		}
		f.move(300, 100) // back onto the picture
		advance(controlsHideDelay + 10*time.Millisecond)
		if f.v.FullScreenControlsShown() {
			t.Fatal("the controls stay after the pointer came back and stopped")
		}

		// Outside full screen pointer moves change nothing.
		f.v.SetFullScreen(false)
		f.move(5, 5)
		advance(controlsHideDelay * 2)
		if f.v.fsBar.Visible() {
			t.Error("the full-screen bar shows in the window")
		}
	})
}

// isInside reports whether o is in the tree under root.
func isInside(o fyne.CanvasObject, root fyne.CanvasObject) bool {
	for _, x := range test.LaidOutObjects(root) {
		if x == o {
			return true
		}
	}
	return false
}

// TestLeavingFullScreenRestoresTheWindow: whichever way full screen is
// left (Escape, F, F11, a double click, the button), the window is as it
// was: the same markup (layout, side panel, split, controls, menu
// padding), the menu bar, the padding; also after the controls were shown
// in full screen and with the side panel hidden before.
func TestLeavingFullScreenRestoresTheWindow(t *testing.T) {
	leave := map[string]func(f *fixture){
		"Escape":       func(f *fixture) { f.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) },
		"F":            func(f *fixture) { f.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF}) },
		"F11":          func(f *fixture) { f.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF11}) },
		"double-click": func(f *fixture) { test.DoubleTap(f.v.video.surface) },
		"button":       func(f *fixture) { test.Tap(f.v.fullBtn) },
	}
	for name, out := range leave {
		for _, panel := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/panel=%v", name, panel), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					f := newFixture(t)
					advance := f.timerQueue()
					f.startDemo(5 * time.Second)
					f.v.split.SetOffset(0.6) // the user dragged the divider
					f.v.SetSidePanel(panel)
					before := test.RenderToMarkup(f.win.Canvas())
					f.v.SetFullScreen(true)
					f.move(50, 50)
					if !f.v.FullScreenControlsShown() {
						t.Fatal("no controls in full screen")
					}
					out(f)
					if f.win.FullScreen() || f.v.FullScreen() {
						t.Fatal("still full screen")
					}
					if f.win.MainMenu() != f.v.mainMenu || !f.win.Padded() {
						t.Error("the menu bar or the padding is not back")
					}
					if after := test.RenderToMarkup(f.win.Canvas()); after != before {
						t.Errorf("the window differs from before full screen:\n%s", firstDiff(before, after))
					}
					if f.v.split.Offset != 0.6 || f.v.SidePanelShown() != panel {
						t.Errorf("split %v, panel %v: not as the user left them", f.v.split.Offset, f.v.SidePanelShown())
					}
					advance(2 * controlsHideDelay) // the pending hide does not touch the window
					if after := test.RenderToMarkup(f.win.Canvas()); after != before {
						t.Errorf("the window changed after leaving full screen:\n%s", firstDiff(before, after))
					}
				})
			})
		}
	}
}

// firstDiff shows the first differing line of two markups.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(la), len(lb))
}

// TestSidePanel: the video takes most of the window beside the side
// panel; the panel hides and shows with Ctrl+I and View ▸ Side Panel
// (checked while shown), the video then taking the whole width; the
// choice stays through full screen and a new presentation, and the View
// menu's Show … items bring the panel back.
func TestSidePanel(t *testing.T) {
	f := newFixture(t)
	f.startDemo(time.Second)
	win := f.win.Canvas().Size().Width
	video := f.v.videoHost.Size().Width
	panel := f.v.tabs.Size().Width
	if video < 0.68*win || panel < f.v.tabs.MinSize().Width || panel > 0.32*win {
		t.Errorf("video %.0f and panel %.0f in a %.0f wide window: the video should have most of it", video, panel, win)
	}

	item := f.menuItem("View", "Side Panel")
	if !item.Checked || item.Shortcut == nil || chordLabel(item.Shortcut.(*desktop.CustomShortcut)) != "Ctrl+I" {
		t.Errorf("View ▸ Side Panel: checked %v, shortcut %v", item.Checked, item.Shortcut)
	}
	f.win.Canvas().(fyne.Shortcutable).TypedShortcut(ctrl(fyne.KeyI))
	if f.v.SidePanelShown() || item.Checked || f.v.tabs.Visible() && isInside(f.v.tabs, f.win.Canvas().Content()) {
		t.Fatal("Ctrl+I did not hide the side panel")
	}
	if got, all := f.v.videoHost.Size().Width, f.win.Canvas().Content().Size().Width; got < all-1 {
		t.Errorf("the video is %.0f wide with the panel hidden, window content %.0f", got, all)
	}

	f.v.SetFullScreen(true)
	f.v.SetFullScreen(false)
	f.v.Open("http://example.com/other.wma")
	f.plays()
	if f.v.SidePanelShown() {
		t.Error("the side panel came back after full screen or a new presentation")
	}

	item.Action()
	if !f.v.SidePanelShown() || !item.Checked || !isInside(f.v.tabs, f.win.Canvas().Content()) {
		t.Fatal("View ▸ Side Panel did not show the panel")
	}
	if got := f.v.videoHost.Size().Width; got > 0.75*win {
		t.Errorf("the video is %.0f wide beside the panel in a %.0f window", got, win)
	}
	f.v.SetSidePanel(false)
	f.menuItem("View", "Show Statistics").Action()
	if !f.v.SidePanelShown() || f.v.tabs.SelectedIndex() != 2 {
		t.Error("View ▸ Show Statistics did not show the panel at its tab")
	}
}

// menuItem finds a main-menu item by menu and label.
func (f *fixture) menuItem(menu, label string) *fyne.MenuItem {
	f.t.Helper()
	for _, m := range f.v.mainMenu.Items {
		if m.Label != menu {
			continue
		}
		for _, it := range m.Items {
			if it.Label == label {
				return it
			}
		}
	}
	f.t.Fatalf("no %s ▸ %s", menu, label)
	return nil
}

// markupNode is an element of Fyne's test markup.
type markupNode struct {
	XMLName  xml.Name
	Color    string       `xml:"color,attr"`
	Pos      string       `xml:"pos,attr"`
	Size     string       `xml:"size,attr"`
	Type     string       `xml:"type,attr"`
	Text     string       `xml:",chardata"`
	Children []markupNode `xml:",any"`
}

func parseXY(s string, sep string) (float64, float64) {
	if s == "" {
		return 0, 0
	}
	a, b, _ := strings.Cut(s, sep)
	x, _ := strconv.ParseFloat(a, 64)
	y, _ := strconv.ParseFloat(b, 64)
	return x, y
}

// TestPlaybackMenuShowsItsKeysInside: the Playback menu as Fyne draws it
// (rendered, at its own size) shows each item's key readably (not
// faded) inside the item,
// right of its label without overlapping it, in every state the menu
// takes (fast forward checked or not, entries enabled); Play / Pause shows
// Space, the arrows show ←/→/↑/↓, and the keys are the keyboard table's.
func TestPlaybackMenuShowsItsKeysInside(t *testing.T) {
	f := newFixture(t)
	m := f.startDemo(time.Second)
	states := map[string]func(){
		"normal": func() {},
		"fast forward, skipping": func() {
			m.CanRate, m.CanSkip, m.CanSkipBack = true, true, true
			s := status(player.Playing, m, time.Second)
			s.Rate = fastRate
			f.emit(player.MediaChanged, s)
		},
	}
	for name, set := range states {
		set()
		menu := widget.NewMenu(f.v.playbackMenu)
		w := test.NewTempWindow(t, menu)
		w.Resize(fyne.NewSize(800, 800))
		menu.Resize(menu.MinSize())
		var root markupNode
		if err := xml.Unmarshal([]byte(test.RenderObjectToMarkup(menu)), &root); err != nil {
			t.Fatal(err)
		}
		shortcuts := map[string]string{}
		var walk func(n markupNode)
		walk = func(n markupNode) {
			if n.Type == "*widget.menuItem" {
				iw, _ := parseXY(n.Size, "x")
				var texts []markupNode
				for _, c := range n.Children {
					if c.XMLName.Local == "text" {
						texts = append(texts, c)
					}
				}
				right := 0.0
				for i, c := range texts {
					x, _ := parseXY(c.Pos, ",")
					w, _ := parseXY(c.Size, "x")
					if i > 0 && x < right {
						t.Errorf("%s: %q overlaps what is left of it in the menu item %q", name, c.Text, texts[0].Text)
					}
					if x+w > iw-4 {
						t.Errorf("%s: %q ends at %.0f in a %.0f wide menu item: clipped", name, c.Text, x+w, iw)
					}
					right = x + w
				}
				if len(texts) > 1 {
					var keys []string
					for _, c := range texts[1:] {
						keys = append(keys, c.Text)
						// Readable: not the faint alpha 50 of Fyne's
						// shortcut colour from an opaque foreground.
						var r, g, b, a int
						if n, _ := fmt.Sscanf(c.Color, "rgba(%d,%d,%d,%d)", &r, &g, &b, &a); n == 4 && a < 200 {
							t.Errorf("%s: the key %q of %q is drawn at alpha %d: hard to read", name, c.Text, texts[0].Text, a)
						}
					}
					shortcuts[texts[0].Text] = strings.Join(keys, "")
				}
			}
			for _, c := range n.Children {
				walk(c)
			}
		}
		walk(root)
		for label, want := range map[string]string{
			"Play / Pause": "Space", "Stop": "Ctrl+.", "Back 10 s": "←", "Forward 10 s": "→",
			"Volume Up": "↑", "Volume Down": "↓", "Mute": "Ctrl+M",
			"Next Playlist Entry": "Ctrl+F", "Previous Playlist Entry": "Ctrl+B",
		} {
			if got := shortcuts[label]; got != want {
				t.Errorf("%s: Playback ▸ %s shows %q, want %q", name, label, got, want)
			}
		}
	}
}

// TestSeekBarShowsTimeUnderPointer: hovering the seek bar shows the media
// time under the pointer just above it (the time a click there seeks
// to); leaving hides it; a bar that cannot seek shows nothing.
func TestSeekBarShowsTimeUnderPointer(t *testing.T) {
	f := newFixture(t)
	f.startDemo(time.Second) // 20 s
	bar := f.v.seek
	w := bar.Size().Width
	hover := func(x float32) {
		bar.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, bar.Size().Height/2)}})
	}
	bar.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(w/2, 1)}})
	if got := f.v.tip.Text(); got != "0:10" {
		t.Errorf("tip over the middle of a 20 s bar says %q, want 0:10", got)
	}
	hover(w - 1)
	if got := f.v.tip.Text(); got != "0:20" {
		t.Errorf("tip at the end says %q, want 0:20", got)
	}
	hover(w / 4)
	got := f.v.tip.Text()
	// A tap at the same place seeks to the time the tip gave.
	test.TapAt(bar, fyne.NewPos(w/4, bar.Size().Height/2))
	var seek time.Duration
	for _, c := range f.ctl.take() {
		if c.Method == "Seek" {
			seek = c.Arg.(time.Duration)
		}
	}
	if formatClock(seek) != got {
		t.Errorf("the tip said %q where a tap seeks to %v", got, seek)
	}
	// Above the bar, centred on the pointer, inside the window.
	drv := fyne.CurrentApp().Driver()
	tip := drv.AbsolutePositionForObject(f.v.tip.box)
	barPos := drv.AbsolutePositionForObject(bar)
	if tip.Y+f.v.tip.box.Size().Height > barPos.Y || tip.Y < barPos.Y-3*f.v.tip.box.Size().Height {
		t.Errorf("tip at y %.0f, bar at y %.0f: not just above it", tip.Y, barPos.Y)
	}
	if mid := tip.X + f.v.tip.box.Size().Width/2; mid < barPos.X+w/4-2 || mid > barPos.X+w/4+2 {
		t.Errorf("tip centred at x %.0f, pointer at %.0f", mid, barPos.X+w/4)
	}
	bar.MouseOut()
	if f.v.tip.Text() != "" {
		t.Error("the tip stays after the pointer left the bar")
	}

	// A live broadcast cannot seek: no tip.
	live := demoMedia()
	live.Broadcast, live.Seekable = true, false
	f.emit(player.MediaChanged, status(player.Playing, live, time.Second))
	hover(w / 2)
	if f.v.tip.Text() != "" {
		t.Error("a tip over a bar that cannot seek")
	}
}

// TestOnScreenMessages: volume keys and seeks show a message over the
// picture ("Volume 55%", "0:15 / 0:20") that goes osdDuration after the
// last one; the volume also shows in percent beside its slider.
func TestOnScreenMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t)
		advance := f.timerQueue()
		f.startDemo(5 * time.Second)
		if f.v.osd.Text() != "" {
			t.Fatalf("a message %q before anything was done", f.v.osd.Text())
		}
		if f.v.volText.Text != "100%" {
			t.Errorf("volume shows %q, want 100%%", f.v.volText.Text)
		}
		key := f.win.Canvas().OnTypedKey()
		key(&fyne.KeyEvent{Name: fyne.KeyUp}) // at the top already: says so
		if got := f.v.osd.Text(); got != "Volume 100%" {
			t.Errorf("message %q after ↑ at 100%%, want Volume 100%%", got)
		}
		if got := f.ctl.takeMethod("SetVolume"); len(got) != 0 {
			t.Errorf("↑ at 100%% sent %v", got)
		}
		f.v.SetVolume(0.5)
		key(&fyne.KeyEvent{Name: fyne.KeyUp})
		if got := f.v.osd.Text(); got != "Volume 55%" {
			t.Errorf("message %q after ↑ from 50%%, want Volume 55%%", got)
		}
		if sz, min := f.v.video.osdText.Size(), f.v.video.osdText.MinSize(); sz.Width < min.Width || sz.Height < min.Height {
			t.Errorf("the message is %v, smaller than its text (%v): not laid out", sz, min)
		}
		if f.v.volText.Text != "55%" {
			t.Errorf("volume shows %q, want 55%%", f.v.volText.Text)
		}
		if !isInside(f.v.video.osd, f.v.video.root) {
			t.Error("the message is not over the picture")
		}
		advance(osdDuration - 100*time.Millisecond)
		if f.v.osd.Text() == "" {
			t.Fatal("the message went before its time")
		}
		key(&fyne.KeyEvent{Name: fyne.KeyRight})
		if got := f.v.osd.Text(); got != "0:15 / 0:20" {
			t.Errorf("message %q after → at 0:05 of 0:20", got)
		}
		advance(osdDuration - 100*time.Millisecond)
		if f.v.osd.Text() == "" {
			t.Fatal("the seek's message went before its time (the volume's timer hid it)")
		}
		advance(200 * time.Millisecond)
		if got := f.v.osd.Text(); got != "" {
			t.Errorf("message %q still shown %v after the last", got, osdDuration+100*time.Millisecond)
		}
		// Also in full screen, where the picture is all there is.
		f.v.SetFullScreen(true)
		key(&fyne.KeyEvent{Name: fyne.KeyDown})
		if got := f.v.osd.Text(); got != "Volume 50%" || !isInside(f.v.video.osd, f.win.Canvas().Content()) {
			t.Errorf("full screen: message %q", got)
		}
		advance(osdDuration + time.Millisecond)
	})
}

// TestShortcutsDialogListsTheKeyTable: Help ▸ Keyboard Shortcuts (and F1)
// lists every row of the keyboard table the keys are installed from, and
// every key a menu shows is in it with the same action; each listed key
// does what the list says.
func TestShortcutsDialogListsTheKeyTable(t *testing.T) {
	f := newFixture(t)
	f.startDemo(5 * time.Second)
	f.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	texts := overlayTexts(f.win.Canvas())
	has := func(s string) bool {
		for _, t := range texts {
			if t == s {
				return true
			}
		}
		return false
	}
	if len(f.v.keys) < 10 {
		t.Fatalf("the keyboard table has %d rows", len(f.v.keys))
	}
	for _, b := range f.v.keys {
		if !has(b.keysText()) || !has(b.help) {
			t.Errorf("the dialog does not list %q: %q", b.keysText(), b.help)
		}
	}
	for _, want := range []string{"Space, Ctrl+P", "Play or pause", "F, F11", "Ctrl+I", "Ctrl+U", "Double-click"} {
		if !has(want) {
			t.Errorf("the dialog does not list %q; it lists %q", want, texts)
		}
	}
	// Every key shown in a menu is a key of the table, for that item's
	// action (the menus are built from the table).
	for _, m := range f.v.mainMenu.Items {
		for _, it := range m.Items {
			sc, ok := it.Shortcut.(*desktop.CustomShortcut)
			if !ok {
				continue
			}
			found := false
			for _, b := range f.v.keys {
				for _, k := range b.keys {
					found = found || sc.Modifier == 0 && sc.KeyName == k
				}
				for _, c := range b.chords {
					found = found || *c == *sc
				}
			}
			if !found {
				t.Errorf("%s ▸ %s shows %s, which is not in the keyboard table", m.Label, it.Label, chordLabel(sc))
			}
		}
	}
	// Escape closes it (and does nothing else).
	f.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape did not close the shortcuts dialog")
	}
	f.expectCalls()

	// The keys do what the list says (a sample of plain keys and chords,
	// through the window's handlers).
	key := f.win.Canvas().OnTypedKey()
	sc := f.win.Canvas().(fyne.Shortcutable).TypedShortcut
	key(&fyne.KeyEvent{Name: fyne.KeySpace})
	f.expectCalls("Pause()")
	sc(ctrl(fyne.KeyPeriod))
	f.expectCalls("Stop()")
	sc(ctrl(fyne.KeyF))
	f.expectCalls("SkipEntry(1)")
	sc(ctrl(fyne.KeyI))
	if f.v.SidePanelShown() {
		t.Error("Ctrl+I did not hide the side panel")
	}
}

// TestAboutDialog: Help ▸ About names the versions of Eddy, Fyne (from
// the build), the FFmpeg libraries (given by cmd/eddy) and Go.
func TestAboutDialog(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(960, 600))
	v := New(Config{App: a, Window: w, Controller: newFakeController(),
		About: AboutInfo{Version: "9.8.7", Libraries: []string{"libavcodec 59.37.100", ""}}})
	t.Cleanup(v.Close)
	var about *fyne.MenuItem
	for _, m := range v.mainMenu.Items {
		if m.Label == "Help" {
			for _, it := range m.Items {
				if strings.HasPrefix(it.Label, "About") {
					about = it
				}
			}
		}
	}
	if about == nil {
		t.Fatal("no Help ▸ About")
	}
	about.Action()
	texts := strings.Join(overlayTexts(w.Canvas()), "\n")
	// A test binary has no module list in its build information, so
	// Fyne's version is "(unknown)" here; moduleVersion is tested below.
	for _, want := range []string{"Eddy 9.8.7", "Fyne ", "FFmpeg libavcodec 59.37.100", "Go " + strings.TrimPrefix(runtime.Version(), "go")} {
		if !strings.Contains(texts, want) {
			t.Errorf("About does not say %q; it says:\n%s", want, texts)
		}
	}
	if strings.Contains(texts, "FFmpeg \n") || strings.HasSuffix(texts, "FFmpeg ") {
		t.Errorf("About lists an empty library:\n%s", texts)
	}
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if w.Canvas().Overlays().Top() != nil {
		t.Error("Enter did not close About")
	}

	bi := &debug.BuildInfo{Deps: []*debug.Module{
		{Path: "fyne.io/systray", Version: "v1.11.1"},
		{Path: "fyne.io/fyne/v2", Version: "v2.7.1"},
		{Path: "example.com/replaced", Version: "v1.0.0", Replace: &debug.Module{Path: "../fork", Version: "v1.0.1"}},
	}}
	for path, want := range map[string]string{"fyne.io/fyne/v2": "v2.7.1", "example.com/replaced": "v1.0.1", "fyne.io/fyne": "(unknown)"} {
		if got := moduleVersionIn(bi, true, path); got != want {
			t.Errorf("moduleVersion(%s) = %q, want %q", path, got, want)
		}
	}
	if got := moduleVersionIn(nil, false, "fyne.io/fyne/v2"); got != "(unknown)" {
		t.Errorf("without build information: %q", got)
	}
}

// TestOpenFileOrURL: File ▸ Open File or URL… (Ctrl+U) takes a typed path
// or URL, Enter opening it; the location offered again is selected, so
// typing replaces it; Cancel opens nothing; what fails to open is
// not remembered in Recent, what plays is.
func TestOpenFileOrURL(t *testing.T) {
	f := newFixture(t)
	f.win.Canvas().(fyne.Shortcutable).TypedShortcut(ctrl(fyne.KeyU))
	if f.v.openDialog == nil || f.win.Canvas().Focused() != f.v.openEntry {
		t.Fatal("Ctrl+U did not open the dialog with its entry focused")
	}
	test.Type(f.v.openEntry, "/music/missing.wma")
	f.v.openEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f.expectCalls("Open(/music/missing.wma)")
	if f.win.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays after Enter")
	}
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0), Err: fmt.Errorf("open /music/missing.wma: no such file")})
	if got := f.v.Recent(); len(got) != 0 {
		t.Errorf("recent %q after a location failed", got)
	}
	f.v.errDialog.Hide()

	f.menuItem("File", "Open File or URL…").Action()
	if f.v.openEntry.Text != "/music/missing.wma" {
		t.Errorf("the dialog offers %q, not the location that failed, to correct", f.v.openEntry.Text)
	}
	if got := f.v.openEntry.SelectedText(); got != "/music/missing.wma" {
		t.Errorf("the location offered is not selected (selection %q): typing would add to it", got)
	}
	test.Type(f.v.openEntry, "  mms://example.com/live ") // replaces it
	test.Tap(findButton(t, f.win.Canvas().Overlays().Top(), "Open"))
	f.expectCalls("Open(mms://example.com/live)")
	f.plays()
	if got := f.v.Recent(); len(got) != 1 || got[0] != "mms://example.com/live" {
		t.Errorf("recent %q after a location played", got)
	}

	f.menuItem("File", "Open File or URL…").Action()
	f.v.openEntry.SetText("/other.wma")
	test.Tap(findButton(t, f.win.Canvas().Overlays().Top(), "Cancel"))
	f.expectCalls()
}

func findButton(t *testing.T, root fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, o := range test.LaidOutObjects(root) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no %q button", text)
	return nil
}

// TestDropFilesAndURLs: one item dropped on the window plays; several
// play in order as a playlist (local files as paths, URLs as given).
func TestDropFilesAndURLs(t *testing.T) {
	f := newFixture(t)
	file := storage.NewFileURI("/music/a song.wma")
	web, _ := storage.ParseURI("http://example.com/b.asf")
	f.v.Drop([]fyne.URI{file})
	f.expectCalls("Open(/music/a song.wma)")
	f.v.Drop([]fyne.URI{file, nil, web})
	f.expectCalls("OpenList(Dropped items: /music/a song.wma | http://example.com/b.asf)")
	f.v.Drop(nil)
	f.expectCalls()
	// GLFW hands over every dropped line as a path, and Fyne makes each a
	// file URI: a URL dragged from a browser comes as file://http://….
	f.v.Drop([]fyne.URI{storage.NewFileURI("mms://example.com/live"), storage.NewFileURI("http://example.com/c%20d.asf")})
	f.expectCalls("OpenList(Dropped items: mms://example.com/live | http://example.com/c%20d.asf)")
	if got := f.v.video.title.Text; got != "Opening…" {
		t.Errorf("video area %q after a drop", got)
	}
}

// TestIdleTimer: fn runs once, delay after the last poke (pokes in
// between only push it back), on the queue given as do; a run that was
// queued when a poke came is dropped (the poke starts a new wait), and
// stop cancels a pending run.
func TestIdleTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var queue []func()
		runs := 0
		it := newIdleTimer(time.Second, func(f func()) {
			mu.Lock()
			queue = append(queue, f)
			mu.Unlock()
		}, func() { runs++ })
		drain := func() {
			mu.Lock()
			q := queue
			queue = nil
			mu.Unlock()
			for _, f := range q {
				f()
			}
		}
		wait := func(d time.Duration) { time.Sleep(d); synctest.Wait() }

		it.poke()
		wait(600 * time.Millisecond)
		it.poke()
		wait(600 * time.Millisecond) // 1.2 s after the first poke, 0.6 s after the last
		drain()
		if runs != 0 {
			t.Fatal("ran before a second of stillness")
		}
		wait(401 * time.Millisecond)
		// Queued, not yet run on the UI goroutine; a poke comes first.
		it.poke()
		drain()
		if runs != 0 {
			t.Fatal("a run queued before the last poke was not dropped")
		}
		wait(time.Second + time.Millisecond)
		drain()
		if runs != 1 {
			t.Fatalf("%d runs a second after the last poke, want 1", runs)
		}
		wait(5 * time.Second)
		drain()
		if runs != 1 {
			t.Fatalf("%d runs without pokes, want still 1", runs)
		}
		it.poke()
		it.stop()
		wait(2 * time.Second)
		drain()
		if runs != 1 {
			t.Fatal("ran after stop")
		}
		// Stopped while its run waits in the queue.
		it.poke()
		wait(time.Second + time.Millisecond)
		it.stop()
		drain()
		if runs != 1 {
			t.Fatal("a queued run ran after stop")
		}
	})
}

// TestFullScreenControlsLeaveTheEndPanelFree: at the end, in full screen,
// the controls coming up over the bottom of the picture push the Ended
// panel (Play Again) above them rather than covering it; it goes back
// down when they hide.
func TestFullScreenControlsLeaveTheEndPanelFree(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t)
		advance := f.timerQueue()
		m := f.startDemo(5 * time.Second)
		f.emit(player.StateChanged, status(player.Ended, m, m.Duration))
		f.v.SetFullScreen(true)
		drv := fyne.CurrentApp().Driver()
		bottomOf := func(o fyne.CanvasObject) float32 { return drv.AbsolutePositionForObject(o).Y + o.Size().Height }
		screen := f.win.Canvas().Size().Height
		if b := bottomOf(f.v.video.replayBtn); b < screen-60 {
			t.Fatalf("Play Again ends at %.0f of %.0f before the controls show", b, screen)
		}
		f.move(100, 100)
		barTop := drv.AbsolutePositionForObject(f.v.fsBar).Y
		if b := bottomOf(f.v.video.replayBtn); b > barTop {
			t.Errorf("Play Again ends at %.0f, under the controls from %.0f", b, barTop)
		}
		test.Tap(f.v.video.replayBtn)
		f.expectCalls("Play()")
		advance(controlsHideDelay + time.Millisecond)
		if f.v.FullScreenControlsShown() {
			t.Fatal("the controls did not hide")
		}
		if b := bottomOf(f.v.video.replayBtn); b < screen-60 {
			t.Errorf("Play Again stays up at %.0f after the controls hid", b)
		}
	})
}
