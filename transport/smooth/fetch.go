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
}

// fetcher downloads one stream's fragments in order into out.
type fetcher struct {
	pb    *playback
	index int // the stream's index in session.streams
	st    *stream
	next  int // the timeline index of the next fragment to fetch
	out   chan fragment
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
		f.next = s.startIndex(st, from)
		pb.fetchers = append(pb.fetchers, f)
	}
	return pb
}

// startIndex is the fragment to start st at for position from: the one
// holding it; for live without a position, a few fragments behind the
// newest (the newest may not be complete on every server).
func (s *session) startIndex(st *stream, from time.Duration) int {
	n := st.si.Len()
	if n == 0 {
		return 0
	}
	if s.m.IsLive && from == 0 {
		back := int(s.m.LookaheadCount) + 1
		return max(n-1-back, 0)
	}
	at := from + s.origin
	f, ok := st.si.FragmentAt(st.si.Ticks(at))
	if !ok {
		if at <= 0 {
			return 0
		}
		return n // past the end: the stream ends at once
	}
	return f.Index
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
				select {
				case fr := <-f.out:
					f.queued.Add(-int64(fr.media))
					switch {
					case errors.Is(fr.err, errEnd):
						f.ended = true
					case fr.err != nil:
						return transport.Sample{}, fr.err
					default:
						f.head = fr.samples
					}
				case <-ctx.Done():
					return transport.Sample{}, ctx.Err()
				case <-pb.ctx.Done():
					return transport.Sample{}, transport.ErrClosed
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

// errEnd is a fetcher's end of stream.
var errEnd = errors.New("end of stream")

// run fetches fragments until the timeline ends (on demand) or the
// playback stops.
func (f *fetcher) run() {
	defer f.pb.wg.Done()
	s := f.pb.s
	ctx := f.pb.ctx
	cur := -1 // index into the allowed qualities last fetched
	for {
		fr, ok := s.fragment(f.st, f.next)
		if !ok {
			if s.m.IsLive {
				// The known timeline is used up: wait for the manifest to
				// grow (a refresh) and go on.
				if err := s.refresh(ctx, f.st, f.next); err != nil {
					f.send(fragment{err: err})
					return
				}
				continue
			}
			f.send(fragment{err: errEnd})
			return
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
		f.next++
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
	i := choose(rates, prev, s.est.rate(), s.cfg.Bandwidth, others, buffered)
	*cur = i
	f.lastRate.Store(qs[i].bitrate)
	return qs[i]
}

// currentBitrate is the bit rate of the quality the fetcher uses last.
func (f *fetcher) currentBitrate() int64 {
	return f.lastRate.Load()
}

// send hands fr to the reader; false when the playback stopped.
func (f *fetcher) send(fr fragment) bool {
	select {
	case f.out <- fr:
		return true
	case <-f.pb.ctx.Done():
		return false
	}
}

// fetchFragment downloads fragment fr of quality q, retrying a missing
// one (404, 412: a live fragment not there yet) and network errors with
// backoff, and turns it into samples.
func (s *session) fetchFragment(ctx context.Context, st *stream, q quality, fr manifest.Fragment) ([]transport.Sample, time.Duration, error) {
	u, err := st.si.FragmentURL(s.base, q.ql, fr.Start)
	if err != nil {
		return nil, 0, fmt.Errorf("smooth: fragment %d of %s: %w", fr.Index, st.si.Name, err)
	}
	delay := s.d.retryDelay()
	var last error
	for try := 0; try <= s.d.retries(); try++ {
		if try > 0 {
			s.stats.retries.Add(1)
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil, 0, ctx.Err()
			}
			delay *= 2
		}
		began := time.Now()
		body, _, err := s.get(ctx, u.String(), maxFragment)
		if err != nil {
			if ctx.Err() != nil {
				return nil, 0, ctx.Err()
			}
			var se *transport.StatusError
			if errors.As(err, &se) && se.Code != http.StatusNotFound && se.Code != http.StatusPreconditionFailed && se.Code < 500 {
				return nil, 0, fmt.Errorf("smooth: fragment %s: %w", u.Redacted(), err)
			}
			last = err
			continue
		}
		s.est.add(len(body), time.Since(began))
		s.stats.bytes.Add(int64(len(body)))
		s.stats.fragments.Add(1)
		samples, media, err := s.decode(body, st, q, fr)
		if err != nil {
			return nil, 0, fmt.Errorf("smooth: fragment %s: %w", u.Redacted(), err)
		}
		return samples, media, nil
	}
	return nil, 0, fmt.Errorf("smooth: fragment %s: %w after %d tries: %w", u.Redacted(), ErrFragmentGone, s.d.retries()+1, last)
}
