// Package ui is Eddy's window: the screens and widgets of a media player
// built with Fyne, driving a player through the Controller interface.
//
// The package never creates the Fyne app (cmd/eddy does, with
// app.NewWithID) and never talks to the engine except through Controller,
// so it is tested headlessly with fyne.io/fyne/v2/test and a fake
// controller.
//
// Usage:
//
//	v := ui.New(ui.Config{App: a, Window: w, Controller: p})
//	v.Open("http://example.com/talk.wma")
//	w.ShowAndRun()
//	v.Close()
//
// Threading: every View method must be called on the Fyne goroutine (the
// one running the app, or inside fyne.Do). Player events arrive on player
// goroutines; bind.go is the one place that moves them onto the Fyne
// goroutine with fyne.Do, coalescing the frequent ones (position,
// buffering, stats) so a busy player cannot flood the window.
//
// Commands that a drag or a held key can repeat (Seek, SetVolume) go
// through a rate-limited coalescer: the first is sent at once, later ones
// within the interval collapse into one trailing command with the newest
// value.
package ui
