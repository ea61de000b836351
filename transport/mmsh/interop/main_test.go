// Package interop_test runs the MMSH client against third-party servers
// (VLC) and checks what it receives against FFmpeg. It is a package of
// its own because the decoded-audio comparison needs the cgo libavcodec
// binding, which the mmsh unit tests do without.
package interop_test

import (
	"context"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/transport"
)

var fixtures *asftest.Files

func TestMain(m *testing.M) {
	f, err := asftest.NewFiles("mmsh-interop-", map[string]asftest.Recipe{
		// Issue 7: MP3 from VLC decoded to silence. A steady tone makes
		// LAME keep its bit reservoir near full, so every frame refers
		// back into the two before it.
		"long_mp3_60s.asf": asftest.FFmpeg("-f", "lavfi", "-i", asftest.Sine+":duration=60", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k"),
	})
	if err != nil {
		panic(err)
	}
	fixtures = f
	os.Exit(f.Run(m, func() error { return goleak.Find() }))
}

type probePacket struct {
	stream int
	pts    time.Duration
	size   int
}

// ffprobe lists a file's media objects (pts with the preroll removed).
// FFmpeg 5.1 reports no ASF stream ids and VLC renumbers the streams, so
// ffprobe's streams are mapped to the session's tracks by media type (the
// fixtures have one audio and at most one video stream).
func ffprobe(t *testing.T, path string, tracks []transport.Track) []probePacket {
	t.Helper()
	var pk []probePacket
	for _, p := range asftest.Probe(t, path) {
		id := 0
		for _, tr := range tracks {
			if tr.Type.String() == p.CodecType {
				id = tr.ID
			}
		}
		pk = append(pk, probePacket{stream: id, pts: p.PTS, size: p.Size})
	}
	return pk
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t testing.TB, d transport.Dialer, url string, cfg transport.Config) transport.Session {
	t.Helper()
	s, err := d.Dial(ctxT(t), url, cfg)
	if err != nil {
		t.Fatalf("Dial %s: %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func play(t testing.TB, s transport.Session, tracks []int) {
	t.Helper()
	if tracks == nil {
		for _, tr := range s.Info().Tracks {
			tracks = append(tracks, tr.ID)
		}
	}
	if err := s.Select(ctxT(t), tracks); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
}
