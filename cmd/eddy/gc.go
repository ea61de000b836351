package main

import (
	"sync"
	"time"

	"github.com/eddyplayer/eddy/player"
)

// gcPercent is the window's garbage-collection target (GOGC) unless the
// environment sets one: the heap may grow by a quarter of its live size
// between collections, not by all of it. Shown pictures go back to the
// decoder, so little is garbage: 0.8 MB a second while playing the
// 320x240 or the 1280x720 WMV, one collection every 6 to 14 s at the
// default of 100. A quarter against a half: 2 MB less resident for the
// 320x240 window and 4 MB for the 720p one, the CPU the same (issue 12).
const gcPercent = 25

// startGCPercent is the target while the window starts (issue 12,
// start-up). The heap grows from nothing to 12 MB of fonts, widgets and
// the player's buffers in the first 200 ms; at gcPercent that took 23
// collections before the first picture, each with one of the two cores
// marking for 2–3 ms while the main thread built the window and the
// player read and decoded. At 100, launch to first picture on screen was
// 22 ms shorter (243 → 221 ms, medians of 11).
const startGCPercent = 100

// startGCFor bounds the start: a presentation that never settles (a
// server that does not answer) does not keep the higher target.
const startGCFor = 5 * time.Second

// startGC holds the garbage collector's target at startGCPercent until
// the first presentation settles, then puts gcPercent back, once.
type startGC struct {
	set  func(int) int // debug.SetGCPercent
	once sync.Once
}

func newStartGC(set func(int) int) *startGC {
	g := &startGC{set: set}
	g.set(startGCPercent)
	return g
}

// end puts gcPercent back (any goroutine; only the first call does).
func (g *startGC) end() {
	g.once.Do(func() { g.set(gcPercent) })
}

// settled reports whether the player's first presentation has settled:
// it plays, or it paused, stopped, ended or failed.
func settled(s player.State) bool {
	switch s {
	case player.Playing, player.Paused, player.Stopped, player.Ended, player.Failed:
		return true
	}
	return false
}

// watch is a player event handler that ends the start when the first
// presentation settles.
func (g *startGC) watch(e player.Event) {
	if settled(e.Status.State) {
		g.end()
	}
}
