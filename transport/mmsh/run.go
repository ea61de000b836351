package mmsh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
	"github.com/eddyplayer/eddy/transport/wms"
)

// idleStall is how long an open stream may stay silent while the client
// waits for the next playlist entry ($C may be delayed by up to 15 s of
// client-lag plus 8 s, 3.2.4.2).
const idleStall = 30 * time.Second

// run is the owner goroutine (style guide §8).
func (s *session) run() {
	o := &s.o
	defer close(s.done)
	for {
		var out chan item
		var head item
		if len(o.queue) > 0 {
			out, head = s.out, o.queue[0]
		}
		var evc chan event
		if o.accepting() {
			evc = s.events
		}
		// While a new entry waits for the consumer's Select the server
		// owes nothing: that time is not a stall.
		o.armStall(evc != nil && !o.awaitSel)
		select {
		case c := <-s.cmds:
			if c.kind == cmdClose {
				o.close()
				c.reply <- nil
				return
			}
			o.command(c)
		case out <- head:
			o.pop()
		case ev := <-evc:
			o.event(ev)
		case r := <-s.sideRe:
			o.sideResult(r)
		case <-o.keepalive.c():
			o.keepalive.fired()
			o.sendKeepAlive()
		case <-o.stall.c():
			o.stall.fired()
			o.stallOn = false
			o.stallCheck()
		case <-o.retry.c():
			o.retry.fired()
			o.reconnect()
		case <-s.ctx.Done():
			o.close()
			return
		}
	}
}

// stallTimeout is how long a stream may be silent.
func (o *owner) stallTimeout() time.Duration {
	if o.state == stateStreaming || o.awaitingPlayAnswer() {
		return o.s.timeout
	}
	return max(o.s.timeout, idleStall)
}

// awaitingPlayAnswer reports a Play or PlayNextEntry pipelined on the Play
// connection whose answer has not come: the server owes it at once, unlike
// the next playlist entry's $C, which may be late by design (3.2.4.2).
func (o *owner) awaitingPlayAnswer() bool {
	for _, p := range o.fifo {
		if p.kind == reqPlay || p.kind == reqPlayNextEntry {
			return true
		}
	}
	return false
}

// armStall runs the stall timer while the owner waits for media it is
// ready to take (style guide §13: time is a parameter). While the queue is full
// the timer stops, and the time spent so does not count against the
// server.
func (o *owner) armStall(accepting bool) {
	active := o.st != nil && o.fatal == nil && (o.state == stateStreaming || len(o.fifo) > 0 || o.newEntry || o.expect.has(TypeStreamChange))
	want := active && accepting
	switch {
	case want && !o.stallOn:
		now := time.Now()
		if !o.rec.blockedAt.IsZero() {
			d := now.Sub(o.rec.blockedAt)
			o.rec.since = o.rec.since.Add(d)
			o.rec.lastPkt = o.rec.lastPkt.Add(d)
			o.rec.blockedAt = time.Time{}
		}
		o.stall.start(o.nextCheck(now))
		o.stallOn = true
	case !want && o.stallOn:
		if active {
			o.rec.blockedAt = time.Now()
		}
		o.stall.stop()
		o.stallOn = false
	}
}

// command handles a public method.
func (o *owner) command(c command) {
	if o.fatal != nil && c.kind != cmdSelect {
		c.reply <- o.fatal
		return
	}
	switch c.kind {
	case cmdSelect:
		c.reply <- o.selectTracks(c)
	case cmdPlay:
		o.playCommand(c)
	case cmdPause:
		c.reply <- o.pause()
	case cmdSkip:
		o.skip(c)
	}
}

// event handles what a reader reported.
func (o *owner) event(ev event) {
	if o.st == nil || ev.gen != o.st.gen {
		return // from a stream already dropped
	}
	now := time.Now()
	if ev.err == nil {
		o.packetArrived(now)
		// Checked again once the event is handled: a Play response makes
		// the state STREAMING, which changes the timeout.
		defer o.rearm(now)
	}
	switch {
	case ev.resp != nil:
		o.pipelinedResponse(ev.resp)
	case ev.pkt != nil:
		if err := o.packet(*ev.pkt); err != nil {
			o.fail(o.s.errorf(reqPlay, err))
		}
	case ev.bodyEnd:
	default:
		o.streamLost(ev.err)
	}
}

// packet applies one framed packet of a Play/PlayNextEntry/SelectStream
// response (3.1.5.2, 3.1.5.7–3.1.5.14).
func (o *owner) packet(p Packet) error {
	if o.discard {
		return nil
	}
	if !o.acceptable(p.Type) {
		if !o.midStreamHeader(p) {
			return fmt.Errorf("%w: %s while expecting %s", ErrUnexpectedPacket, p.Type, o.expect)
		}
		o.midHeader = true
	}
	switch p.Type {
	case TypeMetadata:
		return o.metadataPacket(p)
	case TypeHeader:
		obj, done, err := o.hAsm.add(p)
		if err != nil {
			return err
		}
		if !done {
			o.expect = packetSetOf(TypeHeader)
			return nil
		}
		return o.header(obj, p.Incarnation)
	case TypeData:
		o.data(p)
		return nil
	case TypeEnd:
		return o.end(p.Reason)
	case TypeStreamChange:
		o.epoch++
		return o.change(p.Reason)
	}
	return fmt.Errorf("%w: %s in a stream", ErrUnexpectedPacket, p.Type)
}

// midStreamHeader reports the first fragment of an ASF header in the
// middle of the data, without the $C that 3.1.5.14 puts before a new
// header. A server that loops its source sends one (VLC's MMSH output with
// --sout-keep, at every loop): it is taken as a new entry instead of the
// error 3.1.5.2 prescribes. VLC numbers it with its running chunk counter
// (LocationId 14, 22, ...), so a first fragment is known by its AFFlags
// (2.2.3.1.2), or by LocationId 0.
func (o *owner) midStreamHeader(p Packet) bool {
	return p.Type == TypeHeader && o.expect.has(TypeData) && o.hdr != nil &&
		(p.AFFlags&AFFirst != 0 || p.LocationID == 0)
}

// header handles a complete ASF header in a stream (3.1.5.8): the Play
// response's copy, the next entry's after $C, a new one after a session
// reset, or one in the middle of the data (midStreamHeader).
func (o *owner) header(raw []byte, inc uint8) error {
	h, err := asf.ParseHeader(raw)
	if err != nil {
		return fmt.Errorf("ASF header: %w", err)
	}
	mid, reset := o.midHeader, o.resetEntry
	o.midHeader, o.resetEntry = false, false
	o.incarnation = int(inc)
	o.expect = packetSetOf(TypeData, TypeEnd, TypeStreamChange)
	if mid {
		o.newPresentation(h)
		return nil
	}
	if o.expectNewHeader {
		// 3.1.5.11: a $C and the real header follow at once.
		o.expectNewHeader = false
		return nil
	}
	// A new playlist entry (after $C, or after xResetStrm, which 3.1.5.11
	// says to treat like a $C) is announced even when its file is the
	// same; a repeated header (the Play response's copy) only when it
	// differs, or when the reader never saw it announced.
	changed := !o.sameHeader(h)
	if changed {
		o.install(h)
	} else if o.newEntry || reset {
		o.info = o.infoFor(h)
	}
	if o.newEntry {
		// The entry's SelectStream or PlayNextEntry (enterEntry) carries
		// the consumer's choice for it: it goes out when the consumer,
		// told of the entry by ErrInfoChanged, calls Select. Not for
		// xResetStrm: 3.1.5.11 MUST NOT send PlayNextEntry.
		o.newEntry = false
		o.awaitSel = true
		o.s.stats.entries.Add(1)
	}
	if changed || o.awaitSel || reset || o.unannounced {
		o.announce()
	}
	return nil
}

// newPresentation starts over with the header of a mid-stream $H: new
// tracks and a new demuxer (objects cut by the header are lost), reported
// to the reader as transport.ErrInfoChanged, the next sample flagged as a
// discontinuity. The server's LocationIds and Incarnation may start over
// too: loss counting restarts, and the Incarnation of the first $D that
// follows is the stream's from then on. The stream itself goes on (no
// $E, so no log period ends).
func (o *owner) newPresentation(h *asf.Header) {
	o.install(h)
	o.lastLoc = -1
	o.incarnation = -1
	o.rec.resumeAfter = -1
	o.disc = true
	o.s.stats.headerChanges.Add(1)
	o.announce()
}

// data handles a $D (3.1.5.12).
func (o *owner) data(p Packet) {
	if o.incarnation < 0 {
		o.incarnation = int(p.Incarnation)
	} else if int(p.Incarnation) != o.incarnation {
		// A packet of an earlier Play that the server numbered before the
		// header of this response (2.2.3.1.2): not ours.
		return
	}
	o.keepalive.stop()
	o.expect = packetSetOf(TypeData, TypeEnd, TypeStreamChange)
	now := time.Now()
	n := int64(len(p.Payload)) + FramingHeaderSize + MMSHeaderSize
	o.s.stats.bytes.Add(n)
	o.period.Bytes += n
	o.period.LastData = o.s.wallNow() // the log's clock (startPeriod)
	loc := int64(p.LocationID)
	if o.duplicate(loc) {
		// Resent after an on-demand resume: received and played before.
		return
	}
	o.progressed(now)
	o.s.stats.packets.Add(1)
	o.period.Packets++
	if p.B {
		o.s.stats.fastStart.Store(true)
	}
	if o.lastLoc >= 0 && loc > o.lastLoc+1 {
		gap := loc - o.lastLoc - 1
		o.s.stats.lost.Add(gap)
		o.period.Lost(gap)
		o.demux.Reset()
	}
	o.lastLoc = loc
	// A server may strip the Padding Data (2.2.3.3): the demuxer gets the
	// packet at the header's fixed size again.
	pkt, err := asf.RestorePadding(p.Payload, o.hdr.PacketSize)
	if err == nil {
		err = asftrack.Push(o.s.cfg.Tap, o.demux, pkt, o.emit)
	}
	if err != nil {
		o.s.stats.corrupt.Add(1)
	}
}

// end handles a $E (3.1.5.13).
func (o *owner) end(reason uint32) error {
	if IsFailure(reason) {
		return &ServerError{URL: o.s.url.Redacted(), Packet: "$E", HRESULT: reason}
	}
	if o.state == stateStreaming {
		o.endPeriod(true)
	}
	o.state = stateIdle
	o.startKeepAlive()
	if reason == ReasonMoreEntries {
		o.expect = packetSetOf(TypeStreamChange)
		return nil
	}
	// S_OK, NS_S_EOS_RECEDING or another success code: no more data until
	// the next Play; further $E may follow (D5 8).
	o.expect = packetSetOf(TypeEnd)
	o.queueEOF(nil)
	if !o.pipelined {
		o.dropStream()
	}
	return nil
}

// change handles a $C (3.1.5.14).
func (o *owner) change(reason uint32) error {
	if IsFailure(reason) {
		return &ServerError{URL: o.s.url.Redacted(), Packet: "$C", HRESULT: reason}
	}
	if reason == ReasonReverseChange {
		o.state = stateIdle
		o.startKeepAlive()
		o.expect = 0
		o.queueEOF(nil)
		return nil
	}
	if o.serverFeat[SupportPredStrm] && o.speed <= 1 {
		o.state = stateStreaming
		o.beginWait()
	} else {
		o.state = stateIdle
		o.startKeepAlive()
	}
	o.newEntry = true
	o.hAsm.reset()
	o.mAsm.reset()
	o.incarnation = -1
	o.lastLoc = -1
	o.meta = nil
	o.expect = o.headerSet()
	return nil
}

// enterEntry tells the server the consumer's streams of a new playlist
// entry (3.1.4.5): SelectStream on a new connection in non-pipelined
// mode, PlayNextEntry on the Play connection in pipelined mode, both with
// the complete selection state.
func (o *owner) enterEntry() {
	o.startPeriod(0)
	es := completeSelection(o.streamNumbers(), o.sel)
	id := o.identity()
	if o.pipelined && o.st != nil {
		req := id.playNextEntryRequest(playOpts{
			rate: o.rate, accel: o.accelTokens(), supported: o.supportedHeader(false),
			genID: o.genID, entries: es, reqContext: o.s.cl.nextContext(), clientLag: o.clientLag(),
		})
		if err := o.writePipelined(req, nil); err != nil {
			o.streamLost(err)
		}
		return
	}
	o.state = stateStreaming
	o.beginWait()
	req := id.selectStreamRequest(es, o.supportedHeader(false), false, "")
	o.sideSend(&sideRequest{req: req, entry: true})
}

// clientLag is how far rendering lags what the server sent (2.2.1.4.6):
// the media waiting in the queue.
func (o *owner) clientLag() int {
	if len(o.queue) < 2 {
		return 0
	}
	first, last := o.queue[0].sample.PTS, o.queue[len(o.queue)-1].sample.PTS
	return int(max(0, (last - first).Milliseconds()))
}

// playCommand handles Play and PlayRate (3.1.4.3, 3.1.4.7).
func (o *owner) playCommand(c command) {
	if o.hdr == nil {
		c.reply <- fmt.Errorf("mmsh: play %s: no ASF header", o.s.url.Redacted())
		return
	}
	if c.from > 0 && !o.info.Seekable {
		c.reply <- fmt.Errorf("mmsh: play %s at %v: %w", o.s.url.Redacted(), c.from, transport.ErrNotSeekable)
		return
	}
	if c.rate == 0 {
		c.rate = 1
	}
	if c.rate != 1 {
		if c.rate < -5 || c.rate > 5 || (c.rate > -1 && c.rate < 1) {
			c.reply <- fmt.Errorf("mmsh: rate %v outside 1..5 / -5..-1 (2.2.1.4.22): %w", c.rate, ErrNotSupported)
			return
		}
		if !o.features[FeatureStridable] || o.info.Broadcast {
			c.reply <- fmt.Errorf("mmsh: rate %v: %s is not stridable: %w", c.rate, o.s.url.Redacted(), ErrNotSupported)
			return
		}
	}
	o.stopStreaming()
	o.clearQueue()
	if o.demux != nil {
		o.demux.Reset()
	}
	o.rate = c.rate
	o.lastLoc = -1
	ctx, cancel := mergeCtx(c.ctx, o.s.ctx)
	defer cancel()
	if o.pipelineTest && !o.pipelined {
		o.pipelineExperiment(ctx)
	}
	o.startPeriod(c.from)
	o.beginWait()
	o.answer(c.reply, o.sendPlay(ctx, o.s.timeout, o.positionFor(c.from), c.from, 0, c.reply))
}

// sendPlay sends a Play (2.2.2.6) for pos. In non-pipelined mode it reads
// the response header here, within timeout, and returns the outcome. In
// pipelined mode it returns once the request is written; the outcome goes
// to reply when the response arrives (to fail() when reply is nil).
func (o *owner) sendPlay(ctx context.Context, timeout time.Duration, pos position, from time.Duration, plOffset int, reply chan error) error {
	o.epoch++
	opts := playOpts{
		pos: pos, rate: o.rate, pipelined: o.pipelined, accel: o.accelTokens(),
		supported: o.supportedHeader(false), genID: o.genID,
		entries: completeSelection(o.streamNumbers(), o.sel), reqContext: o.s.cl.nextContext(),
		plOffset: plOffset,
	}
	if plOffset != 0 {
		// 3.1.4.3.1 item 47: the entry the skip refers to.
		opts.seekID = o.genID
	} else if g := o.s.consumerEntry(); g != 0 && g != o.genID {
		// The position is in the entry the player is rendering, which is
		// not the one the server last announced.
		opts.seekID = g
	}
	o.keepalive.stop()
	req := o.identity().playRequest(opts)
	if o.pipelined {
		if o.st == nil {
			cn, err := o.s.cl.connect(ctx, o.s.url, timeout)
			if err != nil {
				return o.s.errorf(reqPlay, err)
			}
			o.startStream(cn, nil, true)
		}
		o.discard = true
		if err := o.writePipelined(req, reply); err != nil {
			o.dropStream()
			return o.s.errorf(reqPlay, err)
		}
		return nil
	}
	cn, resp, err := o.s.cl.exchange(ctx, o.s.url, req, timeout)
	if err != nil {
		return o.s.errorf(reqPlay, err)
	}
	if err := o.playResponse(resp); err != nil {
		cn.close()
		return err
	}
	o.startStream(cn, resp.body(cn.br), false)
	return nil
}

// answer replies to a command after sendPlay: at once unless the answer
// is pending on a pipelined response.
func (o *owner) answer(reply chan error, err error) {
	if err != nil || !o.pipelined {
		reply <- err
	}
}

// playResponse processes a Play or PlayNextEntry response (3.1.5.3,
// 3.1.5.11, 3.1.5.18).
func (o *owner) playResponse(resp *response) error {
	if resp.StatusCode != 200 {
		return o.s.statusError(reqPlay, resp)
	}
	if err := o.common(resp); err != nil {
		return o.s.errorf(reqPlay, err)
	}
	pr := resp.pragma()
	if v := resp.get("X-StartupProfile"); v != "" {
		if p, err := wms.ParseStartupProfile(v); err == nil {
			o.adviseStartup(p, pr)
		}
	}
	o.acceptAccel(pr)
	o.resetEntry = pr.Flag("xResetStrm")
	o.expectNewHeader = pr.Flag("expect-new-header")
	o.state = stateStreaming
	o.discard = false
	o.expect = o.headerSet()
	o.hAsm.reset()
	o.mAsm.reset()
	o.incarnation = -1
	return nil
}

// stopStreaming ends the current stream (3.1.4.6): closes the Play
// connection (non-pipelined) or sends Stop on it (pipelined), then logs
// the period if it was streaming.
func (o *owner) stopStreaming() {
	o.retry.stop()
	was := o.state == stateStreaming
	if o.pipelined && o.st != nil {
		if was {
			o.discard = true
			if err := o.writePipelined(o.identity().stopRequest(), nil); err != nil {
				o.dropStream()
			}
		}
	} else {
		o.dropStream()
	}
	if was {
		o.endPeriod(true)
	}
	o.state = stateIdle
	o.newEntry = false
	// A Play replaces the entry's SelectStream: it lists the selection.
	o.awaitSel = false
	o.startKeepAlive()
}

// pause handles Pause: Stop and Log (4.7, 4.8); the player resumes with
// Play at a position (a broadcast at the live point, 4.11).
func (o *owner) pause() error {
	o.stopStreaming()
	return nil
}

// selectTracks handles Select: the consumer's choice for the presentation
// it last read of (c.gen). A new playlist entry waiting for it now asks
// the server for its streams (3.1.4.5); during playback a changed choice
// is a stream switch (3.1.4.4).
func (o *owner) selectTracks(c command) error {
	if o.fatal != nil {
		return o.fatal
	}
	if c.gen != o.presGen {
		// A choice for a presentation the stream has left: its
		// successor's announcement is queued, and the consumer selects
		// again when it reads it. The server is asked for nothing.
		return nil
	}
	next := map[int]bool{}
	for _, id := range c.tracks {
		next[id] = true
	}
	if o.demux != nil {
		o.demux.SetStreams(streamNumbersOf(sortedIDs(next)))
	}
	if o.awaitSel {
		o.awaitSel = false
		o.sel = next
		o.enterEntry()
		return nil
	}
	if equalSets(next, o.sel) {
		return nil
	}
	prev := o.sel
	o.sel = next
	if o.state != stateStreaming {
		return nil // the next Play lists the selection
	}
	if !o.serverFeat[SupportSSwitch] {
		// No SelectStream (3.1.4.4 SHOULD NOT): stop and play again at the
		// position reached, not from the start.
		o.stopStreaming()
		ctx, cancel := mergeCtx(c.ctx, o.s.ctx)
		defer cancel()
		o.clearQueue()
		o.demux.Reset()
		o.startPeriod(o.lastPos)
		o.beginWait()
		return o.sendPlay(ctx, o.s.timeout, o.resumePosition(), o.lastPos, 0, nil)
	}
	es := changedSelection(prev, next, o.exclusionGroups())
	if len(es) == 0 {
		return nil
	}
	if o.pipelined && o.st != nil {
		req := o.identity().selectStreamRequest(es, o.supportedHeader(false), true, o.s.cl.nextContext())
		return o.writePipelined(req, nil)
	}
	req := o.identity().selectStreamRequest(es, o.supportedHeader(false), false, "")
	o.sideSend(&sideRequest{req: req})
	return nil
}

// sortedIDs lists a set sorted.
func sortedIDs(set map[int]bool) []int {
	out := make([]int, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func equalSets(a, b map[int]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func streamNumbersOf(ids []int) []uint8 {
	out := make([]uint8, 0, len(ids))
	for _, id := range ids {
		if id >= 1 && id <= 127 {
			out = append(out, uint8(id))
		}
	}
	return out
}

// skip handles Skip: a Play with pl-offset (3.1.4.3.1 item 45).
func (o *owner) skip(c command) {
	need := FeatureSkipForward
	if c.offset < 0 {
		need = FeatureSkipBackward
	}
	if !o.features[need] || !o.server.AtLeast(5, 0) {
		c.reply <- fmt.Errorf("mmsh: %s does not offer %s: %w", o.s.url.Redacted(), need, ErrNotSupported)
		return
	}
	o.stopStreaming()
	o.clearQueue()
	o.lastLoc = -1
	ctx, cancel := mergeCtx(c.ctx, o.s.ctx)
	defer cancel()
	o.startPeriod(0)
	o.beginWait()
	o.answer(c.reply, o.sendPlay(ctx, o.s.timeout, atTime(0), 0, c.offset, c.reply))
}

// failPending answers pipelined requests that will never get a response.
func (o *owner) failPending(err error) {
	if len(o.fifo) == 0 {
		return
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = fmt.Errorf("mmsh: %s closed the connection: %w", o.s.url.Host, io.ErrUnexpectedEOF)
	}
	for _, p := range o.fifo {
		if p.reply != nil {
			p.reply <- o.s.errorf(p.kind, err)
		}
	}
	o.fifo = nil
}

// startKeepAlive (re)starts the KeepAlive timer (3.1.6.1): a little before
// the server's timeout.
func (o *owner) startKeepAlive() {
	// xKeepAliveInPause is defined only for servers >= 5.0 (2.2.1.4.34).
	if o.fatal != nil || !o.server.AtLeast(5, 0) {
		return
	}
	d := o.keepaliveTO
	if d > 10*time.Second {
		d -= 5 * time.Second
	} else {
		d /= 2
	}
	o.keepalive.start(d)
}

// sendKeepAlive sends a KeepAlive (2.2.2.3): OPTIONS on the open pipelined
// Play connection, else a POST on a new connection.
func (o *owner) sendKeepAlive() {
	if o.state == stateStreaming || o.fatal != nil {
		return
	}
	id := o.identity()
	if o.pipelined && o.st != nil {
		if err := o.writePipelined(id.optionsKeepAliveRequest(), nil); err != nil {
			o.dropStream()
		}
	} else {
		o.sideSend(&sideRequest{req: id.keepAliveRequest()})
	}
	o.startKeepAlive()
}

// writePipelined writes a request on the Play connection and appends it to
// Expected-Responses (3.1.5.1 item 71).
func (o *owner) writePipelined(req *request, reply chan error) error {
	if o.st == nil {
		return fmt.Errorf("mmsh: %s: the Play connection is closed", req.kind)
	}
	o.keepalive.stop()
	o.s.cl.prepare(req, o.s.url, o.st.cn)
	ctx, cancel := context.WithTimeout(o.s.ctx, o.s.timeout)
	defer cancel()
	o.st.cn.trace.request(o.st.cn, req)
	if err := o.st.cn.write(ctx, req.wire(), o.s.timeout); err != nil {
		return err
	}
	o.fifo = append(o.fifo, pendingReq{kind: req.kind, reply: reply})
	return nil
}

// pipelinedResponse matches a response on the Play connection with the
// head of Expected-Responses (3.1.5.3) and handles it.
func (o *owner) pipelinedResponse(resp *response) {
	if len(o.fifo) == 0 {
		o.fail(o.s.errorf(reqPlay, fmt.Errorf("%w: a response (%s) nobody asked for", ErrProtocol, resp.status())))
		return
	}
	p := o.fifo[0]
	o.fifo = o.fifo[1:]
	o.s.cl.store(resp, o.s.url)
	var err error
	switch p.kind {
	case reqPlay:
		err = o.playResponse(resp)
	case reqPlayNextEntry:
		// 2.2.2.7: the body goes on with (optional $M/$H, then) $D.
		if err = o.playResponse(resp); err == nil {
			o.expect |= packetSetOf(TypeData, TypeEnd, TypeStreamChange)
		}
	case reqSelectStream:
		if resp.StatusCode/100 != 2 {
			err = o.s.statusError(p.kind, resp)
		} else {
			err = o.common(resp)
			o.expect |= packetSetOf(TypeData, TypeEnd, TypeStreamChange) | o.headerSet()
		}
	case reqStop:
		if err = o.common(resp); err == nil && o.state != stateStreaming {
			o.startKeepAlive()
		}
	case reqLog:
		if resp.StatusCode/100 == 2 {
			o.s.stats.logPosts.Add(1)
		}
		_ = o.common(resp)
	default:
		_ = o.common(resp)
	}
	if p.reply != nil {
		p.reply <- err
	} else if err != nil && (p.kind == reqPlay || p.kind == reqPlayNextEntry) {
		o.fail(err)
	}
}

// drainPipelined waits (at most the timeout) for the answers to what was
// pipelined on the Play connection — at Close the Stop and the Log
// (3.1.4.6) — so that the log is delivered before the connection goes.
func (o *owner) drainPipelined() {
	if !o.pipelined || o.st == nil || len(o.fifo) == 0 {
		return
	}
	limit := time.NewTimer(o.s.timeout)
	defer limit.Stop()
	for len(o.fifo) > 0 && o.st != nil {
		select {
		case ev := <-o.s.events:
			if ev.gen != o.st.gen {
				continue
			}
			switch {
			case ev.resp != nil:
				o.pipelinedResponse(ev.resp)
			case ev.pkt != nil, ev.bodyEnd:
			default:
				o.failPending(ev.err)
				return
			}
		case <-limit.C:
			return
		}
	}
}

// sideResult applies what a side request's response said (3.1.5.3).
func (o *owner) sideResult(r sideResult) {
	if r.resp != nil {
		_ = o.commonFrom(r.resp, r.epoch != o.epoch)
	}
	if r.err != nil && r.entry {
		// The server waits for this SelectStream before it streams the new
		// entry (3.2.4.2): without it there is nothing to play.
		o.fail(r.err)
	}
}

// close shuts the session down: stop, log, wait for the side worker.
func (o *owner) close() {
	if o.state == stateStreaming {
		o.stopStreaming()
	}
	o.drainPipelined()
	o.dropStream()
	o.keepalive.stop()
	o.stall.stop()
	o.retry.stop()
	o.state = stateClosed
	o.failPending(transport.ErrClosed)
	s := o.s
	deadline := time.AfterFunc(s.timeout, s.cancel)
	close(s.side)
	s.wg.Wait()
	deadline.Stop()
}
