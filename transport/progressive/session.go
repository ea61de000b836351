package progressive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
)

// Session plays an asf.File. It implements transport.Session.
type Session struct {
	file   *asf.File
	closer io.Closer
	info   transport.Info
	demux  *asf.Demuxer
	opened time.Time
	now    func() time.Time

	next     uint64 // next packet to read
	count    uint64 // packets in the file; 0 with unknownCount
	unknown  bool   // read until EOF (broadcast-style data object)
	pending  []transport.Sample
	buf      []byte
	started  bool
	seekable bool

	bytes, packets, corrupt atomic.Int64

	closeOnce sync.Once
	closed    atomic.Bool
}

// NewSession wraps an opened ASF file. closer (may be nil) is closed by
// Close. protocol and url fill Info.
func NewSession(f *asf.File, closer io.Closer, url, protocol string, seekable bool, now func() time.Time) (*Session, error) {
	h := f.Header()
	if err := h.CheckEncrypted(); err != nil {
		return nil, fmt.Errorf("%w: %w", transport.ErrEncrypted, err)
	}
	if now == nil {
		now = time.Now
	}
	s := &Session{
		file: f, closer: closer, demux: asf.NewDemuxer(h), now: now, opened: now(),
		buf: make([]byte, f.PacketSize()),
	}
	s.info = asftrack.Info(h)
	s.info.URL, s.info.Protocol = url, protocol
	s.seekable = seekable && !h.Broadcast
	s.info.Seekable = s.seekable
	s.count = f.PacketCount()
	s.unknown = h.Broadcast || s.count == 0
	return s, nil
}

// Info implements transport.Session.
func (s *Session) Info() transport.Info { return s.info }

// Select implements transport.Session: only the selected streams are
// reassembled.
func (s *Session) Select(tracks []int) error {
	for _, id := range tracks {
		if _, ok := s.info.Track(id); !ok {
			return fmt.Errorf("progressive: stream %d is not in the file", id)
		}
	}
	s.demux.SetStreams(asftrack.StreamNumbers(tracks))
	s.pending = s.pending[:0]
	return nil
}

// Play implements transport.Session. A non-zero start uses the file's
// index, or a bisection on packet send times (asf.File.SeekPacket).
func (s *Session) Play(ctx context.Context, from time.Duration) error {
	if s.closed.Load() {
		return transport.ErrClosed
	}
	s.pending = s.pending[:0]
	s.demux.Reset()
	if from <= 0 {
		s.next = 0
		s.started = true
		return nil
	}
	if !s.seekable {
		return transport.ErrNotSeekable
	}
	n, err := s.file.SeekPacket(from)
	if err != nil {
		return fmt.Errorf("progressive: seeking to %v: %w", from, err)
	}
	s.next = n
	s.started = true
	return nil
}

// Pause implements transport.Session; a file needs nothing.
func (s *Session) Pause(ctx context.Context) error { return nil }

// ReadSample implements transport.Session.
func (s *Session) ReadSample(ctx context.Context) (transport.Sample, error) {
	if !s.started {
		if err := s.Play(ctx, 0); err != nil {
			return transport.Sample{}, err
		}
	}
	emit := func(o asf.Object) { s.pending = append(s.pending, asftrack.Sample(o)) }
	for len(s.pending) == 0 {
		if err := ctx.Err(); err != nil {
			return transport.Sample{}, err
		}
		if s.closed.Load() {
			return transport.Sample{}, transport.ErrClosed
		}
		if !s.unknown && s.next >= s.count {
			return transport.Sample{}, io.EOF
		}
		pkt, err := s.file.ReadPacket(s.next, s.buf)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				// The end of the data (or a file shorter than its header
				// promised: play what is there).
				return transport.Sample{}, io.EOF
			}
			if s.closed.Load() {
				return transport.Sample{}, transport.ErrClosed
			}
			return transport.Sample{}, fmt.Errorf("progressive: reading packet %d: %w", s.next, err)
		}
		s.next++
		s.packets.Add(1)
		s.bytes.Add(int64(len(pkt)))
		if err := s.demux.Push(pkt, emit); err != nil {
			// A corrupt packet is skipped and counted (asf.ErrCorrupt);
			// the demuxer marks the affected streams discontinuous.
			s.corrupt.Add(1)
		}
	}
	smp := s.pending[0]
	s.pending[0] = transport.Sample{}
	s.pending = s.pending[1:]
	return smp, nil
}

// Stats implements transport.Session.
func (s *Session) Stats() transport.Stats {
	return transport.Stats{
		BytesReceived:   s.bytes.Load(),
		PacketsReceived: s.packets.Load(),
		CorruptPackets:  s.corrupt.Load(),
		Elapsed:         s.now().Sub(s.opened),
	}
}

// Close implements transport.Session.
func (s *Session) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		if s.closer != nil {
			err = s.closer.Close()
		}
	})
	return err
}
