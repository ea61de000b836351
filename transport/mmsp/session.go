package mmsp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
	"github.com/eddyplayer/eddy/transport/internal/call"
	"github.com/eddyplayer/eddy/transport/wmlog"
	"github.com/eddyplayer/eddy/transport/wms"
)

// Queue bounds: the owner stops taking packets while this many samples
// wait for ReadSample, so TCP flow control slows the server (UDP data
// waits in the socket's buffer).
const (
	maxQueued  = 512
	eventQueue = 64
	// udpBuffer is the UDP socket's receive buffer.
	udpBuffer = 4 << 20
)

// clientState is the State variable (3.1.1).
type clientState uint8

const (
	stateReady clientState = iota + 1
	stateStreaming
)

type cmdKind uint8

const (
	cmdSelect cmdKind = iota
	cmdPlay
	cmdPause
)

type command struct {
	kind   cmdKind
	ctx    context.Context
	tracks []int
	from   time.Duration
	reply  chan error
}

// item is what ReadSample receives.
type item struct {
	sample transport.Sample
	err    error
	info   *transport.Info
}

// event is what the reader goroutines hand the owner.
type event struct {
	packet *Packet
	data   *Data
	udp    bool
	err    error
}

// session is an MS-MMSP client session: one owner goroutine holds the
// protocol state; a TCP reader goroutine and, for MMSU, a UDP reader
// goroutine report to it through a bounded channel.
type session struct {
	d       *Dialer
	cfg     transport.Config
	raw     string
	u       *url.URL
	nc      net.Conn
	r       *Reader
	uc      *net.UDPConn
	udp     bool
	timeout time.Duration
	guid    string
	// proxy is the MMS proxy connected to (host:port, Proxy-Address and
	// Proxy-Port of 3.1.1), "" for none.
	proxy  string
	server net.IP
	port   int // the server's TCP port: its UDP port for resends (3.1.4.7)

	wmu     sync.Mutex
	seq     uint16
	started time.Time

	ctx    context.Context
	cancel context.CancelFunc
	cmds   chan command
	out    chan item
	ev     chan event
	done   chan struct{}
	wg     sync.WaitGroup

	// idle is set while no data is expected (READY): the TCP reader then
	// rearms its deadline on a timeout instead of failing.
	idle atomic.Bool
	// wto is the write timeout: Config.Timeout, 1 s for the farewell.
	wto atomic.Int64

	mu       sync.Mutex
	info     transport.Info
	facts    transport.PlaybackFacts
	closeErr error

	closeOnce sync.Once
	stats     counters

	o owner
}

type counters struct {
	bytes, packets, lost, corrupt, dups atomic.Int64
	resent, nacks, bandwidth            atomic.Int64
	// pairBps is the packet-pair estimate (3.1.5.4, 3.1.5.11), 0 when
	// none was measured.
	pairBps                    atomic.Int64
	wrongSource, unknown, logs atomic.Int64
	reconnects                 atomic.Int64
	fastStart                  atomic.Bool
	opened                     time.Time
}

func newSession(d *Dialer, cfg transport.Config, raw string, u *url.URL, nc net.Conn, udp bool) *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{d: d, cfg: cfg, raw: raw, u: u, nc: nc, r: NewReader(nc), udp: udp, timeout: cfg.TimeoutOrDefault(),
		guid: clientGUID(cfg.ClientID), ctx: ctx, cancel: cancel, started: time.Now(),
		cmds: make(chan command), out: make(chan item), ev: make(chan event, eventQueue), done: make(chan struct{})}
	if ta, ok := nc.RemoteAddr().(*net.TCPAddr); ok {
		s.server, s.port = ta.IP, ta.Port
	}
	s.stats.opened = time.Now()
	s.wto.Store(int64(s.timeout))
	s.o.s = s
	s.o.playInc = 9 // PlayIncarnation's default (3.1.1)
	s.o.pending, s.o.asked = map[uint32]*Data{}, map[uint32]bool{}
	s.o.gap = time.NewTimer(time.Hour)
	s.o.gap.Stop()
	s.o.headerInc = 1
	return s
}

// send writes one message in its own TcpMessageHeader (3.1.5.1), with a
// write deadline.
func (s *session) send(m Message) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	b := AppendPacket(nil, s.seq, uint64(time.Since(s.started).Milliseconds()), m)
	s.seq++
	s.trace(transport.TraceRequest, m)
	s.nc.SetWriteDeadline(time.Now().Add(time.Duration(s.wto.Load())))
	if _, err := s.nc.Write(b); err != nil {
		return fmt.Errorf("sending %s to %s: %w", Name(m.MID()), s.u.Host, err)
	}
	return nil
}

// listenUDP opens the mmsu data port (the port of
// LinkViewerToMacConnectFunnel's funnel name, 2.2.4.14): a port of the
// user's range (Config.UDPPorts, Windows Media Player's Network tab) or
// any free one. None free is ErrUDPBlocked too: mmsu:// goes on over TCP
// (the error names the range and wraps transport.ErrNoFreeUDPPort).
func (s *session) listenUDP() error {
	var ip net.IP
	if local, ok := s.nc.LocalAddr().(*net.TCPAddr); ok {
		ip = local.IP
	}
	uc, err := transport.ListenUDP(ip, s.cfg.UDPPorts)
	if err != nil {
		return fmt.Errorf("%w: opening a UDP port: %w", ErrUDPBlocked, err)
	}
	uc.SetReadBuffer(udpBuffer)
	s.uc = uc
	return nil
}

func (s *session) closeUDP() {
	if s.uc != nil {
		s.uc.Close()
		s.uc = nil
	}
}

// readUDP reads one Data packet from the UDP socket until deadline,
// dropping (and counting) datagrams from another address than the
// server's and ones that are no Data packet.
func (s *session) readUDP(deadline time.Time) (Frame, error) {
	buf := make([]byte, 0x10000)
	for {
		s.uc.SetReadDeadline(deadline)
		n, from, err := s.uc.ReadFromUDP(buf)
		if err != nil {
			return Frame{}, err
		}
		if !from.IP.Equal(s.server) {
			s.stats.wrongSource.Add(1)
			continue
		}
		d, err := ParseData(buf[:n])
		if err != nil {
			s.stats.corrupt.Add(1)
			continue
		}
		d.Payload = append([]byte(nil), d.Payload...)
		return Frame{Data: &d}, nil
	}
}

// abort releases a session whose handshake failed.
func (s *session) abort() {
	s.cancel()
	s.nc.Close()
	s.closeUDP()
	close(s.done)
}

// start launches the readers and the owner.
func (s *session) start() {
	s.mu.Lock()
	s.info = s.o.info
	s.mu.Unlock()
	s.idle.Store(true)
	s.wg.Add(1)
	go s.readTCP()
	if s.udp {
		s.wg.Add(1)
		go s.readUDPLoop()
	}
	go s.run()
}

// readTCP hands the owner every packet of the control connection.
func (s *session) readTCP() {
	defer s.wg.Done()
	for {
		s.nc.SetReadDeadline(time.Now().Add(s.timeout))
		f, err := s.next()
		var ne net.Error
		if err != nil && errors.As(err, &ne) && ne.Timeout() && s.idle.Load() && s.ctx.Err() == nil {
			continue // nothing is due while READY; pings may be rare
		}
		ev := event{packet: f.Packet, err: err}
		if f.Data != nil {
			d := *f.Data
			d.Payload = append([]byte(nil), d.Payload...)
			ev.data = &d
		}
		if err != nil {
			ev.err = s.readErr(err, "data")
		}
		select {
		case s.ev <- ev:
		case <-s.ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// readUDPLoop hands the owner the UDP Data packets.
func (s *session) readUDPLoop() {
	defer s.wg.Done()
	for s.ctx.Err() == nil {
		f, err := s.readUDP(time.Now().Add(time.Second))
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		select {
		case s.ev <- event{data: f.Data, udp: true}:
		case <-s.ctx.Done():
			return
		}
	}
}

func (s *session) closed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closeErr != nil {
		return s.closeErr
	}
	return transport.ErrClosed
}

func (s *session) do(ctx context.Context, c command) error {
	c.ctx = ctx
	c.reply = make(chan error, 1)
	return call.Do(ctx, s.cmds, c, c.reply, s.done, s.closed)
}

// Info implements transport.Session.
func (s *session) Info() transport.Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info
}

// Select implements transport.Session: LinkViewerToMacStreamSwitch
// (3.1.4.2, 3.1.4.3).
func (s *session) Select(ctx context.Context, tracks []int) error {
	return s.do(ctx, command{kind: cmdSelect, tracks: append([]int(nil), tracks...)})
}

// Play implements transport.Session: StartPlaying at from (3.1.4.2), after
// StopPlaying when streaming (3.1.4.6).
func (s *session) Play(ctx context.Context, from time.Duration) error {
	return s.do(ctx, command{kind: cmdPlay, from: from})
}

// Pause implements transport.Session: StopPlaying (3.1.4.5).
func (s *session) Pause(ctx context.Context) error {
	return s.do(ctx, command{kind: cmdPause})
}

// ReadSample implements transport.Session.
func (s *session) ReadSample(ctx context.Context) (transport.Sample, error) {
	select {
	case it := <-s.out:
		if it.info != nil {
			s.mu.Lock()
			s.info = *it.info
			s.mu.Unlock()
		}
		return it.sample, it.err
	case <-ctx.Done():
		return transport.Sample{}, ctx.Err()
	case <-s.done:
		return transport.Sample{}, s.closed()
	}
}

// ReportPlayback implements transport.PlaybackReporter.
func (s *session) ReportPlayback(f transport.PlaybackFacts) {
	s.mu.Lock()
	s.facts = f
	s.mu.Unlock()
}

// Stats implements transport.Session.
func (s *session) Stats() transport.Stats {
	return transport.Stats{
		BytesReceived:          s.stats.bytes.Load(),
		PacketsReceived:        s.stats.packets.Load(),
		PacketsLost:            s.stats.lost.Load(),
		CorruptPackets:         s.stats.corrupt.Load(),
		PacketsDuplicate:       s.stats.dups.Load(),
		PacketsRecoveredResent: s.stats.resent.Load(),
		NACKsSent:              s.stats.nacks.Load(),
		BandwidthBps:           s.bandwidthBps(),
		Reconnects:             int(s.stats.reconnects.Load()),
		LogPosts:               int(s.stats.logs.Load()),
		FastStart:              s.stats.fastStart.Load(),
		Elapsed:                time.Since(s.stats.opened),
	}
}

// bandwidthBps is the link bandwidth Stats reports: the packet-pair
// estimate when one was measured (the link's speed, which the player's
// automatic stream choice reads when the user set none), else the rate
// data has arrived at.
func (s *session) bandwidthBps() int64 {
	if bps := s.stats.pairBps.Load(); bps > 0 {
		return bps
	}
	return s.stats.bandwidth.Load()
}

// Counters are what the session counts beyond transport.Stats.
type Counters struct {
	// WrongSource counts UDP datagrams from another address than the
	// server's, dropped.
	WrongSource int64
	// Unknown counts messages of undefined MIDs, skipped.
	Unknown int64
	// Transport is "UDP" or "TCP": where the data arrives.
	Transport string
	// PacketPairBps is the packet-pair bandwidth estimate in bits per
	// second (3.1.5.4 over TCP, 3.1.5.11 over UDP); 0: none measured.
	PacketPairBps int64
}

// Counters returns the session's own counters.
func (s *session) Counters() Counters {
	t := "TCP"
	if s.udp {
		t = "UDP"
	}
	return Counters{WrongSource: s.stats.wrongSource.Load(), Unknown: int64(s.r.Unknown) + s.stats.unknown.Load(), Transport: t, PacketPairBps: s.stats.pairBps.Load()}
}

// Close implements transport.Session: StopPlaying and the play log when
// streaming, CloseFile, then the connection closes (3.1.4.8).
func (s *session) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		<-s.done
		s.wg.Wait()
	})
	return nil
}

// run is the owner goroutine.
func (s *session) run() {
	o := &s.o
	defer func() {
		o.farewell()
		s.nc.Close()
		if s.uc != nil {
			s.uc.Close() // the UDP reader still reads s.uc: not set to nil
		}
		close(s.done)
	}()
	stall := time.NewTimer(time.Hour)
	stall.Stop()
	o.stall = stall
	for {
		var out chan item
		var head item
		if len(o.queue) > 0 {
			out, head = s.out, o.queue[0]
		}
		ev := s.ev
		if len(o.queue) >= maxQueued || o.failed {
			ev = nil
		}
		select {
		case <-s.ctx.Done():
			return
		case c := <-s.cmds:
			c.reply <- o.command(c)
		case out <- head:
			o.queue[0] = item{}
			o.queue = o.queue[1:]
		case e := <-ev:
			o.event(e)
		case <-o.gap.C:
			o.gapArmed = false
			o.giveUp()
		case <-stall.C:
			if o.newEntry && o.s.udp && !o.failed {
				o.headerExpired()
				continue
			}
			if o.draining {
				o.endOfStream(o.drainEnd)
				continue
			}
			if o.state == stateStreaming && !o.failed {
				o.fail(fmt.Errorf("%w: no data from %s for %v", ErrTimeout, s.u.Host, s.timeout))
			}
		}
	}
}

// owner is the protocol state the owner goroutine holds (3.1.1).
type owner struct {
	s *session

	serverMajor int
	authScheme  string
	clientID    uint32
	file        ReportOpenFile
	hdr         header
	// pairUDP: the server agreed to send the packet pair over UDP
	// (MMS_PACKET_PAIR_UDP_HIGH_ENTROPY, 3.1.5.4); pair follows it
	// after each ReadBlock (3.1.5.11).
	pairUDP bool
	pair    pairProbe

	h        *asf.Header
	dmx      *asf.Demuxer
	info     transport.Info
	selected map[int]bool
	sent     map[int]bool // the selection the server has

	state     clientState
	playInc   uint32 // PlayIncarnation, 9..0xFE
	headerInc uint32 // HeaderIncarnation, 1..8
	stopInc   uint32 // PlayIncarnation-For-Stop
	dataInc   uint8  // incarnation of the data packets played
	haveSeq   bool
	// seqSeen: a data packet came on this connection (the AFFlags
	// sequence has started, 2.2.2).
	seqSeen bool
	// expect is the 32-bit sequence number of the next data packet to
	// deliver; pending holds those after a gap, asked the ones asked for
	// again (3.1.4.7); gap fires when the wait for them is over.
	expect   uint32
	pending  map[uint32]*Data
	asked    map[uint32]bool
	gap      *time.Timer
	gapArmed bool
	// periodResent and periodNacks are the counters at the period's
	// start.
	periodResent, periodNacks int64
	// newEntry is set between ReportStreamChange and the new header;
	// needPlay after a new header over UDP until the consumer selects.
	newEntry, needPlay bool
	from               time.Duration

	// draining is set from a ReportEndOfStream over UDP until the data
	// behind it has come (drainEnd is the message).
	draining   bool
	hdrTries   int // Header timer expiries for the next entry
	drainEnd   *ReportEndOfStream
	drainUntil time.Time
	// firstData is when the session's first data packet came: the
	// bandwidth is measured from it.
	firstData     time.Time
	pendingChange *ReportStreamChange
	lastLoc       uint32
	haveLoc       bool

	queue  []item
	failed bool
	stall  *time.Timer
	period wmlog.Period
}

func (o *owner) nextPlayInc() uint32 {
	v := o.playInc
	o.playInc++
	if o.playInc > 0xFE {
		o.playInc = 9
	}
	return v
}

func (o *owner) nextHeaderInc() uint32 {
	v := o.headerInc
	o.headerInc++
	if o.headerInc > 8 {
		o.headerInc = 1
	}
	return v
}

// setHeader installs a presentation's header.
func (o *owner) setHeader(h *asf.Header) {
	o.h = h
	o.dmx = asftrack.NewDemuxer(o.s.cfg.Tap, h)
	in := asftrack.Info(h)
	in.URL = o.s.raw
	in.Protocol = "mmst"
	if o.s.udp {
		in.Protocol = "mmsu"
	}
	attr := o.file.FileAttributes
	if attr&(AttrBroadcast|AttrLive) != 0 {
		in.Broadcast, in.Seekable = true, false
	} else {
		// By time where the server can (CANSEEK), else by packet
		// number when the packet count is known (3.1.4.2.1).
		in.Seekable = attr&AttrCanSeek != 0 || o.file.FilePacketCount > 0
	}
	if in.Duration == 0 && o.file.FileDuration > 0 && o.file.FileDuration < 1e9 {
		in.Duration = time.Duration(o.file.FileDuration * float64(time.Second))
	}
	in.Caps.SwitchStreams = true
	o.info = in
	o.selected = map[int]bool{}
	for _, t := range in.Tracks {
		o.selected[t.ID] = true
	}
	o.sent = nil
	o.state = stateReady
}

func (o *owner) push(it item) { o.queue = append(o.queue, it) }

// fail ends the session's delivery with err (after what is queued).
func (o *owner) fail(err error) {
	if o.failed {
		return
	}
	o.failed = true
	o.push(item{err: err})
	o.s.mu.Lock()
	o.s.closeErr = err
	o.s.mu.Unlock()
}

// command handles a public method's request.
func (o *owner) command(c command) error {
	if o.failed {
		return o.s.closed()
	}
	switch c.kind {
	case cmdSelect:
		return o.selectTracks(c.ctx, c.tracks)
	case cmdPlay:
		if c.from != 0 && !o.info.Seekable {
			return transport.ErrNotSeekable
		}
		if c.from < 0 {
			c.from = 0
		}
		return o.play(c.ctx, c.from)
	case cmdPause:
		return o.stopPlaying(c.ctx)
	}
	return nil
}

// selectTracks records the selection; while streaming it sends the
// changed streams only (3.1.4.3), and after a new entry over UDP it
// starts the entry (3.1.4.4).
func (o *owner) selectTracks(ctx context.Context, tracks []int) error {
	sel := map[int]bool{}
	for _, id := range tracks {
		if _, ok := o.info.Track(id); ok {
			sel[id] = true
		}
	}
	o.selected = sel
	o.dmx.SetStreams(asftrack.StreamNumbers(tracks))
	o.dropUnselected()
	switch {
	case o.needPlay:
		o.needPlay = false
		return o.start(ctx, 0)
	case o.state == stateStreaming && o.sent != nil:
		entries := o.switchEntries(true)
		if len(entries) == 0 {
			return nil
		}
		if err := o.s.send(&StreamSwitch{Entries: entries}); err != nil {
			return o.fatal(err)
		}
		o.noteSent()
		_, err := o.await(ctx, MIDReportStreamSwitch)
		return err
	case o.state == stateStreaming:
		// A new entry over TCP streams at once: its selection goes out
		// now, complete.
		if err := o.s.send(&StreamSwitch{Entries: o.switchEntries(false)}); err != nil {
			return o.fatal(err)
		}
		o.noteSent()
		_, err := o.await(ctx, MIDReportStreamSwitch)
		return err
	}
	return nil
}

// switchEntries lists the STREAM_SWITCH_ENTRY elements (2.2.4.28): a
// selected stream is {0xFFFF, n, 0}, an unselected one {n, 0xFFFF, 0};
// changed lists only the streams whose state the server has otherwise.
func (o *owner) switchEntries(changed bool) []StreamSwitchEntry {
	var out []StreamSwitchEntry
	for _, t := range o.info.Tracks {
		on := o.selected[t.ID]
		if changed && o.sent != nil && o.sent[t.ID] == on {
			continue
		}
		if on {
			out = append(out, StreamSwitchEntry{Src: NoStream, Dst: uint16(t.ID)})
		} else {
			out = append(out, StreamSwitchEntry{Src: uint16(t.ID), Dst: NoStream})
		}
	}
	return out
}

func (o *owner) noteSent() {
	o.sent = map[int]bool{}
	for id, on := range o.selected {
		o.sent[id] = on
	}
}

// dropUnselected removes queued samples of tracks no longer selected.
func (o *owner) dropUnselected() {
	q := o.queue[:0]
	for _, it := range o.queue {
		if it.err == nil && !o.selected[it.sample.Track] {
			continue
		}
		q = append(q, it)
	}
	clear(o.queue[len(q):])
	o.queue = q
}

// play starts streaming at from: StopPlaying first when streaming
// (3.1.4.6).
func (o *owner) play(ctx context.Context, from time.Duration) error {
	if o.state == stateStreaming {
		if err := o.stopPlaying(ctx); err != nil {
			return err
		}
	}
	// What was queued belongs to the old position.
	q := o.queue[:0]
	for _, it := range o.queue {
		if it.err != nil && it.err != io.EOF {
			q = append(q, it)
		}
	}
	o.queue = q
	o.dmx.Reset()
	return o.start(ctx, from)
}

// start sends the complete stream selection and StartPlaying
// (3.1.4.2, 3.1.4.2.1) and waits for ReportStartedPlaying.
func (o *owner) start(ctx context.Context, from time.Duration) error {
	if err := o.s.send(&StreamSwitch{Entries: o.switchEntries(false)}); err != nil {
		return o.fatal(err)
	}
	o.noteSent()
	inc := o.nextPlayInc()
	sp := &StartPlaying{OpenFileID: o.file.OpenFileID, Position: from.Seconds(), ASFOffset: 0xFFFFFFFF, LocationID: 0xFFFFFFFF, PlayIncarnation: inc}
	if n, ok := o.packetFor(from); ok {
		// No seeking by time: by the packet number that far into the
		// file, position DBL_MAX (2.2.4.25).
		sp.Position, sp.LocationID = math.MaxFloat64, n
	}
	o.fastStart(sp)
	if err := o.s.send(sp); err != nil {
		return o.fatal(err)
	}
	o.stopInc, o.dataInc, o.from = inc, uint8(inc), from
	o.resetSeq()
	o.haveLoc, o.draining = false, false
	o.s.idle.Store(false)
	// Data may come (over UDP) before ReportStartedPlaying: the state
	// is STREAMING for it from here (3.1.5.15).
	o.state = stateStreaming
	o.s.mu.Lock()
	facts := o.s.facts
	o.s.mu.Unlock()
	o.period.Start(o.s.cfg.NowFunc()(), from, 1, facts)
	o.stall.Reset(o.s.timeout)
	if _, err := o.await(ctx, MIDReportStreamSwitch); err != nil {
		return err
	}
	_, err := o.await(ctx, MIDReportStartedPlaying)
	return err
}

// packetFor is the data packet to start at for a seek to from on content
// the server cannot seek by time (no FILE_ATTRIBUTE_MMS_CANSEEK): the
// packet that far into the file, as a fraction of its duration. ok is
// false when the seek goes by time (or to the start).
func (o *owner) packetFor(from time.Duration) (uint32, bool) {
	count, dur := o.file.FilePacketCount, o.info.Duration
	if from <= 0 || o.file.FileAttributes&AttrCanSeek != 0 || count == 0 || dur <= 0 || o.info.Broadcast {
		return 0, false
	}
	n := min(uint64(float64(count)*(float64(from)/float64(dur))), count-1, math.MaxUint32-1)
	return uint32(n), n > 0
}

// stopPlaying sends StopPlaying and the play log, and waits for the
// ReportEndOfStream that answers it (3.1.4.5).
func (o *owner) stopPlaying(ctx context.Context) error {
	if o.state != stateStreaming {
		return nil
	}
	o.draining = false
	o.resetSeq()
	if err := o.s.send(&StopPlaying{OpenFileID: o.file.OpenFileID, PlayIncarnation: o.stopInc}); err != nil {
		return o.fatal(err)
	}
	o.sendLog()
	inc := o.stopInc
	for {
		m, err := o.await(ctx, MIDReportEndOfStream)
		if err != nil {
			return err
		}
		if m.(*ReportEndOfStream).PlayIncarnation == inc {
			break
		}
	}
	o.state = stateReady
	o.s.idle.Store(true)
	o.stall.Stop()
	return nil
}

// fatal ends the session with a write failure.
func (o *owner) fatal(err error) error {
	o.fail(err)
	return err
}

// await handles events until a message of mid arrives (or the timeout,
// the context, the session's end). Data packets and other messages are
// processed as usual meanwhile.
func (o *owner) await(ctx context.Context, mid uint32) (Message, error) {
	t := time.NewTimer(o.s.timeout)
	defer t.Stop()
	for {
		select {
		case e := <-o.s.ev:
			if e.err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				o.fail(e.err)
				return nil, e.err
			}
			if e.packet != nil {
				for _, m := range e.packet.Messages {
					if m.MID() == mid {
						if hr := hrOf(m); Failed(hr) {
							err := &HRError{MID: mid, HR: hr}
							return nil, err
						}
						return m, nil
					}
					o.message(m)
				}
				continue
			}
			o.data(e.data, e.udp)
		case <-t.C:
			err := fmt.Errorf("%w: no %s from %s within %v", ErrTimeout, Name(mid), o.s.u.Host, o.s.timeout)
			o.fail(err)
			return nil, err
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-o.s.ctx.Done():
			return nil, o.s.closed()
		}
	}
}

// hrOf returns the hr field of the messages that have one.
func hrOf(m Message) uint32 {
	switch m := m.(type) {
	case *ReportStreamSwitch:
		return m.HR
	case *ReportStartedPlaying:
		return m.HR
	case *ReportReadBlock:
		return m.HR
	}
	return 0
}

// event handles what a reader goroutine reported.
func (o *owner) event(e event) {
	if e.err != nil {
		if o.s.ctx.Err() == nil {
			o.fail(e.err)
		}
		return
	}
	if e.packet != nil {
		for _, m := range e.packet.Messages {
			o.message(m)
		}
		return
	}
	o.data(e.data, e.udp)
}

// message handles a server message outside an exchange.
func (o *owner) message(m Message) {
	switch m := m.(type) {
	case *Ping:
		if err := o.s.send(&Pong{}); err != nil {
			o.fail(err)
		}
	case *ReportEndOfStream:
		o.endOfStream(m)
	case *ReportStreamChange:
		if o.draining {
			o.pendingChange = m // after the old entry's last data
			return
		}
		o.streamChange(m)
	case *ReportStreamSwitch:
		if Failed(m.HR) {
			o.fail(&HRError{MID: m.MID(), HR: m.HR})
		}
	case *ReportReadBlock:
		if Failed(m.HR) {
			o.fail(&HRError{MID: m.MID(), HR: m.HR})
		}
	case *Unknown:
		o.s.stats.unknown.Add(1)
	}
}

// endOfStream handles ReportEndOfStream not asked for by StopPlaying
// (3.1.5.18): the play log, then the end or, with hr 1, the next entry.
func (o *owner) endOfStream(m *ReportEndOfStream) {
	if o.state != stateStreaming {
		return
	}
	if o.s.udp && !o.draining && !Failed(m.HR) && !o.gotLast() {
		// Over UDP the data may still be on its way when the TCP
		// message overtakes it: take what comes until the UDP socket
		// has been quiet for a moment.
		o.draining, o.drainEnd = true, m
		o.drainUntil = time.Now().Add(o.s.timeout)
		o.stall.Reset(drainQuiet)
		return
	}
	o.draining = false
	for len(o.pending) > 0 {
		o.giveUp()
	}
	o.sendLog()
	o.stall.Stop()
	switch {
	case Failed(m.HR):
		o.fail(&HRError{MID: m.MID(), HR: m.HR})
	case m.HR == HRMoreEntries:
		o.newEntry = true
		if pc := o.pendingChange; pc != nil {
			o.pendingChange = nil
			o.streamChange(pc)
		}
	default:
		o.state = stateReady
		o.s.idle.Store(true)
		o.push(item{err: io.EOF})
	}
}

// drainQuiet is how long the UDP socket must stay quiet after a
// ReportEndOfStream before the end is taken as reached.
const drainQuiet = 300 * time.Millisecond

// gotLast reports whether the file's last data packet has come.
func (o *owner) gotLast() bool {
	n := o.file.FilePacketCount
	return o.haveLoc && n > 0 && uint64(o.lastLoc)+1 >= n
}

// streamChange handles ReportStreamChange (3.1.5.19): the next entry's
// header comes over TCP at once, or over UDP after a ReadBlock.
func (o *owner) streamChange(m *ReportStreamChange) {
	o.newEntry = true
	o.file.FilePacketSize, o.file.FileHeaderSize, o.file.FileBitRate = m.PacketSize, m.HeaderSize, m.BitRate
	o.file.FilePacketCount = 0 // the new entry's is not told
	o.hdr.reset(0xFF)
	o.stall.Reset(o.s.timeout)
	if o.s.udp {
		o.hdrTries = 0
		o.readBlock()
	}
}

// readBlock asks for the next entry's header over UDP (3.1.5.19) under
// the Header timer (3.1.5.9.1): the stall timer runs for it.
func (o *owner) readBlock() {
	inc := o.nextHeaderInc()
	o.hdr.reset(inc)
	if err := o.s.send(&ReadBlock{OpenFileID: o.file.OpenFileID, Length: 0x8000, Flags: 0xFFFFFFFF, TDeadline: 3600, PlayIncarnation: inc}); err != nil {
		o.fail(err)
		return
	}
	o.stall.Reset(o.s.headerTimer())
}

// headerExpired handles the Header timer's expiry for the next entry's
// header over UDP (3.1.6.1): CancelReadBlock and ReadBlock again, at most
// retryLimit times, then the end.
func (o *owner) headerExpired() {
	if o.hdrTries >= retryLimit {
		o.fail(fmt.Errorf("%w: no ASF file header of the next entry within %d tries of the Header timer", ErrUDPBlocked, o.hdrTries+1))
		return
	}
	o.hdrTries++
	if err := o.s.send(&CancelReadBlock{PlayIncarnation: o.hdr.inc}); err != nil {
		o.fail(err)
		return
	}
	o.readBlock()
}

// data handles a Data packet (3.1.5.17).
func (o *owner) data(d *Data, udp bool) {
	if d.LocationID&0xFFFFFF00 == PacketPairLocation && d.Incarnation == 0xFF && d.Flags == FlagPacketPair {
		return
	}
	if o.newEntry {
		if err := o.hdr.add(d, o.file.FileHeaderSize); err != nil {
			o.fail(err)
			return
		}
		if o.hdr.done {
			o.newHeader()
		}
		return
	}
	if o.state != stateStreaming || d.Incarnation != o.dataInc {
		return // stale: of an earlier StartPlaying
	}
	switch {
	case o.draining && time.Now().After(o.drainUntil):
		// A server that sends on and on after its end: the end
		// stands (the timer fires now).
		o.stall.Reset(0)
	case o.draining:
		o.stall.Reset(drainQuiet)
	default:
		o.stall.Reset(o.s.timeout)
	}
	now := time.Now()
	if o.firstData.IsZero() {
		o.firstData = now
	}
	o.s.stats.bandwidth.Store(bandwidth(o.s.stats.bytes.Add(int64(len(d.Payload))), now.Sub(o.firstData)))
	o.period.Bytes += int64(len(d.Payload))
	o.period.LastData = o.s.cfg.NowFunc()()
	if !o.haveSeq {
		// 2.2.2: the AFFlags sequence starts at 0x00 on the connection
		// and goes on across StartPlaying; so a first data packet of
		// the connection that is not 0 follows lost ones (a few: a
		// larger number is a server counting from elsewhere).
		o.haveSeq, o.expect = true, uint32(d.Flags)
		if !o.seqSeen && d.Flags < MaxResend {
			o.expect = 0
		}
		o.seqSeen = true
		clear(o.pending)
		clear(o.asked)
	}
	// The 32-bit sequence number nearest the one expected whose low 8
	// bits are AFFlags (3.1.4.7).
	seq := o.expect + uint32(int32(int8(d.Flags-uint8(o.expect))))
	switch {
	case int32(seq-o.expect) < 0:
		o.s.stats.dups.Add(1) // late (given up) or repeated
	case seq == o.expect:
		o.recovered(seq)
		o.deliver(d)
		o.expect++
		o.release()
	default:
		if _, dup := o.pending[seq]; dup {
			o.s.stats.dups.Add(1)
			return
		}
		o.recovered(seq)
		o.pending[seq] = d
		if len(o.pending) > maxPending {
			o.giveUp()
			return
		}
		o.requestMissing(seq)
	}
}

// Resend handling (3.1.4.7, 2.2.5): packets after a gap wait in pending
// for resendWait while the missing ones are asked for again (over UDP);
// then the gap is given up as lost.
const (
	maxPending = 512
	resendWait = 400 * time.Millisecond
)

// resetSeq forgets the sequence of the data packets: a new StartPlaying
// or entry starts a new one.
func (o *owner) resetSeq() {
	o.haveSeq, o.gapArmed = false, false
	clear(o.pending)
	clear(o.asked)
	o.gap.Stop()
	o.periodResent, o.periodNacks = o.s.stats.resent.Load(), o.s.stats.nacks.Load()
}

// recovered counts a packet that came after it was asked for again.
func (o *owner) recovered(seq uint32) {
	if o.asked[seq] {
		delete(o.asked, seq)
		o.s.stats.resent.Add(1)
	}
}

// requestMissing asks for the packets missing before seq that were not
// asked for yet, 32 per RequestPacketListResend, and arms the gap timer.
func (o *owner) requestMissing(seq uint32) {
	var list []uint32
	for n := o.expect; n != seq && len(o.asked) < maxPending; n++ {
		if _, ok := o.pending[n]; ok || o.asked[n] {
			continue
		}
		o.asked[n] = true
		list = append(list, n)
	}
	if o.s.udp && o.s.uc != nil && o.clientID != 0 {
		to := &net.UDPAddr{IP: o.s.server, Port: o.s.port}
		for len(list) > 0 {
			n := min(len(list), MaxResend)
			b := AppendResend(nil, Resend{ClientID: o.clientID, SourceID: uint16(o.file.OpenFileID), Packets: list[:n]})
			if _, err := o.s.uc.WriteToUDP(b, to); err == nil {
				o.s.stats.nacks.Add(int64(n))
			}
			list = list[n:]
		}
	}
	if !o.gapArmed {
		o.gapArmed = true
		o.gap.Reset(resendWait)
	}
}

// giveUp takes the packets missing before the first one waiting as lost
// and delivers what waits.
func (o *owner) giveUp() {
	if len(o.pending) == 0 {
		return
	}
	first := o.expect
	for n := range o.pending {
		if first == o.expect || int32(n-first) < 0 {
			first = n
		}
	}
	if run := int64(first - o.expect); run > 0 {
		o.s.stats.lost.Add(run)
		o.period.Lost(run)
		for n := o.expect; n != first; n++ {
			delete(o.asked, n)
		}
		o.dmx.Reset()
	}
	o.expect = first
	o.release()
}

// release delivers the packets waiting in order from expect and re-arms
// the gap timer for a gap left behind.
func (o *owner) release() {
	for {
		d, ok := o.pending[o.expect]
		if !ok {
			break
		}
		delete(o.pending, o.expect)
		o.deliver(d)
		o.expect++
	}
	o.gapArmed = false
	o.gap.Stop()
	if len(o.pending) > 0 {
		var last uint32 = o.expect
		for n := range o.pending {
			if int32(n-last) > 0 {
				last = n
			}
		}
		o.requestMissing(last)
	}
}

// deliver demuxes one ASF data packet into samples.
func (o *owner) deliver(d *Data) {
	pkt, err := asf.RestorePadding(d.Payload, o.h.PacketSize)
	if err != nil {
		o.s.stats.corrupt.Add(1)
		return
	}
	o.s.stats.packets.Add(1)
	o.period.Packets++
	o.lastLoc, o.haveLoc = d.LocationID, true
	defer func() {
		if o.draining && o.gotLast() {
			o.endOfStream(o.drainEnd)
		}
	}()
	if err := asftrack.Push(o.s.cfg.Tap, o.dmx, pkt, func(obj asf.Object) {
		if !o.selected[int(obj.Stream)] {
			return
		}
		smp := asftrack.Sample(obj)
		o.period.Sample(smp.PTS)
		o.push(item{sample: smp})
	}); err != nil {
		o.s.stats.corrupt.Add(1)
	}
}

// newHeader installs the next entry's header and tells the consumer
// (transport.ErrInfoChanged). Over TCP its data follows at once, with
// incarnation 0xFF (3.2.4.2); over UDP the consumer's Select starts it.
func (o *owner) newHeader() {
	o.newEntry = false
	h, err := asf.ParseHeader(o.hdr.buf)
	if err != nil {
		o.fail(fmt.Errorf("the next entry's ASF file header: %w", err))
		return
	}
	if err := h.CheckEncrypted(); err != nil {
		o.fail(err)
		return
	}
	o.setHeader(h)
	in := o.info
	if o.s.udp {
		o.needPlay = true
		o.s.idle.Store(true)
	} else {
		o.state = stateStreaming
		o.dataInc = 0xFF
		o.resetSeq()
		o.s.mu.Lock()
		facts := o.s.facts
		o.s.mu.Unlock()
		o.period.Start(o.s.cfg.NowFunc()(), 0, 1, facts)
	}
	o.push(item{err: transport.ErrInfoChanged, info: &in})
}

// sendLog sends LinkViewerToMacLogging for the period ending (3.1.4.5,
// 3.1.5.18); a failure to send is the session's end anyway.
func (o *owner) sendLog() {
	if !o.period.Active {
		return
	}
	if o.s.cfg.NoPlayLogs {
		o.period.Active = false
		return
	}
	o.s.mu.Lock()
	facts := o.s.facts
	o.s.mu.Unlock()
	host := wmlog.DefaultHost(o.s.d.PlayerVersion)
	rec := wmlog.Record{
		Time: o.s.cfg.NowFunc()(), URIStem: o.s.raw, URL: o.s.raw, PlayerID: o.s.guid,
		PlayerVersion: wmlog.Version(o.s.d.PlayerVersion), PlayerLanguage: o.s.d.Language, UserAgent: "NSPlayer/9.0.0.2980",
		Referer: facts.Referer, Host: host, FileLength: o.info.Duration, Protocol: "mms", Transport: "TCP",
		MediaName: facts.MediaName, MediaRole: facts.MediaRole, ResendRequests: -1,
	}
	if o.s.udp {
		rec.Transport = "UDP"
	}
	if o.info.Broadcast {
		rec.FileLength = 0
	}
	o.period.Fill(&rec, facts, o.info.Broadcast)
	rec.AddCodecs(o.info.Tracks, o.selected)
	logURLs := o.period.Facts.LogURLs
	o.period.Active = false
	o.webLogs(rec, logURLs, facts.LogURLs)
	l := ClientLog{
		URL: o.s.raw, UserAgent: "NSPlayer/9.0.0.2980", ClientVersion: PackVersion(o.s.d.PlayerVersion),
		Lang: o.s.d.Language, UniquePID: o.s.guid, HostExe: host.Exe, HostExeVersion: PackVersion(host.ExeVersion),
		AvgBandwidthBps: clamp32(rec.AvgBandwidth), StartTimeMS: ms32(rec.StartTime), PlayedMS: ms32(rec.Duration), Rate: 1,
		BufferingCount: clamp32(rec.BufferCount), BufferingTimeMS: ms32(rec.BufferTime), BytesReceived: uint64(max(0, rec.Bytes)),
		PacketsReceived: clamp32(rec.PacketsReceived), PacketsLostClient: clamp32(rec.PacketsLostNet), MinReceptionQuality: uint32(rec.Quality()),
		SourceID: o.file.OpenFileID, IPAddress: 0xFFFFFFFF, OS: host.OS, OSVersion: PackVersion(host.OSVersion), CPU: host.CPU,
		Proto: "mms", Transport: "TCP", PacketsLostNet: clamp32(rec.PacketsLostNet), PacketsLostContNet: clamp32(rec.PacketsLostContNet),
	}
	if o.s.udp {
		l.Transport = "UDP"
		l.ResendRequests = clamp32(o.s.stats.nacks.Load() - o.periodNacks)
		l.PacketsRecoveredResent = clamp32(o.s.stats.resent.Load() - o.periodResent)
		l.PacketsResent = l.PacketsRecoveredResent
	}
	if !o.info.Broadcast {
		l.FileDurationMS = ms32(o.info.Duration)
	}
	if len(rec.AudioCodecs) > 0 {
		l.AudioCodec = rec.AudioCodecs[0]
	}
	if len(rec.VideoCodecs) > 0 {
		l.VideoCodec = rec.VideoCodecs[0]
	}
	if err := o.s.send(&Logging{Log: l}); err == nil {
		o.s.stats.logs.Add(1)
	}
}

// webLogs posts the period's log to the web-server log URLs the player
// names (an ASX LOGURL: PlaybackFacts.LogURLs; MS-WMLOG 2.3), each once,
// in the background: Close waits for them, each bounded by the session's
// timeout; a failed one costs only that log.
func (o *owner) webLogs(rec wmlog.Record, lists ...[]string) {
	s := o.s
	wmlog.SubmitAll(&s.wg, s.cfg.ClientFor("mmsp"), s.timeout, wmlog.WebPosts(rec, wmlog.Legacy, s.u, lists...),
		func() { s.stats.logs.Add(1) })
}

// DefaultBufferTarget is the buffer fast start fills when neither
// Config.BufferTarget nor the content's preroll says.
const DefaultBufferTarget = 5 * time.Second

// fastStart fills StartPlaying's fast-start fields (3.1.4.2.1: SHOULD
// when the Server-Version is 9 or later; 2.2.4.25): dwLinkBandwidth, the
// link's bandwidth (Config.Bandwidth when the user set it, else the
// packet-pair estimate; absent when neither is known), and
// dwAccelBandwidth and dwAccelDuration from wms.FastStart: the buffer
// target filled at the link's rate, or as fast as possible for twice the
// buffer when the link's rate is unknown, never above the link's rate.
func (o *owner) fastStart(sp *StartPlaying) {
	if o.serverMajor < 9 || o.s.d.DisableFastStart {
		return
	}
	link := o.s.cfg.Bandwidth
	if link <= 0 {
		link = o.s.stats.pairBps.Load()
	}
	buf := o.s.cfg.BufferTarget
	if buf <= 0 {
		buf = o.info.Preroll
	}
	if buf <= 0 {
		buf = DefaultBufferTarget
	}
	var rate int64
	for _, t := range o.info.Tracks {
		if o.selected[t.ID] {
			rate += int64(t.Bitrate)
		}
	}
	if rate <= 0 {
		rate = int64(o.info.MaxBitrate)
	}
	bps, dur := wms.FastStart(link, rate, buf)
	if bps <= 0 {
		return
	}
	sp.HasAccel, sp.AccelBandwidth, sp.AccelDuration = true, clamp32(bps), ms32(dur)
	if link > 0 {
		sp.HasLink, sp.LinkBandwidth = true, clamp32(link)
	}
	// MS-MMSP has no answer granting it (3.2.5.11: the server SHOULD
	// send at that rate, <49>: perhaps at less): asked is all a client
	// can report.
	o.s.stats.fastStart.Store(true)
}

// bandwidth is the average receive rate of n bytes in d, in bits per
// second (0 until a tenth of a second has passed).
func bandwidth(n int64, d time.Duration) int64 {
	if d < 100*time.Millisecond {
		return 0
	}
	return int64(float64(n) * 8 / d.Seconds())
}

func clamp32(v int64) uint32      { return uint32(min(max(v, 0), math.MaxUint32)) }
func ms32(d time.Duration) uint32 { return clamp32(d.Milliseconds()) }

// farewell ends the session politely (3.1.4.8): StopPlaying and the play
// log when streaming, then CloseFile; the connection then closes. Writes
// have their deadline; nothing is awaited.
func (o *owner) farewell() {
	o.s.wto.Store(int64(min(o.s.timeout, time.Second)))
	if o.state == stateStreaming {
		if o.s.send(&StopPlaying{OpenFileID: o.file.OpenFileID, PlayIncarnation: o.stopInc}) != nil {
			return
		}
		o.sendLog()
	}
	o.s.send(&CloseFile{OpenFileID: o.file.OpenFileID})
}
