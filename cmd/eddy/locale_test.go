package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNoLocaleErrorUnderCLocale runs the app on a virtual display under
// the C locale in its spellings, with LANGUAGE unset and set, until it
// plays the demo, and checks that it says nothing about the locale on
// stderr. It printed "Fyne error: Error parsing user locale C" (issue 11
// defect 6) as Fyne's packages were initialized, before the app ran, and
// Fyne reads the locale again as the window is built, also before the
// player's first event. The app's events are written to the same stderr,
// so every line printed before "Playing" is in the capture when it is
// checked. Package fynelocale holds the rules for LANGUAGE; this test
// holds the app to importing it early enough.
func TestNoLocaleErrorUnderCLocale(t *testing.T) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatalf("Xvfb is needed (apt-get install xvfb): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	display := startXvfb(t, ctx)

	for _, env := range [][]string{
		{"LANG=C"},
		{"LANG=C", "LC_ALL=C", "LANGUAGE=fr"},
		{"LANG=C.UTF-8"},
		{"LC_ALL=C.UTF-8", "LANG=de_DE.UTF-8"},
		{"LANG=POSIX.UTF-8", "LANGUAGE="},
		{"LANG=de_DE.UTF-8", "LANGUAGE=C:de"},
	} {
		t.Run(strings.Join(env, " "), func(t *testing.T) {
			stderr := runAppUntilPlaying(t, ctx, display, env)
			for _, line := range strings.Split(stderr, "\n") {
				if strings.Contains(strings.ToLower(line), "locale") {
					t.Errorf("stderr: %s", line)
				}
			}
			if t.Failed() || strings.Contains(stderr, "Fyne error") {
				t.Logf("app stderr:\n%s", stderr)
			}
		})
	}
}

// runAppUntilPlaying starts the app (this test binary in app mode, see
// TestMain) with env as its locale variables and the player's events on
// its stderr, waits for the Playing event, ends the app with SIGTERM, and
// returns all it wrote to stderr.
func runAppUntilPlaying(t *testing.T, ctx context.Context, display string, env []string) string {
	t.Helper()
	args, _ := json.Marshal([]string{"-audio", "none", "-events", "/dev/stderr"})
	home := t.TempDir()
	app := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	app.Env = append(filteredEnv("ALSA_CONFIG_PATH", "HOME", "XDG_CONFIG_HOME", "DISPLAY", "WAYLAND_DISPLAY",
		"LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_CTYPE"),
		envApp+"=1", envArgs+"="+string(args),
		"DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	app.Env = append(app.Env, env...)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	app.Stderr = w
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	var out strings.Builder
	playing := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		var ev eventRecord
		if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.State == "Playing" {
			playing = true
			break
		}
	}
	if playing {
		if err := app.Process.Signal(syscall.SIGTERM); err != nil {
			t.Error(err)
		}
	}
	// The rest of the output, to the end (the pipe closes when the app
	// exits; ctx bounds it).
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
	}
	werr := app.Wait()
	if !playing {
		t.Fatalf("the app did not play (exit: %v); its stderr:\n%s", werr, out.String())
	}
	if werr != nil {
		// Not this test's subject: Fyne 2.7.1 can crash in a mouse event
		// for the window it is closing when the app quits in its first
		// second (TestWindowUnderXvfb holds the exit to be clean).
		t.Logf("app exit after SIGTERM: %v", werr)
	}
	return out.String()
}
