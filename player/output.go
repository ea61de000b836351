package player

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
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
	defer func() {
		if !o.closedVideo {
			close(seg.vin)
		}
	}()
	if err := seg.q.waitLevel(ctx, pb.target, progress); err != nil {
		return
	}
	seg.started.Store(true)
	seg.wall.start(pb.p.now())
	pb.send(seg, pbMsg{kind: msgStarted})

	for {
		if realtime && seg.q.starving() {
			pb.send(seg, pbMsg{kind: msgUnderrun})
			if err := seg.q.waitLevel(ctx, pb.target, progress); err != nil {
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
			o.finish()
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
			o.finish()
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

// handle plays one sample; done reports the end position was reached.
func (o *outState) handle(s transport.Sample) (done bool, err error) {
	ts := o.ts
	if ts == nil {
		return false, nil
	}
	if ts.video != nil && s.Track == ts.video.ID {
		select {
		case o.seg.vin <- videoItem{s: s}:
		case <-o.seg.ctx.Done():
		}
		return false, nil
	}
	if ts.audio == nil || s.Track != ts.audio.ID {
		return false, nil
	}
	if s.Discontinuity {
		ts.adec.Reset()
	}
	o.pcm, err = ts.adec.Decode(o.pcm[:0], s)
	if err != nil {
		o.pb.decodeErrors.Add(1)
		o.failStreak++
		if o.failStreak >= maxConsecutiveDecodeErrors {
			return false, fmt.Errorf("%w: %s: %w", errDecoderFailed, ts.audio.Codec, err)
		}
		return false, nil
	}
	o.failStreak = 0
	return o.write(o.pcm, s.PTS, true)
}

// write plays decoded PCM whose first frame is at pts. The cursor follows
// the PCM actually produced; it re-anchors on the sample timestamp at the
// start and, when anchor is set, after a jump of more than 250 ms. PCM
// before the segment start (the source delivers from the preceding key
// point) and after its end is cut at the exact frame.
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
	cur := time.Duration(seg.cursor.Load())
	if !seg.haveCursor.Load() || (anchor && absDur(pts-cur) > 250*time.Millisecond) {
		cur = pts
	}
	if cur < seg.from {
		skip := frameBytes(f, seg.from-cur)
		if skip >= len(pcm) {
			seg.cursor.Store(int64(cur + f.Duration(len(pcm))))
			seg.haveCursor.Store(true)
			return false, nil
		}
		pcm = pcm[skip:]
		cur = seg.from
	}
	if seg.end > 0 {
		if cur >= seg.end {
			return true, nil
		}
		if keep := frameBytes(f, seg.end-cur); keep < len(pcm) {
			pcm = pcm[:keep]
			done = true
		}
	}
	if o.sinkFmt != f {
		if o.wrote {
			o.sink.Drain()
		}
		if err := o.sink.Open(f); err != nil {
			return false, fmt.Errorf("opening audio output for %v: %w", f, err)
		}
		o.sinkFmt = f
	}
	if _, err := o.sink.Write(pcm); err != nil {
		if seg.ctx.Err() != nil {
			return true, nil
		}
		return false, fmt.Errorf("audio output: %w", err)
	}
	seg.cursor.Store(int64(cur + f.Duration(len(pcm))))
	seg.haveCursor.Store(true)
	if !o.wrote {
		o.wrote = true
		o.pb.send(seg, pbMsg{kind: msgFirstAudio, at: o.pb.p.now()})
	}
	return done, nil
}

// finish plays out what the decoders and the sink hold, waits for the last
// video frames and reports the end.
func (o *outState) finish() {
	seg := o.seg
	if ts := o.ts; ts != nil && ts.adec != nil {
		if fl, ok := ts.adec.(decoder.AudioFlusher); ok {
			if pcm, err := fl.Flush(o.pcm[:0]); err == nil {
				o.write(pcm, time.Duration(seg.cursor.Load()), false)
			}
		}
	}
	close(seg.vin)
	o.closedVideo = true
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
	o.pb.send(seg, pbMsg{kind: msgEnded})
}

// frameBytes is the byte count of whole frames of f lasting d.
func frameBytes(f audio.Format, d time.Duration) int {
	frames := (int64(d)*int64(f.SampleRate) + int64(time.Second) - 1) / int64(time.Second)
	return int(frames) * f.FrameSize()
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
