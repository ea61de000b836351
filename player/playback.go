package player

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/playlist"
)

// maxConsecutiveDecodeErrors ends playback when a decoder fails on this many
// samples in a row (isolated failures are concealed and counted).
const maxConsecutiveDecodeErrors = 64

// segmentStopTimeout bounds how long a stop waits for the playback
// goroutines; a session that ignores cancellation is then abandoned.
const segmentStopTimeout = 5 * time.Second

// trackSet is what the output stage plays: the presentation, the chosen
// stream numbers and their decoders. The audio decoder belongs to the output
// goroutine and the video decoder to the video goroutine while a segment
// runs; closes are idempotent.
type trackSet struct {
	info     transport.Info
	selected []int
	audio    *transport.Track
	adec     decoder.Audio
	video    *transport.Track
	vdec     decoder.Video
	warnings []error
	// alt are the other qualities of the audio and video tracks that an
	// adaptive session may switch to (Capabilities.Adaptive), by ID;
	// fixed once planned. The output and video goroutines re-make their
	// decoder when a sample of one of them comes.
	alt map[int]transport.Track

	mu sync.Mutex
}

func (ts *trackSet) close() {
	ts.closeAudio()
	ts.closeVideo()
}

func (ts *trackSet) closeAudio() {
	if ts == nil {
		return
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.adec != nil {
		ts.adec.Close()
		ts.adec = nil
	}
}

func (ts *trackSet) closeVideo() {
	if ts == nil {
		return
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.vdec != nil {
		ts.vdec.Close()
		ts.vdec = nil
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
	// entry is the client-side playlist entry this session plays, nil
	// for a single URL.
	entry *playlist.Entry
	// Owner's view: the latest presentation and planned track set.
	info   transport.Info
	cur    *trackSet
	target time.Duration

	seg   *segment
	segID int

	pendingSwitch atomic.Pointer[switchReq]
	// userSel is the user's explicit stream choice (nil: automatic), for
	// the reader's choice on a new presentation.
	userSel atomic.Pointer[[]int]
	// endAt is the end fixed by the first segment's limit (ns; 0 = none).
	endAt atomic.Int64
	// rate is the playback rate of the next segments (owner only).
	rate float64
	// speed is the speed of normal playback (SetSpeed), as float64 bits;
	// 0 means 1.
	speed atomic.Uint64
	// clockCh is closed (and cleared) when the clock's course changes (a
	// speed change), so a picture waiting for its time measures again.
	clockMu sync.Mutex
	clockCh chan struct{}
	// shown is the PTS of the picture on screen (-1: none yet).
	shown atomic.Int64
	// stepNext makes the next segment a frame step (owner only).
	stepNext bool
	paused   atomic.Bool
	// pausedAt is where a paused presentation resumes.
	pausedAt time.Duration
	// controlDone is closed when the last control call (Pause) returns;
	// the next reader waits for it before calling Play.
	controlDone chan struct{}

	decodeErrors atomic.Int64
	// qualitySwitches counts the decoder changes an adaptive session's
	// quality changes caused (audio and video).
	qualitySwitches atomic.Int64
	qmu             sync.Mutex
	qualities       map[int]int // track ID → bit rate, of the tracks played
	framesDecoded   atomic.Int64
	// audioPlayed is the media time of the audio written to the sink
	// since the presentation opened (ns).
	audioPlayed atomic.Int64
	// samplesIn counts the samples of the selected tracks the output
	// stage received, and lastPTS is the latest of their times (ns); they
	// say why nothing was decoded, when nothing was.
	samplesIn     atomic.Int64
	lastPTS       atomic.Int64
	framesDropped atomic.Int64
	avSyncMax     atomic.Int64
}

// segment is one continuous run of delivery from a start position.
type segment struct {
	id     int
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	q      *sampleQueue
	from   time.Duration
	limit  time.Duration // OpenOptions.Duration
	rate   float64       // 1, or a fast forward / rewind rate
	// preview is a segment run while paused after a seek: it shows the
	// first picture at from, plays no audio, and ends there.
	preview bool
	// step makes a preview show the first picture after the one on
	// screen (from is just after it): a frame step.
	step bool

	// skipping drops the rest of a playlist entry being skipped.
	skipping atomic.Bool
	end      atomic.Int64 // media time (ns) where output stops; 0 = none
	started  atomic.Bool
	active   atomic.Pointer[trackSet] // the set the output stage uses

	// cursor is the media time at the end of the PCM written to the sink,
	// in nanoseconds; valid once haveCursor.
	cursor     atomic.Int64
	haveCursor atomic.Bool

	// Video: samples for the video goroutine (closed by the output stage
	// at the end), and its exit.
	vin        chan videoItem
	videoDone  chan struct{}
	firstFrame chan struct{} // closed when the first picture is decoded
	audioDone  atomic.Bool   // all audio has been played out
	wall       wallClock     // clock when no audio drives it

	// control is closed when the session call before this segment
	// (a Pause) returned.
	control chan struct{}

	retiredMu sync.Mutex
	retired   []*trackSet // sets replaced during the segment
}

func newPlayback(p *Player, s transport.Session, gen int) *playback {
	pb := &playback{p: p, sess: s, gen: gen}
	pb.shown.Store(-1)
	return pb
}

// plan chooses tracks and creates decoders for info: the player is the one
// owner of the stream choice (transport.ChooseTracks), sessions only apply
// it. user is the user's choice (nil = automatic); langs are languages to
// prefer before Config.Language (those of what was playing before a new
// presentation). It touches no playback state, so the reader goroutine
// may call it too.
func (pb *playback) plan(info transport.Info, user []int, langs ...string) (*trackSet, error) {
	cfg := &pb.p.cfg
	bandwidth := cfg.Bandwidth
	if bandwidth == 0 {
		// A measured link speed (MS-WMSP packet pair) when the user set
		// no cap.
		bandwidth = pb.sess.Stats().BandwidthBps
	}
	for _, t := range info.Tracks {
		if t.Encrypted {
			return nil, fmt.Errorf("stream %d: %w", t.ID, transport.ErrEncrypted)
		}
	}
	playable := func(t transport.Track) bool {
		if t.Type == transport.Video && cfg.Video == nil {
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
		if cfg.Language != "" {
			langs = append(slices.Clip(langs), cfg.Language)
		}
		sel = transport.ChooseTracks(info, bandwidth, transport.Preferences{Languages: langs, Supported: playable, NoVideo: cfg.Video == nil})
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
			if cfg.Video == nil {
				continue
			}
			dec, err := cfg.Decoders.NewVideo(t)
			if err != nil {
				problems = append(problems, fmt.Errorf("video stream %d: %w", t.ID, err))
				continue
			}
			if w, ok := cfg.Video.(PictureWanter); ok && !w.WantsPictures() {
				if sk, ok := dec.(decoder.PictureSkipper); ok {
					sk.SkipPictures(true)
				}
			}
			tt := t
			ts.video, ts.vdec = &tt, dec
			ts.selected = append(ts.selected, id)
		default:
			ts.selected = append(ts.selected, id)
		}
	}
	if info.Caps.Adaptive && user == nil {
		ts.addAlternatives(playable, cfg.Bandwidth)
	}
	if ts.audio == nil && ts.video == nil {
		if len(problems) == 0 {
			for _, t := range info.Tracks {
				switch {
				case t.Type == transport.Audio && !cfg.Decoders.Supports(t):
					_, err := cfg.Decoders.NewAudio(t)
					problems = append(problems, fmt.Errorf("audio stream %d: %w", t.ID, err))
				case t.Type == transport.Video && !cfg.Decoders.Supports(t):
					_, err := cfg.Decoders.NewVideo(t)
					problems = append(problems, fmt.Errorf("video stream %d: %w", t.ID, err))
				}
			}
		}
		if len(problems) == 0 {
			problems = append(problems, errors.New("the presentation has no playable audio or video stream"))
		}
		ts.close()
		return nil, fmt.Errorf("%w: %w", ErrNothingToPlay, errors.Join(problems...))
	}
	// Say what will not be seen or heard.
	if ts.audio == nil && len(problems) == 0 {
		for _, t := range info.Tracks {
			if t.Type == transport.Audio {
				_, err := cfg.Decoders.NewAudio(t)
				if err != nil {
					problems = append(problems, fmt.Errorf("audio stream %d: %w; playing video only", t.ID, err))
				}
				break
			}
		}
	}
	if ts.video == nil && cfg.Video != nil {
		for _, t := range info.Tracks {
			if t.Type == transport.Video && !cfg.Decoders.Supports(t) {
				problems = append(problems, fmt.Errorf("video stream %d: codec %s is not supported yet; playing audio only", t.ID, t.Codec))
				break
			}
		}
	}
	ts.warnings = problems
	return ts, nil
}

// adopt makes ts the owner's current set after the session selected it.
func (pb *playback) adopt(ts *trackSet) {
	pb.info = ts.info
	pb.cur = ts
	pb.target = pb.bufferTarget()
	for _, t := range []*transport.Track{ts.audio, ts.video} {
		if t != nil {
			pb.playedQuality(*t)
		}
	}
}

// playedQuality records that t was played (the qualities an adaptive
// session went through, Stats.QualitiesPlayed).
func (pb *playback) playedQuality(t transport.Track) {
	pb.qmu.Lock()
	defer pb.qmu.Unlock()
	if pb.qualities == nil {
		pb.qualities = map[int]int{}
	}
	pb.qualities[t.ID] = t.Bitrate
}

// qualitiesPlayed are the bit rates of the tracks played, ascending.
func (pb *playback) qualitiesPlayed() []int {
	pb.qmu.Lock()
	defer pb.qmu.Unlock()
	out := make([]int, 0, len(pb.qualities))
	for _, b := range pb.qualities {
		out = append(out, b)
	}
	slices.Sort(out)
	return out
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

// localReadAhead is the most media a local source (transport.Info.Local)
// is read ahead of the play position: it comes as fast as it is asked
// for, so reading MaxBuffer (30 s) ahead only held megabytes of samples
// (10 MB for a 720p WMV, issue 12) and made a recording started later
// miss them.
const localReadAhead = 5 * time.Second

// readAhead is the most media time a segment's queue holds: MaxBuffer,
// or for a local source localReadAhead (at least twice the buffer
// target, so that buffering is never cut short by a full queue).
func (pb *playback) readAhead() time.Duration {
	m := pb.p.cfg.MaxBuffer
	if pb.info.Local {
		return min(m, max(localReadAhead, 2*pb.bufferTarget()))
	}
	return m
}

// Start policy. Playback starts when the buffer target is reached, or
// earlier when media arrives clearly faster than real time (a server's fast
// start or a local file): then the buffer grows while playing.
const (
	// minStartBuffer is the least media buffered before an early start.
	minStartBuffer = 500 * time.Millisecond
	// fastArrival is the arrival rate (media time per real time) that
	// allows an early start.
	fastArrival = 1.5
	// minArrivalWindow is how long arrival is watched before trusting the
	// rate.
	minArrivalWindow = 250 * time.Millisecond
)

// startTarget is the media time to buffer before the first output: the
// buffer target, or less when the session advises it (MS-WMSP Advanced
// Fast Start, transport.StartupAdvisor).
func (pb *playback) startTarget() time.Duration {
	if a, ok := pb.sess.(transport.StartupAdvisor); ok {
		if d, ok := a.StartupBuffer(); ok {
			return min(max(d, 100*time.Millisecond), pb.target)
		}
	}
	return pb.target
}

// fastStartReady returns the early-start test for a segment.
func (pb *playback) fastStartReady(seg *segment) func(time.Duration) bool {
	begin := pb.p.now()
	return func(span time.Duration) bool {
		if span < minStartBuffer {
			return false
		}
		el := pb.p.now().Sub(begin)
		return el >= minArrivalWindow && float64(span) >= fastArrival*float64(el)
	}
}

// contentBitrate is the bit rate of the selected streams.
func (pb *playback) contentBitrate() int64 {
	if pb.cur == nil {
		return 0
	}
	var sum int64
	unknown := false
	for _, id := range pb.cur.selected {
		t, _ := pb.info.Track(id)
		if t.Type != transport.Audio && t.Type != transport.Video {
			continue
		}
		if t.Bitrate <= 0 {
			unknown = true
		}
		sum += int64(t.Bitrate)
	}
	if unknown && int64(pb.info.MaxBitrate) > sum {
		return int64(pb.info.MaxBitrate)
	}
	return sum
}

// media describes the presentation for the UI. What it can do comes from
// the content's capabilities (Info.Caps), and only where the session has
// the method.
func (pb *playback) media() *Media {
	in := pb.info
	m := &Media{
		CanRate:     pb.canRate(),
		CanSkip:     pb.canSkip(1),
		CanSkipBack: pb.canSkip(-1),
		URL:         in.URL,
		Protocol:    in.Protocol,
		Duration:    in.Duration,
		Seekable:    in.Seekable && !in.Broadcast,
		Broadcast:   in.Broadcast,
		SeekWindow:  in.SeekWindow,
		Metadata:    in.Metadata,
	}
	sel := map[int]bool{}
	if ts := pb.cur; ts != nil {
		for _, id := range ts.selected {
			if _, alt := ts.alt[id]; !alt {
				sel[id] = true
			}
		}
		// Of an adaptive stream's qualities, the one playing.
		ts.mu.Lock()
		for _, t := range []*transport.Track{ts.audio, ts.video} {
			if t != nil {
				sel[t.ID] = true
			}
		}
		ts.mu.Unlock()
	}
	for _, t := range in.Tracks {
		m.Tracks = append(m.Tracks, TrackInfo{Track: t, Decoder: pb.p.cfg.Decoders.Name(t), Selected: sel[t.ID]})
	}
	return m
}

// setUserSel records the user's explicit choice (nil: automatic) for the
// reader's choice on a new presentation.
func (pb *playback) setUserSel(ids []int) {
	if ids == nil {
		pb.userSel.Store(nil)
		return
	}
	c := slices.Clone(ids)
	pb.userSel.Store(&c)
}

// selectNow has the session apply a choice from the owner goroutine
// (before the first Play, or between segments), within the network
// timeout: a session may send requests for it (MS-RTSP SETUP).
// interrupted: a command that leaves the presentation (or Halt) cut it
// short (Player.ownerCall), and the caller leaves it to that command.
func (pb *playback) selectNow(ids []int) (interrupted bool, err error) {
	ctx, cut, finish := pb.p.ownerCall()
	defer finish()
	err = pb.sess.Select(ctx, ids)
	return err != nil && cut(), err
}

// canRate reports that the content may be played fast forward and
// rewound: the session offers it for this content (Caps.Rate) and has
// the method (transport.RatePlayer).
func (pb *playback) canRate() bool {
	in := pb.info
	_, ok := pb.sess.(transport.RatePlayer)
	return ok && in.Caps.Rate && in.Seekable && !in.Broadcast
}

// canSkip reports that the session can move to the next (offset > 0) or
// previous entry of a server-side playlist from the current one.
func (pb *playback) canSkip(offset int) bool {
	if _, ok := pb.sess.(transport.PlaylistNavigator); !ok {
		return false
	}
	if offset > 0 {
		return pb.info.Caps.SkipForward
	}
	return pb.info.Caps.SkipBackward
}

// control runs a session call that must not block the owner (a network
// request) in the background; the next segment, and the next control
// call, wait for it. Like the owner's own calls it ends early when a
// command leaves the presentation (Player.ownerCall).
func (pb *playback) control(f func(ctx context.Context, s transport.Session) error) {
	pb.waitControl()
	done := make(chan struct{})
	pb.controlDone = done
	sess, log := pb.sess, pb.p.log
	ctx, _, finish := pb.p.ownerCall()
	go func() {
		defer close(done)
		defer finish()
		if err := f(ctx, sess); err != nil {
			log.Info("session control call failed", "err", err)
		}
	}()
}

// waitControl waits for a running control call.
func (pb *playback) waitControl() {
	if pb.controlDone != nil {
		<-pb.controlDone
	}
}

// nothingDecoded says why a presentation ended without a sample decoded.
func (pb *playback) nothingDecoded() error {
	st := pb.sess.Stats()
	n, de := pb.samplesIn.Load(), pb.decodeErrors.Load()
	var why string
	switch {
	case de > 0:
		why = fmt.Sprintf("%d of %d samples failed to decode", de, n)
	case n > 0 && pb.seg != nil && time.Duration(pb.lastPTS.Load()) < pb.seg.from:
		why = fmt.Sprintf("the start position %v is past the last media, at %v", pb.seg.from, time.Duration(pb.lastPTS.Load()))
	case n > 0:
		why = fmt.Sprintf("%d samples gave no audio or picture", n)
	case st.CorruptPackets > 0:
		why = fmt.Sprintf("all %d packets received were corrupt", st.CorruptPackets)
	case st.PacketsReceived > 0:
		why = fmt.Sprintf("%d packets held no media of the streams played", st.PacketsReceived)
	default:
		why = "the source ended before any media arrived"
	}
	return fmt.Errorf("%w from %s: %s", ErrNothingDecoded, pb.info.URL, why)
}

// position is the media time being heard now.
func (pb *playback) position() time.Duration {
	seg := pb.seg
	if seg == nil {
		return pb.pausedAt
	}
	if seg.rate != 1 {
		return max(seg.wall.now(pb.p.now()), 0)
	}
	if !seg.haveCursor.Load() {
		return seg.from
	}
	// The cursor is read before the sink's buffered audio: a chunk the
	// output goroutine writes in between is then counted as buffered but
	// not yet in the cursor, which puts the position behind (by what of
	// the chunk the sink took), never ahead of what is heard. Read the
	// other way round, a write completing in between put it ahead. A
	// cursor that moved during the read (a whole chunk written, and part
	// of the next) is read again, so the position is at most one
	// writeChunk behind. A sink with room takes several chunks in a row
	// (half its buffer), each moving the cursor; the reads are
	// bounded for a writer that never waits (a file).
	cursor := seg.cursor.Load()
	buffered := pb.p.cfg.Sink.Buffered()
	for range 32 {
		again := seg.cursor.Load()
		if again == cursor {
			break
		}
		cursor = again
		buffered = pb.p.cfg.Sink.Buffered()
	}
	// The sink's buffered audio is output time: media time at the speed.
	if s := pb.speedOrOne(); s != 1 {
		buffered = time.Duration(float64(buffered) * s)
	}
	pos := subDur(time.Duration(cursor), buffered)
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

// startSegment starts the reader, output and video goroutines at from.
// limit > 0 stops output after that much media of the presentation: the end
// is fixed by the first audio played (a live stream's timeline does not
// start at 0) and kept for later segments (seeks). A preview segment shows
// the picture at from and stops (a seek while paused).
func (pb *playback) startSegment(from, limit time.Duration, preview bool) {
	pb.segID++
	ctx, cancel := context.WithCancel(context.Background())
	seg := &segment{
		id: pb.segID, ctx: ctx, cancel: cancel, from: from, limit: limit, rate: pb.rateOrOne(), preview: preview, step: preview && pb.stepNext,
		q:          newSampleQueue(pb.readAhead(), pb.p.cfg.MaxBufferBytes),
		vin:        make(chan videoItem, videoQueueLen),
		videoDone:  make(chan struct{}),
		firstFrame: make(chan struct{}),
	}
	if e := pb.endAt.Load(); e != 0 {
		seg.end.Store(e)
	}
	seg.wall.reset(from, pb.paused.Load(), pb.p.now())
	seg.wall.rate = seg.rate
	if seg.rate == 1 {
		seg.wall.rate = pb.speedOrOne()
	}
	seg.active.Store(pb.cur)
	seg.control = pb.controlDone
	switch {
	case len(pb.cur.alt) > 0:
		seg.q.setClock(0) // qualities change track IDs: any sample measures
	case pb.cur.audio != nil:
		seg.q.setClock(pb.cur.audio.ID)
	case pb.cur.video != nil:
		seg.q.setClock(pb.cur.video.ID)
	}
	pb.seg = seg
	seg.wg.Add(3)
	go pb.reader(seg)
	go pb.output(seg)
	go pb.video(seg)
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
	// Close every decoder set the segment used or was handed, except the
	// current one.
	sets := append(seg.q.pendingChanges(), seg.active.Load())
	seg.retiredMu.Lock()
	sets = append(sets, seg.retired...)
	seg.retired = nil
	seg.retiredMu.Unlock()
	if sw := pb.pendingSwitch.Swap(nil); sw != nil {
		sets = append(sets, sw.ts)
	}
	for _, ts := range sets {
		if ts != nil && ts != pb.cur {
			ts.close()
		}
	}
}

// rateOrOne is the playback rate, 1 when unset.
// speedOrOne is the speed of normal playback (SetSpeed).
func (pb *playback) speedOrOne() float64 {
	if s := math.Float64frombits(pb.speed.Load()); s > 0 {
		return s
	}
	return 1
}

// setSpeed changes the speed of normal playback at once: the output
// goroutine picks it up at its next write, the wall clock (video
// without audio) from now.
func (pb *playback) setSpeed(s float64) {
	pb.speed.Store(math.Float64bits(s))
	if seg := pb.seg; seg != nil && seg.rate == 1 {
		seg.wall.setRate(s, pb.p.now())
	}
	pb.clockMu.Lock()
	if pb.clockCh != nil {
		close(pb.clockCh)
		pb.clockCh = nil
	}
	pb.clockMu.Unlock()
}

// clockMoved returns a channel closed at the clock's next change of
// course (setSpeed).
func (pb *playback) clockMoved() <-chan struct{} {
	pb.clockMu.Lock()
	defer pb.clockMu.Unlock()
	if pb.clockCh == nil {
		pb.clockCh = make(chan struct{})
	}
	return pb.clockCh
}

func (pb *playback) rateOrOne() float64 {
	if pb.rate == 0 {
		return 1
	}
	return pb.rate
}

// resetDecoders drops decoder state before a new segment.
func (pb *playback) resetDecoders() {
	if pb.cur == nil {
		return
	}
	if pb.cur.adec != nil {
		pb.cur.adec.Reset()
	}
	if pb.cur.vdec != nil {
		pb.cur.vdec.Reset()
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

// startDelivery asks the session to deliver from the segment's start, at
// its rate; false when the reader must stop.
func (pb *playback) startDelivery(seg *segment) bool {
	ctx := seg.ctx
	if seg.rate != 1 {
		err := ErrRateUnsupported
		if rp, ok := pb.sess.(transport.RatePlayer); ok {
			err = rp.PlayRate(ctx, seg.from, seg.rate)
		}
		if err != nil && ctx.Err() == nil {
			// Not offered after all: the owner says so and plays on at
			// normal speed.
			pb.send(seg, pbMsg{kind: msgRateRefused, err: fmt.Errorf("playing at %g×: %w", seg.rate, err)})
		}
		return err == nil
	}
	if err := pb.sess.Play(ctx, seg.from); err != nil {
		if ctx.Err() == nil {
			seg.q.finish(fmt.Errorf("starting playback at %v: %w", seg.from, err))
		}
		return false
	}
	return true
}

// reader pulls samples from the session into the queue.
func (pb *playback) reader(seg *segment) {
	defer seg.wg.Done()
	ctx := seg.ctx
	if seg.control != nil {
		select {
		case <-seg.control:
		case <-ctx.Done():
			return
		}
	}
	if !pb.startDelivery(seg) {
		return
	}
	// last is the track set the session applies now: a new presentation
	// carries its choice over (nextSet).
	last := seg.active.Load()
	for {
		if sw := pb.pendingSwitch.Swap(nil); sw != nil {
			if err := pb.sess.Select(ctx, sw.ts.selected); err != nil {
				sw.ts.close()
				pb.send(seg, pbMsg{kind: msgWarning, err: fmt.Errorf("switching streams: %w", err)})
			} else if err := seg.q.push(ctx, item{change: sw.ts}); err != nil {
				sw.ts.close()
				return
			} else {
				last = sw.ts
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
			// The session chooses nothing: the player chooses for the new
			// presentation and the session applies it (an MS-WMSP
			// playlist entry streams only once it has).
			ts, perr := pb.nextSet(last, pb.sess.Info())
			if perr != nil {
				seg.q.finish(fmt.Errorf("after a new header: %w", perr))
				return
			}
			if err := pb.sess.Select(ctx, ts.selected); err != nil {
				ts.close()
				if ctx.Err() == nil {
					seg.q.finish(fmt.Errorf("after a new header: selecting streams: %w", err))
				}
				return
			}
			if err := seg.q.push(ctx, item{change: ts}); err != nil {
				ts.close()
				return
			}
			last = ts
		case errors.Is(err, io.EOF):
			if err != io.EOF {
				// Not the bare io.EOF of a plain end but an end the
				// session explains (a broadcast whose server went away
				// and did not come back): the user sees why it ended.
				pb.send(seg, pbMsg{kind: msgWarning, err: err})
			}
			seg.q.finish(io.EOF)
			// The next playlist entry may open while this one plays out.
			pb.send(seg, pbMsg{kind: msgDelivered})
			return
		default:
			seg.q.finish(err)
			return
		}
	}
}

// resetCounters starts the playback's own counters over (decoded and
// dropped frames, decode errors, audio played, A/V sync, quality
// switches) for a new playing of the same presentation.
func (pb *playback) resetCounters() {
	pb.decodeErrors.Store(0)
	pb.framesDecoded.Store(0)
	pb.framesDropped.Store(0)
	pb.avSyncMax.Store(0)
	pb.audioPlayed.Store(0)
	pb.qualitySwitches.Store(0)
}
