//go:build cgo && (linux || freebsd || openbsd || netbsd) && !wayland

package x11

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startXvfb starts a virtual X display for the test (the number Xvfb
// picks, so tests running at once do not meet) and points DISPLAY at it.
func startXvfb(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xmessage", "xprop", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (apt-get install xvfb x11-utils xdotool): %v", tool, err)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "640x480x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	var xlog strings.Builder
	x.Stdout, x.Stderr = &xlog, &xlog
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	stop(t, x)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		if _, err := strconv.Atoi(s); err != nil {
			t.Fatalf("Xvfb did not report a display (%q): %s", s, xlog.String())
		}
		t.Setenv("DISPLAY", ":"+s)
	case <-ctx.Done():
		t.Fatalf("Xvfb did not start: %s", xlog.String())
	}
}

// stop ends cmd when the test ends.
func stop(t *testing.T, cmd *exec.Cmd) {
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
}

// start runs a program on the test's display until the test ends.
func start(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop(t, cmd)
}

// xpropState is the window's _NET_WM_STATE as xprop prints it (a second
// reader, beside Above).
func xpropState(t *testing.T, ctx context.Context, win uintptr) string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "xprop", "-id", fmt.Sprint(win), "_NET_WM_STATE").CombinedOutput()
	if err != nil {
		t.Fatalf("xprop: %v: %s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// xmessageWindow starts xmessage and returns its window.
func xmessageWindow(t *testing.T, ctx context.Context) uintptr {
	t.Helper()
	start(t, "xmessage", "-name", "eddy-ontop-test", "on top?")
	out, err := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--classname", "eddy-ontop-test").Output()
	if err != nil {
		t.Fatalf("xdotool search: %v", err)
	}
	id, err := strconv.ParseUint(strings.Fields(string(out))[0], 10, 32)
	if err != nil {
		t.Fatalf("xdotool search printed %q", out)
	}
	return uintptr(id)
}

func isAbove(l string) bool { return strings.Contains(l, "_NET_WM_STATE_ABOVE") }

// TestSetAboveWithoutWindowManager: with no window manager (none lists
// _NET_WM_STATE_ABOVE as supported) SetAbove says it cannot be done
// rather than pretending.
func TestSetAboveWithoutWindowManager(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	startXvfb(t, ctx)
	win := xmessageWindow(t, ctx)
	if err := SetAbove(win, true); !errors.Is(err, ErrNoSupport) {
		t.Fatalf("SetAbove without a window manager: %v, want ErrNoSupport", err)
	}
	if err := SetAbove(0, true); err == nil {
		t.Error("SetAbove of window 0 did not fail")
	}
}

// TestSetAboveWithOpenbox: under an EWMH window manager (Openbox) the
// state of a mapped window changes as asked (the client message), as
// Above, WaitAbove and xprop see it; a window that is not mapped gets the
// property, which the window manager honours when the window is mapped
// again; a window that is gone is an error.
func TestSetAboveWithOpenbox(t *testing.T) {
	if _, err := exec.LookPath("openbox"); err != nil {
		t.Fatalf("openbox is needed (apt-get install openbox): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	startXvfb(t, ctx)
	win := xmessageWindow(t, ctx)
	if err := WaitManaged(win, 10*time.Millisecond); !errors.Is(err, ErrNotApplied) {
		t.Fatalf("WaitManaged with no window manager: %v, want ErrNotApplied", err)
	}
	start(t, "openbox", "--sm-disable")
	if err := WaitManaged(win, 30*time.Second); err != nil {
		t.Fatal(err)
	}

	for _, on := range []bool{true, false, true} {
		if err := SetAbove(win, on); err != nil {
			t.Fatalf("SetAbove(%v): %v", on, err)
		}
		if err := WaitAbove(win, on, 20*time.Second); err != nil {
			t.Fatalf("SetAbove(%v): %v (xprop: %s)", on, err, xpropState(t, ctx, win))
		}
		if got, err := Above(win); err != nil || got != on {
			t.Fatalf("Above = %v, %v; want %v", got, err, on)
		}
		if x := xpropState(t, ctx, win); isAbove(x) != on {
			t.Fatalf("after SetAbove(%v) xprop says %s", on, x)
		}
	}
	if err := WaitAbove(win, false, 10*time.Millisecond); !errors.Is(err, ErrNotApplied) {
		t.Errorf("WaitAbove of a state that does not come: %v, want ErrNotApplied", err)
	}

	// Not mapped: the window's own property, read when it is mapped.
	if err := exec.CommandContext(ctx, "xdotool", "windowunmap", "--sync", fmt.Sprint(win)).Run(); err != nil {
		t.Fatal(err)
	}
	if err := SetAbove(win, false); err != nil {
		t.Fatalf("SetAbove(false) unmapped: %v", err)
	}
	if got, err := Above(win); err != nil || got {
		t.Fatalf("unmapped, after SetAbove(false): Above = %v, %v", got, err)
	}
	if err := SetAbove(win, true); err != nil {
		t.Fatalf("SetAbove(true) unmapped: %v", err)
	}
	if x := xpropState(t, ctx, win); !isAbove(x) {
		t.Fatalf("unmapped, after SetAbove(true) xprop says %s", x)
	}
	if err := exec.CommandContext(ctx, "xdotool", "windowmap", "--sync", fmt.Sprint(win)).Run(); err != nil {
		t.Fatal(err)
	}
	if err := WaitManaged(win, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if x := xpropState(t, ctx, win); !isAbove(x) {
		t.Fatalf("mapped again, xprop says %s: the state set while unmapped was not kept", x)
	}
	// Openbox has taken the window up again: the client message removes it.
	if err := SetAbove(win, false); err != nil {
		t.Fatal(err)
	}
	if err := WaitAbove(win, false, 20*time.Second); err != nil {
		t.Fatal(err)
	}

	if _, err := Above(0x7ffffff0); !errors.Is(err, errBadWindow) {
		t.Errorf("Above of no window: %v", err)
	}
	if err := SetAbove(0x7ffffff0, true); !errors.Is(err, errBadWindow) {
		t.Errorf("SetAbove of no window: %v", err)
	}
}
