package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAlwaysOnTopUnderOpenbox runs the real app on a virtual X display
// with an EWMH window manager (Openbox), presses T (View ▸ Always on
// Top) and checks with xprop that the window manager put the app's
// window above the others (its _NET_WM_STATE lists
// _NET_WM_STATE_ABOVE), then that a second T takes it back.
func TestAlwaysOnTopUnderOpenbox(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "xprop", "openbox"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (apt-get install xvfb xdotool x11-utils openbox): %v", tool, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	display := startXvfb(t, ctx)
	env := append(filteredEnv("DISPLAY"), "DISPLAY="+display)

	args, _ := json.Marshal([]string{"-audio", "none"})
	home := t.TempDir() // Fyne preferences go here, not into the user's home
	app := exec.Command(os.Args[0], "-test.run=^$")
	app.Env = append(filteredEnv("ALSA_CONFIG_PATH", "HOME", "XDG_CONFIG_HOME", "DISPLAY", "LANG", "WAYLAND_DISPLAY"),
		envApp+"=1", envArgs+"="+string(args),
		"DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"LANG=en_US.UTF-8")
	var appLog strings.Builder
	app.Stdout, app.Stderr = &appLog, &appLog
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		select {
		case <-exited:
		default:
			app.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("app output:\n%s", appLog.String())
		}
	}()

	// The app's window first, then the window manager, which takes up
	// the windows there when it starts.
	search := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", "Eddy")
	search.Env = env
	out, err := search.Output()
	if err != nil {
		t.Fatalf("xdotool search: %v", err)
	}
	win, err := strconv.ParseUint(strings.Fields(string(out))[0], 10, 32)
	if err != nil {
		t.Fatalf("xdotool search printed %q", out)
	}
	wm := exec.Command("openbox", "--sm-disable")
	wm.Env = env
	var wmLog strings.Builder
	wm.Stdout, wm.Stderr = &wmLog, &wmLog
	if err := wm.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		wm.Process.Kill()
		wm.Wait()
	}()
	xprop := func(args ...string) string {
		cmd := exec.CommandContext(ctx, "xprop", args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil && ctx.Err() == nil {
			t.Fatalf("xprop %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	// until reads the X server's state again and again (each xprop takes
	// a few milliseconds) until ok, the window manager having acted.
	until := func(what string, read func() string, ok func(string) bool) {
		t.Helper()
		var last string
		for ctx.Err() == nil {
			s := read()
			if ctx.Err() != nil {
				break // s is the cancelled xprop's
			}
			if last = s; ok(s) {
				return
			}
			select {
			case err := <-exited:
				t.Fatalf("the app exited (%v) before %s", err, what)
			default:
			}
		}
		t.Fatalf("timed out waiting for %s (last: %s; openbox: %s)", what, last, wmLog.String())
	}
	hexWin := fmt.Sprintf("%#x", win)
	until("Openbox to manage the window", func() string { return xprop("-root", "_NET_CLIENT_LIST") },
		func(s string) bool { return strings.Contains(s+",", " "+hexWin+",") })
	state := func() string { return xprop("-id", hexWin, "_NET_WM_STATE") }
	if s := state(); strings.Contains(s, "_NET_WM_STATE_ABOVE") {
		t.Fatalf("the window is on top before T: %s", s)
	}

	pressKey(t, ctx, display, "t")
	until("_NET_WM_STATE_ABOVE after T", state, func(s string) bool { return strings.Contains(s, "_NET_WM_STATE_ABOVE") })
	pressKey(t, ctx, display, "t")
	until("_NET_WM_STATE_ABOVE gone after a second T", state, func(s string) bool {
		return strings.HasPrefix(s, "_NET_WM_STATE") && !strings.Contains(s, "_NET_WM_STATE_ABOVE")
	})
}
