package ui

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/layout"
)

// PrefFitWindow is the preference that holds View ▸ Fit Window to Video
// (default true).
const PrefFitWindow = "view.fit_window"

// windowFit is View ▸ Fit Window to Video: when a presentation's first
// picture shows, the window takes the size at which the video area holds
// the picture at its own size (its height in pixels, its width from the
// display aspect ratio), as VLC, mpv and ffplay size their windows. It
// never grows past the window's home size: the size the user last gave
// the window (by dragging its edges, or the window manager's maximise),
// or the size it opened at. A larger video is fitted within that size,
// the window taking the picture's shape, without black bars.
//
// A small video then costs the software renderer of a machine without a
// GPU less too: Fyne redraws the whole window for each picture, and the
// 320x240 test clip, at its own size, takes about a quarter less CPU than
// upscaled into the 1000x640 window (issue 12).
type windowFit struct {
	on   bool           // the menu item is ticked
	done bool           // fitted (or not to be) for this presentation
	item *fyne.MenuItem // View ▸ Fit Window to Video

	home fyne.Size // the size to fit within; zero until the window is laid out
	seen fyne.Size // the window's size when last laid out
	// ours are the last sizes a fit asked for or Fyne grew the window
	// to. The window may pass through them again as the window manager
	// answers requests made before the last (Fyne's growth to the
	// placeholder's size while opening, then the fit): none of them is
	// the user's.
	ours [4]fyne.Size
	next int // where the next size goes in ours
}

// sized is told the window's size each time the window's content is laid
// out outside full screen; least gives the least size the content allows. A
// change that is neither to a size a fit asked for nor Fyne's growing of
// the window to its content's least size (a placeholder larger than the
// picture was, while opening) is the user's: it becomes the home size.
func (f *windowFit) sized(s fyne.Size, least func() fyne.Size) {
	if s == f.seen {
		return
	}
	old := f.seen
	f.seen = s
	for _, o := range f.ours {
		if !o.IsZero() && sizeNear(s, o) {
			return
		}
	}
	if grew := !old.IsZero() && s.Width >= old.Width && s.Height >= old.Height; grew {
		if l := least(); unitNear(s.Width, l.Width) && s.Width > old.Width || unitNear(s.Height, l.Height) && s.Height > old.Height {
			f.remember(s)
			return
		}
	}
	f.home = s
}

// remember adds s to the sizes that are not the user's.
func (f *windowFit) remember(s fyne.Size) {
	f.ours[f.next] = s
	f.next = (f.next + 1) % len(f.ours)
}

// sizeNear reports whether a and b differ by at most a unit in each dimension
// (the window's size is in whole pixels).
func sizeNear(a, b fyne.Size) bool {
	return unitNear(a.Width, b.Width) && unitNear(a.Height, b.Height)
}

// unitNear reports whether a and b differ by at most a unit.
func unitNear(a, b float32) bool { return math.Abs(float64(a-b)) <= 1 }

// fitLayout is how the window is laid out around its video area.
type fitLayout struct {
	window fyne.Size // the window's (canvas) size
	area   fyne.Size // the video area's
	// Beside the side panel (split): the split's width, the side panel's
	// least width, the divider's width and the video's share of the
	// width (container.Split's Offset).
	split      bool
	splitWidth float32
	panelMin   float32
	divider    float32
	offset     float64
}

// fitSize returns the window size at which the video area is video (in
// the window's units) or, where that window would be wider or taller than
// home, the largest window within home whose video area has the video's
// shape. Fyne's split gives the video its share (offset) of the width and
// the side panel the rest, but never less than the panel's least width.
func fitSize(l fitLayout, video, home fyne.Size) fyne.Size {
	if video.Width <= 0 || video.Height <= 0 {
		return l.window
	}
	size := func(s float64) (w, h float64) {
		vw, vh := float64(video.Width)*s, float64(video.Height)*s
		h = float64(l.window.Height-l.area.Height) + vh
		if !l.split {
			return float64(l.window.Width-l.area.Width) + vw, h
		}
		avail := vw + float64(l.panelMin)
		if l.offset > 0 && l.offset < 1 {
			avail = math.Max(avail, vw/l.offset)
		}
		return float64(l.window.Width-l.splitWidth+l.divider) + avail, h
	}
	fits := func(s float64) bool {
		w, h := size(s)
		return w <= float64(home.Width)+0.5 && h <= float64(home.Height)+0.5
	}
	s := 1.0
	if !home.IsZero() && !fits(1) {
		// The size grows with s: the largest s that fits, by bisection.
		lo, hi := 0.0, 1.0
		for range 40 {
			if mid := (lo + hi) / 2; fits(mid) {
				lo = mid
			} else {
				hi = mid
			}
		}
		s = lo
	}
	w, h := size(s)
	return fyne.NewSize(float32(math.Round(w)), float32(math.Round(h)))
}

// fitWindow sizes the window to the picture on screen, if the menu item
// is ticked and the window is not full screen (Fyne goroutine). It
// reports false when it could not tell yet: the window not laid out.
func (v *View) fitWindow() bool {
	f := &v.fit
	img := v.video.picture.Image
	aspect := v.video.frame.aspect
	if !f.on || v.fullscreen || img == nil || !(aspect > 0) || math.IsInf(aspect, 0) {
		return true
	}
	scale := v.win.Canvas().Scale()
	if scale <= 0 {
		scale = 1
	}
	h := float32(img.Bounds().Dy()) / scale
	video := fyne.NewSize(float32(math.Round(float64(h)*aspect)), h)
	l := fitLayout{window: v.win.Canvas().Size(), area: v.videoHost.Size()}
	if v.panelShown {
		l.split = true
		l.splitWidth = v.split.Size().Width
		l.panelMin = v.tabs.MinSize().Width
		l.divider = l.splitWidth - l.area.Width - v.tabs.Size().Width
		l.offset = v.split.Offset
	}
	if l.area.Width <= 0 || l.area.Height <= 0 {
		return false
	}
	home := f.home
	if home.IsZero() {
		home = l.window
	}
	want := fitSize(l, video, home)
	if sizeNear(want, l.window) {
		return true
	}
	// Fyne keeps the window at least as large as its content's least
	// size: the size the window will take.
	f.remember(want.Max(v.leastWindowSize()))
	if !v.win.FixedSize() {
		// Fyne gives the window manager the window's least size when it
		// next finds the content's least size changed, after the next
		// redraw. The placeholder hidden for this picture had raised it
		// (while opening), and a window manager keeps a window at least
		// that large. Setting the window not fixed (as it is) gives the
		// new least size now.
		v.win.SetFixedSize(false)
	}
	v.win.Resize(want)
	return true
}

// fitFirstPicture fits the window to the presentation's first picture
// (Fyne goroutine, after it is on screen).
func (v *View) fitFirstPicture() {
	if !v.fit.done {
		v.fit.done = v.fitWindow()
	}
}

// leastWindowSize is the least size Fyne allows the window: its content's
// least size with the menu bar and the padding around the content.
func (v *View) leastWindowSize() fyne.Size {
	content := v.win.Content()
	return v.win.Canvas().Size().Subtract(content.Size()).Add(content.MinSize())
}

// ToggleFitWindow turns View ▸ Fit Window to Video on or off (remembered
// in the preferences); turned on, it fits the window to the picture on
// screen at once.
func (v *View) ToggleFitWindow() {
	f := &v.fit
	f.on = !f.on
	if v.app != nil {
		v.app.Preferences().SetBool(PrefFitWindow, f.on)
	}
	if f.item != nil {
		f.item.Checked = f.on
		v.refreshMenu("View")
	}
	if f.on && v.video.showingPicture() {
		v.fitWindow()
	}
}

// FitsWindow reports whether View ▸ Fit Window to Video is ticked.
func (v *View) FitsWindow() bool { return v.fit.on }

// sizeWatch lays its objects out as a stack and tells onSize each size
// it is given.
type sizeWatch struct {
	stack  fyne.Layout
	onSize func(fyne.Size)
}

func newSizeWatch(onSize func(fyne.Size)) *sizeWatch {
	return &sizeWatch{stack: layout.NewStackLayout(), onSize: onSize}
}

func (w *sizeWatch) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w.stack.Layout(objs, size)
	w.onSize(size)
}

func (w *sizeWatch) MinSize(objs []fyne.CanvasObject) fyne.Size { return w.stack.MinSize(objs) }
