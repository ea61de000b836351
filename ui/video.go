package ui

import (
	"image"
	"sync"

	"fyne.io/fyne/v2"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// VideoView is the window's video output: the player presents decoded
// frames to it (player.Config.Video) and the View it is attached to shows
// them in the video area, scaled to fit with the picture's aspect ratio.
//
// Present runs on the player's video goroutine and never waits for the
// window: it keeps the newest frame in a one-frame slot and, when no
// update is queued yet, queues one on the Fyne goroutine (the View's
// fyne.Do). A frame that arrives while an update is queued replaces the
// one waiting, so however slow the window is, at most one frame waits and
// the window always draws the newest one.
//
// Create it before the player (which takes it in its Config) and pass it
// to New in Config.Video; frames presented before then wait in the slot.
type VideoView struct {
	mu     sync.Mutex
	view   *View
	next   decoder.Frame // the newest frame not yet shown
	has    bool          // next holds a frame
	queued bool          // an update is in the Fyne queue

	// ret gives a picture back to the player (player.FrameReturner):
	// a frame replaced in the slot before it was drawn, and the picture
	// on screen once another replaces it.
	ret func(*image.RGBA)

	// Counters for tests and diagnostics.
	presented int // frames given to Present
	replaced  int // frames replaced in the slot before the window drew them
}

// The window gives pictures back for reuse.
var _ player.FrameReturner = (*VideoView)(nil)

// SetFrameReturn implements player.FrameReturner.
func (vv *VideoView) SetFrameReturn(ret func(*image.RGBA)) {
	vv.mu.Lock()
	vv.ret = ret
	vv.mu.Unlock()
}

// giveBack returns a picture nobody reads any more (any goroutine).
func (vv *VideoView) giveBack(img *image.RGBA) {
	vv.mu.Lock()
	ret := vv.ret
	vv.mu.Unlock()
	if ret != nil && img != nil {
		ret(img)
	}
}

// NewVideoView returns a video output not yet attached to a window.
func NewVideoView() *VideoView { return &VideoView{} }

// The window is a player video output.
var _ player.VideoOutput = (*VideoView)(nil)

// Present takes a decoded frame; the view keeps f.Image (the player hands
// it over) until a newer frame replaces it. Safe on any goroutine; it does
// not block on the window.
func (vv *VideoView) Present(f decoder.Frame) {
	if f.Image == nil || f.Image.Rect.Empty() {
		return
	}
	vv.mu.Lock()
	vv.presented++
	if vv.has {
		vv.replaced++
		if vv.ret != nil && vv.next.Image != f.Image {
			vv.ret(vv.next.Image) // never drawn: nobody reads it
		}
	}
	vv.next, vv.has = f, true
	v := vv.view
	if v == nil || vv.queued {
		vv.mu.Unlock()
		return
	}
	vv.queued = true
	do := v.do
	vv.mu.Unlock()
	do(vv.flush)
}

// flush shows the newest frame (Fyne goroutine).
func (vv *VideoView) flush() {
	vv.mu.Lock()
	f, ok, v := vv.next, vv.has, vv.view
	vv.next, vv.has, vv.queued = decoder.Frame{}, false, false
	vv.mu.Unlock()
	if ok && v != nil {
		v.flushWithFrame()
		v.showFrame(f)
	}
}

// attach makes v show the frames; a frame already waiting is queued.
func (vv *VideoView) attach(v *View) {
	vv.mu.Lock()
	vv.view = v
	pending := vv.has && !vv.queued
	if pending {
		vv.queued = true
	}
	vv.mu.Unlock()
	if pending {
		v.do(vv.flush)
	}
}

// detach stops showing frames in v and drops the waiting one.
func (vv *VideoView) detach(v *View) {
	vv.mu.Lock()
	defer vv.mu.Unlock()
	if vv.view == v {
		vv.view = nil
		vv.next, vv.has = decoder.Frame{}, false
	}
}

// counts returns how many frames were presented and how many of them were
// replaced before the window drew them.
func (vv *VideoView) counts() (presented, replaced int) {
	vv.mu.Lock()
	defer vv.mu.Unlock()
	return vv.presented, vv.replaced
}

// showsVideo reports whether frames may be shown in state s: while a
// presentation is playing, paused, buffering (before the first picture,
// or a rebuffer, which keeps the last picture) or ended (the last picture
// stays). Opening, stopped, idle and failed show the placeholder.
func showsVideo(s player.State) bool {
	switch s {
	case player.Buffering, player.Playing, player.Paused, player.Ended:
		return true
	}
	return false
}

// showFrame puts f on screen (Fyne goroutine), unless the window is not
// showing video now: after the user opened something else and before the
// player reports it opening (frames of the old presentation may still
// arrive), when opening, stopped, idle or failed, and while the
// presentation's video streams are all turned off (a live stream plays
// out what it has buffered of the old choice before the switch takes
// effect: those pictures would stay on screen, frozen at the last).
func (v *View) showFrame(f decoder.Frame) {
	if v.videoHold || !showsVideo(v.st.State) || videoTurnedOff(v.media) {
		v.giveBack(f.Image)
		return
	}
	old, _ := v.video.picture.Image.(*image.RGBA)
	w, h := f.Image.Rect.Dx(), f.Image.Rect.Dy()
	var px, py int
	if t := selectedVideo(v.media); t != nil {
		px, py = t.Video.AspectX, t.Video.AspectY
	}
	v.video.showFrame(f.Image, displayAspect(w, h, px, py))
	if old != f.Image {
		// Painting happens on this goroutine: the old picture is read no
		// more (its texture is the GL driver's copy).
		v.giveBack(old)
	}
	v.fitFirstPicture()
	v.framesShown++
	if v.st.State == player.Playing {
		v.setFrameFlow(true)
	}
}

// clearVideo removes the picture and shows the placeholder again.
func (v *View) clearVideo() {
	old, _ := v.video.picture.Image.(*image.RGBA)
	v.video.clearFrame()
	if v.video.picture.Image == nil {
		v.giveBack(old)
	}
	v.setFrameFlow(false)
}

// videoTurnedOff reports whether m has video streams and none of them is
// chosen.
func videoTurnedOff(m *player.Media) bool {
	return hasVideo(m) && selectedVideo(m) == nil
}

// hasVideo reports whether m has a video stream, chosen or not.
func hasVideo(m *player.Media) bool {
	if m == nil {
		return false
	}
	for _, t := range m.Tracks {
		if t.Type == transport.Video {
			return true
		}
	}
	return false
}

// selectedVideo returns the video track being played, or nil.
func selectedVideo(m *player.Media) *player.TrackInfo {
	if m == nil {
		return nil
	}
	for i := range m.Tracks {
		if t := &m.Tracks[i]; t.Type == transport.Video && t.Selected {
			return t
		}
	}
	return nil
}

// displayAspect is the width/height ratio a w×h picture is shown at: its
// pixel aspect ratio (parX:parY, from the stream's header) times the frame
// shape; 0 or negative parX/parY mean square pixels. 0 for an empty frame.
func displayAspect(w, h, parX, parY int) float64 {
	if w <= 0 || h <= 0 {
		return 0
	}
	a := float64(w) / float64(h)
	if parX > 0 && parY > 0 {
		a *= float64(parX) / float64(parY)
	}
	return a
}

// fitRect is the largest rectangle of the given aspect ratio (width/height)
// that fits in area, centred: bars above and below (letterbox) for a wider
// picture, at the sides (pillarbox) for a narrower one. A zero aspect
// fills the area.
func fitRect(area fyne.Size, aspect float64) (fyne.Position, fyne.Size) {
	if aspect <= 0 || area.Width <= 0 || area.Height <= 0 {
		return fyne.NewPos(0, 0), area
	}
	w, h := float64(area.Width), float64(area.Height)
	if w/h > aspect {
		w = h * aspect // pillarbox
	} else {
		h = w / aspect // letterbox
	}
	size := fyne.NewSize(float32(w), float32(h))
	return fyne.NewPos((area.Width-size.Width)/2, (area.Height-size.Height)/2), size
}

// aspectLayout places its first object, the picture, as the zoom says:
// in the fitRect of its size (zoomFit), at the picture's own width when
// that fits (zoomOriginal), or over all of it (zoomStretch); the next
// four, when given, are the bars that fill the rest (above, below, left
// and right of the picture).
type aspectLayout struct {
	aspect float64
	zoom   zoomMode
	// width is the picture's own width in pixels (zoomOriginal).
	width float32
}

// zoomMode is how the picture fills the video area (View ▸ Zoom).
type zoomMode int

const (
	zoomFit      zoomMode = iota // the largest picture of its shape that fits
	zoomOriginal                 // its own size (one video pixel a screen unit) when it fits, else zoomFit
	zoomStretch                  // the whole area, the shape ignored
)

func (l *aspectLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pos, sz := fitRect(size, l.aspect)
	switch l.zoom {
	case zoomStretch:
		pos, sz = fyne.NewPos(0, 0), size
	case zoomOriginal:
		if l.aspect > 0 && l.width > 0 && l.width <= sz.Width {
			sz = fyne.NewSize(l.width, l.width/float32(l.aspect))
			pos = fyne.NewPos((size.Width-sz.Width)/2, (size.Height-sz.Height)/2)
		}
	}
	if len(objs) == 0 {
		return
	}
	objs[0].Move(pos)
	objs[0].Resize(sz)
	if len(objs) < 5 {
		return
	}
	// The bars around the picture: above, below, left, right (empty
	// where the picture reaches the edge). Only the bars are painted
	// black, not the whole area under the picture too: that was a second
	// fill of the whole video area for every frame (issue 12).
	right, bottom := pos.X+sz.Width, pos.Y+sz.Height
	place := func(o fyne.CanvasObject, x, y, w, h float32) {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(max(w, 0), max(h, 0)))
	}
	place(objs[1], 0, 0, size.Width, pos.Y)
	place(objs[2], 0, bottom, size.Width, size.Height-bottom)
	place(objs[3], 0, pos.Y, pos.X, sz.Height)
	place(objs[4], right, pos.Y, size.Width-right, sz.Height)
}

// MinSize is zero: the picture shrinks with the window.
func (l *aspectLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// pictureOf returns the image the video area shows, nil when none.
func (a *videoArea) pictureOf() image.Image {
	if !a.videoLayer.Visible() {
		return nil
	}
	return a.picture.Image
}

// giveBack returns a picture the window no longer shows to the player.
func (v *View) giveBack(img *image.RGBA) {
	if v.out != nil && img != nil {
		v.out.giveBack(img)
	}
}
