package ui

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

// prefsForm is the open Preferences dialog's widgets.
type prefsForm struct {
	anyPort, udp *widget.Check
	from, to     *widget.Entry
	audio        *widget.Select
	save         *widget.Button
	texts        []string // every text shown
}

func openPrefs(t *testing.T, v *View, win fyne.Window) prefsForm {
	t.Helper()
	v.ShowPreferences()
	var f prefsForm
	for _, o := range test.LaidOutObjects(win.Canvas().Overlays().Top()) {
		switch w := o.(type) {
		case *widget.Check:
			switch w.Text {
			case "Any port":
				f.anyPort = w
			case "UDP":
				f.udp = w
			}
		case *widget.Entry:
			switch w.PlaceHolder {
			case "7000":
				f.from = w
			case "7007":
				f.to = w
			}
		case *widget.Select:
			for _, o := range w.Options {
				if o == defaultAudioLabel {
					f.audio = w
				}
			}
		case *widget.Button:
			if w.Text == "Save" {
				f.save = w
			}
		case *canvas.Text:
			f.texts = append(f.texts, w.Text)
		}
	}
	if f.anyPort == nil || f.from == nil || f.to == nil || f.save == nil {
		t.Fatalf("the dialog lacks the UDP ports fields or Save: %+v", f)
	}
	return f
}

// shows reports whether the dialog shows text s (re-reading it).
func shows(win fyne.Window, s string) bool {
	for _, o := range test.LaidOutObjects(win.Canvas().Overlays().Top()) {
		if t, ok := o.(*canvas.Text); ok && strings.Contains(t.Text, s) {
			return true
		}
	}
	return false
}

// TestParseUDPPorts: Preferences' port range is 1024..65535, first <=
// last, and holds an even port and the next (RTP and RTCP).
func TestParseUDPPorts(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     transport.PortRange
		err      string
	}{
		{"7000", "7001", transport.PortRange{First: 7000, Last: 7001}, ""},
		{" 7001 ", "7003", transport.PortRange{First: 7001, Last: 7003}, ""},
		{"1024", "65535", transport.PortRange{First: 1024, Last: 65535}, ""},
		{"1023", "2000", transport.PortRange{}, "first port: a port from 1024 to 65535"},
		{"7000", "65536", transport.PortRange{}, "last port: a port from 1024 to 65535"},
		{"x", "7001", transport.PortRange{}, "first port"},
		{"", "7001", transport.PortRange{}, "first port"},
		{"7002", "7001", transport.PortRange{}, "the last port is below the first"},
		{"7000", "7000", transport.PortRange{}, "at least two ports"},
		{"7001", "7002", transport.PortRange{}, "at least two ports"},
		{"65535", "65535", transport.PortRange{}, "at least two ports"},
	} {
		got, err := parseUDPPorts(c.from, c.to)
		if c.err == "" && (err != nil || got != c.want) {
			t.Errorf("%q-%q: %+v, %v; want %+v", c.from, c.to, got, err, c.want)
		}
		if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%q-%q: %+v, %v; want an error with %q", c.from, c.to, got, err, c.err)
		}
	}
}

// TestPreferencesUDPPorts: "UDP ports" is any port by default (the
// fields disabled); with a range typed, a bad one is shown under the field
// and Save waits for a good one; the range saved is what Configure gets,
// is kept in the app's preferences, shown again, given by a window made
// later, and Any port goes back to the zero range.
func TestPreferencesUDPPorts(t *testing.T) {
	a := test.NewTempApp(t)
	fx := newFixtureWithApp(t, a)
	f := openPrefs(t, fx.v, fx.win)
	if !f.anyPort.Checked || !f.from.Disabled() || !f.to.Disabled() {
		t.Fatalf("by default: any port %v, fields disabled %v %v", f.anyPort.Checked, f.from.Disabled(), f.to.Disabled())
	}
	test.Tap(f.anyPort)
	if f.from.Disabled() || f.to.Disabled() {
		t.Fatal("the fields stay disabled without Any port")
	}
	if !f.save.Disabled() {
		t.Error("Save is enabled with no ports typed")
	}
	test.Type(f.from, "7001")
	fx.win.Canvas().Focus(f.to)
	test.Type(f.to, "7002")
	if !f.save.Disabled() {
		t.Error("Save is enabled for 7001-7002 (no even port with its next)")
	}
	fx.win.Canvas().Focus(f.from) // as in Fyne's forms, the error shows once the field is left
	if !shows(fx.win, "at least two ports") {
		t.Error("the range's error is not shown under the field")
	}
	f.from.SetText("7000")
	f.to.SetText("")
	test.Type(f.to, "7009")
	if f.save.Disabled() {
		t.Fatalf("Save is disabled for 7000-7009 (from %v, to %v)", f.from.Validate(), f.to.Validate())
	}
	test.Tap(f.save)
	want := transport.PortRange{First: 7000, Last: 7009}
	got := fx.ctl.takeMethod("Configure")
	if len(got) != 1 || got[0].(player.Settings).UDPPorts != want {
		t.Fatalf("Configure %v, want UDP ports %+v", got, want)
	}
	if p := a.Preferences(); p.Int(prefUDPFirst) != 7000 || p.Int(prefUDPLast) != 7009 {
		t.Errorf("stored %d-%d", p.Int(prefUDPFirst), p.Int(prefUDPLast))
	}
	f = openPrefs(t, fx.v, fx.win)
	if f.anyPort.Checked || f.from.Text != "7000" || f.to.Text != "7009" {
		t.Errorf("shown again: any %v, %q-%q", f.anyPort.Checked, f.from.Text, f.to.Text)
	}
	ctl := newFakeController()
	v2 := New(Config{App: a, Window: test.NewTempWindow(t, widget.NewLabel("")), Controller: ctl, DemoURL: demoURL})
	t.Cleanup(v2.Close)
	if got := ctl.takeMethod("Configure"); len(got) != 1 || got[0].(player.Settings).UDPPorts != want {
		t.Errorf("a new window gave %v, want UDP ports %+v", got, want)
	}
	test.Tap(f.anyPort)
	test.Tap(f.save)
	if got := fx.ctl.takeMethod("Configure"); len(got) != 1 || !got[0].(player.Settings).UDPPorts.IsZero() {
		t.Fatalf("with Any port, Configure %v", got)
	}
	if p := a.Preferences(); p.Int(prefUDPFirst) != 0 || p.Int(prefUDPLast) != 0 {
		t.Errorf("stored %d-%d for any port", p.Int(prefUDPFirst), p.Int(prefUDPLast))
	}
}

// TestStoredUDPPorts: a stored range that is not one (edited by hand) is
// read as any port.
func TestStoredUDPPorts(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	p.SetInt(prefUDPFirst, 9000)
	p.SetInt(prefUDPLast, 8000)
	if r := storedUDPPorts(p); !r.IsZero() {
		t.Errorf("9000-8000 read as %+v", r)
	}
	p.SetInt(prefUDPLast, 9001)
	if r := storedUDPPorts(p); r != (transport.PortRange{First: 9000, Last: 9001}) {
		t.Errorf("9000-9001 read as %+v", r)
	}
}

// audioController is a player whose sound output can be chosen.
type audioController struct {
	*fakeController
	devs    []AudioDevice
	listErr error
	mu      sync.Mutex
	chosen  []string
}

func (c *audioController) AudioDevices() ([]AudioDevice, error) { return c.devs, c.listErr }

func (c *audioController) SetAudioDevice(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chosen = append(c.chosen, name)
}

func (c *audioController) takeChosen() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.chosen
	c.chosen = nil
	return got
}

// TestPreferencesAudioDevice: with a Controller that offers AudioOutputs,
// Preferences lists "Default (system)" and the devices (a stored device
// that is gone stays listed, marked); the device saved is kept in the
// app's preferences and given to the Controller; Default gives "".
func TestPreferencesAudioDevice(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(PrefAudioDevice, "usb:CARD=Gone")
	ctl := &audioController{fakeController: newFakeController(), devs: []AudioDevice{
		{Name: "default", Description: "Default ALSA Output (currently PipeWire Media Server)"},
		{Name: "front:CARD=PCH,DEV=0", Description: "HDA Intel PCH, ALC892 Analog Front output / input"},
		{Name: "null", Description: "null"},
	}}
	win := test.NewTempWindow(t, widget.NewLabel(""))
	v := New(Config{App: a, Window: win, Controller: ctl, DemoURL: demoURL})
	t.Cleanup(v.Close)
	f := openPrefs(t, v, win)
	if f.audio == nil {
		t.Fatal("no Audio device list")
	}
	wantOpts := []string{defaultAudioLabel,
		"Default ALSA Output (currently PipeWire Media Server) (default)",
		"HDA Intel PCH, ALC892 Analog Front output / input (front:CARD=PCH,DEV=0)",
		"null",
		"usb:CARD=Gone (not found)"}
	if strings.Join(f.audio.Options, "|") != strings.Join(wantOpts, "|") {
		t.Errorf("options %q, want %q", f.audio.Options, wantOpts)
	}
	if f.audio.Selected != "usb:CARD=Gone (not found)" {
		t.Errorf("selected %q, want the stored device", f.audio.Selected)
	}
	f.audio.SetSelected(wantOpts[2])
	test.Tap(f.save)
	if got := ctl.takeChosen(); len(got) != 1 || got[0] != "front:CARD=PCH,DEV=0" {
		t.Errorf("SetAudioDevice %q", got)
	}
	if s := a.Preferences().String(PrefAudioDevice); s != "front:CARD=PCH,DEV=0" {
		t.Errorf("stored %q", s)
	}
	if msg := v.osd.Text(); msg != "Preferences saved: sound on "+wantOpts[2]+" now, the rest from the next stream opened" {
		t.Errorf("the message %q", msg)
	}
	f = openPrefs(t, v, win)
	if f.audio.Selected != wantOpts[2] {
		t.Errorf("shown again: %q", f.audio.Selected)
	}
	if len(f.audio.Options) != 4 {
		t.Errorf("options %q: the device gone is still listed", f.audio.Options)
	}
	f.audio.SetSelected(defaultAudioLabel)
	test.Tap(f.save)
	if got := ctl.takeChosen(); len(got) != 1 || got[0] != "" {
		t.Errorf("SetAudioDevice %q for the default", got)
	}
	if s := a.Preferences().String(PrefAudioDevice); s != "" {
		t.Errorf("stored %q for the default", s)
	}
	// Devices that cannot be listed: the default is still offered, and
	// the reason shown.
	ctl.devs, ctl.listErr = nil, errors.New("snd_device_name_hint: No such file or directory")
	f = openPrefs(t, v, win)
	if len(f.audio.Options) != 1 || f.audio.Selected != defaultAudioLabel {
		t.Errorf("options %q, selected %q", f.audio.Options, f.audio.Selected)
	}
	if !shows(win, "The devices could not be listed") {
		t.Error("the listing's error is not shown")
	}
}

// FuzzParseUDPPorts: whatever is typed, a range accepted is within
// 1024..65535, in order, and holds an even port and the next.
func FuzzParseUDPPorts(f *testing.F) {
	for _, s := range [][2]string{{"7000", "7001"}, {" 7001 ", "7003"}, {"1024", "65535"}, {"1023", "2000"},
		{"7000", "65536"}, {"x", "7001"}, {"", ""}, {"7002", "7001"}, {"7001", "7002"}, {"65535", "65535"}, {"-1", "+7001"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		r, err := parseUDPPorts(from, to)
		if err != nil {
			if !r.IsZero() {
				t.Fatalf("%q-%q: %+v with the error %v", from, to, r, err)
			}
			return
		}
		even := int(r.First) + int(r.First)%2
		if r.First < minUDPPort || r.First > r.Last || even+1 > int(r.Last) {
			t.Fatalf("%q-%q accepted as %+v", from, to, r)
		}
	})
}
