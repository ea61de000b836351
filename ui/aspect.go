package ui

import "fyne.io/fyne/v2"

// aspectChoice is one of View ▸ Aspect Ratio's shapes.
type aspectChoice struct {
	label  string
	aspect float64 // 0: the stream's own
}

var aspectChoices = []aspectChoice{
	{"Automatic", 0}, {"4:3", 4.0 / 3}, {"16:9", 16.0 / 9}, {"16:10", 16.0 / 10}, {"2.35:1", 2.35}, {"1:1", 1},
}

var zoomLabels = map[zoomMode]string{zoomFit: "Fit Window", zoomOriginal: "Original Size", zoomStretch: "Stretch"}

// setAspect shows the picture in shape i of aspectChoices (for the
// session: the next presentation keeps it, as VLC does).
func (v *View) setAspect(i int) {
	c := aspectChoices[i]
	v.aspectIndex = i
	v.video.aspectOverride = c.aspect
	if c.aspect > 0 {
		v.video.frame.aspect = c.aspect
	} else if t := selectedVideo(v.media); t != nil && t.Video.Width > 0 {
		v.video.frame.aspect = displayAspect(t.Video.Width, t.Video.Height, t.Video.AspectX, t.Video.AspectY)
	}
	v.video.frameBox.Refresh()
	v.osd.show("Aspect ratio " + c.label)
	v.refreshPictureMenus()
}

// setZoom sets how the picture fills the video area.
func (v *View) setZoom(z zoomMode) {
	v.video.frame.zoom = z
	v.video.frameBox.Refresh()
	v.osd.show("Zoom: " + zoomLabels[z])
	v.refreshPictureMenus()
}

// pictureMenus builds View ▸ Aspect Ratio and View ▸ Zoom.
func (v *View) pictureMenus() (aspect, zoom *fyne.MenuItem) {
	aspect = fyne.NewMenuItem("Aspect Ratio", nil)
	var as []*fyne.MenuItem
	for i, c := range aspectChoices {
		as = append(as, fyne.NewMenuItem(c.label, func() { v.setAspect(i) }))
	}
	aspect.ChildMenu = fyne.NewMenu("", as...)
	zoom = fyne.NewMenuItem("Zoom", nil)
	var zs []*fyne.MenuItem
	for _, z := range []zoomMode{zoomFit, zoomOriginal, zoomStretch} {
		zs = append(zs, fyne.NewMenuItem(zoomLabels[z], func() { v.setZoom(z) }))
	}
	zoom.ChildMenu = fyne.NewMenu("", zs...)
	v.aspectMenu, v.zoomMenu = aspect.ChildMenu, zoom.ChildMenu
	v.refreshPictureMenus()
	return aspect, zoom
}

// refreshPictureMenus ticks the aspect ratio and zoom in use.
func (v *View) refreshPictureMenus() {
	if v.aspectMenu == nil {
		return
	}
	for i, it := range v.aspectMenu.Items {
		it.Checked = i == v.aspectIndex
	}
	for i, it := range v.zoomMenu.Items {
		it.Checked = zoomMode(i) == v.video.frame.zoom
	}
	v.aspectMenu.Refresh()
	v.zoomMenu.Refresh()
}
