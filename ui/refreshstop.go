package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// refreshStop shows one object, filling its size, and does not pass a
// Refresh on to it.
//
// A container's Refresh refreshes every object in it, all the way down,
// and a theme override's Refresh gives its objects a new theme scope: a
// new set of parsed font faces (3 MB for the regular and bold ones) that
// Fyne keeps until the theme changes. The video area moves between the
// window and full screen, each move refreshing the containers it leaves
// and joins: without the stop every toggle of full screen left 4 MB
// more in the heap (issue 12). What the objects inside show is refreshed
// by their own owners; a change of theme reaches them through Fyne's
// walk over every renderer's objects, not through Refresh.
type refreshStop struct {
	widget.BaseWidget
	obj fyne.CanvasObject
}

func newRefreshStop(obj fyne.CanvasObject) *refreshStop {
	s := &refreshStop{obj: obj}
	s.ExtendBaseWidget(s)
	return s
}

// set replaces the object shown.
func (s *refreshStop) set(obj fyne.CanvasObject) {
	if s.obj == obj {
		return
	}
	s.obj = obj
	s.Refresh()
}

func (s *refreshStop) CreateRenderer() fyne.WidgetRenderer {
	return &refreshStopRenderer{s: s, objs: []fyne.CanvasObject{s.obj}}
}

type refreshStopRenderer struct {
	s    *refreshStop
	objs []fyne.CanvasObject
}

func (r *refreshStopRenderer) Destroy() {}

func (r *refreshStopRenderer) Layout(size fyne.Size) {
	r.objs[0].Move(fyne.NewPos(0, 0))
	r.objs[0].Resize(size)
}

func (r *refreshStopRenderer) MinSize() fyne.Size { return r.objs[0].MinSize() }

func (r *refreshStopRenderer) Objects() []fyne.CanvasObject { return r.objs }

// Refresh takes the object set last, and lays it out; it does not refresh
// it.
func (r *refreshStopRenderer) Refresh() {
	if r.objs[0] != r.s.obj {
		r.objs[0] = r.s.obj
		r.Layout(r.s.Size())
	}
}
