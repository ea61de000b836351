package rtsp

import (
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/wmlog"
)

// logPeriod is one logged stretch of streaming, from a PLAY to the PAUSE,
// EndOfStream or TEARDOWN that ends it (MS-RTSP 3.1.4.7, 3.1.5.13;
// MS-WMLOG counts "from when the client most recently started
// streaming").
type logPeriod struct {
	active    bool
	started   time.Time
	from      time.Duration
	firstPTS  time.Duration
	lastPTS   time.Duration
	haveFirst bool
	// Counters at the start of the period.
	bytes, packets, lost, fec, resent, nacks int64
}

// startPeriod begins a period at content position from.
func (o *owner) startPeriod(from time.Duration) {
	st := &o.s.stats
	o.period = logPeriod{active: true, started: o.s.now(), from: from,
		bytes: st.bytes.Load(), packets: st.packets.Load(), lost: st.lost.Load(),
		fec: st.fec.Load(), resent: st.resent.Load(), nacks: st.nacks.Load()}
}

// sample notes a sample handed to the player in the period.
func (p *logPeriod) sample(pts time.Duration) {
	if !p.haveFirst {
		p.firstPTS, p.haveFirst = pts, true
	}
	p.lastPTS = max(p.lastPTS, pts)
}

// transportName is the log's transport (MS-WMLOG 2.1.50).
func (o *owner) transportName() string {
	if o.media != nil && !o.media.tcp {
		return "UDP"
	}
	return "TCP"
}

// sendLogConnect sends the connect-time log (MS-WMLOG 2.8) once per
// session, right after the first PLAY (3.1.5.9.1: MUST).
func (o *owner) sendLogConnect() {
	if o.loggedConnect {
		return
	}
	o.loggedConnect = true
	body := wmlog.ConnectTime(o.s.now(), wmlog.DefaultHost(o.s.version()), o.transportName())
	o.send(o.s.logRequest(ctypeLogConnect, body), o.logAnswered)
}

// sendLogPlay ends the period and sends its legacy play log (MS-WMLOG
// 2.5) with LogPlay (2.2.7.7). A player that never asks for Speed sends
// no remote-log events, so the legacy format is the one (digest §6).
func (o *owner) sendLogPlay() {
	if !o.period.active || o.ctrl == nil || o.sessionID == "" {
		return
	}
	o.period.active = false
	rec := o.record(o.s.now())
	o.send(o.s.logRequest(ctypeLogPlay, rec.XML(wmlog.Legacy)), o.logAnswered)
}

// logAnswered counts the logs the server accepted; a failed log is not
// an error (3.1.5.2).
func (o *owner) logAnswered(resp *Response, err error) {
	if err == nil && resp.StatusCode/100 == 2 {
		o.s.stats.logPosts.Add(1)
	}
}

// record fills the legacy play log of the period with what was measured:
// packets received, lost, rebuilt by FEC and resent, NACKs sent.
func (o *owner) record(now time.Time) wmlog.Record {
	p := &o.period
	st := &o.s.stats
	facts := o.s.playbackFacts()
	elapsed := now.Sub(p.started)
	bytes := st.bytes.Load() - p.bytes
	avg := int64(-1)
	if bytes > 0 && elapsed > 0 {
		avg = int64(float64(bytes*8) / elapsed.Seconds())
	}
	rendered := facts.Rendered
	if rendered == 0 && p.haveFirst {
		rendered = p.lastPTS - p.firstPTS
	}
	info := o.s.infoFor(o)
	start := p.from
	if info.Broadcast {
		start = 0
	}
	ver := o.s.version()
	lost := st.lost.Load() - p.lost
	fec := st.fec.Load() - p.fec
	resent := st.resent.Load() - p.resent
	rec := wmlog.Record{
		Time:                   now,
		URIStem:                o.s.target.String(),
		URL:                    o.s.target.String(),
		StartTime:              start,
		Duration:               max(rendered, 0),
		ReceiveTime:            elapsed,
		PlayerID:               "{" + o.s.guid + "}",
		PlayerVersion:          wmlog.Version(ver),
		PlayerLanguage:         o.s.language,
		UserAgent:              o.s.userAgent,
		Referer:                facts.Referer,
		Host:                   wmlog.DefaultHost(ver),
		FileLength:             info.Duration,
		Protocol:               "rtsp",
		Transport:              o.transportName(),
		AvgBandwidth:           avg,
		Bytes:                  bytes,
		PacketsReceived:        st.packets.Load() - p.packets,
		PacketsLostNet:         lost + fec + resent,
		PacketsRecoveredECC:    fec,
		PacketsRecoveredResent: resent,
		ResendRequests:         st.nacks.Load() - p.nacks,
		BufferCount:            int64(facts.Rebuffers) + 1,
		BufferTime:             facts.RebufferTime,
		MediaName:              facts.MediaName,
		MediaRole:              facts.MediaRole,
	}
	if o.media != nil && o.media.tcp {
		rec.ResendRequests = -1 // nothing is resent over TCP
	}
	if o.hdr != nil && !info.Broadcast {
		rec.FileSize = int64(o.hdr.FileSize)
	}
	sel := map[int]bool{}
	for _, id := range o.selected {
		sel[id] = true
	}
	for _, t := range info.Tracks {
		if !sel[t.ID] {
			continue
		}
		switch t.Type {
		case transport.Audio:
			rec.AudioCodecs = append(rec.AudioCodecs, t.Codec.Name())
		case transport.Video:
			rec.VideoCodecs = append(rec.VideoCodecs, t.Codec.Name())
		}
	}
	return rec
}
