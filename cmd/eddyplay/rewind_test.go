package main

import (
	"crypto/md5"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/cmd/internal/wiring"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// pictureLog records the presented pictures by time and MD5 of their
// RGBA pixels.
type pictureLog struct {
	mu   sync.Mutex
	pts  []time.Duration
	sums []string
}

func (l *pictureLog) Present(f decoder.Frame) {
	img := f.Image
	h := md5.New()
	w := img.Rect.Dx() * 4
	for y := 0; y < img.Rect.Dy(); y++ {
		h.Write(img.Pix[y*img.Stride : y*img.Stride+w])
	}
	l.mu.Lock()
	l.pts = append(l.pts, f.PTS)
	l.sums = append(l.sums, hex.EncodeToString(h.Sum(nil)))
	l.mu.Unlock()
}

func (l *pictureLog) get() ([]time.Duration, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Duration(nil), l.pts...), append([]string(nil), l.sums...)
}

// TestMMSHRewindShowsKeyFrames rewinds the WMV fixture over MS-WMSP with
// the real decoders: the fake server sends it backwards key frame by key
// frame, the window is shown each key frame latest first, each the very
// picture FFmpeg decodes for that frame, and at the start playback goes on
// at normal speed to the end.
func TestMMSHRewindShowsKeyFrames(t *testing.T) {
	need(t, "ffmpeg")
	srv := serve(t, mmshtest.Options{}, "/d.wmv", wmvFixture, func(c *mmshtest.Content) { c.Stridable = true })

	pics := &pictureLog{}
	p, err := player.New(player.Config{
		Transports: wiring.Transports(nil), Decoders: wiring.Decoders(),
		Sink: audio.NewNullSink(audio.NullSinkConfig{}), Video: pics,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	events := make(chan player.Event, 1024)
	defer p.Subscribe(func(ev player.Event) {
		select {
		case events <- ev:
		default:
		}
	})()
	wait := func(what string, ok func(player.Status) bool) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case ev := <-events:
				if ev.Kind == player.ErrorOccurred {
					t.Fatalf("waiting for %s: %v", what, ev.Err)
				}
				if ok(ev.Status) {
					return
				}
			case <-deadline:
				t.Fatalf("timed out waiting for %s (status %+v)", what, p.Status())
			}
		}
	}
	p.Open(srv.URL + "/d.wmv")
	wait("the end", func(st player.Status) bool { return st.State == player.Ended })
	fwd, _ := pics.get()
	if len(fwd) != 150 {
		t.Fatalf("%d frames played, want 150", len(fwd))
	}
	first := fwd[0]
	p.SetRate(-5)
	wait("rewinding", func(st player.Status) bool { return st.Rate == -5 })
	wait("normal speed again", func(st player.Status) bool { return st.Rate == 1 })
	wait("the end again", func(st player.Status) bool { return st.State == player.Ended })

	want := asftest.FrameMD5(t, wmvFixture, "v")
	pts, sums := pics.get()
	pts, sums = pts[len(fwd):], sums[len(fwd):]
	n := 1
	for n < len(pts) && pts[n] < pts[n-1] {
		n++
	}
	var back []int
	for i := 0; i < n; i++ {
		idx := int((pts[i] - first + 20*time.Millisecond) / (40 * time.Millisecond))
		if idx < 0 || idx >= len(want) || sums[i] != want[idx] {
			t.Fatalf("rewind picture at %v (frame %d) differs from FFmpeg's", pts[i], idx)
		}
		back = append(back, idx)
	}
	// The fixture has a key frame each second (-g 25).
	if len(back) != 6 || back[0] != 125 || back[5] != 0 {
		t.Fatalf("rewind showed frames %v, want the key frames 125, 100, ..., 0", back)
	}
	if again := len(pts) - n; again != 150 {
		t.Fatalf("%d frames after the rewind, want the whole 150 again", again)
	}
	for i := n; i < len(pts); i++ {
		idx := int((pts[i] - first + 20*time.Millisecond) / (40 * time.Millisecond))
		if sums[i] != want[idx] {
			t.Fatalf("after the rewind, frame %d differs from FFmpeg's", idx)
		}
	}
}
