package smooth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/fmp4"
	"github.com/eddyplayer/eddy/transport/smooth/manifest"
)

// fragment returns fragment i of st's timeline (which a live refresh or a
// tfrf lookahead may be extending).
func (s *session) fragment(st *stream, i int) (manifest.Fragment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return st.si.Fragment(i)
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
		for _, e := range tf.Tfrf.Entries {
			if e.FragmentAbsoluteTime >= st.si.End() {
				if _, err := st.si.Extend(e.FragmentAbsoluteTime, e.FragmentDuration); err != nil {
					break
				}
			}
		}
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

// refresh waits for st's live timeline to grow past fragment next: it
// fetches the manifest again (MS-SSTR 3.1.4.1) about once per fragment
// duration and adds the fragments it lists beyond the known end; when the
// presentation is no longer live and nothing was added, the stream ends.
func (s *session) refresh(ctx context.Context, st *stream, next int) error {
	wait := time.Second
	s.mu.Lock()
	if n := st.si.Len(); n > 0 {
		f, _ := st.si.Fragment(n - 1)
		wait = max(min(f.EndTime-f.StartTime, 10*time.Second), 500*time.Millisecond)
	}
	s.mu.Unlock()
	t := time.NewTimer(wait / 2)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	body, _, err := s.get(ctx, s.base.String(), maxManifest)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return nil // try again after the next wait; the fetcher's loop bounds nothing else
	}
	m, err := manifest.Parse(body)
	if err != nil {
		return fmt.Errorf("smooth: manifest refresh: %w", err)
	}
	s.stats.bytes.Add(int64(len(body)))
	fresh := m.Stream(st.si.Name)
	if fresh == nil {
		return errEnd
	}
	added := false
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < fresh.Len(); i++ {
		f, _ := fresh.Fragment(i)
		if f.Start >= st.si.End() {
			if ok, err := st.si.Extend(f.Start, f.Duration); err == nil && ok {
				added = true
			}
		}
	}
	if !added && !m.IsLive && next >= st.si.Len() {
		return errEnd
	}
	return nil
}
