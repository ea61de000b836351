package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// testTree writes a small tree: a Manifest and one 250 kB fragment.
func testTree(t *testing.T) (*os.Root, []byte) {
	dir := t.TempDir()
	frag := bytes.Repeat([]byte("0123456789"), 25_000)
	if err := os.WriteFile(filepath.Join(dir, "Manifest"), []byte("<SmoothStreamingMedia/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "QualityLevels(300000)"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "QualityLevels(300000)", "Fragments(video=0)"), frag, 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	if err := checkTree(root); err != nil {
		t.Fatal(err)
	}
	return root, frag
}

// TestServer runs the handler in a synctest bubble: the fragment (250 kB)
// comes whole at the link's 1 Mbit/s (2 s), the request log says so, a
// directory, a missing file, a path out of the tree and a POST are
// refused, and the schedule's origin is the first request.
func TestServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		root, frag := testTree(t)
		var log bytes.Buffer
		s := &server{root: root, link: NewLink(Schedule{{1_000_000, time.Minute}}), log: &log}
		time.Sleep(3 * time.Second) // the link's origin is the first request, not its making
		origin := time.Now()
		get := func(method, target string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
			return rec
		}
		rec := get("GET", "/QualityLevels(300000)/Fragments(video=0)")
		took := time.Since(origin)
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), frag) {
			t.Fatalf("status %d, %d bytes; want 200 and the %d-byte file", rec.Code, rec.Body.Len(), len(frag))
		}
		if took < 2*time.Second || took > 2*time.Second+time.Millisecond {
			t.Errorf("250 kB at 1 Mbit/s took %v, want 2 s", took)
		}
		if got := rec.Header().Get("Content-Length"); got != "250000" {
			t.Errorf("Content-Length %q", got)
		}
		for _, c := range []struct {
			method, target string
			status         int
		}{
			{"GET", "/QualityLevels(300000)", 404},
			{"GET", "/", 404},
			{"GET", "/QualityLevels(300000)/Fragments(video=1)", 404},
			{"GET", "/../Manifest", 200}, // cleaned to /Manifest, as any web server does
			{"GET", "/QualityLevels(300000)/../../x", 404},
			{"POST", "/Manifest", 405},
		} {
			if rec := get(c.method, c.target); rec.Code != c.status {
				t.Errorf("%s %s: %d, want %d", c.method, c.target, rec.Code, c.status)
			}
		}
		// A client that goes away after 1 s has half the fragment.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, "GET", "/QualityLevels(300000)/Fragments(video=0)", nil))
		lines := strings.Split(strings.TrimSpace(log.String()), "\n")
		if len(lines) != 8 {
			t.Fatalf("%d log lines, want 8:\n%s", len(lines), log.String())
		}
		var cut Entry
		if err := json.Unmarshal([]byte(lines[7]), &cut); err != nil {
			t.Fatal(err)
		}
		if cut.Complete || cut.Bytes < 123_000 || cut.Bytes > 125_000 || cut.Size != 250_000 {
			t.Errorf("the cut request's entry %+v: want about 125000 of 250000 bytes, not complete", cut)
		}
		var e Entry
		if err := json.Unmarshal([]byte(lines[0]), &e); err != nil {
			t.Fatal(err)
		}
		want := Entry{OriginUnixMS: origin.UnixMilli(), StartMS: 0, EndMS: 2000, Method: "GET",
			Path: "/QualityLevels(300000)/Fragments(video=0)", Status: 200, Bytes: 250000, Size: 250000, Complete: true, Remote: "192.0.2.1:1234"}
		if e.EndMS >= 2000 && e.EndMS < 2001 {
			want.EndMS = e.EndMS
		}
		if e != want {
			t.Errorf("log entry %+v, want %+v", e, want)
		}
		if err := s.logErr(); err != nil {
			t.Error(err)
		}
	})
}

// TestServerHEAD: a HEAD gets the size without a body, and costs the link
// nothing.
func TestServerHEAD(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		root, _ := testTree(t)
		var log bytes.Buffer
		s := &server{root: root, link: NewLink(Schedule{{1_000_000, time.Minute}}), log: &log}
		start := time.Now()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/QualityLevels(300000)/Fragments(video=0)", nil))
		if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "250000" || time.Since(start) != 0 {
			t.Errorf("HEAD: %d, %d bytes, length %q, %v", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"), time.Since(start))
		}
	})
}

// TestStamp: lines end at \n or \r (gst-launch's buffering lines), empty
// ones are dropped, each gets the clock's Unix milliseconds.
func TestStamp(t *testing.T) {
	at := time.UnixMilli(1_796_000_000_000)
	now := func() time.Time { at = at.Add(5 * time.Millisecond); return at }
	var out bytes.Buffer
	in := "Setting pipeline to PAUSED ...\nbuffering... 4%  \rbuffering... 100%  \rSetting pipeline to PLAYING ...\n\nlast"
	if err := Stamp(strings.NewReader(in), &out, now); err != nil {
		t.Fatal(err)
	}
	want := "1796000000005\tSetting pipeline to PAUSED ...\n" +
		"1796000000010\tbuffering... 4%  \n" +
		"1796000000015\tbuffering... 100%  \n" +
		"1796000000020\tSetting pipeline to PLAYING ...\n" +
		"1796000000025\tlast\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
