package player

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/bufpool"
)

// realtimeSink is implemented by sinks that play at the speed of a clock;
// only for those does an empty queue mean an audible underrun, and only
// for those is video paced to the audio clock.
type realtimeSink interface {
	Realtime() bool
}

func isRealtime(s audio.Sink) bool {
	rs, ok := s.(realtimeSink)
	return ok && rs.Realtime()
}

// output decodes queued audio, writes it to the sink and hands video
// samples to the video goroutine.
func (pb *playback) output(seg *segment) {
	defer seg.wg.Done()
	ctx := seg.ctx
	sink := pb.p.cfg.Sink
	realtime := isRealtime(sink)
	progress := func(f float64) { pb.send(seg, pbMsg{kind: msgBuffering, value: f}) }
	o := outState{pb: pb, seg: seg, sink: sink, ts: seg.active.Load()}
	o.holding = realtime && !seg.preview && o.ts != nil && o.ts.video != nil && o.ts.audio != nil
	defer func() {
		if !o.closedVideo {
			close(seg.vin)
		}
	}()
	target := pb.startTarget
	if seg.rate != 1 || seg.preview {
		// Fast forward / rewind and a preview show pictures as they come.
		target = func() time.Duration { return 0 }
	}
	if err := seg.q.waitLevel(ctx, target, pb.fastStartReady(seg), progress); err != nil {
		return
	}
	seg.started.Store(true)
	seg.wall.start(pb.p.now())
	pb.send(seg, pbMsg{kind: msgStarted})

	for {
		if seg.skipping.Load() {
			o.discardUntilChange()
		}
		if realtime && seg.rate == 1 && !seg.preview && seg.q.starving() {
			pb.send(seg, pbMsg{kind: msgUnderrun})
			full := func() time.Duration { return pb.target }
			if err := seg.q.waitLevel(ctx, full, nil, progress); err != nil {
				return
			}
			pb.send(seg, pbMsg{kind: msgResumed})
		}
		it, err := seg.q.pop(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !errors.Is(err, io.EOF) {
				pb.send(seg, pbMsg{kind: msgFatal, err: err})
				return
			}
			if seg.preview {
				// Nothing to show at or after the position: the last
				// picture stays.
				return
			}
			o.finish(false)
			return
		}
		if it.change != nil {
			if !o.switchTo(it.change) {
				return
			}
			continue
		}
		done, err := o.handle(it.s)
		if err != nil {
			pb.send(seg, pbMsg{kind: msgFatal, err: err})
			return
		}
		if done {
			if seg.preview {
				return
			}
			o.finish(true)
			return
		}
	}
}

// outState is the output goroutine's working state.
type outState struct {
	pb          *playback
	seg         *segment
	sink        audio.Sink
	ts          *trackSet
	pcm         []byte
	sinkFmt     audio.Format
	wrote       bool
	failStreak  int
	closedVideo bool
	// switchFailed are the qualities no decoder opened for (warned once).
	switchFailed map[int]bool
	anchored     bool          // anchor is set
	anchor       time.Duration // time of the first audio sample decoded
	// next is the media time right after the last PCM the decoder
	// produced in this segment, whether it was played, held back or cut
	// before the segment's start; valid once haveNext.
	next     time.Duration
	haveNext bool
	holding  bool   // audio waits for the first video frame
	held     []byte // audio held back
	heldEnd  time.Duration
	// tempo plays the audio at the speed asked (SetSpeed), in the sink's
	// format tempoFmt; tempoEnd is the media time after the PCM given it
	// last.
	tempo    *audio.Tempo
	tempoFmt audio.Format
	tempoEnd time.Duration
}

// switchTo adopts a new track set (new header or live stream switch). The
// old audio decoder is closed here; the video goroutine closes the old
// video decoder when it reaches the switch.
func (o *outState) switchTo(ts *trackSet) bool {
	old := o.ts
	o.ts = ts
	o.seg.active.Store(ts)
	if old != nil && old != ts {
		old.closeAudio()
		o.seg.retiredMu.Lock()
		o.seg.retired = append(o.seg.retired, old)
		o.seg.retiredMu.Unlock()
	}
	select {
	case o.seg.vin <- videoItem{ts: ts}:
	case <-o.seg.ctx.Done():
		return false
	}
	o.pb.send(o.seg, pbMsg{kind: msgMediaChanged, ts: ts})
	return true
}

// discardUntilChange drops what is queued of the playlist entry being
// left (a skip): samples up to the next change marker, and the audio the
// sink holds. The marker itself stays for the loop to adopt.
func (o *outState) discardUntilChange() {
	o.sink.Flush()
	o.held = nil
	for {
		again, wait := o.seg.q.dropUntilChange()
		if !again {
			break
		}
		select {
		case <-o.seg.ctx.Done():
			return
		case <-wait:
		}
	}
	o.seg.skipping.Store(false)
}

// handle plays one sample; done reports the end position was reached.
func (o *outState) handle(s transport.Sample) (done bool, err error) {
	ts := o.ts
	if ts == nil {
		return false, nil
	}
	if t, ok := ts.info.Track(s.Track); ok && t.Type == transport.Text {
		// A caption, shown as it reaches the output (within the sink's
		// buffer of being heard) for its duration.
		if o.seg.rate == 1 && !o.seg.preview && s.PTS+s.Duration >= o.seg.from {
			o.pb.send(o.seg, pbMsg{kind: msgCaption, text: captionText(s.Data), pts: s.PTS, dur: s.Duration})
		}
		return false, nil
	}
	if t, ok := ts.info.Track(s.Track); ok && t.Type == transport.Command {
		// A script command, handled as it reaches the output (within
		// the sink's buffer of being heard).
		if typ, cmd, ok := transport.ParseScriptSample(s.Data); ok && o.seg.rate == 1 && !o.seg.preview && s.PTS >= o.seg.from {
			o.pb.send(o.seg, pbMsg{kind: msgScript, script: transport.ScriptCommand{Time: s.PTS, Type: typ, Command: cmd}})
		}
		return false, nil
	}
	if ts.isAudio(s.Track) || ts.isVideo(s.Track) {
		if o.pb.samplesIn.Add(1) == 1 || int64(s.PTS) > o.pb.lastPTS.Load() {
			o.pb.lastPTS.Store(int64(s.PTS))
		}
	}
	if ts.isVideo(s.Track) {
		if ts.audio == nil && s.PTS >= o.seg.from {
			// Video only: the video fixes the end of a --duration run.
			end := o.seg.end.Load()
			if end == 0 && o.seg.limit > 0 {
				end = int64(s.PTS + o.seg.limit)
				o.seg.end.Store(end)
				o.pb.endAt.CompareAndSwap(0, end)
			}
			if end > 0 && int64(s.PTS) >= end {
				return true, nil
			}
		}
		select {
		case o.seg.vin <- videoItem{s: s}:
		case <-o.seg.ctx.Done():
		}
		return false, nil
	}
	if !ts.isAudio(s.Track) || o.seg.rate != 1 || o.seg.preview {
		// Audio is silent in fast forward and rewind, and in a preview.
		return false, nil
	}
	if s.Track != ts.audioID() {
		// An adaptive session changed quality: the rest of the old
		// decoder's PCM, then a decoder for the new track.
		if !o.switchAudio(s.Track) {
			return false, nil
		}
	}
	if s.Discontinuity {
		ts.adec.Reset()
	}
	if !o.anchored {
		// Decoders with a delay return the first PCM a sample or two
		// later; that PCM still starts at the first sample's time.
		o.anchored, o.anchor = true, s.PTS
	}
	o.pcm, err = ts.adec.Decode(o.pcm[:0], s)
	bufpool.Put(s.Data) // decoded: the demuxer may fill it again
	s.Data = nil
	if err != nil {
		var ue *decoder.UnsupportedError
		if errors.As(err, &ue) {
			// The stream uses a variant this decoder cannot handle at all.
			return false, fmt.Errorf("audio stream %d: %w", ts.audio.ID, err)
		}
		// A corrupt sample: conceal it (keep whatever PCM came out) and
		// count it; many in a row end playback.
		o.pb.decodeErrors.Add(1)
		o.failStreak++
		if o.failStreak >= maxConsecutiveDecodeErrors {
			return false, fmt.Errorf("%w: %s: %w", errDecoderFailed, ts.audio.Codec, err)
		}
	} else {
		o.failStreak = 0
	}
	return o.write(o.pcm, s.PTS, true)
}

// write plays decoded PCM whose first frame is at pts. The media time of
// the PCM follows what the decoder produced (o.next): it starts at the
// first sample's timestamp (decoders with a delay return that PCM a
// sample or two later) and, when anchor is set, re-anchors on the sample
// timestamp after a jump of more than 250 ms. PCM before the segment start
// (the source delivers from the preceding key point) and after its end is
// cut at the exact frame.
func (o *outState) write(pcm []byte, pts time.Duration, anchor bool) (done bool, err error) {
	if len(pcm) == 0 {
		return false, nil
	}
	ts := o.ts
	f := ts.adec.Format()
	if !f.Valid() {
		return false, fmt.Errorf("decoder for %s reported an invalid format %v", ts.audio.Codec, f)
	}
	fs := f.FrameSize()
	pcm = pcm[:len(pcm)/fs*fs]
	seg := o.seg
	var cur time.Duration
	switch {
	case !o.haveNext:
		cur = o.anchor
	case anchor && absDur(subDur(pts, o.next)) > 250*time.Millisecond:
		cur = pts
	default:
		cur = o.next
	}
	o.next, o.haveNext = addDur(cur, f.Duration(len(pcm))), true
	if cur < seg.from {
		skip := f.BytesCeil(subDur(seg.from, cur))
		if skip >= len(pcm) {
			return false, nil
		}
		pcm = pcm[skip:]
		cur = seg.from
	}
	end := time.Duration(seg.end.Load())
	if end == 0 && seg.limit > 0 {
		// The first audio fixes where a --duration run ends.
		end = addDur(cur, seg.limit)
		seg.end.Store(int64(end))
		o.pb.endAt.CompareAndSwap(0, int64(end))
	}
	if end > 0 {
		if cur >= end {
			return true, nil
		}
		if keep := f.BytesCeil(subDur(end, cur)); keep < len(pcm) {
			pcm = pcm[:keep]
			done = true
		}
	}
	if o.sinkFmt != f {
		if err := o.release(); err != nil {
			return false, err
		}
		if err := o.flushTempo(); err != nil {
			return false, err
		}
		if o.wrote {
			o.sink.Drain()
		}
		if err := o.sink.Open(f); err != nil {
			return false, fmt.Errorf("opening audio output for %v: %w", f, err)
		}
		o.sinkFmt = f
	}
	end = addDur(cur, f.Duration(len(pcm)))
	if o.holding {
		// Keep the audio clock still until the first picture is decoded,
		// so the first frames are not late (bounded by maxAudioHold).
		ready := false
		select {
		case <-seg.firstFrame:
			ready = true
		default:
		}
		o.held = append(o.held, pcm...)
		o.heldEnd = end
		if !ready && f.Duration(len(o.held)) < maxAudioHold {
			return done, nil
		}
		return done, o.release()
	}
	if err := o.play(pcm, end); err != nil {
		return false, err
	}
	return done, nil
}

// maxAudioHold bounds how much audio waits for the first video frame.
const maxAudioHold = time.Second

// release writes the audio held back for the first video frame.
func (o *outState) release() error {
	if !o.holding {
		return nil
	}
	o.holding = false
	if len(o.held) == 0 {
		return nil
	}
	err := o.play(o.held, o.heldEnd)
	o.held = nil
	return err
}

// writeChunk bounds one sink write, so the cursor (and the position and
// the video clock derived from it) moves in small steps while a write
// waits for room.
const writeChunk = 10 * time.Millisecond

// play writes PCM to the sink, at the speed asked (SetSpeed) with the
// pitch kept; end is the media time after it.
func (o *outState) play(pcm []byte, end time.Duration) error {
	speed := o.pb.speedOrOne()
	if o.tempo != nil && (o.tempo.Speed() != speed || o.tempoFmt != o.sinkFmt) {
		if err := o.flushTempo(); err != nil {
			return err
		}
	}
	if speed != 1 && o.tempo == nil {
		t, err := audio.NewTempo(o.sinkFmt, speed)
		if err != nil {
			return fmt.Errorf("playback speed: %w", err)
		}
		o.tempo, o.tempoFmt = t, o.sinkFmt
	}
	if o.tempo == nil {
		return o.output(pcm, end, 1)
	}
	out := o.tempo.Process(pcm)
	o.tempoEnd = end
	held := o.sinkFmt.Duration(int(min(o.tempo.PendingFrames(), 1<<30)) * o.sinkFmt.FrameSize())
	return o.output(out, subDur(end, held), speed)
}

// flushTempo plays out what the tempo holds and drops it (the speed or
// the format changed, or the audio ends).
func (o *outState) flushTempo() error {
	t := o.tempo
	if t == nil {
		return nil
	}
	o.tempo = nil
	return o.output(t.Flush(), o.tempoEnd, t.Speed())
}

// output writes PCM to the sink; end is the media time after it, and
// each second of it plays speed seconds of media.
func (o *outState) output(pcm []byte, end time.Duration, speed float64) error {
	seg := o.seg
	chunk := max(o.sinkFmt.Bytes(writeChunk), o.sinkFmt.FrameSize())
	for len(pcm) > 0 {
		if seg.ctx.Err() != nil || seg.skipping.Load() {
			return nil
		}
		n := min(chunk, len(pcm))
		if _, err := o.sink.Write(pcm[:n]); err != nil {
			if seg.ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("audio output: %w", err)
		}
		pcm = pcm[n:]
		played, left := o.sinkFmt.Duration(n), o.sinkFmt.Duration(len(pcm))
		if speed != 1 {
			played = time.Duration(float64(played) * speed)
			left = time.Duration(float64(left) * speed)
		}
		o.pb.audioPlayed.Add(int64(played))
		seg.cursor.Store(int64(subDur(end, left)))
		seg.haveCursor.Store(true)
	}
	if !o.wrote {
		o.wrote = true
		o.pb.send(seg, pbMsg{kind: msgFirstAudio, at: o.pb.p.now()})
	}
	return nil
}

// finish plays out what the decoders and the sink hold, waits for the last
// video frames and reports the end: of the source, or (atLimit) of the
// media time asked for.
func (o *outState) finish(atLimit bool) {
	seg := o.seg
	if ts := o.ts; ts != nil && ts.adec != nil {
		if fl, ok := ts.adec.(decoder.AudioFlusher); ok {
			if pcm, err := fl.Flush(o.pcm[:0]); err == nil {
				o.write(pcm, o.next, false)
			}
		}
	}
	close(seg.vin)
	o.closedVideo = true
	o.release()
	o.flushTempo()
	if o.wrote {
		o.sink.Drain()
	}
	// From here the video (if longer than the audio) runs on the wall
	// clock, continuing from where the audio ended.
	seg.wall.reset(o.pb.clock(seg), o.pb.paused.Load(), o.pb.p.now())
	seg.wall.start(o.pb.p.now())
	seg.audioDone.Store(true)
	select {
	case <-seg.videoDone:
	case <-seg.ctx.Done():
		return
	}
	m := pbMsg{kind: msgEnded}
	if atLimit {
		m.value = 1
	}
	o.pb.send(seg, m)
}

// switchAudio re-makes the audio decoder for track id, a quality an
// adaptive session changed to (Sample.Switched): what the old decoder
// still holds is played first, so the change is seamless. It reports
// false (the sample is dropped) when no decoder opens for the new track.
func (o *outState) switchAudio(id int) bool {
	ts := o.ts
	t := ts.alt[id]
	dec, err := o.pb.p.cfg.Decoders.NewAudio(t)
	if err != nil {
		if !o.switchFailed[id] {
			if o.switchFailed == nil {
				o.switchFailed = map[int]bool{}
			}
			o.switchFailed[id] = true
			o.pb.send(o.seg, pbMsg{kind: msgWarning, err: fmt.Errorf("switching to audio stream %d: %w", id, err)})
		}
		return false
	}
	if fl, ok := ts.adec.(decoder.AudioFlusher); ok {
		if pcm, err := fl.Flush(o.pcm[:0]); err == nil {
			o.write(pcm, o.next, false)
		}
	}
	ts.mu.Lock()
	old := ts.adec
	ts.adec, ts.audio = dec, &t
	ts.mu.Unlock()
	if old != nil {
		old.Close()
	}
	o.pb.qualitySwitches.Add(1)
	o.pb.playedQuality(t)
	o.pb.send(o.seg, pbMsg{kind: msgMediaChanged})
	return true
}
