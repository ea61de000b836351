package player

import (
	"image"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// poolVideo is a video decoder that takes its pictures from the ones
// released to it and allocates only when it has none, counting them.
type poolVideo struct {
	mu     sync.Mutex
	free   []*image.RGBA
	allocs int
}

func (d *poolVideo) Decode(dst []decoder.Frame, s transport.Sample) ([]decoder.Frame, error) {
	d.mu.Lock()
	var img *image.RGBA
	if n := len(d.free); n > 0 {
		img, d.free = d.free[n-1], d.free[:n-1]
	} else {
		img = image.NewRGBA(image.Rect(0, 0, 4, 2))
		d.allocs++
	}
	d.mu.Unlock()
	return append(dst, decoder.Frame{PTS: s.PTS, Image: img, Key: s.Key}), nil
}
func (d *poolVideo) Flush(dst []decoder.Frame) ([]decoder.Frame, error) { return dst, nil }
func (d *poolVideo) Reset()                                             {}
func (d *poolVideo) Close() error                                       { return nil }
func (d *poolVideo) Release(img *image.RGBA) {
	d.mu.Lock()
	d.free = append(d.free, img)
	d.mu.Unlock()
}

// drawingOutput is a video output like the window (ui.VideoView): Present
// puts the picture in a slot, and a drawing goroutine shows it latency
// later, giving back the picture it replaces on screen; a picture replaced
// in the slot before it was drawn goes back at once.
type drawingOutput struct {
	frameLog
	latency time.Duration
	mu      sync.Mutex
	ret     func(*image.RGBA)
	slot    *image.RGBA
	screen  *image.RGBA
	kick    chan struct{}
}

func (o *drawingOutput) SetFrameReturn(ret func(*image.RGBA)) { o.ret = ret }

func (o *drawingOutput) Present(f decoder.Frame) {
	o.frameLog.Present(f)
	o.giveBack(o.put(&o.slot, f.Image)) // replaced before it was drawn
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// put sets *p to img (under the lock) and returns what it held.
func (o *drawingOutput) put(p **image.RGBA, img *image.RGBA) *image.RGBA {
	o.mu.Lock()
	defer o.mu.Unlock()
	old := *p
	*p = img
	return old
}

func (o *drawingOutput) giveBack(img *image.RGBA) {
	if img != nil {
		o.ret(img)
	}
}

// draw is the window's thread: each kick, after the latency, the picture
// in the slot goes on screen and the one it replaces goes back.
func (o *drawingOutput) draw() {
	for range o.kick {
		time.Sleep(o.latency) // the window's own work, on the virtual clock
		if img := o.put(&o.slot, nil); img != nil {
			o.giveBack(o.put(&o.screen, img))
		}
	}
}

// TestTwoPicturesForAWindow: with an output that draws a presented picture
// a moment later and only then gives back the one it replaces (the
// window), the video goroutine waits for that picture before it decodes
// the next, so two pictures serve the whole playback (one on screen, one
// decoded for the next time). Decoding at once after each Present needed
// a third: 3.7 MB for 720p (issue 12). Every frame is still shown on time.
// A window that takes longer than the wait's bound to draw costs a
// picture, not a late frame.
func TestTwoPicturesForAWindow(t *testing.T) {
	for _, tc := range []struct {
		name    string
		latency time.Duration
		max     int
	}{
		{"window draws in 3ms", 3 * time.Millisecond, 2},
		{"window draws in 70ms", 70 * time.Millisecond, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				out := &drawingOutput{latency: tc.latency, kick: make(chan struct{}, 1)}
				drawn := make(chan struct{})
				go func() { out.draw(); close(drawn) }()
				defer func() { close(out.kick); <-drawn }()
				vd := &poolVideo{}
				h := outputHarness(t, newFakeSession(2).withVideo(true), out, vd)
				h.sink.realtime = true
				h.p.Open("fake://v")
				h.waitState(Ended)
				checkFramesOnTime(t, &out.frameLog, 20)
				if st := h.p.Status().Stats; st.FramesDropped != 0 {
					t.Errorf("%d frames dropped", st.FramesDropped)
				}
				vd.mu.Lock()
				allocs := vd.allocs
				vd.mu.Unlock()
				if allocs > tc.max {
					t.Errorf("%d pictures allocated, want at most %d", allocs, tc.max)
				}
				t.Logf("%d pictures allocated", allocs)
			})
		})
	}
}
