package ui

import (
	"fmt"
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// graphPoints is how many readings a graph keeps: one a second, three
// minutes.
const graphPoints = 180

// series is a graph's readings, oldest first, and the marks (rebuffers)
// at some of them.
type series struct {
	v     []float64
	marks []bool
}

func (s *series) add(v float64, mark bool) {
	if len(s.v) == graphPoints {
		s.v, s.marks = s.v[1:], s.marks[1:]
	}
	s.v, s.marks = append(s.v, v), append(s.marks, mark)
}

func (s *series) max() float64 {
	m := 0.0
	for _, v := range s.v {
		m = max(m, v)
	}
	return m
}

// graph is one live graph of the Statistics tab: a caption and a line
// drawn into a canvas.Raster, redrawn once a second at most.
type graph struct {
	title  string
	unit   func(float64) string
	s      series
	label  *widget.Label
	raster *canvas.Raster
	line   color.Color
}

func newGraph(title string, unit func(float64) string) *graph {
	// The label is cut short rather than widening the side panel.
	g := &graph{title: title, unit: unit, label: &widget.Label{Text: title, Truncation: fyne.TextTruncateEllipsis},
		line: theme.Color(theme.ColorNamePrimary)}
	g.raster = canvas.NewRaster(g.draw)
	g.raster.SetMinSize(fyne.NewSize(60, 48))
	return g
}

// draw renders the readings as a line across w×h pixels, scaled to the
// largest, with the marks as red bars; the newest at the right.
func (g *graph) draw(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	if w < 2 || h < 2 {
		return img
	}
	axis := color.NRGBA{R: 128, G: 128, B: 128, A: 96}
	for x := range w {
		img.Set(x, h-1, axis)
	}
	n := len(g.s.v)
	if n == 0 {
		return img
	}
	top := g.s.max() * 1.1
	if top <= 0 {
		top = 1
	}
	y := func(v float64) int { return h - 1 - int(v/top*float64(h-1)) }
	x := func(i int) int { return w - 1 - (n-1-i)*(w-1)/(graphPoints-1) }
	mark := color.NRGBA{R: 220, G: 40, B: 40, A: 255}
	for i := range n {
		if g.s.marks[i] {
			for yy := range h {
				img.Set(x(i), yy, mark)
			}
		}
	}
	px, py := x(0), y(g.s.v[0])
	img.Set(px, py, g.line)
	for i := 1; i < n; i++ {
		nx, ny := x(i), y(g.s.v[i])
		drawLine(img, px, py, nx, ny, g.line)
		px, py = nx, ny
	}
	return img
}

// drawLine draws from (x0,y0) to (x1,y1) (Bresenham).
func drawLine(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	err := dx + dy
	for {
		img.Set(x0, y0, c)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * err
		if e2 >= dy {
			err += dy
			x0 += sx
		}
		if e2 <= dx {
			err += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func (g *graph) refresh() {
	last := 0.0
	if n := len(g.s.v); n > 0 {
		last = g.s.v[n-1]
	}
	g.label.SetText(fmt.Sprintf("%s: %s (highest %s)", g.title, g.unit(last), g.unit(g.s.max())))
	g.raster.Refresh()
}

// graphs are the Statistics tab's live graphs: the rate media arrive at,
// the buffer (rebuffers marked), and the packets lost and recovered each
// second, over the last three minutes. They take a reading once a second,
// whatever the status updates' rate.
type graphs struct {
	root                    *fyne.Container
	arriving, buffer, loss  *graph
	last                    time.Time
	lost, recovered, rebufs int64
	// shown: the graphs are on screen and redrawn with each reading;
	// off screen they only record (see statsPanel.shown).
	shown bool
}

// setShown starts or stops redrawing with each reading; coming on screen
// the graphs are drawn with the readings taken meanwhile.
func (g *graphs) setShown(on bool) {
	g.shown = on
	if on {
		for _, x := range []*graph{g.arriving, g.buffer, g.loss} {
			x.refresh()
		}
	}
}

func newGraphs() *graphs {
	g := &graphs{
		arriving: newGraph("Arriving", func(v float64) string { return formatBitrate(int64(v)) }),
		buffer:   newGraph("Buffer (red: rebuffering)", func(v float64) string { return fmt.Sprintf("%.1f s", v) }),
		loss:     newGraph("Lost and recovered", func(v float64) string { return fmt.Sprintf("%.0f packets/s", v) }),
	}
	var objs []fyne.CanvasObject
	for _, x := range []*graph{g.arriving, g.buffer, g.loss} {
		objs = append(objs, x.label, x.raster)
	}
	g.root = container.NewVBox(objs...)
	return g
}

// add takes a reading of s at now, when a second has passed since the
// last one; counters that went down (another presentation) start the
// graphs again.
func (g *graphs) add(now time.Time, s player.Stats) {
	if !g.last.IsZero() && now.Sub(g.last) < time.Second {
		return
	}
	lost := s.PacketsLost
	rec := s.PacketsRecoveredFEC + s.PacketsRecoveredResent
	rebufs := int64(s.Rebuffers)
	if lost < g.lost || rec < g.recovered || rebufs < g.rebufs {
		g.arriving.s, g.buffer.s, g.loss.s = series{}, series{}, series{}
		g.lost, g.recovered, g.rebufs = 0, 0, 0
	}
	first := g.last.IsZero()
	g.last = now
	g.arriving.s.add(float64(s.ReceiveBps), false)
	g.buffer.s.add(s.BufferLevel.Seconds(), rebufs > g.rebufs && !first)
	g.loss.s.add(float64(lost-g.lost+rec-g.recovered), false)
	g.lost, g.recovered, g.rebufs = lost, rec, rebufs
	if !g.shown {
		return
	}
	for _, x := range []*graph{g.arriving, g.buffer, g.loss} {
		x.refresh()
	}
}
