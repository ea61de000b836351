package ui

import (
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

// videoArea is the large dark pane where video will be shown. Until a
// decoded picture is available it shows what is playing: an artwork tile
// with the title and author for audio, a note for video that cannot be
// shown, the app icon and a hint when idle, and an error sign after a
// failure. It always uses the dark theme variant, like the screen of a
// media player.
//
// Decoded frames (a later step) go into screen, a stack layer between the
// background and the placeholder.
type videoArea struct {
	root   *container.ThemeOverride
	screen *fyne.Container // the video layers: background, then the placeholder

	bg       *canvas.LinearGradient
	tile     *canvas.Rectangle
	tileIcon *widget.Icon
	logo     *canvas.Image
	tileArt  *fyne.Container // tile with its icon
	art      *fyne.Container // holds tileArt or logo
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
	a.art = container.NewGridWrap(fyne.NewSquareSize(artSize), a.tileArt)

	text := container.NewVBox(a.title, a.subtitle, a.detail)
	center := container.NewVBox(
		container.NewCenter(a.art),
		container.New(layout.NewCustomPaddedLayout(8, 0, 24, 24), text),
	)
	a.screen = container.NewStack(a.bg, container.NewCenter(container.NewGridWrap(fyne.NewSize(460, center.MinSize().Height+80), center)))
	a.root = container.NewThemeOverride(a.screen, darkTheme{})
	a.showIdle()
	return a
}

// setArt shows the coloured tile with an icon, or the logo when icon is nil.
func (a *videoArea) setArt(icon fyne.Resource, fill color.Color) {
	if icon == nil && a.logo != nil {
		a.art.Objects = []fyne.CanvasObject{a.logo}
		a.art.Refresh()
		return
	}
	if icon == nil {
		icon = theme.MediaMusicIcon()
	}
	a.tile.FillColor = fill
	a.tileIcon.SetResource(icon)
	a.art.Objects = []fyne.CanvasObject{a.tileArt}
	a.art.Refresh()
	a.tile.Refresh()
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

// showMedia shows what is playing: title, author and the audio format, or
// a note when the presentation has video that this build cannot show.
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
		msg := "Video " + trackDetails(*video) + ": pictures are not shown in this version"
		if audio != nil {
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
