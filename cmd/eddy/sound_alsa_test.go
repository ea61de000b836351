package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/cmd/internal/alsasink"
	"github.com/eddyplayer/eddy/cmd/internal/alsasink/alsatest"
	"github.com/eddyplayer/eddy/cmd/internal/wiring"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/ui"
)

// unsubscribed is the window's controller without the player's events:
// Fyne's test driver runs fyne.Do at once on the caller's goroutine, so a
// view fed from the player's goroutine would race with the test's.
type unsubscribed struct{ controller }

func (unsubscribed) Subscribe(func(player.Event)) func() { return func() {} }

// TestPreferredAudioDevice: the audio device kept in the app's
// preferences is the one the window's player plays on (an ALSA file PCM,
// see alsatest: what it was given is FFmpeg's decode of the file, byte
// for byte); File ▸
// Preferences lists the ALSA devices (not "default" nor "null", which are
// "Default (system)" and silence), and choosing another there and saving
// moves the next stream opened to it.
func TestPreferredAudioDevice(t *testing.T) {
	conf, devs, err := alsatest.Write(t.TempDir(), "eddy_a", "eddy_b")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ALSA_CONFIG_PATH", conf)
	files, err := asftest.NewFiles("eddy-sound-", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(files.Remove)
	src := files.Path(t, "c_wmav2.wma")
	ref := asftest.ReferencePCM(t, src, 2, 44100)

	app := test.NewTempApp(t)
	app.Preferences().SetString(ui.PrefAudioDevice, "eddy_a")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	sink, out, notice, err := openSink("auto", app.Preferences().String(ui.PrefAudioDevice), logger)
	if err != nil || notice != "" || out == nil || out.Device() != "eddy_a" {
		t.Fatalf("openSink: %v, notice %q, on %q", err, notice, out.Device())
	}
	p, err := player.New(player.Config{Transports: wiring.Transports(nil), Decoders: wiring.Decoders(), Sink: sink, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	states := make(chan player.State, 1024)
	cancel := p.Subscribe(func(ev player.Event) {
		if ev.Kind == player.StateChanged {
			states <- ev.Status.State
		}
	})
	defer cancel()
	// play plays src to its end: Playing, then Ended.
	play := func() {
		t.Helper()
		p.Open(src)
		timeout := time.After(60 * time.Second)
		playing := false
		for {
			select {
			case s := <-states:
				playing = playing || s == player.Playing
				if playing && s == player.Ended {
					return
				}
			case <-timeout:
				t.Fatalf("the file did not play to its end: %+v", p.Status())
			}
		}
	}
	play()

	win := test.NewTempWindow(t, widget.NewLabel(""))
	v := ui.New(ui.Config{App: app, Window: win, Controller: unsubscribed{controller{Player: p, out: out, devices: alsasink.Devices}}})
	defer v.Close()
	v.ShowPreferences()
	var devices *widget.Select
	var save *widget.Button
	for _, o := range test.LaidOutObjects(win.Canvas().Overlays().Top()) {
		switch w := o.(type) {
		case *widget.Select:
			if len(w.Options) > 0 && w.Options[0] == "Default (system)" {
				devices = w
			}
		case *widget.Button:
			if w.Text == "Save" {
				save = w
			}
		}
	}
	if devices == nil || save == nil {
		t.Fatal("Preferences has no Audio device list or no Save")
	}
	want := []string{"Default (system)", "Eddy test eddy_a (eddy_a)", "Eddy test eddy_b (eddy_b)"}
	if fmt.Sprint(devices.Options) != fmt.Sprint(want) {
		t.Errorf("devices %q, want %q", devices.Options, want)
	}
	if devices.Selected != want[1] {
		t.Errorf("selected %q, want the stored device", devices.Selected)
	}
	devices.SetSelected(want[2])
	test.Tap(save)
	if got := app.Preferences().String(ui.PrefAudioDevice); got != "eddy_b" {
		t.Errorf("stored %q", got)
	}
	play()
	if out.Device() != "eddy_b" {
		t.Errorf("the second stream played on %q", out.Device())
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		got, err := os.ReadFile(d.Output)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, ref) {
			t.Errorf("%s got %d bytes, not FFmpeg's decode (%d bytes)", d.Name, len(got), len(ref))
		}
	}
}
