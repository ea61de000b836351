package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
)

// binding is one row of the window's keyboard table: what it does, the
// plain keys that do it while no text field has the focus (the canvas's
// typed-key handler), and the chords (Ctrl+…) that do it anywhere in the
// window (canvas shortcuts). The table is the one source of the keys: the
// handlers are installed from it, the menus show its keys, and Help ▸
// Keyboard Shortcuts lists it, so none of them can drift from the others.
type binding struct {
	id     string // stable name, for the menus and tests
	help   string // what it does, in the shortcuts dialog
	keys   []fyne.KeyName
	chords []*desktop.CustomShortcut
	action func()
}

// ctrl is the chord of the platform's shortcut modifier and k.
func ctrl(k fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

// bindings builds the window's keyboard table.
func (v *View) bindings() []*binding {
	return []*binding{
		{id: "play", help: "Play or pause", keys: []fyne.KeyName{fyne.KeySpace}, chords: []*desktop.CustomShortcut{ctrl(fyne.KeyP)}, action: v.TogglePlay},
		{id: "stop", help: "Stop", chords: []*desktop.CustomShortcut{ctrl(fyne.KeyPeriod)}, action: v.ctl.Stop},
		{id: "back", help: "Back 10 seconds", keys: []fyne.KeyName{fyne.KeyLeft}, action: func() { v.SeekBy(-keySeekStep) }},
		{id: "forward", help: "Forward 10 seconds", keys: []fyne.KeyName{fyne.KeyRight}, action: func() { v.SeekBy(keySeekStep) }},
		{id: "volup", help: "Volume up 5%", keys: []fyne.KeyName{fyne.KeyUp}, action: func() { v.SetVolume(v.volume.Value + volumeStep) }},
		{id: "voldown", help: "Volume down 5%", keys: []fyne.KeyName{fyne.KeyDown}, action: func() { v.SetVolume(v.volume.Value - volumeStep) }},
		{id: "mute", help: "Mute or unmute", chords: []*desktop.CustomShortcut{ctrl(fyne.KeyM)}, action: v.ToggleMute},
		{id: "faster", help: "Faster (up to 2×, the pitch kept)", keys: []fyne.KeyName{fyne.KeyRightBracket}, action: func() { v.changeSpeed(speedStep) }},
		{id: "slower", help: "Slower (down to 0.5×, the pitch kept)", keys: []fyne.KeyName{fyne.KeyLeftBracket}, action: func() { v.changeSpeed(-speedStep) }},
		{id: "speed1", help: "Normal speed", keys: []fyne.KeyName{fyne.KeyEqual}, action: func() { v.setSpeed(1) }},
		{id: "step", help: "Next frame (pauses first)", keys: []fyne.KeyName{fyne.KeyE}, action: v.ctl.StepFrame},
		{id: "next", help: "Next playlist entry", chords: []*desktop.CustomShortcut{ctrl(fyne.KeyF)}, action: func() { v.ctl.SkipEntry(1) }},
		{id: "prev", help: "Previous playlist entry", chords: []*desktop.CustomShortcut{ctrl(fyne.KeyB)}, action: func() { v.ctl.SkipEntry(-1) }},
		{id: "repeat", help: "Playlist repeat: off, all, one", keys: []fyne.KeyName{fyne.KeyL}, action: v.CycleRepeat},
		{id: "shuffle", help: "Playlist shuffle on or off", keys: []fyne.KeyName{fyne.KeyR}, action: v.ToggleShuffle},
		{id: "fullscreen", help: "Full screen on or off (or double-click the picture)", keys: []fyne.KeyName{fyne.KeyF, fyne.KeyF11}, action: v.ToggleFullScreen},
		{id: "leavefull", help: "Leave full screen", keys: []fyne.KeyName{fyne.KeyEscape}, action: func() { v.SetFullScreen(false) }},
		{id: "aspect", help: "Next aspect ratio (Automatic, 4:3, 16:9, 16:10, 2.35:1, 1:1)", keys: []fyne.KeyName{fyne.KeyA}, action: func() { v.setAspect((v.aspectIndex + 1) % len(aspectChoices)) }},
		{id: "zoom", help: "Next zoom (Fit Window, Original Size, Stretch)", keys: []fyne.KeyName{fyne.KeyZ}, action: func() { v.setZoom((v.video.frame.zoom + 1) % 3) }},
		{id: "snapshot", help: "Save the picture as a PNG file (in your pictures folder)", keys: []fyne.KeyName{fyne.KeyS}, action: v.Snapshot},
		{id: "ontop", help: "Always on top on or off", keys: []fyne.KeyName{fyne.KeyT}, action: v.ToggleOnTop},
		{id: "panel", help: "Show or hide the side panel", chords: []*desktop.CustomShortcut{ctrl(fyne.KeyI)}, action: v.ToggleSidePanel},
		{id: "openfile", help: "Open a file", chords: []*desktop.CustomShortcut{ctrl(fyne.KeyO)}, action: v.ShowOpenFile},
		{id: "openurl", help: "Open a file or URL by typing it", chords: []*desktop.CustomShortcut{ctrl(fyne.KeyU)}, action: v.ShowOpenLocation},
		{id: "location", help: "Type in the location bar", chords: []*desktop.CustomShortcut{ctrl(fyne.KeyL)}, action: v.focusLocation},
		{id: "help", help: "Keyboard shortcuts (this list)", keys: []fyne.KeyName{fyne.KeyF1}, action: v.ShowShortcuts},
	}
}

// binding returns the table row with the given id (nil if none).
func (v *View) binding(id string) *binding {
	for _, b := range v.keys {
		if b.id == id {
			return b
		}
	}
	return nil
}

// menuItem is a menu item doing b's action, showing its first key (plain
// keys first, as Space for Play / Pause) at the right of the menu.
func (v *View) menuItem(label, id string) *fyne.MenuItem {
	b := v.binding(id)
	it := fyne.NewMenuItem(label, b.action)
	switch {
	case len(b.keys) > 0:
		// Shown only: the window's key handler does it (a plain key is
		// never a Fyne shortcut, so the menu does not take it from a
		// text field).
		it.Shortcut = &desktop.CustomShortcut{KeyName: b.keys[0]}
	case len(b.chords) > 0:
		it.Shortcut = b.chords[0]
	}
	return it
}

// keyLabel is how a key is written in menus and the shortcuts dialog.
func keyLabel(k fyne.KeyName) string {
	switch k {
	case fyne.KeyLeft:
		return "←"
	case fyne.KeyRight:
		return "→"
	case fyne.KeyUp:
		return "↑"
	case fyne.KeyDown:
		return "↓"
	case fyne.KeyEscape:
		return "Esc"
	case fyne.KeyPeriod:
		return "."
	case fyne.KeyLeftBracket:
		return "["
	case fyne.KeyRightBracket:
		return "]"
	case fyne.KeyEqual:
		return "="
	}
	return string(k)
}

// chordLabel is "Ctrl+P" (the modifiers as Fyne's menus write them on
// Linux and Windows).
func chordLabel(c *desktop.CustomShortcut) string {
	var b strings.Builder
	m := c.Modifier
	if m&fyne.KeyModifierControl != 0 {
		b.WriteString("Ctrl+")
	}
	if m&fyne.KeyModifierSuper != 0 {
		b.WriteString("Super+")
	}
	if m&fyne.KeyModifierAlt != 0 {
		b.WriteString("Alt+")
	}
	if m&fyne.KeyModifierShift != 0 {
		b.WriteString("Shift+")
	}
	b.WriteString(keyLabel(c.KeyName))
	return b.String()
}

// keysText is every key of b, "Space, Ctrl+P".
func (b *binding) keysText() string {
	var parts []string
	for _, k := range b.keys {
		parts = append(parts, keyLabel(k))
	}
	for _, c := range b.chords {
		parts = append(parts, chordLabel(c))
	}
	return strings.Join(parts, ", ")
}

// installKeys installs the keyboard table: plain keys through the canvas's
// typed-key handler (TypedKey, also what the seek bar passes on), chords
// as canvas shortcuts (they work in full screen too, where the menu bar
// with its shortcuts is gone).
func (v *View) installKeys() {
	c := v.win.Canvas()
	c.SetOnTypedKey(v.TypedKey)
	v.seek.onKey = v.TypedKey
	v.volume.onKey = v.TypedKey
	for _, b := range v.keys {
		action := b.action
		for _, ch := range b.chords {
			c.AddShortcut(ch, func(fyne.Shortcut) { action() })
		}
	}
}

// TypedKey handles a key typed while no text field has the focus.
func (v *View) TypedKey(k *fyne.KeyEvent) {
	for _, d := range []dialog.Dialog{v.errDialog, v.infoDialog} {
		if d == nil {
			continue
		}
		// The error, shortcuts and About dialogs take Escape and Enter:
		// they close it, as its Close button does; nothing behind it
		// acts on them.
		switch k.Name {
		case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter:
			d.Hide()
			return
		}
	}
	for _, b := range v.keys {
		for _, key := range b.keys {
			if key == k.Name {
				b.action()
				return
			}
		}
	}
}

// menuTheme is the app's theme with its foreground a little transparent
// (alpha 239), so the keys in the menus can be read. Fyne 2.7 draws a menu
// item's shortcut in the foreground colour with its alpha scaled by 0.95
// and cut to 8 bits from 16 (widget.shortcutColor): an opaque foreground
// (0xffff) gives alpha 0x32, keys drawn at a fifth of their strength, hard
// to read and seemingly cut off (issue 11's "clipped" Ctrl+P and Ctrl+.).
// With alpha 239 that arithmetic gives 239 (and, once Fyne computes it
// right, 227); text elsewhere is drawn at 94% of its strength.
type menuTheme struct{ fyne.Theme }

// menuForegroundAlpha is the foreground's alpha (see menuTheme).
const menuForegroundAlpha = 239

func (t menuTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	c := t.Theme.Color(n, v)
	if n != theme.ColorNameForeground {
		return c
	}
	r, g, b, a := c.RGBA()
	if a != 0xffff {
		return c
	}
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: menuForegroundAlpha}
}
