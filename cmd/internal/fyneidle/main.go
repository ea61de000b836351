// Command fyneidle is an empty Fyne window (one label) for bench/window.sh
// (under cmd/, where programs that build a Fyne app live):
// its CPU while idle is the floor under any Fyne program's, Eddy's paused
// window included, since Fyne's event loop polls the window system at
// 60 Hz however still the window is.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("org.eddyplayer.fyneidle")
	w := a.NewWindow("idle")
	w.SetContent(widget.NewLabel("An empty Fyne window"))
	w.Resize(fyne.NewSize(1000, 640))
	w.ShowAndRun()
}
