package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Helpers of the tests that run the real app under a window manager
// (ontop_test.go, fullscreen_wm_test.go).

// xCommand runs a command on display and returns its standard output, trimmed;
// it fails the test when the command fails (unless ctx ended).
func xCommand(t *testing.T, ctx context.Context, display, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(filteredEnv("DISPLAY"), "DISPLAY="+display)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && ctx.Err() == nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// startOpenbox starts the Openbox window manager on display, stopped at
// the end of the test; its output is returned for failure messages.
func startOpenbox(t *testing.T, display string) *strings.Builder {
	t.Helper()
	wm := exec.Command("openbox", "--sm-disable")
	wm.Env = append(filteredEnv("DISPLAY"), "DISPLAY="+display)
	var wmLog strings.Builder
	wm.Stdout, wm.Stderr = &wmLog, &wmLog
	if err := wm.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		wm.Process.Kill()
		wm.Wait()
	})
	return &wmLog
}

// pollX reads the X server's state again and again (each read takes a
// few milliseconds) until ok, the window manager or the app having
// acted; it fails the test when ctx ends first or the app exits. wmLog
// (may be nil) goes into the failure message.
func pollX(t *testing.T, ctx context.Context, app *appUnderTest, wmLog *strings.Builder, what string, read func() string, ok func(string) bool) {
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
		if app != nil {
			select {
			case err := <-app.exited:
				t.Fatalf("the app exited (%v) before %s", err, what)
			default:
			}
		}
	}
	wm := ""
	if wmLog != nil {
		wm = wmLog.String()
	}
	t.Fatalf("timed out waiting for %s (last: %s; openbox: %s)", what, last, wm)
}

// appWindow waits for the app's window to show on display and returns
// its X id.
func appWindow(t *testing.T, ctx context.Context, display string) uint64 {
	t.Helper()
	out := xCommand(t, ctx, display, "xdotool", "search", "--sync", "--onlyvisible", "--name", "Eddy")
	win, err := strconv.ParseUint(strings.Fields(out + " ")[0], 10, 32)
	if err != nil {
		t.Fatalf("xdotool search printed %q", out)
	}
	return win
}

// waitManaged waits until the window manager lists win among the
// windows it manages (_NET_CLIENT_LIST).
func waitManaged(t *testing.T, ctx context.Context, app *appUnderTest, wmLog *strings.Builder, display string, win uint64) {
	t.Helper()
	hexWin := fmt.Sprintf("%#x", win)
	pollX(t, ctx, app, wmLog, "the window manager to manage the window",
		func() string { return xCommand(t, ctx, display, "xprop", "-root", "_NET_CLIENT_LIST") },
		func(s string) bool { return strings.Contains(s+",", " "+hexWin+",") })
}
