package ui

import (
	"image"
	"image/color"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// wmvTrack is a video track the player decodes.
func wmvTrack(id, w, h int, selected bool) player.TrackInfo {
	return player.TrackInfo{
		Track: transport.Track{
			ID: id, Type: transport.Video, Codec: transport.FourCC("WMV2"), Bitrate: 180000,
			Video: transport.VideoParams{Width: w, Height: h},
		},
		Decoder:  "wmv2 (libavcodec)",
		Selected: selected,
	}
}

// clipMedia is a presentation with a 480×270 video track and, when
// withAudio, a sound track.
func clipMedia(withAudio bool) *player.Media {
	m := demoMedia()
	m.Tracks = []player.TrackInfo{wmvTrack(2, 480, 270, true)}
	if withAudio {
		m.Tracks = append([]player.TrackInfo{mp3Track(1, true)}, m.Tracks...)
	}
	return m
}

// twoColourFrame is a w×h picture, left half left, right half right.
func twoColourFrame(w, h int, left, right color.RGBA) decoder.Frame {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := left
			if x >= w/2 {
				c = right
			}
			img.SetRGBA(x, y, c)
		}
	}
	return decoder.Frame{Image: img, Key: true}
}

var (
	red   = color.RGBA{0xe0, 0x10, 0x10, 0xff}
	blue  = color.RGBA{0x10, 0x20, 0xe0, 0xff}
	green = color.RGBA{0x10, 0xc0, 0x30, 0xff}
)

func TestDisplayAspect(t *testing.T) {
	for _, tc := range []struct {
		w, h, px, py int
		want         float64
	}{
		{480, 270, 0, 0, 16.0 / 9},
		{320, 240, 0, 0, 4.0 / 3},
		{320, 240, 1, 1, 4.0 / 3},
		{720, 576, 16, 15, 720.0 / 576 * 16 / 15}, // PAL 4:3 with non-square pixels
		{720, 576, 64, 45, 720.0 / 576 * 64 / 45}, // PAL anamorphic 16:9
		{352, 288, 12, 11, 352.0 / 288 * 12 / 11},
		{320, 240, 5, 0, 4.0 / 3}, // half a ratio: square
		{320, 240, -1, 2, 4.0 / 3},
		{0, 240, 0, 0, 0},
		{320, 0, 0, 0, 0},
	} {
		if got := displayAspect(tc.w, tc.h, tc.px, tc.py); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("displayAspect(%d, %d, %d:%d) = %v, want %v", tc.w, tc.h, tc.px, tc.py, got, tc.want)
		}
	}
}

func TestFitRect(t *testing.T) {
	for _, tc := range []struct {
		name   string
		area   fyne.Size
		aspect float64
		pos    fyne.Position
		size   fyne.Size
		letter bool // bars above and below
		pillar bool // bars at the sides
	}{
		{name: "16:9 in 16:9", area: fyne.NewSize(640, 360), aspect: 16.0 / 9,
			pos: fyne.NewPos(0, 0), size: fyne.NewSize(640, 360)},
		{name: "16:9 in 4:3 letterbox", area: fyne.NewSize(640, 480), aspect: 16.0 / 9,
			pos: fyne.NewPos(0, 60), size: fyne.NewSize(640, 360), letter: true},
		{name: "4:3 in 16:9 pillarbox", area: fyne.NewSize(640, 360), aspect: 4.0 / 3,
			pos: fyne.NewPos(80, 0), size: fyne.NewSize(480, 360), pillar: true},
		{name: "square in tall", area: fyne.NewSize(200, 500), aspect: 1,
			pos: fyne.NewPos(0, 150), size: fyne.NewSize(200, 200), letter: true},
		{name: "no aspect fills", area: fyne.NewSize(300, 200), aspect: 0,
			pos: fyne.NewPos(0, 0), size: fyne.NewSize(300, 200)},
		{name: "empty area", area: fyne.NewSize(0, 0), aspect: 16.0 / 9,
			pos: fyne.NewPos(0, 0), size: fyne.NewSize(0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pos, size := fitRect(tc.area, tc.aspect)
			if !near(pos.X, tc.pos.X) || !near(pos.Y, tc.pos.Y) || !near(size.Width, tc.size.Width) || !near(size.Height, tc.size.Height) {
				t.Errorf("fitRect(%v, %.3f) = %v %v, want %v %v", tc.area, tc.aspect, pos, size, tc.pos, tc.size)
			}
			if tc.aspect > 0 && size.Height > 0 {
				if got := float64(size.Width / size.Height); math.Abs(got-tc.aspect) > 1e-3 {
					t.Errorf("shown at aspect %.4f, want %.4f", got, tc.aspect)
				}
			}
			// Centred, inside the area.
			if !near(pos.X*2+size.Width, tc.area.Width) || !near(pos.Y*2+size.Height, tc.area.Height) {
				t.Errorf("%v %v is not centred in %v", pos, size, tc.area)
			}
			if tc.letter && !(pos.Y > 0 && pos.X == 0) || tc.pillar && !(pos.X > 0 && pos.Y == 0) {
				t.Errorf("bars wrong: pos %v", pos)
			}
		})
	}
}

func near(a, b float32) bool { return math.Abs(float64(a-b)) < 0.01 }

// videoRect is where the picture is on the canvas.
func (f *fixture) videoRect() image.Rectangle {
	f.t.Helper()
	pic := f.v.video.picture
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(pic)
	sz := pic.Size()
	return image.Rect(int(pos.X), int(pos.Y), int(pos.X+sz.Width), int(pos.Y+sz.Height))
}

// videoAreaRect is where the whole video area is on the canvas.
func (f *fixture) videoAreaRect() image.Rectangle {
	f.t.Helper()
	root := f.v.video.root
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(root)
	sz := root.Size()
	return image.Rect(int(pos.X), int(pos.Y), int(pos.X+sz.Width), int(pos.Y+sz.Height))
}

func colourNear(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) float64 { return math.Abs(float64(x>>8) - float64(y)) }
	return d(r, want.R) < 24 && d(g, want.G) < 24 && d(b, want.B) < 24
}

func TestPresentedFrameAppearsInCanvas(t *testing.T) {
	f := newFixture(t)
	f.keepWindowSize()
	m := clipMedia(true)
	f.emit(player.MediaChanged, status(player.Buffering, m, 0))
	f.emit(player.StateChanged, status(player.Playing, m, 0))
	if f.v.video.showingPicture() {
		t.Fatal("a picture shows before any frame")
	}
	if got := dimText(f.v.video.detail); got != "Video WMV8 · 180 kb/s · 480×270" {
		t.Errorf("placeholder before the first frame says %q", got)
	}

	// A 16:9 frame, red | blue, into the video area (585×422 at this
	// window size: letterboxed).
	f.v.VideoOutput().Present(twoColourFrame(480, 270, red, blue))
	if !f.v.video.showingPicture() || f.v.video.placeholder.Visible() {
		t.Fatal("the frame did not replace the placeholder")
	}
	area, pic := f.videoAreaRect(), f.videoRect()
	if pic.Dx() != area.Dx() || pic.Dy() >= area.Dy()-20 {
		t.Errorf("picture %v in area %v: want full width, letterboxed", pic, area)
	}
	if a := float64(pic.Dx()) / float64(pic.Dy()); math.Abs(a-16.0/9) > 0.02 {
		t.Errorf("picture shown at aspect %.3f, want 16:9", a)
	}

	shot := f.win.Canvas().Capture()
	mid := pic.Min.Y + pic.Dy()/2
	for _, p := range []struct {
		name string
		pt   image.Point
		want color.RGBA
	}{
		{"left of the picture", image.Pt(pic.Min.X+pic.Dx()/4, mid), red},
		{"right of the picture", image.Pt(pic.Min.X+pic.Dx()*3/4, mid), blue},
		{"bar above", image.Pt(area.Min.X+area.Dx()/2, area.Min.Y+(pic.Min.Y-area.Min.Y)/2), color.RGBA{A: 0xff}},
		{"bar below", image.Pt(area.Min.X+area.Dx()/2, pic.Max.Y+(area.Max.Y-pic.Max.Y)/2), color.RGBA{A: 0xff}},
	} {
		if c := shot.At(p.pt.X, p.pt.Y); !colourNear(c, p.want) {
			t.Errorf("%s at %v: colour %v, want %v", p.name, p.pt, c, p.want)
		}
	}

	// The next frame replaces it.
	f.v.VideoOutput().Present(twoColourFrame(480, 270, green, green))
	shot = f.win.Canvas().Capture()
	if c := shot.At(pic.Min.X+pic.Dx()/4, mid); !colourNear(c, green) {
		t.Errorf("after the second frame: %v, want green", c)
	}
	if f.v.framesShown != 2 {
		t.Errorf("%d frames shown, want 2", f.v.framesShown)
	}
}

func TestPixelAspectRatioAndPillarbox(t *testing.T) {
	f := newFixture(t)
	f.keepWindowSize()
	m := clipMedia(false)
	// A 4:3 frame with pixels twice as wide as high: shown at 8:3.
	m.Tracks[0].Video = transport.VideoParams{Width: 320, Height: 240, AspectX: 2, AspectY: 1}
	f.emit(player.MediaChanged, status(player.Playing, m, 0))
	f.v.VideoOutput().Present(twoColourFrame(320, 240, red, blue))
	area, pic := f.videoAreaRect(), f.videoRect()
	if a := float64(pic.Dx()) / float64(pic.Dy()); math.Abs(a-8.0/3) > 0.03 {
		t.Errorf("picture %v shown at aspect %.3f, want 8:3", pic, a)
	}
	if pic.Dx() != area.Dx() {
		t.Errorf("picture %v not full width in %v", pic, area)
	}

	// Square pixels, a narrow frame: pillarbox.
	m2 := clipMedia(false)
	m2.Tracks[0].Video = transport.VideoParams{Width: 200, Height: 400}
	f.emit(player.MediaChanged, status(player.Playing, m2, 0))
	f.v.VideoOutput().Present(twoColourFrame(200, 400, red, blue))
	area, pic = f.videoAreaRect(), f.videoRect()
	if pic.Dy() != area.Dy() || pic.Dx() >= area.Dx()-20 {
		t.Errorf("picture %v in %v: want full height, pillarboxed", pic, area)
	}
	if a := float64(pic.Dx()) / float64(pic.Dy()); math.Abs(a-0.5) > 0.02 {
		t.Errorf("aspect %.3f, want 0.5", a)
	}
	shot := f.win.Canvas().Capture()
	if c := shot.At(area.Min.X+(pic.Min.X-area.Min.X)/2, pic.Min.Y+pic.Dy()/2); !colourNear(c, color.RGBA{A: 0xff}) {
		t.Errorf("bar at the left is %v, want black", c)
	}
}

// TestNewestFrameWinsUnderBurst runs the window's queue by hand, as
// fyne.Do would: a burst of frames leaves one update queued, which shows
// the newest frame.
func TestNewestFrameWinsUnderBurst(t *testing.T) {
	f := newFixture(t)
	m := clipMedia(true)
	f.emit(player.MediaChanged, status(player.Playing, m, 0))
	var queue []func()
	f.v.do = func(fn func()) { queue = append(queue, fn) }
	out := f.v.VideoOutput()

	frames := make([]decoder.Frame, 100)
	for i := range frames {
		frames[i] = twoColourFrame(48, 27, red, blue)
		frames[i].PTS = time.Duration(i) * 40 * time.Millisecond
		out.Present(frames[i])
	}
	if len(queue) != 1 {
		t.Fatalf("%d window updates queued for 100 frames, want 1", len(queue))
	}
	queue[0]()
	queue = nil
	if got := f.v.video.pictureOf(); got != frames[99].Image {
		t.Error("the window does not show the newest frame")
	}
	if p, r := out.counts(); p != 100 || r != 99 {
		t.Errorf("presented %d, replaced %d; want 100, 99", p, r)
	}
	if f.v.framesShown != 1 {
		t.Errorf("%d frames drawn, want 1", f.v.framesShown)
	}
	// After the update ran, the next frame queues again.
	out.Present(frames[0])
	if len(queue) != 1 {
		t.Fatalf("%d updates queued after the flush, want 1", len(queue))
	}
}

// TestConcurrentFramesStayBounded presents frames from a player-like
// goroutine while the "Fyne goroutine" drains the queue: never more than
// one update waits, and the last frame is the one on screen.
func TestConcurrentFramesStayBounded(t *testing.T) {
	f := newFixture(t)
	f.emit(player.MediaChanged, status(player.Playing, clipMedia(false), 0))
	var (
		mu       sync.Mutex
		queue    []func()
		maxQueue int
	)
	f.v.do = func(fn func()) {
		mu.Lock()
		queue = append(queue, fn)
		maxQueue = max(maxQueue, len(queue))
		mu.Unlock()
	}
	out := f.v.VideoOutput()
	const n = 300
	last := twoColourFrame(16, 9, green, green)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < n-1; i++ {
			out.Present(twoColourFrame(16, 9, red, blue))
		}
		out.Present(last)
	}()
	drain := func() {
		mu.Lock()
		q := queue
		queue = nil
		mu.Unlock()
		for _, fn := range q {
			fn()
		}
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		drain()
	}
	drain()
	if maxQueue > 1 {
		t.Errorf("%d updates were queued at once, want at most 1", maxQueue)
	}
	if f.v.video.pictureOf() != last.Image {
		t.Error("the last frame is not on screen")
	}
	if p, _ := out.counts(); p != n {
		t.Errorf("presented %d, want %d", p, n)
	}
}

func TestVideoFollowsPlaybackState(t *testing.T) {
	f := newFixture(t)
	out := f.v.VideoOutput()
	m := clipMedia(true)
	f.v.Open(demoURL)
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	// Frames while opening are not shown.
	out.Present(twoColourFrame(48, 27, red, red))
	if f.v.video.showingPicture() {
		t.Error("a frame shows while opening")
	}
	f.emit(player.MediaChanged, status(player.Buffering, m, 0))
	out.Present(twoColourFrame(48, 27, red, red))
	if !f.v.video.showingPicture() {
		t.Fatal("the first frame (while buffering) is not shown")
	}
	f.emit(player.StateChanged, status(player.Paused, m, time.Second))
	if !f.v.video.showingPicture() {
		t.Error("pausing removed the picture")
	}

	// Stop: back to the placeholder, and late frames stay away.
	f.emit(player.StateChanged, status(player.Stopped, m, 0))
	if f.v.video.showingPicture() || !f.v.video.placeholder.Visible() {
		t.Error("the picture stays after Stop")
	}
	out.Present(twoColourFrame(48, 27, red, red))
	if f.v.video.showingPicture() {
		t.Error("a late frame shows after Stop")
	}

	// Playing again shows frames again; the end keeps the last one.
	f.emit(player.StateChanged, status(player.Playing, m, 0))
	out.Present(twoColourFrame(48, 27, blue, blue))
	f.emit(player.StateChanged, status(player.Ended, m, 20*time.Second))
	if !f.v.video.showingPicture() {
		t.Error("the last picture went away at the end")
	}

	// Opening something else: the picture goes, and frames of the old
	// presentation that still arrive are not shown, until the player
	// reports the new one opening.
	f.v.Open("http://example.com/other.wmv")
	if f.v.video.showingPicture() || f.v.video.title.Text != "Opening…" {
		t.Errorf("after Open: picture %v, title %q", f.v.video.showingPicture(), f.v.video.title.Text)
	}
	out.Present(twoColourFrame(48, 27, red, red))
	if f.v.video.showingPicture() {
		t.Error("an old frame shows after opening something else")
	}
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	m2 := clipMedia(false)
	m2.URL = "http://example.com/other.wmv"
	f.emit(player.MediaChanged, status(player.Playing, m2, 0))
	out.Present(twoColourFrame(48, 27, green, green))
	if !f.v.video.showingPicture() {
		t.Error("the new presentation's frame is not shown")
	}

	// The user turns the video off: the audio look comes back.
	m3 := clipMedia(true)
	m3.URL = m2.URL
	m3.Tracks[1].Selected = false
	f.emit(player.MediaChanged, status(player.Playing, m3, time.Second))
	if f.v.video.showingPicture() {
		t.Error("the picture stays with the video stream turned off")
	}
	if got := dimText(f.v.video.detail); got != "Video WMV8 · 180 kb/s · 480×270: not playing (choose it under Streams); playing the sound." {
		t.Errorf("placeholder says %q", got)
	}
	// A live stream plays out the pictures it buffered before the switch
	// takes effect: they stay away, or the last would stay frozen.
	out.Present(twoColourFrame(48, 27, green, green))
	f.emit(player.MediaChanged, status(player.Playing, m3, 2*time.Second))
	if f.v.video.showingPicture() || !f.v.video.placeholder.Visible() {
		t.Error("a picture buffered before the video was turned off shows")
	}
	// Turned on again, the pictures show.
	f.emit(player.MediaChanged, status(player.Playing, m2, 3*time.Second))
	out.Present(twoColourFrame(48, 27, blue, blue))
	if !f.v.video.showingPicture() {
		t.Error("the video turned on again shows no picture")
	}

	// Failure clears it too.
	f.emit(player.MediaChanged, status(player.Playing, m2, 0))
	out.Present(twoColourFrame(48, 27, green, green))
	f.emit(player.StateChanged, status(player.Failed, m2, 0))
	if f.v.video.showingPicture() {
		t.Error("the picture stays after a failure")
	}
}

func TestAudioOnlyKeepsArtwork(t *testing.T) {
	f := newFixture(t)
	f.startDemo(time.Second)
	if f.v.video.showingPicture() || !f.v.video.placeholder.Visible() {
		t.Error("an audio-only presentation hides its artwork")
	}
	if !strings.Contains(f.v.video.tileIcon.Resource.Name(), "media-music") {
		t.Errorf("artwork icon %q", f.v.video.tileIcon.Resource.Name())
	}
}

func TestVideoOnlyPresentation(t *testing.T) {
	f := newFixture(t)
	m := clipMedia(false)
	f.emit(player.MediaChanged, status(player.Buffering, m, 0))
	if got := dimText(f.v.video.detail); got != "Video WMV8 · 180 kb/s · 480×270" {
		t.Errorf("placeholder says %q", got)
	}
	f.v.VideoOutput().Present(twoColourFrame(480, 270, red, blue))
	if !f.v.video.showingPicture() {
		t.Error("a video-only presentation shows no picture")
	}
}

// TestVideoViewBeforeWindow: the player may present before the window
// exists (it is created first); the waiting frame shows once attached,
// and nothing is shown after Close.
func TestVideoViewBeforeWindow(t *testing.T) {
	out := NewVideoView()
	early := twoColourFrame(48, 27, red, blue)
	out.Present(early)
	out.Present(decoder.Frame{}) // no picture: ignored

	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	ctl := newFakeController()
	m := clipMedia(false)
	ctl.status = status(player.Playing, m, 0)
	v := New(Config{App: a, Window: w, Controller: ctl, Video: out})
	if v.VideoOutput() != out {
		t.Fatal("VideoOutput is not Config.Video")
	}
	if v.video.pictureOf() != early.Image {
		t.Error("the frame presented before the window is not shown")
	}
	v.Close()
	out.Present(twoColourFrame(48, 27, green, green))
	if v.video.pictureOf() != early.Image {
		t.Error("a frame was shown after Close")
	}
	if p, _ := out.counts(); p != 2 {
		t.Errorf("%d frames presented, want 2", p)
	}
}

func TestFullScreen(t *testing.T) {
	f := newFixture(t)
	f.startDemo(time.Second)
	key := f.win.Canvas().OnTypedKey()
	c := f.win.Canvas()

	key(&fyne.KeyEvent{Name: fyne.KeyF})
	if !f.win.FullScreen() || !f.v.FullScreen() {
		t.Fatal("F did not enter full screen")
	}
	if c.Content() != f.v.fsRoot || len(f.v.fsVideo.Objects) != 1 || f.v.fsVideo.Objects[0] != f.v.video.root {
		t.Error("full screen does not show the video area alone")
	}
	if f.win.MainMenu() != nil || f.win.Padded() {
		t.Error("the menu bar or the window padding stays in full screen")
	}
	// The playback keys keep working.
	key(&fyne.KeyEvent{Name: fyne.KeySpace})
	f.expectCalls("Pause()")

	key(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.win.FullScreen() || f.v.FullScreen() {
		t.Fatal("Escape did not leave full screen")
	}
	if c.Content() != f.v.content || f.win.MainMenu() != f.v.mainMenu || !f.win.Padded() {
		t.Error("the window layout or menu is not restored")
	}
	if len(f.v.videoHost.Objects) != 1 || f.v.videoHost.Objects[0] != f.v.video.root {
		t.Error("the video area is not back in its place")
	}
	key(&fyne.KeyEvent{Name: fyne.KeyEscape}) // already windowed: nothing
	if f.win.FullScreen() {
		t.Error("Escape entered full screen")
	}

	key(&fyne.KeyEvent{Name: fyne.KeyF11})
	if !f.win.FullScreen() {
		t.Error("F11 did not enter full screen")
	}
	key(&fyne.KeyEvent{Name: fyne.KeyF11})
	if f.win.FullScreen() {
		t.Error("F11 did not leave full screen")
	}

	// Double click on the video.
	test.DoubleTap(f.v.video.surface)
	if !f.win.FullScreen() {
		t.Error("double click did not enter full screen")
	}
	test.DoubleTap(f.v.video.surface)
	if f.win.FullScreen() {
		t.Error("double click did not leave full screen")
	}

	// The button and the View menu.
	test.Tap(f.v.fullBtn)
	if !f.win.FullScreen() {
		t.Error("the button did not enter full screen")
	}
	f.v.SetFullScreen(false)
	var item *fyne.MenuItem
	for _, m := range f.v.mainMenu.Items {
		for _, it := range m.Items {
			if it.Label == "Full Screen" {
				item = it
			}
		}
	}
	if item == nil {
		t.Fatal("no Full Screen menu item")
	}
	item.Action()
	if !f.win.FullScreen() {
		t.Error("the menu item did not enter full screen")
	}

	// A picture shown in full screen fills the screen's width.
	f.v.VideoOutput().Present(twoColourFrame(480, 270, red, blue))
	f.win.Resize(fyne.NewSize(1280, 720))
	if pic := f.videoRect(); pic.Dx() < 1270 || pic.Dy() < 710 {
		t.Errorf("picture %v in a 1280×720 full screen", pic)
	}
	f.v.ToggleFullScreen()
	if f.win.FullScreen() {
		t.Error("ToggleFullScreen did not leave full screen")
	}
}
