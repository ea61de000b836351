package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/nsc"
)

// decodeRef is FFmpeg's decode of a file's audio as 16-bit PCM.
func decodeRef(t *testing.T, src string) []int16 {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "ref.wav")
	ffmpeg(t, "-i", src, "-vn", "-c:a", "pcm_s16le", ref)
	_, pcm := wavPCM(t, ref)
	return pcm
}

// closedPort is a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func equalPCM(t *testing.T, what string, got, want []int16) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, FFmpeg's decodes of the entries in order have %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: sample %d differs (%d, FFmpeg %d)", what, i, got[i], want[i])
		}
	}
}

// TestPlaylistOverHTTP: an ASX on a web server whose first entry is a WMA
// file on that server (progressive HTTP) and whose second entry's first
// REF is dead, its second on the MS-WMSP fake server, plays into one WAV
// equal to FFmpeg's decodes of the two files in order; the dead REF is
// skipped for the next one, the fake server gets its play log, and
// --probe lists the entries.
func TestPlaylistOverHTTP(t *testing.T) {
	need(t, "ffmpeg")
	wma, err := os.ReadFile(wmaFixture)
	if err != nil {
		t.Fatal(err)
	}
	msrv := serve(t, mmshtest.Options{}, "/b.wmv", wmvFixture)
	dead := "mmsh://" + closedPort(t) + "/gone.wma"
	mux := http.NewServeMux()
	web := httptest.NewServer(mux)
	t.Cleanup(web.Close)
	asx := fmt.Sprintf(`<ASX VERSION="3.0">
  <Title>Evening show</Title>
  <Entry><Title>Opening</Title><Ref href="a.wma"/></Entry>
  <ENTRY><TITLE>Talk</TITLE>
    <REF HREF="%s" />
    <REF HREF="gone.wma" />
    <REF HREF="%s/b.wmv" />
    <REF HREF="never.wma" />
  </ENTRY>
</ASX>`, dead, msrv.URL)
	var gone, never atomic.Int32
	mux.HandleFunc("/gone.wma", func(w http.ResponseWriter, r *http.Request) {
		gone.Add(1)
		http.NotFound(w, r)
	})
	mux.HandleFunc("/never.wma", func(w http.ResponseWriter, r *http.Request) { never.Add(1) })
	mux.HandleFunc("/show.asx", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/x-ms-asf")
		w.Write([]byte(asx))
	})
	mux.HandleFunc("/a.wma", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/x-ms-wma")
		http.ServeContent(w, r, "a.wma", time.Time{}, bytes.NewReader(wma))
	})

	out := filepath.Join(t.TempDir(), "show.wav")
	_, stderr, err := eddyplay(t, "--out", out, web.URL+"/show.asx")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if gone.Load() != 1 || never.Load() != 0 {
		t.Errorf("the dead REFs were asked %d times, the REF after the one that opened %d times", gone.Load(), never.Load())
	}
	for _, want := range []string{"playlist entry 1/2: Opening", "playlist entry 2/2: Talk"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	_, got := wavPCM(t, out)
	equalPCM(t, "the show", got, append(decodeRef(t, wmaFixture), decodeRef(t, wmvFixture)...))
	if logs := msrv.RequestsOf("Log"); len(logs) < 1 {
		t.Error("no play log reached the MMSH server for its entry")
	}

	stdout, _, err := eddyplay(t, "--probe", web.URL+"/show.asx")
	if err != nil {
		t.Fatal(err)
	}
	var pj playlistJSON
	if err := json.Unmarshal([]byte(stdout), &pj); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if !pj.Playlist || pj.Title != "Evening show" || len(pj.Entries) != 2 {
		t.Fatalf("probe %+v", pj)
	}
	e1, e2 := pj.Entries[0], pj.Entries[1]
	if e1.Title != "Opening" || e1.Refs[0] != web.URL+"/a.wma" || e1.Protocol != "http" || e1.DurationMS < 5000 || e1.Streams != 1 {
		t.Errorf("entry 1 %+v", e1)
	}
	if e2.Title != "Talk" || len(e2.Refs) != 4 || e2.Protocol != "mmsh" || e2.DurationMS < 5000 || e2.Streams != 2 {
		t.Errorf("entry 2 %+v", e2)
	}
}

// TestPlaylistLocalFile: a local .asx names local files by relative
// paths; a [Reference] file lists mirrors, the first of them missing.
func TestPlaylistLocalFile(t *testing.T) {
	need(t, "ffmpeg")
	dir := t.TempDir()
	for _, f := range []string{wmaFixture, wmvFixture} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	show := filepath.Join(dir, "show.wvx")
	// Unquoted attributes, lower case, a stray &, no closing tags.
	if err := os.WriteFile(show, []byte("\xef\xbb\xbf<asx version=3><title>Rock & roll</title>\n"+
		"<entry><ref href=d_wmv2_wmav2.wmv>\n<entry><ref href=\"c_wmav2.wma\">"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "show.wav")
	if _, stderr, err := eddyplay(t, "--out", out, show); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	_, got := wavPCM(t, out)
	equalPCM(t, "the local show", got, append(decodeRef(t, wmvFixture), decodeRef(t, wmaFixture)...))

	ref := filepath.Join(dir, "mirror.asx")
	if err := os.WriteFile(ref, []byte("[Reference]\r\nRef1=missing.wma\r\nRef2=c_wmav2.wma\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(dir, "mirror.wav")
	if _, stderr, err := eddyplay(t, "--out", out2, ref); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	_, got = wavPCM(t, out2)
	equalPCM(t, "the [Reference] mirror", got, decodeRef(t, wmaFixture))
}

// TestProbeStation: --probe on a .nsc file shows the multicast group and
// each format's streams, read from the file without joining the group.
func TestProbeStation(t *testing.T) {
	b, err := os.ReadFile(wmvFixture)
	if err != nil {
		t.Fatal(err)
	}
	hlen := int(binary.LittleEndian.Uint64(b[16:24]))
	st := &nsc.Station{Name: "EDDY, live", Group: netip.MustParseAddr("239.192.48.179"), Port: 19009, TTL: 32,
		UnicastURL: "mms://example.com/live",
		Formats:    []nsc.Format{{ID: 926, Header: b[:hlen+50], Description: "Windows Media Video"}}}
	path := filepath.Join(t.TempDir(), "live.nsc")
	if err := os.WriteFile(path, nsc.Encode(st), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := eddyplay(t, "--probe", path)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var sj stationJSON
	if err := json.Unmarshal([]byte(stdout), &sj); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if sj.Protocol != "msb" || sj.Group != "239.192.48.179" || sj.Port != 19009 || sj.TTL != 32 ||
		sj.UnicastURL != "mms://example.com/live" || len(sj.Formats) != 1 {
		t.Fatalf("probe %+v", sj)
	}
	f := sj.Formats[0]
	if f.ID != 926 || f.Description != "Windows Media Video" || len(f.Streams) != 2 {
		t.Fatalf("format %+v", f)
	}
	types := f.Streams[0].Type + " " + f.Streams[1].Type
	if types != "video audio" && types != "audio video" {
		t.Errorf("streams %+v", f.Streams)
	}
}

// TestPlaylistWithVLCEntry: an ASX whose middle entry is VLC's MMSH
// broadcast, cut to two seconds by DURATION, between a file on a web
// server and the MMSH fake server: the WAV is FFmpeg's decode of the
// first file, then two seconds of the source VLC broadcasts (a run of
// FFmpeg's decode of it, joined mid-stream), then FFmpeg's decode of the
// last file.
func TestPlaylistWithVLCEntry(t *testing.T) {
	need(t, "ffmpeg", "cvlc")
	files, err := asftest.NewFiles("eddyplay-vlc-", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(files.Remove)
	long := files.Path(t, "long_wmav2_60s.wma")
	vlc := mmshtest.VLC(t, long)
	msrv := serve(t, mmshtest.Options{}, "/b.wmv", wmvFixture)
	wma, err := os.ReadFile(wmaFixture)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	web := httptest.NewServer(mux)
	t.Cleanup(web.Close)
	mux.HandleFunc("/a.wma", func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "a.wma", time.Time{}, bytes.NewReader(wma))
	})
	mux.HandleFunc("/show.wax", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<ASX VERSION="3.0"><ENTRY><REF HREF="a.wma"/></ENTRY>
<ENTRY><REF HREF="%s"/><DURATION VALUE="00:02"/></ENTRY>
<ENTRY><REF HREF="%s/b.wmv"/></ENTRY></ASX>`, vlc, msrv.URL)
	})
	out := filepath.Join(t.TempDir(), "show.wav")
	if _, stderr, err := eddyplay(t, "--out", out, web.URL+"/show.wax"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	_, got := wavPCM(t, out)
	first, last := decodeRef(t, wmaFixture), decodeRef(t, wmvFixture)
	const rate = 44100 * 2 // values per second: 44.1 kHz stereo
	if len(got) < len(first)+len(last)+rate {
		t.Fatalf("%d samples: too short for the three entries", len(got))
	}
	equalPCM(t, "the first entry", got[:len(first)], first)
	equalPCM(t, "the last entry", got[len(got)-len(last):], last)
	mid := got[len(first) : len(got)-len(last)]
	if d := len(mid) - 2*rate; d < -rate/10 || d > rate/10 {
		t.Errorf("the VLC entry gave %d values, DURATION 2 s is %d", len(mid), 2*rate)
	}
	// Joined mid-stream: the decoder lacks the overlap of the frames
	// before the first; past three frames, the PCM is the source's.
	const warm = 3 * 2048 * 2
	src := decodeRef(t, long)
	run := mid[warm:]
	at := -1
	for i := 0; i+len(run) <= len(src) && at < 0; i++ {
		if src[i] == run[0] && slices.Equal(src[i:i+len(run)], run) {
			at = i
		}
	}
	if at < 0 {
		t.Fatal("the VLC entry's audio is not a run of FFmpeg's decode of the source")
	}
}
