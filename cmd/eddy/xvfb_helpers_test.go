package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/ui"
)

// The helpers of the tests that run the real window under Xvfb
// (window_test.go, window_drive_test.go, locale_test.go): the virtual
// display, the app started on it with its event log, xdotool's keys and
// pointer, ImageMagick's screenshots, and image comparisons.

// The window test re-executes this test binary as the app (so the cgo/GL
// build is not repeated for a separate binary): with envApp=1, TestMain
// calls run with the JSON-encoded argument list in envArgs instead of
// running tests.
const (
	envApp  = "EDDY_TEST_RUN_APP"
	envArgs = "EDDY_TEST_APP_ARGS"
)

func TestMain(m *testing.M) {
	if os.Getenv(envApp) == "1" {
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv(envArgs)), &args); err != nil {
			fmt.Fprintln(os.Stderr, "eddy (test app):", err)
			os.Exit(2)
		}
		if err := run(args); err != nil {
			fmt.Fprintln(os.Stderr, "eddy:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Screen size of the virtual display: the window's size, so the
// screenshot is the window.
const screenW, screenH = windowWidth, windowHeight

// startXvfb starts a virtual X server on a free display (Xvfb chooses and
// reports it through -displayfd) and stops it at the end of the test.
func startXvfb(t *testing.T, ctx context.Context) string {
	t.Helper()
	return startXvfbSized(t, ctx, screenW, screenH)
}

// startXvfbSized is startXvfb with a screen of w×h.
func startXvfbSized(t *testing.T, ctx context.Context, width, height int) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0",
		fmt.Sprintf("%dx%dx24", width, height), "-nolisten", "tcp", "-noreset")
	x.ExtraFiles = []*os.File{w}
	var xlog strings.Builder
	x.Stdout, x.Stderr = &xlog, &xlog
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		x.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { x.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			x.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		if _, err := strconv.Atoi(s); err != nil {
			t.Fatalf("Xvfb did not report a display (%q); its output:\n%s", s, xlog.String())
		}
		return ":" + s
	case <-ctx.Done():
		t.Fatalf("Xvfb did not start; its output:\n%s", xlog.String())
	}
	return ""
}

// pointer moves the pointer to (x, y) of the screen.
func pointer(t *testing.T, ctx context.Context, display string, x, y int) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "xdotool", "mousemove", strconv.Itoa(x), strconv.Itoa(y))
	cmd.Env = append(filteredEnv("DISPLAY"), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool mousemove: %v\n%s", err, out)
	}
}

// pressKey types a key into the app's window (xdotool; there is no window
// manager, so the window is given the focus first).
func pressKey(t *testing.T, ctx context.Context, display, key string) {
	t.Helper()
	pressKeys(t, ctx, display, key)
}

// pressKeys types keys, one after the other, into the app's window.
func pressKeys(t *testing.T, ctx context.Context, display string, keys ...string) {
	t.Helper()
	xdotool(t, ctx, display, append([]string{"key"}, keys...)...)
}

// typeText types text into the app's window, as on a keyboard.
func typeText(t *testing.T, ctx context.Context, display, text string) {
	t.Helper()
	xdotool(t, ctx, display, "type", "--delay", "20", text)
}

// xdotool runs an xdotool command on the app's window, given the focus
// first (there is no window manager). It waits for the window to be
// visible: the player may report Playing before the window is mapped,
// and focusing an unmapped window fails (BadMatch).
func xdotool(t *testing.T, ctx context.Context, display string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "xdotool", append([]string{"search", "--sync", "--onlyvisible", "--name", "Eddy", "windowfocus", "--sync"}, args...)...)
	cmd.Env = append(filteredEnv("DISPLAY"), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func screenshot(t *testing.T, ctx context.Context, display, file string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "import", "-display", display, "-window", "root", file)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
}

// filteredEnv is the environment without the named variables.
func filteredEnv(drop ...string) []string {
	var env []string
outer:
	for _, kv := range os.Environ() {
		for _, d := range drop {
			if strings.HasPrefix(kv, d+"=") {
				continue outer
			}
		}
		env = append(env, kv)
	}
	return env
}

func readPNG(t *testing.T, file string) image.Image {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return img
}

// imageStats counts distinct colours and the standard deviation of the
// luminance.
func imageStats(img image.Image) (colors int, stddev float64) {
	seen := map[uint32]bool{}
	var sum, sum2, n float64
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
			l := 0.299*float64(r>>8) + 0.587*float64(g>>8) + 0.114*float64(bl>>8)
			sum += l
			sum2 += l * l
			n++
		}
	}
	mean := sum / n
	return len(seen), math.Sqrt(math.Max(0, sum2/n-mean*mean))
}

// subImage is the part r of img (sharing its pixels).
func subImage(img image.Image, r image.Rectangle) image.Image {
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	out := image.NewRGBA(r)
	draw.Draw(out, r, img, r.Min, draw.Src)
	return out
}

// diffBox counts the pixels that differ and their bounding box.
func diffBox(a, b image.Image) (int, image.Rectangle) {
	return pixelBox(a.Bounds().Intersect(b.Bounds()), func(x, y int) bool {
		r1, g1, b1, _ := a.At(x, y).RGBA()
		r2, g2, b2, _ := b.At(x, y).RGBA()
		return r1 != r2 || g1 != g2 || b1 != b2
	})
}

// pixelBox counts the pixels of r that pick chooses and their bounding
// box.
func pixelBox(r image.Rectangle, pick func(x, y int) bool) (int, image.Rectangle) {
	n := 0
	var box image.Rectangle
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if pick(x, y) {
				p := image.Rect(x, y, x+1, y+1)
				if n == 0 {
					box = p
				} else {
					box = box.Union(p)
				}
				n++
			}
		}
	}
	return n, box
}

func copyFile(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// appUnderTest is the real app (this test binary re-executed, see
// TestMain) running on a virtual display, with the player's events
// (-events, through a pipe) read as they come.
type appUnderTest struct {
	t       *testing.T
	ctx     context.Context
	display string
	cmd     *exec.Cmd
	started time.Time
	exited  chan error
	events  chan timedEvent
	out     lockedBuffer

	// last is the last event read and lastAt when it was read.
	last   eventRecord
	lastAt time.Time
}

// timedEvent is an event log line and when the test read it.
type timedEvent struct {
	eventRecord
	at time.Time
}

// lockedBuffer collects the app's output (written by exec's copying
// goroutine, read by the test on failure).
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startApp starts the app on display with args after -events, its home
// (Fyne's preferences, the pictures folder, the file dialogs' first
// folder) in home, in English. At the end of the test it is killed if it
// still runs, and its output logged if the test failed.
//
// The window keeps the size these tests lay out, read and click on (View
// ▸ Fit Window to Video off) unless the test wrote preferences of its own
// into home first (writePrefs).
func startApp(t *testing.T, ctx context.Context, display, home string, args ...string) *appUnderTest {
	t.Helper()
	if _, err := os.Stat(prefsFile(home)); os.IsNotExist(err) {
		writePrefs(t, home, map[string]any{ui.PrefFitWindow: false})
	}
	evR, evW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// The app's events come through the pipe (fd 3 in the child).
	argv, _ := json.Marshal(append([]string{"-events", "/dev/fd/3"}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(filteredEnv("ALSA_CONFIG_PATH", "HOME", "XDG_CONFIG_HOME", "XDG_PICTURES_DIR", "DISPLAY", "LANG", "WAYLAND_DISPLAY"),
		envApp+"=1", envArgs+"="+string(argv),
		"DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"LANG=en_US.UTF-8")
	cmd.ExtraFiles = []*os.File{evW}
	a := &appUnderTest{t: t, ctx: ctx, display: display, cmd: cmd,
		exited: make(chan error, 1), events: make(chan timedEvent, 64)}
	cmd.Stdout, cmd.Stderr = &a.out, &a.out
	a.started = time.Now()
	if err := cmd.Start(); err != nil {
		evR.Close()
		evW.Close()
		t.Fatal(err)
	}
	evW.Close()
	go func() { a.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-a.exited
		}
		evR.Close()
		if t.Failed() {
			t.Logf("app output:\n%s", a.out.String())
		}
	})
	go func() {
		defer close(a.events)
		sc := bufio.NewScanner(evR)
		for sc.Scan() {
			var r eventRecord
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				a.events <- timedEvent{r, time.Now()}
			}
		}
	}()
	return a
}

// prefsFile is where the app keeps its preferences under home (Fyne's
// XDG_CONFIG_HOME/fyne/<app ID>).
func prefsFile(home string) string {
	return filepath.Join(home, ".config", "fyne", appID, "preferences.json")
}

// readPrefs returns the preferences the app started with home has saved.
func readPrefs(t *testing.T, home string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(prefsFile(home))
	if err != nil {
		t.Fatal(err)
	}
	var prefs map[string]any
	if err := json.Unmarshal(b, &prefs); err != nil {
		t.Fatalf("preferences: %v: %s", err, b)
	}
	return prefs
}

// writePrefs gives the app started with home these preferences.
func writePrefs(t *testing.T, home string, prefs map[string]any) {
	t.Helper()
	b, err := json.Marshal(prefs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(prefsFile(home)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prefsFile(home), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitFor reads events until one satisfies ok, and returns it (its time
// of arrival in a.lastAt). Each wait is bounded (20 s: media play in real
// time, so every step takes seconds), so a frozen position fails the
// step, not the whole run; an error event fails it at once.
func (a *appUnderTest) waitFor(what string, ok func(eventRecord) bool) eventRecord {
	a.t.Helper()
	limit := time.NewTimer(20 * time.Second)
	defer limit.Stop()
	for {
		select {
		case r, more := <-a.events:
			if !more {
				a.t.Fatalf("app closed its event log before %s", what)
			}
			if r.Event == "error" {
				a.t.Fatalf("app reported an error before %s: %s", what, r.Error)
			}
			a.last, a.lastAt = r.eventRecord, r.at
			if ok(r.eventRecord) {
				return r.eventRecord
			}
		case err := <-a.exited:
			a.t.Fatalf("app exited (%v) before %s", err, what)
		case <-limit.C:
			a.t.Fatalf("no %s within 20 s (last event: %+v)", what, a.last)
		case <-a.ctx.Done():
			a.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// quit sends SIGTERM (as a session's end does) and checks that the app
// closes cleanly, with exit status 0.
func (a *appUnderTest) quit() {
	a.t.Helper()
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		a.t.Fatal(err)
	}
	select {
	case err := <-a.exited:
		if err != nil {
			a.t.Errorf("app exit after SIGTERM: %v", err)
		}
	case <-a.ctx.Done():
		a.t.Fatal("app did not quit after SIGTERM")
	}
}

// needTools fails the test when a program it drives is missing.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (apt-get install xvfb imagemagick xdotool ffmpeg x11-utils openbox): %v", tool, err)
		}
	}
}
