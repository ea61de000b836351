package rtsp_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// methods lists the requests from index i on as "METHOD path" (the path
// after the aggregate URL) with the Content-Type of SET_PARAMETERs,
// leaving out LogConnect: it follows the first PLAY, and the server may
// record it after a test has counted the requests.
func methods(srv *rtsptest.Server, i int) []string {
	var out []string
	for _, r := range srv.Requests()[i:] {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-wms-Logconnectstats") {
			continue
		}
		k := []string{r.Method}
		if p := strings.TrimPrefix(r.URL, srv.URL()); p != "" {
			k = append(k, p)
		}
		if ct := r.Header.Get("Content-Type"); ct != "" {
			k = append(k, strings.Split(ct, ";")[0])
		}
		out = append(out, strings.Join(k, " "))
	}
	return out
}

// readN reads n samples.
func readN(t *testing.T, s transport.Session, n int) []transport.Sample {
	t.Helper()
	var out []transport.Sample
	for range n {
		smp, err := s.ReadSample(testCtx(t))
		if err != nil {
			t.Fatalf("after %d samples: %v", len(out), err)
		}
		out = append(out, smp)
	}
	return out
}

// TestSeek: a Play while PLAYING is a seek: PAUSE, LogPlay, then PLAY
// with the new Range (3.1.4.8 via 3.1.4.7); the samples after it start
// at the key frame at or before the target (the server's seek), none of
// before the seek is delivered after it, and the first is marked as a
// discontinuity. A Pause then a Play in READY is a resume: PLAY only
// (3.1.4.8 in READY: a start).
func TestSeek(t *testing.T) {
	file := fixture(t, "d_wmv2_wmav2.wmv")
	want := reference(t, file)
	const target = 3 * time.Second
	// The reference's first video key frame at or before the target.
	var key time.Duration
	for _, k := range want {
		if k.Track == 1 && k.Key && k.PTS <= target {
			key = k.PTS
		}
	}
	for _, scheme := range []string{"rtspt", "rtspu"} {
		t.Run(scheme, func(t *testing.T) {
			g := newGate(30)
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, Speed: 1, Sleep: g.sleep})
			s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), scheme), transport.Config{})
			selectAll(t, s)
			ctx := testCtx(t)
			if err := s.Play(ctx, 0); err != nil {
				t.Fatal(err)
			}
			readN(t, s, 5)
			n := len(srv.Requests())
			if err := s.Play(ctx, target); err != nil {
				t.Fatal(err)
			}
			g.add(1 << 30)
			var after []transport.Sample
			for {
				smp, err := s.ReadSample(ctx)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				after = append(after, smp)
			}
			if len(after) == 0 {
				t.Fatal("nothing after the seek")
			}
			if !after[0].Discontinuity {
				t.Error("the first sample after the seek is not marked as a discontinuity")
			}
			var got []sampleKey
			for _, smp := range after {
				if smp.PTS < key-500*time.Millisecond {
					t.Fatalf("a sample at %v after a seek to %v (key frame at %v)", smp.PTS, target, key)
				}
				got = append(got, keyOf(smp))
			}
			// From the key frame on, every sample of the file.
			var tail []sampleKey
			for _, k := range want {
				if k.PTS >= key {
					tail = append(tail, k)
				}
			}
			subsequence(t, got, want)
			if len(got) < len(tail) {
				t.Errorf("%d samples after the seek, the file has %d from the key frame at %v", len(got), len(tail), key)
			}
			seq := methods(srv, n)
			wantSeq := []string{"PAUSE", "SET_PARAMETER application/x-wms-Logplaystats", "PLAY"}
			if len(seq) < 3 || strings.Join(seq[:3], "|") != strings.Join(wantSeq, "|") {
				t.Errorf("the seek sent %q, want %q first", seq, wantSeq)
			}
			if r := srv.RequestsOf("PLAY")[len(srv.RequestsOf("PLAY"))-1]; r.Header.Get("Range") != "npt=3.000-" {
				t.Errorf("the seek's PLAY has Range %q", r.Header.Get("Range"))
			}
		})
	}
}

// TestPauseResume: Pause in PLAYING sends PAUSE then LogPlay and waits
// for the PAUSE answer (3.1.4.7); Play in READY is PLAY with the Range
// and no PAUSE (3.1.4.8); a second Pause in READY sends nothing (3.1.4.7:
// PAUSE only in PLAYING).
func TestPauseResume(t *testing.T) {
	g := newGate(20)
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "d_wmv2_wmav2.wmv")}, Speed: 1, Sleep: g.sleep})
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspt"), transport.Config{})
	selectAll(t, s)
	ctx := testCtx(t)
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
	readN(t, s, 3)
	n := len(srv.Requests())
	if err := s.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctx, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	g.add(1 << 30)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	s.Close()
	seq := methods(srv, n)
	want := []string{"PAUSE", "SET_PARAMETER application/x-wms-Logplaystats", "PLAY",
		"SET_PARAMETER application/x-wms-Logplaystats", "TEARDOWN"}
	if strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("requests %q, want %q", seq, want)
	}
	if r := srv.RequestsOf("PLAY")[len(srv.RequestsOf("PLAY"))-1]; r.Header.Get("Range") != "npt=1.500-" {
		t.Errorf("the resume's PLAY has Range %q", r.Header.Get("Range"))
	}
}

// TestSelectDuringPlayback: dropping a stream while playing is a
// TEARDOWN of its stream URL (2.2.7.10.2, the URL of its SETUP), adding
// it back a SETUP (3.1.4.4), with its samples again up to the end.
func TestSelectDuringPlayback(t *testing.T) {
	for _, scheme := range []string{"rtspt", "rtspu"} {
		t.Run(scheme, func(t *testing.T) {
			g := newGate(20)
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "d_wmv2_wmav2.wmv")}, Speed: 1, Sleep: g.sleep})
			s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), scheme), transport.Config{})
			selectAll(t, s)
			ctx := testCtx(t)
			if err := s.Play(ctx, 0); err != nil {
				t.Fatal(err)
			}
			readN(t, s, 3)
			n := len(srv.Requests())
			var audio, video int
			for _, tr := range s.Info().Tracks {
				if tr.Type == transport.Audio {
					audio = tr.ID
				} else {
					video = tr.ID
				}
			}
			if err := s.Select(ctx, []int{audio}); err != nil {
				t.Fatal(err)
			}
			if err := s.Select(ctx, []int{audio, video}); err != nil {
				t.Fatal(err)
			}
			seq := methods(srv, n)
			want := []string{"TEARDOWN /video", "SETUP /video"}
			if strings.Join(seq, "|") != strings.Join(want, "|") {
				t.Fatalf("requests %q, want %q", seq, want)
			}
			if r := srv.RequestsOf("SETUP"); !r[len(r)-1].Header.Has("Session") {
				t.Errorf("the SETUP in PLAYING: %v", r[len(r)-1].Header)
			}
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			g.add(1 << 30)
			var last time.Duration
			for {
				smp, err := s.ReadSample(cctx)
				if err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatal(err)
					}
					break
				}
				if smp.Track == video {
					last = smp.PTS
				}
			}
			if last < 3*time.Second {
				t.Errorf("the last video sample at %v: video did not come back", last)
			}
		})
	}
}
