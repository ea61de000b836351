package player

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// maxConsecutiveDecodeErrors ends playback when a decoder fails on this many
// samples in a row (isolated failures are concealed and counted).
const maxConsecutiveDecodeErrors = 64

// segmentStopTimeout bounds how long a stop waits for the playback
// goroutines; a session that ignores cancellation is then abandoned.
const segmentStopTimeout = 5 * time.Second

// trackSet is what the output stage plays: the presentation, the chosen
// stream numbers and their decoders.
type trackSet struct {
	info     transport.Info
	selected []int
	audio    *transport.Track
	adec     decoder.Audio
	warnings []error
}

func (ts *trackSet) close() {
	if ts != nil && ts.adec != nil {
		ts.adec.Close()
		ts.adec = nil
	}
}

// switchReq asks the reader to switch streams inside a running session.
type switchReq struct {
	ts *trackSet
}

// playback is one opened session and the pipeline around it.
type playback struct {
	p    *Player
	sess transport.Session
	gen  int
	// Owner's view: the latest presentation and planned track set.
	info   transport.Info
	cur    *trackSet
	target time.Duration

	seg   *segment
	segID int

	pendingSwitch atomic.Pointer[switchReq]

	decodeErrors  atomic.Int64
	framesDecoded atomic.Int64
	framesDropped atomic.Int64
	avSyncMax     atomic.Int64
}

// segment is one continuous run of delivery from a start position.
type segment struct {
	id      int
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	q       *sampleQueue
	from    time.Duration
	end     time.Duration
	started atomic.Bool
	active  atomic.Pointer[trackSet] // the set the output stage uses

	// cursor is the media time at the end of the PCM written to the sink,
	// in nanoseconds; valid once haveCursor.
	cursor     atomic.Int64
	haveCursor atomic.Bool
}

func newPlayback(p *Player, s transport.Session, gen int) *playback {
	return &playback{p: p, sess: s, gen: gen}
}

// plan chooses tracks and creates decoders for info. user is the user's
// choice (nil = automatic). It touches no playback state, so the reader
// goroutine may call it too.
func (pb *playback) plan(info transport.Info, user []int) (*trackSet, error) {
	cfg := &pb.p.cfg
	for _, t := range info.Tracks {
		if t.Encrypted {
			return nil, fmt.Errorf("stream %d: %w", t.ID, transport.ErrEncrypted)
		}
	}
	playable := func(t transport.Track) bool {
		if t.Type == transport.Video {
			// Video presentation arrives with issue 4.
			return false
		}
		return cfg.Decoders.Supports(t)
	}
	var sel []int
	if user != nil {
		var err error
		if sel, err = validateSelection(info, user); err != nil {
			return nil, err
		}
	} else {
		var langs []string
		if cfg.Language != "" {
			langs = []string{cfg.Language}
		}
		sel = transport.ChooseTracks(info, cfg.Bandwidth, transport.Preferences{Languages: langs, Supported: playable, NoVideo: true})
	}
	ts := &trackSet{info: info}
	var problems []error
	for _, id := range sel {
		t, _ := info.Track(id)
		switch t.Type {
		case transport.Audio:
			dec, err := cfg.Decoders.NewAudio(t)
			if err != nil {
				problems = append(problems, fmt.Errorf("audio stream %d: %w", t.ID, err))
				continue
			}
			tt := t
			ts.audio, ts.adec = &tt, dec
			ts.selected = append(ts.selected, id)
		case transport.Video:
			// Not decoded yet: leave it unselected so it costs nothing.
		default:
			ts.selected = append(ts.selected, id)
		}
	}
	for _, t := range info.Tracks {
		if t.Type != transport.Video {
			continue
		}
		if cfg.Decoders.Supports(t) {
			ts.warnings = append(ts.warnings, fmt.Errorf("video stream %d (%s): showing video is not supported yet; playing audio only", t.ID, t.Codec))
		} else {
			ts.warnings = append(ts.warnings, fmt.Errorf("video stream %d: codec %s is not supported yet; playing audio only", t.ID, t.Codec))
		}
		break
	}
	if ts.audio == nil {
		if len(problems) == 0 {
			for _, t := range info.Tracks {
				if t.Type == transport.Audio && !cfg.Decoders.Supports(t) {
					_, err := cfg.Decoders.NewAudio(t)
					problems = append(problems, fmt.Errorf("audio stream %d: %w", t.ID, err))
				}
			}
		}
		if len(problems) == 0 {
			problems = append(problems, errors.New("the presentation has no playable audio stream"))
		}
		ts.close()
		return nil, fmt.Errorf("%w: %w", ErrNothingToPlay, errors.Join(problems...))
	}
	ts.warnings = append(problems, ts.warnings...)
	return ts, nil
}

// adopt makes ts the owner's current set after the session selected it.
func (pb *playback) adopt(ts *trackSet) {
	pb.info = ts.info
	pb.cur = ts
	pb.target = pb.bufferTarget()
}

// bufferTarget is the media time to buffer before playing.
func (pb *playback) bufferTarget() time.Duration {
	cfg := &pb.p.cfg
	t := cfg.BufferTarget
	if t <= 0 {
		t = pb.info.Preroll
	}
	t = max(t, 500*time.Millisecond)
	return min(t, cfg.MaxBuffer/2)
}

// media describes the presentation for the UI.
func (pb *playback) media() *Media {
	in := pb.info
	m := &Media{
		URL:       in.URL,
		Protocol:  in.Protocol,
		Duration:  in.Duration,
		Seekable:  in.Seekable && !in.Broadcast,
		Broadcast: in.Broadcast,
		Metadata:  in.Metadata,
	}
	sel := map[int]bool{}
	if pb.cur != nil {
		for _, id := range pb.cur.selected {
			sel[id] = true
		}
	}
	for _, t := range in.Tracks {
		m.Tracks = append(m.Tracks, TrackInfo{Track: t, Decoder: pb.p.cfg.Decoders.Name(t), Selected: sel[t.ID]})
	}
	return m
}

// position is the media time being heard now.
func (pb *playback) position() time.Duration {
	seg := pb.seg
	if seg == nil {
		return 0
	}
	if !seg.haveCursor.Load() {
		return seg.from
	}
	pos := time.Duration(seg.cursor.Load()) - pb.p.cfg.Sink.Buffered()
	return max(pos, seg.from)
}

// bufferLevel is the media time queued ahead of the play position.
func (pb *playback) bufferLevel() time.Duration {
	seg := pb.seg
	if seg == nil {
		return 0
	}
	lvl, _ := seg.q.level()
	return lvl + pb.p.cfg.Sink.Buffered()
}

// startSegment starts the reader and output goroutines at from. end > 0
// stops output at that media time.
func (pb *playback) startSegment(from, end time.Duration) {
	pb.segID++
	ctx, cancel := context.WithCancel(context.Background())
	seg := &segment{
		id: pb.segID, ctx: ctx, cancel: cancel, from: from, end: end,
		q: newSampleQueue(pb.p.cfg.MaxBuffer, pb.p.cfg.MaxBufferBytes),
	}
	seg.active.Store(pb.cur)
	if pb.cur.audio != nil {
		seg.q.setClock(pb.cur.audio.ID)
	}
	pb.seg = seg
	seg.wg.Add(2)
	go pb.reader(seg)
	go pb.output(seg)
}

// stopSegment cancels the running segment and waits for its goroutines.
func (pb *playback) stopSegment() {
	seg := pb.seg
	if seg == nil {
		return
	}
	seg.cancel()
	done := make(chan struct{})
	go func() { seg.wg.Wait(); close(done) }()
	// A writer blocked on a full sink buffer returns once it is flushed;
	// flush again until the goroutines are gone, since a write may start
	// just after a flush.
	retry := time.NewTicker(20 * time.Millisecond)
	defer retry.Stop()
	deadline := time.NewTimer(segmentStopTimeout)
	defer deadline.Stop()
	for waiting := true; waiting; {
		pb.p.cfg.Sink.Flush()
		select {
		case <-done:
			waiting = false
		case <-retry.C:
		case <-deadline.C:
			pb.p.log.Error("playback goroutines did not stop; abandoning the session")
			pb.sess.Close()
			<-done
			waiting = false
		}
	}
	active := seg.active.Load()
	if active != nil && active != pb.cur {
		active.close()
	}
	// Track sets still queued behind a change marker were never adopted.
	for _, ts := range seg.q.pendingChanges() {
		if ts != pb.cur && ts != active {
			ts.close()
		}
	}
	if sw := pb.pendingSwitch.Swap(nil); sw != nil && sw.ts != pb.cur {
		sw.ts.close()
	}
}

// resetDecoders drops decoder state before a new segment.
func (pb *playback) resetDecoders() {
	if pb.cur != nil && pb.cur.adec != nil {
		pb.cur.adec.Reset()
	}
}

// closeDecoders releases the decoders (after stopSegment).
func (pb *playback) closeDecoders() {
	pb.cur.close()
}

// requestSelect switches streams in the running session (live sources).
func (pb *playback) requestSelect(ts *trackSet) {
	if old := pb.pendingSwitch.Swap(&switchReq{ts: ts}); old != nil {
		old.ts.close()
	}
}

// send reports to the owner unless the segment was cancelled.
func (pb *playback) send(seg *segment, m pbMsg) {
	m.gen, m.seg = pb.gen, seg.id
	select {
	case pb.p.inbox <- m:
	case <-seg.ctx.Done():
	}
}

// reader pulls samples from the session into the queue.
func (pb *playback) reader(seg *segment) {
	defer seg.wg.Done()
	ctx := seg.ctx
	if err := pb.sess.Play(ctx, seg.from); err != nil {
		if ctx.Err() == nil {
			seg.q.finish(fmt.Errorf("starting playback at %v: %w", seg.from, err))
		}
		return
	}
	for {
		if sw := pb.pendingSwitch.Swap(nil); sw != nil {
			if err := pb.sess.Select(sw.ts.selected); err != nil {
				sw.ts.close()
				pb.send(seg, pbMsg{kind: msgWarning, err: fmt.Errorf("switching streams: %w", err)})
			} else if err := seg.q.push(ctx, item{change: sw.ts}); err != nil {
				sw.ts.close()
				return
			}
		}
		s, err := pb.sess.ReadSample(ctx)
		switch {
		case err == nil:
			if err := seg.q.push(ctx, item{s: s}); err != nil {
				return
			}
		case ctx.Err() != nil:
			return
		case errors.Is(err, transport.ErrInfoChanged):
			ts, perr := pb.plan(pb.sess.Info(), nil)
			if perr != nil {
				seg.q.finish(fmt.Errorf("after a new header: %w", perr))
				return
			}
			if err := pb.sess.Select(ts.selected); err != nil {
				ts.close()
				seg.q.finish(fmt.Errorf("after a new header: selecting streams: %w", err))
				return
			}
			if err := seg.q.push(ctx, item{change: ts}); err != nil {
				ts.close()
				return
			}
		case errors.Is(err, io.EOF):
			seg.q.finish(io.EOF)
			return
		default:
			seg.q.finish(err)
			return
		}
	}
}

// realtimeSink is implemented by sinks that play at the speed of a clock;
// only for those does an empty queue mean an audible underrun.
type realtimeSink interface {
	Realtime() bool
}

// output decodes queued samples and writes them to the sink.
func (pb *playback) output(seg *segment) {
	defer seg.wg.Done()
	ctx := seg.ctx
	sink := pb.p.cfg.Sink
	realtime := false
	if rs, ok := sink.(realtimeSink); ok {
		realtime = rs.Realtime()
	}
	progress := func(f float64) { pb.send(seg, pbMsg{kind: msgBuffering, value: f}) }
	if err := seg.q.waitLevel(ctx, pb.target, progress); err != nil {
		return
	}
	seg.started.Store(true)
	pb.send(seg, pbMsg{kind: msgStarted})

	o := outState{pb: pb, seg: seg, sink: sink, ts: seg.active.Load()}
	defer func() { seg.active.Store(o.ts) }()
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
			o.switchTo(it.change)
			continue
		}
		if done, err := o.handle(it.s); err != nil {
			pb.send(seg, pbMsg{kind: msgFatal, err: err})
			return
		} else if done {
			o.finish()
			return
		}
	}
}

// outState is the output goroutine's working state.
type outState struct {
	pb         *playback
	seg        *segment
	sink       audio.Sink
	ts         *trackSet
	pcm        []byte
	sinkFmt    audio.Format
	wrote      bool
	failStreak int
}

// switchTo adopts a new track set (new header or live stream switch).
func (o *outState) switchTo(ts *trackSet) {
	old := o.ts
	o.ts = ts
	o.seg.active.Store(ts)
	if old != nil && old != ts {
		old.close()
	}
	o.pb.send(o.seg, pbMsg{kind: msgMediaChanged, ts: ts})
}

// handle decodes and plays one sample; done reports the end position was
// reached.
func (o *outState) handle(s transport.Sample) (done bool, err error) {
	ts := o.ts
	if ts == nil || ts.audio == nil || s.Track != ts.audio.ID {
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
	if len(o.pcm) == 0 {
		return false, nil
	}
	f := ts.adec.Format()
	if !f.Valid() {
		return false, fmt.Errorf("decoder for %s reported an invalid format %v", ts.audio.Codec, f)
	}
	fs := f.FrameSize()
	pcm := o.pcm[:len(o.pcm)/fs*fs]
	seg := o.seg
	// The cursor follows the PCM actually produced; it re-anchors on the
	// sample timestamp at the start and after a jump of more than 250 ms.
	cur := time.Duration(seg.cursor.Load())
	if !seg.haveCursor.Load() || absDur(s.PTS-cur) > 250*time.Millisecond {
		cur = s.PTS
	}
	// Trim what lies before the segment start (after a seek the source
	// delivers from the preceding key point).
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
		if o.seg.ctx.Err() != nil {
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

// finish plays out what the sink holds and reports the end.
func (o *outState) finish() {
	if o.wrote {
		o.sink.Drain()
	}
	if o.seg.ctx.Err() != nil {
		return
	}
	o.pb.send(o.seg, pbMsg{kind: msgEnded})
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
