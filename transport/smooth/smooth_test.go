package smooth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/smooth"
	"github.com/eddyplayer/eddy/transport/smooth/smoothtest"
)

// tree makes FFmpeg's on-demand tree once for the package.
var tree = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "smooth-tree-")
	if err != nil {
		return "", err
	}
	_, err = smoothtest.MakeTree(dir)
	return dir, err
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := tree(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// server serves the tree's files, counting the requests per path;
// missing lists paths answered 404.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func serve(t *testing.T, missing ...string) *server {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatalf("ffmpeg is needed (make test installs it): %v", err)
	}
	dir, err := tree()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{hits: map[string]int{}}
	files := http.FileServer(http.Dir(dir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		for _, m := range missing {
			if strings.Contains(r.URL.Path, m) {
				http.NotFound(w, r)
				return
			}
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) count(sub string) (n, max int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p, c := range s.hits {
		if strings.Contains(p, sub) {
			n++
			max = maxInt(max, c)
		}
	}
	return n, max
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func readAll(t *testing.T, s transport.Session) ([]transport.Sample, error) {
	t.Helper()
	var out []transport.Sample
	for {
		smp, err := s.ReadSample(ctxT(t))
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, smp)
		if len(out) > 100000 {
			t.Fatal("endless stream")
		}
	}
}

// TestOnDemand: FFmpeg's tree plays to the end: the manifest's three
// qualities are tracks (the two video ones a bit-rate group, the session
// adaptive), every fragment is fetched once, all 250 pictures and every
// audio frame arrive in decode order with times from the summed
// durations, the first video fragment at the lowest quality (fast
// start).
func TestOnDemand(t *testing.T) {
	srv := serve(t)
	s, err := (&smooth.Dialer{}).Dial(ctxT(t), srv.URL+"/ss/Manifest", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in := s.Info()
	if in.Protocol != "smooth" || !in.Seekable || in.Broadcast || !in.Caps.Adaptive || len(in.Tracks) != 3 ||
		in.Duration < 10*time.Second || in.Duration > 10100*time.Millisecond {
		t.Fatalf("info %+v", in)
	}
	if len(in.Exclusions) != 1 || len(in.Exclusions[0].Tracks) != 2 || in.Exclusions[0].Type != transport.ExcludeBitrate {
		t.Fatalf("exclusions %+v", in.Exclusions)
	}
	var ids []int
	byID := map[int]transport.Track{}
	for _, tr := range in.Tracks {
		ids = append(ids, tr.ID)
		byID[tr.ID] = tr
	}
	if err := s.Select(ctxT(t), ids); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	var video, audio int
	var last time.Duration
	firstVideo := -1
	for i, smp := range got {
		tr := byID[smp.Track]
		dts := smp.PTS - smp.CompositionOffset
		if i > 0 && dts < last-time.Second {
			t.Fatalf("sample %d decodes at %v after %v", i, dts, last)
		}
		last = max(last, dts)
		switch tr.Type {
		case transport.Video:
			video++
			if firstVideo < 0 {
				firstVideo = smp.Track
				if !smp.Key {
					t.Error("the first picture is not a key frame")
				}
			}
		case transport.Audio:
			audio++
		}
	}
	if video != 250 {
		t.Errorf("%d pictures, the source has 250", video)
	}
	if audio < 425 || audio > 440 {
		t.Errorf("%d audio frames for 10 s of 44.1 kHz AAC", audio)
	}
	if byID[firstVideo].Bitrate != 300000 {
		t.Errorf("first video fragment at %d bit/s, want the lowest (300000) for a fast start", byID[firstVideo].Bitrate)
	}
	if n, most := srv.count("Fragments(video"); n != 5 || most != 1 {
		t.Errorf("%d video fragments fetched, one as often as %d: want each of the 5 once", n, most)
	}
	if n, most := srv.count("Fragments(audio"); n != 5 || most != 1 {
		t.Errorf("%d audio fragments fetched, one as often as %d", n, most)
	}
	if st := s.Stats(); st.BytesReceived < 400000 || st.PacketsReceived != 10 || st.BandwidthBps == 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestClimbs: after the fast start at the lowest quality, a measured
// throughput far above the highest quality makes the session climb to
// it once it has a buffer: the player's (reported) or the fragments
// queued in the session.
func TestClimbs(t *testing.T) {
	for _, tc := range []struct {
		buffered time.Duration
		climb    bool
	}{{20 * time.Second, true}, {0, true}} {
		srv := serve(t)
		s, err := (&smooth.Dialer{}).Dial(ctxT(t), srv.URL+"/ss/Manifest", transport.Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var ids []int
		for _, tr := range s.Info().Tracks {
			if tr.Type == transport.Video {
				ids = append(ids, tr.ID)
			}
		}
		s.Select(ctxT(t), ids)
		s.(transport.PlaybackReporter).ReportPlayback(transport.PlaybackFacts{Buffered: tc.buffered})
		if err := s.Play(ctxT(t), 0); err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, s)
		if err != nil {
			t.Fatal(err)
		}
		switches := 0
		for _, smp := range got {
			if smp.Switched {
				switches++
			}
		}
		high, _ := srv.count("QualityLevels(800000)")
		// With the player's 20 s reported, the climb comes at the second
		// fragment; on the session's own queue alone, once it holds 2 s,
		// which a loaded machine may delay by a fragment.
		want := 3
		if tc.buffered == 0 {
			want = 1
		}
		if tc.climb && (high < want || switches != 1) {
			t.Errorf("buffer %v: %d fragments at 800k, %d switches: want the climb after the first", tc.buffered, high, switches)
		}
		if !tc.climb && (high != 0 || switches != 0) {
			t.Errorf("buffer %v: %d fragments at 800k, %d switches: want none", tc.buffered, high, switches)
		}
	}
}

// TestPinnedQuality: a Select with one quality of the video stream plays
// that quality only.
func TestPinnedQuality(t *testing.T) {
	srv := serve(t)
	s, err := (&smooth.Dialer{}).Dial(ctxT(t), srv.URL+"/ss/Manifest", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var high int
	for _, tr := range s.Info().Tracks {
		if tr.Bitrate == 800000 {
			high = tr.ID
		}
	}
	if err := s.Select(ctxT(t), []int{high}); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctxT(t), 4*time.Second); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 150 {
		t.Errorf("%d samples from 4 s on, want the 150 pictures of the last 3 fragments", len(got))
	}
	for _, smp := range got {
		if smp.Track != high {
			t.Fatalf("a sample of track %d, pinned %d", smp.Track, high)
		}
	}
	if n, _ := srv.count("QualityLevels(300000)"); n != 0 {
		t.Errorf("%d fragments of the quality not selected", n)
	}
}

// TestFragmentGone: a fragment the server does not have (404) is asked
// again a bounded number of times, then the stream ends with an error
// saying so: never an endless retry (the naive FFmpeg tree's failure,
// peers README §3).
func TestFragmentGone(t *testing.T) {
	srv := serve(t, "Fragments(audio=40166281)")
	s, err := (&smooth.Dialer{Retries: 2, RetryDelay: time.Millisecond}).Dial(ctxT(t), srv.URL+"/ss/Manifest", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []int
	for _, tr := range s.Info().Tracks {
		ids = append(ids, tr.ID)
	}
	s.Select(ctxT(t), ids)
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
	_, err = readAll(t, s)
	if !errors.Is(err, smooth.ErrFragmentGone) || !strings.Contains(err.Error(), "404") {
		t.Fatalf("err %v, want ErrFragmentGone with the 404", err)
	}
	if _, most := srv.count("Fragments(audio=40166281)"); most != 3 {
		t.Errorf("the missing fragment was asked %d times, want 3 (1 + 2 retries)", most)
	}
}

// TestMatch: the URL forms the Dialer takes.
func TestMatch(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://h/a.ism/Manifest":      true,
		"https://h/a.isml/manifest":    true,
		"http://h/ss/Manifest":         true,
		"http://h/a.wmv":               false,
		"mms://h/Manifest":             false,
		filepath.Join("/", "Manifest"): false,
	} {
		u, err := transport.ParseURL(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := smooth.Match(u); got != want {
			t.Errorf("Match(%s) = %v", raw, got)
		}
	}
}

// TestProtected: a manifest with a ProtectionHeader ends the open with
// the clear error, naming PlayReady, before any fragment is asked.
func TestProtected(t *testing.T) {
	hits := 0
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?>
<SmoothStreamingMedia MajorVersion="2" MinorVersion="0" Duration="20000000">
<Protection><ProtectionHeader SystemID="{9A04F079-9840-4286-AB92-E65BE0885F95}">AAAA</ProtectionHeader></Protection>
<StreamIndex Type="audio" QualityLevels="1" Chunks="1" Url="QualityLevels({bitrate})/Fragments(audio={start time})">
<QualityLevel Index="0" Bitrate="64000" FourCC="AACL" SamplingRate="44100" Channels="2" BitsPerSample="16" PacketSize="4" AudioTag="255" CodecPrivateData="1210"/>
<c d="20000000"/></StreamIndex></SmoothStreamingMedia>`)
	}))
	t.Cleanup(web.Close)
	_, err := (&smooth.Dialer{}).Dial(ctxT(t), web.URL+"/p.ism/Manifest", transport.Config{})
	if err == nil || !strings.Contains(err.Error(), "PlayReady-protected content is not supported") || hits != 1 {
		t.Fatalf("err %v after %d requests", err, hits)
	}
}

// TestFragmentTooLarge: a fragment response that declares more than the
// limit ends the stream at once with a clear error; it is not asked for
// again (the server would say the same).
func TestFragmentTooLarge(t *testing.T) {
	dir, err := tree()
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	files := http.FileServer(http.Dir(dir))
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "Fragments(audio=20197120)") {
			hits++
			w.Header().Set("Content-Length", "1099511627776")
			w.WriteHeader(http.StatusOK)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(web.Close)
	s, err := (&smooth.Dialer{RetryDelay: time.Millisecond}).Dial(ctxT(t), web.URL+"/ss/Manifest", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []int
	for _, tr := range s.Info().Tracks {
		ids = append(ids, tr.ID)
	}
	s.Select(ctxT(t), ids)
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
	_, err = readAll(t, s)
	if err == nil || !strings.Contains(err.Error(), "more than the 67108864 allowed") || hits != 1 {
		t.Fatalf("err %v after %d requests", err, hits)
	}
}
