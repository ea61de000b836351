package smooth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/smooth/manifest"
)

// playback is one run of delivery: a fetcher per selected stream and the
// reader's merge of their samples.
type playback struct {
	s        *session
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	fetchers []*fetcher
	last     atomic.Int64 // PTS of the last sample delivered

	syncOnce sync.Once // syncLive
	syncErr  error

	// The fetchers' shared manifest refresh (fetcher.refresh).
	refreshMu       sync.Mutex
	refreshAt       time.Time
	refreshErr      error
	refreshFailures int
	refreshed       *manifest.Manifest
}

// fetcher downloads one stream's fragments in order into out.
type fetcher struct {
	pb    *playback
	index int // the stream's index in session.streams
	st    *stream
	// next is the start time (the stream's TimeScale units) of the next
	// fragment to fetch: a time, not an index, because a live timeline
	// is trimmed at its old end (the DVR window) and renumbered.
	next uint64
	// from is the position a live fetcher starts at, resolved into next
	// when it starts (after bringing a stale timeline up to date).
	from time.Duration
	out  chan fragment
	// reader side
	head   []transport.Sample
	ended  bool
	cur    int          // the quality ID last delivered
	queued atomic.Int64 // media queued in out, nanoseconds
	// lastRate is the bit rate of the quality fetched last.
	lastRate atomic.Int64
}

// fragment is what a fetcher hands the reader: a fragment's samples, or
// the end (err io.EOF) or a failure.
type fragment struct {
	samples []transport.Sample
	media   time.Duration
	err     error
}

func newPlayback(s *session, from time.Duration) *playback {
	ctx, cancel := context.WithCancel(context.Background())
	pb := &playback{s: s, ctx: ctx, cancel: cancel}
	pb.last.Store(int64(from))
	for i, st := range s.streams {
		if len(s.allowedQualities(st)) == 0 {
			continue
		}
		f := &fetcher{pb: pb, index: i, st: st, out: make(chan fragment, s.d.prefetch()), cur: -1}
		f.from = from
		if !s.m.IsLive {
			f.next = s.startAt(st, from)
		}
		pb.fetchers = append(pb.fetchers, f)
	}
	return pb
}

// startAt is where st starts for position from (s.mu held): the start of
// the fragment holding it. Live, from 0 (or a position past the known
// timeline) is the live point; a position before the DVR window starts at
// the window's oldest fragment (the player clamps seeks to Info's window;
// the session clamps too, rather than fail, because the window has moved
// on since that Info: MS-SSTR 2.2.2.1 only says how far back the server
// keeps fragments). Negative positions are before the window.
func (s *session) startAt(st *stream, from time.Duration) uint64 {
	if st.si.Len() == 0 {
		return 0
	}
	at := st.si.Ticks(max(from, 0) + s.origin)
	if s.m.IsLive && st.si.Sparse() {
		// A sparse stream starts where its parent does: at the fragment
		// still showing then, not the oldest of the DVR window.
		if p := s.stream(st.si.ParentStreamIndex); p != nil && p.si.Len() > 0 {
			pt := p.si.Time(s.startAt(p, from))
			f, _ := st.si.FragmentAt(st.si.Ticks(pt))
			return f.Start
		}
	}
	if s.m.IsLive {
		if from == 0 || at >= st.si.End() {
			f, _ := st.si.Fragment(s.livePointIndex(st))
			return f.Start
		}
		f, _ := st.si.FragmentAt(at)
		if first, ok := s.windowStart(st); ok && (f.Start < first.Start || from < 0) {
			f = first
		}
		return f.Start
	}
	if at >= st.si.End() {
		return st.si.End() // past the end: the stream ends at once
	}
	f, _ := st.si.FragmentAt(at)
	return f.Start
}

// livePointIndex is the fragment a live stream starts at (s.mu held):
// LookaheadCount+1 fragments behind the newest known one, so that the
// fragments fetched first carry tfrf boxes announcing those that follow
// (MS-SSTR 2.2.4.5) and the server, which buffers LookaheadCount
// fragments, has them all.
func (s *session) livePointIndex(st *stream) int {
	back := int(min(s.m.LookaheadCount, 16)) + 1
	return max(st.si.Len()-1-back, 0)
}

// syncLive brings the live timelines up to date once per playback
// before the fetchers pick where to start: after a pause the known
// timeline may be far behind the server's edge (and out of its DVR
// window). A timeline learned less than a fragment ago is fresh.
func (pb *playback) syncLive(ctx context.Context) error {
	pb.syncOnce.Do(func() {
		s := pb.s
		s.mu.Lock()
		stale := false
		now := s.now()
		for _, st := range s.streams {
			if n := st.si.Len(); n > 0 {
				f, _ := st.si.Fragment(n - 1)
				if now.Sub(st.live.learnedAt) > f.EndTime-f.StartTime {
					stale = true
				}
			}
		}
		s.mu.Unlock()
		if stale {
			pb.syncErr = s.reload(ctx)
		}
	})
	return pb.syncErr
}

func (pb *playback) start() {
	for _, f := range pb.fetchers {
		pb.wg.Add(1)
		go f.run()
	}
}

func (pb *playback) stop() {
	pb.cancel()
	pb.wg.Wait()
}

func (pb *playback) streamSet() []int {
	var out []int
	for _, f := range pb.fetchers {
		out = append(out, f.index)
	}
	return out
}

func (pb *playback) position() time.Duration { return time.Duration(pb.last.Load()) }

// next returns the sample with the lowest decode time among the streams'
// next ones, waiting for a stream whose next fragment has not come yet.
func (pb *playback) next(ctx context.Context) (transport.Sample, error) {
	for {
		var pick *fetcher
		for _, f := range pb.fetchers {
			for len(f.head) == 0 && !f.ended {
				var fr fragment
				if f.st.typ == transport.Text {
					// A sparse caption stream never holds the media back:
					// its next caption may be minutes away (MS-SSTR 2.2.5).
					select {
					case fr = <-f.out:
					default:
					}
					if fr.samples == nil && fr.err == nil {
						break
					}
				} else {
					select {
					case fr = <-f.out:
					case <-ctx.Done():
						return transport.Sample{}, ctx.Err()
					case <-pb.ctx.Done():
						return transport.Sample{}, transport.ErrClosed
					}
				}
				f.queued.Add(-int64(fr.media))
				switch {
				case errors.Is(fr.err, errEnd):
					f.ended = true
				case fr.err != nil && f.st.typ == transport.Text:
					// Captions that fail end; the media go on (the loss
					// is counted as the fetcher gives up, send).
					f.ended = true
				case fr.err != nil:
					return transport.Sample{}, fr.err
				default:
					f.head = fr.samples
				}
			}
			if len(f.head) == 0 {
				continue
			}
			if pick == nil || decodeTime(f.head[0]) < decodeTime(pick.head[0]) {
				pick = f
			}
		}
		if pick == nil {
			return transport.Sample{}, io.EOF
		}
		smp := pick.head[0]
		pick.head[0] = transport.Sample{}
		pick.head = pick.head[1:]
		if pick.cur >= 0 && smp.Track != pick.cur {
			smp.Switched = true
		}
		pick.cur = smp.Track
		pb.last.Store(int64(smp.PTS))
		pb.s.stats.samples.Add(1)
		return smp, nil
	}
}

func decodeTime(s transport.Sample) time.Duration { return s.PTS - s.CompositionOffset }

// errLeftWindow is a live fragment that answered 404 and is older than
// the server's DVR window: gone, and not coming back.
var errLeftWindow = errors.New("fragment left the DVR window")

// leftWindow reports whether fr is older than st's DVR window.
func (s *session) leftWindow(st *stream, fr manifest.Fragment) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws, ok := s.windowStart(st)
	return ok && fr.Start < ws.Start
}

// errEnd is a fetcher's end of stream.
var errEnd = errors.New("end of stream")

// run fetches fragments until the timeline ends (on demand) or the
// playback stops. Live, it stays LookaheadCount fragments behind the
// server's estimated edge while the server sends tfrf boxes (pace), so
// that each fragment's tfrf announces the next one and the timeline grows
// without fetching the manifest again; when the known timeline is used up
// (no tfrf) it fetches the manifest again (refresh).
func (f *fetcher) run() {
	defer f.pb.wg.Done()
	s := f.pb.s
	ctx := f.pb.ctx
	if s.m.IsLive {
		if err := f.pb.syncLive(ctx); err != nil {
			if ctx.Err() == nil {
				f.send(fragment{err: err})
			}
			return
		}
		s.mu.Lock()
		f.next = s.startAt(f.st, f.from)
		s.mu.Unlock()
	}
	var edge edgeWait
	cur := -1 // index into the allowed qualities last fetched
	for {
		fr, ok := s.fragmentFrom(f.st, f.next)
		if !ok && s.m.IsLive && f.st.si.Sparse() {
			// A sparse stream's next fragment may be minutes away
			// (MS-SSTR 2.2.5): wait for a pointer to it, without the
			// media streams' stall limit.
			if err := f.awaitSparse(ctx); err != nil {
				if ctx.Err() == nil {
					f.send(fragment{err: err})
				}
				return
			}
			continue
		}
		if !ok {
			if s.m.IsLive {
				// The known timeline is used up: wait for the manifest to
				// grow (a refresh) and go on.
				if err := f.refresh(ctx, &edge); err != nil {
					if ctx.Err() == nil {
						f.send(fragment{err: err})
					}
					return
				}
				continue
			}
			f.send(fragment{err: errEnd})
			return
		}
		edge = edgeWait{}
		if s.m.IsLive {
			if err := s.pace(ctx, f.st, fr); err != nil {
				return // stopped
			}
		}
		s.mu.Lock()
		qs := s.allowedQualities(f.st)
		s.mu.Unlock()
		if len(qs) == 0 {
			f.send(fragment{err: errEnd})
			return
		}
		q := f.chooseQuality(qs, &cur)
		samples, media, err := s.fetchFragment(ctx, f.st, q, fr)
		if errors.Is(err, errLeftWindow) {
			// The stream fell behind the DVR window (a reader that
			// stopped reading without Pause): learn where the window is
			// now and go on from its oldest fragment.
			if err := s.reload(ctx); err != nil {
				if ctx.Err() == nil {
					f.send(fragment{err: err})
				}
				return
			}
			s.mu.Lock()
			f.next = fr.Start + fr.Duration
			if ws, ok := s.windowStart(f.st); ok {
				f.next = max(f.next, ws.Start)
			}
			s.mu.Unlock()
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			f.send(fragment{err: err})
			return
		}
		f.queued.Add(int64(media))
		if !f.send(fragment{samples: samples, media: media}) {
			return
		}
		f.next = fr.Start + fr.Duration // no overflow: the timeline checks every end
	}
}

// chooseQuality picks the next fragment's quality among qs (ascending
// bit rate); cur is the index chosen last time, updated.
func (f *fetcher) chooseQuality(qs []quality, cur *int) quality {
	if len(qs) == 1 {
		*cur = 0
		f.lastRate.Store(qs[0].bitrate)
		return qs[0]
	}
	s := f.pb.s
	rates := make([]int64, len(qs))
	for i, q := range qs {
		rates[i] = q.bitrate
	}
	// The other streams' current bit rates come off the budget.
	var others int64
	for _, o := range f.pb.fetchers {
		if o != f {
			others += o.currentBitrate()
		}
	}
	buffered := s.playerBuffered() + time.Duration(f.queued.Load())
	prev := *cur
	if prev >= len(qs) {
		prev = len(qs) - 1
	}
	// The stream's own downloads measure the link for it: small audio
	// fragments, slowed by latency and TCP's start, would drag a shared
	// estimate far below what a video fragment gets (bench/abr.sh).
	i := choose(rates, prev, f.st.est.rate(), s.cfg.Bandwidth, others, buffered)
	*cur = i
	f.lastRate.Store(qs[i].bitrate)
	return qs[i]
}

// currentBitrate is the bit rate of the quality the fetcher uses last.
func (f *fetcher) currentBitrate() int64 {
	return f.lastRate.Load()
}

// send hands fr to the reader; false when the playback stopped. A
// caption stream's failure is counted lost here, not when the reader
// takes it: the media may have ended by then, and the reader with them.
func (f *fetcher) send(fr fragment) bool {
	if fr.err != nil && !errors.Is(fr.err, errEnd) && f.st.typ == transport.Text {
		f.pb.s.stats.lost.Add(1)
	}
	select {
	case f.out <- fr:
		return true
	case <-f.pb.ctx.Done():
		return false
	}
}

// fetchFragment downloads fragment fr of quality q, retrying a missing
// one (404, 412: a live fragment not there yet, MS-SSTR 2.2.6) and network
// errors, and turns it into samples. On demand the retries back off from
// RetryDelay, doubling, Retries times. Live, a fragment near the edge may
// simply not be there yet: the retries come every half fragment duration
// for as long as the server could take to produce it (LookaheadCount+2
// fragment durations, at least the Timeout), then the stream ends with
// ErrFragmentGone: never an endless retry.
func (s *session) fetchFragment(ctx context.Context, st *stream, q quality, fr manifest.Fragment) ([]transport.Sample, time.Duration, error) {
	u, err := st.si.FragmentURL(s.base, q.ql, fr.Start)
	if err != nil {
		return nil, 0, fmt.Errorf("smooth: fragment %d of %s: %w", fr.Index, st.si.Name, err)
	}
	delay := s.d.retryDelay()
	var budget, waited time.Duration
	if s.m.IsLive {
		d := min(fr.EndTime-fr.StartTime, time.Minute) // bounded: the durations are the server's
		delay = max(d/2, time.Millisecond)
		budget = max(s.cfg.TimeoutOrDefault(), time.Duration(min(s.m.LookaheadCount, 16)+2)*d)
	}
	var last error
	tries := 0
	for ; ; tries++ {
		if tries > 0 {
			if s.m.IsLive && waited >= budget || !s.m.IsLive && tries > s.d.retries() {
				break
			}
			s.stats.retries.Add(1)
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil, 0, ctx.Err()
			}
			waited += delay
			if !s.m.IsLive {
				delay *= 2
			}
		}
		began := time.Now()
		body, _, h, err := s.get(ctx, u.String(), maxFragment)
		if err != nil {
			if ctx.Err() != nil {
				return nil, 0, ctx.Err()
			}
			var se *transport.StatusError
			if errors.Is(err, errTooBig) || errors.As(err, &se) && se.Code != http.StatusNotFound && se.Code != http.StatusPreconditionFailed && se.Code < 500 {
				return nil, 0, fmt.Errorf("smooth: fragment %s: %w", u.Redacted(), err)
			}
			if se != nil && se.Code == http.StatusNotFound && s.m.IsLive && s.leftWindow(st, fr) {
				return nil, 0, fmt.Errorf("smooth: fragment %s: %w: %w", u.Redacted(), errLeftWindow, err)
			}
			last = err
			continue
		}
		s.est.add(len(body), time.Since(began))
		st.est.add(len(body), time.Since(began))
		s.stats.bytes.Add(int64(len(body)))
		s.stats.fragments.Add(1)
		samples, media, err := s.decode(body, st, q, fr)
		if err != nil {
			return nil, 0, fmt.Errorf("smooth: fragment %s: %w", u.Redacted(), err)
		}
		if s.m.IsLive && !st.si.Sparse() {
			s.sparsePointers(h.Values(s.d.sparseHeader()))
		}
		return samples, media, nil
	}
	return nil, 0, fmt.Errorf("smooth: fragment %s: %w after %d tries: %w", u.Redacted(), ErrFragmentGone, tries, last)
}
