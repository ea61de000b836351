package main

import (
	"sync"

	"fyne.io/fyne/v2"
)

// stopHooks is what Fyne's app lifecycle offers beyond fyne.Lifecycle
// for the hooks it runs as the app stops: the app's own
// (fyne.Lifecycle.SetOnStopped) and Fyne's, which saves the preferences
// a last time.
type stopHooks interface {
	// OnStopped returns both hooks as one function, the app's first,
	// or nil when neither is set.
	OnStopped() func()
	SetOnStopped(func())
	SetOnStoppedHookExecuted(func())
}

// takeStopHooks takes the stop hooks out of Fyne's lifecycle and returns
// them as one function, for the caller to run itself: in its own quit,
// while Fyne's loop still runs, or after Run returns.
//
// Fyne 2.7 runs the stop hooks on its lifecycle goroutine through its
// main-thread queue, at the moment its loop drains that queue and closes
// it; the loop stops draining when the queue looks empty, not when it is.
// When the hooks' call lands in the queue after the drain, nobody runs
// it: the lifecycle goroutine waits for it for ever and Run waits for the
// lifecycle goroutine, so the process stays with its window gone (seen
// once in about seventy quits of the real window; a quit under a stream
// of queued calls hangs in a few percent). With no hook, Fyne queues
// nothing as it stops.
//
// Where the lifecycle is not Fyne's (its type offers no way to take the
// hooks), nothing is taken and the function returned does nothing.
func takeStopHooks(lc fyne.Lifecycle) func() {
	h, ok := lc.(stopHooks)
	if !ok {
		return func() {}
	}
	hooks := h.OnStopped()
	h.SetOnStopped(nil)
	h.SetOnStoppedHookExecuted(nil)
	if hooks == nil {
		return func() {}
	}
	return hooks
}

// stopSteps returns the one way Eddy stops, for every path that stops it
// (its quit, a signal, Fyne's loop ending on its own): steps in order,
// then Fyne's stop hooks, taken out of lc (takeStopHooks). Only the first
// call runs them; a call while they run waits for them.
func stopSteps(lc fyne.Lifecycle, steps ...func()) (stop func()) {
	hooks := takeStopHooks(lc)
	var once sync.Once
	return func() {
		once.Do(func() {
			for _, step := range steps {
				step()
			}
			hooks()
		})
	}
}
