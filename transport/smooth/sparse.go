package smooth

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// DefaultSparsePointerHeader is the HTTP header that carries the Sparse
// Stream Pointer when the Dialer names none: IIS Media Services' choice
// (MS-SSTR 3.1.3, note <3>), "Content-Type: video/mp4;ChildTrack=…".
const DefaultSparsePointerHeader = "Content-Type"

// maxPointers bounds the entries read from one Sparse Stream Pointer (a
// presentation has a few sparse streams; a hostile header may list
// thousands).
const maxPointers = 64

// sparsePointer is one SparseStreamFragment of a Sparse Stream Pointer
// (MS-SSTR 2.2.5): the newest fragment of the sparse stream Name that
// starts at or before the fragment the header came with.
type sparsePointer struct {
	Name string
	Time uint64
}

// parseSparsePointer reads a Sparse Stream Pointer (MS-SSTR 2.2.5):
//
//	SparseStreamPointer  = *1(HeaderData ";") "ChildTrack" "=" DQ SparseStreamSet *(";" SparseStreamSet) DQ
//	SparseStreamSet      = SparseStreamFragment *("," SparseStreamFragment)
//	SparseStreamFragment = SparseStreamName "=" STRING-UINT64
//
// in a header value such as `video/mp4;ChildTrack="ad=1234,cc=5678"`. ok
// is false when the value holds no pointer or does not follow the syntax
// (the fragment's own Content-Type, most of the time). Spaces around the
// delimiters are allowed, as HTTP header values have them; at most
// maxPointers entries are read.
func parseSparsePointer(v string) (ps []sparsePointer, ok bool) {
	const key = "childtrack"
	rest := ""
	for part := range strings.SplitSeq(v, ";") {
		if rest != "" {
			rest += ";" + part // the quoted sets hold ';' themselves
			continue
		}
		name, val, found := strings.Cut(strings.TrimSpace(part), "=")
		if found && strings.EqualFold(strings.TrimSpace(name), key) {
			rest = strings.TrimSpace(val)
			if rest == "" {
				return nil, false
			}
		}
	}
	if len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
		return nil, false
	}
	rest = rest[1 : len(rest)-1]
	for set := range strings.SplitSeq(rest, ";") {
		for frag := range strings.SplitSeq(set, ",") {
			name, ts, found := strings.Cut(strings.TrimSpace(frag), "=")
			name = strings.TrimSpace(name)
			t, err := strconv.ParseUint(strings.TrimSpace(ts), 10, 64)
			if !found || name == "" || strings.ContainsAny(name, "\" \t") || err != nil {
				return nil, false
			}
			if len(ps) == maxPointers {
				return ps, true
			}
			ps = append(ps, sparsePointer{Name: name, Time: t})
		}
	}
	return ps, len(ps) > 0
}

// sparsePointers applies the Sparse Stream Pointers a live fragment
// response carried in header values (MS-SSTR 3.1.5.2): each names a
// sparse stream's newest fragment; one the timeline does not hold yet is
// added to it, so the stream's fetcher fetches it. Its duration is not
// known until it comes: it is entered as one tick (the samples carry
// their own durations, and the next pointer the next start). Entries for
// a stream that is unknown or not sparse are ignored, not fatal as 3.1.5.2
// would have it: a caption pointer gone wrong is no reason to stop the
// media. It reports how many fragments were added.
func (s *session) sparsePointers(values []string) int {
	added := 0
	for _, v := range values {
		ps, ok := parseSparsePointer(v)
		if !ok {
			continue
		}
		s.mu.Lock()
		for _, p := range ps {
			for _, st := range s.streams {
				if st.si.Name != p.Name || !st.si.Sparse() {
					continue
				}
				if s.grow(st, func(yield func(start, dur uint64) bool) { yield(p.Time, 1) }) {
					added++
				}
			}
		}
		s.mu.Unlock()
	}
	return added
}

// sparseHeader is the name of the header the Sparse Stream Pointer comes
// in.
func (d *Dialer) sparseHeader() string {
	if d.SparsePointerHeader != "" {
		return d.SparsePointerHeader
	}
	return DefaultSparsePointerHeader
}

// sparseRefresh is how long a live sparse stream at the end of its known
// timeline waits for a pointer before it asks the manifest (a server that
// sends no pointers lists its sparse fragments there).
const sparseRefresh = 20 * time.Second

// awaitSparse waits, at the end of a live sparse stream's known timeline,
// for it to grow: from a Sparse Stream Pointer of another stream's
// fragment (grow signals it), or from the manifest, fetched again after
// sparseRefresh. A sparse stream may stay silent for minutes, so this
// never ends the stream for a lack of fragments; a manifest that says the
// presentation is over ends it (errEnd). A failed refresh is tried again
// next time: captions are not worth ending the media for.
func (f *fetcher) awaitSparse(ctx context.Context) error {
	s, st, pb := f.pb.s, f.st, f.pb
	s.mu.Lock()
	if st.grew == nil {
		st.grew = make(chan struct{})
	}
	grew := st.grew
	s.mu.Unlock()
	t := time.NewTimer(sparseRefresh)
	defer t.Stop()
	select {
	case <-grew:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	}
	pb.refreshMu.Lock()
	defer pb.refreshMu.Unlock()
	if err := pb.refreshLocked(ctx, sparseRefresh/2, false); err != nil {
		return err
	}
	return pb.overLocked(f)
}
