package mmsh

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Recovery of a stream that stops making progress. [MS-WMSP] 3.1 reports a
// dropped connection to the higher layer; Eddy first resumes the stream on
// a new connection (a Play at the next packet, or at the live point of a
// broadcast, 3.1.4.3.1), within these bounds:
//
//   - Progress is a $D the session had not received yet (2.2.3.3). Bytes
//     that complete no packet, headers, and packets resent after a resume
//     are not progress.
//   - Config.Timeout without progress ends the stream with ErrTimeout,
//     reconnections included, and the error says what did arrive: nothing,
//     only some bytes, or only packets already received.
//   - A connection that delivers not one byte for half the timeout is
//     stalled: it is dropped and the stream resumed on a new one within the
//     other half. A connection that drips bytes is not stalled; the timeout
//     ends it.
//   - The first reconnection after progress is immediate, each further one
//     waits twice as long as the one before (reconnectDelay);
//     Dialer.MaxReconnects reconnections in a row without progress end the
//     stream (ErrNoProgress), and there are at most
//     Dialer.MaxReconnectsPerMinute in any minute.
//   - After an on-demand resume at packet N+1, a $D numbered N or lower is
//     a duplicate: dropped and counted (transport.Stats.PacketsDuplicate), never
//     played twice.

// recovery is the progress and reconnection state of the stream (owner
// goroutine only).
type recovery struct {
	// since is when the stream last made progress, or when the wait for
	// it began (a Play, a new playlist entry).
	since time.Time
	// lastPkt is when the current connection last delivered a framed
	// packet (or opened); markBytes is its byte count then.
	lastPkt   time.Time
	markBytes int64
	// dripBytes counts the bytes after the last complete packet on
	// connections dropped since progress.
	dripBytes int64
	// attempts counts the reconnections since progress.
	attempts int
	// recent holds the times of the reconnections of the last minute.
	recent []time.Time
	// resumeAfter is the LocationId of the last packet received before an
	// on-demand drop: a $D at or before it is a duplicate. -1: none.
	resumeAfter int64
	// dups counts the duplicates since progress, dupLo..dupHi their
	// LocationIds.
	dups, dupLo, dupHi int64
	// cause is why the last connection ended (with the failed
	// reconnections after it).
	cause error
	// blockedAt is when the owner stopped taking packets because the
	// queue was full: that wait is the reader's, not the server's.
	blockedAt time.Time
}

// reconnectDelay is the wait before reconnection number attempts+1 since
// progress: none for the first, then 250 ms doubling up to 4 s.
func reconnectDelay(attempts int) time.Duration {
	if attempts <= 0 {
		return 0
	}
	return min(250*time.Millisecond<<min(attempts-1, 4), 4*time.Second)
}

// beginWait starts a stretch in which the stream owes progress: a Play,
// a skip, a new playlist entry. Reconnection state from before is
// forgotten, but not the reconnections of the last minute.
func (o *owner) beginWait() {
	recent := o.rec.recent
	o.rec = recovery{since: time.Now(), resumeAfter: -1, recent: recent}
	o.rec.lastPkt = o.rec.since
	o.retry.stop()
}

// progressed records a new $D.
func (o *owner) progressed(now time.Time) {
	o.rec.since = now
	o.rec.attempts = 0
	o.rec.dups, o.rec.dripBytes = 0, 0
	o.rec.cause = nil
}

// duplicate checks a $D against the resume point of an on-demand resume:
// true when it repeats what was received before the drop (then it is
// counted and must be dropped).
func (o *owner) duplicate(loc int64) bool {
	if o.rec.resumeAfter < 0 {
		return false
	}
	if loc > o.rec.resumeAfter {
		o.rec.resumeAfter = -1
		return false
	}
	if o.rec.dups == 0 || loc < o.rec.dupLo {
		o.rec.dupLo = loc
	}
	if o.rec.dups == 0 || loc > o.rec.dupHi {
		o.rec.dupHi = loc
	}
	o.rec.dups++
	o.s.stats.dups.Add(1)
	return true
}

// streamOpened notes a new streaming connection (its bytes so far are the
// response header).
func (o *owner) streamOpened(cn *conn) {
	o.rec.lastPkt = time.Now()
	o.rec.markBytes, _ = cn.tr.activity()
}

// packetArrived notes a framed packet (or response) on the current
// connection.
func (o *owner) packetArrived(now time.Time) {
	o.rec.lastPkt = now
	o.rec.markBytes, _ = o.st.cn.tr.activity()
}

// lastActivity is when the current connection last delivered a packet or
// a byte, and how many bytes came after its last packet.
func (o *owner) lastActivity() (time.Time, int64) {
	last, extra := o.rec.lastPkt, int64(0)
	if o.st != nil {
		n, at := o.st.cn.tr.activity()
		extra = max(0, n-o.rec.markBytes)
		if extra > 0 && at.After(last) {
			last = at
		}
	}
	return last, extra
}

// nextCheck is when the stall timer must look at the stream again.
func (o *owner) nextCheck(now time.Time) time.Duration {
	if o.state != stateStreaming {
		return max(0, o.rec.lastPkt.Add(o.stallTimeout()).Sub(now))
	}
	last, _ := o.lastActivity()
	at := last.Add(o.s.timeout / 2)
	if dl := o.rec.since.Add(o.s.timeout); dl.Before(at) {
		at = dl
	}
	return max(0, at.Sub(now))
}

// rearm restarts the running stall timer for the next check.
func (o *owner) rearm(now time.Time) {
	if o.stallOn {
		o.stall.start(o.nextCheck(now))
	}
}

// stallCheck runs when the stall timer fires: the stream ends when it has
// made no progress for the timeout, a silent connection is dropped and
// resumed, anything else waits for the next check.
func (o *owner) stallCheck() {
	now := time.Now()
	if o.state != stateStreaming {
		// Waiting for a pipelined answer or the next playlist entry: one
		// timeout, no recovery.
		if d := now.Sub(o.rec.lastPkt); d >= o.stallTimeout() {
			o.streamLost(fmt.Errorf("no data from %s for %v (%w)", o.s.url.Host, d.Round(time.Millisecond), ErrTimeout))
			return
		}
		o.stall.start(o.nextCheck(now))
		o.stallOn = true
		return
	}
	if !now.Before(o.rec.since.Add(o.s.timeout)) {
		o.fail(o.timeoutError(now))
		return
	}
	if last, _ := o.lastActivity(); !now.Before(last.Add(o.s.timeout / 2)) {
		o.streamLost(fmt.Errorf("no data from %s for %v (%w)", o.s.url.Host, now.Sub(last).Round(time.Millisecond), ErrTimeout))
		return
	}
	o.stall.start(o.nextCheck(now))
	o.stallOn = true
}

// streamLost handles the end of the streaming connection: normal after a
// $E, otherwise a drop to recover from — a broadcast rejoins the live
// point, on-demand content resumes at the next packet (4.2) — unless the
// framing itself was broken.
func (o *owner) streamLost(err error) {
	if o.st != nil {
		_, extra := o.lastActivity()
		o.rec.dripBytes += extra
	}
	o.dropStream()
	o.failPending(err)
	if o.fatal == nil && o.state != stateStreaming && o.expect.has(TypeStreamChange) {
		// $E said more entries follow (S_FALSE): the $C that starts the
		// next one (3.1.5.13) never came.
		if errors.Is(err, io.EOF) {
			err = errors.New("the server closed the connection")
		}
		o.fail(fmt.Errorf("mmsh: stream %s ended before the next playlist entry: %w", o.s.url.Redacted(), err))
		return
	}
	if o.state != stateStreaming || o.fatal != nil {
		return
	}
	cut, cutOff := o.cutInsidePacket(err), cutBetweenPackets(err)
	if !cut && !cutOff && (errors.Is(err, ErrMalformedPacket) || errors.Is(err, ErrUnexpectedPacket) || errors.Is(err, ErrProtocol) || errors.Is(err, ErrTooLarge)) {
		o.fail(o.s.errorf(reqPlay, err))
		return
	}
	cause := err
	switch {
	case errors.Is(err, io.EOF):
		cause = errors.New("the server closed the connection without $E")
	case cut:
		cause = fmt.Errorf("the connection closed inside a packet (%w)", err)
	case cutOff:
		cause = fmt.Errorf("the connection closed in the middle of the response (%w)", err)
	}
	o.rec.cause = mergeCause(o.rec.cause, "then", cause)
	o.scheduleReconnect()
}

// cutInsidePacket reports a connection that ended inside a framed packet:
// a drop like any other, resumed at the next packet. Only a $D longer
// than the header's packet size allows (one ASF packet, 2.2.3.3) is a lie,
// malformed framing, rather than a cut.
func (o *owner) cutInsidePacket(err error) bool {
	var te *TruncatedError
	if !errors.As(err, &te) {
		return false
	}
	if te.Type != TypeData || o.hdr == nil {
		return true
	}
	limit := int(o.hdr.PacketSize)
	if limit == 0 {
		limit = MaxPayloadSize
	}
	return te.Size <= FramingHeaderSize+MMSHeaderSize+limit
}

// mergeCause adds next to the causes of the drops since progress, once:
// a server that fails the same way each time is named once.
func mergeCause(prev error, sep string, next error) error {
	switch {
	case prev == nil:
		return next
	case strings.HasSuffix(prev.Error(), next.Error()):
		return prev
	}
	return fmt.Errorf("%w; %s %w", prev, sep, next)
}

// cutBetweenPackets reports a body cut short between packets or inside a
// framing header (a pipelined response's chunked body that ends without
// its last chunk, RFC 2616 3.6.1, included): the connection closed, a drop
// like a non-pipelined body's end without $E.
func cutBetweenPackets(err error) bool {
	var te *TruncatedError
	return errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &te)
}

// scheduleReconnect reconnects now or arms the retry timer, or ends the
// stream when the bounds are reached.
func (o *owner) scheduleReconnect() {
	now := time.Now()
	if o.rec.attempts >= o.s.d.maxReconnects() {
		o.fail(o.lostError(""))
		return
	}
	at := now.Add(reconnectDelay(o.rec.attempts))
	keep := o.rec.recent[:0]
	for _, t := range o.rec.recent {
		if now.Sub(t) < time.Minute {
			keep = append(keep, t)
		}
	}
	o.rec.recent = keep
	perMinute := o.s.d.maxReconnectsPerMinute()
	if n := len(o.rec.recent); n >= perMinute {
		if free := o.rec.recent[n-perMinute].Add(time.Minute); free.After(at) {
			at = free
		}
	}
	if deadline := o.rec.since.Add(o.s.timeout); !at.Before(deadline) {
		why := fmt.Sprintf("no reconnection possible before the %v timeout", o.s.timeout)
		if len(o.rec.recent) >= perMinute {
			why = reconnections(len(o.rec.recent)) + " in the last minute, the limit"
		}
		o.fail(o.lostError(why))
		return
	}
	if !at.After(now) {
		o.reconnect()
		return
	}
	o.retry.start(at.Sub(now))
}

// reconnect plays the stream again where it stopped.
func (o *owner) reconnect() {
	if o.fatal != nil || o.state != stateStreaming || o.st != nil {
		return
	}
	now := time.Now()
	// The resume has what is left of the timeout since progress.
	budget := o.rec.since.Add(o.s.timeout).Sub(now)
	if budget <= 0 {
		o.fail(o.timeoutError(now))
		return
	}
	o.rec.attempts++
	o.rec.recent = append(o.rec.recent, now)
	o.s.stats.reconnects.Add(1)
	o.period.Reconnected = true
	o.demuxForResume()
	if !o.info.Broadcast && o.lastLoc >= 0 && o.rate > 0 && o.rec.resumeAfter < 0 {
		o.rec.resumeAfter = o.lastLoc
	}
	err := o.sendPlay(o.s.ctx, budget, o.resumePosition(), o.lastPos, 0, nil)
	if err == nil {
		o.disc = o.disc || o.info.Broadcast
		return
	}
	o.rec.cause = mergeCause(o.rec.cause, "reconnecting:", err)
	o.scheduleReconnect()
}

// demuxForResume keeps a partially received object across an on-demand
// resume (the stream continues at the very next packet) and drops it for a
// broadcast (the live point is elsewhere).
func (o *owner) demuxForResume() {
	if o.info.Broadcast && o.demux != nil {
		o.demux.Reset()
	}
}

// lostError is the error that ends a stream whose reconnections failed or
// brought nothing new; why says which bound was reached ("" for
// MaxReconnects in a row).
func (o *owner) lostError(why string) error {
	cause := o.rec.cause
	if why != "" {
		cause = fmt.Errorf("%w; %s", cause, why)
	}
	if o.rec.dups > 0 {
		return fmt.Errorf("mmsh: stream %s ended: %v; after %s %s has sent only packets already received (%s), never the packet after #%d: %w",
			o.s.url.Redacted(), cause, reconnections(o.rec.attempts), o.s.url.Host, o.dupRange(), o.rec.dupHi, ErrNoProgress)
	}
	final := fmt.Errorf("mmsh: stream %s ended: %w", o.s.url.Redacted(), cause)
	switch {
	case errors.Is(cause, ErrTimeout):
		return final
	case o.info.Broadcast && why == "":
		// A broadcast whose source went away has ended (D5 13).
		return fmt.Errorf("%w: %w", final, io.EOF)
	case o.rec.attempts > 0 && why == "":
		return fmt.Errorf("%w (%s without a new data packet): %w", final, reconnections(o.rec.attempts), ErrNoProgress)
	}
	return final
}

// timeoutError is the error that ends a stream without progress for the
// timeout: it says what arrived meanwhile.
func (o *owner) timeoutError(now time.Time) error {
	_, extra := o.lastActivity()
	bytes := o.rec.dripBytes + extra
	host := o.s.url.Host
	var what string
	switch {
	case bytes > 0:
		what = fmt.Sprintf("only %d bytes from %s in %v, no complete packet", bytes, host, o.s.timeout)
	case o.rec.dups > 0:
		what = fmt.Sprintf("%s sent only packets already received (%s) for %v", host, o.dupRange(), o.s.timeout)
	default:
		what = fmt.Sprintf("no data from %s for %v", host, o.s.timeout)
	}
	if o.rec.attempts > 0 {
		what += " (" + reconnections(o.rec.attempts) + ")"
	}
	return fmt.Errorf("mmsh: stream %s ended: %s: %w", o.s.url.Redacted(), what, ErrTimeout)
}

func reconnections(n int) string {
	if n == 1 {
		return "1 reconnection"
	}
	return fmt.Sprintf("%d reconnections", n)
}

func (o *owner) dupRange() string {
	if o.rec.dupLo == o.rec.dupHi {
		return fmt.Sprintf("#%d", o.rec.dupLo)
	}
	return fmt.Sprintf("#%d–#%d", o.rec.dupLo, o.rec.dupHi)
}
