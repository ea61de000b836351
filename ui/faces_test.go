package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/eddyplayer/eddy/player"
)

// textStyles returns the styles of the text Fyne measures in o: every
// visible object's, through containers and widget renderers, and every
// tab's content of an AppTabs (it measures them all for its own size).
func textStyles(o fyne.CanvasObject, styles map[fyne.TextStyle][]string) {
	if o == nil || !o.Visible() {
		return
	}
	textStylesIn(o, styles)
}

// textStylesIn is textStyles for o, shown or hidden.
func textStylesIn(o fyne.CanvasObject, styles map[fyne.TextStyle][]string) {
	switch x := o.(type) {
	case *canvas.Text:
		if strings.TrimSpace(x.Text) != "" {
			styles[x.TextStyle] = append(styles[x.TextStyle], x.Text)
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			textStyles(c, styles)
		}
	case fyne.Widget:
		if tabs, ok := x.(*container.AppTabs); ok {
			for _, it := range tabs.Items { // the hidden ones too
				textStylesIn(it.Content, styles)
			}
		}
		for _, c := range test.WidgetRenderer(x).Objects() {
			textStyles(c, styles)
		}
	}
}

// TestWindowUsesTwoFaces: the window's text, idle, playing a video with
// the seek bar's tip shown, and in the side panel's every tab, is in the
// regular and bold styles only. Fyne parses a style's font, and the
// system's font for the language, for each style in use: each more costs
// 2–3 MB of heap for the life of the window (issue 12).
func TestWindowUsesTwoFaces(t *testing.T) {
	f := newFixture(t)
	check := func(when string) {
		t.Helper()
		styles := map[fyne.TextStyle][]string{}
		textStyles(f.win.Canvas().Content(), styles)
		textStyles(f.v.tip.layer, styles)
		if len(styles[fyne.TextStyle{}]) == 0 || len(styles[fyne.TextStyle{Bold: true}]) == 0 {
			t.Fatalf("%s: no regular or no bold text found (%v): the walk is broken", when, styles)
		}
		for s, texts := range styles {
			if s != (fyne.TextStyle{}) && s != (fyne.TextStyle{Bold: true}) {
				t.Errorf("%s: text in style %+v: %q", when, s, texts)
			}
		}
	}
	check("idle")

	m := clipMedia(true)
	f.emit(player.MediaChanged, status(player.Buffering, m, 0))
	f.emit(player.StateChanged, status(player.Playing, m, 3*time.Second))
	f.v.VideoOutput().Present(twoColourFrame(480, 270, red, blue))
	f.emit(player.PositionChanged, status(player.Playing, m, 5*time.Second))
	bar := f.v.seek
	bar.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(bar.Size().Width/2, 1)}})
	if f.v.tip.Text() == "" {
		t.Fatal("the seek bar's tip does not show")
	}
	check("playing")
}

// TestTimesKeepTheirWidth: the elapsed and total times are in the theme's
// regular face (not a monospaced one, see TestWindowUsesTwoFaces), whose
// digits must then all have one width so the times do not jitter as they
// count.
func TestTimesKeepTheirWidth(t *testing.T) {
	test.NewTempApp(t)
	font := theme.DefaultTheme().Font(fyne.TextStyle{})
	size := theme.DefaultTheme().Size(theme.SizeNameText)
	width := func(s string) float32 {
		txt := canvas.NewText(s, nil)
		txt.TextSize = size
		txt.FontSource = font
		return txt.MinSize().Width
	}
	want := width("0:00")
	for d := 1; d <= 9; d++ {
		s := fmt.Sprintf("%d:%d%d", d, d, d)
		if got := width(s); got != want {
			t.Errorf("%q is %.2f wide, %q %.2f", s, got, "0:00", want)
		}
	}
}

// TestVideoAreaThemeScope: the video area is seen through a dark theme
// override only while the app's variant is not dark; in a dark app it is
// drawn in the app's own theme scope (each scope has its own parsed
// fonts, issue 12), and going light puts the override back.
func TestVideoAreaThemeScope(t *testing.T) {
	f := newFixture(t)
	a := f.v.video
	overridden := func() bool {
		_, ok := a.root.obj.(*container.ThemeOverride)
		return ok
	}
	if !overridden() {
		t.Fatal("in an app whose variant is not dark, the area has no dark override")
	}
	a.setAppDark(true)
	if overridden() || a.root.obj != a.screen {
		t.Fatalf("dark app: the area holds %T, want its screen without an override", a.root.obj)
	}
	a.setAppDark(false)
	if !overridden() || a.dark.Content != a.screen {
		t.Fatal("light again: the dark override is not back around the screen")
	}

	// A new area in a dark app never makes an override.
	b := newVideoArea(nil)
	b.setAppDark(true)
	if b.dark != nil || b.root.obj != b.screen {
		t.Error("a new area in a dark app made a theme override")
	}
}

// variantApp is a test app whose theme variant the test sets.
type variantApp struct {
	fyne.App
	s *variantSettings
}

func (a variantApp) Settings() fyne.Settings { return a.s }

type variantSettings struct {
	fyne.Settings
	variant   fyne.ThemeVariant
	listeners []func(fyne.Settings)
}

func (s *variantSettings) ThemeVariant() fyne.ThemeVariant { return s.variant }

func (s *variantSettings) AddListener(f func(fyne.Settings)) {
	s.listeners = append(s.listeners, f)
}

// set changes the variant and tells the listeners, as Fyne does when the
// desktop's colour scheme changes.
func (s *variantSettings) set(v fyne.ThemeVariant) {
	s.variant = v
	for _, f := range s.listeners {
		f(s)
	}
}

// TestViewFollowsTheAppVariant: a view made in a dark app shows its video
// area without an override, and follows the variant when it changes.
func TestViewFollowsTheAppVariant(t *testing.T) {
	base := test.NewTempApp(t)
	s := &variantSettings{Settings: base.Settings(), variant: theme.VariantDark}
	f := newFixtureWithApp(t, variantApp{App: base, s: s})
	a := f.v.video
	if a.dark != nil || a.root.obj != a.screen {
		t.Fatal("a view made in a dark app has a dark override on its video area")
	}
	s.set(theme.VariantLight)
	if _, ok := a.root.obj.(*container.ThemeOverride); !ok {
		t.Fatal("the app turned light: the video area has no dark override")
	}
	s.set(theme.VariantDark)
	if a.root.obj != a.screen {
		t.Fatal("the app turned dark again: the video area keeps its override")
	}
}

// TestVideoAreaKeepsItsThemeScope: moving the video area into and out of
// full screen and hiding or showing the side panel refresh the containers
// around it; none of that gives the area's objects a new theme scope.
// Each new scope had Fyne parse the area's font faces again and keep
// them: 4 MB of heap more per toggle of full screen (issue 12).
func TestVideoAreaKeepsItsThemeScope(t *testing.T) {
	f := newFixture(t)
	m := clipMedia(true)
	f.emit(player.MediaChanged, status(player.Playing, m, 0))
	a := f.v.video
	if _, ok := a.root.obj.(*container.ThemeOverride); !ok {
		t.Fatal("no dark override in an app that is not dark")
	}
	scope := theme.CurrentForWidget(a.title)
	if scope == theme.Current() {
		t.Fatal("the area's title is not in the override's scope")
	}
	for i := 0; i < 3; i++ {
		f.v.ToggleFullScreen()
		f.v.ToggleFullScreen()
		f.v.ToggleSidePanel()
		f.v.ToggleSidePanel()
	}
	if f.v.FullScreen() || !f.v.SidePanelShown() {
		t.Fatal("the toggles did not come back")
	}
	if theme.CurrentForWidget(a.title) != scope || theme.CurrentForWidget(a.captionText) != scope {
		t.Error("the video area's objects were given a new theme scope")
	}

	// An area with the app's logo shows it while idle, the artwork tile
	// otherwise: an override made while the logo shows covers the tile.
	b := newVideoArea(theme.FyneLogo())
	b.setAppDark(false)
	b.showOpening("mms://example.com/live")
	if !b.tileArt.Visible() || b.logo.Visible() {
		t.Fatal("opening: the tile does not show instead of the logo")
	}
	if theme.CurrentForWidget(b.tileIcon) != theme.CurrentForWidget(b.title) {
		t.Error("the artwork's icon is not in the area's theme scope")
	}
}
