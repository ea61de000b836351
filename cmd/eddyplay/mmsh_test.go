package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// serve starts the fake MS-WMSP server with path → file; adjust, when
// given, changes the content first (to make it stridable, say).
func serve(t *testing.T, opts mmshtest.Options, path, file string, adjust ...func(*mmshtest.Content)) *mmshtest.Server {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mmshtest.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := mmshtest.File(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range adjust {
		f(c)
	}
	srv.Handle(path, c)
	return srv
}

// TestMMSHEndToEnd plays a WMA file from the MS-WMSP fake server through
// the whole player: the decoded audio equals FFmpeg's decode of the file,
// and the server receives the play log at the end.
func TestMMSHEndToEnd(t *testing.T) {
	need(t, "ffmpeg")
	srv := serve(t, mmshtest.Options{}, "/c.wma", wmaFixture)
	dir := t.TempDir()
	out := filepath.Join(dir, "mmsh.wav")
	stdout, stderr, err := eddyplay(t, "--out", out, "--stats", srv.URL+"/c.wma")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	ref := filepath.Join(dir, "ref.wav")
	ffmpeg(t, "-i", wmaFixture, "-c:a", "pcm_s16le", ref)
	_, want := wavPCM(t, ref)
	_, got := wavPCM(t, out)
	if len(got) != len(want) {
		t.Fatalf("%d samples, ffmpeg %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sample %d differs", i)
		}
	}
	var st statsJSON
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if st.Protocol != "mmsh" || st.PacketsReceived == 0 || st.LogPosts < 1 {
		t.Fatalf("stats %+v", st)
	}
	if logs := srv.RequestsOf("Log"); len(logs) < 1 {
		t.Fatal("no play log reached the server")
	}
}

// TestMMSHStopLogsAndProbes: --duration stops early (a Stop, and a log);
// --probe describes the stream.
func TestMMSHStopLogsAndProbes(t *testing.T) {
	srv := serve(t, mmshtest.Options{}, "/d.wmv", wmvFixture)
	stdout, _, err := eddyplay(t, "--probe", srv.URL+"/d.wmv")
	if err != nil {
		t.Fatal(err)
	}
	var p probeJSON
	json.Unmarshal([]byte(stdout), &p)
	if p.Protocol != "mmsh" || len(p.Streams) != 2 || !p.Seekable {
		t.Fatalf("probe %+v", p)
	}
	stdout, _, err = eddyplay(t, "--out", filepath.Join(t.TempDir(), "x.wav"), "--duration", "2s", "--stats", srv.URL+"/d.wmv")
	if err != nil {
		t.Fatal(err)
	}
	var st statsJSON
	json.Unmarshal([]byte(stdout), &st)
	if st.PositionMS < 1900 || st.PositionMS > 2100 || st.LogPosts < 1 || st.FramesDecoded < 40 {
		var kinds []string
		for _, r := range srv.Requests() {
			kinds = append(kinds, r.Kind+"@"+strconv.Itoa(r.Conn))
		}
		t.Fatalf("stats %+v\nrequests %v", st, kinds)
	}
}

// TestMMSHAuthError: a server that wants a password the CLI was not given
// fails with one clear line.
func TestMMSHAuthError(t *testing.T) {
	srv := serve(t, mmshtest.Options{Auth: &mmshtest.Auth{Scheme: "Digest", User: "u", Password: "p", Realm: "media"}}, "/c.wma", wmaFixture)
	_, _, err := eddyplay(t, "--probe", srv.URL+"/c.wma")
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "authentication") {
		t.Fatalf("err = %v", err)
	}
}
