package rtsp

import (
	"net"
	"slices"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
	"github.com/eddyplayer/eddy/transport/jitter"
	"github.com/eddyplayer/eddy/transport/rtsp/asfrtp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtx"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// udpQueue bounds the datagrams read ahead of the owner; when it is full
// further datagrams are dropped and counted (the kernel would drop them
// too).
const udpQueue = 1024

// maxDatagram is the largest UDP datagram read.
const maxDatagram = 65535

// Socket roles of a datagram.
const (
	sockMedia = iota // the media RTP port shared by every non-rtx stream (2.2.7.10.1)
	sockMediaRTCP
	sockRtx // the retransmission stream's RTP port
	sockRtxRTCP
)

// datagram is one UDP packet and where it arrived.
type datagram struct {
	sock int
	data []byte
	from net.Addr
	at   time.Time
}

// channel is one set-up RTP session: a media stream of the SDP, its FEC
// stream if any, and what rebuilds its ASF packets (MS-RTSP 3.1.5.12).
type channel struct {
	media int // index into pres.media
	// url is the stream's URL: its control URL, or the URL the server
	// named it by in X-RTP-Info when it predicted it (2.2.6.27).
	url string
	// slot is the URL of the SETUP that selected the RTP session the
	// stream travels in (2.2.7.10.2): url for a stream the client set
	// up; for a predicted stream, the slot of the channel of the
	// previous entry whose RTP session carries it (3.2.4.2), so a chain
	// of entries keeps the first SETUP's URL (2.2.7.10.3).
	slot string
	// kind is the m= media of the stream (audio, video, application).
	kind  string
	pt    uint8
	fecPT int // -1: no FEC
	ssrc  uint32
	ssrcK bool
	// rtp and fecCh are the interleaved channels (TCP).
	rtpCh, fecCh int
	jb           *jitter.Buffer
	fec          *wmfec.Decoder
	dep          *asfrtp.Depacketizer
	// t0 and ts0 anchor the playout deadlines: the arrival and the RTP
	// timestamp of the first packet after PLAY.
	t0    time.Time
	ts0   uint32
	haveT bool
	// bye: the sender said goodbye (RTCP BYE, RFC 3550 6.6).
	bye bool
	// fecSSRC is the FEC stream's SSRC (fecSSRCK: known).
	fecSSRC  uint32
	fecSSRCK bool
	// tracker decides the NACKs of the channel (nil without the
	// retransmission stream).
	tracker *rtx.Tracker
	// lastOut is the sequence number of the last packet handed on.
	lastOut  uint16
	lastOutK bool
}

// mediaPath receives the RTP of the set-up channels, over UDP or
// interleaved in the control connection, and turns it into samples.
type mediaPath struct {
	o     *owner
	tcp   bool
	chans []*channel
	// nextCh is the next free interleaved channel pair (TCP).
	nextCh int
	// holding: a PLAY is unanswered; held are the packets meanwhile.
	holding bool
	held    []heldPacket
	// next holds the packets of the next playlist entry that come while
	// the end of this one waits for its last packets, the next entry's
	// ANNOUNCE having come first (owner.announce).
	next []heldPacket
	// server is the address UDP media must come from, serverPorts the
	// ports its SETUP answers named (server_port; none named: any).
	server      net.IP
	serverPorts map[int]bool
	socks       [4]net.PacketConn
	udpIn       chan datagram
	tmr         *time.Timer
	armed       bool
	wg          sync.WaitGroup
	done        chan struct{}

	// rtx is the retransmission stream once set up (UDP only): the
	// client's SSRC in its Transport, the server's ssrc and the port its
	// NACKs go to (RTCP-Destination-Port, 3.1.5.6).
	rtx *rtxState

	// foreign counts datagrams from an address other than the server's;
	// overrun those dropped because the owner was behind; unknown RTP of
	// no set-up channel; malformed RTP that did not parse.
	foreign, overrun, unknown, malformed int64
}

func newMediaPath(o *owner, tcp bool) *mediaPath {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &mediaPath{o: o, tcp: tcp, udpIn: make(chan datagram, udpQueue), tmr: t, done: make(chan struct{})}
}

// listen opens the UDP socket pairs: the media RTP port and the next one
// for RTCP, and the same for the retransmission stream when rtx is set.
// The ports are an even port and the next within the user's range
// (Config.UDPPorts, Windows Media Player's Network tab), else any free
// pair the system gives; none free is an error wrapping
// transport.ErrNoFreeUDPPort that names the range.
func (m *mediaPath) listen(local net.IP, rtx bool) error {
	ports := m.o.s.cfg.UDPPorts
	pairs := 1
	if rtx {
		pairs = 2
	}
	for p := 0; p < pairs; p++ {
		a, b, err := transport.ListenUDPPair(local, ports)
		if err != nil {
			return err
		}
		m.socks[2*p], m.socks[2*p+1] = a, b
		// Room for a fast-start burst: the default buffer of a few
		// hundred kB drops packets the server sends at once.
		a.SetReadBuffer(4 << 20)
	}
	for i, c := range m.socks {
		if c != nil {
			m.wg.Add(1)
			go m.readUDP(i, c)
		}
	}
	return nil
}

// port returns the local port of a socket.
func (m *mediaPath) port(sock int) int {
	if m.socks[sock] == nil {
		return 0
	}
	return m.socks[sock].LocalAddr().(*net.UDPAddr).Port
}

// readUDP hands datagrams to the owner until the socket closes.
func (m *mediaPath) readUDP(sock int, c net.PacketConn) {
	defer m.wg.Done()
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			return
		}
		// A copy the size of the datagram: the queue holds at most
		// udpQueue of them, not udpQueue buffers of 64 KiB.
		d := datagram{sock: sock, data: append([]byte(nil), buf[:n]...), from: from, at: m.o.s.now()}
		select {
		case m.udpIn <- d:
		case <-m.done:
			return
		default:
			m.o.s.stats.overrun.Add(1)
		}
	}
}

func (m *mediaPath) close() {
	select {
	case <-m.done:
		return
	default:
	}
	close(m.done)
	for _, c := range m.socks {
		if c != nil {
			c.Close()
		}
	}
	m.wg.Wait()
	m.tmr.Stop()
}

func (m *mediaPath) timerC() <-chan time.Time {
	if !m.armed {
		return nil
	}
	return m.tmr.C
}

// datagram handles one UDP packet.
func (m *mediaPath) datagram(d datagram) {
	o := m.o
	if udp, ok := d.from.(*net.UDPAddr); ok && !m.fromServer(udp) {
		m.foreign++
		o.s.stats.foreign.Add(1)
		return
	}
	o.s.stats.bytes.Add(int64(len(d.data)))
	o.received(len(d.data))
	o.mediaArrived(true)
	switch d.sock {
	case sockMedia:
		var p rtp.Packet
		if err := p.Unmarshal(d.data); err != nil {
			m.malformed++
			o.s.stats.corrupt.Add(1)
			return
		}
		ch := m.bySSRC(&p)
		if ch == nil {
			m.unknown++
			return
		}
		m.rtp(ch, &p, d.at)
	case sockRtx:
		m.resent(d)
	case sockMediaRTCP:
		m.rtcp(d.data, nil)
	}
	m.drain()
}

// rtcp reads the server's RTCP: a BYE for every channel (ch, or the
// channels of the SSRCs it names) ends the stream as an EndOfStream
// would. Servers without MS-RTSP's EndOfStream (GStreamer) end this
// way; sender reports are not needed to play.
func (m *mediaPath) rtcp(b []byte, ch *channel) {
	pkts, err := rtcp.Unmarshal(b)
	if err != nil {
		return
	}
	for _, p := range pkts {
		bye, ok := p.(*rtcp.Goodbye)
		if !ok {
			continue
		}
		for _, c := range m.chans {
			if c == ch || (c.ssrcK && slices.Contains(bye.Sources, c.ssrc)) || (!c.ssrcK && ch == nil && len(m.chans) == 1) {
				c.bye = true
			}
		}
	}
	for _, c := range m.chans {
		if !c.bye {
			return
		}
	}
	m.o.endOfMedia()
}

// bySSRC finds the channel of a packet: by payload type first (the FEC
// stream has its own), then by SSRC when several channels share it. A
// packet whose SSRC is none of the channels' goes only to a channel whose
// SSRC is not known yet: the packets of a stream the client removed (a
// TEARDOWN the server has not handled yet, or refused, 3.1.5.2) share
// the port and payload type of the others and would corrupt them.
func (m *mediaPath) bySSRC(p *rtp.Packet) *channel {
	var match *channel
	for _, ch := range m.chans {
		if p.PayloadType != ch.pt && int(p.PayloadType) != ch.fecPT {
			continue
		}
		if ch.ssrcK && ch.ssrc == p.SSRC {
			return ch
		}
		// A FEC stream has an SSRC of its own (its SETUP answer's,
		// MS-RTSP 4.4.4.4); every stream's FEC may share a payload type.
		if int(p.PayloadType) == ch.fecPT && ch.fecSSRCK && ch.fecSSRC == p.SSRC {
			return ch
		}
		known := ch.ssrcK
		if p.PayloadType != ch.pt {
			known = ch.fecSSRCK // a FEC packet
		}
		if match == nil && !known {
			match = ch
		}
	}
	return match
}

// frame handles one interleaved frame (TCP).
func (m *mediaPath) frame(f *Frame) {
	o := m.o
	o.s.stats.bytes.Add(int64(len(f.Payload)) + 4)
	o.received(len(f.Payload) + 4)
	o.mediaArrived(false)
	for _, ch := range m.chans {
		if int(f.Channel) != ch.rtpCh && int(f.Channel) != ch.fecCh {
			continue
		}
		var p rtp.Packet
		if err := p.Unmarshal(f.Payload); err != nil {
			m.malformed++
			o.s.stats.corrupt.Add(1)
			return
		}
		m.rtp(ch, &p, o.s.now())
		m.drain()
		return
	}
	for _, ch := range m.chans {
		if ch.rtpCh >= 0 && int(f.Channel) == ch.rtpCh+1 {
			m.rtcp(f.Payload, ch)
			return
		}
	}
	// Frames of nothing set up are skipped.
}

// rtp takes one RTP packet of a channel: FEC packets to the decoder,
// media packets to the decoder and the jitter buffer, recovered ones
// after them.
func (m *mediaPath) rtp(ch *channel, p *rtp.Packet, at time.Time) {
	if m.holding {
		m.hold(heldPacket{ch: ch, p: p, at: at})
		return
	}
	if !ch.haveT {
		ch.t0, ch.ts0, ch.haveT = at, p.Timestamp, true
	}
	if int(p.PayloadType) == ch.fecPT {
		if ch.fec != nil {
			for _, r := range ch.fec.PushFEC(p) {
				m.push(ch, r, at, jitter.Recovered)
			}
		}
		return
	}
	if p.PayloadType != ch.pt {
		m.unknown++
		return
	}
	if ch.tracker != nil {
		ch.tracker.Received(p.SequenceNumber, p.Timestamp, at, false)
	}
	if !ch.ssrcK {
		ch.ssrc, ch.ssrcK = p.SSRC, true
	}
	m.push(ch, p, at, jitter.Original)
	if ch.fec != nil {
		for _, r := range ch.fec.PushMedia(p) {
			m.push(ch, r, at, jitter.Recovered)
		}
	}
}

func (m *mediaPath) push(ch *channel, p *rtp.Packet, at time.Time, origin jitter.Origin) {
	st := &m.o.s.stats
	if m.ofNextEntry(ch, p) {
		if len(m.next) >= maxHeld {
			st.overrun.Add(1)
			return
		}
		m.next = append(m.next, heldPacket{ch: ch, p: p, at: at, origin: origin})
		return
	}
	switch ch.jb.Push(p, at, origin) {
	case jitter.Duplicate:
		st.dup.Add(1)
	case jitter.Late:
		st.late.Add(1)
	}
}

// resent unwraps a retransmitted packet (2.2.3) into its channel.
func (m *mediaPath) resent(d datagram) {
	m.o.s.stats.resentRaw.Add(1)
	if m.rtx == nil {
		return
	}
	port := rtx.Port{RtxPT: m.rtx.pt}
	for _, ch := range m.chans {
		port.MediaPTs = append(port.MediaPTs, ch.pt)
	}
	kind, p, err := port.Unwrap(d.data)
	if err != nil {
		m.malformed++
		return
	}
	if kind != rtx.KindResent {
		m.o.pairPacket(p, len(d.data), d.at)
		return
	}
	ch := m.bySSRC(p)
	if ch == nil {
		m.unknown++
		return
	}
	if m.holding {
		m.hold(heldPacket{ch: ch, p: p, at: d.at, resent: true})
		return
	}
	if ch.tracker != nil {
		ch.tracker.Received(p.SequenceNumber, p.Timestamp, d.at, true)
	}
	m.push(ch, p, d.at, jitter.Resent)
}

// maxHeld bounds the packets held while a PLAY is answered.
const maxHeld = 4096

// heldPacket is an RTP packet that came while a PLAY was unanswered, or
// one of the next playlist entry (origin) while the end of this one
// waited.
type heldPacket struct {
	ch     *channel
	p      *rtp.Packet
	at     time.Time
	resent bool
	origin jitter.Origin
}

// ofNextEntry reports whether p, come on channel ch, is of the next
// playlist entry while the end of this one still waits for packets and
// the next entry's ANNOUNCE has come: over UDP, the last packets of an
// entry can arrive after its EndOfStream and the ANNOUNCE that follows
// it on the control connection (3.1.5.13), and the next entry's packets
// can follow the ANNOUNCE at once (3.1.5.15). Its sequence number is past
// the last one RTP-Info gave for the channel.
func (m *mediaPath) ofNextEntry(ch *channel, p *rtp.Packet) bool {
	e := m.o.ending
	if e == nil || e.announce == nil {
		return false
	}
	last, ok := e.last[ch]
	return ok && int16(p.SequenceNumber-last) > 0
}

// knowsLast reports whether last (an end's, from RTP-Info) has the last
// sequence number of every channel, so that ofNextEntry can tell each
// packet's entry.
func (m *mediaPath) knowsLast(last map[*channel]uint16) bool {
	for _, ch := range m.chans {
		if _, ok := last[ch]; !ok {
			return false
		}
	}
	return len(m.chans) > 0
}

// releaseNext hands the packets held by ofNextEntry to the channels of
// the next entry, now set up (owner.predicted); a packet of a stream the
// entry does not have is dropped.
func (m *mediaPath) releaseNext() {
	next := m.next
	m.next = nil
	for _, h := range next {
		ch := m.bySSRC(h.p)
		if ch == nil || h.p.PayloadType != ch.pt {
			m.unknown++
			continue
		}
		if !ch.haveT {
			ch.t0, ch.ts0, ch.haveT = h.at, h.p.Timestamp, true
		}
		if !ch.ssrcK {
			ch.ssrc, ch.ssrcK = h.p.SSRC, true
		}
		m.push(ch, h.p, h.at, h.origin)
	}
	m.drain()
}

// holdUntilPlayed holds the packets that arrive until the PLAY answer
// says where the new run of packets starts (RTP-Info): over UDP the
// server's first packets may come before its answer on the control
// connection, and they belong to the new run.
func (m *mediaPath) holdUntilPlayed() {
	m.holding = true
	m.held = m.held[:0]
}

func (m *mediaPath) hold(h heldPacket) {
	if len(m.held) >= maxHeld {
		m.o.s.stats.overrun.Add(1)
		return
	}
	m.held = append(m.held, h)
}

// release stops holding: after restart (the PLAY was answered) the held
// packets go into the new run; after a refused PLAY they are dropped.
func (m *mediaPath) release(deliver bool) {
	m.holding = false
	held := m.held
	m.held = nil
	if !deliver {
		return
	}
	for _, h := range held {
		if h.resent {
			if h.ch.tracker != nil {
				h.ch.tracker.Received(h.p.SequenceNumber, h.p.Timestamp, h.at, true)
			}
			m.push(h.ch, h.p, h.at, jitter.Resent)
			continue
		}
		m.rtp(h.ch, h.p, h.at)
	}
	m.drain()
}

// rtxState is the retransmission stream (2.2.3, 3.1.5.6).
type rtxState struct {
	pt         uint8
	clientSSRC uint32
	serverSSRC uint32
	// dest is the server's RTCP port for NACKs.
	dest *net.UDPAddr
}

// nack sends the NACKs the trackers ask for now (3.1.4.6), one compound
// RTCP packet per channel, from the retransmission stream's RTCP port.
func (m *mediaPath) nack(now time.Time) {
	if m.rtx == nil || m.rtx.dest == nil || m.socks[sockRtxRTCP] == nil {
		return
	}
	for _, ch := range m.chans {
		if ch.tracker == nil || !ch.ssrcK {
			continue
		}
		lost := ch.tracker.Poll(now)
		if len(lost) == 0 {
			continue
		}
		n := rtx.NACK{SenderSSRC: m.rtx.clientSSRC, RtxSSRC: m.rtx.serverSSRC, MediaSSRC: ch.ssrc, Lost: lost}
		b, err := n.Marshal()
		if err != nil {
			continue
		}
		if _, err := m.socks[sockRtxRTCP].WriteTo(b, m.rtx.dest); err == nil {
			m.o.s.stats.nacks.Add(1)
		}
	}
}

// drain hands every packet the jitter buffers release to the
// depacketizers and re-arms the timer for the next gap deadline.
func (m *mediaPath) drain() {
	now := m.o.s.now()
	m.nack(now)
	var next time.Time
	for _, ch := range m.chans {
		for {
			p, lost, ok := ch.jb.Pop(now)
			if !ok {
				break
			}
			if lost > 0 {
				m.o.s.stats.lost.Add(int64(lost))
				m.o.period.Lost(int64(lost))
				ch.dep.Lost(lost)
				m.o.disc = true
				if ch.tracker != nil {
					ch.tracker.GiveUpBefore(p.SequenceNumber)
				}
			}
			ch.lastOut, ch.lastOutK = p.SequenceNumber, true
			if err := ch.dep.Push(p, m.asfPacket); err != nil {
				m.o.s.stats.corrupt.Add(1)
			}
		}
		if at, ok := ch.jb.NextDeadline(); ok && (next.IsZero() || at.Before(next)) {
			next = at
		}
		if ch.tracker != nil {
			if at, ok := ch.tracker.NextPoll(); ok && (next.IsZero() || at.Before(next)) {
				next = at
			}
		}
		m.updateStats(ch)
	}
	if e := m.o.ending; e != nil && len(e.last) > 0 && m.allIn(e.last) {
		m.o.finishEnd()
	}
	m.armed = false
	m.tmr.Stop()
	if !next.IsZero() {
		m.tmr.Reset(max(next.Sub(now), time.Millisecond))
		m.armed = true
	}
}

func (m *mediaPath) fire() {
	m.armed = false
	m.drain()
}

// allIn reports whether every channel of last has handed on its last
// packet.
func (m *mediaPath) allIn(last map[*channel]uint16) bool {
	for ch, seq := range last {
		if !ch.lastOutK || int16(ch.lastOut-seq) < 0 {
			return false
		}
	}
	return true
}

// flush releases everything held (the stream ended: no gap can fill).
func (m *mediaPath) flush() {
	for _, ch := range m.chans {
		if ch.fec != nil {
			for _, r := range ch.fec.Flush() {
				ch.jb.Push(r, m.o.s.now(), jitter.Recovered)
			}
		}
	}
	far := m.o.s.now().Add(24 * time.Hour)
	for _, ch := range m.chans {
		for {
			p, lost, ok := ch.jb.Pop(far)
			if !ok {
				break
			}
			if lost > 0 {
				m.o.s.stats.lost.Add(int64(lost))
				ch.dep.Lost(lost)
			}
			ch.dep.Push(p, m.asfPacket)
		}
		m.updateStats(ch)
	}
}

// restart forgets the packets of before a PLAY (a seek): the jitter
// buffers expect the RTP-Info seq of each channel when given.
func (m *mediaPath) restart(seqs map[*channel]uint16) {
	for _, ch := range m.chans {
		if s, ok := seqs[ch]; ok {
			ch.jb.ResetAt(s)
			if ch.tracker != nil {
				ch.tracker.ResetAt(s)
			}
		} else {
			ch.jb.Reset()
			if ch.tracker != nil {
				ch.tracker.Reset()
			}
		}
		ch.dep.Reset()
		ch.haveT = false
		ch.lastOutK = false
	}
	m.tmr.Stop()
	m.armed = false
}

// asfPacket demuxes one rebuilt ASF data packet.
func (m *mediaPath) asfPacket(p asfrtp.Packet) {
	o := m.o
	o.s.stats.packets.Add(1)
	if o.period.Active {
		o.period.Packets++
	}
	if o.demux == nil {
		return
	}
	if err := asftrack.Push(o.s.cfg.Tap, o.demux, p.Data, o.emit); err != nil {
		o.s.stats.corrupt.Add(1)
		o.disc = true
	}
}

func (m *mediaPath) updateStats(ch *channel) {
	var fec, resent, jit int64
	for _, c := range m.chans {
		st := c.jb.Stats()
		fec += st.RecoveredFEC
		resent += st.RecoveredResent
		jit = max(jit, int64(st.Jitter))
	}
	s := &m.o.s.stats
	s.fec.Store(fec)
	s.resent.Store(resent)
	s.jitter.Store(jit)
}

// emit queues one demuxed object as a sample.
func (o *owner) emit(obj asf.Object) {
	smp := asftrack.Sample(obj)
	if o.disc {
		smp.Discontinuity = true
		o.disc = false
	}
	o.period.Sample(smp.PTS)
	o.push(item{sample: smp})
}

// fromServer reports whether a datagram comes from the server: its
// address, and one of the ports its SETUP answers gave (server_port,
// 2.2.6.11) when they gave any. Anything else is dropped and counted: a
// packet from another port could take the place of the real one.
func (m *mediaPath) fromServer(a *net.UDPAddr) bool {
	if m.server != nil && !a.IP.Equal(m.server) {
		return false
	}
	return len(m.serverPorts) == 0 || m.serverPorts[a.Port]
}

// allowPorts adds the ports of a SETUP answer's server_port.
func (m *mediaPath) allowPorts(p [2]int) {
	for _, n := range p {
		if n != 0 {
			if m.serverPorts == nil {
				m.serverPorts = map[int]bool{}
			}
			m.serverPorts[n] = true
		}
	}
}
