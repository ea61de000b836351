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
//	video := ui.NewVideoView()
//	p, _ := player.New(player.Config{..., Video: video})
//	v := ui.New(ui.Config{App: a, Window: w, Controller: p, Video: video})
//	v.Open("http://example.com/talk.wmv")
//	w.ShowAndRun()
//	v.Close()
//
// Threading: every View method must be called on the Fyne goroutine (the
// one running the app, or inside fyne.Do). Player events arrive on player
// goroutines; bind.go is the one place that moves them onto the Fyne
// goroutine with fyne.Do, coalescing the frequent ones (position,
// buffering, stats) so a busy player cannot flood the window.
//
// Video frames arrive on the player's video goroutine (VideoView.Present)
// and cross with fyne.Do in video.go, the same way, through a one-frame slot: while an
// update is queued, a newer frame replaces the waiting one, so the window
// always draws the newest picture and never falls behind.
//
// Commands that a drag or a held key can repeat (Seek, SetVolume) go
// through a rate-limited coalescer: the first is sent at once, later ones
// within the interval collapse into one trailing command with the newest
// value.
//
// When a server asks for credentials (an ErrorOccurred event wrapping
// transport.ErrAuthRequired), the view shows a login prompt instead of the
// error dialog and, on confirmation, calls Controller.SetCredentials and
// opens the same location again. Passwords are never logged or stored.
//
// Keys: one table (keys.go) lists every key and chord with what it does;
// the window's key handler and canvas shortcuts are installed from it, the
// menus show its keys, and Help ▸ Keyboard Shortcuts lists it.
//
// Things that go away by themselves (the full-screen controls after the
// pointer rests, the on-screen volume and seek messages) use an idle timer
// (overlay.go) on the time package: a poke only records the time, the one
// timer waits out the rest and posts the hiding to the Fyne goroutine.
// Widgets are refreshed only when what they show changes.
//
// A location goes into the recent list once it plays; one that fails does
// not. Several files or URLs dropped on the window play as a playlist
// (Controller.OpenList).
package ui
