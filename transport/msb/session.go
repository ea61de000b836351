package msb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
	"github.com/eddyplayer/eddy/transport/nsc"
	"github.com/eddyplayer/eddy/transport/wmlog"
	"github.com/eddyplayer/eddy/transport/wms"
)

// queueBytes bounds the packets queued between the receiving goroutine
// and ReadSample; the queue holds queueBytes / packet size packets,
// within minQueue..maxQueue.
const (
	queueBytes = 4 << 20
	minQueue   = 64
	maxQueue   = 1024
	// maxDatagram is the largest MSB packet (wPacketSize is 16 bits).
	maxDatagram = 0xFFFF
	// idleWake bounds every socket read: the goroutine wakes at least
	// this often even when nothing is due.
	idleWake = time.Second
)

// Session is a joined MSB broadcast. It implements transport.Session and
// transport.PlaybackReporter: a live source, never seekable; Pause stops
// delivery and Play resumes at the live point.
type Session struct {
	d       *Dialer
	st      *nsc.Station
	url     string
	cfg     transport.Config
	group   netip.AddrPort
	conn    *net.UDPConn
	eos     time.Duration
	c       counters
	rx      *receiver
	out     chan item
	heard   chan struct{}
	done    chan struct{}
	doneErr error
	closed  chan struct{}
	once    sync.Once
	opened  time.Time

	paused atomic.Bool
	epoch  atomic.Uint32
	// lastData is when the last known MSB packet came (UnixNano).
	lastData atomic.Int64
	corrupt  atomic.Int64
	// first is the wStreamID of the first known packet (-1: none yet),
	// set before heard is closed.
	first atomic.Int32

	// Reader side: used by the methods the player serialises.
	started  bool
	cur      int32 // wStreamID being played, -1 before the first packet
	format   *nsc.Format
	info     transport.Info
	demux    *asf.Demuxer
	selected []int
	pending  []transport.Sample
	heldItem *item
	ended    error

	log logger
}

// logger holds the play-log state, shared by the reader and Close.
type logger struct {
	mu       sync.Mutex
	period   wmlog.Period
	at       Counters // counters when the period started
	maxRun   int64
	facts    transport.PlaybackFacts
	guid     string
	tracks   []transport.Track
	selected map[int]bool
	closed   bool
	wg       sync.WaitGroup
	posts    atomic.Int64
	failures atomic.Int64
}

func newSession(d *Dialer, st *nsc.Station, stationURL string, cfg transport.Config) (*Session, error) {
	if len(st.Formats) == 0 {
		return nil, fmt.Errorf("%w: no Format", ErrStation)
	}
	if err := st.Formats[0].ASF.CheckEncrypted(); err != nil {
		return nil, fmt.Errorf("%w: %w", transport.ErrEncrypted, err)
	}
	network := "udp4"
	if st.Group.Is6() {
		network = "udp6"
	}
	gaddr := &net.UDPAddr{IP: st.Group.AsSlice(), Port: int(st.Port), Zone: st.Group.Zone()}
	conn, err := net.ListenMulticastUDP(network, d.Interface, gaddr)
	if err != nil {
		return nil, fmt.Errorf("msb: joining group %s port %d: %w", st.Group, st.Port, err)
	}
	// Best effort: a larger socket buffer rides out a slow reader.
	_ = conn.SetReadBuffer(1 << 20)
	maxPacket := uint32(0)
	for _, f := range st.Formats {
		maxPacket = max(maxPacket, f.ASF.PacketSize)
	}
	queue := maxQueue
	if maxPacket > 0 {
		queue = min(max(queueBytes/int(maxPacket), minQueue), maxQueue)
	}
	eos := d.EOSTimeout
	if eos <= 0 {
		eos = DefaultEOSTimeout
	}
	s := &Session{
		d: d, st: st, url: stationURL, cfg: cfg, conn: conn, eos: eos,
		group:  netip.AddrPortFrom(st.Group, st.Port),
		out:    make(chan item, queue),
		heard:  make(chan struct{}),
		done:   make(chan struct{}),
		closed: make(chan struct{}),
		opened: time.Now(),
		cur:    -1,
		format: &st.Formats[0],
	}
	s.first.Store(-1)
	s.log.guid = cfg.ClientID
	if s.log.guid == "" {
		s.log.guid = wms.NewGUID()
	}
	s.info = s.infoFor(s.format)
	s.demux = asftrack.NewDemuxer(cfg.Tap, s.format.ASF)
	s.rx = newReceiver(func(id uint16) bool {
		_, ok := st.Format(id & FormatIDMask)
		return ok
	}, st.MulticastAdapter, d.GapHold, &s.c)
	s.rx.onLost = s.lostRun
	go s.run()
	return s, nil
}

// begin takes the format of the first packet heard as the presentation
// Dial describes (the station's first format when only a Beacon came).
// It runs once the Open timer stopped, before the session is returned.
func (s *Session) begin() {
	if id := s.first.Load(); id >= 0 {
		if f, ok := s.st.Format(uint16(id) & FormatIDMask); ok && f != s.format {
			s.format = f
			s.info = s.infoFor(f)
			s.demux = asftrack.NewDemuxer(s.cfg.Tap, f.ASF)
		}
	}
}

// Group is the multicast group and port joined.
func (s *Session) Group() netip.AddrPort { return s.group }

// Station is the station file the session was opened from.
func (s *Session) Station() *nsc.Station { return s.st }

// Counters returns a snapshot of the MSB counters.
func (s *Session) Counters() Counters { return s.c.snapshot() }

// run reads datagrams until the session closes or the End of Stream timer
// expires ([MS-MSB] 3.2.5.2, 3.2.6.2). Every read has a deadline: the
// next gap hold, the End of Stream timer, or idleWake.
func (s *Session) run() {
	defer close(s.done)
	buf := make([]byte, maxDatagram+1)
	heard := false
	emit := func(it item) {
		if !it.end && it.err == nil && s.paused.Load() {
			return
		}
		it.epoch = s.epoch.Load()
		select {
		case s.out <- it:
		case <-s.closed:
		}
	}
	for {
		now := time.Now()
		deadline := now.Add(idleWake)
		if t := s.rx.deadline(); !t.IsZero() && t.Before(deadline) {
			deadline = t
		}
		if !s.rx.lastData.IsZero() {
			if t := s.rx.lastData.Add(s.eos); t.Before(deadline) {
				deadline = t
			}
		}
		if err := s.conn.SetReadDeadline(deadline); err != nil {
			s.finish(err, emit)
			return
		}
		n, from, err := s.conn.ReadFromUDPAddrPort(buf)
		now = time.Now()
		if err != nil {
			select {
			case <-s.closed:
				s.doneErr = errClosed
				return
			default:
			}
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				s.finish(err, emit)
				return
			}
			if !s.rx.lastData.IsZero() && now.Sub(s.rx.lastData) >= s.eos {
				// 3.2.6.2: the stream has ended.
				s.rx.flush(emit)
				s.finish(io.EOF, emit)
				return
			}
			s.rx.tick(now, emit)
			continue
		}
		s.rx.datagram(buf[:n], from.Addr(), now, emit)
		if !s.rx.lastData.IsZero() {
			s.lastData.Store(s.rx.lastData.UnixNano())
		}
		if s.d.datagram != nil {
			s.d.datagram()
		}
		if !heard && s.rx.heard {
			s.first.Store(s.rx.first)
			// 3.2.5.1, 3.2.5.2: the Open timer stops.
			heard = true
			close(s.heard)
		}
	}
}

// finish ends the goroutine with err (io.EOF at the end of the stream).
func (s *Session) finish(err error, emit func(item)) {
	s.doneErr = err
	if err == io.EOF {
		emit(item{end: true})
		return
	}
	emit(item{err: fmt.Errorf("msb: receiving from %s: %w", s.group, err)})
}

// infoFor describes the presentation of a format: its ASF header, as a
// live broadcast.
func (s *Session) infoFor(f *nsc.Format) transport.Info {
	in := asftrack.Info(f.ASF)
	in.URL, in.Protocol = s.url, "msb"
	in.Broadcast, in.Seekable, in.Duration = true, false, 0
	// Every packet carries every stream: a switch is a demuxer filter.
	in.Caps = transport.Capabilities{SwitchStreams: true}
	if in.Metadata.Title == "" {
		in.Metadata.Title = f.Description
	}
	return in
}

// Info describes the current entry.
func (s *Session) Info() transport.Info { return s.info }

// Select delivers only the samples of the given tracks from now on.
func (s *Session) Select(_ context.Context, tracks []int) error {
	s.selected = append([]int{}, tracks...)
	s.demux.SetStreams(asftrack.StreamNumbers(s.selected))
	keep := s.pending[:0]
	for _, smp := range s.pending {
		for _, id := range s.selected {
			if smp.Track == id {
				keep = append(keep, smp)
				break
			}
		}
	}
	clear(s.pending[len(keep):])
	s.pending = keep
	sel := map[int]bool{}
	for _, id := range s.selected {
		sel[id] = true
	}
	s.log.mu.Lock()
	s.log.selected = sel
	s.log.mu.Unlock()
	return nil
}

// Play starts delivery, or resumes it at the live point after Pause. A
// broadcast cannot seek: a non-zero from is ErrNotSeekable.
func (s *Session) Play(_ context.Context, from time.Duration) error {
	if s.isClosed() {
		return transport.ErrClosed
	}
	if from != 0 {
		return fmt.Errorf("msb: %s is a multicast broadcast: %w", s.group, transport.ErrNotSeekable)
	}
	if s.started && !s.paused.Load() {
		return nil
	}
	if s.paused.Load() {
		// Whatever was queued before the pause is stale.
		s.epoch.Add(1)
		s.pending = nil
		s.heldItem = nil
		s.demux.Reset()
		s.paused.Store(false)
	}
	s.started = true
	s.startPeriod()
	return nil
}

// Pause stops delivery; for the play log it is the end of the stream
// ([MS-MSB] 3.2.7.1).
func (s *Session) Pause(context.Context) error {
	if s.isClosed() {
		return transport.ErrClosed
	}
	if s.paused.Swap(true) {
		return nil
	}
	s.pending = nil
	s.endPeriod()
	return nil
}

// ReadSample returns the next sample of the selected tracks,
// transport.ErrInfoChanged when the wStreamID changes (another format, or
// the same one with the entry toggle flipped: a new server-side playlist
// entry, [MS-MSB] 2.2.4, 4.2), io.EOF when the End of Stream timer
// expired.
func (s *Session) ReadSample(ctx context.Context) (transport.Sample, error) {
	if !s.started {
		if err := s.Play(ctx, 0); err != nil {
			return transport.Sample{}, err
		}
	}
	emit := func(o asf.Object) { s.pending = append(s.pending, asftrack.Sample(o)) }
	for {
		if len(s.pending) > 0 {
			smp := s.pending[0]
			s.pending[0] = transport.Sample{}
			s.pending = s.pending[1:]
			s.log.mu.Lock()
			s.log.period.Sample(smp.PTS)
			s.log.mu.Unlock()
			return smp, nil
		}
		if s.ended != nil {
			return transport.Sample{}, s.ended
		}
		var it item
		if s.heldItem != nil {
			it, s.heldItem = *s.heldItem, nil
		} else {
			select {
			case it = <-s.out:
			case <-ctx.Done():
				return transport.Sample{}, ctx.Err()
			case <-s.closed:
				return transport.Sample{}, transport.ErrClosed
			}
		}
		switch {
		case it.end:
			s.ended = io.EOF
			s.endPeriod()
			continue
		case it.err != nil:
			s.ended = it.err
			s.endPeriod()
			continue
		case it.epoch != s.epoch.Load():
			continue // queued before a pause
		}
		if int32(it.stream) != s.cur {
			if s.cur < 0 && it.stream&FormatIDMask == s.format.ID {
				s.cur = int32(it.stream)
			} else {
				s.switchTo(it.stream)
				s.heldItem = &it
				return transport.Sample{}, transport.ErrInfoChanged
			}
		}
		if it.gap {
			s.demux.Reset()
		}
		if err := asftrack.Push(s.cfg.Tap, s.demux, it.pkt, emit); err != nil {
			s.corrupt.Add(1)
		}
	}
}

// switchTo starts the entry of wStreamID id: its format's header, a new
// demuxer, every track until the next Select, and a new logged period
// (the log of the entry that ended is sent, [MS-MSB] 4.2).
func (s *Session) switchTo(id uint16) {
	f, ok := s.st.Format(id & FormatIDMask)
	if !ok {
		return // the receiver lets only known formats through
	}
	s.endPeriod()
	s.cur, s.format = int32(id), f
	s.info = s.infoFor(f)
	s.demux = asftrack.NewDemuxer(s.cfg.Tap, f.ASF)
	s.selected = nil
	s.startPeriod()
}

// Stats returns the session's counters.
func (s *Session) Stats() transport.Stats {
	c := s.c.snapshot()
	return transport.Stats{
		BytesReceived:       c.Bytes,
		PacketsReceived:     c.Received,
		PacketsLost:         c.Lost,
		CorruptPackets:      c.Malformed + s.corrupt.Load(),
		PacketsDuplicate:    c.Duplicate,
		PacketsRecoveredFEC: c.Recovered,
		PacketsLate:         c.Late,
		LogPosts:            int(s.log.posts.Load()),
		Elapsed:             time.Since(s.opened),
	}
}

func (s *Session) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// Close leaves the group, sends the play log of the period being played
// ([MS-MSB] 3.2.7.1) and waits for the logs being sent. It is safe to call
// more than once and from any goroutine.
func (s *Session) Close() error {
	s.once.Do(func() {
		close(s.closed)
		s.conn.Close()
		<-s.done
		s.closeLog()
	})
	return nil
}
