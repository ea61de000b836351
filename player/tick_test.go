package player

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
)

// TestPositionTicks: while playing, the player publishes the position
// every Tick, which is what the sink has played (within a chunk), and the statistics once
// a second. It runs in a synctest bubble: the ticker and
// the paced sink run on the bubble's virtual clock, and an event is
// received at the virtual instant it was published (the clock stands
// still while a goroutine of the bubble can run).
func TestPositionTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const tick = 50 * time.Millisecond
		null := audio.NewNullSink(audio.NullSinkConfig{Paced: true})
		h := newHarness(t, newFakeSession(10), func(c *Config) {
			c.Tick = tick
			c.Sink = null
		})
		h.p.Open("fake://song")
		h.waitState(Playing)
		var lastPos, lastStats time.Time
		positions, stats := 0, 0
		for end := time.Now().Add(3 * time.Second); time.Now().Before(end); {
			ev := <-h.events
			now := time.Now()
			switch ev.Kind {
			case PositionChanged:
				if !lastPos.IsZero() {
					if d := now.Sub(lastPos); d != tick {
						t.Fatalf("position events %v apart, want the tick %v", d, tick)
					}
				}
				// The chunk being written may be in the sink before the
				// player counts it.
				if p, played := ev.Status.Position, null.Played(); p > played || p < played-writeChunk {
					t.Fatalf("position %v when the sink has played %v", p, played)
				}
				lastPos = now
				positions++
			case StatsChanged:
				if !lastStats.IsZero() {
					if d := now.Sub(lastStats); d != time.Second {
						t.Fatalf("statistics events %v apart, want 1s", d)
					}
				}
				lastStats = now
				stats++
			}
		}
		if positions < 3*int(time.Second/tick)-1 || stats < 2 {
			t.Fatalf("%d position and %d statistics events in 3 s", positions, stats)
		}
	})
}

// TestPausedTicks: paused, nothing moves, and the owner wakes once a
// second (statistics once a second, no position events) instead of every
// Tick; playing again, it ticks every Tick.
func TestPausedTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const tick = 50 * time.Millisecond
		h := newHarness(t, newFakeSession(100), func(c *Config) {
			c.Tick = tick
			c.Sink = audio.NewNullSink(audio.NullSinkConfig{Paced: true})
		})
		h.p.Open("fake://song")
		h.waitState(Playing)
		h.p.Pause()
		h.waitState(Paused)
		synctest.Wait()
		before := h.p.ticked.Load()
		stats := 0
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end); {
			select {
			case ev := <-h.events:
				switch ev.Kind {
				case PositionChanged:
					t.Fatalf("a position event while paused: %v", ev.Status.Position)
				case StatsChanged:
					stats++
				}
			case <-time.After(time.Until(end)):
			}
		}
		if n := h.p.ticked.Load() - before; n > 5 {
			t.Fatalf("%d ticks in 5 s paused, want one a second", n)
		}
		if stats < 4 {
			t.Fatalf("%d statistics events in 5 s paused, want one a second", stats)
		}
		h.p.Play()
		h.waitState(Playing)
		synctest.Wait()
		before = h.p.ticked.Load()
		time.Sleep(time.Second)
		if n := h.p.ticked.Load() - before; n < int64(time.Second/tick)-1 {
			t.Fatalf("%d ticks in 1 s playing, want one every %v", n, tick)
		}
	})
}

// TestLocalReadAhead: a local source (a file, memory) is read ahead by
// localReadAhead only, a network one by MaxBuffer (issue 12: the queue's
// samples were megabytes of the window's memory).
func TestLocalReadAhead(t *testing.T) {
	for _, local := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			s := newFakeSession(120)
			s.info.Local = local
			h := playedFor(t, s, 5*time.Second)
			lvl := h.p.Status().Stats.BufferLevel
			max, min := DefaultMaxBuffer+time.Second, 20*time.Second // the sink holds a little more
			if local {
				max, min = localReadAhead+time.Second, localReadAhead*7/8-time.Second
			}
			if lvl > max || lvl < min {
				t.Fatalf("local %v: %v read ahead, want %v to %v", local, lvl, min, max)
			}
		})
	}
}

// TestPausedShowsNothingBuffered: pausing drops what was read ahead, and
// the Paused state says so at once (Stats.BufferLevel 0), not with the
// next statistics a second later: a window showing the buffer level then
// changed its status bar, and redrew, twice (issue 12, the paused window).
func TestPausedShowsNothingBuffered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := playedFor(t, newFakeSession(120), 3*time.Second)
		if lvl := h.p.Status().Stats.BufferLevel; lvl <= 0 {
			t.Fatalf("%v buffered while playing", lvl)
		}
		h.p.Pause()
		if lvl := h.waitState(Paused).Status.Stats.BufferLevel; lvl != 0 {
			t.Errorf("paused with %v buffered", lvl)
		}
	})
}

// playedFor opens s on the paced silent output with statistics once a
// second and returns the harness after d of playing (inside a synctest
// bubble, whose clock the sleep moves).
func playedFor(t *testing.T, s *fakeSession, d time.Duration) *harness {
	t.Helper()
	h := newHarness(t, s, func(c *Config) {
		c.Sink = audio.NewNullSink(audio.NullSinkConfig{Paced: true})
		c.Tick = 100 * time.Millisecond // statistics once a second
	})
	h.p.Open("fake://song")
	h.waitState(Playing)
	time.Sleep(d)
	synctest.Wait()
	return h
}
