package player

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// memPositions is a Positions in memory.
type memPositions struct {
	mu sync.Mutex
	m  map[string]time.Duration
}

func (m *memPositions) Position(url string) (time.Duration, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	at, ok := m.m[url]
	return at, ok
}

func (m *memPositions) SetPosition(url string, at time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if at == 0 {
		delete(m.m, url)
		return
	}
	m.m[url] = at
}

// TestResume: a file stopped at 7 s opens again at 7 s (event Resumed,
// the sound from there); played to its end, it opens again from the
// start; a live broadcast is never remembered.
func TestResume(t *testing.T) {
	pos := &memPositions{m: map[string]time.Duration{}}
	sess := newFakeSession(20)
	h := newHarness(t, sess, func(c *Config) {
		c.Resume = pos
		c.Transports.Register("again", transport.MatchSchemes("again"), transport.DialerFunc(
			func(context.Context, string, transport.Config) (transport.Session, error) {
				s := newFakeSession(20)
				return s, nil
			}))
	})
	h.sink.block = make(chan struct{})
	h.p.Open("again://film")
	h.waitState(Playing)
	h.p.Pause()
	h.waitState(Paused)
	h.p.Seek(7 * time.Second)
	h.p.Stop()
	h.waitState(Stopped)
	if at, ok := pos.Position("again://film"); !ok || at != 7*time.Second {
		t.Fatalf("stopped at 7s, remembered %v %v", at, ok)
	}
	close(h.sink.block)
	before := len(h.sink.bytes())
	h.p.Open("again://film")
	ev := h.waitFor("resumed", func(ev Event) bool { return ev.Kind == Resumed })
	if ev.Status.Position != 7*time.Second {
		t.Fatalf("resumed at %v", ev.Status.Position)
	}
	h.waitState(Ended)
	got := samplesIn(h.sink.bytes()[before:])
	if len(got) != 13*fakeRate || got[0] != 70 {
		t.Fatalf("after resuming: %d frames from sample %d, want 13 s from 70", len(got), got[0])
	}
	// Played to the end: forgotten when left.
	h.p.Open("again://film")
	h.waitState(Playing)
	if _, ok := pos.Position("again://film"); ok {
		t.Error("a presentation played to its end is still remembered")
	}
	h.waitState(Ended)
}

// TestResumeNotLiveNorNearEnds: broadcasts and positions within 5 s of
// an end are not remembered.
func TestResumeNotLiveNorNearEnds(t *testing.T) {
	pos := &memPositions{m: map[string]time.Duration{}}
	sess := newFakeSession(20)
	sess.info.Broadcast, sess.info.Seekable = true, false
	h := newHarness(t, sess, func(c *Config) { c.Resume = pos })
	h.sink.block = make(chan struct{})
	h.p.Open("fake://live")
	h.waitState(Playing)
	h.p.Stop()
	h.waitState(Stopped)
	if len(pos.m) != 0 {
		t.Errorf("a broadcast was remembered: %v", pos.m)
	}
	close(h.sink.block)
}

// slowClose is a session whose Close waits for release: a server slow to
// answer the teardown.
type slowClose struct {
	*fakeSession
	release chan struct{}
}

func (s *slowClose) Close() error {
	<-s.release
	return s.fakeSession.Close()
}

// TestHaltRemembersWithoutWaitingForTheSession: Halt returns with the
// position remembered while the session is still closing, and leaves the
// sink open; Close then waits for the session and closes the sink, and a
// second Close returns the same. (The app halts the player as its window
// closes, before its preferences are saved for the last time.)
func TestHaltRemembersWithoutWaitingForTheSession(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pos := &memPositions{m: map[string]time.Duration{}}
		sess := &slowClose{fakeSession: newFakeSession(20), release: make(chan struct{})}
		h := newHarness(t, sess.fakeSession, func(c *Config) {
			c.Resume = pos
			c.Transports.Register("slow", transport.MatchSchemes("slow"), transport.DialerFunc(
				func(context.Context, string, transport.Config) (transport.Session, error) { return sess, nil }))
		})
		// The sink takes nothing until the end: the file does not play
		// out before the pause.
		h.sink.block = make(chan struct{})
		// Runs before the harness's Close (cleanups run last first), so a
		// failure below does not leave that Close waiting for ever.
		release := sync.OnceFunc(func() { close(sess.release) })
		t.Cleanup(release)
		t.Cleanup(func() { close(h.sink.block) })
		h.p.Open("slow://film")
		h.waitState(Playing)
		h.p.Pause()
		h.waitState(Paused)
		h.p.Seek(7 * time.Second)
		// Halt does not wait for commands still queued: the seek first.
		h.waitFor("the seek", func(ev Event) bool { return ev.Kind == PositionChanged && ev.Status.Position == 7*time.Second })
		h.p.Halt()
		if at, ok := pos.Position("slow://film"); !ok || at != 7*time.Second {
			t.Fatalf("halted at 7s, remembered %v %v", at, ok)
		}
		closed := make(chan error, 1)
		go func() { closed <- h.p.Close() }()
		synctest.Wait()
		select {
		case err := <-closed:
			t.Fatalf("Close returned (%v) before the session closed", err)
		default:
		}
		h.sink.mu.Lock()
		sinkClosed := h.sink.closed
		h.sink.mu.Unlock()
		if sinkClosed {
			t.Fatal("the sink was closed before the session")
		}
		h.p.Play() // ignored after Halt
		release()
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		h.sink.mu.Lock()
		sinkClosed = h.sink.closed
		h.sink.mu.Unlock()
		if !sinkClosed {
			t.Fatal("Close left the sink open")
		}
		if err := h.p.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	})
}

// stalledSelect is a session whose Select waits for its context: a
// server that never answers the SETUP.
type stalledSelect struct {
	*fakeSession
	entered chan struct{}
}

func (s *stalledSelect) Select(ctx context.Context, ids []int) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return ctx.Err()
}

// TestStalledServerDoesNotHoldUpStopOrHalt: while the owner waits for a
// server that does not answer the stream choice, Stop takes effect at
// once (not after the 15 s network timeout) and reports no error, an
// Open plays the next location, and Halt returns at once.
func TestStalledServerDoesNotHoldUpStopOrHalt(t *testing.T) {
	for _, then := range []string{"stop", "open", "halt"} {
		synctest.Test(t, func(t *testing.T) {
			sess := &stalledSelect{fakeSession: newFakeSession(2), entered: make(chan struct{}, 1)}
			h := newHarness(t, newFakeSession(2), func(c *Config) {
				c.Transports.Register("stall", transport.MatchSchemes("stall"), transport.DialerFunc(
					func(context.Context, string, transport.Config) (transport.Session, error) { return sess, nil }))
			})
			h.p.Open("stall://server")
			<-sess.entered
			start := time.Now()
			switch then {
			case "stop":
				h.p.Stop()
				h.waitState(Stopped)
			case "open":
				h.p.Open("fake://next")
				h.waitState(Playing)
			case "halt":
				h.p.Halt()
			}
			if d := time.Since(start); d >= time.Second {
				t.Errorf("%s took %v behind the stalled Select", then, d)
			}
			synctest.Wait()
			for len(h.events) > 0 {
				if ev := <-h.events; ev.Kind == ErrorOccurred {
					t.Errorf("%s: error event %v", then, ev.Err)
				}
			}
		})
	}
}

// stalledPause is a session whose Pause waits for its context: a server
// that never answers it.
type stalledPause struct {
	*fakeSession
	entered chan struct{}
}

func (s *stalledPause) Pause(ctx context.Context) error {
	s.entered <- struct{}{}
	<-ctx.Done()
	return ctx.Err()
}

// TestStalledPauseDoesNotHoldUpStop: a Pause the server never answers
// runs in the background, but a second Pause waits for it on the owner;
// Stop queued then takes effect at once, not after the 15 s timeout.
func TestStalledPauseDoesNotHoldUpStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sess := &stalledPause{fakeSession: newFakeSession(20), entered: make(chan struct{}, 2)}
		h := newHarness(t, newFakeSession(2), func(c *Config) {
			c.Transports.Register("stall", transport.MatchSchemes("stall"), transport.DialerFunc(
				func(context.Context, string, transport.Config) (transport.Session, error) { return sess, nil }))
		})
		h.sink.realtime = true
		// The sink takes no audio until the end of the test: the memory
		// sink plays in no time, so the 20 s could otherwise end before
		// the Pause is handled (1 run in 25), and an ended presentation
		// has nothing to pause.
		h.sink.block = make(chan struct{})
		t.Cleanup(func() { close(h.sink.block) })
		h.p.Open("stall://server")
		h.waitState(Playing)
		h.p.Pause()
		select {
		case <-sess.entered:
		case <-time.After(time.Minute): // the bubble's clock: no wait
			t.Fatalf("the Pause did not reach the session (status %v at %v)", h.p.Status().State, h.p.Status().Position)
		}
		h.waitState(Paused)
		h.p.Play()  // its segment waits for the first Pause
		h.p.Pause() // waits on the owner for the first Pause
		synctest.Wait()
		start := time.Now()
		h.p.Stop()
		h.waitState(Stopped)
		if d := time.Since(start); d >= time.Second {
			t.Errorf("Stop took %v behind the stalled Pause", d)
		}
	})
}
