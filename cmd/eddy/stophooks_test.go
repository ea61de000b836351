package main

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/test"
)

// TestTakeStopHooks: Fyne's lifecycle (one type for its apps and its
// test apps) gives up both stop hooks. Afterwards it has none to queue as
// the app stops, and the function returned runs both, the app's first, as
// Fyne would have.
func TestTakeStopHooks(t *testing.T) {
	lc := test.NewTempApp(t).Lifecycle()
	h, ok := lc.(stopHooks)
	if !ok {
		t.Fatalf("Fyne's lifecycle %T no longer offers its stop hooks: Eddy cannot run them itself (takeStopHooks)", lc)
	}
	var ran []string
	lc.SetOnStopped(func() { ran = append(ran, "app") })
	h.SetOnStoppedHookExecuted(func() { ran = append(ran, "fyne") })

	run := takeStopHooks(lc)
	if h.OnStopped() != nil {
		t.Fatal("a stop hook is left in Fyne's lifecycle: Fyne would still queue it as the app stops")
	}
	if len(ran) != 0 {
		t.Fatalf("hooks ran while being taken: %v", ran)
	}
	run()
	if want := []string{"app", "fyne"}; !slices.Equal(ran, want) {
		t.Fatalf("the taken hooks ran %v, want %v", ran, want)
	}

	// Nothing left to take: a function that does nothing.
	takeStopHooks(lc)()
}

// TestStopHooksSavePreferences: in a real app, what takeStopHooks takes
// is Fyne's last save of the preferences. Fyne saves at once on a change,
// then ignores changes until its debounce clears on the loop (which does
// not run here), so the second value reaches the file only through the
// taken hook.
func TestStopHooksSavePreferences(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	a := app.NewWithID(appID)
	stop := takeStopHooks(a.Lifecycle())

	a.Preferences().SetString("first", "1")
	a.Preferences().SetString("second", "2")
	if m := readPrefs(t, home); m["first"] != "1" || m["second"] != nil {
		t.Fatalf("before the stop hook the file holds %v, want first alone (Fyne's debounce)", m)
	}
	stop()
	if m := readPrefs(t, home); m["first"] != "1" || m["second"] != "2" {
		t.Fatalf("after the stop hook the file holds %v, want both values", m)
	}
}

// TestStopSteps: making the stop takes Fyne's hooks out of its lifecycle
// at once; the stop runs the steps in order, then Fyne's hooks, and only
// the first time.
func TestStopSteps(t *testing.T) {
	lc := test.NewTempApp(t).Lifecycle()
	h := lc.(stopHooks)
	var ran []string
	note := func(s string) func() { return func() { ran = append(ran, s) } }
	h.SetOnStoppedHookExecuted(note("fyne"))

	stop := stopSteps(lc, note("view"), note("player"))
	if h.OnStopped() != nil {
		t.Fatal("a stop hook is left in Fyne's lifecycle")
	}
	stop()
	stop()
	if want := []string{"view", "player", "fyne"}; !slices.Equal(ran, want) {
		t.Fatalf("stopping twice ran %v, want %v", ran, want)
	}
}
