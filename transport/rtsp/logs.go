package rtsp

import (
	"time"

	"github.com/eddyplayer/eddy/transport/wmlog"
)

// periodStart are the session's recovery counters when the logged
// period (wmlog.Period) started; the log takes their differences.
type periodStart struct {
	fec, resent, nacks int64
}

// startPeriod begins a logged period (a PLAY, or a playlist entry) at
// content position from (MS-RTSP 3.1.4.7, 3.1.5.13).
func (o *owner) startPeriod(from time.Duration) {
	st := &o.s.stats
	rate := o.playRate
	if rate == 0 {
		rate = 1
	}
	o.period.Start(o.s.now(), from, rate, o.s.playbackFacts())
	o.periodAt = periodStart{fec: st.fec.Load(), resent: st.resent.Load(), nacks: st.nacks.Load()}
}

// received counts bytes of media in the period.
func (o *owner) received(n int) {
	if o.period.Active {
		o.period.Bytes += int64(n)
		o.period.LastData = o.s.now()
	}
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
	if !o.period.Active || o.ctrl == nil || o.sessionID == "" {
		return
	}
	o.period.Active = false
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
// the period's bytes, packets, losses and times (wmlog.Period), the
// packets rebuilt by FEC and resent, the NACKs sent.
func (o *owner) record(now time.Time) wmlog.Record {
	st := &o.s.stats
	facts := o.s.playbackFacts()
	info := o.s.infoFor(o)
	ver := o.s.version()
	rec := wmlog.Record{
		Time:           now,
		URIStem:        o.s.target.String(),
		URL:            o.s.target.String(),
		PlayerID:       "{" + o.s.guid + "}",
		PlayerVersion:  wmlog.Version(ver),
		PlayerLanguage: o.s.language,
		UserAgent:      o.s.userAgent,
		Referer:        facts.Referer,
		Host:           wmlog.DefaultHost(ver),
		FileLength:     info.Duration,
		Protocol:       "rtsp",
		Transport:      o.transportName(),
		MediaName:      facts.MediaName,
		MediaRole:      facts.MediaRole,
	}
	o.period.Fill(&rec, facts, info.Broadcast)
	fec := st.fec.Load() - o.periodAt.fec
	resent := st.resent.Load() - o.periodAt.resent
	// Packets lost in the network include those FEC and resends brought
	// back (MS-WMLOG 2.1.12, 2.1.14).
	rec.PacketsLostNet += fec + resent
	rec.PacketsRecoveredECC = fec
	rec.PacketsRecoveredResent = resent
	rec.ResendRequests = st.nacks.Load() - o.periodAt.nacks
	if o.media == nil || o.media.tcp || o.media.rtx == nil {
		rec.ResendRequests = -1 // no resends over TCP or without rtx
	}
	if o.hdr != nil && !info.Broadcast {
		rec.FileSize = int64(o.hdr.FileSize)
	}
	sel := map[int]bool{}
	for _, id := range o.selected {
		sel[id] = true
	}
	rec.AddCodecs(info.Tracks, sel)
	return rec
}
