package ui

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
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
)

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
	v.ctl.Configure(s)
}

// ShowPreferences is File ▸ Preferences…: the buffer, the connection
// speed, the streaming protocols allowed (UDP, TCP, HTTP, as Windows
// Media Player's Network tab) and whether play logs are sent (on by default, as in Windows
// Media Player; the choice is the user's). Saved in the app's
// preferences; they apply from the next Open.
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
	items := []*widget.FormItem{
		widget.NewFormItem("Buffer", bufSel),
		widget.NewFormItem("Connection speed", speedSel),
		widget.NewFormItem("Protocols", container.NewHBox(udp, tcp, http)),
		widget.NewFormItem("HTTP proxy", proxy),
		widget.NewFormItem("Play logs", logs),
	}
	d := dialog.NewForm("Preferences", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		s := player.Settings{NoPlayLogs: !logs.Checked, NoUDP: !udp.Checked, NoTCP: !tcp.Checked, NoHTTP: !http.Checked}
		s.Proxy, _ = parseProxy(proxy.Text) // the form's validator let only a good one through
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
		v.osd.show("Preferences saved: from the next stream opened")
	}, v.win)
	d.Resize(fyne.NewSize(460, 0))
	v.prefsDialog = d
	d.Show()
}

// proxyOrNil is the stored proxy, nil when none or unreadable.
func proxyOrNil(s string) *url.URL {
	u, err := parseProxy(s)
	if err != nil {
		return nil
	}
	return u
}
