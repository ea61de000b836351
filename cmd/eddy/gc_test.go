package main

import (
	"reflect"
	"testing"

	"github.com/eddyplayer/eddy/player"
)

// TestStartGC: the window starts with the garbage collector's target at
// startGCPercent and puts gcPercent back once, when its first
// presentation settles (plays, or pauses, stops, ends or fails), not while
// it opens or buffers.
func TestStartGC(t *testing.T) {
	for _, settle := range []player.State{player.Playing, player.Paused, player.Stopped, player.Ended, player.Failed} {
		var set []int
		g := newStartGC(func(p int) int { set = append(set, p); return 100 })
		for _, s := range []player.State{player.Idle, player.Opening, player.Buffering} {
			g.watch(player.Event{Kind: player.StateChanged, Status: player.Status{State: s}})
		}
		if want := []int{startGCPercent}; !reflect.DeepEqual(set, want) {
			t.Fatalf("%v: targets %v while opening, want %v", settle, set, want)
		}
		g.watch(player.Event{Kind: player.StateChanged, Status: player.Status{State: settle}})
		g.watch(player.Event{Kind: player.StateChanged, Status: player.Status{State: player.Opening}})
		g.watch(player.Event{Kind: player.StateChanged, Status: player.Status{State: player.Playing}})
		g.end() // the time bound, after
		if want := []int{startGCPercent, gcPercent}; !reflect.DeepEqual(set, want) {
			t.Errorf("%v: targets %v, want %v", settle, set, want)
		}
	}

	// A presentation that never settles: the time bound ends the start.
	var set []int
	g := newStartGC(func(p int) int { set = append(set, p); return 100 })
	g.watch(player.Event{Kind: player.StateChanged, Status: player.Status{State: player.Opening}})
	g.end()
	g.watch(player.Event{Kind: player.StateChanged, Status: player.Status{State: player.Playing}})
	if want := []int{startGCPercent, gcPercent}; !reflect.DeepEqual(set, want) {
		t.Errorf("ended by the time bound: targets %v, want %v", set, want)
	}
}
