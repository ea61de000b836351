package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

// artSize is the edge of the artwork tile in the video area.
const artSize = 148

// videoArea is the large dark pane that shows the video. Until a decoded
// picture is available (and for audio-only presentations) it shows what is
// playing: an artwork tile with the title and author for audio, the video
// stream's description while its first picture is on its way (or why it
// cannot be shown), the app icon and a hint when idle, and an error sign
// after a failure. It always uses the dark theme variant, like the screen
// of a media player: through a theme override while the app's variant is
// not dark (setAppDark).
//
// The layers, bottom to top: the background gradient, the video layer
// (black bars and the picture, scaled to fit with its aspect ratio; hidden
// until a frame arrives), the placeholder (hidden while a picture shows),
// and a transparent surface that takes double clicks (full screen).
type videoArea struct {
	// root holds screen, or dark (holding screen) while the app's theme
	// variant is not dark (setAppDark).
	root   *refreshStop
	screen *fyne.Container // the layers
	dark   *container.ThemeOverride

	bg         *canvas.LinearGradient
	videoLayer *fyne.Container // black bars and the framed picture
	picture    *canvas.Image
	frame      *aspectLayout // places picture in the layer
	// aspectOverride is the display shape the user chose (View ▸ Aspect
	// Ratio); 0: the stream's.
	aspectOverride float64
	frameBox       *fyne.Container
	placeholder    *fyne.Container
	surface        *videoSurface
	// ended is the panel shown over the last picture (or the placeholder)
	// when the presentation has played to its end: "Ended" and a Play
	// Again button (replay, the Play button's and Space's action too).
	ended      *fyne.Container
	endedPad   *fyne.Container // the card's margin above the bottom
	endedLabel *widget.Label
	replayBtn  *widget.Button
	// caption is the text stream's caption over the bottom of the
	// picture (player.Status.Caption), hidden when there is none.
	caption     *fyne.Container
	captionText *widget.Label
	// osd is the on-screen message over the top of the picture (volume,
	// seek), hidden when there is none.
	osd     *fyne.Container
	osdText *widget.Label

	tile     *canvas.Rectangle
	tileIcon *widget.Icon
	logo     *canvas.Image
	tileArt  *fyne.Container // tile with its icon
	art      *fyne.Container // holds tileArt and logo, one of them shown
	title    *widget.Label
	subtitle *widget.Label
	detail   *widget.RichText
}

func newVideoArea(logo fyne.Resource) *videoArea {
	a := &videoArea{
		bg:       canvas.NewVerticalGradient(color.NRGBA{0x10, 0x17, 0x2a, 0xff}, color.NRGBA{0x05, 0x08, 0x12, 0xff}),
		tile:     canvas.NewRectangle(color.NRGBA{0x25, 0x63, 0xeb, 0xff}),
		tileIcon: widget.NewIcon(theme.MediaMusicIcon()),
		title:    &widget.Label{Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText, Truncation: fyne.TextTruncateEllipsis},
		subtitle: &widget.Label{Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameSubHeadingText, Truncation: fyne.TextTruncateEllipsis},
		detail:   newDimText("", fyne.TextAlignCenter),
	}
	a.detail.Wrapping = fyne.TextWrapWord
	a.tile.CornerRadius = 22
	a.tile.StrokeColor = color.NRGBA{0xff, 0xff, 0xff, 0x30}
	a.tile.StrokeWidth = 1
	if logo != nil {
		a.logo = canvas.NewImageFromResource(logo)
		a.logo.FillMode = canvas.ImageFillContain
		a.logo.SetMinSize(fyne.NewSquareSize(artSize))
	}
	a.tileArt = container.NewStack(a.tile, container.New(layout.NewCustomPaddedLayout(34, 34, 34, 34), a.tileIcon))
	art := container.NewStack(a.tileArt)
	if a.logo != nil {
		a.logo.Hide()
		art.Add(a.logo)
	}
	a.art = container.NewGridWrap(fyne.NewSquareSize(artSize), art)

	text := container.NewVBox(a.title, a.subtitle, a.detail)
	center := container.NewVBox(
		container.NewCenter(a.art),
		container.New(layout.NewCustomPaddedLayout(8, 0, 24, 24), text),
	)
	a.placeholder = container.NewCenter(container.NewGridWrap(fyne.NewSize(460, center.MinSize().Height+80), center))

	// The picture: stretched into the rectangle the layout computes (so a
	// non-square pixel aspect ratio is honoured), scaled by the GPU.
	a.picture = &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScaleFastest}
	a.frame = &aspectLayout{}
	bar := func() fyne.CanvasObject { return canvas.NewRectangle(color.Black) }
	a.frameBox = container.New(a.frame, a.picture, bar(), bar(), bar(), bar())
	a.videoLayer = container.NewStack(a.frameBox)
	a.videoLayer.Hide()
	a.surface = newVideoSurface()

	a.endedLabel = &widget.Label{Text: "Ended", Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}}
	a.replayBtn = widget.NewButtonWithIcon("Play Again", theme.MediaReplayIcon(), nil)
	a.replayBtn.Importance = widget.HighImportance
	scrim := canvas.NewRectangle(color.NRGBA{0x05, 0x08, 0x12, 0xc8})
	scrim.CornerRadius = 12
	card := container.NewStack(scrim, container.New(layout.NewCustomPaddedLayout(6, 6, 16, 6),
		container.NewHBox(a.endedLabel, a.replayBtn)))
	// At the bottom of the area, so that it hides neither the middle of
	// the last picture nor the placeholder's text (audio only).
	a.endedPad = container.New(layout.NewCustomPaddedLayout(0, endedMargin, 0, 0), container.NewCenter(card))
	a.ended = container.NewBorder(nil, a.endedPad, nil, nil)
	a.ended.Hide()

	a.captionText = &widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	capScrim := canvas.NewRectangle(color.NRGBA{0, 0, 0, 0xb0})
	capScrim.CornerRadius = 6
	a.caption = container.NewBorder(nil, container.New(layout.NewCustomPaddedLayout(0, 24, 40, 40),
		container.NewStack(capScrim, a.captionText)), nil, nil)
	a.caption.Hide()

	a.osd, a.osdText = newOSDBox()

	a.screen = container.NewStack(a.bg, a.videoLayer, a.placeholder, a.caption, a.osd, a.surface, a.ended)
	a.root = newRefreshStop(a.screen)
	a.showIdle()
	return a
}

// setAppDark shows the area through a dark theme override while the app's
// own variant is not dark, and without one while it is. An override is a
// theme scope of its own, for which Fyne parses every font face the
// area's text uses once more (2.9 MB of the window's heap for the regular
// and bold faces) even when its colours are the app's (issue 12). The
// override is made the first time it is needed; Fyne keeps its scope on
// the objects it was applied to, so an area that was once shown light
// keeps the dark theme's colours, which are then the app's.
func (a *videoArea) setAppDark(dark bool) {
	want := fyne.CanvasObject(a.screen)
	if !dark {
		if a.dark == nil {
			a.dark = container.NewThemeOverride(a.screen, darkTheme{})
		}
		want = a.dark
	}
	a.root.set(want)
}

// setArt shows the coloured tile with an icon, or the logo when icon is nil.
// Both stay in the area, one of them hidden, so that a theme override made
// for the area covers both.
func (a *videoArea) setArt(icon fyne.Resource, fill color.Color) {
	if icon == nil && a.logo != nil {
		a.tileArt.Hide()
		a.logo.Show()
		return
	}
	if icon == nil {
		icon = theme.MediaMusicIcon()
	}
	if a.logo != nil {
		a.logo.Hide()
	}
	a.tile.FillColor = fill
	a.tileIcon.SetResource(icon)
	a.tile.Refresh()
	a.tileArt.Show()
}

func (a *videoArea) showIdle() {
	a.setArt(nil, nil)
	a.title.SetText("Eddy")
	a.setSubtitle("Windows Media streams and files")
	setDimText(a.detail, "Open a file, or type a stream URL above and press Enter.")
}

func (a *videoArea) showOpening(location string) {
	a.setArt(theme.DownloadIcon(), color.NRGBA{0x33, 0x41, 0x55, 0xff})
	a.title.SetText("Opening…")
	a.setSubtitle(location)
	setDimText(a.detail, "")
}

func (a *videoArea) showFailed(location string, err error) {
	a.setArt(theme.ErrorIcon(), color.NRGBA{0x99, 0x1b, 0x1b, 0xff})
	a.title.SetText("Could not play")
	a.setSubtitle(location)
	if err != nil {
		setDimText(a.detail, err.Error())
	} else {
		setDimText(a.detail, "")
	}
}

// showMedia shows what is playing: title, author and the audio format,
// or, for video, the stream's description while its first picture is on
// its way, or why it cannot be shown.
func (a *videoArea) showMedia(m *player.Media) {
	title := m.Metadata.Title
	if title == "" {
		title = displayName(m.URL)
	}
	a.title.SetText(title)
	a.setSubtitle(m.Metadata.Author)

	var audio, video *player.TrackInfo
	for i := range m.Tracks {
		t := &m.Tracks[i]
		switch {
		case t.Type == transport.Audio && (audio == nil || t.Selected && !audio.Selected):
			audio = t
		case t.Type == transport.Video && (video == nil || t.Selected && !video.Selected):
			video = t
		}
	}
	switch {
	case video != nil:
		a.setArt(theme.MediaVideoIcon(), color.NRGBA{0x7c, 0x3a, 0xed, 0xff})
		msg := "Video " + trackDetails(*video)
		switch {
		case video.Encrypted || video.Decoder == "":
			msg += ": pictures cannot be shown"
		case !video.Selected:
			msg += ": not playing (choose it under Streams)"
		}
		if !video.Selected && audio != nil && audio.Selected {
			msg += "; playing the sound."
		}
		setDimText(a.detail, msg)
	case audio != nil:
		a.setArt(theme.MediaMusicIcon(), color.NRGBA{0x25, 0x63, 0xeb, 0xff})
		setDimText(a.detail, trackDetails(*audio))
	default:
		a.setArt(theme.QuestionIcon(), color.NRGBA{0x33, 0x41, 0x55, 0xff})
		setDimText(a.detail, "No audio or video stream.")
	}
}

// showFrame shows img at the given display aspect ratio in place of the
// placeholder.
func (a *videoArea) showFrame(img *image.RGBA, aspect float64) {
	a.picture.Image = img
	if a.aspectOverride > 0 {
		aspect = a.aspectOverride
	}
	if w := float32(img.Rect.Dx()); aspect != a.frame.aspect || w != a.frame.width {
		a.frame.aspect, a.frame.width = aspect, w
		a.frameBox.Refresh() // lays the picture out again
	}
	if !a.videoLayer.Visible() {
		a.videoLayer.Show()
		a.placeholder.Hide()
		// The black layer covers the gradient: not drawn under each
		// frame (a full-area texture less per redraw).
		a.bg.Hide()
	}
	a.picture.Refresh()
}

// clearFrame removes the picture and shows the placeholder.
func (a *videoArea) clearFrame() {
	if a.picture.Image == nil && !a.videoLayer.Visible() {
		return
	}
	a.picture.Image = nil
	a.frame.aspect = 0
	a.videoLayer.Hide()
	a.bg.Show()
	a.placeholder.Show()
}

// showEnded shows or hides the end panel; the label says where playback
// ended (the last picture stays behind it).
func (a *videoArea) showEnded(on bool, text string) {
	if !on {
		a.ended.Hide()
		return
	}
	setText(a.endedLabel, text)
	if !a.ended.Visible() {
		a.ended.Show()
		a.ended.Refresh() // lays out the margin set while hidden
	}
}

// endedMargin is the end panel's margin above the bottom of the area.
const endedMargin = 18

// liftEnded raises the end panel by h above its usual place (the
// full-screen controls' height while they show, so they do not cover it),
// or puts it back with 0.
func (a *videoArea) liftEnded(h float32) {
	want := layout.NewCustomPaddedLayout(0, endedMargin+h, 0, 0)
	if a.endedPad.Layout == want {
		return
	}
	a.endedPad.Layout = want
	if a.ended.Visible() {
		a.ended.Refresh()
	}
}

// showingPicture reports whether a video frame is on screen.
func (a *videoArea) showingPicture() bool { return a.videoLayer.Visible() }

// setSubtitle shows s under the title; an empty subtitle takes no room.
func (a *videoArea) setSubtitle(s string) {
	a.subtitle.SetText(s)
	if s == "" {
		a.subtitle.Hide()
	} else {
		a.subtitle.Show()
	}
}

// darkTheme is the default theme forced to its dark variant.
type darkTheme struct{}

func (darkTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(n, theme.VariantDark)
}
func (darkTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (darkTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (darkTheme) Size(n fyne.ThemeSizeName) float32       { return theme.DefaultTheme().Size(n) }

// videoSurface is the transparent top layer of the video area: it takes
// double clicks (and double taps), which toggle full screen.
type videoSurface struct {
	widget.BaseWidget
	OnDoubleTap func()
	// OnPointer is called for each pointer move over the area, and with
	// out set (and the last position) when the pointer leaves it.
	OnPointer func(pos fyne.Position, out bool)
	last      fyne.Position
}

func newVideoSurface() *videoSurface {
	s := &videoSurface{}
	s.ExtendBaseWidget(s)
	return s
}

// DoubleTapped is called by Fyne for a double click.
func (s *videoSurface) DoubleTapped(*fyne.PointEvent) {
	if s.OnDoubleTap != nil {
		s.OnDoubleTap()
	}
}

func (s *videoSurface) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// setCaption shows text over the bottom of the picture ("" hides it).
func (a *videoArea) setCaption(text string) {
	if text == a.captionText.Text && a.caption.Visible() == (text != "") {
		return
	}
	a.captionText.SetText(text)
	if text == "" {
		a.caption.Hide()
	} else {
		a.caption.Show()
	}
}
