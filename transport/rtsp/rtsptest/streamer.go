package rtsptest

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/asfrtp"
)

// streamer sends the RTP packets of one PLAY (MS-RTSP 3.2.4.3) until the
// end of the entry, a stop, or a fault.
type streamer struct {
	c    *conn
	stop chan struct{}
	done chan struct{}
	// pos is the next ASF packet; read after done.
	pos uint64
	// tail is what Faults.TailAfterAnnounce held back of the entry, sent
	// by sendTail.
	tail  []outPkt
	tailU *udpSet
}

// sendTail sends the packets Faults.TailAfterAnnounce held back.
func (st *streamer) sendTail() {
	for _, p := range st.tail {
		if st.tailU != nil && p.addr != nil {
			st.tailU.mediaRTP.WriteToUDP(p.b, p.addr)
		}
	}
	st.tail = nil
}

// job is what a streamer sends: copies of the slots (the originals get
// the sequence numbers back at the end).
type job struct {
	entry  int
	slots  []slot
	orig   []*slot
	fec    map[string]*fecSlot
	rtx    *rtxSlot
	udp    *udpSet
	params playParams
	locid  bool
}

func (c *conn) startStreamer(start uint64, p *playParams) {
	c.mu.Lock()
	if p != nil {
		c.params = *p
	}
	st, j := c.newStreamer(start)
	c.mu.Unlock()
	c.s.wg.Add(1)
	go func() {
		defer c.s.wg.Done()
		defer close(st.done)
		st.run(j)
	}()
}

// startSkip ends the current entry at once for a PLAY with X-Playlist
// (MS-RTSP 3.2.5.8): no RTP, the EndOfStream with End-Of-Playlist-Entry,
// then, once it is answered, the ANNOUNCE of entry target. It runs as a
// streamer, so a PAUSE or TEARDOWN stops it as any other.
func (c *conn) startSkip(target int) {
	c.mu.Lock()
	st, j := c.newStreamer(0)
	c.mu.Unlock()
	c.s.wg.Add(1)
	go func() {
		defer c.s.wg.Done()
		defer close(st.done)
		st.finish(j, target)
	}()
}

// newStreamer makes the connection's streamer and its job from the
// slots. c.mu is held.
func (c *conn) newStreamer(start uint64) (*streamer, job) {
	st := &streamer{c: c, stop: make(chan struct{}), done: make(chan struct{}), pos: start}
	c.str = st
	j := job{entry: c.entry, fec: map[string]*fecSlot{}, rtx: c.rtx, udp: c.udp, params: c.params}
	for _, sl := range c.slots {
		j.slots = append(j.slots, *sl)
		j.orig = append(j.orig, sl)
	}
	for k, f := range c.fec {
		j.fec[k] = f
	}
	for _, f := range c.features {
		j.locid = j.locid || f == "com.microsoft.wm.locid"
	}
	return st, j
}

// stopStreamer stops the running streamer, if any, and keeps its
// position for a PLAY without Range.
func (c *conn) stopStreamer() {
	c.mu.Lock()
	st := c.str
	c.str = nil
	c.mu.Unlock()
	if st == nil {
		return
	}
	close(st.stop)
	<-st.done
	c.mu.Lock()
	c.position = st.pos
	c.mu.Unlock()
}

// stopForChange stops a running streamer before the slots change and
// says where to start it again.
func (c *conn) stopForChange() (uint64, bool) {
	c.mu.Lock()
	running := c.str != nil
	c.mu.Unlock()
	if !running {
		return 0, false
	}
	c.stopStreamer()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.position, true
}

func (st *streamer) stopped() bool {
	select {
	case <-st.stop:
		return true
	default:
		return false
	}
}

func (st *streamer) run(j job) {
	c := st.c
	cfg := &c.s.cfg
	e := c.s.entries[j.entry]
	n := e.file.PacketCount()
	pzs := make([]*asfrtp.Packetizer, len(j.slots))
	spans := make([][]*rtp.Packet, len(j.slots))
	for i, sl := range j.slots {
		pzs[i] = &asfrtp.Packetizer{
			PayloadType: ptASF, SSRC: sl.ssrc, SequenceNumber: sl.seq,
			MaxPayloadSize: cfg.MaxPayloadSize, PacketSize: e.hdr.PacketSize,
			StripPadding: !cfg.KeepPadding,
		}
	}
	w := &wire{st: st, c: c, u: j.udp, drop: set(cfg.Faults.DropSeqs), dropFEC: set(cfg.Faults.DropFECSeqs), resend: j.rtx != nil}
	save := func() {
		// The originals are read by the connection's goroutine only
		// after done, or under c.mu once the streamer has ended.
		c.mu.Lock()
		for i := range j.slots {
			j.slots[i].seq = pzs[i].SequenceNumber
			j.orig[i].seq = j.slots[i].seq
		}
		c.mu.Unlock()
	}
	var (
		first    = true
		start    uint32
		prev     uint32
		prevSize int
	)
	for ; st.pos < n; st.pos++ {
		raw, err := e.file.ReadPacket(st.pos, nil)
		if err != nil {
			break
		}
		sendTime, err := asf.ParseSendTime(raw)
		if err != nil {
			continue
		}
		if first {
			start, prev, first = sendTime, sendTime, false
		}
		d := st.gap(j.params, start, prev, sendTime, prevSize)
		if d > 0 {
			if !cfg.Sleep(d, st.stop) {
				save()
				return
			}
		} else if st.stopped() {
			save()
			return
		}
		prev, prevSize = sendTime, len(raw)
		for i, sl := range j.slots {
			data := raw
			if sl.number != 0 {
				if data, err = e.packet(st.pos, sl.number); err != nil || data == nil {
					continue
				}
			}
			ap, err := asfrtp.PacketFromASF(data, e.hdr.PacketSize)
			if err != nil {
				continue
			}
			ap.SendTime += cfg.TimestampBase
			if j.locid {
				ap.LocationID, ap.HasLocationID = uint32(st.pos), true
			}
			pkts, err := pzs[i].Packetize([]asfrtp.Packet{ap})
			if err != nil {
				continue
			}
			for _, p := range pkts {
				if !w.media(&j.slots[i], p) {
					save()
					return
				}
				if f := j.fec[sl.control]; f != nil {
					spans[i] = append(spans[i], p)
					if len(spans[i]) == f.params.TotalSpan() {
						if !w.sendFEC(f, spans[i]) {
							save()
							return
						}
						spans[i] = nil
					}
				}
			}
		}
	}
	for i, sl := range j.slots {
		if f := j.fec[sl.control]; f != nil && len(spans[i]) > 0 {
			if !w.sendFEC(f, spans[i]) {
				save()
				return
			}
		}
	}
	if !w.flush() {
		save()
		return
	}
	st.tail, st.tailU = w.tail, w.u
	save()
	st.end(j)
}

// gap is how long to wait before the packet sent at sendTime (ms), the
// previous one having been sent at prev with prevSize bytes: the send
// time difference divided by the speed, or, while the fast start lasts
// (the first AccelDuration ms of media, MS-RTSP 2.2.6.13), the time the
// previous packet takes at AccelBandwidth when that is shorter.
func (st *streamer) gap(p playParams, start, prev, sendTime uint32, prevSize int) time.Duration {
	speed := st.c.s.cfg.Speed * p.speed
	if speed <= 0 || sendTime <= prev {
		return 0
	}
	d := time.Duration(float64(time.Duration(sendTime-prev)*time.Millisecond) / speed)
	if p.hasAccel && sendTime-start < p.accel.duration && p.accel.bandwidth > 0 {
		a := time.Duration(int64(prevSize) * 8 * int64(time.Second) / int64(p.accel.bandwidth))
		d = min(d, a)
	}
	return d
}

// end ends the entry at its last packet: finish with the next entry
// of the playlist, if there is one.
func (st *streamer) end(j job) {
	next := -1
	if j.entry+1 < len(st.c.s.entries) {
		next = j.entry + 1
	}
	st.finish(j, next)
}

// finish sends EndOfStream (MS-RTSP 3.2.4.1, 2.2.7.3) and, when the
// playlist goes on at entry next (≥ 0: after the last packet, the next
// entry; after a skip, the entry skipped to), waits for its answer
// (3.2.4.1: the server MUST wait for the response) and sends ANNOUNCE of
// that entry (3.2.4.2) with the streams the server selected for it in
// X-RTP-Info (2.2.6.27). The next PLAY starts at the beginning.
func (st *streamer) finish(j job, next int) {
	c := st.c
	s := c.s
	cfg := &s.cfg
	defer func() {
		c.mu.Lock()
		if c.str == st {
			c.str = nil
		}
		c.mu.Unlock()
	}()
	st.pos = 0
	if cfg.Style == StyleGStreamer {
		// GStreamer's server ends with BYE and sends no EndOfStream.
		st.bye(j)
		return
	}
	c.mu.Lock()
	more := next >= 0 && next < len(s.entries) && j.entry == c.entry
	var info []string
	for i := range j.slots {
		sl := &j.slots[i]
		info = append(info, "url="+c.streamURL(sl)+";seq="+itoa(int(sl.seq)))
	}
	eos := &rtsp.Request{Method: "SET_PARAMETER", URL: s.url}
	eos.Header.Add("Content-Type", "application/x-wms-extension-cmd")
	eos.Header.Add("X-Notice", `2101 "End-of-Stream Reached"`)
	eos.Header.Add("RTP-Info", strings.Join(info, ", "))
	if c.genID != 0 {
		eos.Header.Add("X-Playlist-Gen-Id", strconv.FormatUint(uint64(c.genID), 10))
	}
	eos.Header.Add("Date", time.Now().UTC().Format(time.RFC1123))
	ack := c.expect("SET_PARAMETER")
	eos.Header.Add("CSeq", itoa(c.serverCSeq))
	eos.Header.Add("User-Agent", cfg.Server)
	body := "Session: " + cfg.SessionID + "\r\nEOF: true\r\n"
	if more && c.genID != 0 {
		body += "End-Of-Playlist-Entry: true\r\n"
	}
	eos.Body = []byte(body)
	c.state = stateReady
	c.pauseInReady = more && c.genID != 0
	c.position = 0
	c.mu.Unlock()
	if !cfg.Faults.NoEndOfStream {
		s.count(func(x *Stats) { x.EndOfStreams++ })
		if c.write(eos.Marshal()) != nil {
			return
		}
		if more {
			t := time.NewTimer(writeTimeout)
			select {
			case <-ack:
			case <-st.stop:
			case <-c.done:
			case <-t.C:
			}
			t.Stop()
		}
	}
	if !more {
		st.sendTail()
		return
	}
	c.mu.Lock()
	ann, annAck := c.moveTo(next)
	// The entry is over once its ANNOUNCE goes: a SelectStream the
	// client sends on it must not restart this streamer (stopForChange)
	// and stream the new entry before its PLAY.
	if c.str == st {
		c.str = nil
	}
	c.mu.Unlock()
	s.count(func(x *Stats) { x.Announces++ })
	if c.write(ann.Marshal()) != nil || len(st.tail) == 0 {
		return
	}
	t := time.NewTimer(writeTimeout)
	select {
	case <-annAck:
		st.sendTail()
	case <-st.stop:
	case <-c.done:
	case <-t.C:
	}
	t.Stop()
}

// bye ends each RTP session with an RTCP BYE (RFC 3550 §6.6), as
// GStreamer's RTSP server does at the end of a stream: its clients take it
// as the end. Over TCP it goes on the interleaved RTCP channel, over UDP
// to the client's RTCP port.
func (st *streamer) bye(j job) {
	for _, sl := range j.slots {
		// A compound packet starts with a report (RFC 3550 §6.1).
		b, err := rtcp.Marshal([]rtcp.Packet{
			&rtcp.SenderReport{SSRC: sl.ssrc, RTPTime: sl.lastTS},
			&rtcp.SourceDescription{Chunks: []rtcp.SourceDescriptionChunk{{Source: sl.ssrc, Items: []rtcp.SourceDescriptionItem{{Type: rtcp.SDESCNAME, Text: "user1@host-rtsptest"}}}}},
			&rtcp.Goodbye{Sources: []uint32{sl.ssrc}},
		})
		if err != nil {
			continue
		}
		if sl.tcp {
			if fr, err := rtsp.MarshalFrame(byte(sl.channel+1), b); err == nil {
				st.c.write(fr)
			}
		} else if j.udp != nil && sl.addr != nil {
			j.udp.mediaRTCP.WriteToUDP(b, &net.UDPAddr{IP: sl.addr.IP, Port: sl.addr.Port + 1})
		}
	}
}

// expect numbers a request of the server and returns a channel closed
// when the client answers it. c.mu is held.
func (c *conn) expect(method string) chan struct{} {
	c.serverCSeq++
	ch := make(chan struct{})
	c.pending[c.serverCSeq] = pendingReq{method: method, ack: ch}
	return ch
}

// moveTo moves the session to playlist entry i (the next one, or the one
// a skip names) and returns its ANNOUNCE (MS-RTSP 3.2.4.2, 2.2.7.1): a
// new Playlist-gen-id, the slots whose control name the new entry has
// kept (predictive stream selection) and listed in X-RTP-Info, PLAYING
// when any is, and a channel closed when the client answers it. c.mu is
// held.
func (c *conn) moveTo(i int) (*rtsp.Request, chan struct{}) {
	s := c.s
	cfg := &s.cfg
	c.entry = i
	e := s.entries[c.entry]
	c.prevGenID = c.genID
	c.genID++
	var kept []*slot
	var info []string
	taken := map[uint8]bool{}
	for _, sl := range c.slots {
		si, ok := e.stream(sl.control)
		sl.stream = ""
		if !ok && cfg.RenamedStreams {
			// The entry's first stream of the slot's media type, under
			// its own name (4.4.4.3).
			for _, x := range e.streams {
				if x.media == sl.media && !taken[x.number] {
					si, ok, sl.stream = x, true, x.control
					break
				}
			}
		}
		if cfg.Style == StyleGStreamer {
			ok = true
		}
		if !ok {
			continue
		}
		taken[si.number] = true
		sl.number = si.number
		kept = append(kept, sl)
		v := quoteURL(c.streamURL(sl)) + ";" + c.transportOf(sl) + ";thinlevel=0;seq=" + itoa(int(sl.seq))
		if t, ok := firstSendTime(e, 0, sl.number); ok {
			v += ";rtptime=" + strconv.FormatUint(uint64(t+cfg.TimestampBase), 10)
		}
		info = append(info, v)
	}
	c.slots = kept
	for k := range c.fec {
		if _, ok := e.stream(k); !ok {
			delete(c.fec, k)
		}
	}
	if c.rtx != nil && c.udp != nil {
		info = append(info, fmt.Sprintf("%s;transport=RTP/AVP/UDP;unicast;server_port=%d-%d;client_port=%d;ssrc=%08x;mode=PLAY;thinlevel=0",
			quoteURL(c.rtx.url), c.udp.port(c.udp.rtxRTP), c.udp.port(c.udp.rtxRTCP), c.rtx.addr.Port, uint32(rtxSSRC)))
	}
	c.position = 0
	if len(kept) > 0 {
		c.state = statePlaying
	}
	a := &rtsp.Request{Method: "ANNOUNCE", URL: s.url}
	a.Header.Add("Content-Type", "application/sdp")
	a.Header.Add("Session", cfg.SessionID)
	a.Header.Add("X-Playlist-Gen-Id", strconv.FormatUint(uint64(c.genID), 10))
	a.Header.Add("X-Broadcast-Id", strconv.FormatUint(uint64(cfg.BroadcastID), 10))
	if len(info) > 0 {
		a.Header.Add("X-RTP-Info", strings.Join(info, ", "))
	}
	a.Header.Add("Cache-Control", "no-cache"+s.eventSubscription())
	ack := c.expect("ANNOUNCE")
	a.Header.Add("CSeq", itoa(c.serverCSeq))
	a.Header.Add("User-Agent", cfg.Server)
	a.Body = s.describeSDP(c.entry, c.base())
	return a, ack
}

// transportOf is the transport parameters of X-RTP-Info for a slot
// (MS-RTSP 2.2.6.27).
func (c *conn) transportOf(sl *slot) string {
	if sl.tcp {
		return fmt.Sprintf("transport=RTP/AVP/TCP;unicast;interleaved=%d-%d;ssrc=%08x;mode=PLAY", sl.channel, sl.channel+1, sl.ssrc)
	}
	sp := 0
	if c.udp != nil {
		sp = c.udp.port(c.udp.mediaRTP)
	}
	return fmt.Sprintf("transport=RTP/AVP/UDP;unicast;server_port=%d;client_port=%d;ssrc=%08x;mode=PLAY", sp, sl.addr.Port, sl.ssrc)
}

// quoteURL writes "url=<u>", quoting u when it holds ',' or ';'
// (MS-RTSP 2.2.6.27).
func quoteURL(u string) string {
	if strings.ContainsAny(u, ",;") {
		return `url="` + u + `"`
	}
	return "url=" + u
}

func set(seqs []uint16) map[uint16]bool {
	m := make(map[uint16]bool, len(seqs))
	for _, s := range seqs {
		m[s] = true
	}
	return m
}

// outPkt is one packet for the wire.
type outPkt struct {
	b       []byte
	tcp     bool
	channel int
	addr    *net.UDPAddr
}
