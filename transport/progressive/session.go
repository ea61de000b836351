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
	tap    transport.Tap
	opened time.Time
	now    func() time.Time

	next     uint64 // next packet to read
	count    uint64 // packets in the file; 0 with unknownCount
	unknown  bool   // read until EOF (broadcast-style data object)
	declared uint64 // packets the header declares, when more than count
	pending  []transport.Sample
	buf      []byte
	started  bool
	seekable bool

	// net is the network source under the file (HTTP), nil for files
	// and memory.
	net networkSource

	bytes, packets, corrupt atomic.Int64

	closeOnce sync.Once
	closed    atomic.Bool
}

// NewSession wraps an opened ASF file. closer (may be nil) is closed by
// Close. protocol and url fill Info. Of cfg, Now (the session's clock) and
// Tap (given the header and every packet read) are used.
func NewSession(f *asf.File, closer io.Closer, url, protocol string, seekable bool, cfg transport.Config) (*Session, error) {
	h := f.Header()
	if err := h.CheckEncrypted(); err != nil {
		return nil, fmt.Errorf("%w: %w", transport.ErrEncrypted, err)
	}
	now := cfg.NowFunc()
	s := &Session{
		file: f, closer: closer, demux: asftrack.NewDemuxer(cfg.Tap, h), tap: cfg.Tap, now: now, opened: now(),
		buf: make([]byte, f.PacketSize()),
	}
	s.info = asftrack.Info(h)
	s.info.URL, s.info.Protocol = url, protocol
	s.seekable = seekable && !h.Broadcast
	s.info.Seekable = s.seekable
	// Every packet holds every stream: a switch is a demuxer filter.
	s.info.Caps = transport.Capabilities{SwitchStreams: true}
	s.count = f.PacketCount()
	s.unknown = h.Broadcast || s.count == 0
	if d := declaredPackets(f); !s.unknown && d > s.count {
		s.declared = d
	}
	return s, nil
}

// networkSource is what a network reader under the file offers the
// session.
type networkSource interface {
	// bind makes reads end when ctx is done, until the returned function
	// is called.
	bind(ctx context.Context) (unbind func())
	// reconnectCount counts the transfers resumed.
	reconnectCount() int
}

// declaredPackets is the number of data packets the header promises: the
// smallest of what the Data Object's size holds (ASF spec 5.1), its Total
// Data Packets and the File Properties Object's Data Packets Count (3.2),
// zeros ignored; 0 for a broadcast, whose counts are invalid.
func declaredPackets(f *asf.File) uint64 {
	h := f.Header()
	if h.Broadcast || f.PacketSize() == 0 {
		return 0
	}
	var n uint64
	take := func(c uint64) {
		if c != 0 && (n == 0 || c < n) {
			n = c
		}
	}
	if h.Data != nil {
		if h.Data.Size >= asf.DataObjectFixedSize {
			take((h.Data.Size - asf.DataObjectFixedSize) / uint64(f.PacketSize()))
		}
		take(h.Data.TotalPackets)
	}
	take(h.Packets)
	return n
}

// bind binds ctx to the network source's reads.
func (s *Session) bind(ctx context.Context) func() {
	if s.net == nil {
		return func() {}
	}
	return s.net.bind(ctx)
}

// Info implements transport.Session.
func (s *Session) Info() transport.Info { return s.info }

// Select implements transport.Session: only the selected streams are
// reassembled. A file needs no request: ctx is not used.
func (s *Session) Select(ctx context.Context, tracks []int) error {
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
	unbind := s.bind(ctx)
	n, err := s.file.SeekPacket(from)
	unbind()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("progressive: seeking to %v: %w", from, err)
	}
	s.next = n
	s.started = true
	return nil
}

// Pause implements transport.Session; a file needs nothing.
func (s *Session) Pause(ctx context.Context) error { return nil }

// ReadSample implements transport.Session. A source that ends before the
// data its header (or its server) declared ends with an error wrapping
// transport.ErrTruncated once the packets that did arrive are delivered:
// the lost end of a file is not a clean io.EOF.
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
			return transport.Sample{}, s.end()
		}
		unbind := s.bind(ctx)
		pkt, err := s.file.ReadPacket(s.next, s.buf)
		unbind()
		if err != nil {
			return transport.Sample{}, s.readError(ctx, err)
		}
		s.next++
		s.packets.Add(1)
		s.bytes.Add(int64(len(pkt)))
		if err := asftrack.Push(s.tap, s.demux, pkt, emit); err != nil {
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

// end is the error at the end of the packets: io.EOF, or a truncation
// when the header declared more.
func (s *Session) end() error {
	if s.declared > 0 {
		return fmt.Errorf("progressive: the source holds %d of the %d data packets its header declares: %w", s.count, s.declared, transport.ErrTruncated)
	}
	return io.EOF
}

// readError maps an error of ReadPacket.
func (s *Session) readError(ctx context.Context, err error) error {
	var te *timeoutError
	var tr *truncatedError
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case s.closed.Load():
		return transport.ErrClosed
	case errors.As(err, &te):
		return fmt.Errorf("progressive: reading packet %d: %w", s.next, te)
	case errors.As(err, &tr):
		return fmt.Errorf("progressive: reading packet %d: %w", s.next, tr)
	case errors.Is(err, asf.ErrTruncated) || errors.Is(err, io.ErrUnexpectedEOF):
		// The data ends inside a packet, or before one the header
		// declared.
		if s.unknown {
			return fmt.Errorf("progressive: packet %d is cut short (%v): %w", s.next, err, transport.ErrTruncated)
		}
		return fmt.Errorf("progressive: the source holds %d of the %d data packets its header declares (%v): %w", s.next, max(s.count, s.declared), err, transport.ErrTruncated)
	case errors.Is(err, io.EOF):
		// The end of a data object of unknown length.
		return s.end()
	}
	return fmt.Errorf("progressive: reading packet %d: %w", s.next, err)
}

// Stats implements transport.Session.
func (s *Session) Stats() transport.Stats {
	return transport.Stats{
		BytesReceived:   s.bytes.Load(),
		PacketsReceived: s.packets.Load(),
		CorruptPackets:  s.corrupt.Load(),
		Reconnects:      s.reconnects(),
		Elapsed:         s.now().Sub(s.opened),
	}
}

func (s *Session) reconnects() int {
	if s.net == nil {
		return 0
	}
	return s.net.reconnectCount()
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
