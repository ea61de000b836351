package player

import (
	"image"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/bufpool"
)

const (
	// videoQueueLen bounds the video samples waiting for the video
	// goroutine. When it is full the goroutine stops waiting for the clock
	// (so the audio can never be starved behind video).
	videoQueueLen = 256
	// lateFrame is how far behind the clock a frame may be and still be
	// shown; later frames are dropped and counted.
	lateFrame = 60 * time.Millisecond
	// earlyFrame: a frame this close to its time is shown now.
	earlyFrame = 4 * time.Millisecond
	// maxFrameWait bounds one wait for a picture's time, which is then
	// measured again: the audio clock may stall (an underrun) or drift
	// from the wall clock. A pause or seek ends the segment and a speed
	// change wakes the wait (playback.clockMoved), so a picture normally
	// waits once: waking every 20 ms cost two goroutine hand-offs per
	// frame (issue 12).
	maxFrameWait = 250 * time.Millisecond
	// decodeAhead is how many frames the video goroutine decodes from the
	// samples already queued before it waits for the first one's time,
	// when the output takes no pictures (PictureWanter; frames then carry
	// no image and cost nothing to hold). Decoding in bursts rather than
	// one picture after each wait lets an otherwise idle process (eddyplay)
	// sleep through the waits: each libavcodec call that starts from idle
	// also wakes the Go runtime's monitor thread, which then polls every
	// 20 µs until the call returns. bench/cpu.sh: about a fifth less CPU
	// for the 320×240 WMV (issue 12). With pictures, each one held is a
	// full RGBA picture, and the window showed no gain, so it decodes one
	// sample at a time.
	decodeAhead = 4
	// maxReturnWait bounds the wait, before a picture is decoded, for the
	// picture the output (a window) gives back when it draws the one just
	// presented (awaitReturn).
	maxReturnWait = 10 * time.Millisecond
)

// videoItem is a video sample, or (ts != nil) a switch to a new track set.
type videoItem struct {
	s  transport.Sample
	ts *trackSet
}

// wallClock is the media clock when no audio drives it (video-only
// presentations, and video that outlasts its audio): media time advances
// with real time from an anchor and stops while paused.
type wallClock struct {
	mu      sync.Mutex
	base    time.Duration // media time at the anchor
	at      time.Time     // real time of the anchor; zero until started
	paused  bool
	running bool
	rate    float64 // media time per real time; 0 means 1
}

// elapsed converts real time to media time at the clock's rate.
func (w *wallClock) elapsed(d time.Duration) time.Duration {
	if w.rate == 0 || w.rate == 1 {
		return d
	}
	return time.Duration(float64(d) * w.rate)
}

func (w *wallClock) reset(base time.Duration, paused bool, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.base, w.at, w.paused, w.running = base, now, paused, false
}

// start begins advancing (playback started).
func (w *wallClock) start(now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.running {
		w.running, w.at = true, now
	}
}

// setRate changes the clock's rate from now on.
func (w *wallClock) setRate(r float64, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running && !w.paused {
		w.base += w.elapsed(now.Sub(w.at))
		w.at = now
	}
	w.rate = r
}

func (w *wallClock) now(now time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.running || w.paused {
		return w.base
	}
	return w.base + w.elapsed(now.Sub(w.at))
}

// clock is the media time being presented: the audio position while audio
// plays, else the wall clock.
func (pb *playback) clock(seg *segment) time.Duration {
	if seg.rate != 1 {
		return seg.wall.now(pb.p.now())
	}
	if ts := seg.active.Load(); ts != nil && ts.audio != nil && !seg.audioDone.Load() {
		return pb.position()
	}
	return seg.wall.now(pb.p.now())
}

// video decodes video samples and presents the frames at their time.
func (pb *playback) video(seg *segment) {
	defer seg.wg.Done()
	defer close(seg.videoDone)
	firstOnce := sync.OnceFunc(func() { close(seg.firstFrame) })
	defer firstOnce()
	out := pb.p.cfg.Video
	realtime := isRealtime(pb.p.cfg.Sink)
	recycle := false
	if r, ok := out.(FrameRecycler); ok {
		recycle = r.Recycles()
	}
	w, ok := out.(PictureWanter)
	burst := ok && !w.WantsPictures() // decodeAhead
	// awaits: the output keeps pictures and gives them back later
	// (FrameReturner); expect: one was presented and none came back since.
	_, awaits := out.(FrameReturner)
	awaits = awaits && !recycle && !burst
	expect := false
	ts := seg.active.Load()
	var frames []decoder.Frame
	// held is an item decodeAhead took from the queue but left for the
	// loop: it is not a plain sample of the current track (haveHeld).
	var held videoItem
	var haveHeld, heldOK bool
	shown := 0
	// timer waits for a picture's time (stopped while not waiting).
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	release := func(f decoder.Frame) {
		if ts != nil && ts.vdec != nil && f.Image != nil {
			if r, ok := ts.vdec.(decoder.FrameReleaser); ok {
				r.Release(f.Image)
			}
		}
	}
	// present shows f when the clock reaches it; false when cancelled.
	present := func(f decoder.Frame) bool {
		before := f.PTS < subDur(seg.from, lateFrame)
		switch {
		case seg.rate < 0:
			before = f.PTS > addDur(seg.from, lateFrame)
		case seg.preview:
			// The first picture at the position (FFmpeg's -ss), not one
			// within the tolerance for late pictures in playback; for a
			// step, the picture after the one shown.
			before = f.PTS < seg.from
		}
		if end := time.Duration(seg.end.Load()); before || (end > 0 && f.PTS >= end) {
			// Decoded only to reach the start point after a seek.
			release(f)
			return true
		}
		if seg.preview {
			// The picture at the paused position: shown at once, and the
			// preview is done.
			shown++
			out.Present(f)
			expect = awaits
			pb.shown.Store(int64(f.PTS))
			if recycle {
				release(f)
			}
			pb.send(seg, pbMsg{kind: msgPreviewShown, value: 1})
			return false
		}
		// dir is 1 forward, -1 in rewind (the clock runs backwards).
		dir := time.Duration(1)
		if seg.rate < 0 {
			dir = -1
		}
		if realtime || seg.rate != 1 {
			for {
				moved := pb.clockMoved()
				c := pb.clock(seg)
				ahead := subDur(f.PTS, c)
				if dir < 0 {
					ahead = subDur(0, ahead)
				}
				if ahead <= earlyFrame || len(seg.vin) == cap(seg.vin) {
					break
				}
				if seg.rate != 1 && seg.rate != 0 {
					// Real time until the clock reaches the frame.
					ahead = time.Duration(float64(ahead) / max(seg.rate, -seg.rate))
				} else if sp := pb.speedOrOne(); sp != 1 {
					ahead = time.Duration(float64(ahead) / sp)
				}
				timer.Reset(min(ahead, maxFrameWait))
				select {
				case <-timer.C:
				case <-moved:
					timer.Stop()
				case <-seg.ctx.Done():
					timer.Stop()
					return false
				}
			}
			late := subDur(pb.clock(seg), f.PTS)
			if dir < 0 {
				late = subDur(0, late)
			}
			if late > lateFrame && shown > 0 && seg.rate == 1 {
				pb.framesDropped.Add(1)
				release(f)
				return true
			}
			if a := seg.active.Load(); a != nil && a.audio != nil && !seg.audioDone.Load() && seg.haveCursor.Load() {
				if d := int64(absDur(late)); d > pb.avSyncMax.Load() {
					pb.avSyncMax.Store(d)
				}
			}
		}
		shown++
		out.Present(f)
		expect = awaits
		pb.shown.Store(int64(f.PTS))
		if shown == 1 {
			pb.send(seg, pbMsg{kind: msgFirstFrame, at: pb.p.now()})
		}
		if recycle {
			release(f)
		}
		return true
	}
	for {
		var it videoItem
		var ok bool
		if haveHeld {
			it, ok, haveHeld = held, heldOK, false
		} else {
			select {
			case it, ok = <-seg.vin:
			case <-seg.ctx.Done():
				return
			}
		}
		if !ok {
			// End of stream: show what the decoder still holds.
			if ts != nil && ts.vdec != nil && out != nil {
				frames, _ = ts.vdec.Flush(frames[:0])
				pb.framesDecoded.Add(int64(len(frames)))
				for _, f := range frames {
					if !present(f) {
						return
					}
				}
			}
			return
		}
		if it.ts != nil {
			if ts != nil && ts != it.ts {
				ts.closeVideo()
			}
			ts = it.ts
			continue
		}
		if ts == nil || ts.vdec == nil || out == nil {
			continue
		}
		if it.s.Track != ts.videoID() {
			// An adaptive session changed quality: the pictures the old
			// decoder still holds, then a decoder for the new track.
			if !pb.switchVideo(ts, it.s.Track, frames[:0], present) {
				continue
			}
			pb.send(seg, pbMsg{kind: msgMediaChanged})
		}
		if pb.reusePictures(ts) > 0 {
			expect = false
		}
		if expect && seg.rate > 0 {
			expect = false
			pb.awaitReturn(seg, ts, it.s.PTS, timer)
		}
		var err error
		if seg.rate < 0 {
			// Rewinding, pictures come latest first: a frame that needs
			// earlier ones cannot be decoded, so only key frames are,
			// each on its own (the decoder emptied before and after).
			if !it.s.Key {
				continue
			}
			ts.vdec.Reset()
			frames, err = ts.vdec.Decode(frames[:0], it.s)
			bufpool.Put(it.s.Data)
			if err == nil {
				frames, err = ts.vdec.Flush(frames)
			}
		} else {
			frames = pb.decodeVideo(ts, frames[:0], it.s)
			if burst && !seg.preview && seg.rate > 0 {
				frames, held, haveHeld, heldOK = pb.decodeAhead(seg, ts, frames)
			}
		}
		it.s.Data = nil
		if err != nil {
			pb.decodeErrors.Add(1)
			continue
		}
		pb.framesDecoded.Add(int64(len(frames)))
		if len(frames) > 0 {
			firstOnce()
		}
		for _, f := range frames {
			if !present(f) {
				return
			}
		}
	}
}

// decodeVideo decodes s and appends its frames to dst; a sample that
// fails is counted, and the frames decoded before the failure are kept.
// s.Data goes back to the buffer pool (the demuxer may fill it again).
func (pb *playback) decodeVideo(ts *trackSet, dst []decoder.Frame, s transport.Sample) []decoder.Frame {
	if s.Discontinuity {
		ts.vdec.Reset()
	}
	out, err := ts.vdec.Decode(dst, s)
	bufpool.Put(s.Data)
	if err != nil {
		pb.decodeErrors.Add(1)
	}
	return out
}

// decodeAhead decodes the samples already waiting in seg.vin, appending
// their frames to frames, until it holds decodeAhead frames or the queue
// is empty; it never waits. An item that is not a sample of the current
// video track (a new track set, an adaptive quality change, the end of
// the stream) ends it and is returned (held, ok as from the channel) for
// the caller to take after it has presented the frames.
func (pb *playback) decodeAhead(seg *segment, ts *trackSet, frames []decoder.Frame) (_ []decoder.Frame, held videoItem, haveHeld, ok bool) {
	for len(frames) < decodeAhead {
		var it videoItem
		select {
		case it, ok = <-seg.vin:
		default:
			return frames, videoItem{}, false, false
		}
		if !ok || it.ts != nil || it.s.Track != ts.videoID() {
			return frames, it, true, ok
		}
		frames = pb.decodeVideo(ts, frames, it.s)
	}
	return frames, videoItem{}, false, false
}

// switchVideo re-makes the video decoder for track id, a quality an
// adaptive session changed to: the old decoder's remaining pictures are
// shown first. It reports false (the sample is dropped) when no decoder
// opens for the new track; the old one then stays.
func (pb *playback) switchVideo(ts *trackSet, id int, frames []decoder.Frame, present func(decoder.Frame) bool) bool {
	t := ts.alt[id]
	dec, err := pb.p.cfg.Decoders.NewVideo(t)
	if err != nil {
		pb.decodeErrors.Add(1)
		return false
	}
	if w, ok := pb.p.cfg.Video.(PictureWanter); ok && !w.WantsPictures() {
		if sk, ok := dec.(decoder.PictureSkipper); ok {
			sk.SkipPictures(true)
		}
	}
	if out, err := ts.vdec.Flush(frames); err == nil {
		for _, f := range out {
			if !present(f) {
				break
			}
		}
	}
	ts.mu.Lock()
	old := ts.vdec
	ts.vdec, ts.video = dec, &t
	ts.mu.Unlock()
	if old != nil {
		old.Close()
	}
	pb.qualitySwitches.Add(1)
	pb.playedQuality(t)
	return true
}

// reusePictures gives the pictures the video output returned
// (FrameReturner) to the decoder about to decode, which reuses them for
// its next frames (video goroutine). It returns how many there were.
func (pb *playback) reusePictures(ts *trackSet) int {
	for n := 0; ; n++ {
		select {
		case img := <-pb.p.returned:
			reusePicture(ts, img)
		default:
			return n
		}
	}
}

// reusePicture gives img to the decoder of ts, when it takes pictures back.
func reusePicture(ts *trackSet, img *image.RGBA) {
	if r, ok := ts.vdec.(decoder.FrameReleaser); ok {
		r.Release(img)
	}
}

// awaitReturn waits, before the sample at pts is decoded, for the output
// to give back the picture it showed before the one just presented, and
// hands it to the decoder. A window gives it back when it draws the new
// one, a moment after Present: decoding at once needed a third picture
// (one on screen, one presented and not yet drawn, one being decoded),
// 3.7 MB more for 720p (issue 12). The wait is bounded by maxReturnWait
// and by half the time left until pts is due, so a slow window costs a
// picture, never a late frame.
func (pb *playback) awaitReturn(seg *segment, ts *trackSet, pts time.Duration, timer *time.Timer) {
	wait := min(maxReturnWait, subDur(pts, pb.clock(seg))/2)
	if wait <= 0 {
		return
	}
	timer.Reset(wait)
	defer timer.Stop()
	select {
	case img := <-pb.p.returned:
		reusePicture(ts, img)
	case <-timer.C:
	case <-seg.ctx.Done():
	}
}
