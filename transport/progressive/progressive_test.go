package progressive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	wmaFixture = "../../testdata/asf/c_wmav2.wma"
	wmvFixture = "../../testdata/asf/d_wmv2_wmav2.wmv"
)

// digest reads every sample of the selected tracks and summarises them.
func digest(t *testing.T, s transport.Session, tracks []int, from time.Duration) (n int, sum string, first time.Duration) {
	t.Helper()
	if err := s.Select(context.Background(), tracks); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(context.Background(), from); err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	first = -1
	for {
		smp, err := s.ReadSample(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if first < 0 {
			first = smp.PTS
		}
		fmt.Fprintf(h, "%d %d %v %d|", smp.Track, smp.PTS, smp.Key, len(smp.Data))
		h.Write(smp.Data)
		n++
	}
	return n, fmt.Sprintf("%x", h.Sum(nil)), first
}

func dialFile(t *testing.T, path string) transport.Session {
	t.Helper()
	s, err := FileDialer{}.Dial(context.Background(), path, transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestFileInfo(t *testing.T) {
	s := dialFile(t, wmvFixture)
	in := s.Info()
	if in.Protocol != "file" || !in.Seekable || in.Broadcast {
		t.Fatalf("info %+v", in)
	}
	if len(in.Tracks) != 2 {
		t.Fatalf("tracks %+v", in.Tracks)
	}
	v, a := in.Tracks[0], in.Tracks[1]
	if v.Type != transport.Video || v.Codec != transport.FourCC("WMV2") || v.Video.Width != 320 || v.Video.Height != 240 {
		t.Fatalf("video track %+v", v)
	}
	if a.Type != transport.Audio || a.Codec != transport.WaveFormat(transport.TagWMA2) || a.Audio.SampleRate != 44100 || a.Audio.Channels != 2 || len(a.Config) == 0 {
		t.Fatalf("audio track %+v", a)
	}
	if in.Duration < 5900*time.Millisecond || in.Duration > 6100*time.Millisecond {
		t.Fatalf("duration %v", in.Duration)
	}
}

func TestFileReadsEverySample(t *testing.T) {
	s := dialFile(t, wmaFixture)
	n, _, first := digest(t, s, []int{1}, 0)
	// ffprobe -show_packets counts 93 audio packets in this file
	// (asf/ffprobe_test.go checks the demuxer against ffprobe in detail).
	if n < 80 || first != 0 {
		t.Fatalf("%d samples, first at %v", n, first)
	}
	st := s.Stats()
	if st.PacketsReceived == 0 || st.BytesReceived == 0 || st.CorruptPackets != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestFileSeek(t *testing.T) {
	s := dialFile(t, wmvFixture)
	_, _, first := digest(t, s, []int{1, 2}, 3*time.Second)
	if first < 1500*time.Millisecond || first > 3*time.Second {
		t.Fatalf("after seeking to 3s the first sample is at %v", first)
	}
}

func TestFileErrors(t *testing.T) {
	_, err := FileDialer{}.Dial(context.Background(), "/nonexistent/x.wma", transport.Config{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.wma")
	os.WriteFile(junk, []byte(strings.Repeat("not asf ", 100)), 0o644)
	if _, err := (FileDialer{}).Dial(context.Background(), junk, transport.Config{}); err == nil {
		t.Fatal("junk opened")
	}
	if _, err := (FileDialer{}).Dial(context.Background(), dir, transport.Config{}); err == nil {
		t.Fatal("directory opened")
	}
}

func TestFileURL(t *testing.T) {
	abs, _ := filepath.Abs(wmaFixture)
	s, err := FileDialer{}.Dial(context.Background(), "file://"+abs, transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestMemoryMatchesFile(t *testing.T) {
	data, _ := os.ReadFile(wmaFixture)
	m, err := MemoryDialer{Data: data, Protocol: "demo"}.Dial(context.Background(), "demo:", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	n1, d1, _ := digest(t, m, []int{1}, 0)
	n2, d2, _ := digest(t, dialFile(t, wmaFixture), []int{1}, 0)
	if n1 != n2 || d1 != d2 || m.Info().Protocol != "demo" {
		t.Fatalf("memory %d %s, file %d %s", n1, d1, n2, d2)
	}
	// Both are read from this machine: the player reads them only a few
	// seconds ahead.
	if !m.Info().Local || !dialFile(t, wmaFixture).Info().Local {
		t.Fatal("a memory or file session is not Local")
	}
}

func serveFile(t *testing.T, path string, ranges bool) *httptest.Server {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ranges {
			http.ServeContent(w, r, "x.wmv", time.Time{}, bytes.NewReader(data))
			return
		}
		w.Header().Set("Content-Type", "video/x-ms-wmv")
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPMatchesFile(t *testing.T) {
	for _, ranges := range []bool{true, false} {
		t.Run(fmt.Sprint("ranges=", ranges), func(t *testing.T) {
			srv := serveFile(t, wmvFixture, ranges)
			s, err := HTTPDialer{}.Dial(context.Background(), srv.URL+"/d.wmv", transport.Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Info().Seekable != ranges || s.Info().Protocol != "http" || s.Info().Local {
				t.Fatalf("info %+v", s.Info())
			}
			n1, d1, _ := digest(t, s, []int{1, 2}, 0)
			n2, d2, _ := digest(t, dialFile(t, wmvFixture), []int{1, 2}, 0)
			if n1 != n2 || d1 != d2 {
				t.Fatalf("http %d samples, file %d", n1, n2)
			}
			if ranges {
				_, _, first := digest(t, s, []int{2}, 4*time.Second)
				if first < 2500*time.Millisecond || first > 4*time.Second {
					t.Fatalf("seek to 4s starts at %v", first)
				}
			} else if err := s.Play(context.Background(), time.Second); !errors.Is(err, transport.ErrNotSeekable) {
				t.Fatalf("seek without ranges: %v", err)
			}
		})
	}
}

func TestHTTPDetectsWindowsMediaServer(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"content type", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.ms.wms-hdr.asfv1")
		}, "mmsh://"},
		{"framed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-mms-framed")
		}, "mmsh://"},
		{"server", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", "Cougar/9.01.01.3814")
		}, "mmsh://"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			_, err := HTTPDialer{}.Dial(context.Background(), srv.URL+"/stream", transport.Config{})
			var re *transport.RedirectError
			if !errors.As(err, &re) || !strings.HasPrefix(re.Location, c.want) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestHTTPErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html>hello</html>")
		}
	}))
	defer srv.Close()
	_, err := HTTPDialer{}.Dial(context.Background(), srv.URL+"/missing", transport.Config{})
	var se *transport.StatusError
	if !errors.As(err, &se) || se.Code != 404 {
		t.Fatalf("404: %v", err)
	}
	if _, err := (HTTPDialer{}).Dial(context.Background(), srv.URL+"/html", transport.Config{}); err == nil || !strings.Contains(err.Error(), "not an ASF file") {
		t.Fatalf("html: %v", err)
	}
}

func TestHTTPStallTimesOut(t *testing.T) {
	data, _ := os.ReadFile(wmaFixture)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.Write(data[:20000])
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	s, err := HTTPDialer{}.Dial(context.Background(), srv.URL+"/stall", transport.Config{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Select(context.Background(), []int{1})
	s.Play(context.Background(), 0)
	for {
		_, err := s.ReadSample(context.Background())
		if err == nil {
			continue
		}
		if !strings.Contains(err.Error(), "no data for") {
			t.Fatalf("err = %v", err)
		}
		break
	}
}

func TestParseContentRange(t *testing.T) {
	for _, c := range []struct {
		in           string
		start, total int64
		ok           bool
	}{
		{"bytes 0-99/100", 0, 100, true},
		{"bytes 5-9/*", 5, -1, true},
		{"bytes x-9/10", 0, 0, false},
		{"items 0-1/2", 0, 0, false},
	} {
		s, tot, ok := parseContentRange(c.in)
		if ok != c.ok || (ok && (s != c.start || tot != c.total)) {
			t.Errorf("%q: %d %d %v", c.in, s, tot, ok)
		}
	}
}

// TestFileCapabilities: a file can switch streams during playback (every
// packet holds every stream: a switch is a demuxer filter) and offers no
// fast forward or playlist (transport.Capabilities).
func TestFileCapabilities(t *testing.T) {
	s, err := FileDialer{}.Dial(context.Background(), wmaFixture, transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := s.Info().Caps, (transport.Capabilities{SwitchStreams: true}); got != want {
		t.Fatalf("caps %+v, want %+v", got, want)
	}
}
