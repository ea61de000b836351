package ui

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/player"
)

// call is one Controller method call recorded by fakeController.
type call struct {
	Method string
	Arg    any
}

func (c call) String() string {
	if c.Arg == nil {
		return c.Method + "()"
	}
	return fmt.Sprintf("%s(%v)", c.Method, c.Arg)
}

// fakeController records commands and lets the test publish events, as
// the player would, to the subscribers.
type fakeController struct {
	mu     sync.Mutex
	calls  []call
	subs   map[int]func(player.Event)
	nextID int
	status player.Status
}

var _ Controller = (*fakeController)(nil)

func newFakeController() *fakeController {
	return &fakeController{subs: map[int]func(player.Event){}}
}

func (f *fakeController) record(m string, arg any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{m, arg})
}

func (f *fakeController) Open(url string)      { f.record("Open", url) }
func (f *fakeController) Play()                { f.record("Play", nil) }
func (f *fakeController) Pause()               { f.record("Pause", nil) }
func (f *fakeController) Stop()                { f.record("Stop", nil) }
func (f *fakeController) Seek(d time.Duration) { f.record("Seek", d) }
func (f *fakeController) SetRate(r float64)    { f.record("SetRate", r) }
func (f *fakeController) SetSpeed(s float64)   { f.record("SetSpeed", s) }
func (f *fakeController) StepFrame()           { f.record("StepFrame", nil) }
func (f *fakeController) Configure(s player.Settings) {
	f.record("Configure", s)
}
func (f *fakeController) StartRecording(path string) {
	f.record("StartRecording", path)
}
func (f *fakeController) StopRecording()       { f.record("StopRecording", nil) }
func (f *fakeController) SkipEntry(offset int) { f.record("SkipEntry", offset) }
func (f *fakeController) JumpTo(i int)         { f.record("JumpTo", i) }
func (f *fakeController) OpenList(title string, urls []string) {
	f.record("OpenList", title+": "+strings.Join(urls, " | "))
}
func (f *fakeController) SetPlaylistMode(m player.RepeatMode) {
	f.record("SetPlaylistMode", m)
}
func (f *fakeController) SetShuffle(on bool)  { f.record("SetShuffle", on) }
func (f *fakeController) SetVolume(v float64) { f.record("SetVolume", v) }
func (f *fakeController) SetCredentials(user, password string) {
	f.record("SetCredentials", [2]string{user, password})
}
func (f *fakeController) SelectStreams(ids []int) {
	if ids == nil {
		f.record("SelectStreams", "auto")
		return
	}
	f.record("SelectStreams", fmt.Sprint(append([]int(nil), ids...)))
}

func (f *fakeController) Subscribe(fn func(player.Event)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextID
	f.nextID++
	f.subs[id] = fn
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, id)
	}
}

func (f *fakeController) Status() player.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

// emit publishes e to every subscriber (on the caller's goroutine) and
// makes its status the current one.
func (f *fakeController) emit(e player.Event) {
	f.mu.Lock()
	f.status = e.Status
	var fns []func(player.Event)
	ids := make([]int, 0, len(f.subs))
	for id := range f.subs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		fns = append(fns, f.subs[id])
	}
	f.mu.Unlock()
	for _, fn := range fns {
		fn(e)
	}
}

// take returns the calls recorded so far and forgets them.
func (f *fakeController) take() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// takeMethod returns the recorded calls of one method, forgetting all.
func (f *fakeController) takeMethod(m string) []any {
	var out []any
	for _, c := range f.take() {
		if c.Method == m {
			out = append(out, c.Arg)
		}
	}
	return out
}

func (f *fakeController) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}
