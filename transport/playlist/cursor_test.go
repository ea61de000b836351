package playlist

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// show builds a playlist from compact ASX: each entry's title is its REF's
// path, so sequences read as letters.
func show(t testing.TB, body string) *Playlist {
	t.Helper()
	pl, err := Parse([]byte(`<ASX VERSION="3.0">`+body+`</ASX>`), mustURL(t, "http://h/pl.asx"))
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// e is an entry titled name.
func e(name string) string {
	return fmt.Sprintf(`<ENTRY><TITLE>%s</TITLE><REF HREF="%s"/></ENTRY>`, name, name)
}

func title(st Step) string {
	if st.End {
		return "END"
	}
	s := st.Entry.Title
	if st.Event != "" {
		s = st.Event + ":" + s
	}
	if st.Resume {
		s += "(resume)"
	}
	return s
}

// play returns the titles Next walks through, from the first entry, for
// at most n steps.
func play(c *Cursor, n int) string {
	out := []string{title(c.Current())}
	for i := 0; i < n && !c.Current().End; i++ {
		out = append(out, title(c.Next()))
	}
	return strings.Join(out, " ")
}

func TestCursorRepeat(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"plain", e("A") + e("B"), "A B END"},
		{"COUNT=2 (the reference's example)", e("A") + `<REPEAT COUNT="2">` + e("B") + e("C") + `</REPEAT>` + e("D"), "A B C B C D END"},
		{"COUNT=0 plays once", e("A") + `<REPEAT COUNT="0">` + e("B") + `</REPEAT>` + e("C"), "A B C END"},
		{"COUNT=1", `<REPEAT COUNT="1">` + e("A") + `</REPEAT>`, "A END"},
		{"nested", `<REPEAT COUNT="2">` + e("A") + `<REPEAT COUNT="3">` + e("B") + `</REPEAT>` + e("C") + `</REPEAT>`, "A B B B C A B B B C END"},
		{"nested at the ends", `<REPEAT COUNT="2"><REPEAT COUNT="2">` + e("A") + `</REPEAT>` + e("B") + `<REPEAT COUNT="2">` + e("C") + `</REPEAT></REPEAT>`, "A A B C C A A B C C END"},
		{"same range", `<REPEAT COUNT="2"><REPEAT COUNT="3">` + e("A") + e("B") + `</REPEAT></REPEAT>` + e("C"), "A B A B A B A B A B A B C END"},
		{"forever", e("A") + `<REPEAT>` + e("B") + e("C") + `</REPEAT>` + e("D"), "A B C B C B C B C B"},
		{"forever around finite", `<REPEAT>` + e("A") + `<REPEAT COUNT="2">` + e("B") + `</REPEAT></REPEAT>`, "A B B A B B A B B A"},
		{"empty blocks skipped", `<REPEAT></REPEAT>` + e("A") + `<REPEAT><ENTRY><TITLE>x</TITLE></ENTRY></REPEAT>` + e("B"), "A B END"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := play(NewCursor(show(t, c.body)), 20); got != c.want && !(strings.Contains(c.name, "forever") && strings.HasPrefix(got, c.want)) {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestCursorForeverNoAlloc: an endless REPEAT walks without allocating.
func TestCursorForeverNoAlloc(t *testing.T) {
	c := NewCursor(show(t, e("A")+`<REPEAT>`+e("B")+`<REPEAT COUNT="3">`+e("C")+`</REPEAT></REPEAT>`))
	// AllocsPerRun divides with integers: count over 1000 moves a run.
	allocs := testing.AllocsPerRun(10, func() {
		for range 1000 {
			if c.Next().End {
				t.Fatal("an endless REPEAT ended")
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per 1000 Next", allocs)
	}
}

// TestCursorPrevInvertsNext: for finite shows, Prev from the end walks
// exactly the reverse of Next's sequence, pass counts included.
func TestCursorPrevInvertsNext(t *testing.T) {
	bodies := []string{
		e("A") + e("B") + e("C"),
		e("A") + `<REPEAT COUNT="2">` + e("B") + e("C") + `</REPEAT>` + e("D"),
		`<REPEAT COUNT="2">` + e("A") + `<REPEAT COUNT="3">` + e("B") + `</REPEAT>` + e("C") + `</REPEAT>`,
		`<REPEAT COUNT="2"><REPEAT COUNT="2">` + e("A") + `</REPEAT>` + e("B") + `<REPEAT COUNT="2">` + e("C") + `</REPEAT></REPEAT>`,
		`<REPEAT COUNT="3"><REPEAT COUNT="2">` + e("A") + e("B") + `</REPEAT></REPEAT>`,
	}
	type state struct {
		i    int
		iter string
	}
	snap := func(c *Cursor) state { return state{c.main.i, fmt.Sprint(c.main.iter)} }
	for _, body := range bodies {
		c := NewCursor(show(t, body))
		var forward []state
		for !c.Current().End {
			forward = append(forward, snap(c))
			c.Next()
		}
		for k := len(forward) - 1; k >= 0; k-- {
			if _, err := c.Prev(); err != nil {
				t.Fatalf("%s: Prev at step %d: %v", body, k, err)
			}
			if got := snap(c); got != forward[k] {
				t.Fatalf("%s: step %d: Prev gave %+v, Next had %+v", body, k, got, forward[k])
			}
		}
		if _, err := c.Prev(); !errors.Is(err, ErrNoEntry) {
			t.Errorf("Prev at the first entry: %v", err)
		}
	}
}

func TestCursorJump(t *testing.T) {
	pl := show(t, e("A")+`<REPEAT COUNT="2">`+e("B")+e("C")+`</REPEAT>`+e("D"))
	if got := Flatten(pl); len(got) != 4 || got[3].Title != "D" {
		t.Fatalf("Flatten: %+v", got)
	}
	c := NewCursor(pl)
	if c.Len() != 4 || c.Index() != 0 {
		t.Fatalf("Len %d Index %d", c.Len(), c.Index())
	}
	st, err := c.Jump(2)
	if err != nil || st.Entry.Title != "C" || st.Index != 2 {
		t.Fatalf("Jump(2): %+v %v", st, err)
	}
	// Jumping into the block starts its first pass: C B C D.
	if got := play(c, 10); got != "C B C D END" {
		t.Errorf("after Jump(2): %s", got)
	}
	// Within a block on its second pass, the pass is kept.
	c = NewCursor(pl)
	c.Next()
	c.Next()
	c.Next() // B, pass 2
	if st, _ := c.Jump(2); st.Entry.Title != "C" {
		t.Fatal(st)
	}
	if got := play(c, 10); got != "C D END" {
		t.Errorf("Jump within the second pass: %s", got)
	}
	// From the end, and out of range.
	c.Jump(3)
	c.Next()
	if c.Index() != -1 || !c.Current().End {
		t.Fatal("not ended")
	}
	if st, err := c.Jump(0); err != nil || st.Entry.Title != "A" {
		t.Errorf("Jump(0) from the end: %+v %v", st, err)
	}
	for _, i := range []int{-1, 4} {
		if _, err := c.Jump(i); !errors.Is(err, ErrNoEntry) {
			t.Errorf("Jump(%d): %v", i, err)
		}
	}
}

// TestCursorClientSkip: CLIENTSKIP=NO stops the user's forward moves
// (Skip, a Jump forward past it) but not the natural advance or going
// back.
func TestCursorClientSkip(t *testing.T) {
	pl := show(t, e("A")+`<ENTRY CLIENTSKIP="NO"><TITLE>Ad</TITLE><REF HREF="ad"/></ENTRY>`+e("B")+e("C"))
	c := NewCursor(pl)
	if !c.CanSkip() {
		t.Fatal("A is skippable")
	}
	if _, err := c.Jump(2); !errors.Is(err, ErrSkipNotAllowed) {
		t.Errorf("Jump past the ad: %v", err)
	}
	if _, err := c.Jump(1); err != nil {
		t.Errorf("Jump to the ad: %v", err)
	}
	if c.CanSkip() {
		t.Fatal("the ad is skippable")
	}
	if st, err := c.Skip(); !errors.Is(err, ErrSkipNotAllowed) || st.Entry.Title != "Ad" {
		t.Errorf("Skip the ad: %+v %v", st, err)
	}
	if _, err := c.Jump(3); !errors.Is(err, ErrSkipNotAllowed) {
		t.Errorf("Jump from the ad: %v", err)
	}
	if st, err := c.Prev(); err != nil || st.Entry.Title != "A" {
		t.Errorf("Prev from the ad: %+v %v", st, err)
	}
	c.Next()
	if st := c.Next(); st.Entry.Title != "B" {
		t.Errorf("the ad's natural end: %+v", st)
	}
	if st, err := c.Skip(); err != nil || st.Entry.Title != "C" {
		t.Errorf("Skip B: %+v %v", st, err)
	}
	if st, err := c.Jump(0); err != nil || st.Entry.Title != "A" {
		t.Errorf("Jump back: %+v %v", st, err)
	}
}

func TestCursorEvent(t *testing.T) {
	events := `<EVENT NAME="Ad" WHENDONE="RESUME">` + e("ad1") + e("ad2") + `</EVENT>` +
		`<EVENT NAME="news" WHENDONE="NEXT">` + e("n") + `</EVENT>` +
		`<EVENT NAME="stop" WHENDONE="BREAK">` + e("s") + `</EVENT>` +
		`<EVENT NAME="empty" WHENDONE="RESUME"></EVENT>`
	body := e("A") + `<REPEAT>` + e("B") + e("C") + `</REPEAT>` + e("D") + events
	cases := []struct {
		name  string
		moves []string // "next", "prev", "jump0", or "!event"
		want  string
	}{
		{"resume", []string{"next", "!ad", "next", "next", "next"}, "A B Ad:ad1 Ad:ad2 B(resume) C"},
		{"next", []string{"next", "!NEWS", "next", "next"}, "A B news:n C B"},
		{"break leaves the endless block", []string{"next", "next", "!stop", "next", "next"}, "A B C stop:s D END"},
		{"break outside a block ends", []string{"!stop", "next"}, "A stop:s END"},
		{"next at the last entry ends", []string{"next", "next", "!stop", "next", "!news", "next"}, "A B C stop:s D news:n END"},
		{"empty event resumes at once", []string{"next", "!empty", "next"}, "A B B(resume) C"},
		{"unknown event", []string{"!nothing", "next"}, "A A B"},
		{"event during an event", []string{"next", "!ad", "!news", "next", "next"}, "A B Ad:ad1 news:n C B"},
		{"prev within an event", []string{"!ad", "next", "prev", "prev"}, "A Ad:ad1 Ad:ad2 Ad:ad1 Ad:ad1"},
		{"jump leaves the event", []string{"next", "!ad", "jump0", "next"}, "A B Ad:ad1 A B"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur := NewCursor(show(t, body))
			got := []string{title(cur.Current())}
			for _, m := range c.moves {
				var st Step
				switch {
				case m == "next":
					st = cur.Next()
				case m == "prev":
					st, _ = cur.Prev()
				case m == "jump0":
					st, _ = cur.Jump(0)
				default:
					st, _ = cur.Event(m[1:])
				}
				got = append(got, title(st))
			}
			if s := strings.Join(got, " "); s != c.want {
				t.Errorf("got  %s\nwant %s", s, c.want)
			}
		})
	}
	// During an event, Index is the interrupted entry's.
	cur := NewCursor(show(t, body))
	cur.Next()
	st, ok := cur.Event("ad")
	if !ok || st.Index != 1 || cur.Index() != 1 || st.EventIndex != 0 {
		t.Errorf("in event: %+v %v", st, ok)
	}
	// No event once the show is over.
	cur = NewCursor(show(t, e("A")+events))
	cur.Next()
	if _, ok := cur.Event("ad"); ok {
		t.Error("an event after the end")
	}
}

// TestEffective: ENTRY values override ASX values; the rest is inherited.
func TestEffective(t *testing.T) {
	pl, err := Parse(readSample(t, "show.asx"), mustURL(t, "http://radio.example.com/shows/evening.asx"))
	if err != nil {
		t.Fatal(err)
	}
	got := Flatten(pl)
	if len(got) != 3 {
		t.Fatalf("%d entries", len(got))
	}
	id, song := got[0], got[1]
	if id.Title != "Station ID" || id.Author != "Eddy Radio" || id.Copyright != "(c) 2026 Eddy Radio" || id.Abstract != "Three hours of music" ||
		id.MoreInfo != "http://radio.example.com/show" || id.Banner != pl.Banner || id.Base != "http://radio.example.com/flip/" {
		t.Errorf("inherited: %+v", id)
	}
	if song.Author != "The Band" {
		t.Errorf("override: %q", song.Author)
	}
	if want := []Param{{"Station", "Eddy"}, {"Genre", "Swing"}}; !reflect.DeepEqual(song.Params, want) {
		t.Errorf("params %v, want %v", song.Params, want)
	}
	if want := []Param{{"Genre", "Jazz"}, {"Station", "Eddy"}}; !reflect.DeepEqual(id.Params, want) {
		t.Errorf("params %v, want %v", id.Params, want)
	}
	if !reflect.DeepEqual(id.LogURLs, []string{"http://logs.example.com/wmlog"}) {
		t.Errorf("log URLs %v", id.LogURLs)
	}
	// The model itself is left as written.
	if pl.Items[0].(*Entry).Author != "" {
		t.Error("Flatten changed the model")
	}
}

// walkCursor drives a cursor through every kind of move (for the fuzz
// targets): it must stay in range and never panic.
func walkCursor(t *testing.T, pl *Playlist) {
	c := NewCursor(pl)
	n := c.Len()
	for i := 0; i < 2*n+8; i++ {
		st := c.Next()
		if !st.End && (st.Index < 0 || st.Index >= n) {
			t.Fatalf("index %d of %d", st.Index, n)
		}
	}
	for i := 0; i < n+2; i++ {
		c.Prev()
	}
	for _, ev := range pl.Events {
		c.Event(ev.Name)
		c.Next()
		c.Skip()
	}
	if n > 0 {
		c.Jump(n - 1)
		c.Next()
	}
}
