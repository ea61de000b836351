package playlist

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// files serves metafiles by path and counts the requests.
type files struct {
	mu    sync.Mutex
	docs  map[string]string
	count map[string]int
	total int
}

func newFiles(docs map[string]string) *files {
	return &files{docs: docs, count: map[string]int{}}
}

func (f *files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.count[r.URL.Path]++
	f.total++
	f.mu.Unlock()
	doc, ok := f.docs[r.URL.Path]
	switch {
	case !ok:
		http.NotFound(w, r)
	case strings.HasPrefix(doc, "redirect:"):
		http.Redirect(w, r, strings.TrimPrefix(doc, "redirect:"), http.StatusFound)
	default:
		w.Header().Set("Content-Type", "video/x-ms-asf")
		fmt.Fprint(w, doc)
	}
}

func (f *files) requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.total
}

func asx(body string) string { return `<ASX VERSION="3.0">` + body + `</ASX>` }

func titles(pl *Playlist) string {
	var out []string
	for _, e := range Flatten(pl) {
		out = append(out, e.Title)
	}
	return strings.Join(out, " ")
}

func hasWarning(pl *Playlist, s string) bool {
	return strings.Contains(strings.Join(pl.Warnings, "\n"), s)
}

// TestLoadNested: ENTRYREFs are fetched and their entries spliced in
// place, minus SKIPIFREF=YES ones, relative HREFs resolved against the
// nested file's URL, its ASX-level metadata ignored.
func TestLoadNested(t *testing.T) {
	fs := newFiles(map[string]string{
		"/top.asx": asx(`<TITLE>Top</TITLE>` + e("A") + `<ENTRYREF HREF="sub/mid.asx"/>` + `<REPEAT COUNT="2"><ENTRYREF HREF="/leaf.asx"/></REPEAT>` + e("Z") +
			`<EVENT NAME="ev" WHENDONE="NEXT"><ENTRYREF HREF="/leaf.asx"/></EVENT>`),
		"/sub/mid.asx": asx(`<TITLE>Mid</TITLE><AUTHOR>Mid Author</AUTHOR><EVENT NAME="x" WHENDONE="NEXT">` + e("midev") + `</EVENT>` +
			`<ENTRY><TITLE>m1</TITLE><REF HREF="m1.wma"/></ENTRY>` +
			`<ENTRY SKIPIFREF="YES"><TITLE>skipped</TITLE><REF HREF="s.wma"/></ENTRY>` +
			`<ENTRYREF HREF="../leaf.asx"/>`),
		"/leaf.asx": "[Reference]\r\nRef1=http://wms.example.com/leaf\r\n",
	})
	srv := httptest.NewServer(fs)
	defer srv.Close()
	pl, err := Load(context.Background(), srv.URL+"/top.asx", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	flat := Flatten(pl)
	var got []string
	for _, e := range flat {
		got = append(got, e.Title+"="+e.Refs[0].URL)
	}
	want := []string{"A=" + srv.URL + "/A", "m1=" + srv.URL + "/sub/m1.wma", "Top=mmsh://wms.example.com/leaf", "Top=mmsh://wms.example.com/leaf", "Z=" + srv.URL + "/Z"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("entries\n%q\nwant\n%q", got, want)
	}
	if pl.Title != "Top" || pl.Author != "" || len(pl.Events) != 1 || flat[1].Author != "" {
		t.Errorf("the nested file's ASX-level metadata leaked: %q %q %d", pl.Title, pl.Author, len(pl.Events))
	}
	// The REPEAT kept its ENTRYREF's entries as its block.
	if s := play(NewCursor(pl), 10); s != "A m1 Top Top Top Z END" {
		t.Errorf("play: %s", s)
	}
	// EVENT ENTRYREFs are resolved too.
	if ev := pl.Events[0]; len(ev.Items) != 1 {
		t.Errorf("event items %+v", ev.Items)
	}
	if n := fs.requests(); n != 5 {
		t.Errorf("%d requests, want 5 (top, mid, leaf from mid, leaf in REPEAT, leaf in EVENT)", n)
	}
}

// TestLoadDepthAndLoops: ENTRYREF nesting stops at MaxDepth (5 by
// default), which also stops loops, with a warning.
func TestLoadDepthAndLoops(t *testing.T) {
	docs := map[string]string{}
	for i := 0; i < 10; i++ {
		docs[fmt.Sprintf("/d%d.asx", i)] = asx(e(fmt.Sprintf("d%d", i)) + fmt.Sprintf(`<ENTRYREF HREF="d%d.asx"/>`, i+1))
	}
	docs["/a.asx"] = asx(e("a") + `<ENTRYREF HREF="b.asx"/>`)
	docs["/b.asx"] = asx(e("b") + `<ENTRYREF HREF="a.asx"/>`)
	fs := newFiles(docs)
	srv := httptest.NewServer(fs)
	defer srv.Close()

	pl, err := Load(context.Background(), srv.URL+"/d0.asx", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(pl); got != "d0 d1 d2 d3 d4 d5" || !hasWarning(pl, "nested deeper than 5") {
		t.Errorf("depth 5: %s %q", got, pl.Warnings)
	}
	if n := fs.requests(); n != 6 {
		t.Errorf("%d requests, want 6", n)
	}
	pl, err = Load(context.Background(), srv.URL+"/d0.asx", LoadOptions{MaxDepth: 2})
	if err != nil || titles(pl) != "d0 d1 d2" {
		t.Errorf("depth 2: %v %s", err, titles(pl))
	}
	pl, err = Load(context.Background(), srv.URL+"/a.asx", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(pl); got != "a b a b a b" || !hasWarning(pl, "a loop?") {
		t.Errorf("loop: %s %q", got, pl.Warnings)
	}
}

// TestLoadMaxFetches: however the ENTRYREFs fan out, at most MaxFetches
// metafiles are fetched after the first.
func TestLoadMaxFetches(t *testing.T) {
	fs := newFiles(map[string]string{
		"/top.asx":  asx(strings.Repeat(`<ENTRYREF HREF="fan.asx"/>`, 20)),
		"/fan.asx":  asx(e("f") + strings.Repeat(`<ENTRYREF HREF="leaf.asx"/>`, 20)),
		"/leaf.asx": asx(e("l")),
	})
	srv := httptest.NewServer(fs)
	defer srv.Close()
	pl, err := Load(context.Background(), srv.URL+"/top.asx", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := fs.requests(); n != 17 {
		t.Errorf("%d requests, want 1 + 16", n)
	}
	if len(Flatten(pl)) != 16 || !hasWarning(pl, "more than 16 playlists fetched") {
		t.Errorf("%d entries, warnings %q", len(Flatten(pl)), pl.Warnings)
	}
	fs2 := newFiles(fs.docs)
	srv2 := httptest.NewServer(fs2)
	defer srv2.Close()
	if _, err := Load(context.Background(), srv2.URL+"/top.asx", LoadOptions{MaxFetches: 3}); err != nil || fs2.requests() != 4 {
		t.Errorf("MaxFetches 3: %v, %d requests", err, fs2.requests())
	}
	// MaxEntries bounds the spliced show.
	pl, err = Load(context.Background(), srv.URL+"/top.asx", LoadOptions{MaxEntries: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(Flatten(pl)) != 5 || !hasWarning(pl, "the show has 5 entries already") {
		t.Errorf("MaxEntries 5: %v %d %q", err, len(Flatten(pl)), pl.Warnings)
	}
	fs3 := newFiles(map[string]string{
		"/top.asx": asx(e("A") + `<ENTRYREF HREF="ten.asx"/>` + e("B")),
		"/ten.asx": asx(strings.Repeat(e("t"), 10)),
	})
	srv3 := httptest.NewServer(fs3)
	defer srv3.Close()
	pl, err = Load(context.Background(), srv3.URL+"/top.asx", LoadOptions{MaxEntries: 5})
	if err != nil || titles(pl) != "A B" || !hasWarning(pl, "its 10 entries would pass the limit of 5") {
		t.Errorf("a nested file over MaxEntries: %v %q", err, pl.Warnings)
	}
}

// TestLoadRedirects: HTTP redirects are followed (at most 10) and the
// final URL is the base of relative HREFs.
func TestLoadRedirects(t *testing.T) {
	docs := map[string]string{
		"/go":            "redirect:/real/list.asx",
		"/real/list.asx": asx(`<ENTRY><TITLE>x</TITLE><REF HREF="x.wma"/></ENTRY>`),
		"/loop":          "redirect:/loop",
	}
	for i := 0; i < 11; i++ {
		docs[fmt.Sprintf("/r%d", i)] = fmt.Sprintf("redirect:/r%d", i+1)
	}
	docs["/r11"] = asx(e("far"))
	srv := httptest.NewServer(newFiles(docs))
	defer srv.Close()
	pl, err := Load(context.Background(), srv.URL+"/go", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := Flatten(pl)[0].Refs[0].URL; got != srv.URL+"/real/x.wma" {
		t.Errorf("ref %s", got)
	}
	if _, err := Load(context.Background(), srv.URL+"/loop", LoadOptions{}); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	if _, err := Load(context.Background(), srv.URL+"/r0", LoadOptions{}); err == nil {
		t.Error("11 redirects followed")
	}
	if _, err := Load(context.Background(), srv.URL+"/r1", LoadOptions{}); err != nil {
		t.Errorf("10 redirects: %v", err)
	}
}

// TestLoadFailures: a failed ENTRYREF is a warning and the rest plays;
// the top metafile failing is an error; no message shows a password.
func TestLoadFailures(t *testing.T) {
	big := asx(strings.Repeat(" ", MaxSize) + e("x"))
	fs := newFiles(map[string]string{
		"/top.asx":  asx(e("A") + `<ENTRYREF HREF="missing.asx"/><ENTRYREF HREF="big.asx"/><ENTRYREF HREF="html"/>` + e("B")),
		"/big.asx":  big,
		"/html":     "<html><body>not here</body></html>",
		"/only.asx": asx(`<ENTRYREF HREF="missing.asx"/>`),
	})
	srv := httptest.NewServer(fs)
	defer srv.Close()
	withCreds := strings.Replace(srv.URL, "http://", "http://user:s3cret@", 1)
	pl, err := Load(context.Background(), withCreds+"/top.asx", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if titles(pl) != "A B" || len(pl.Warnings) != 3 {
		t.Errorf("%s %q", titles(pl), pl.Warnings)
	}
	if !hasWarning(pl, "404") || !hasWarning(pl, "larger than 1 MiB") || !hasWarning(pl, "not an ASX") {
		t.Errorf("warnings %q", pl.Warnings)
	}
	if hasWarning(pl, "s3cret") {
		t.Errorf("a warning shows the password: %q", pl.Warnings)
	}
	for _, p := range []string{"/missing", "/big.asx", "/html", "/only.asx"} {
		_, err := Load(context.Background(), withCreds+p, LoadOptions{})
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: %v", p, err)
		}
		if p == "/big.asx" && !errors.Is(err, ErrTooLarge) {
			t.Errorf("big: %v", err)
		}
		if p == "/only.asx" && !errors.Is(err, ErrEmpty) {
			t.Errorf("only a failing ENTRYREF: %v", err)
		}
	}
	// A connection refused: the error names the URL without its password.
	closed := httptest.NewServer(http.NotFoundHandler())
	addr := closed.Listener.Addr().String()
	closed.Close()
	if _, err := Load(context.Background(), "http://user:s3cret@"+addr+"/x.asx", LoadOptions{}); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("refused: %v", err)
	}
	// A server that never answers: the fetch's deadline ends it.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, hang.URL+"/x.asx", LoadOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := Load(context.Background(), hang.URL+"/x.asx", LoadOptions{Timeout: 50 * time.Millisecond}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("no answer: %v", err)
	}
}

// TestLoadSecurity: a network metafile never reaches local files, even
// through a Fetch that claims a redirect to one; a local one may.
func TestLoadSecurity(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "local.asx"), []byte(asx(e("L")+`<ENTRYREF HREF="nested.asx"/>`)), 0o600)
	os.WriteFile(filepath.Join(dir, "nested.asx"), []byte(asx(`<ENTRY><TITLE>N</TITLE><REF HREF="n.wma"/></ENTRY>`)), 0o600)
	fs := newFiles(map[string]string{
		"/net.asx": asx(e("W") + `<ENTRYREF HREF="file://` + filepath.ToSlash(dir) + `/local.asx"/>`),
	})
	srv := httptest.NewServer(fs)
	defer srv.Close()

	pl, err := Load(context.Background(), srv.URL+"/net.asx", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if titles(pl) != "W" || !hasWarning(pl, "may not name local files") {
		t.Errorf("network → local: %s %q", titles(pl), pl.Warnings)
	}
	// A hand-built ENTRYREF to a local file in a network playlist.
	pl.Items = append(pl.Items, &EntryRef{Href: "file://" + filepath.ToSlash(dir) + "/local.asx"})
	if err := Resolve(context.Background(), pl, LoadOptions{}); err != nil || titles(pl) != "W" {
		t.Errorf("Resolve: %v %s", err, titles(pl))
	}
	// A Fetch claiming a network URL ended at a local file.
	liar := func(ctx context.Context, raw string) ([]byte, string, string, error) {
		return []byte(asx(e("x"))), "", "file:///etc/x.asx", nil
	}
	if _, err := Load(context.Background(), "http://h/x.asx", LoadOptions{Fetch: liar}); err == nil {
		t.Error("network URL → file accepted")
	}
	// A local metafile, by path and by file:// URL.
	for _, p := range []string{filepath.Join(dir, "local.asx"), "file://" + filepath.ToSlash(dir) + "/local.asx"} {
		pl, err = Load(context.Background(), p, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		flat := Flatten(pl)
		if titles(pl) != "L N" || flat[1].Refs[0].URL != "file://"+filepath.ToSlash(dir)+"/n.wma" {
			t.Errorf("%s: %s %+v", p, titles(pl), flat)
		}
	}
}
