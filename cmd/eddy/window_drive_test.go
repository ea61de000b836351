package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The window driven as a person would, under Xvfb with xdotool (issue 11's
// "Tests"): every picture the window shows is checked against FFmpeg's
// decode of the same file.
//
// The clip (driveClip) is made for it: 10 pictures a second, each of a
// colour of its own (the colours of any two pictures less than 6 s apart
// differ by at least 72 in red+green+blue, those 1 s apart by 130; the
// colours repeat after 19.2 s, so the clip is shorter) with a white bar
// whose place moves from picture to picture, so which picture is on
// screen is told by its colour, and whether it is drawn right by the
// whole picture.

const (
	clipW, clipH = 320, 180 // 16:9, square pixels
	clipFPS      = 10
	clipSeconds  = 19
	clipTitle    = "Drive Clip"
)

// driveClip makes the test clip (WMV2 video, WMA2 sound, an ASF file
// titled clipTitle) in dir.
func driveClip(t *testing.T, ctx context.Context, dir string) string {
	t.Helper()
	// Picture N: background (64+19N mod 192, 64+61N mod 192, 64+67N mod
	// 192), never dark; a 24-pixel white bar from x = 40+(13N mod 240).
	bar := `between(X\,40+mod(13*N\,240)\,63+mod(13*N\,240))`
	ch := func(k int) string { return fmt.Sprintf(`if(%s\,255\,64+mod(%d*N\,192))`, bar, k) }
	src := fmt.Sprintf("color=c=black:s=%dx%d:r=%d:d=%d,format=rgb24,geq=r='%s':g='%s':b='%s'",
		clipW, clipH, clipFPS, clipSeconds, ch(19), ch(61), ch(67))
	path := filepath.Join(dir, "drive clip.wmv")
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", src, "-f", "lavfi", "-i", fmt.Sprintf("sine=f=440:d=%d", clipSeconds),
		"-c:v", "wmv2", "-q:v", "2", "-g", "20", "-c:a", "wmav2", "-b:a", "64k",
		"-metadata", "title="+clipTitle, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg (making the clip): %v\n%s", err, out)
	}
	return path
}

// clipRef is FFmpeg's decode of the clip: each picture at a quarter of
// its size (80×45, averaged), which tells the pictures apart, the mean
// colour of each one's top left corner (the background: the bar never
// goes there), and whole pictures on demand.
type clipRef struct {
	t       *testing.T
	ctx     context.Context
	path    string
	thumbs  []image.Image
	corners [][3]float64
	pts     []int64 // each picture's time in the file, ms
}

const thumbW, thumbH = clipW / 4, clipH / 4

func newClipRef(t *testing.T, ctx context.Context, path string) *clipRef {
	t.Helper()
	out := ffmpegRaw(t, ctx, path, fmt.Sprintf("scale=%d:%d:flags=area", thumbW, thumbH))
	const size = thumbW * thumbH * 3
	if len(out) == 0 || len(out)%size != 0 {
		t.Fatalf("ffmpeg's decode of the clip: %d bytes, not a multiple of %d", len(out), size)
	}
	ref := &clipRef{t: t, ctx: ctx, path: path}
	for off := 0; off < len(out); off += size {
		img := rgbImage(out[off:off+size], thumbW, thumbH)
		ref.thumbs = append(ref.thumbs, img)
		ref.corners = append(ref.corners, meanColour(img, image.Rect(0, 0, 2, 2)))
	}
	if n := len(ref.thumbs); n < clipSeconds*clipFPS-1 {
		t.Fatalf("FFmpeg decoded %d pictures of the clip, want %d", n, clipSeconds*clipFPS)
	}
	// The pictures' times: FFmpeg's ASF muxer puts them 100 ms apart
	// from 46 ms, not from 0.
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", "v",
		"-show_entries", "frame=pts", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe -show_frames: %v", err)
	}
	for _, f := range strings.Fields(string(out)) {
		ms, err := strconv.ParseInt(strings.TrimSuffix(f, ","), 10, 64)
		if err != nil {
			t.Fatalf("ffprobe -show_frames: %q", f)
		}
		ref.pts = append(ref.pts, ms)
	}
	if len(ref.pts) != len(ref.thumbs) {
		t.Fatalf("ffprobe gives %d pictures' times, ffmpeg %d pictures", len(ref.pts), len(ref.thumbs))
	}
	return ref
}

// shownAt is the picture on screen at ms in playback: the last one whose
// time is at or before it (the first before the first).
func (r *clipRef) shownAt(ms int64) int {
	n, _ := slices.BinarySearch(r.pts, ms+1)
	return max(n-1, 0)
}

// seekTo is FFmpeg's picture for "ffmpeg -ss" ms: the first one whose
// time is at or after it.
func (r *clipRef) seekTo(ms int64) int {
	n, _ := slices.BinarySearch(r.pts, ms)
	return min(n, len(r.pts)-1)
}

// ffmpegSeek is the picture "ffmpeg -ss T -i clip -frames:v 1" gives.
func (r *clipRef) ffmpegSeek(ms int64) image.Image {
	r.t.Helper()
	cmd := exec.CommandContext(r.ctx, "ffmpeg", "-hide_banner", "-loglevel", "error",
		"-ss", fmt.Sprintf("%d.%03d", ms/1000, ms%1000), "-i", r.path,
		"-an", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
	out, err := cmd.Output()
	if err != nil || len(out) != clipW*clipH*3 {
		r.t.Fatalf("ffmpeg -ss %d ms: %v (%d bytes)", ms, err, len(out))
	}
	return rgbImage(out, clipW, clipH)
}

// pausedRange is the pictures that may be on screen when playback is
// paused at ms: from the one shown at ms-lag to the one due 4 ms after
// ms (player/video.go presents a picture up to 4 ms early). The player
// presents pictures on time while playing and does not present one
// again on a pause, so on a loaded machine the last one drawn may lag
// the position; lag bounds that.
func (r *clipRef) pausedRange(ms, lag int64) (first, last int) {
	return r.shownAt(ms - lag), r.shownAt(ms + 4)
}

// rgbImage is packed RGB as an image.
func rgbImage(pix []byte, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		copy(img.Pix[4*i:], pix[3*i:3*i+3])
		img.Pix[4*i+3] = 0xff
	}
	return img
}

// ffmpegRaw is FFmpeg's decode of the clip's video through filter as
// packed RGB.
func ffmpegRaw(t *testing.T, ctx context.Context, path, filter string) []byte {
	t.Helper()
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path,
		"-an", "-vf", filter, "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg -vf %s: %v\n%s", filter, err, stderr.String())
	}
	return out
}

// frame is FFmpeg's picture n (counted from 0) of the clip.
func (r *clipRef) frame(n int) image.Image {
	r.t.Helper()
	out := ffmpegRaw(r.t, r.ctx, r.path, fmt.Sprintf(`select=eq(n\,%d)`, n))
	if len(out) < clipW*clipH*3 {
		r.t.Fatalf("FFmpeg gave %d bytes for picture %d", len(out), n)
	}
	return rgbImage(out, clipW, clipH)
}

// identify tells which picture of the clip img (a picture of the clip at
// any size, or its place on screen) shows: the one whose quarter-size
// picture differs least from it, by how much, and by how much the next
// nearest one differs.
func (r *clipRef) identify(img image.Image) (n int, dist, next float64) {
	ds := make([]float64, len(r.thumbs))
	for i, th := range r.thumbs {
		ds[i] = meanAbsDiff(img, th)
	}
	n = 0
	for i, d := range ds {
		if d < ds[n] {
			n = i
		}
	}
	next = math.Inf(1)
	for i, d := range ds {
		if i != n && d < next {
			next = d
		}
	}
	return n, ds[n], next
}

// differingShare is the share of ref's pixels that differ from a's
// (sampled as meanAbsDiff does) by more than 20 in the mean of the three
// channels: a few at the bar's edges (scaled on screen) and under an
// on-screen message for the same picture, nearly all for another one.
func differingShare(a, ref image.Image) float64 {
	_, share := compareTo(a, ref)
	return share
}

// meanColour is the mean red, green and blue (0–255) of img in r.
func meanColour(img image.Image, r image.Rectangle) [3]float64 {
	var m [3]float64
	n := 0.0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			m[0] += float64(cr >> 8)
			m[1] += float64(cg >> 8)
			m[2] += float64(cb >> 8)
			n++
		}
	}
	for c := range m {
		m[c] /= max(n, 1)
	}
	return m
}

// meanAbsDiff compares a picture with FFmpeg's (ref, the clip's size):
// the mean over pixels and channels of the absolute difference, 0–255.
func meanAbsDiff(a, ref image.Image) float64 {
	mean, _ := compareTo(a, ref)
	return mean
}

// compareTo samples a at the middle of each of ref's pixels (a may be
// larger: a picture on screen) and returns the mean absolute difference
// over pixels and channels (0–255) and the share of pixels whose three
// channels differ by more than 60 in all.
func compareTo(a, ref image.Image) (mean, share float64) {
	ab, rb := a.Bounds(), ref.Bounds()
	var sum float64
	n := 0
	for y := rb.Min.Y; y < rb.Max.Y; y++ {
		ay := ab.Min.Y + int((float64(y-rb.Min.Y)+0.5)*float64(ab.Dy())/float64(rb.Dy()))
		for x := rb.Min.X; x < rb.Max.X; x++ {
			ax := ab.Min.X + int((float64(x-rb.Min.X)+0.5)*float64(ab.Dx())/float64(rb.Dx()))
			r1, g1, b1, _ := a.At(ax, ay).RGBA()
			r2, g2, b2, _ := ref.At(x, y).RGBA()
			d := math.Abs(float64(r1>>8)-float64(r2>>8)) + math.Abs(float64(g1>>8)-float64(g2>>8)) +
				math.Abs(float64(b1>>8)-float64(b2>>8))
			sum += d
			if d > 60 {
				n++
			}
		}
	}
	px := float64(rb.Dx() * rb.Dy())
	return sum / (3 * px), float64(n) / px
}

// videoRegion is where the video area can be in the 1000×640 window:
// under the menu and location bars, above the controls, left of the side
// panel.
var videoRegion = image.Rect(0, 50, screenW*74/100, screenH*84/100)

// pictureRect is the picture's rectangle on screen: the bounding box, in
// the video region, of the pixels of the background colour bg (within 30
// per channel), and the share of the box they fill (the bar, white, and
// an on-screen message take the rest).
func pictureRect(img image.Image, bg [3]float64) (image.Rectangle, float64) {
	near := func(v uint32, want float64) bool { return math.Abs(float64(v>>8)-want) <= 30 }
	n, box := pixelBox(videoRegion, func(x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		return near(r, bg[0]) && near(g, bg[1]) && near(b, bg[2])
	})
	if n == 0 {
		return box, 0
	}
	return box, float64(n) / float64(box.Dx()*box.Dy())
}

// snapshots watches the pictures folder for the PNG files the window
// writes (S).
type snapshots struct {
	t    *testing.T
	dir  string
	seen map[string]bool
}

// next waits (polling, up to 20 s) for a new, complete PNG file in the
// folder and returns its name and picture.
func (s *snapshots) next() (string, image.Image) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ents, err := os.ReadDir(s.dir)
		if err != nil && !os.IsNotExist(err) {
			s.t.Fatal(err)
		}
		var fresh []string
		for _, e := range ents {
			if !s.seen[e.Name()] && strings.HasSuffix(e.Name(), ".png") {
				fresh = append(fresh, e.Name())
			}
		}
		sort.Strings(fresh)
		if len(fresh) > 1 {
			s.t.Fatalf("one key press wrote %d snapshots: %v", len(fresh), fresh)
		}
		if len(fresh) == 1 {
			// Complete when it decodes (the window writes it at once, but
			// the test may look in the middle).
			if img, err := decodePNGFile(filepath.Join(s.dir, fresh[0])); err == nil {
				s.seen[fresh[0]] = true
				return fresh[0], img
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no new snapshot in %s within 20 s", s.dir)
		}
		time.Sleep(50 * time.Millisecond) // polling a folder, not waiting for an event
	}
}

// shotUntil takes screenshots until ok accepts one (up to 40 tries,
// several seconds on a loaded machine) and returns it.
func shotUntil(t *testing.T, ctx context.Context, display, file, what string, ok func(image.Image) bool) image.Image {
	t.Helper()
	for i := 0; ; i++ {
		screenshot(t, ctx, display, file)
		img := readPNG(t, file)
		if ok(img) {
			return img
		}
		if i == 40 {
			t.Fatalf("the window never showed %s (last screenshot %s)", what, file)
		}
	}
}

// drive is the clip playing in the real window on a virtual display.
type drive struct {
	ctx     context.Context
	display string
	home    string // the app's home, with a Pictures folder
	clip    string
	ref     *clipRef
	app     *appUnderTest
	shots   string // where screenshots go (the test's artifacts)
}

// startDrive makes the clip, starts the app on it under Xvfb and waits
// until it plays.
func startDrive(t *testing.T) *drive {
	t.Helper()
	needTools(t, "Xvfb", "import", "xdotool", "ffmpeg", "ffprobe")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	d := &drive{ctx: ctx, home: t.TempDir(), shots: t.ArtifactDir()}
	d.clip = driveClip(t, ctx, t.TempDir())
	d.ref = newClipRef(t, ctx, d.clip)
	if err := os.Mkdir(filepath.Join(d.home, "Pictures"), 0o755); err != nil {
		t.Fatal(err)
	}
	d.display = startXvfb(t, ctx)
	d.app = startApp(t, ctx, d.display, d.home, d.clip)
	d.app.waitFor("Playing", func(r eventRecord) bool { return r.State == "Playing" })
	return d
}

// TestDriveSeekStepSnapshot plays the clip in the real window and, with
// the keyboard only:
//   - Space pauses; S saves a snapshot: a PNG at the video's own size in
//     the pictures folder, named "Title 00m02s.png" after the title and
//     the position, which is FFmpeg's picture shown at that position (the
//     last one due, within the player's tolerances); so is the window's
//     picture (the screenshot's picture area, scaled);
//   - → seeks 10 s on, paused: the window's picture changes and is the
//     one "ffmpeg -ss T" gives for the position T the player reports
//     (close), not the one 1 s before or after (far); so is the snapshot
//     S saves;
//   - E steps one frame: the picture is FFmpeg's next picture, on screen
//     and in the snapshot.
func TestDriveSeekStepSnapshot(t *testing.T) {
	d := startDrive(t)
	ctx, display, app, ref, shots := d.ctx, d.display, d.app, d.ref, d.shots
	pictures := filepath.Join(d.home, "Pictures")
	snaps := &snapshots{t: t, dir: pictures, seen: map[string]bool{}}

	paused, before, shown, bg := d.pausedAt(t, 2000)
	rect, _ := pictureRect(before, bg)

	// checkPicture checks a picture of the window (a snapshot, or the
	// picture's place in a screenshot): it is FFmpeg's picture want[0]
	// (or one of the others in want), close to it, and far from FFmpeg's
	// pictures 1 s before and after. It returns the picture's number.
	checkPicture := func(what string, img image.Image, want ...int) int {
		t.Helper()
		n, dist, next := ref.identify(img)
		t.Logf("%s: picture %d (%.1f off, the next nearest %.1f), want %v", what, n, dist, next, want)
		if !slices.Contains(want, n) {
			t.Errorf("%s shows picture %d (%.1f s), not picture %d (%.1f s)", what, n, float64(n)/clipFPS, want[0], float64(want[0])/clipFPS)
			n = want[0]
		}
		if dist > 10 || next < dist+10 {
			t.Errorf("%s: no picture of the clip is clearly it (nearest %.1f off, the next %.1f)", what, dist, next)
		}
		frame, early, late := ref.frame(n), ref.frame(n-clipFPS), ref.frame(n+clipFPS)
		close := differingShare(img, frame)
		before, after := differingShare(img, early), differingShare(img, late)
		t.Logf("%s: %.1f%% of its pixels differ from FFmpeg's picture (mean difference %.1f); %.0f%% from the one 1 s before, %.0f%% from 1 s after",
			what, 100*close, meanAbsDiff(img, frame), 100*before, 100*after)
		if close > 0.12 {
			t.Errorf("%s: %.1f%% of its pixels differ from FFmpeg's picture %d", what, 100*close, n)
		}
		if before < 0.8 || after < 0.8 {
			t.Errorf("%s: only %.0f%% and %.0f%% of its pixels differ from FFmpeg's pictures 1 s before and after: the comparison tells nothing", what, 100*before, 100*after)
		}
		return n
	}
	pressKey(t, ctx, display, "s")
	name, snap := snaps.next()
	if b := snap.Bounds(); b.Dx() != clipW || b.Dy() != clipH {
		t.Errorf("the snapshot is %dx%d, want the video's own size %dx%d", b.Dx(), b.Dy(), clipW, clipH)
	}
	if want := fmt.Sprintf("%s 00m%02ds.png", clipTitle, paused.PositionMS/1000); name != want {
		t.Errorf("the snapshot is named %q, want %q (the title and the position)", name, want)
	}
	checkPicture("the window's picture when paused", subImage(before, rect), shown)
	checkPicture("the snapshot when paused", snap, shown)

	// → while paused: 10 s on.
	pressKey(t, ctx, display, "Right")
	seeked := app.waitFor("the seek while paused", func(r eventRecord) bool {
		return r.State == "Paused" && r.PositionMS >= paused.PositionMS+9000
	})
	t.Logf("after →: paused at %d ms", seeked.PositionMS)
	if d := seeked.PositionMS - paused.PositionMS; d != 10000 {
		t.Errorf("→ moved the position by %d ms, want 10000", d)
	}
	// FFmpeg's picture for -ss at the position is the one the window
	// shows.
	wantN := ref.seekTo(seeked.PositionMS)
	if n, dist, _ := ref.identify(ref.ffmpegSeek(seeked.PositionMS)); n != wantN || dist > 3 {
		t.Fatalf("ffmpeg -ss %d ms gives picture %d (%.1f off), not %d: the test's model of the clip is wrong", seeked.PositionMS, n, dist, wantN)
	}
	// changed takes screenshots until the picture's place differs from
	// prev's in most pixels and two screenshots in a row agree there (the
	// new picture, settled).
	changed := func(file, what string, prev image.Image) image.Image {
		t.Helper()
		var last image.Image
		return shotUntil(t, ctx, display, file, what, func(img image.Image) bool {
			n, _ := diffBox(subImage(prev, rect), subImage(img, rect))
			same := false
			if last != nil {
				m, _ := diffBox(subImage(last, rect), subImage(img, rect))
				same = m == 0
			}
			last = img
			return n > rect.Dx()*rect.Dy()/2 && same
		})
	}
	after := changed(filepath.Join(shots, "drive-after-seek.png"), "a new picture after the seek", before)
	checkPicture("the window's picture after the seek", subImage(after, rect), wantN)
	pressKey(t, ctx, display, "s")
	_, snap = snaps.next()
	checkPicture("the snapshot after the seek", snap, wantN)

	// E: the next picture.
	pressKey(t, ctx, display, "e")
	stepped := changed(filepath.Join(shots, "drive-frame-step.png"), "a new picture after E", after)
	checkPicture("the window's picture after E", subImage(stepped, rect), wantN+1)
	pressKey(t, ctx, display, "s")
	_, snap = snaps.next()
	checkPicture("the snapshot after E", snap, wantN+1)
	// Still paused, and nothing moved on by itself.
	if app.last.State != "Paused" {
		t.Errorf("after E the player is %s, want Paused", app.last.State)
	}
	app.quit()
}

// decodePNGFile decodes a PNG file, or says why not.
func decodePNGFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	return img, err
}

// pausedAt pauses the playing clip once the position has passed fromMS
// and returns the position, the picture on screen (the screenshot, and
// which picture of the clip it is: one of clipRef.pausedRange with a
// lag of 300 ms; the lag is logged) and its background colour.
func (d *drive) pausedAt(t *testing.T, fromMS int64) (paused eventRecord, shot image.Image, n int, bg [3]float64) {
	t.Helper()
	d.app.waitFor(fmt.Sprintf("position %d ms", fromMS), func(r eventRecord) bool { return r.State == "Playing" && r.PositionMS >= fromMS })
	pressKey(t, d.ctx, d.display, "space")
	paused = d.app.waitFor("Paused", func(r eventRecord) bool { return r.State == "Paused" })
	// The picture on screen: the clip's picture (from 2 s before the
	// position to just after it) whose colour fills a large rectangle.
	first, last := d.ref.shownAt(paused.PositionMS-2000), d.ref.shownAt(paused.PositionMS+100)
	// The window may draw the last picture presented a moment after the
	// pause: two screenshots in a row alike in the video region.
	n = -1
	var prev image.Image
	shot = shotUntil(t, d.ctx, d.display, filepath.Join(d.shots, "drive-paused.png"), "a picture of the clip, paused and settled", func(img image.Image) bool {
		settled := false
		if prev != nil {
			k, _ := diffBox(subImage(prev, videoRegion), subImage(img, videoRegion))
			settled = k == 0
		}
		prev = img
		if !settled {
			return false
		}
		for i := last; i >= first; i-- {
			if r, fill := pictureRect(img, d.ref.corners[i]); fill > 0.8 && r.Dx() > clipW {
				n = i
				return true
			}
		}
		return false
	})
	lo, hi := d.ref.pausedRange(paused.PositionMS, 300)
	t.Logf("paused at %d ms: picture %d (due at %d ms) on screen", paused.PositionMS, n, d.ref.pts[n])
	if n < lo || n > hi {
		t.Errorf("paused at %d ms, the window shows picture %d (due at %d ms), want %d to %d", paused.PositionMS, n, d.ref.pts[n], lo, hi)
	}
	return paused, shot, n, d.ref.corners[n]
}

// TestDriveAspectZoom: paused on the clip (16:9, 320×180 square pixels),
// the picture's rectangle on screen, measured in screenshots, is what
// the keys name (ui/aspect.go):
//   - Fit Window, at the start: 16:9, as large as the video area allows,
//     centred (black bars on the other two sides);
//   - Z, Original Size: 320×180 screen pixels, centred;
//   - Z, Stretch: the whole video area, whatever its shape;
//   - Z, Fit Window again: as at the start;
//   - A: 4:3, A: 16:9 (as at the start), A: 16:10, A: 2.35:1, A: 1:1,
//     each as large as fits and centred; A: Automatic, as at the start.
func TestDriveAspectZoom(t *testing.T) {
	d := startDrive(t)
	ctx, display := d.ctx, d.display
	_, _, _, bg := d.pausedAt(t, 2000)

	shot := filepath.Join(d.shots, "drive-aspect.png")
	// measure presses key (none: "") and takes screenshots until the
	// picture's rectangle satisfies ok (which says what is wrong).
	measure := func(key, what string, ok func(image.Rectangle) string) image.Rectangle {
		t.Helper()
		if key != "" {
			pressKey(t, ctx, display, key)
		}
		var r image.Rectangle
		var fill float64
		problem := "no picture"
		for i := 0; ; i++ {
			screenshot(t, ctx, display, shot)
			r, fill = pictureRect(readPNG(t, shot), bg)
			if fill > 0.8 {
				if problem = ok(r); problem == "" {
					t.Logf("%s: %v (%dx%d, %.3f:1)", what, r, r.Dx(), r.Dy(), float64(r.Dx())/float64(r.Dy()))
					return r
				}
			}
			if i == 40 {
				t.Fatalf("%s: the picture is %v (%.0f%% filled): %s", what, r, 100*fill, problem)
			}
		}
	}
	near := func(a, b, tol int) bool { return a-b <= tol && b-a <= tol }
	shape := func(r image.Rectangle, aspect float64) string {
		if got := float64(r.Dx()) / float64(r.Dy()); math.Abs(got/aspect-1) > 0.02 {
			return fmt.Sprintf("%.3f:1, not %.3f:1", got, aspect)
		}
		return ""
	}
	fit := measure("", "Fit Window", func(r image.Rectangle) string { return shape(r, 16.0/9) })
	centre := func(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }
	centred := func(r, in image.Rectangle) string {
		if c, w := centre(r), centre(in); !near(c.X, w.X, 2) || !near(c.Y, w.Y, 2) {
			return fmt.Sprintf("centred at %v, not %v", c, w)
		}
		return ""
	}
	measure("z", "Original Size", func(r image.Rectangle) string {
		if !near(r.Dx(), clipW, 1) || !near(r.Dy(), clipH, 1) {
			return fmt.Sprintf("%dx%d, not the video's %dx%d", r.Dx(), r.Dy(), clipW, clipH)
		}
		return centred(r, fit)
	})
	area := measure("z", "Stretch", func(r image.Rectangle) string {
		if !r.Inset(-1).In(videoRegion) || !fit.In(r.Inset(-1)) || r.Dx()*r.Dy() < fit.Dx()*fit.Dy()*21/20 {
			return fmt.Sprintf("not a larger rectangle holding the fitted picture %v", fit)
		}
		return ""
	})
	// fills checks that r is as large as fits in the area: it reaches
	// two opposite sides, and is centred.
	fills := func(r image.Rectangle) string {
		if !r.In(area.Inset(-1)) {
			return fmt.Sprintf("not inside the video area %v", area)
		}
		if !(near(r.Min.X, area.Min.X, 1) && near(r.Max.X, area.Max.X, 1)) && !(near(r.Min.Y, area.Min.Y, 1) && near(r.Max.Y, area.Max.Y, 1)) {
			return fmt.Sprintf("reaches no two opposite sides of the video area %v", area)
		}
		return centred(r, area)
	}
	if p := fills(fit); p != "" {
		t.Errorf("Fit Window: %v %s", fit, p)
	}
	same := func(r image.Rectangle) string {
		if !near(r.Min.X, fit.Min.X, 1) || !near(r.Min.Y, fit.Min.Y, 1) || !near(r.Max.X, fit.Max.X, 1) || !near(r.Max.Y, fit.Max.Y, 1) {
			return fmt.Sprintf("not %v as at the start", fit)
		}
		return ""
	}
	measure("z", "Fit Window again", same)
	for _, a := range []struct {
		name   string
		aspect float64
	}{{"4:3", 4.0 / 3}, {"16:9", 16.0 / 9}, {"16:10", 1.6}, {"2.35:1", 2.35}, {"1:1", 1}} {
		measure("a", "Aspect ratio "+a.name, func(r image.Rectangle) string {
			if p := shape(r, a.aspect); p != "" {
				return p
			}
			return fills(r)
		})
	}
	measure("a", "Aspect ratio Automatic", same)
	d.app.quit()
}

// TestDriveSpeed plays the clip in the real window and changes the
// speed with the keyboard: the position (the event log's whole seconds,
// timed as they come) advances at 1× at first, at 1.25× after ]; paused,
// = shows an on-screen message over the picture, ] one wider by the
// width of ".25" ("Speed 1×", then "Speed 1.25×"), [ one as wide as the
// first; playing again, the position advances at 1×.
func TestDriveSpeed(t *testing.T) {
	d := startDrive(t)
	ctx, display, app := d.ctx, d.display, d.app
	// rate measures the speed over span seconds of the position, from
	// the first whole second it reaches at least 0.5 s after from.
	rate := func(what string, from time.Time, span int64) float64 {
		t.Helper()
		start := app.waitFor(what+": a whole second", func(r eventRecord) bool {
			return r.Event == "position" && r.State == "Playing" && app.lastAt.After(from.Add(500*time.Millisecond))
		})
		t0 := app.lastAt
		end := app.waitFor(fmt.Sprintf("%s: %d s on", what, span), func(r eventRecord) bool {
			return r.State == "Playing" && r.PositionMS >= start.PositionMS+span*1000
		})
		got := float64(end.PositionMS-start.PositionMS) / float64(app.lastAt.Sub(t0).Milliseconds())
		t.Logf("%s: %d ms of the clip in %v: %.3f×", what, end.PositionMS-start.PositionMS, app.lastAt.Sub(t0).Round(time.Millisecond), got)
		return got
	}
	if r := rate("at first", time.Now(), 3); r < 0.9 || r > 1.1 {
		t.Errorf("at first the position advanced at %.3f×, want 1×", r)
	}
	pressKey(t, ctx, display, "bracketright")
	if r := rate("after ]", time.Now(), 5); r < 1.14 || r > 1.37 {
		t.Errorf("after ] the position advanced at %.3f×, want 1.25×", r)
	}

	// The messages, paused (the picture still): each screenshot against
	// the one before the first key, the changed pixels are the message
	// box.
	pressKey(t, ctx, display, "space")
	d.app.waitFor("Paused", func(r eventRecord) bool { return r.State == "Paused" })
	still := filepath.Join(d.shots, "drive-speed-paused.png")
	var before image.Image
	// Paused, and no message (the last one, ] while playing, is gone):
	// two screenshots alike.
	shotUntil(t, ctx, display, still, "the paused picture still", func(img image.Image) bool {
		if before != nil {
			if n, _ := diffBox(subImage(before, videoRegion), subImage(img, videoRegion)); n == 0 {
				return true
			}
		}
		before = img
		return false
	})
	message := func(key string, not image.Rectangle) image.Rectangle {
		t.Helper()
		pressKey(t, ctx, display, key)
		var box image.Rectangle
		shotUntil(t, ctx, display, filepath.Join(d.shots, "drive-speed-"+key+".png"), "a message after "+key, func(img image.Image) bool {
			var n int
			n, box = diffBox(subImage(before, videoRegion), subImage(img, videoRegion))
			return n > 0 && box != not
		})
		t.Logf("%s: a message in %v (%dx%d)", key, box, box.Dx(), box.Dy())
		return box
	}
	one := message("equal", image.Rectangle{})
	quarter := message("bracketright", one)
	back := message("bracketleft", quarter)
	if quarter.Min != one.Min || quarter.Dy() != one.Dy() || quarter.Dx()-one.Dx() < 12 || quarter.Dx()-one.Dx() > 60 {
		t.Errorf("after ] the message is %v, after = %v: want the same place and height, wider by \".25\"", quarter, one)
	}
	if back != one {
		t.Errorf("after [ the message is %v, want %v as after = (\"Speed 1×\")", back, one)
	}
	if one.Dx() < 60 || one.Dy() < 16 || one.Min.X > videoRegion.Min.X+40 || one.Min.Y > videoRegion.Min.Y+60 {
		t.Errorf("the message %v is not a box with a line of text at the top left of the picture", one)
	}
	pressKey(t, ctx, display, "space")
	if r := rate("after =, ] and [", time.Now(), 3); r < 0.9 || r > 1.1 {
		t.Errorf("after =, ] and [ the position advanced at %.3f×, want 1×", r)
	}
	app.quit()
}

// TestDriveRecord records the stream being played with the keyboard
// only: Alt opens the File menu, ↓ five times reaches Save Stream As…,
// Return opens Fyne's save dialog (in the home folder, with the title
// as the name), Ctrl+A and a typed name replace the name, Return saves;
// a few seconds later the same menu item, now Stop Recording, ends it.
// ffprobe reads the file as ASF with the clip's two streams, about as
// long as the recording ran, and its packets (stream, time, size) are a
// run of the clip's, in order, none missing: the packets as they arrived.
//
// The clip is a minute long: the player reads a file a few seconds
// ahead, and a recording holds what arrives after it starts, so a
// recording started in the first seconds of a clip that short would get
// only the header.
func TestDriveRecord(t *testing.T) {
	needTools(t, "Xvfb", "import", "xdotool", "ffmpeg", "ffprobe")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	clip := filepath.Join(t.TempDir(), "long clip.wmv")
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=s=160x90:r=10:d=60", "-f", "lavfi", "-i", "sine=f=440:d=60",
		"-c:v", "wmv2", "-g", "20", "-c:a", "wmav2", "-b:a", "32k", "-metadata", "title=Long Clip", clip)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg (making the clip): %v\n%s", err, out)
	}
	home := t.TempDir()
	display := startXvfb(t, ctx)
	app := startApp(t, ctx, display, home, clip)
	app.waitFor("Playing", func(r eventRecord) bool { return r.State == "Playing" })
	app.waitFor("position 1 s", func(r eventRecord) bool { return r.State == "Playing" && r.PositionMS >= 1000 })

	// File ▸ Save Stream As… (the fifth item: Open File…, Open File or
	// URL…, Location Bar, Recent, then past a separator).
	saveStreamItem := []string{"alt", "Down", "Down", "Down", "Down", "Down", "Return"}
	pressKeys(t, ctx, display, saveStreamItem...)
	// The dialog has the focus in its name field: replace the name.
	pressKey(t, ctx, display, "ctrl+a")
	const name = "kept take.asf"
	typeText(t, ctx, display, name)
	pressKey(t, ctx, display, "Return")
	rec := filepath.Join(home, name)
	deadline := time.Now().Add(20 * time.Second)
	for {
		// Polled: the recording begins with the stream's header.
		if st, err := os.Stat(rec); err == nil && st.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			ents, _ := os.ReadDir(home)
			t.Fatalf("no recording %s after the save dialog within 20 s (home holds %v)", rec, ents)
		}
		time.Sleep(50 * time.Millisecond) // polling a file, not waiting for an event
	}
	from := app.waitFor("a whole second", func(r eventRecord) bool { return r.Event == "position" && r.State == "Playing" })
	to := app.waitFor("4 s of recording", func(r eventRecord) bool { return r.State == "Playing" && r.PositionMS >= from.PositionMS+4000 })
	pressKeys(t, ctx, display, saveStreamItem...) // now Stop Recording

	// The recording ends with its header rewritten (sizes, duration)
	// and an index: until then ffprobe finds no duration.
	var probe struct {
		Format struct {
			FormatName string `json:"format_name"`
			Duration   string `json:"duration"`
			StartTime  string `json:"start_time"`
		} `json:"format"`
		Streams []struct {
			CodecName string `json:"codec_name"`
		} `json:"streams"`
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams", rec).Output()
		if err == nil && json.Unmarshal(out, &probe) == nil && probe.Format.Duration != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ffprobe finds no duration in %s 20 s after Stop Recording (%v): %s", rec, err, out)
		}
		time.Sleep(100 * time.Millisecond) // polling a file, not waiting for an event
	}
	dur, _ := strconv.ParseFloat(probe.Format.Duration, 64)
	t.Logf("ffprobe: %s, %s s from %s s, streams %+v", probe.Format.FormatName, probe.Format.Duration, probe.Format.StartTime, probe.Streams)
	if probe.Format.FormatName != "asf" {
		t.Errorf("ffprobe reads the recording as %q, want asf", probe.Format.FormatName)
	}
	var codecs []string
	for _, s := range probe.Streams {
		codecs = append(codecs, s.CodecName)
	}
	if slices.Sort(codecs); !slices.Equal(codecs, []string{"wmav2", "wmv2"}) {
		t.Errorf("the recording's streams are %v, want the clip's wmav2 and wmv2", codecs)
	}
	played := float64(to.PositionMS-from.PositionMS) / 1000
	if dur < played-1 || dur > played+4 {
		t.Errorf("the recording lasts %.2f s; it ran while %.1f s were played", dur, played)
	}

	packets := func(file string) []string {
		t.Helper()
		out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-show_entries", "packet=stream_index,pts,size", "-of", "csv", file).Output()
		if err != nil {
			t.Fatalf("ffprobe -show_packets %s: %v", file, err)
		}
		return strings.Fields(string(out))
	}
	src, got := packets(clip), packets(rec)
	if len(got) < 40 {
		t.Fatalf("the recording holds %d packets", len(got))
	}
	i := slices.Index(src, got[0])
	if i < 0 || i+len(got) > len(src) || !slices.Equal(src[i:i+len(got)], got) {
		t.Errorf("the recording's %d packets (first %s) are not a run of the clip's", len(got), got[0])
	} else {
		t.Logf("the recording holds the clip's packets %d to %d of %d, in order", i, i+len(got)-1, len(src))
	}
	app.quit()
}
