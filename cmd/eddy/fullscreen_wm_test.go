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

// TestFullScreenUnderOpenbox runs the real app as on a desktop: on a
// virtual screen larger than the window, with an EWMH window manager
// (Openbox) running before the app starts. F makes the window full
// screen (_NET_WM_STATE_FULLSCREEN, the screen's size) and Escape gives it
// back the size it had: Fyne 2.7 left it at the screen's size, larger
// than the screen once the window manager's frame is added. (Its
// position is not checked: Fyne puts the window back at the top left.)
func TestFullScreenUnderOpenbox(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "xprop", "openbox"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (apt-get install xvfb xdotool x11-utils openbox): %v", tool, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const bigW, bigH = screenW + 280, screenH + 160
	display := startXvfbSized(t, ctx, bigW, bigH)
	env := append(filteredEnv("DISPLAY"), "DISPLAY="+display)
	run := func(name string, args ...string) string {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil && ctx.Err() == nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
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
	// until reads the X server's state again and again (each read takes
	// a few milliseconds) until ok.
	until := func(what string, read func() string, ok func(string) bool) {
		t.Helper()
		var last string
		for ctx.Err() == nil {
			s := read()
			if ctx.Err() != nil {
				break // s is the cancelled command's
			}
			if last = s; ok(s) {
				return
			}
		}
		t.Fatalf("timed out waiting for %s (last: %s; openbox: %s)", what, last, wmLog.String())
	}
	// The window manager first, as on a desktop: GLFW asks it for full
	// screen only when it finds one at start.
	until("Openbox to run", func() string { return run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK") },
		func(s string) bool { return strings.Contains(s, "window id") })

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

	out := run("xdotool", "search", "--sync", "--onlyvisible", "--name", "Eddy")
	win, err := strconv.ParseUint(strings.Fields(out)[0], 10, 32)
	if err != nil {
		t.Fatalf("xdotool search printed %q", out)
	}
	id := strconv.FormatUint(win, 10)
	hexWin := fmt.Sprintf("%#x", win)
	until("Openbox to manage the window", func() string { return run("xprop", "-root", "_NET_CLIENT_LIST") },
		func(s string) bool { return strings.Contains(s+",", " "+hexWin+",") })
	state := func() string { return run("xprop", "-id", hexWin, "_NET_WM_STATE") }
	// geometry is the window's position and size, as xdotool reads them.
	geometry := func() string {
		var keep []string
		for _, l := range strings.Fields(run("xdotool", "getwindowgeometry", "--shell", id)) {
			if !strings.HasPrefix(l, "WINDOW=") && !strings.HasPrefix(l, "SCREEN=") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, " ")
	}
	// size is the window's size from its geometry.
	size := func(g string) string {
		if i := strings.Index(g, "WIDTH="); i >= 0 {
			return g[i:]
		}
		return g
	}
	windowed := size(geometry())
	if windowed != fmt.Sprintf("WIDTH=%d HEIGHT=%d", windowWidth, windowHeight) {
		t.Fatalf("the window starts at %q, want %dx%d", windowed, windowWidth, windowHeight)
	}
	run("xdotool", "windowactivate", "--sync", id)

	run("xdotool", "key", "--window", id, "f")
	until("_NET_WM_STATE_FULLSCREEN after F", state, func(s string) bool { return strings.Contains(s, "_NET_WM_STATE_FULLSCREEN") })
	full := fmt.Sprintf("X=0 Y=0 WIDTH=%d HEIGHT=%d", bigW, bigH)
	until("the screen's size in full screen", geometry, func(s string) bool { return s == full })
	run("xdotool", "key", "--window", id, "Escape")
	until("_NET_WM_STATE_FULLSCREEN gone after Escape", state, func(s string) bool {
		return strings.HasPrefix(s, "_NET_WM_STATE") && !strings.Contains(s, "_NET_WM_STATE_FULLSCREEN")
	})
	// Out of full screen; the geometry may still be on its way: a
	// bounded number of reads (a few milliseconds each), not a timeout.
	var g string
	for range 300 {
		if g = geometry(); size(g) == windowed {
			return
		}
		select {
		case err := <-exited:
			t.Fatalf("the app exited: %v", err)
		default:
		}
	}
	t.Fatalf("after full screen and Escape the window is at %q; before, its size was %q", g, windowed)
}
