package rtsp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
	"github.com/eddyplayer/eddy/transport/rtsp/rtx"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
	"github.com/eddyplayer/eddy/transport/wmlog"
	"github.com/eddyplayer/eddy/transport/wms"
)

// maxRedirects bounds the DESCRIBE redirects followed (3.1.5.4).
const maxRedirects = 5

// pending is a request waiting for its response: responses come in the
// order of the requests (3.1.5.2); CSeq confirms the match.
type pending struct {
	req  *Request
	cseq int
	// done handles the response (nil: a failure of the connection).
	done func(resp *Response, err error)
	// due is when the answer is overdue (Config.Timeout after sending).
	due time.Time
	// sent is when it was written, for the round-trip time.
	sent time.Time
}

// owner holds the protocol state; only the owner goroutine touches it.
type owner struct {
	s    *session
	ctrl *conn
	cseq int
	fifo []pending
	st   state
	// sessionID is the opaque Session header value (1.1: may exceed int64).
	sessionID string
	keepAlive time.Duration
	kaTimer   *time.Timer
	genID     uint32
	// features are the server's Supported tokens (3.1.5.2 rule 2).
	features  map[string]bool
	serverHdr string
	pres      presentation
	hdr       *asf.Header
	demux     *asf.Demuxer
	selected  []int
	// setup are the media set up, by index into pres.media.
	setup map[int]*channel
	media *mediaPath
	// open, play and pause are the commands waiting for responses.
	open, play, pause *command
	loggedConnect     bool
	playFrom          time.Duration
	playRate          float64
	queue             []item
	queuedBytes       int
	disc              bool
	ended             bool
	redirects         int
	// speed is the Speed the PLAY of the logged period asked (0: none,
	// Dialer.FastCacheSpeed); remoteLog: the server's Cache-Control
	// subscribed the client to remote-log events (2.2.6.2.10). Both make
	// the period's logs a streaming LogPlay and a SendEvent (3.1.4.9).
	speed     float64
	remoteLog bool
	// proxy is the host:port a 305 Use Proxy named (3.1.5.4): the
	// control connections go there, the requests keep the URL; "" for
	// none.
	proxy string
	// rtt is the shortest request round trip measured (0: none yet).
	rtt        time.Duration
	authRounds int
	period     wmlog.Period
	periodAt   periodStart
	// stall fires when PLAYING brings no media for the timeout; fw when
	// UDP brings nothing for the Firewall time (3.1.6.1).
	stall, fw, reqTimer *time.Timer
	endTimer            *time.Timer
	ending              *ending
	// announced: an ANNOUNCE brought the next entry; the player's Select
	// completes the choice (3.1.4.5).
	announced bool
	// rtxPredicted is the retransmission stream's URL when the ANNOUNCE's
	// X-RTP-Info listed it: selected by the server and left untouched,
	// PLAY in PLAYING lists it (3.1.5.16.1, as its example does).
	rtxPredicted string
	// announcedAt is the CSeq of the last request sent before the last
	// ANNOUNCE arrived.
	announcedAt int
	// announceTime is when the last ANNOUNCE came (X-Player-Lag-Time).
	announceTime time.Time
	// probe is the packet-pair probe running during the open.
	probe    *rtx.Probe
	gotUDP   bool
	fellBack bool
	// changeNotice is X-Playlist-Change-Notice-Variable (3.1.2): the last
	// PLAY answer said an EndOfStream and an ANNOUNCE follow, not RTP
	// (2.2.6.21); that EndOfStream sends no LogPlay (3.1.5.13).
	changeNotice bool
}

// run is the owner goroutine.
func (o *owner) run() {
	s := o.s
	defer s.wg.Done()
	defer o.shutdown()
	o.kaTimer = stoppedTimer()
	o.stall = stoppedTimer()
	o.fw = stoppedTimer()
	o.reqTimer = stoppedTimer()
	o.endTimer = stoppedTimer()
	for {
		var outCh chan item
		var head item
		if len(o.queue) > 0 {
			outCh, head = s.out, o.queue[0]
		}
		full := len(o.queue) >= maxQueuedSamples || o.queuedBytes >= maxQueuedBytes
		var ctrlIn <-chan inbound
		if o.ctrl != nil && (!full || len(o.fifo) > 0) {
			ctrlIn = o.ctrl.in
		}
		var udpIn <-chan datagram
		if o.media != nil && !full {
			udpIn = o.media.udpIn
		}
		var tick <-chan time.Time
		if o.media != nil {
			tick = o.media.timerC()
		}
		select {
		case c := <-s.cmds:
			if c.kind == cmdClose {
				o.teardown(c)
				return
			}
			o.command(c)
		case outCh <- head:
			if !head.sticky {
				o.queue = o.queue[1:]
				o.queuedBytes -= len(head.sample.Data)
			}
		case m := <-ctrlIn:
			if err := o.inbound(m); err != nil {
				o.fail(err)
			}
		case d := <-udpIn:
			o.media.datagram(d)
		case <-tick:
			o.media.fire()
		case <-o.kaTimer.C:
			if o.st != stateInit && o.sessionID != "" {
				o.send(s.keepAliveRequest(), func(*Response, error) {})
			}
		case <-o.stall.C:
			if o.st == statePlaying && !o.ended {
				o.fail(fmt.Errorf("%w: no media for %v", ErrTimeout, s.timeout))
			}
		case <-o.fw.C:
			o.firewall()
		case <-o.endTimer.C:
			o.finishEnd()
		case <-o.reqTimer.C:
			if len(o.fifo) > 0 && !s.now().Before(o.fifo[0].due) {
				p := o.fifo[0]
				err := fmt.Errorf("%w: %s unanswered for %v", ErrTimeout, p.req.Method, s.timeout)
				o.traceFailure(p, err)
				o.fail(err)
			} else {
				o.armRequestTimer()
			}
		case <-s.ctx.Done():
			return
		}
	}
}

func stoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// media notes that media arrived: the stall timer restarts, and the
// first UDP packet ends the Firewall wait.
func (o *owner) mediaArrived(udp bool) {
	if o.st == statePlaying {
		o.stall.Reset(o.s.timeout)
	}
	if udp && !o.gotUDP {
		o.gotUDP = true
		o.fw.Stop()
	}
}

// firewall handles the Firewall timer: no UDP came (3.1.6.1). With
// rtsp:// the session starts again over TCP, from where it was asked to
// play (the higher layer's fallback); with rtspu:// it is an error.
func (o *owner) firewall() {
	if o.probe != nil {
		o.probe.Expire(o.s.now())
		o.endProbe()
		return
	}
	if o.gotUDP || o.st != statePlaying || o.media == nil || o.media.tcp {
		return
	}
	if o.s.lower != LowerAuto || o.fellBack {
		o.fail(fmt.Errorf("%w (nothing in %v)", ErrUDPBlocked, o.s.d.firewallTimeout()))
		return
	}
	o.fellBack = true
	o.s.stats.fellBack.Store(true)
	if o.sessionID != "" && o.ctrl != nil {
		o.send(o.s.teardownRequest(), func(*Response, error) {})
	}
	o.media.close()
	o.media = nil
	o.st = stateInit
	o.sessionID = ""
	o.stall.Stop()
	if o.ctrl != nil {
		o.ctrl.close()
		o.ctrl = nil
	}
	o.fifo = nil
	dial := o.s.d.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	c, err := dialConn(o.s.ctx, dial, o.controlAddr(), o.s.timeout)
	if err != nil {
		o.fail(err)
		return
	}
	o.ctrl = c
	// The Play was answered; this one answers nobody.
	o.play = &command{kind: cmdPlay, reply: make(chan error, 1)}
	o.startPlay()
}

// shutdown releases everything when the owner stops.
func (o *owner) shutdown() {
	s := o.s
	if o.ctrl != nil {
		o.ctrl.close()
	}
	if o.media != nil {
		o.media.close()
	}
	o.kaTimer.Stop()
	s.setCloseErr(transport.ErrClosed)
	close(s.done)
}

// push queues an item for ReadSample.
func (o *owner) push(it item) {
	o.queue = append(o.queue, it)
	o.queuedBytes += len(it.sample.Data)
}

// fail ends the session with err: the waiting commands get it, the
// consumer reads it after the queued samples (3.1: report the error to
// the higher layer, stop processing).
func (o *owner) fail(err error) {
	for _, c := range []**command{&o.open, &o.play, &o.pause} {
		if *c != nil {
			(*c).reply <- err
			*c = nil
		}
	}
	fifo := o.fifo
	o.fifo = nil
	for _, p := range fifo {
		p.done(nil, err)
	}
	if o.ctrl != nil {
		o.ctrl.close()
		o.ctrl = nil
	}
	if !o.ended {
		o.ended = true
		o.push(item{err: err, sticky: true})
	}
}

// send writes a request (assigning CSeq) and queues its handler. The
// keep-alive timer restarts with every request (3.1.5.1 rule 1).
func (o *owner) send(req *Request, done func(*Response, error)) {
	if o.ctrl == nil {
		done(nil, errConnClosed)
		return
	}
	o.cseq++
	req.Header.Set("CSeq", fmt.Sprint(o.cseq))
	if v := wms.CookieHeader(o.s.jar, o.s.target); v != "" {
		req.Header.Set("Cookie", v) // 3.1.5.1 rule 8
	}
	now := o.s.now()
	o.fifo = append(o.fifo, pending{req: req, cseq: o.cseq, done: done, due: now.Add(o.s.timeout), sent: now})
	o.traceRequest(req)
	if err := o.ctrl.write(req.Marshal()); err != nil {
		o.fail(err)
		return
	}
	o.restartKeepAlive()
	o.armRequestTimer()
}

// armRequestTimer watches the oldest outstanding request.
func (o *owner) armRequestTimer() {
	o.reqTimer.Stop()
	if len(o.fifo) > 0 {
		o.reqTimer.Reset(max(o.fifo[0].due.Sub(o.s.now()), time.Millisecond))
	}
}

func (o *owner) restartKeepAlive() {
	if o.st == stateInit || o.keepAlive <= 0 {
		return
	}
	o.kaTimer.Reset(max(o.keepAlive-5*time.Second, o.keepAlive/2))
}

// inbound handles one thing read from the control connection.
func (o *owner) inbound(m inbound) error {
	if m.err != nil {
		if errors.Is(m.err, io.EOF) {
			return errConnClosed
		}
		return m.err
	}
	switch v := m.msg.(type) {
	case *Response:
		return o.response(v)
	case *Request:
		o.traceServerRequest(v)
		return o.serverRequest(v)
	case *Frame:
		if o.media != nil {
			o.media.frame(v)
		}
	}
	return nil
}

// response matches a response to the oldest outstanding request.
func (o *owner) response(resp *Response) error {
	if len(o.fifo) == 0 {
		return nil // unsolicited: ignore
	}
	i := 0
	if c := resp.CSeq(); c >= 0 && c != o.fifo[0].cseq {
		i = -1
		for j, p := range o.fifo {
			if p.cseq == c {
				i = j
			}
		}
		if i < 0 {
			return nil // an answer to nothing we asked
		}
	}
	p := o.fifo[i]
	o.fifo = append(o.fifo[:i], o.fifo[i+1:]...)
	o.armRequestTimer()
	o.traceResponse(p, resp)
	// The shortest request round trip is the best estimate of the path's
	// (the server's work only adds to it); the NACK timers start from it.
	if rtt := o.s.now().Sub(p.sent); rtt > 0 && (o.rtt == 0 || rtt < o.rtt) {
		o.rtt = rtt
	}
	// Rules for every response (3.1.5.2).
	if v := resp.Header.Get("Supported"); resp.Header.Has("Supported") {
		o.features = features(v)
	}
	// 3.1.5.2 rule 3, but not from the answer to a request sent before
	// the last ANNOUNCE came: that answer speaks of the entry before.
	if v := resp.Header.Get("X-Playlist-Gen-Id"); v != "" && p.cseq > o.announcedAt {
		if n, err := parseUint32(v); err == nil {
			o.genID = n
		}
	}
	if v := resp.Header.Get("Session"); v != "" {
		id, to, err := ParseSession(v)
		if err == nil {
			if o.sessionID == "" {
				o.sessionID = id
			}
			o.keepAlive = to
		}
	}
	if v := resp.Header.Get("Server"); v != "" {
		o.serverHdr = v
	}
	if p.req.Method == "PLAY" {
		// 3.1.5.10: true iff the answer says "true", else false.
		o.changeNotice = strings.EqualFold(strings.TrimSpace(resp.Header.Get("X-Playlist-Change-Notice")), "true")
	}
	wms.StoreCookies(o.s.jar, o.s.target, resp.Header.Values("Set-Cookie")) // 3.1.5.2 rule 6
	p.done(resp, nil)
	return nil
}

// serverRequest answers the server's requests (3.1.5.13, 3.1.5.15).
func (o *owner) serverRequest(req *Request) error {
	ctype := strings.ToLower(req.Header.Get("Content-Type"))
	switch {
	case req.Method == "SET_PARAMETER" && strings.HasPrefix(ctype, ctypeExtension):
		eos, err := ParseEndOfStream(req.Body)
		if err != nil {
			return o.reply(answer(req, 400, "Bad Request"))
		}
		if err := o.reply(answer(req, 200, "OK")); err != nil {
			return err
		}
		o.endOfStream(req, eos)
		return nil
	case req.Method == "ANNOUNCE":
		return o.announce(req)
	default:
		// Unknown server requests are answered, not acted on.
		return o.reply(answer(req, 200, "OK"))
	}
}

func (o *owner) reply(resp *Response) error {
	if o.ctrl == nil {
		return errConnClosed
	}
	return o.ctrl.write(resp.Marshal())
}

// endOfStream handles the server's EndOfStream (3.1.5.13): without
// End-Of-Playlist-Entry the state goes to READY and the stream ends once
// the packets up to RTP-Info's seq-1 are in; with it, the next entry's
// ANNOUNCE follows.
func (o *owner) endOfStream(req *Request, eos EndOfStream) {
	last := map[*channel]uint16{}
	if infos, err := ParseRTPInfo(req.Header.Get("RTP-Info")); err == nil && o.media != nil {
		for _, in := range infos {
			for _, ch := range o.media.chans {
				if in.HasSeq && sameStream(in.URL, ch.url) {
					last[ch] = in.Seq - 1
				}
			}
		}
	}
	if !eos.EndOfEntry {
		o.st = stateReady
		o.restartKeepAlive()
	}
	o.beginEnd(last, !eos.EndOfEntry, o.changeNotice)
}

// endOfMedia ends the stream when every sender said BYE (RFC 3550 6.6):
// servers without MS-RTSP's EndOfStream (GStreamer) end this way.
func (o *owner) endOfMedia() {
	if o.ended || o.ending != nil || o.st != statePlaying {
		return
	}
	o.st = stateReady
	o.restartKeepAlive()
	o.beginEnd(nil, true, false)
}

// ending is an end of stream waiting for the packets still on their way.
type ending struct {
	// last is the last sequence number of each channel (RTP-Info seq-1).
	last map[*channel]uint16
	// final: the stream ends (else a playlist entry does, 3.1.5.13).
	final bool
	// noLog: X-Playlist-Change-Notice-Variable was true, so no LogPlay
	// (3.1.5.13): the entry was skipped from.
	noLog bool
	// announce applies the next entry's ANNOUNCE, come while the end
	// waited (owner.announce); nil when none came.
	announce func()
}

// beginEnd starts the end of the stream (3.1.5.13: packets the RTP-Info
// shows not yet received SHOULD be waited for). Over TCP everything came
// before the request on the same connection; over UDP packets may still
// be queued or on their way, or a resend due: the end waits until each
// channel has handed on its last packet, or for the longest a gap is
// held.
func (o *owner) beginEnd(last map[*channel]uint16, final, noLog bool) {
	// An end still waiting is over (a server that sends two EndOfStreams
	// in a row): what it held and the ANNOUNCE it deferred go first.
	o.finishEnd()
	o.ending = &ending{last: last, final: final, noLog: noLog}
	if o.media == nil || o.media.tcp || (len(last) > 0 && o.media.allIn(last)) {
		o.finishEnd()
		return
	}
	o.endTimer.Reset(o.maxWait())
}

// finishEnd hands on what is left, logs the period and, for the end of
// the stream, queues io.EOF.
func (o *owner) finishEnd() {
	e := o.ending
	if e == nil {
		return
	}
	o.ending = nil
	o.endTimer.Stop()
	if o.media != nil {
		o.media.flush()
	}
	if e.noLog {
		// The period of the entry skipped from ends unlogged (3.1.5.13).
		o.period.Active = false
	} else {
		o.sendLogPlay()
	}
	if e.final && !o.ended {
		o.ended = true
		o.stall.Stop()
		o.push(item{err: io.EOF, sticky: true})
	}
	if e.announce != nil {
		e.announce()
		if o.media != nil {
			o.media.releaseNext()
		}
	}
}

// settleEnd ends the wait of an end still waiting for packets (beginEnd)
// when the player sends the next PLAY, or the streams of the next entry:
// what did not come by then is lost, and the period must be logged
// before a PLAY starts the next one (else the end would log that one and
// leave nothing for its own end). An entry's end is finished as on its
// timer (what is held handed on, the LogPlay sent); a final end only
// logs, as the PLAY starts the stream again (its EOF never queued).
func (o *owner) settleEnd() {
	e := o.ending
	if e == nil {
		return
	}
	if !e.final {
		o.finishEnd()
		return
	}
	o.ending = nil
	o.endTimer.Stop()
	if e.noLog {
		o.period.Active = false
	} else {
		o.sendLogPlay()
	}
}

// announce takes the next playlist entry (3.1.5.15).
func (o *owner) announce(req *Request) error {
	base, _ := url.Parse(o.pres.aggregate)
	p, err := parsePresentation(req.Body, base)
	if err != nil {
		// 400 to an ANNOUNCE that does not parse (2.2.7.1).
		return o.reply(answer(req, 400, "Bad Request"))
	}
	h := p.hdr
	if err := o.reply(answer(req, 200, "OK")); err != nil {
		return err
	}
	o.announceTime = o.s.now()
	apply := func() {
		if v := req.Header.Get("X-Playlist-Gen-Id"); v != "" {
			if n, err := parseUint32(v); err == nil {
				o.genID = n
			}
		}
		if cc := req.Header.Values("Cache-Control"); len(cc) > 0 {
			o.remoteLog = remoteLogSubscribed(cc)
		}
		o.announcedAt = o.cseq
		if p.aggregate == "" {
			p.aggregate = o.pres.aggregate
		}
		o.pres = p
		o.install(h)
		o.predicted(req.Header.Get("X-RTP-Info"))
		in := o.s.infoFor(o)
		o.push(item{err: transport.ErrInfoChanged, info: &in})
	}
	if e := o.ending; e != nil && !e.final {
		if o.media != nil && o.media.knowsLast(e.last) {
			// The end of the entry before still waits for its last
			// packets (3.1.5.13): the next entry begins once it is
			// over, its LogPlay sent with its own Playlist-gen-id and
			// its packets handed on; the next entry's packets are held
			// meanwhile (mediaPath.ofNextEntry). A later ANNOUNCE
			// replaces it: the server moved on again, and only its
			// entry will play.
			e.announce = apply
			return nil
		}
		// Without the last sequence number of every stream (RTP-Info)
		// the next entry's packets cannot be told from this one's:
		// the end is over now.
		o.finishEnd()
	}
	apply()
	return nil
}

// predicted rebuilds the channels for the next entry from the streams
// the server selected for it (X-RTP-Info, 3.1.5.15: no header means none;
// their RTP may already be arriving, to the ports and channels set up
// before, 3.2.4.2). The player's Select then completes the choice and
// PLAY in PLAYING starts the entry (3.1.4.5).
func (o *owner) predicted(xrtp string) {
	o.announced = true
	m := o.media
	if m == nil {
		return
	}
	old := m.chans
	m.chans = nil
	infos, _ := ParseRTPInfo(xrtp)
	claimed := map[*channel]bool{}
	o.rtxPredicted = ""
	for _, in := range infos {
		if r := o.pres.rtx; r != nil && m.rtx != nil && sameStream(in.URL, r.control) {
			o.rtxPredicted = in.URL
			continue
		}
		idx := -1
		for i, md := range o.pres.media {
			if sameStream(in.URL, md.control) {
				idx = i
			}
		}
		if idx < 0 {
			continue // the rtx stream, or a stream the SDP does not have
		}
		md := o.pres.media[idx]
		ch := &channel{media: idx, url: in.URL, slot: in.URL, kind: md.kind, pt: md.pt, fecPT: -1, rtpCh: -1, fecCh: -1}
		if in.Transport.HasSSRC {
			ch.ssrc, ch.ssrcK = in.Transport.SSRC, true
		}
		if oc := slotOf(in, md.kind, old, claimed, m.tcp); oc != nil {
			claimed[oc] = true
			ch.slot, ch.rtpCh, ch.tracker = oc.slot, oc.rtpCh, oc.tracker
		}
		if m.tcp && in.Transport.HasInterleaved {
			ch.rtpCh = in.Transport.Interleaved[0]
		}
		if err := o.newChannel(ch, wmfec.Params{}); err != nil {
			continue
		}
		if in.HasSeq {
			ch.jb.ResetAt(in.Seq)
		}
		m.chans = append(m.chans, ch)
	}
}

// slotOf finds the channel of the previous entry whose RTP session a
// predicted stream travels in (3.2.4.2: the same UDP port or TCP channel
// the client set up): the one of the same URL; over TCP the one of the
// interleaved channel X-RTP-Info names; the one of the SSRC it names;
// else one not yet claimed of the same media kind, else any not yet
// claimed, else the first (4.4.4.3: any slot set up with the same
// transport may name it). nil when there was none.
func slotOf(in RTPInfo, kind string, old []*channel, claimed map[*channel]bool, tcp bool) *channel {
	for _, oc := range old {
		if sameStream(in.URL, oc.url) {
			return oc
		}
	}
	if tcp && in.Transport.HasInterleaved {
		for _, oc := range old {
			if oc.rtpCh == in.Transport.Interleaved[0] {
				return oc
			}
		}
	}
	if in.Transport.HasSSRC {
		for _, oc := range old {
			if oc.ssrcK && oc.ssrc == in.Transport.SSRC {
				return oc
			}
		}
	}
	for _, sameKind := range []bool{true, false} {
		for _, oc := range old {
			if !claimed[oc] && (!sameKind || oc.kind == kind) {
				return oc
			}
		}
	}
	if len(old) > 0 {
		return old[0]
	}
	return nil
}

// selectEntry completes the stream choice of an announced entry
// (3.1.4.5): a SelectStream removes each predicted stream the player does
// not want (TEARDOWN on its URL) and adds each wanted one the server did
// not predict (SETUP), pipelined; then PLAY in PLAYING names the
// predicted streams left untouched. The Select is answered with the PLAY.
func (o *owner) selectEntry(c command) {
	o.settleEnd()
	o.announced = false
	need := map[int]bool{}
	for _, i := range o.needed() {
		need[i] = true
	}
	have := map[int]bool{}
	var untouched []string
	outstanding := 1
	var firstErr error
	step := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
		outstanding--
		if outstanding > 0 {
			return
		}
		if firstErr != nil {
			c.reply <- firstErr
			return
		}
		o.playEntry(untouched, c)
	}
	for _, ch := range append([]*channel(nil), o.media.chans...) {
		have[ch.media] = true
		if need[ch.media] {
			untouched = append(untouched, ch.url)
			continue
		}
		outstanding++
		o.deselect(ch, func() { step(nil) })
	}
	for i := range o.pres.media {
		if need[i] && !have[i] {
			outstanding++
			o.setupMedia(i, step)
		}
	}
	if o.rtxPredicted != "" {
		untouched = append(untouched, o.rtxPredicted)
	}
	step(nil)
}

// playEntry is PLAY in PLAYING for a new entry (3.1.5.16.1): no Range,
// X-Playlist-Seek-Id of the entry, Scale, and X-RTP-Info with the URLs
// (only) of the predicted streams no SelectStream touched.
func (o *owner) playEntry(untouched []string, c command) {
	r := o.s.base("PLAY", o.pres.aggregate)
	r.Header.Add("Supported", clientFeatures)
	if o.genID != 0 {
		r.Header.Add("X-Playlist-Seek-Id", strconv.FormatUint(uint64(o.genID), 10))
	}
	r.Header.Add("Scale", "1.0")
	// 2.2.6.19, 3.1.5.16.1: the player took longer than normal to come
	// back with its choice; the server then delays later ANNOUNCEs.
	if lag := o.s.now().Sub(o.announceTime); !o.announceTime.IsZero() && lag > normalLag {
		r.Header.Add("X-Player-Lag-Time", strconv.FormatInt(min(lag.Milliseconds(), 4294967295), 10))
	}
	if len(untouched) > 0 {
		urls := make([]string, len(untouched))
		for i, u := range untouched {
			urls[i] = "url=" + quoteURL(u)
		}
		r.Header.Add("X-RTP-Info", strings.Join(urls, ", "))
	}
	o.send(r, func(resp *Response, err error) {
		if err == nil && resp.StatusCode/100 != 2 {
			err = statusErr("PLAY", resp)
		}
		if err == nil {
			o.st = statePlaying
			o.ended = false
			o.stall.Reset(o.s.timeout)
			o.speed = 0 // PLAY in PLAYING asks no Speed (3.1.5.16.1)
			o.startPeriod(0)
		}
		c.reply <- err
	})
}

// normalLag is how long a player normally takes between an ANNOUNCE and
// its PLAY in PLAYING: it chooses and answers at once.
const normalLag = time.Second

// quoteURL quotes a stream URL holding "," or ";" (2.2.6.27).
func quoteURL(u string) string {
	if strings.ContainsAny(u, ",;") {
		return `"` + u + `"`
	}
	return u
}

// install makes h the current entry's header.
func (o *owner) install(h *asf.Header) {
	o.hdr = h
	o.demux = asftrack.NewDemuxer(o.s.cfg.Tap, h)
	o.demux.SetStreams(asftrack.StreamNumbers(o.selected))
	o.disc = true
}

func (o *owner) command(c command) {
	switch c.kind {
	case cmdOpen:
		o.open = &c
		if err := o.describe(c.ctx); err != nil {
			o.open = nil
			c.reply <- err
		}
	case cmdSelect:
		o.selected = c.tracks
		if o.demux != nil {
			o.demux.SetStreams(asftrack.StreamNumbers(c.tracks))
		}
		if o.announced && o.media != nil {
			o.selectEntry(c)
			return
		}
		o.applySelection(c)
	case cmdPlay:
		if o.play != nil || o.pause != nil {
			c.reply <- errors.New("rtsp: a Play or Pause is already in progress")
			return
		}
		in := o.s.infoFor(o)
		if c.from != 0 && !in.Seekable {
			c.reply <- transport.ErrNotSeekable
			return
		}
		if c.rate != 0 && c.rate != 1 && !in.Caps.Rate {
			c.reply <- fmt.Errorf("%w: the content is not stridable (a=type notstridable, or a broadcast)", ErrNotSupported)
			return
		}
		o.play = &c
		o.playFrom = c.from
		o.playRate = c.rate
		o.startPlay()
	case cmdSkip:
		o.skip(c)
	case cmdPause:
		if o.st != statePlaying {
			c.reply <- nil // 3.1.4.7: PAUSE only when PLAYING
			return
		}
		o.pause = &c
		o.send(o.s.pauseRequest(), func(resp *Response, err error) {
			p := o.pause
			o.pause = nil
			if err == nil && resp.StatusCode/100 == 2 {
				o.st = stateReady
				o.restartKeepAlive()
			}
			if p != nil {
				p.reply <- err
			}
		})
		o.sendLogPlay()
	}
}

// skip sends the Play that skips to the next or previous playlist entry
// (2.2.6.20, 3.1.5.9.1): X-Playlist with the offset and
// X-Playlist-Seek-Id of the current entry, no Range. Skips go only where
// a=type offers them (2.2.5.2.6.6/7), with the streams set up. On the
// answer (3.1.5.10) the state is PLAYING and what is queued of the entry
// left is dropped; its X-Playlist-Change-Notice was taken by response.
// The EndOfStream and ANNOUNCE that follow go the way of any entry's end
// (endOfStream, announce).
func (o *owner) skip(c command) {
	if o.play != nil || o.pause != nil {
		c.reply <- errors.New("rtsp: a Play, Pause or Skip is already in progress")
		return
	}
	in := o.s.infoFor(o)
	if c.offset > 0 && !in.Caps.SkipForward || c.offset < 0 && !in.Caps.SkipBackward {
		c.reply <- fmt.Errorf("%w: the server offers no skip by %d from this entry (a=type, 2.2.5.2.6.6/7)", ErrNotSupported, c.offset)
		return
	}
	if o.st == stateInit || o.media == nil || o.genID == 0 || o.sessionID == "" || o.ctrl == nil {
		c.reply <- fmt.Errorf("%w: no playlist session set up to skip in (Select and Play first)", errNotPlaying)
		return
	}
	o.play = &c
	o.send(o.s.skipRequest(c.offset), func(resp *Response, err error) {
		if err == nil && resp.StatusCode/100 != 2 {
			err = statusErr("PLAY", resp)
		}
		if err == nil {
			o.st = statePlaying
			o.ended = false
			o.dropQueued()
		}
		o.playDone(err)
	})
	o.sendLogConnect() // 3.1.5.9.1: after the first PLAY of the session
}

// teardown ends the session (3.1.4.10): TEARDOWN in READY or PLAYING,
// answered within the close timeout, then the connection closes.
func (o *owner) teardown(c command) {
	defer func() { c.reply <- nil }()
	if o.ctrl == nil || o.st == stateInit || o.sessionID == "" {
		return
	}
	if o.st == statePlaying {
		o.sendLogPlay()
	}
	done := false
	o.send(o.s.teardownRequest(), func(*Response, error) { done = true })
	for !done && o.ctrl != nil {
		select {
		case m := <-o.ctrl.in:
			if m.err != nil {
				return
			}
			if r, ok := m.msg.(*Response); ok {
				o.response(r)
			}
		case <-c.ctx.Done():
			return
		}
	}
}

// parseUint32 parses a decimal 32-bit value.
func parseUint32(v string) (uint32, error) {
	var n uint64
	_, err := fmt.Sscan(strings.TrimSpace(v), &n)
	if err != nil || n > 0xFFFFFFFF {
		return 0, fmt.Errorf("%w: %q is not a 32-bit number", ErrProtocol, v)
	}
	return uint32(n), nil
}

// ctxErr is what a cancelled command reports.
func ctxErr(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return ctx.Err()
}
