package player

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/playlist"
)

// listHarness plays client-side playlists: its registry opens mms://NAME
// as a fresh 1 s fakeSession whose PCM values start at the base given for
// NAME (so the sink shows which entry played), fails mms://missing*, and
// answers mms://page* with a metafile; its fetcher serves metafiles from
// a map.
type listHarness struct {
	*harness
	mu       sync.Mutex
	bases    map[string]int
	seconds  map[string]int
	dialed   []string
	dialedCh chan string
	sessions map[string]*reportingSession
	files    map[string]string
	pages    map[string]string
	// scripts: name → {sample index, type, command} of a script command
	// the session sends.
	scripts map[string][3]any
}

// reportingSession is a fakeSession that keeps the play-log facts the
// player reports.
type reportingSession struct {
	*fakeSession
	mu    sync.Mutex
	facts []transport.PlaybackFacts
}

func (r *reportingSession) ReportPlayback(f transport.PlaybackFacts) {
	r.mu.Lock()
	r.facts = append(r.facts, f)
	r.mu.Unlock()
}

func (r *reportingSession) lastFacts() (transport.PlaybackFacts, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.facts) == 0 {
		return transport.PlaybackFacts{}, false
	}
	return r.facts[len(r.facts)-1], true
}

func newListHarness(t *testing.T, files map[string]string, mod func(*Config)) *listHarness {
	t.Helper()
	l := &listHarness{
		bases: map[string]int{"a": 100, "b": 200, "c": 300}, seconds: map[string]int{},
		dialedCh: make(chan string, 64), sessions: map[string]*reportingSession{},
		files: files, pages: map[string]string{},
	}
	h := &harness{t: t, sink: newMemSink(), dec: &passDecoder{rate: fakeRate},
		events: make(chan Event, 4096)}
	l.harness = h
	reg := transport.NewRegistry()
	reg.Register("mms", transport.MatchSchemes("mms"), transport.DialerFunc(
		func(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
			name := strings.TrimPrefix(raw, "mms://")
			l.mu.Lock()
			defer l.mu.Unlock()
			l.dialed = append(l.dialed, name)
			select {
			case l.dialedCh <- name:
			default:
			}
			if strings.HasPrefix(name, "missing") {
				return nil, fmt.Errorf("dial %s: %w", raw, errNoSuchFile)
			}
			if body, ok := l.pages[name]; ok {
				return nil, &transport.MetafileError{URL: "http://pages.example/" + name + ".asx", ContentType: "video/x-ms-asf", Body: []byte(body)}
			}
			secs := l.seconds[name]
			if secs == 0 {
				secs = 1
			}
			s := &reportingSession{fakeSession: newFakeSession(secs)}
			s.base = l.bases[name]
			if sc, ok := l.scripts[name]; ok {
				s.withScript(sc[0].(int), sc[1].(string), sc[2].(string))
			}
			s.info.URL = raw
			l.sessions[name] = s
			return s, nil
		}))
	h.start(reg, func(c *Config) {
		c.PlaylistFetch = func(ctx context.Context, raw string) ([]byte, string, string, error) {
			body, ok := files[raw]
			if !ok {
				return nil, "", "", fmt.Errorf("GET %s: 404", raw)
			}
			return []byte(body), "video/x-ms-asf", raw, nil
		}
		if mod != nil {
			mod(c)
		}
	})
	return l
}

// waitDial waits until name is dialed, failing after 10 s.
func (l *listHarness) waitDial(name string) {
	l.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case n := <-l.dialedCh:
			if n == name {
				return
			}
		case <-timeout:
			l.t.Fatalf("timed out waiting for a dial of %s (dialed %v)", name, l.dials())
		}
	}
}

func (l *listHarness) dials() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.dialed...)
}

func (l *listHarness) session(name string) *reportingSession {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sessions[name]
}

// blocks returns the runs of PCM values the sink received: one entry per
// sample (100 ms), its value, in order.
func (l *listHarness) blocks() []int {
	data := l.sink.bytes()
	var out []int
	last := -1
	frames := int(100 * time.Millisecond * fakeRate / time.Second)
	for i := 0; i+1 < len(data); i += 2 * frames {
		v := int(binary.LittleEndian.Uint16(data[i:]))
		if v != last || len(out) == 0 {
			out = append(out, v)
		}
		last = v
	}
	return out
}

func run(base, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = base + i
	}
	return out
}

func concat(xs ...[]int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x...)
	}
	return out
}

func (l *listHarness) waitEnded() Status {
	l.t.Helper()
	ev := l.waitFor("Ended", func(ev Event) bool {
		if ev.Kind == ErrorOccurred {
			l.t.Fatalf("playlist failed: %v", ev.Err)
		}
		return ev.Kind == StateChanged && ev.Status.State == Ended
	})
	return ev.Status
}

const listURL = "http://pl.example/show.asx"

// TestPlaylistPlaysEntriesInOrder: an ASX's entries play one after the
// other into the same sink, in order, and the show ends once, after the
// last; Status.Playlist names the entries and follows the current one.
func TestPlaylistPlaysEntriesInOrder(t *testing.T) {
	l := newListHarness(t, map[string]string{listURL: `<ASX VERSION="3.0"><TITLE>Show</TITLE>
		<ENTRY><TITLE>First</TITLE><REF HREF="mms://a"/></ENTRY>
		<ENTRY><TITLE>Second</TITLE><REF HREF="mms://b"/></ENTRY>
		<ENTRY><REF HREF="mms://c"/></ENTRY></ASX>`}, nil)
	l.p.Open(listURL)
	var currents []int
	st := l.waitFor("Ended", func(ev Event) bool {
		switch {
		case ev.Kind == ErrorOccurred:
			t.Fatalf("failed: %v", ev.Err)
		case ev.Kind == PlaylistChanged && ev.Status.Playlist != nil:
			if n := len(currents); n == 0 || currents[n-1] != ev.Status.Playlist.Current {
				currents = append(currents, ev.Status.Playlist.Current)
			}
		case ev.Kind == StateChanged && ev.Status.State == Ended:
			return true
		}
		return false
	}).Status
	if got, want := l.blocks(), concat(run(100, 10), run(200, 10), run(300, 10)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the sink got %v\nwant %v", got, want)
	}
	if fmt.Sprint(currents) != "[0 1 2]" {
		t.Errorf("current entries %v, want [0 1 2]", currents)
	}
	pl := st.Playlist
	if pl == nil || pl.Title != "Show" || len(pl.Entries) != 3 || pl.Entries[0].Title != "First" ||
		pl.Entries[1].Title != "Second" || pl.Entries[2].Title != "Show" || pl.Entries[2].Refs[0] != "mms://c" {
		t.Fatalf("Status.Playlist = %+v", pl)
	}
	if d := l.dials(); fmt.Sprint(d) != "[a b c]" {
		t.Errorf("dialed %v", d)
	}
}

// TestPlaylistRefFailover: an ENTRY's REFs are a failover list: the second
// opens when the first does not, and the third is never tried.
func TestPlaylistRefFailover(t *testing.T) {
	l := newListHarness(t, map[string]string{listURL: `<asx version=3><entry>
		<ref href="mms://missing1"><ref href="mms://b"><ref href="mms://c"></entry></asx>`}, nil)
	l.p.Open(listURL)
	l.waitEnded()
	if d := l.dials(); fmt.Sprint(d) != "[missing1 b]" {
		t.Errorf("dialed %v, want [missing1 b]", d)
	}
	if got := l.blocks(); fmt.Sprint(got) != fmt.Sprint(run(200, 10)) {
		t.Errorf("the sink got %v", got)
	}
}

// TestPlaylistSkipsEntryThatFails: an entry none of whose REFs opens is
// reported (a Warning, and Failed in the panel) and the next one plays;
// a show where nothing opens fails.
func TestPlaylistSkipsEntryThatFails(t *testing.T) {
	l := newListHarness(t, map[string]string{
		listURL:                      `<ASX VERSION="3.0"><ENTRY><REF HREF="mms://missing1"/></ENTRY><ENTRY><REF HREF="mms://b"/></ENTRY></ASX>`,
		"http://pl.example/dead.asx": `<ASX VERSION="3.0"><ENTRY><REF HREF="mms://missing1"/></ENTRY><ENTRY><REF HREF="mms://missing2"/></ENTRY></ASX>`,
	}, nil)
	l.p.Open(listURL)
	warned := false
	st := l.waitFor("Ended", func(ev Event) bool {
		if ev.Kind == Warning && errors.Is(ev.Err, errNoSuchFile) {
			warned = true
		}
		if ev.Kind == ErrorOccurred {
			t.Fatalf("failed: %v", ev.Err)
		}
		return ev.Kind == StateChanged && ev.Status.State == Ended
	}).Status
	if !warned {
		t.Error("no warning for the entry that did not open")
	}
	if st.Playlist == nil || !strings.Contains(st.Playlist.Entries[0].Failed, "no such file") || st.Playlist.Entries[1].Failed != "" {
		t.Errorf("playlist %+v", st.Playlist)
	}
	if got := l.blocks(); fmt.Sprint(got) != fmt.Sprint(run(200, 10)) {
		t.Errorf("the sink got %v", got)
	}

	l.p.Open("http://pl.example/dead.asx")
	ev := l.waitFor("failure", func(ev Event) bool { return ev.Kind == ErrorOccurred })
	if !errors.Is(ev.Err, errNoSuchFile) || !strings.Contains(ev.Err.Error(), "no entry of the playlist opened") {
		t.Errorf("error %v", ev.Err)
	}
}

// TestPlaylistRepeatAndDuration: REPEAT COUNT="2" plays its entry twice;
// DURATION stops an entry early and the next one follows.
func TestPlaylistRepeatAndDuration(t *testing.T) {
	l := newListHarness(t, map[string]string{listURL: `<ASX VERSION="3.0">
		<REPEAT COUNT="2"><ENTRY><REF HREF="mms://a"/><DURATION VALUE="00:00.5"/></ENTRY></REPEAT>
		<ENTRY><REF HREF="mms://b"/></ENTRY></ASX>`}, nil)
	l.p.Open(listURL)
	l.waitEnded()
	if got, want := l.blocks(), concat(run(100, 5), run(100, 5), run(200, 10)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the sink got %v\nwant %v", got, want)
	}
}

// TestPlaylistOpensNextEntryAhead: the next entry is dialed while the
// current one is still playing out (its last samples not yet written to
// the sink), so that the gap between entries is the next one's preroll,
// not a connection set-up as well.
func TestPlaylistOpensNextEntryAhead(t *testing.T) {
	l := newListHarness(t, map[string]string{listURL: `<ASX VERSION="3.0">
		<ENTRY><REF HREF="mms://a"/></ENTRY><ENTRY><REF HREF="mms://b"/></ENTRY></ASX>`}, nil)
	l.sink.mu.Lock()
	l.sink.block = make(chan struct{})
	l.sink.mu.Unlock()
	l.p.Open(listURL)
	// Let two writes through: the reader meanwhile delivers all of a.
	for range 2 {
		l.sink.block <- struct{}{}
	}
	l.waitDial("b")
	if n := len(l.sink.bytes()); n >= 10*1600 {
		t.Fatalf("b was dialed only after a played out (%d bytes written)", n)
	}
	l.sink.mu.Lock()
	blk := l.sink.block
	l.sink.block = nil
	l.sink.mu.Unlock()
	close(blk) // releases a Write waiting for a token
	l.waitEnded()
	if got, want := l.blocks(), concat(run(100, 10), run(200, 10)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the sink got %v\nwant %v", got, want)
	}
	if d := l.dials(); fmt.Sprint(d) != "[a b]" {
		t.Errorf("dialed %v", d)
	}
}

// TestPlaylistClientSkip: Next and a forward jump are refused while the
// entry playing has CLIENTSKIP="NO"; from an entry that allows it, a jump
// plays the chosen entry.
func TestPlaylistClientSkip(t *testing.T) {
	l := newListHarness(t, map[string]string{listURL: `<ASX VERSION="3.0">
		<ENTRY CLIENTSKIP="NO"><REF HREF="mms://a"/></ENTRY>
		<ENTRY><REF HREF="mms://b"/></ENTRY><ENTRY><REF HREF="mms://c"/></ENTRY></ASX>`}, func(c *Config) {})
	l.seconds["a"] = 30
	l.p.OpenWith(listURL, OpenOptions{Paused: true})
	l.waitFor("paused on a", func(ev Event) bool { return ev.Kind == StateChanged && ev.Status.State == Paused })
	for _, try := range []func(){func() { l.p.SkipEntry(1) }, func() { l.p.JumpTo(2) }} {
		try()
		ev := l.waitFor("a refusal", func(ev Event) bool { return ev.Kind == Warning })
		if !errors.Is(ev.Err, playlist.ErrSkipNotAllowed) {
			t.Fatalf("warning %v, want ErrSkipNotAllowed", ev.Err)
		}
	}
	if d := l.dials(); fmt.Sprint(d) != "[a]" {
		t.Fatalf("dialed %v", d)
	}
	// Backward is always allowed; so is jumping back to a itself.
	l.p.JumpTo(0)
	l.waitFor("a again", func(ev Event) bool { return ev.Kind == StateChanged && ev.Status.State == Paused })
	if d := l.dials(); fmt.Sprint(d) != "[a a]" {
		t.Fatalf("dialed %v", d)
	}
}

// TestPlaylistJumpFromSkippable: from an entry that may be skipped, JumpTo
// opens the chosen one and the show goes on from there.
func TestPlaylistJumpFromSkippable(t *testing.T) {
	l := newListHarness(t, map[string]string{listURL: `<ASX VERSION="3.0">
		<ENTRY><REF HREF="mms://a"/></ENTRY><ENTRY><REF HREF="mms://b"/></ENTRY><ENTRY><REF HREF="mms://c"/></ENTRY></ASX>`}, nil)
	l.seconds["a"] = 30
	l.p.OpenWith(listURL, OpenOptions{Paused: true})
	l.waitFor("paused on a", func(ev Event) bool { return ev.Kind == StateChanged && ev.Status.State == Paused })
	l.p.JumpTo(2)
	l.waitFor("c", func(ev Event) bool {
		return ev.Kind == PlaylistChanged && ev.Status.Playlist != nil && ev.Status.Playlist.Current == 2
	})
	l.waitFor("paused on c", func(ev Event) bool { return ev.Kind == StateChanged && ev.Status.State == Paused })
	l.p.Play()
	l.waitEnded()
	if d := l.dials(); fmt.Sprint(d) != "[a c]" {
		t.Errorf("dialed %v", d)
	}
	if got := l.blocks(); fmt.Sprint(got) != fmt.Sprint(run(300, 10)) {
		t.Errorf("the sink got %v", got)
	}
}

// TestPlaylistFromTransport: a URL whose server answers with a metafile
// (transport.MetafileError) plays as a playlist, its relative REFs
// resolved against the metafile's URL; a REF that is itself a playlist
// fails over like a REF that does not open.
func TestPlaylistFromTransport(t *testing.T) {
	l := newListHarness(t, nil, nil)
	l.pages["page"] = `[Reference]
Ref1=mms://pagenested
Ref2=mms://b
`
	l.pages["pagenested"] = `<ASX VERSION="3.0"><ENTRY><REF HREF="mms://c"/></ENTRY></ASX>`
	l.p.Open("mms://page")
	l.waitEnded()
	if d := l.dials(); fmt.Sprint(d) != "[page pagenested b]" {
		t.Errorf("dialed %v", d)
	}
	if got := l.blocks(); fmt.Sprint(got) != fmt.Sprint(run(200, 10)) {
		t.Errorf("the sink got %v", got)
	}
}

// TestPlaylistLogFacts: an entry's play logs name the metafile as
// cs(Referer), go to its LOGURLs as well, and carry the log fields its
// PARAMs set (MS-WMLOG 3.2: "log:cs-media-role").
func TestPlaylistLogFacts(t *testing.T) {
	l := newListHarness(t, map[string]string{listURL: `<ASX VERSION="3.0"><LOGURL HREF="http://logs.example/show"/>
		<ENTRY><PARAM NAME="log:cs-media-role" VALUE="Advertisement"/><PARAM NAME="log:cs-media-name" VALUE="spot1"/>
		<LOGURL HREF="http://logs.example/entry"/><REF HREF="mms://a"/></ENTRY></ASX>`}, nil)
	l.p.Open(listURL)
	l.waitEnded()
	f, ok := l.session("a").lastFacts()
	if !ok {
		t.Fatal("no play-log facts reported")
	}
	if f.Referer != listURL || f.MediaRole != "Advertisement" || f.MediaName != "spot1" ||
		fmt.Sprint(f.LogURLs) != "[http://logs.example/show http://logs.example/entry]" {
		t.Errorf("facts %+v", f)
	}
}

// TestPlaylistEvent: an "event" script command in the stream plays the
// ASX EVENT of that name, interrupting the entry; WHENDONE="RESUME"
// resumes the interrupted entry where it was, then the show goes on;
// WHENDONE="NEXT" goes to the entry after it instead.
func TestPlaylistEvent(t *testing.T) {
	for _, tc := range []struct{ whenDone string }{{"RESUME"}, {"NEXT"}} {
		t.Run(tc.whenDone, func(t *testing.T) {
			l := newListHarness(t, map[string]string{listURL: `<ASX VERSION="3.0">
				<ENTRY><REF HREF="mms://a"/></ENTRY><ENTRY><REF HREF="mms://b"/></ENTRY>
				<EVENT NAME="AdBreak" WHENDONE="` + tc.whenDone + `"><ENTRY><REF HREF="mms://c"/></ENTRY></EVENT></ASX>`}, nil)
			l.scripts = map[string][3]any{"a": {4, "event", "adbreak"}}
			l.p.Open(listURL)
			l.waitEnded()
			got := l.blocks()
			at := slices.Index(got, 300)
			if at < 3 || at > 10 || fmt.Sprint(got[:at]) != fmt.Sprint(run(100, at)) {
				t.Fatalf("the sink got %v: a's start, then the EVENT's entry c", got)
			}
			rest := got[at:]
			if fmt.Sprint(rest[:10]) != fmt.Sprint(run(300, 10)) {
				t.Fatalf("the EVENT's entry: %v", rest)
			}
			rest = rest[10:]
			if tc.whenDone == "RESUME" {
				if len(rest) == 0 || rest[0] < 103 || rest[0] > 100+at {
					t.Fatalf("after the EVENT %v: a resumes where it was (sample %d or before)", rest, at)
				}
				m := rest[0] - 100
				if fmt.Sprint(rest[:10-m]) != fmt.Sprint(run(100+m, 10-m)) {
					t.Fatalf("a resumed: %v", rest)
				}
				rest = rest[10-m:]
			}
			if fmt.Sprint(rest) != fmt.Sprint(run(200, 10)) {
				t.Fatalf("after the EVENT and a: %v, want b", rest)
			}
		})
	}
}

// TestOpenListPlaysURLsAsAPlaylist: OpenList (files dropped together on
// the window) plays its URLs in order as a client-side playlist titled as
// asked, skipping one that does not open, and Play after the end plays
// the list again from its first URL.
func TestOpenListPlaysURLsAsAPlaylist(t *testing.T) {
	l := newListHarness(t, nil, nil)
	l.p.OpenList("Dropped", []string{"mms://a", "mms://missing1", "mms://c"})
	st := l.waitEnded()
	if got, want := l.blocks(), concat(run(100, 10), run(300, 10)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the sink got %v\nwant %v", got, want)
	}
	pl := st.Playlist
	if pl == nil || pl.Title != "Dropped" || len(pl.Entries) != 3 || pl.Entries[2].Refs[0] != "mms://c" {
		t.Fatalf("Status.Playlist = %+v", pl)
	}
	if d := l.dials(); fmt.Sprint(d) != "[a missing1 c]" {
		t.Errorf("dialed %v", d)
	}
	l.p.Play()
	l.waitDial("a")
	l.waitEnded()
	if d := l.dials(); fmt.Sprint(d) != "[a missing1 c a missing1 c]" {
		t.Errorf("dialed %v after Play again", d)
	}
}
