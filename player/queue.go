package player

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// Queue limits. The queue is the jitter/buffer stage between the transport
// and the decoders; it is bounded by media time, bytes and item count,
// whichever is reached first.
const (
	// DefaultMaxBuffer is the most media time read ahead of the decoders.
	DefaultMaxBuffer = 30 * time.Second
	// DefaultMaxBufferBytes bounds the memory held by queued samples.
	DefaultMaxBufferBytes = 64 << 20
	// maxQueueItems bounds the number of queued samples.
	maxQueueItems = 1 << 14
)

// item is a queued sample or an in-band marker that tells the output stage
// the track set changed (a new header or a stream switch).
type item struct {
	s      transport.Sample
	change *trackSet
}

// sampleQueue is a bounded FIFO of samples with context-aware blocking.
// One goroutine pushes (the reader), one pops (the output stage).
//
// A reader that found the queue full waits until an eighth of it has
// drained (refill), then fills it again in one go: waking it for every
// sample popped cost a goroutine hand-off per sample in steady playback,
// which is most of a time-limited file's playback (issue 12).
type sampleQueue struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced when an item comes in or the reader finishes
	// room is closed (and replaced) when a reader waiting on a full
	// queue may go on; roomWait says one waits.
	room     chan struct{}
	roomWait bool
	items    []item
	head     int
	bytes    int
	clock    int // track whose PTS measures buffered time; 0 = any
	lastIn   time.Duration
	lastOut  time.Duration
	haveIn   bool
	haveOut  bool
	done     error // io.EOF or a fatal read error, once the reader finished
	maxSpan  time.Duration
	maxBytes int
}

func newSampleQueue(maxSpan time.Duration, maxBytes int) *sampleQueue {
	return &sampleQueue{changed: make(chan struct{}), room: make(chan struct{}), maxSpan: maxSpan, maxBytes: maxBytes}
}

// signal wakes every waiter. Called with mu held.
func (q *sampleQueue) signal() {
	close(q.changed)
	q.changed = make(chan struct{})
	q.freed()
}

// freed wakes a reader waiting for room once there is enough of it.
// Called with mu held.
func (q *sampleQueue) freed() {
	if q.roomWait && (q.done != nil || q.refill()) {
		q.roomWait = false
		close(q.room)
		q.room = make(chan struct{})
	}
}

func (q *sampleQueue) len() int { return len(q.items) - q.head }

// full reports whether the queue is at a limit. Called with mu held.
func (q *sampleQueue) full() bool {
	return q.len() >= maxQueueItems || q.bytes >= q.maxBytes || q.span() >= q.maxSpan
}

// refill reports whether a reader that found the queue full may go on:
// every limit is at most seven eighths used (an empty queue always may).
// Called with mu held.
func (q *sampleQueue) refill() bool {
	return q.len() <= maxQueueItems-maxQueueItems/8 && q.bytes <= q.maxBytes-q.maxBytes/8 &&
		q.span() <= q.maxSpan-q.maxSpan/8
}

// span is the media time between the last popped and the last pushed clock
// sample. Called with mu held.
func (q *sampleQueue) span() time.Duration {
	if !q.haveIn {
		return 0
	}
	if !q.haveOut {
		// Nothing consumed yet: measure from the first queued clock sample.
		for i := q.head; i < len(q.items); i++ {
			it := q.items[i]
			if it.change == nil && (q.clock == 0 || it.s.Track == q.clock) {
				return max(subDur(q.lastIn, it.s.PTS), 0)
			}
		}
		return 0
	}
	return max(subDur(q.lastIn, q.lastOut), 0)
}

// setClock chooses the track whose timestamps measure the buffer level.
func (q *sampleQueue) setClock(track int) {
	q.mu.Lock()
	q.clock = track
	q.haveIn, q.haveOut = false, false
	for i := q.head; i < len(q.items); i++ {
		it := q.items[i]
		if it.change == nil && (track == 0 || it.s.Track == track) {
			q.lastIn, q.haveIn = it.s.PTS, true
		}
	}
	q.signal()
	q.mu.Unlock()
}

// push appends it. When the queue is full it blocks until it has drained
// to its refill level.
func (q *sampleQueue) push(ctx context.Context, it item) error {
	q.mu.Lock()
	if q.full() {
		q.roomWait = !q.refill()
	}
	for q.roomWait && q.done == nil {
		ch := q.room
		q.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		q.mu.Lock()
	}
	defer q.mu.Unlock()
	if q.done != nil {
		return q.done
	}
	if q.head > 0 && q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head > 1024 && q.head*2 > len(q.items) {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	q.items = append(q.items, it)
	q.bytes += len(it.s.Data)
	if it.change == nil && (q.clock == 0 || it.s.Track == q.clock) {
		q.lastIn, q.haveIn = it.s.PTS, true
	}
	q.signal()
	return nil
}

// pop removes the next item, blocking while the queue is empty. It returns
// the reader's final error (io.EOF at the end) once drained.
func (q *sampleQueue) pop(ctx context.Context) (item, error) {
	q.mu.Lock()
	for q.len() == 0 && q.done == nil {
		ch := q.changed
		q.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return item{}, ctx.Err()
		}
		q.mu.Lock()
	}
	defer q.mu.Unlock()
	if q.len() == 0 {
		return item{}, q.done
	}
	it := q.items[q.head]
	q.items[q.head] = item{}
	q.head++
	q.bytes -= len(it.s.Data)
	if it.change == nil && (q.clock == 0 || it.s.Track == q.clock) {
		q.lastOut, q.haveOut = it.s.PTS, true
	}
	q.freed()
	return it, nil
}

// empty reports whether nothing is queued and the reader has not finished.
func (q *sampleQueue) starving() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.len() == 0 && q.done == nil
}

// level returns the buffered media time and whether the reader finished or
// the queue is full (both mean waiting longer would not help).
func (q *sampleQueue) level() (time.Duration, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.span(), q.done != nil || q.full()
}

// waitLevel blocks until at least target() media time is queued, early()
// says the level suffices, the queue is full, or the reader finished.
// progress is called with the fill level (0..1) on every change; it runs on
// the caller's goroutine. target and early are evaluated on every change.
func (q *sampleQueue) waitLevel(ctx context.Context, target func() time.Duration, early func(span time.Duration) bool, progress func(float64)) error {
	for {
		q.mu.Lock()
		span, ready := q.span(), q.done != nil || q.full()
		ch := q.changed
		q.mu.Unlock()
		t := target()
		if span >= t || ready || (early != nil && early(span)) {
			progress(1)
			return nil
		}
		if t > 0 {
			progress(float64(span) / float64(t))
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// finish records the reader's end: io.EOF or a fatal error.
func (q *sampleQueue) finish(err error) {
	if err == nil {
		err = io.EOF
	}
	q.mu.Lock()
	if q.done == nil {
		q.done = err
	}
	q.signal()
	q.mu.Unlock()
}

// pendingChanges returns the track sets of change markers still queued.
func (q *sampleQueue) pendingChanges() []*trackSet {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []*trackSet
	for i := q.head; i < len(q.items); i++ {
		if ts := q.items[i].change; ts != nil {
			out = append(out, ts)
		}
	}
	return out
}

// dropUntilChange removes queued samples up to the next change marker. It
// reports whether it must be called again (no marker queued yet and the
// reader has not finished), and the channel that closes when the queue
// next changes.
func (q *sampleQueue) dropUntilChange() (again bool, wait <-chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	dropped := false
	for q.len() > 0 {
		it := q.items[q.head]
		if it.change != nil {
			break
		}
		q.items[q.head] = item{}
		q.head++
		q.bytes -= len(it.s.Data)
		dropped = true
	}
	if dropped {
		q.freed() // room for the reader
	}
	return q.len() == 0 && q.done == nil, q.changed
}
