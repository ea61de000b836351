package rtsp

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pion/rtp"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/jitter"
	"github.com/eddyplayer/eddy/transport/rtsp/asfrtp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtx"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
	"github.com/eddyplayer/eddy/transport/wms"
)

// assumedRTT sizes the jitter buffers until a round trip is measured.
const assumedRTT = 200 * time.Millisecond

// needed returns the indexes of the SDP media that carry the selected
// tracks (ASF stream numbers). A media without a=stream (GStreamer's one
// m-line for the whole file) carries every stream.
func (o *owner) needed() []int {
	var out []int
	for i, m := range o.pres.media {
		if len(m.streams) == 0 {
			out = append(out, i)
			continue
		}
		for _, n := range m.streams {
			if slices.Contains(o.selected, int(n)) {
				out = append(out, i)
				break
			}
		}
	}
	if len(out) == 0 {
		for i := range o.pres.media {
			out = append(out, i)
		}
	}
	return out
}

// startPlay goes from any state to PLAYING at o.playFrom: SETUP of the
// needed streams in INIT (one at a time until the first answer gives
// the session, 3.1.4.3.1), PAUSE first when playing (3.1.4.8), then PLAY.
func (o *owner) startPlay() {
	switch o.st {
	case stateInit:
		o.setupAll(o.needed(), func(err error) {
			if err != nil {
				o.playDone(err)
				return
			}
			o.sendPlay()
		})
	case statePlaying:
		o.send(o.s.pauseRequest(), func(resp *Response, err error) {
			if err == nil && resp.StatusCode/100 == 2 {
				o.st = stateReady
			}
		})
		o.sendLogPlay()
		o.sendPlay()
	default:
		o.sendPlay()
	}
}

// playDone answers the waiting Play.
func (o *owner) playDone(err error) {
	if p := o.play; p != nil {
		o.play = nil
		p.reply <- err
	}
}

// setupAll sends the SETUPs in order, each after the previous answer,
// then calls done.
func (o *owner) setupAll(media []int, done func(error)) {
	if o.media == nil {
		if err := o.newMedia(); err != nil {
			done(err)
			return
		}
	}
	if o.pres.rtx != nil && !o.media.tcp && o.media.rtx == nil {
		// The retransmission stream first, on its own ports (3.1.5.4,
		// 2.2.7.10.1), then the media.
		o.setupRtx(func(err error) {
			if err != nil {
				done(err)
				return
			}
			o.setupAll(media, done)
		})
		return
	}
	var next func(i int)
	next = func(i int) {
		if i == len(media) {
			done(nil)
			return
		}
		o.setupMedia(media[i], func(err error) {
			if err != nil {
				done(err)
				return
			}
			next(i + 1)
		})
	}
	next(0)
}

// setupMedia sets up one SDP media, and its FEC stream over UDP when the
// SDP offers one (3.1.4.3.1).
func (o *owner) setupMedia(idx int, done func(error)) {
	md := o.pres.media[idx]
	m := o.media
	ch := &channel{media: idx, url: md.control, slot: md.control, kind: md.kind, pt: md.pt, fecPT: -1, rtpCh: -1, fecCh: -1}
	t := TransportSpec{TCP: m.tcp, Unicast: true, Mode: "PLAY"}
	if m.tcp {
		if m.nextCh > 254 {
			done(fmt.Errorf("rtsp: no interleaved channel left for %s", md.control))
			return
		}
		n := m.nextCh
		m.nextCh += 2
		t.Interleaved, t.HasInterleaved = [2]int{n, n + 1}, true
	} else {
		t.ClientPort = [2]int{m.port(sockMedia), m.port(sockMediaRTCP)}
	}
	o.send(o.s.setupRequest(md.control, t), func(resp *Response, err error) {
		if err != nil {
			done(err)
			return
		}
		if resp.StatusCode/100 != 2 {
			done(statusErr("SETUP "+md.control, resp))
			return
		}
		if o.st == stateInit {
			o.st = stateReady
		}
		got := t
		if ts, err := ParseTransport(resp.Header.Get("Transport")); err == nil {
			got = ts[0]
		}
		ch.ssrc, ch.ssrcK = got.SSRC, got.HasSSRC
		if m.tcp {
			ch.rtpCh = t.Interleaved[0]
			if got.HasInterleaved {
				ch.rtpCh = got.Interleaved[0]
			}
		}
		if got.Source != "" && !m.tcp {
			if ip := net.ParseIP(got.Source); ip != nil {
				m.server = ip
			}
		}
		if !m.tcp {
			m.allowPorts(got.ServerPort)
		}
		if m.rtx != nil && m.rtx.dest != nil {
			tr, err := rtx.NewTracker(rtx.TrackerConfig{RTT: o.rtt})
			if err == nil {
				ch.tracker = tr
			}
		}
		if err := o.newChannel(ch, wmfec.Params{}); err != nil {
			done(err)
			return
		}
		m.chans = append(m.chans, ch)
		if md.fec == nil || m.tcp {
			done(nil)
			return
		}
		o.setupFEC(ch, md, done)
	})
}

// setupFEC sets up a media's FEC stream on the same client port
// (2.2.7.10.1), with the fmtp defaults as the proposal; the answer's
// fec-parameters are the ones in force (3.1.5.9).
func (o *owner) setupFEC(ch *channel, md mediaDesc, done func(error)) {
	m := o.media
	p := md.fec.params
	t := TransportSpec{Unicast: true, Mode: "PLAY", ClientPort: [2]int{m.port(sockMedia), m.port(sockMediaRTCP)},
		HasFEC: true, FecSpan: p.Span, FecPerSpan: p.PerSpan, FecBurstMargin: max(p.BurstMargin, 1)}
	o.send(o.s.setupRequest(md.fec.control, t), func(resp *Response, err error) {
		if err != nil {
			done(err)
			return
		}
		if resp.StatusCode/100 != 2 {
			// FEC is an option: play without it.
			done(nil)
			return
		}
		if v := resp.Header.Get("Transport"); v != "" {
			if got, err := wmfec.ParseTransportParams(v); err == nil {
				p = got
			}
			if ts, err := ParseTransport(v); err == nil {
				ch.fecSSRC, ch.fecSSRCK = ts[0].SSRC, ts[0].HasSSRC
				m.allowPorts(ts[0].ServerPort)
			}
		}
		if err := o.newChannel(ch, p); err != nil {
			done(err)
			return
		}
		ch.fecPT = int(md.fec.pt)
		done(nil)
	})
}

// newChannel (re)builds a channel's receive path for FEC parameters p
// (zero: no FEC): a jitter buffer sized from the FEC queue limit and the
// round trip (3.1.5.9), the FEC decoder, the depacketizer.
func (o *owner) newChannel(ch *channel, p wmfec.Params) error {
	queue := 0
	if p.Span > 0 {
		dec, err := wmfec.NewDecoder(wmfec.DecoderConfig{Params: p})
		if err != nil {
			return fmt.Errorf("rtsp: FEC of %s: %w", ch.url, err)
		}
		ch.fec = dec
		queue = p.QueueLimit()
	}
	rate := 50.0 // packets per second, until the header says more
	if o.hdr != nil && o.hdr.PacketSize > 0 && o.hdr.MaxBitrate > 0 {
		rate = float64(o.hdr.MaxBitrate) / 8 / float64(o.hdr.PacketSize)
	}
	jb, err := jitter.New(jitter.Config{
		Capacity:  jitter.Size(queue, rate, assumedRTT, 2),
		ClockRate: 1000,
		Deadline:  o.deadline(ch),
		MaxWait:   o.maxWait(),
	})
	if err != nil {
		return fmt.Errorf("rtsp: %w", err)
	}
	ch.jb = jb
	dep := asfrtp.NewDepacketizer(o.pres.maxps)
	dep.PreferInclusive = strings.HasPrefix(o.serverHdr, "WMServer/")
	ch.dep = dep
	return nil
}

// maxWait is the longest a gap is held: part of the preroll, which the
// player buffers before it plays, so that a packet FEC or a resend fills
// still comes before the audio needs it.
func (o *owner) maxWait() time.Duration {
	pre := time.Duration(0)
	if o.hdr != nil {
		pre = o.hdr.Preroll
	}
	return min(max(pre/2, 300*time.Millisecond), 3*time.Second)
}

// deadline is a packet's playout deadline from its ASF send time (the RTP
// timestamp, 2.2.1.2): a server sends in real time from the first packet
// on, and the player plays a preroll later, so a packet sent at ts is due
// at t0 + (ts - ts0) + preroll; a gap is given up at half the preroll
// before that, leaving the rest to the decoder and the audio buffer.
func (o *owner) deadline(ch *channel) func(*rtp.Packet, time.Time) time.Time {
	return func(p *rtp.Packet, at time.Time) time.Time {
		due := at.Add(o.maxWait())
		if ch.haveT {
			ahead := time.Duration(int32(p.Timestamp-ch.ts0)) * time.Millisecond
			due = ch.t0.Add(ahead + o.maxWait())
		}
		// The player's buffer may allow longer (fast start filled it):
		// its audio clock extends the hold, never shortens it.
		if ad, ok := o.audioDeadline(p, at); ok && ad.After(due) {
			due = ad
		}
		return due
	}
}

// sendPlay sends PLAY and, the first time, LogConnect right after it
// (3.1.5.9.1).
func (o *owner) sendPlay() {
	o.settleEnd()
	from := o.playFrom
	pre := time.Duration(0)
	bitrate := int64(0)
	if o.hdr != nil {
		pre, bitrate = o.hdr.Preroll, int64(o.hdr.MaxBitrate)
	}
	accel := max(o.s.cfg.BufferTarget, pre)
	bw := o.s.cfg.Bandwidth
	if bw <= 0 {
		bw = 4 * bitrate
	}
	o.media.holdUntilPlayed()
	req := o.s.playRequest(from, o.playRate, accel, bw)
	speed := 0.0
	if sp := o.s.d.FastCacheSpeed; sp > 1 && o.features[featureFastCache] && o.media.tcp {
		// 3.1.5.9.1: Speed only when the server lists fastcache (MUST
		// NOT otherwise); over TCP only (Dialer.FastCacheSpeed).
		speed = min(sp, 4294967295)
		req.Header.Add("Speed", strconv.FormatFloat(speed, 'f', 3, 64))
	}
	o.send(req, func(resp *Response, err error) {
		if err != nil {
			o.media.release(false)
			o.playDone(err)
			return
		}
		if resp.StatusCode/100 != 2 {
			o.media.release(false)
			o.playDone(statusErr("PLAY", resp))
			return
		}
		o.st = statePlaying
		if o.media.tcp {
			o.kaTimer.Stop() // 3.1.5.10: RTP over TCP keeps the session alive
		} else if !o.gotUDP {
			o.fw.Reset(o.s.d.firewallTimeout())
		}
		o.stall.Reset(o.s.timeout)
		if resp.Header.Has("X-Accelerate-Streaming") {
			o.s.stats.fastStart.Store(true)
		}
		seqs := map[*channel]uint16{}
		if infos, err := ParseRTPInfo(resp.Header.Get("RTP-Info")); err == nil {
			for _, in := range infos {
				for _, ch := range o.media.chans {
					if in.HasSeq && sameStream(in.URL, ch.url) {
						seqs[ch] = in.Seq
					}
				}
			}
		}
		o.media.restart(seqs)
		if o.demux != nil {
			o.demux.Reset()
		}
		o.disc = true
		o.ended = false
		o.dropQueued()
		o.speed = speed
		o.startPeriod(from)
		o.media.release(true)
		o.playDone(nil)
	})
	o.sendLogConnect()
}

// dropQueued forgets samples of before a seek.
func (o *owner) dropQueued() {
	keep := o.queue[:0]
	for _, it := range o.queue {
		if it.info != nil {
			keep = append(keep, it)
		}
	}
	o.queue = keep
	o.queuedBytes = 0
}

// sameStream compares an RTP-Info URL with a control URL, ignoring a
// trailing slash.
func sameStream(a, b string) bool {
	return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/") ||
		strings.HasSuffix(strings.TrimSuffix(b, "/"), "/"+strings.TrimPrefix(strings.TrimSuffix(a, "/"), "/"))
}

// applySelection applies a stream choice once streams are set up
// (3.1.4.4): SETUP adds the media of newly chosen streams, TEARDOWN on a
// stream's URL removes one no longer wanted; the demuxer filters the
// streams of media that carry several. The reply comes with the last
// answer; a failure to add a stream is an error, a failed removal is not
// (3.1.5.2).
func (o *owner) applySelection(c command) {
	if o.st == stateInit || o.media == nil {
		c.reply <- nil
		return
	}
	need := map[int]bool{}
	for _, i := range o.needed() {
		need[i] = true
	}
	have := map[int]bool{}
	outstanding := 0
	var firstErr error
	finish := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
		outstanding--
		if outstanding == 0 {
			c.reply <- firstErr
		}
	}
	outstanding++ // held until every request is sent
	for _, ch := range append([]*channel(nil), o.media.chans...) {
		have[ch.media] = true
		if need[ch.media] || len(o.pres.media[ch.media].streams) == 0 {
			continue
		}
		outstanding++
		o.deselect(ch, func() { finish(nil) })
	}
	for i := range o.pres.media {
		if !need[i] || have[i] {
			continue
		}
		outstanding++
		o.setupMedia(i, finish)
	}
	finish(nil)
}

// deselect stops receiving a channel and removes its stream with a
// SelectStream TEARDOWN (2.2.7.10.2, deselectRequest): on the URL of the
// SETUP of its RTP session, with a body naming the stream when the
// server predicted it under another URL. done runs with the answer,
// whatever it is: a failed removal is not an error (3.1.5.2).
func (o *owner) deselect(ch *channel, done func()) {
	o.removeChannel(ch)
	md := o.pres.media[ch.media]
	var number uint16
	if len(md.streams) == 1 {
		number = md.streams[0]
	}
	o.send(o.s.deselectRequest(ch.slot, md.control, number), func(*Response, error) { done() })
}

// removeChannel stops receiving a channel.
func (o *owner) removeChannel(ch *channel) {
	m := o.media
	for i, c := range m.chans {
		if c == ch {
			m.chans = append(m.chans[:i:i], m.chans[i+1:]...)
			return
		}
	}
}

// setupRtx sets up the retransmission stream over UDP (3.1.5.4, 4.4.1):
// its own port pair and an SSRC of the client's; the answer's second
// server_port is where NACKs go and its ssrc names the CNAME (3.1.5.6).
// A refusal leaves the session without resends, not failed.
func (o *owner) setupRtx(done func(error)) {
	m := o.media
	var b [4]byte
	rand.Read(b[:])
	mine := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	t := TransportSpec{Unicast: true, Mode: "PLAY", ClientPort: [2]int{m.port(sockRtx), m.port(sockRtxRTCP)}, SSRC: mine, HasSSRC: true}
	o.send(o.s.setupRequest(o.pres.rtx.control, t), func(resp *Response, err error) {
		if err != nil {
			done(err)
			return
		}
		st := &rtxState{pt: o.pres.rtx.pt, clientSSRC: mine}
		m.rtx = st
		if resp.StatusCode/100 != 2 {
			st.dest = nil
			done(nil)
			return
		}
		if o.st == stateInit {
			o.st = stateReady
		}
		if ts, err := ParseTransport(resp.Header.Get("Transport")); err == nil {
			got := ts[0]
			st.serverSSRC = got.SSRC
			m.allowPorts(got.ServerPort)
			if got.ServerPort[1] != 0 {
				st.dest = &net.UDPAddr{IP: m.server, Port: got.ServerPort[1]}
			}
		}
		done(nil)
	})
}

// newMedia makes the media path: UDP sockets for rtspu:// and rtsp://
// until UDP proved blocked, else interleaved TCP.
func (o *owner) newMedia() error {
	o.media = newMediaPath(o, o.s.lower == LowerTCP || o.fellBack)
	if o.media.tcp {
		return nil
	}
	local := o.ctrl.nc.LocalAddr().(*net.TCPAddr).IP
	if err := o.media.listen(local, o.pres.rtx != nil); err != nil {
		o.media.close()
		o.media = nil
		if errors.Is(err, transport.ErrNoFreeUDPPort) && o.s.lower == LowerAuto {
			// Every port of the user's range is taken: rtsp:// goes
			// on over TCP, as Windows Media Player does (rtspu://
			// fails, and the mms:// rollover's RTSP step is rtsp://).
			o.fellBack = true
			o.s.stats.fellBack.Store(true)
			o.media = newMediaPath(o, true)
			return nil
		}
		return fmt.Errorf("rtsp: opening UDP ports: %w", err)
	}
	o.media.server = o.ctrl.nc.RemoteAddr().(*net.TCPAddr).IP
	return nil
}

// ctypeUDPPacketPair is UdpPacketPair's Content-Type (2.2.7.14).
const ctypeUDPPacketPair = "application/x-rtsp-udp-packetpair"

// probeUDP measures the link and tests UDP before the streams are chosen
// (3.1.5.4, 3.1.5.6–3.1.5.8): the retransmission stream is set up over
// UDP, UdpPacketPair asks the server for the packet-pair train on its
// port, and the Firewall timer runs. The train's bandwidth goes to
// Stats.BandwidthBps, which the player's stream choice reads; a timer
// that fires with nothing received means UDP is blocked (3.1.6.1): rtsp://
// goes on over TCP, rtspu:// fails. Only with a server that offers the
// retransmission stream and packet pair (2.2.6.10.6: without srvppair the
// client MUST NOT send UdpPacketPair).
func (o *owner) probeUDP() {
	if !o.features[featureSrvPPair] {
		o.openDone(nil) // 2.2.6.10.6: no packet pair without srvppair
		return
	}
	if o.s.lower == LowerTCP || o.pres.rtx == nil {
		o.probeTCP()
		return
	}
	if err := o.newMedia(); err != nil {
		o.openDone(err)
		return
	}
	if o.media.tcp {
		// No UDP port was free (newMedia went over to TCP): measure
		// over TCP instead.
		o.media.close()
		o.media = nil
		o.probeTCP()
		return
	}
	o.setupRtx(func(err error) {
		if err != nil {
			o.openDone(err)
			return
		}
		if o.media == nil || o.media.rtx == nil || o.media.rtx.dest == nil {
			o.openDone(nil) // the server refused the retransmission stream
			return
		}
		r := o.s.base("SET_PARAMETER", o.pres.aggregate)
		r.Header.Add("Content-Type", ctypeUDPPacketPair)
		o.s.genID(r)
		r.Body = []byte("type: high-entropy-packetpair variable-size")
		o.probe = rtx.NewProbe(o.s.now(), 0, o.media.rtx.serverSSRC, o.features[featurePacketPairSSRC])
		o.send(r, func(*Response, error) {})
		o.fw.Reset(o.s.d.firewallTimeout())
	})
}

// pairPacket takes a packet-pair packet of the probe.
func (o *owner) pairPacket(p *rtp.Packet, size int, at time.Time) {
	if o.probe == nil {
		return
	}
	o.probe.Packet(p, size, at)
	if o.probe.State() == rtx.ProbeDone {
		o.endProbe()
		return
	}
	// UDP gets through: a train whose last packet is lost is not waited
	// for the whole Firewall time.
	if o.probe.Packets() == 1 {
		o.fw.Reset(min(o.s.d.firewallTimeout(), max(10*o.rtt, 500*time.Millisecond)))
	}
}

// endProbe ends the packet-pair probe: by its last packet, or by the
// Firewall timer.
func (o *owner) endProbe() {
	pr := o.probe
	o.probe = nil
	o.fw.Stop()
	if bps, ok := pr.Bandwidth(); ok {
		o.s.stats.bandwidth.Store(bps)
	}
	if pr.Packets() > 0 {
		o.gotUDP = true
		o.openDone(nil)
		return
	}
	if o.s.lower != LowerAuto {
		o.openDone(fmt.Errorf("%w (no packet-pair packet in %v)", ErrUDPBlocked, o.s.d.firewallTimeout()))
		return
	}
	// UDP is blocked: remove the retransmission stream and go on over
	// TCP, setting the streams up from the start.
	o.fellBack = true
	o.st = stateInit
	o.s.stats.fellBack.Store(true)
	r := o.s.base("TEARDOWN", o.pres.rtx.control)
	o.s.genID(r)
	o.send(r, func(*Response, error) {})
	o.media.close()
	o.media = nil
	o.openDone(nil)
}

// probeTCP measures the link over the control connection with
// TcpPacketPair (2.2.7.12, 3.1.5.5): GET_PARAMETER answered by three $P
// packets, the rate of the second from the arrivals of the first two
// (the reader stamps each as it completes). A failure only costs the
// measure.
func (o *owner) probeTCP() {
	r := o.s.base("GET_PARAMETER", o.pres.aggregate)
	r.Header.Add("Content-Type", ctypePacketPair)
	r.Header.Add("Content-Length", "0")
	o.send(r, func(resp *Response, err error) {
		if err == nil && resp.StatusCode/100 == 2 && len(resp.Pairs) >= 2 {
			p := resp.Pairs
			if bps := wms.PacketPairBandwidth(p[1].Size, p[0].At, p[1].At); bps > 0 {
				o.s.stats.bandwidth.Store(bps)
			}
		}
		o.openDone(nil)
	})
}

// decodeMargin is what the deadline leaves for decoding and the output.
const decodeMargin = 200 * time.Millisecond

// audioDeadline is a packet's playout deadline from the player's audio
// clock (transport.PlaybackFacts.Clock): a Windows Media server's RTP
// timestamp is the ASF send time (2.2.1.2), and a server sends each
// packet about a preroll ahead of its presentation, so its send time is
// about its sample time (preroll removed): the packet is due when the
// clock reaches it. ok is false without a recent clock or with another
// server, whose RTP timestamps need not be send times (GStreamer stamps
// its own clock).
func (o *owner) audioDeadline(p *rtp.Packet, at time.Time) (time.Time, bool) {
	if !strings.HasPrefix(o.serverHdr, "WMServer/") || o.hdr == nil {
		return time.Time{}, false
	}
	f := o.s.playbackFacts()
	if f.ClockAt.IsZero() || at.Sub(f.ClockAt) > 3*time.Second || at.Before(f.ClockAt.Add(-time.Second)) {
		return time.Time{}, false
	}
	ahead := time.Duration(p.Timestamp)*time.Millisecond - f.Clock
	// A server keeps about 10 s of packets for resending (3.2.4.3):
	// waiting longer for a gap is useless.
	ahead = min(ahead, at.Sub(f.ClockAt)+10*time.Second)
	return f.ClockAt.Add(ahead - decodeMargin), true
}
