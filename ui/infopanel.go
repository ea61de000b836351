package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// infoPanel shows the presentation's metadata and properties.
type infoPanel struct {
	root *fyne.Container

	title, author, copyright, description *widget.Label
	location, protocol, duration, seeking *widget.Label
}

func newInfoPanel() *infoPanel {
	p := &infoPanel{}
	value := func() *widget.Label {
		return &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true}
	}
	p.title, p.author, p.copyright, p.description = value(), value(), value(), value()
	p.location, p.protocol, p.duration, p.seeking = value(), value(), value(), value()
	p.title.TextStyle.Bold = true
	p.root = container.New(layout.NewFormLayout(),
		fieldName("Title"), p.title,
		fieldName("Author"), p.author,
		fieldName("Copyright"), p.copyright,
		fieldName("Description"), p.description,
		fieldName("Location"), p.location,
		fieldName("Protocol"), p.protocol,
		fieldName("Duration"), p.duration,
		fieldName("Seeking"), p.seeking,
	)
	p.Set(nil)
	return p
}

// fieldName is the caption of a form row, in the theme's secondary text
// colour.
func fieldName(s string) *widget.RichText {
	return newDimText(s, fyne.TextAlignTrailing)
}

// newDimText is text in the theme's placeholder (secondary) colour, which
// stays readable in both theme variants, unlike disabled-looking
// low-importance labels.
func newDimText(s string, align fyne.TextAlign) *widget.RichText {
	t := widget.NewRichText(&widget.TextSegment{Text: s, Style: widget.RichTextStyle{
		Alignment: align, ColorName: theme.ColorNamePlaceHolder, Inline: true, SizeName: theme.SizeNameText,
	}})
	return t
}

// setDimText replaces the text of a newDimText.
func setDimText(t *widget.RichText, s string) {
	if seg, ok := t.Segments[0].(*widget.TextSegment); ok && seg.Text != s {
		seg.Text = s
		t.Refresh()
	}
}

// dimText returns the text of a newDimText.
func dimText(t *widget.RichText) string { return t.String() }

// Set shows m, or dashes when nothing is open.
func (p *infoPanel) Set(m *player.Media) {
	if m == nil {
		for _, l := range []*widget.Label{p.title, p.author, p.copyright, p.description, p.location, p.protocol, p.duration, p.seeking} {
			l.SetText("—")
		}
		return
	}
	p.title.SetText(orDash(m.Metadata.Title))
	p.author.SetText(orDash(m.Metadata.Author))
	p.copyright.SetText(orDash(m.Metadata.Copyright))
	p.description.SetText(orDash(m.Metadata.Description))
	p.location.SetText(orDash(m.URL))
	p.protocol.SetText(orDash(m.Protocol))
	switch {
	case m.Broadcast:
		p.duration.SetText("Live broadcast")
	case m.Duration > 0:
		p.duration.SetText(formatClock(m.Duration))
	default:
		p.duration.SetText("Unknown")
	}
	if m.Seekable && !m.Broadcast {
		p.seeking.SetText("Yes")
	} else {
		p.seeking.SetText("No")
	}
	// Wrapped values change height with their text: lay the rows out
	// again so a long value does not run into the next row.
	p.root.Refresh()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
