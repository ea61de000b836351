package mmshtest

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/transport/mmsh"
)

// streamer sends one Play response body: headers, data, end. In
// pipelined mode it also answers the requests that arrive on the
// connection meanwhile (3.2.5.3, 3.2.5.7–3.2.5.12).
type streamer struct {
	s         *Server
	c         *srvConn
	ss        *srvSession
	content   *Content
	pipelined bool

	mu       sync.Mutex
	pending  []*Request
	exited   bool
	sel      map[int]bool
	selDirty bool
	released bool // a SelectStream arrived for the entry being waited on
	wake     chan struct{}
	quit     chan struct{}
	done     chan struct{}
	stopOnce sync.Once

	chunkOpen   bool
	seq         uint8
	incarnation uint8
	sent        int
	// rec is this Play's record in Server.Sent (guarded by Server.mu);
	// lastLoc is the LocationId of the last $D sent (-1: none).
	rec     *Sent
	lastLoc int64
	// dripping is set once Faults.DripAfter applies: raw writes byte by
	// byte.
	dripping bool
	// midHeader is set when Faults.MidHeaderAfter cut the data; locBase
	// is then the LocationId of the new entry's first packet.
	midHeader bool
	locBase   uint64
}

func (st *streamer) stop() {
	st.stopOnce.Do(func() { close(st.quit) })
	<-st.done
}

func (st *streamer) wait() { <-st.done }

func (st *streamer) signal() {
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

// control hands a request that arrived on the streaming connection to the
// streamer; false when the streamer has already finished.
func (c *srvConn) activeStreamer() *streamer {
	if c.streamer == nil {
		return nil
	}
	select {
	case <-c.streamer.done:
		c.streamer = nil
		return nil
	default:
		return c.streamer
	}
}

func (st *streamer) control(r *Request) {
	st.mu.Lock()
	if st.exited {
		st.mu.Unlock()
		st.c.streamer = nil
		st.s.handle(st.c, r)
		return
	}
	st.pending = append(st.pending, r)
	st.mu.Unlock()
	st.signal()
}

// setSelection changes the streams (a SelectStream); release wakes a
// stream waiting for the next entry's selection.
func (st *streamer) setSelection(sel map[int]bool, release bool) {
	st.mu.Lock()
	st.sel = sel
	st.selDirty = true
	if release {
		st.released = true
	}
	st.mu.Unlock()
	st.signal()
}

// play answers a Play (2.2.2.6, 3.2.5.6).
func (s *Server) play(c *srvConn, r *Request, path string) bool {
	if old := c.activeStreamer(); old != nil {
		old.wait()
		c.streamer = nil
	}
	s.mu.Lock()
	silent := s.opts.Faults.PlayNoAnswer || s.opts.Faults.ResumeNoAnswer && s.plays > 0
	s.mu.Unlock()
	if silent {
		io.Copy(io.Discard, c.br)
		return false
	}
	if st := s.opts.Faults.PlayStatus; st != 0 {
		s.respond(c, st, "Failure", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	content := s.lookup(path)
	if content == nil {
		s.respond(c, 404, "Not Found", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	ss := s.session(r)
	reset := ss == nil
	if reset {
		ss = s.newSession(r, path)
	}
	ss.awaitStop(c)
	ss.stopStreaming()
	s.mu.Lock()
	s.plays++
	playN := s.plays
	if st := s.opts.Faults.ResumeStatus; st != 0 && playN > 1 {
		s.mu.Unlock()
		s.respond(c, st, "Failure", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	if s.opts.Faults.ExpireSessions {
		delete(s.sessions, ss.id)
	}
	s.mu.Unlock()

	on, _, err := selection(r)
	if err != nil {
		s.respond(c, 400, "Bad Request", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	sel := map[int]bool{}
	for n := range on {
		sel[n] = true
	}
	// pl-offset (2.2.1.4.20): move within the playlist.
	expectNew := false
	if v, ok := r.Pragma.Get("pl-offset"); ok {
		if off, err := strconv.Atoi(v); err == nil && off != 0 {
			next := ss.getEntry() + off
			if next >= 0 && next < len(content.Entries) {
				expectNew = true
			}
		}
	}
	ss.mu.Lock()
	ss.selected = copySel(sel)
	ss.mu.Unlock()
	// playlist-seek-id (2.2.1.4.19): the position is in that entry, not
	// necessarily the one the session is at.
	if g, ok, _ := r.Pragma.Uint32("playlist-seek-id"); ok && !expectNew {
		if e, ok := ss.entryOf(g); ok && e < len(content.Entries) {
			ss.setEntryGen(e, g)
		}
	}

	pipelined := r.Proto == "HTTP/1.1" && r.Pragma.Flag("version11-enabled")
	extra := []string{}
	if reset {
		extra = append(extra, "xResetStrm=1")
	}
	if expectNew {
		extra = append(extra, "expect-new-header=1")
	}
	accelBW, accelDur := int64(0), time.Duration(0)
	if v, ok, _ := r.Pragma.Uint32("AccelBW"); ok && v > 0 {
		accelBW = int64(v)
		if s.opts.MaxAccelBW > 0 {
			accelBW = min(accelBW, s.opts.MaxAccelBW)
		}
		if s.opts.LinkRate > 0 {
			accelBW = min(accelBW, s.opts.LinkRate*8)
		}
	}
	if v, ok, _ := r.Pragma.Uint32("AccelDuration"); ok {
		accelDur = time.Duration(v) * time.Millisecond
	}
	if accelBW > 0 && accelDur > 0 {
		extra = append(extra, "AccelBW="+strconv.FormatInt(accelBW, 10), "AccelDuration="+strconv.FormatInt(accelDur.Milliseconds(), 10))
	}
	speed := 0.0
	if v, ok := r.Pragma.Get("Speed"); ok && s.supports(mmsh.SupportFastCache) {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f > 1 {
			speed = min(f, 5)
			extra = append(extra, "Speed="+strconv.FormatFloat(speed, 'f', 3, 64))
		}
	}
	hs := s.sessionHeaders(ss, path, extra)
	hs = append(hs, Header{"Content-Type", "application/x-mms-framed"})
	entry := content.Entries[min(ss.getEntry(), len(content.Entries)-1)]
	if !offsetAgrees(entry, r) {
		s.respond(c, 400, "Bad Request", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
		return false
	}
	start := s.startPacket(content, entry, r)
	if s.opts.Faults.ReplayFromStart && playN > 1 {
		start = 0
	}
	rec := &Sent{Play: playN, Conn: c.n, StartPacket: start, Rate: 1}
	if t, ok, _ := r.Pragma.Uint32("stream-time"); ok && t != 4294967295 {
		rec.StartTime = time.Duration(t) * time.Millisecond
	}
	if v, ok := r.Pragma.Get("rate"); ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			rec.Rate = f
		}
	}
	s.mu.Lock()
	s.sent = append(s.sent, rec)
	s.mu.Unlock()
	if !s.opts.NoStartupProfile && s.supports(mmsh.SupportStartupProfile) && listsFeature(r, mmsh.SupportStartupProfile) {
		accelMS := int64(0)
		if accelBW > 0 {
			accelMS = accelDur.Milliseconds()
		}
		hs = append(hs, Header{"X-StartupProfile", content.startupProfile(min(ss.getEntry(), len(content.Entries)-1), start, accelMS).String()})
	}
	proto := "HTTP/1.0"
	if pipelined {
		proto = "HTTP/1.1"
		hs = append(hs, Header{"Transfer-Encoding", "chunked"})
	} else {
		hs = append(hs, Header{"Connection", "close"})
	}
	st := &streamer{
		s: s, c: c, ss: ss, content: content, pipelined: pipelined, sel: copySel(sel),
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
		incarnation: uint8(playN), chunkOpen: pipelined, rec: rec, lastLoc: -1,
	}
	ss.mu.Lock()
	ss.streamer = st
	ss.mu.Unlock()
	c.streamer = st
	head := s.responseBytes(proto, 200, "OK", hs, nil)
	if err := c.write(head); err != nil {
		close(st.done)
		return false
	}
	predictive := s.opts.Predictive && listsFeature(r, mmsh.SupportPredStrm)
	// A negative rate on stridable on-demand content streams backwards
	// (2.2.1.4.22): the packets from the position down to the entry's
	// start.
	reverse := false
	if v, ok := r.Pragma.Get("rate"); ok && content.Stridable && !content.Broadcast {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f < 0 {
			reverse = true
		}
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		st.run(r, start, expectNew, playN, predictive, accelBW, accelDur, speed, reverse)
	}()
	return true
}

// listsFeature reports a feature in the request's Supported header.
func listsFeature(r *Request, f string) bool {
	for _, v := range r.Values("Supported") {
		for _, x := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(x), f) {
				return true
			}
		}
	}
	return false
}

// startPacket applies the position tokens with the precedence of 3.2.5.6:
// stream-time (unless 0 or 4294967295), else packet-num (unless
// 4294967295), else stream-offset (unless both halves 4294967295), else
// the beginning; a broadcast starts at the live point.
func (s *Server) startPacket(c *Content, e *Entry, r *Request) uint64 {
	if c.Broadcast {
		d := e.duration()
		if d <= 0 {
			return 0
		}
		return e.seekPacket(time.Since(s.started) % d)
	}
	if t, ok, _ := r.Pragma.Uint32("stream-time"); ok && t != 0 && t != 4294967295 {
		return e.seekPacket(time.Duration(t) * time.Millisecond)
	}
	if n, ok, _ := r.Pragma.Uint32("packet-num"); ok && n != 4294967295 {
		return min(uint64(n), e.Packets())
	}
	if v, ok := r.Pragma.Get("stream-offset"); ok {
		hi, lo, _ := strings.Cut(v, ":")
		h, err1 := strconv.ParseUint(hi, 10, 32)
		l, err2 := strconv.ParseUint(lo, 10, 32)
		if err1 == nil && err2 == nil && !(h == 4294967295 && l == 4294967295) {
			if n, ok := e.packetForOffset(int64(h<<32 | l)); ok {
				return n
			}
		}
	}
	return 0
}

// offsetAgrees checks a Play's stream-offset (2.2.1.4.25): unless both
// halves are 4294967295 ("don't care") or it is 0:0 (the start, as a
// Describe sends it), it MUST be the offset of an ASF packet's start, and
// the packet-num sent with it must name the same packet.
func offsetAgrees(e *Entry, r *Request) bool {
	v, ok := r.Pragma.Get("stream-offset")
	if !ok || v == "4294967295:4294967295" || v == "0:0" {
		return true
	}
	hi, lo, _ := strings.Cut(v, ":")
	h, err1 := strconv.ParseUint(hi, 10, 32)
	l, err2 := strconv.ParseUint(lo, 10, 32)
	if err1 != nil || err2 != nil {
		return false
	}
	n, ok := e.packetForOffset(int64(h<<32 | l))
	if !ok {
		return false
	}
	if pn, has, _ := r.Pragma.Uint32("packet-num"); has && pn != 4294967295 && uint64(pn) != n {
		return false
	}
	return true
}

// run streams entries until the end, a Stop or a closed connection.
func (st *streamer) run(r *Request, start uint64, expectNew bool, playN int, predictive bool, accelBW int64, accelDur time.Duration, speed float64, reverse bool) {
	defer st.finish()
	s, c := st.s, st.content
	entry := st.ss.getEntry()
	if s.opts.Faults.StallAtStart && playN <= max(1, s.opts.Faults.CloseTimes) {
		<-st.quit
		return
	}
	if s.opts.Faults.CutInHeader && playN == 1 {
		h := mmsh.Fragment(mmsh.TypeHeader, c.Entries[entry].Header, 0, st.incarnation)[0]
		b, _ := h.Marshal()
		st.raw(b[:len(b)/2])
		st.c.close()
		return
	}
	if !st.headers(r, entry) {
		return
	}
	if expectNew {
		v, _ := r.Pragma.Get("pl-offset")
		off, _ := strconv.Atoi(v)
		entry += off
		st.ss.setEntry(entry, true)
		if !st.packet(mmsh.Packet{Type: mmsh.TypeStreamChange}) || !st.headers(r, entry) {
			return
		}
		start = 0
	}
	faultRound := playN <= max(1, s.opts.Faults.CloseTimes)
	virtual := uint64(0)
	if d := c.Entries[entry].duration(); c.Broadcast && d > 0 {
		virtual = uint64(time.Since(s.started)/d) * c.Entries[entry].Packets()
	}
	for {
		e := c.Entries[entry]
		ok, ended := st.data(e, start, virtual, faultRound, accelBW, accelDur, speed, reverse)
		if !ok {
			return
		}
		if st.midHeader {
			st.midHeader = false
			if !st.changeHeader(r) {
				return
			}
			c, entry, start, virtual, faultRound = st.content, 0, 0, st.locBase, false
			continue
		}
		if !ended {
			return // a fault ended the stream
		}
		if reverse {
			// Rewound to the entry's start: into the previous entry with
			// the reverse $C (2.2.3.4), or NS_S_EOS_RECEDING at the first
			// (2.2.3.2); no $D until the next Play either way.
			if entry > 0 {
				st.ss.setEntry(entry-1, true)
				st.packet(mmsh.Packet{Type: mmsh.TypeStreamChange, Reason: mmsh.ReasonReverseChange})
				return
			}
			st.packet(mmsh.Packet{Type: mmsh.TypeEnd, Reason: mmsh.ReasonEOSReceding})
			return
		}
		if c.Broadcast && c.Loop {
			virtual += e.Packets() - start
			start = 0
			continue
		}
		if entry+1 >= len(c.Entries) {
			if s.opts.Faults.NoEnd && !st.pipelined {
				return
			}
			st.packet(mmsh.Packet{Type: mmsh.TypeEnd, Reason: mmsh.ReasonOK})
			for i := 0; i < s.opts.Faults.EndRepeat; i++ {
				st.packet(mmsh.Packet{Type: mmsh.TypeEnd, Reason: mmsh.ReasonOK})
			}
			return
		}
		// Next playlist entry (3.2.4.1, 3.2.4.2): $E S_FALSE, $C, headers,
		// then wait for the client's selection unless predictive.
		if !st.packet(mmsh.Packet{Type: mmsh.TypeEnd, Reason: mmsh.ReasonMoreEntries}) {
			return
		}
		if s.opts.Faults.NoNextEntry {
			<-st.quit
			return
		}
		if !st.packet(mmsh.Packet{Type: mmsh.TypeStreamChange}) {
			return
		}
		entry++
		st.ss.setEntry(entry, true)
		st.mu.Lock()
		prev := st.sel
		st.released = false
		st.sel = nil
		st.mu.Unlock()
		if !st.headers(r, entry) {
			return
		}
		if predictive {
			// Predictive stream selection (4.5.2): the streams of the same
			// numbers as before, else all; the client may override.
			st.mu.Lock()
			st.sel = predict(prev, c.Entries[entry])
			st.mu.Unlock()
		} else if !st.waitSelection() {
			return
		}
		start = 0
		accelBW, accelDur = 0, 0
	}
}

func predict(prev map[int]bool, e *Entry) map[int]bool {
	m := map[int]bool{}
	for _, n := range e.streamNumbers() {
		if prev[n] {
			m[n] = true
		}
	}
	if len(m) == 0 {
		for _, n := range e.streamNumbers() {
			m[n] = true
		}
	}
	return m
}

// changeHeader sends the header of Faults.MidHeader without a $C and
// makes its entry the content streamed from its first packet on.
func (st *streamer) changeHeader(r *Request) bool {
	mh := st.s.opts.Faults.MidHeader
	base := uint32(0)
	if mh.RunningLocation {
		base = uint32(st.lastLoc + 1)
	}
	inc := mh.Incarnation
	if mh.HeaderIncarnation != 0 {
		inc = mh.HeaderIncarnation
	}
	frags := mmsh.Fragment(mmsh.TypeHeader, mh.Entry.Header, mh.Fragment, inc)
	for i := range frags {
		frags[i].LocationID += base
		if !st.packet(frags[i]) {
			return false
		}
	}
	st.incarnation = mh.Incarnation
	st.content = &Content{Entries: []*Entry{mh.Entry}}
	st.locBase = 0
	if mh.RunningLocation {
		st.locBase = uint64(base) + uint64(len(frags))
	}
	st.lastLoc = -1
	return true
}

// headers sends [$M] $H of an entry.
func (st *streamer) headers(r *Request, entry int) bool {
	c := st.content
	if st.s.cougar9(r) {
		for _, p := range mmsh.Fragment(mmsh.TypeMetadata, c.metadata(entry, st.ss.getGenID(), c.features(entry)), 0, st.incarnation) {
			if !st.packet(p) {
				return false
			}
		}
	}
	for _, p := range mmsh.Fragment(mmsh.TypeHeader, c.Entries[entry].Header, 0, st.incarnation) {
		if !st.packet(p) {
			return false
		}
	}
	return true
}

// waitSelection blocks until the client selects streams for the new
// entry (SelectStream on another connection, or PlayNextEntry/SelectStream
// on this one).
func (st *streamer) waitSelection() bool {
	for {
		st.mu.Lock()
		ok := st.released
		st.mu.Unlock()
		if ok {
			return true
		}
		if !st.handleControls() {
			return false
		}
		st.mu.Lock()
		ok = st.released
		st.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-st.wake:
		case <-st.quit:
			return false
		}
	}
}

// data streams the packets of an entry from start; ended is false when a
// fault cut it short.
func (st *streamer) data(e *Entry, start, virtual uint64, faultRound bool, accelBW int64, accelDur time.Duration, speed float64, reverse bool) (ok, ended bool) {
	s, f := st.s, st.s.opts.Faults
	var (
		wallStart  = time.Now()
		firstSend  = time.Duration(-1)
		accelBytes int64
		normWall   time.Time
		normSend   time.Duration
	)
	size := uint32(e.file.PacketSize())
	for _, n := range e.sendOrder(start, reverse) {
		if !st.handleControls() {
			return false, false
		}
		select {
		case <-st.quit:
			return false, false
		default:
		}
		raw, err := e.packet(n)
		if err != nil {
			return true, true
		}
		st.mu.Lock()
		sel := st.sel
		st.mu.Unlock()
		pr, err := prepare(raw, size, sel, s.opts.KeepPadding)
		if err != nil {
			continue
		}
		if pr.empty && (s.opts.SkipEmpty || len(sel) == 0) {
			continue
		}
		if firstSend < 0 {
			firstSend = pr.sendTime
		}
		accel := accelBW > 0 && pr.sendTime-firstSend < accelDur
		if s.opts.Pace {
			var due time.Time
			switch {
			case speed > 1:
				due = wallStart.Add(time.Duration(float64(pr.sendTime-firstSend) / speed))
			case accel:
				due = wallStart.Add(time.Duration(float64(accelBytes*8) / float64(accelBW) * float64(time.Second)))
			default:
				if normWall.IsZero() {
					normWall, normSend = time.Now(), pr.sendTime
				}
				due = normWall.Add(pr.sendTime - normSend)
			}
			if !st.sleepUntil(due) {
				return false, false
			}
		}
		if accel {
			accelBytes += int64(len(pr.data)) + 12
		}
		if faultRound {
			switch {
			case f.CloseAfter > 0 && st.sent == f.CloseAfter:
				st.c.close()
				return false, false
			case f.StallAfter > 0 && st.sent == f.StallAfter:
				<-st.quit
				return false, false
			case f.GarbageAfter > 0 && st.sent == f.GarbageAfter:
				st.raw([]byte("garbage that is not framing"))
				return false, false
			case f.LieAfter > 0 && st.sent == f.LieAfter:
				n := f.LieLength
				if n == 0 {
					n = 1000
				}
				st.raw([]byte{0x24, 'D', byte(n), byte(n >> 8), 0, 0, 0, 0, 0, 0, byte(n), byte(n >> 8), 1, 2, 3})
				st.c.close()
				return false, false
			case f.MidHeaderAfter > 0 && st.sent == f.MidHeaderAfter && f.MidHeader.Entry != nil:
				st.midHeader = true
				return true, false
			}
			if f.HoldAfter > 0 && st.sent == f.HoldAfter {
				select {
				case <-s.release:
				case <-st.quit:
					return false, false
				}
			}
			if f.DripAfter > 0 && st.sent == f.DripAfter {
				st.dripping = true
			}
			if f.UnsolicitedAfter > 0 && st.sent == f.UnsolicitedAfter && st.pipelined {
				// The Play response ends; a response nobody asked for
				// carries on with the data.
				st.endChunked()
				hs := append(s.sessionHeaders(st.ss, st.ss.path, nil), Header{"Content-Type", "application/x-mms-framed"}, Header{"Transfer-Encoding", "chunked"})
				if err := st.c.write(s.responseBytes("HTTP/1.1", 200, "OK", hs, nil)); err != nil {
					return false, false
				}
				st.chunkOpen = true
			}
		}
		if c := st.content; c.FailAfter > 0 && st.sent == c.FailAfter {
			st.packet(mmsh.Packet{Type: mmsh.TypeEnd, Reason: c.FailHRESULT})
			return false, false
		}
		loc := uint32(n + virtual)
		if f.RepeatHeaderAfter > 0 && st.sent == f.RepeatHeaderAfter && faultRound {
			for _, h := range mmsh.Fragment(mmsh.TypeHeader, e.Header, 0, st.incarnation) {
				if !st.packet(h) {
					return false, false
				}
			}
		}
		if f.UnexpectedAfter > 0 && st.sent == f.UnexpectedAfter && faultRound {
			if !st.packet(mmsh.Packet{Type: mmsh.TypeTest}) {
				return false, false
			}
		}
		if f.StaleAfter > 0 && st.sent == f.StaleAfter && faultRound {
			stale := mmsh.Packet{Type: mmsh.TypeData, LocationID: loc, Incarnation: st.incarnation + 1, Payload: pr.data}
			if !st.packet(stale) {
				return false, false
			}
		}
		p := mmsh.Packet{Type: mmsh.TypeData, B: accel, LocationID: loc, Incarnation: st.incarnation, AFFlags: st.seq, Payload: pr.data}
		st.count(loc, len(pr.data), reverse)
		st.seq++
		if st.seq == 255 {
			st.seq = 0
		}
		if !st.packet(p) {
			return false, false
		}
		st.sent++
	}
	return true, true
}

// count records a $D in Server.Sent (before it is written: a test that
// has received it finds it counted).
func (st *streamer) count(loc uint32, payload int, reverse bool) {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	r := st.rec
	r.DataPackets++
	r.DataBytes += int64(payload) + mmsh.FramingHeaderSize + mmsh.MMSHeaderSize
	if gap := int64(loc) - st.lastLoc - 1; !reverse && st.lastLoc >= 0 && gap > 0 {
		r.Lost += gap
		r.LongestLoss = max(r.LongestLoss, gap)
	}
	st.lastLoc = int64(loc)
}

// sleepUntil waits for the pacing time, answering pipelined requests.
func (st *streamer) sleepUntil(due time.Time) bool {
	for {
		d := time.Until(due)
		if d <= 0 {
			return true
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
			return true
		case <-st.quit:
			t.Stop()
			return false
		case <-st.wake:
			t.Stop()
			if !st.handleControls() {
				return false
			}
		}
	}
}

// handleControls answers the requests queued on a pipelined connection:
// Stop ends the stream; SelectStream and PlayNextEntry end the current
// chunked response and continue in their own (3.2.5.7, 3.2.5.9); Log,
// KeepAlive and SendEvent wait for the end of the current response
// (3.2.5.3, 3.2.5.8, 3.2.5.11, 3.2.5.12). It returns false when the stream
// must end.
func (st *streamer) handleControls() bool {
	st.mu.Lock()
	var before []*Request
	var act *Request
	k := 0
	for ; k < len(st.pending); k++ {
		r := st.pending[k]
		if r.Kind == "Stop" || r.Kind == "SelectStream" || r.Kind == "PlayNextEntry" {
			act = r
			break
		}
		before = append(before, r)
	}
	if act == nil {
		st.mu.Unlock()
		return true
	}
	st.pending = append([]*Request(nil), st.pending[k+1:]...)
	st.mu.Unlock()
	// End the current response, then answer what queued before act.
	st.endChunked()
	for _, r := range before {
		st.answerSimple(r)
	}
	switch act.Kind {
	case "Stop":
		st.s.respond(st.c, 200, "OK", append(st.s.sessionHeaders(st.ss, st.ss.path, nil), Header{"Content-Length", "0"}), nil)
		return false
	case "SelectStream", "PlayNextEntry":
		on, off, err := selection(act)
		if err == nil && on != nil {
			st.mu.Lock()
			sel := copySel(st.sel)
			if act.Kind == "PlayNextEntry" {
				sel = map[int]bool{}
			}
			for n := range off {
				delete(sel, n)
			}
			for n := range on {
				sel[n] = true
			}
			st.sel = sel
			st.released = true
			st.mu.Unlock()
		}
		hs := append(st.s.sessionHeaders(st.ss, st.ss.path, nil), Header{"Content-Type", "application/x-mms-framed"}, Header{"Transfer-Encoding", "chunked"})
		if err := st.c.write(st.s.responseBytes("HTTP/1.1", 200, "OK", hs, nil)); err != nil {
			return false
		}
		st.chunkOpen = true
	}
	return true
}

func (st *streamer) answerSimple(r *Request) {
	code, reason := 200, "OK"
	if r.Kind == "Log" {
		code, reason = st.s.opts.LogStatus, "No Content"
		if code != 204 {
			reason = "Status"
		}
	}
	st.s.respond(st.c, code, reason, append(st.s.sessionHeaders(st.ss, st.ss.path, nil), Header{"Content-Length", "0"}), nil)
}

// endChunked terminates the current chunked body (pipelined mode).
func (st *streamer) endChunked() {
	if st.pipelined && st.chunkOpen {
		_ = st.c.write([]byte("0\r\n\r\n"))
	}
	st.chunkOpen = false
}

// finish ends the stream: the final chunk, the queued answers, the
// connection closed in non-pipelined mode.
func (st *streamer) finish() {
	// The lock is held until the final chunk and the queued answers are
	// written: a request that control hands to the connection after
	// exited is set must not be answered inside the open chunked body.
	st.mu.Lock()
	st.exited = true
	pending := st.pending
	st.pending = nil
	defer st.mu.Unlock()
	if st.pipelined {
		st.endChunked()
		for _, r := range pending {
			if r.Kind == "Stop" {
				st.s.respond(st.c, 200, "OK", append(st.s.sessionHeaders(st.ss, st.ss.path, nil), Header{"Content-Length", "0"}), nil)
				continue
			}
			st.answerSimple(r)
		}
	} else {
		st.c.close()
	}
	st.ss.mu.Lock()
	if st.ss.streamer == st {
		st.ss.streamer = nil
	}
	st.ss.mu.Unlock()
	close(st.done)
}

// drip writes b one byte at a time, one per Faults.DripEvery of the
// time package's clock (a testing/synctest bubble's virtual one in a
// test), until the stream stops.
func (st *streamer) drip(b []byte) bool {
	every := st.s.opts.Faults.DripEvery
	if every <= 0 {
		every = 100 * time.Millisecond
	}
	t := time.NewTimer(every)
	defer t.Stop()
	for i := range b {
		select {
		case <-t.C:
		case <-st.quit:
			return false
		}
		if st.c.write(b[i:i+1]) != nil {
			return false
		}
		t.Reset(every)
		st.s.mu.Lock()
		st.rec.Dripped++
		st.s.mu.Unlock()
	}
	return true
}

// packet writes one framed packet (a chunk of its own when pipelined).
func (st *streamer) packet(p mmsh.Packet) bool {
	b, err := p.Marshal()
	if err != nil {
		return false
	}
	return st.raw(b)
}

func (st *streamer) raw(b []byte) bool {
	if st.dripping {
		return st.drip(b)
	}
	if st.pipelined {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "%x\r\n", len(b))
		buf.Write(b)
		buf.WriteString("\r\n")
		b = buf.Bytes()
		st.chunkOpen = true
	}
	return st.c.write(b) == nil
}
