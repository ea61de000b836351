package smooth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/fmp4"
	"github.com/eddyplayer/eddy/transport/smooth/manifest"
)

// liveState is what the session knows of a live stream's server edge
// (guarded by session.mu).
type liveState struct {
	// learnedEnd is the end of the newest fragment learned (manifest or
	// tfrf), in the stream's units, and learnedAt when: the server had
	// produced it then, and produces one second of media per second.
	learnedEnd uint64
	learnedAt  time.Time
	// tfrf: a fragment of the stream carried a tfrf box, so the server
	// announces fragments ahead (MS-SSTR 2.2.4.5) and pace applies.
	tfrf bool
}

// learn records that the stream's timeline reaches end at now, when that
// is later than what the last learning predicts.
func (l *liveState) learn(si *manifest.StreamIndex, end uint64, now time.Time) {
	if l.learnedAt.IsZero() || end > l.edge(si, now) {
		l.learnedEnd, l.learnedAt = end, now
	}
}

// edge estimates the server's newest produced end at now.
func (l *liveState) edge(si *manifest.StreamIndex, now time.Time) uint64 {
	return satAdd(l.learnedEnd, si.Ticks(now.Sub(l.learnedAt)))
}

// edgeWait is a fetcher's wait at the end of its known timeline.
type edgeWait struct {
	since    time.Time // when it began (zero: not waiting)
	failures int       // manifest refreshes failed in a row
}

// Live limits.
const (
	// maxRefreshFailures ends a live stream whose manifest refreshes
	// fail this many times in a row.
	maxRefreshFailures = 5
	// maxLiveFragments bounds a live timeline without a DVR window
	// (DVRWindowLength 0: "effectively infinite"): older fragments are
	// dropped.
	maxLiveFragments = 1 << 14
	// maxLiveFragmentDuration: a live fragment announced as longer is
	// not believed (live fragments last seconds; a tfrf or a manifest
	// claiming years would stall the stream on one fragment).
	maxLiveFragmentDuration = 10 * time.Minute
)

func satAdd(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return math.MaxUint64
	}
	return s
}

func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// fragmentFrom returns the first fragment of st's timeline (which a live
// refresh or tfrf may be extending, and the DVR window trimming) that
// starts at or after t; ok is false when the known timeline ends first.
func (s *session) fragmentFrom(st *stream, t uint64) (manifest.Fragment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := st.si.FragmentAt(t)
	if ok && f.Start < t {
		f, ok = st.si.Fragment(f.Index + 1)
	}
	return f, ok
}

// windowStart is the oldest fragment of st the server still holds: the
// first starting within the DVR window behind the server's estimated edge
// (s.mu held); ok is false without a window.
func (s *session) windowStart(st *stream) (manifest.Fragment, bool) {
	w := s.m.DVRWindow()
	if w <= 0 || st.si.Len() == 0 {
		return manifest.Fragment{}, false
	}
	end := max(st.si.End(), st.live.edge(st.si, s.now()))
	wt := st.si.Ticks(w)
	if wt >= end {
		return st.si.Fragment(0)
	}
	f, _ := st.si.FragmentAt(end - wt)
	if f.Start < end-wt {
		if g, ok := st.si.Fragment(f.Index + 1); ok {
			f = g
		}
	}
	return f, true
}

// grow adds fragments learned after the manifest was read (a tfrf's
// entries, a refreshed manifest's c elements) to st's live timeline, then
// drops those older than the DVR window (at most maxLiveFragments kept
// without one), so that a long broadcast keeps bounded memory (s.mu
// held). A fragment longer than maxLiveFragmentDuration ends the growth.
// It reports whether the timeline grew.
func (s *session) grow(st *stream, frags func(yield func(start, dur uint64) bool)) bool {
	added := false
	longest := st.si.Ticks(maxLiveFragmentDuration)
	for start, dur := range frags {
		if start < st.si.End() {
			continue
		}
		if dur > longest {
			break // not a live fragment: the rest waits for a refresh
		}
		ok, err := st.si.Extend(start, dur)
		if err != nil {
			break
		}
		added = added || ok
	}
	if !added {
		return false
	}
	st.live.learn(st.si, st.si.End(), s.now())
	if st.grew != nil {
		close(st.grew)
		st.grew = nil
	}
	if w := s.m.DVRWindow(); w > 0 {
		if end, wt := st.si.End(), st.si.Ticks(w); end > wt {
			// Fragments that ended before the window: the server no
			// longer has them (its window starts at end-wt).
			st.si.TrimBefore(end - wt)
		}
	} else if n := st.si.Len(); n > maxLiveFragments {
		f, _ := st.si.Fragment(n - maxLiveFragments)
		st.si.TrimBefore(f.Start)
	}
	return true
}

// pace holds a live fetcher back before fragment fr until the fragment
// LookaheadCount after it is estimated to be produced, so that fr's tfrf
// announces it and the timeline keeps growing from the fragments alone
// (MS-SSTR 2.2.4.5). It applies once the server has sent a tfrf for the
// stream; the estimate of the server's edge is a lower bound (the newest
// fragment learned, aged at one second per second), so it never asks
// early because of it. It waits at most LookaheadCount+1 fragment
// durations (of at most 10 s: the durations are the server's) in all. It
// returns only ctx's error.
func (s *session) pace(ctx context.Context, st *stream, fr manifest.Fragment) error {
	limit := time.Duration(min(s.m.LookaheadCount, 16)+1) * min(fr.EndTime-fr.StartTime, 10*time.Second)
	for {
		s.mu.Lock()
		l := uint64(min(s.m.LookaheadCount, 16))
		if !st.live.tfrf || l == 0 {
			s.mu.Unlock()
			return nil
		}
		need := satAdd(fr.Start, satMul(l+1, fr.Duration))
		if g, ok := st.si.Fragment(fr.Index + int(l)); ok && g.Start >= fr.Start {
			need = g.Start + g.Duration
		}
		var wait time.Duration
		if edge := st.live.edge(st.si, s.now()); need > edge {
			wait = st.si.Time(need - edge)
		}
		s.mu.Unlock()
		wait = min(wait, limit)
		if wait <= 0 {
			return nil
		}
		limit -= wait
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// decode turns a fragment response into samples of quality q
// (MS-SSTR 2.2.4): decode times from the manifest's start time t (the
// tfxd SHOULD be ignored on demand, 2.2.4.4; live, it is the fragment's
// time), composition offsets, key frames; a live fragment's tfrf extends
// the timeline with the fragments that follow (2.2.4.5).
func (s *session) decode(body []byte, st *stream, q quality, fr manifest.Fragment) ([]transport.Sample, time.Duration, error) {
	frag, err := fmp4.ParseFragment(body, fmp4.Options{MaxSize: maxFragment, StartTime: fr.Start, IgnoreTfxd: !s.m.IsLive})
	if err != nil {
		return nil, 0, err
	}
	if len(frag.Tracks) == 0 {
		return nil, 0, errors.New("no track fragment (traf)")
	}
	// A Smooth fragment carries one track.
	tf := &frag.Tracks[0]
	scale := st.si.TimeScale
	if scale == 0 {
		return nil, 0, errors.New("stream without a time scale")
	}
	if s.m.IsLive && tf.Tfrf != nil {
		s.mu.Lock()
		st.live.tfrf = true
		s.grow(st, func(yield func(start, dur uint64) bool) {
			for _, e := range tf.Tfrf.Entries {
				if !yield(e.FragmentAbsoluteTime, e.FragmentDuration) {
					return
				}
			}
		})
		s.mu.Unlock()
	}
	samples := make([]transport.Sample, 0, len(tf.Samples))
	var media time.Duration
	for i := range tf.Samples {
		fs := &tf.Samples[i]
		if len(fs.Data) == 0 {
			continue
		}
		dts := ticks(fs.DecodeTime, scale) - s.origin
		cto := signedTicks(fs.CompositionOffset, scale)
		d := ticks(uint64(fs.Duration), scale)
		media += d
		data := make([]byte, len(fs.Data)) // the body is not kept
		copy(data, fs.Data)
		samples = append(samples, transport.Sample{
			Track: q.id, PTS: dts + cto, CompositionOffset: cto, Duration: d,
			Key: fs.Sync || st.typ == transport.Audio, Data: data,
		})
	}
	if len(samples) > 0 && st.typ == transport.Video && !samples[0].Key {
		// A fragment starts at a key frame (MS-SSTR 2.2.4); a server that
		// does not flag it still means it.
		samples[0].Key = true
	}
	return samples, media, nil
}

// ticks converts t units of scale per second to a duration, saturating.
func ticks(t, scale uint64) time.Duration {
	if scale == 0 {
		return 0
	}
	sec := t / scale
	if sec > uint64(math.MaxInt64/int64(time.Second)) {
		return math.MaxInt64
	}
	rem := t % scale
	return time.Duration(sec)*time.Second + time.Duration(rem*uint64(time.Second)/scale)
}

func signedTicks(t int64, scale uint64) time.Duration {
	if t < 0 {
		return -ticks(uint64(-t), scale)
	}
	return ticks(uint64(t), scale)
}

// refresh waits for f's live timeline to grow past f.next: it fetches
// the manifest again (MS-SSTR 3.1.4.1) about every half fragment duration
// and adds the fragments it lists beyond the known ends, to every stream;
// the fetchers of a playback share one refresh (one done less than half a
// fragment duration ago serves). When the presentation is no longer live
// and nothing follows next, the stream ends (errEnd). It is bounded:
// maxRefreshFailures failed fetches in a row, or no new fragment for the
// Timeout (at least LookaheadCount+3 fragment durations) since the
// fetcher began waiting, end the stream with an error saying so.
func (f *fetcher) refresh(ctx context.Context, w *edgeWait) error {
	s, st, pb := f.pb.s, f.st, f.pb
	wait := time.Second
	s.mu.Lock()
	now := s.now()
	if w.since.IsZero() {
		w.since = now
	}
	if n := st.si.Len(); n > 0 {
		fr, _ := st.si.Fragment(n - 1)
		wait = max(min(fr.EndTime-fr.StartTime, 10*time.Second), 500*time.Millisecond)
	}
	stall := max(s.cfg.TimeoutOrDefault(), time.Duration(min(s.m.LookaheadCount, 16)+3)*wait)
	s.mu.Unlock()
	if waited := now.Sub(w.since); waited >= stall {
		return fmt.Errorf("smooth: live stream %s: no new fragment for %v", st.si.Name, waited.Round(time.Millisecond))
	}
	t := time.NewTimer(wait / 2)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	pb.refreshMu.Lock()
	defer pb.refreshMu.Unlock()
	if err := pb.refreshLocked(ctx, wait/2, true); err != nil {
		return err
	}
	if pb.refreshErr != nil {
		if pb.refreshFailures >= maxRefreshFailures {
			return fmt.Errorf("smooth: manifest refresh failed %d times in a row: %w", pb.refreshFailures, pb.refreshErr)
		}
		return nil // try again after the next wait
	}
	return pb.overLocked(f)
}

// refreshLocked fetches the manifest again and merges it, unless a
// fetcher of the playback did so less than fresh ago (pb.refreshMu
// held); count: a failure counts towards maxRefreshFailures. It returns
// only ctx's error; the refresh's own is in pb.refreshErr.
func (pb *playback) refreshLocked(ctx context.Context, fresh time.Duration, count bool) error {
	s := pb.s
	if !pb.refreshAt.IsZero() && s.now().Sub(pb.refreshAt) < fresh {
		return nil
	}
	m, err := s.fetchManifest(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	pb.refreshAt, pb.refreshErr = s.now(), err
	switch {
	case err != nil && count:
		pb.refreshFailures++
	case err == nil:
		pb.refreshFailures = 0
		pb.refreshed = m
		s.mu.Lock()
		s.merge(m)
		s.mu.Unlock()
	}
	return nil
}

// overLocked is errEnd when the last manifest refresh says the
// presentation is no longer live and f's stream has nothing after f.next
// (pb.refreshMu held).
func (pb *playback) overLocked(f *fetcher) error {
	m := pb.refreshed
	if m == nil || m.IsLive {
		return nil
	}
	s := pb.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.Stream(f.st.si.Name) == nil || f.next >= f.st.si.End() {
		return errEnd
	}
	return nil
}

// reload fetches the manifest again and merges it, at once.
func (s *session) reload(ctx context.Context) error {
	m, err := s.fetchManifest(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.merge(m)
	s.mu.Unlock()
	return nil
}

// fetchManifest fetches and parses the manifest.
func (s *session) fetchManifest(ctx context.Context) (*manifest.Manifest, error) {
	body, _, _, err := s.get(ctx, s.base.String(), maxManifest)
	if err != nil {
		return nil, fmt.Errorf("smooth: manifest refresh: %w", err)
	}
	s.stats.bytes.Add(int64(len(body)))
	m, err := manifest.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("smooth: manifest refresh: %w", err)
	}
	return m, nil
}

// merge adds a refreshed manifest's fragments to every stream's timeline
// (s.mu held).
func (s *session) merge(m *manifest.Manifest) {
	for _, st := range s.streams {
		fresh := m.Stream(st.si.Name)
		if fresh == nil {
			continue
		}
		s.grow(st, func(yield func(start, dur uint64) bool) {
			for f := range fresh.All() {
				if !yield(f.Start, f.Duration) {
					return
				}
			}
		})
		// A manifest listing nothing new still says the edge is there
		// now.
		st.live.learn(st.si, fresh.End(), s.now())
	}
}
