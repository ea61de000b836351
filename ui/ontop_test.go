package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/eddyplayer/eddy/ui/internal/x11"
)

// viewMenuItem is View ▸ label.
func viewMenuItem(t *testing.T, v *View, label string) *fyne.MenuItem {
	t.Helper()
	for _, m := range v.mainMenu.Items {
		if m.Label == "View" {
			return menuItemNamed(t, m, label)
		}
	}
	t.Fatal("no View menu")
	return nil
}

// TestOnTopNotSupported: where the window has no way to stay on top (Fyne's
// test window, as Windows, macOS or Wayland builds), View ▸ Always on Top
// is disabled and T says so in the status bar; nothing pretends it is on.
func TestOnTopNotSupported(t *testing.T) {
	f := newFixture(t)
	item := viewMenuItem(t, f.v, "Always on Top")
	if !item.Disabled {
		t.Error("Always on Top is enabled where it is not supported")
	}
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyT})
	if got := f.v.status.Message(); got != "Always on top is not supported here" {
		t.Errorf("status %q", got)
	}
	if f.v.OnTop() || item.Checked {
		t.Error("on top although not supported")
	}
}

// TestOnTopToggle: T and View ▸ Always on Top ask the platform; the item
// is checked (and the picture says so) only once the window manager has
// done it, and a failure is said in the status bar in a user's words,
// leaving the item as it was; a press while a request is on its way
// applies once it is answered.
func TestOnTopToggle(t *testing.T) {
	f := newFixture(t)
	var asked []bool
	var finish func(error)
	f.v.onTop.set = func(on bool, done func(error)) {
		asked = append(asked, on)
		finish = done
	}
	item := viewMenuItem(t, f.v, "Always on Top")
	if k := f.v.binding("ontop"); k == nil || !slices.Equal(k.keys, []fyne.KeyName{fyne.KeyT}) {
		t.Fatalf("the key table's ontop row: %+v", k)
	}

	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyT})
	if fmt.Sprint(asked) != "[true]" || item.Checked || f.v.OnTop() {
		t.Fatalf("before the window manager answered: asked %v, checked %v", asked, item.Checked)
	}
	finish(nil)
	if !item.Checked || !f.v.OnTop() || f.v.osd.Text() != "Always on top" {
		t.Fatalf("after it did: checked %v, OnTop %v, picture %q", item.Checked, f.v.OnTop(), f.v.osd.Text())
	}

	item.Action()
	finish(nil)
	if fmt.Sprint(asked) != "[true false]" || item.Checked || f.v.OnTop() || f.v.osd.Text() != "Not on top" {
		t.Fatalf("off: asked %v, checked %v, picture %q", asked, item.Checked, f.v.osd.Text())
	}

	// Pressed twice quickly: on, then off once the first is answered;
	// three times: on (the two presses after the first cancel out).
	for _, tc := range []struct {
		presses int
		asked   string
		on      bool
	}{{2, "[true false]", false}, {3, "[true]", true}} {
		asked = nil
		for range tc.presses {
			f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyT})
		}
		for range len(strings.Fields(tc.asked)) {
			finish(nil)
		}
		if fmt.Sprint(asked) != tc.asked || item.Checked != tc.on || f.v.OnTop() != tc.on {
			t.Fatalf("%d quick presses: asked %v, checked %v", tc.presses, asked, item.Checked)
		}
	}
	item.Action()
	finish(nil)

	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("always on top: %w", x11.ErrNoSupport), "Always on top is not available: the window manager does not support it"},
		{fmt.Errorf("always on top: %w", x11.ErrNotApplied), "The window manager did not keep the window on top"},
		{x11.ErrUnsupported, "Always on top is not supported here"},
	} {
		f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyT})
		finish(tc.err)
		if got := f.v.status.Message(); got != tc.want {
			t.Errorf("%v: status %q, want %q", tc.err, got, tc.want)
		}
		if item.Checked || f.v.OnTop() {
			t.Errorf("%v: checked although it failed", tc.err)
		}
	}
}
