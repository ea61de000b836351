package ui

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

// The preferences' keys in the app's preferences.
const (
	prefBufferMS   = "pref.buffer_ms"
	prefBandwidth  = "pref.bandwidth"
	prefNoPlayLogs = "pref.no_play_logs"
	prefNoUDP      = "pref.no_udp"
	prefNoTCP      = "pref.no_tcp"
	prefNoHTTP     = "pref.no_http"
	prefProxy      = "pref.proxy"
	prefUDPFirst   = "pref.udp_port_first"
	prefUDPLast    = "pref.udp_port_last"
	// PrefAudioDevice is the audio device chosen in File ▸ Preferences:
	// the ALSA PCM name, "" for the system default. The program reads it
	// at start to open its sound output (the view passes later choices
	// to the Controller's AudioOutputs).
	PrefAudioDevice = "pref.audio_device"
)

// AudioDevice is a sound output the user can choose.
type AudioDevice struct {
	// Name identifies the device ("front:CARD=PCH,DEV=0"); "" is the
	// system default.
	Name string
	// Description is what the user reads ("HDA Intel PCH, ALC892
	// Analog Front output"); may be empty.
	Description string
}

// AudioOutputs is implemented by a Controller whose sound output can be
// chosen: File ▸ Preferences then offers "Audio device".
type AudioOutputs interface {
	// AudioDevices lists the devices (the system default not among them).
	AudioDevices() ([]AudioDevice, error)
	// SetAudioDevice plays on the device named name ("" the system
	// default): at once, the audio of a stream playing moving over.
	SetAudioDevice(name string)
}

// defaultAudioLabel is the Preferences' choice of the system default.
const defaultAudioLabel = "Default (system)"

// audioLabel is how a device reads in the Audio device list.
func audioLabel(d AudioDevice) string {
	if d.Description == "" || d.Description == d.Name {
		return d.Name
	}
	return d.Description + " (" + d.Name + ")"
}

// audioChoices are the Audio device list's labels and the device name of
// each: the system default, the devices, and the stored choice cur when
// it is not among them (unplugged), marked so.
func audioChoices(devs []AudioDevice, cur string) (labels []string, names map[string]string) {
	labels, names = []string{defaultAudioLabel}, map[string]string{defaultAudioLabel: ""}
	found := cur == ""
	for _, d := range devs {
		l := audioLabel(d)
		if _, dup := names[l]; dup || d.Name == "" {
			continue
		}
		labels = append(labels, l)
		names[l] = d.Name
		found = found || d.Name == cur
	}
	if !found {
		l := cur + " (not found)"
		labels = append(labels, l)
		names[l] = cur
	}
	return labels, names
}

// The UDP ports Preferences accepts: unprivileged ones.
const minUDPPort = 1024

// parsePort reads a port number as typed.
func parsePort(s string) (uint16, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < minUDPPort || n > 65535 {
		return 0, fmt.Errorf("a port from %d to 65535", minUDPPort)
	}
	return uint16(n), nil
}

// parseUDPPorts reads the range of "Use ports from-to to receive data".
// It must hold an even port and the one after it: MS-RTSP receives RTP
// on an even port and RTCP on the next (RFC 3550 11), so a range is at
// least two ports.
func parseUDPPorts(from, to string) (transport.PortRange, error) {
	first, err := parsePort(from)
	if err != nil {
		return transport.PortRange{}, fmt.Errorf("first port: %w", err)
	}
	last, err := parsePort(to)
	if err != nil {
		return transport.PortRange{}, fmt.Errorf("last port: %w", err)
	}
	if first > last {
		return transport.PortRange{}, errors.New("the last port is below the first")
	}
	if even := int(first) + int(first)%2; even+1 > int(last) {
		return transport.PortRange{}, errors.New("at least two ports, an even one and the next (RTP and RTCP)")
	}
	return transport.PortRange{First: first, Last: last}, nil
}

// storedUDPPorts is the stored range, zero (any port) when none or
// unusable.
func storedUDPPorts(p fyne.Preferences) transport.PortRange {
	first, last := p.Int(prefUDPFirst), p.Int(prefUDPLast)
	if first == 0 && last == 0 {
		return transport.PortRange{}
	}
	r, err := parseUDPPorts(strconv.Itoa(first), strconv.Itoa(last))
	if err != nil {
		return transport.PortRange{}
	}
	return r
}

// parseProxy reads a proxy as the user typed it ("host:port" or
// "http://host:port"); empty is none.
func parseProxy(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" && u.Path != "/" {
		return nil, errors.New("a proxy is host:port or http://host:port")
	}
	return u, nil
}

// bufferChoices and speedChoices are what File ▸ Preferences offers.
var (
	bufferChoices = []struct {
		label string
		d     time.Duration
	}{{"The stream's own (default)", 0}, {"1 second", time.Second}, {"3 seconds", 3 * time.Second},
		{"5 seconds", 5 * time.Second}, {"10 seconds", 10 * time.Second}, {"20 seconds", 20 * time.Second}}
	speedChoices = []struct {
		label string
		bps   int64
	}{{"Detect (no limit)", 0}, {"56 kbit/s (modem)", 56_000}, {"128 kbit/s", 128_000}, {"256 kbit/s", 256_000},
		{"512 kbit/s", 512_000}, {"1 Mbit/s", 1_000_000}, {"2 Mbit/s", 2_000_000}, {"5 Mbit/s", 5_000_000},
		{"10 Mbit/s", 10_000_000}}
)

// settings are the preferences stored in the app's preferences.
func (v *View) settings() player.Settings {
	p := v.app.Preferences()
	return player.Settings{
		BufferTarget: time.Duration(max(p.Int(prefBufferMS), 0)) * time.Millisecond,
		Bandwidth:    int64(max(p.Int(prefBandwidth), 0)),
		NoPlayLogs:   p.Bool(prefNoPlayLogs),
		NoUDP:        p.Bool(prefNoUDP),
		NoTCP:        p.Bool(prefNoTCP),
		NoHTTP:       p.Bool(prefNoHTTP),
		Proxy:        proxyOrNil(p.String(prefProxy)),
		UDPPorts:     storedUDPPorts(p),
	}
}

// applySettings stores s and gives it to the player (from the next Open).
func (v *View) applySettings(s player.Settings) {
	p := v.app.Preferences()
	p.SetInt(prefBufferMS, int(s.BufferTarget/time.Millisecond))
	p.SetInt(prefBandwidth, int(s.Bandwidth))
	p.SetBool(prefNoPlayLogs, s.NoPlayLogs)
	p.SetBool(prefNoUDP, s.NoUDP)
	p.SetBool(prefNoTCP, s.NoTCP)
	p.SetBool(prefNoHTTP, s.NoHTTP)
	proxy := ""
	if s.Proxy != nil {
		proxy = s.Proxy.String()
	}
	p.SetString(prefProxy, proxy)
	p.SetInt(prefUDPFirst, int(s.UDPPorts.First))
	p.SetInt(prefUDPLast, int(s.UDPPorts.Last))
	v.ctl.Configure(s)
}

// ShowPreferences is File ▸ Preferences…: the buffer, the connection
// speed, the streaming protocols allowed (UDP, TCP, HTTP) and the UDP
// ports data is received on (as Windows Media Player's Network tab:
// "Use ports from-to to receive data", or any port), the HTTP proxy,
// whether play logs are sent (on by default, as in Windows Media Player;
// the choice is the user's) and, when the Controller offers AudioOutputs,
// the audio device. Saved in the app's preferences; they apply from the
// next Open.
func (v *View) ShowPreferences() {
	cur := v.settings()
	var bufLabels, speedLabels []string
	buf, speed := bufferChoices[0].label, speedChoices[0].label
	for _, c := range bufferChoices {
		bufLabels = append(bufLabels, c.label)
		if c.d == cur.BufferTarget {
			buf = c.label
		}
	}
	for _, c := range speedChoices {
		speedLabels = append(speedLabels, c.label)
		if c.bps == cur.Bandwidth {
			speed = c.label
		}
	}
	bufSel := widget.NewSelect(bufLabels, nil)
	bufSel.SetSelected(buf)
	speedSel := widget.NewSelect(speedLabels, nil)
	speedSel.SetSelected(speed)
	logs := widget.NewCheck("Send play logs to the content provider", nil)
	logs.SetChecked(!cur.NoPlayLogs)
	udp := widget.NewCheck("UDP", nil)
	udp.SetChecked(!cur.NoUDP)
	tcp := widget.NewCheck("TCP", nil)
	tcp.SetChecked(!cur.NoTCP)
	http := widget.NewCheck("HTTP", nil)
	http.SetChecked(!cur.NoHTTP)
	proxy := widget.NewEntry()
	proxy.SetPlaceHolder("none (host:port)")
	if cur.Proxy != nil {
		proxy.SetText(cur.Proxy.Host)
	}
	proxy.Validator = func(s string) error { _, err := parseProxy(s); return err }
	anyPort, fromPort, toPort := v.udpPortFields(cur.UDPPorts)
	items := []*widget.FormItem{
		widget.NewFormItem("Buffer", bufSel),
		widget.NewFormItem("Connection speed", speedSel),
		widget.NewFormItem("Protocols", container.NewHBox(udp, tcp, http)),
		widget.NewFormItem("UDP ports", anyPort),
		widget.NewFormItem("First port", fromPort),
		widget.NewFormItem("Last port", toPort),
		widget.NewFormItem("HTTP proxy", proxy),
		widget.NewFormItem("Play logs", logs),
	}
	outputs, _ := v.ctl.(AudioOutputs)
	var audioSel *widget.Select
	var audioNames map[string]string
	if outputs != nil {
		cur := v.app.Preferences().String(PrefAudioDevice)
		devs, err := outputs.AudioDevices()
		var labels []string
		labels, audioNames = audioChoices(devs, cur)
		audioSel = widget.NewSelect(labels, nil)
		for l, n := range audioNames {
			if n == cur {
				audioSel.SetSelected(l)
			}
		}
		item := widget.NewFormItem("Audio device", audioSel)
		if err != nil {
			item.HintText = "The devices could not be listed: " + err.Error()
		}
		items = append(items, item)
	}
	d := dialog.NewForm("Preferences", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		s := player.Settings{NoPlayLogs: !logs.Checked, NoUDP: !udp.Checked, NoTCP: !tcp.Checked, NoHTTP: !http.Checked}
		s.Proxy, _ = parseProxy(proxy.Text) // the form's validator let only a good one through
		if !anyPort.Checked {
			s.UDPPorts, _ = parseUDPPorts(fromPort.Text, toPort.Text) // validated as typed
		}
		for _, c := range bufferChoices {
			if c.label == bufSel.Selected {
				s.BufferTarget = c.d
			}
		}
		for _, c := range speedChoices {
			if c.label == speedSel.Selected {
				s.Bandwidth = c.bps
			}
		}
		v.applySettings(s)
		msg := "Preferences saved: from the next stream opened"
		if audioSel != nil {
			name := audioNames[audioSel.Selected]
			if name != v.app.Preferences().String(PrefAudioDevice) {
				msg = "Preferences saved: sound on " + audioSel.Selected + " now, the rest from the next stream opened"
			}
			v.app.Preferences().SetString(PrefAudioDevice, name)
			outputs.SetAudioDevice(name)
		}
		v.osd.show(msg)
	}, v.win)
	d.Resize(fyne.NewSize(460, 0))
	v.prefsDialog = d
	d.Show()
}

// udpPortFields are Preferences' "UDP ports": a check box for any port
// and the first and last port of a range, checked as typed (the error
// shows under the field, and Save waits for a good range).
func (v *View) udpPortFields(cur transport.PortRange) (anyPort *widget.Check, from, to *widget.Entry) {
	from, to = widget.NewEntry(), widget.NewEntry()
	from.SetPlaceHolder("7000")
	to.SetPlaceHolder("7007")
	anyPort = widget.NewCheck("Any port", nil)
	from.Validator = func(s string) error {
		if anyPort.Checked {
			return nil
		}
		if _, err := parsePort(s); err != nil {
			return err
		}
		return nil
	}
	to.Validator = func(s string) error {
		if anyPort.Checked {
			return nil
		}
		if _, err := parsePort(from.Text); err != nil {
			_, err := parsePort(s) // the first port shows its own error
			return err
		}
		_, err := parseUDPPorts(from.Text, s)
		return err
	}
	from.OnChanged = func(string) { to.Validate() }
	anyPort.OnChanged = func(on bool) {
		if on {
			from.Disable()
			to.Disable()
		} else {
			from.Enable()
			to.Enable()
		}
		from.Validate()
		to.Validate()
	}
	if !cur.IsZero() {
		from.SetText(strconv.Itoa(int(cur.First)))
		to.SetText(strconv.Itoa(int(cur.Last)))
	}
	anyPort.SetChecked(cur.IsZero())
	anyPort.OnChanged(anyPort.Checked)
	return anyPort, from, to
}

// proxyOrNil is the stored proxy, nil when none or unreadable.
func proxyOrNil(s string) *url.URL {
	u, err := parseProxy(s)
	if err != nil {
		return nil
	}
	return u
}
