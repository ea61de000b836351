package rtsp

import (
	"strconv"
	"strings"
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
	if o.loggedConnect || o.s.cfg.NoPlayLogs {
		return
	}
	o.loggedConnect = true
	body := wmlog.ConnectTime(o.s.now(), wmlog.DefaultHost(o.s.version()), o.transportName())
	o.send(o.s.logRequest(ctypeLogConnect, body), o.logAnswered)
}

// sendLogPlay ends the period and sends its play log with LogPlay
// (2.2.7.7): the legacy log (MS-WMLOG 2.5), or, when the period's PLAY
// asked for Speed and the server subscribed to remote-log events, the
// streaming log (2.6, 3.1.4.7: MUST when remote-log SendEvents are sent)
// followed by the SendEvent with the rendering log (2.7, 3.1.4.9: the
// playback of the entry, or of the stretch stopped, has finished).
func (o *owner) sendLogPlay() {
	if !o.period.Active || o.ctrl == nil || o.sessionID == "" {
		return
	}
	o.period.Active = false
	if o.s.cfg.NoPlayLogs {
		return
	}
	rec := o.record(o.s.now())
	kind := wmlog.Legacy
	if o.speed > 1 && o.remoteLog {
		kind = wmlog.Streaming
	}
	o.webLogs(rec, kind)
	if kind == wmlog.Legacy {
		o.send(o.s.logRequest(ctypeLogPlay, rec.XML(wmlog.Legacy)), o.logAnswered)
		return
	}
	o.send(o.s.logRequest(ctypeLogPlay, rec.XML(wmlog.Streaming)), o.logAnswered)
	rendering := rec
	rendering.Rate = o.period.Facts.Rate
	body := remoteLogEvent(o.s.userAgent, "{"+o.s.guid+"}", o.s.target.String(), rendering.XML(wmlog.Rendering))
	o.send(o.s.logRequest(ctypeSendEvent, body), o.logAnswered)
}

// remoteLogEvent is the body of a remote-log SendEvent ([MS-WMSP] 2.2.5):
// "1" CRLF "1,30,0" CRLF (encoding 1, version 1, event 30 remote-log,
// reason S_OK), then two content descriptions ([MS-WMSP] 2.2.4), each
// "<name length>,<name>,<type>,<value length>,<value>" pairs joined by
// "," and ended by CRLF, lengths in bytes: context-type 2 with
// WMS_USER_AGENT and WMS_USER_GUID, then context-type 5 with
// @WMS_COMMAND_CONTEXT_URL and @.REMOTE_LOG, the rendering log.
func remoteLogEvent(ua, guid, url string, renderingLog []byte) []byte {
	const vtI4, vtLPWStr = 3, 31
	b := []byte("1\r\n1,30,0\r\n")
	pair := func(first bool, name string, typ int, value string) {
		if !first {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(len(name)), 10)
		b = append(b, ',')
		b = append(b, name...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(typ), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(len(value)), 10)
		b = append(b, ',')
		b = append(b, value...)
	}
	pair(true, "context-type", vtI4, "2")
	pair(false, "WMS_USER_AGENT", vtLPWStr, ua)
	pair(false, "WMS_USER_GUID", vtLPWStr, guid)
	b = append(b, '\r', '\n')
	pair(true, "context-type", vtI4, "5")
	pair(false, "@WMS_COMMAND_CONTEXT_URL", vtLPWStr, url)
	pair(false, "@.REMOTE_LOG", vtLPWStr, string(renderingLog))
	return append(b, '\r', '\n')
}

// remoteLogSubscribed reports whether Cache-Control values hold
// x-wms-event-subscription with remote-log among its events
// (2.2.6.2.10: x-wms-event-subscription=%x22 log-event *2("," log-event)
// %x22; the quoted list holds commas, so the value is cut at its quotes).
func remoteLogSubscribed(values []string) bool {
	const directive = "x-wms-event-subscription="
	for _, v := range values {
		for rest := v; ; {
			i := indexASCIIFold(rest, directive)
			if i < 0 {
				break
			}
			rest = rest[i+len(directive):]
			var list string
			if strings.HasPrefix(rest, `"`) {
				end := strings.IndexByte(rest[1:], '"')
				if end < 0 {
					break
				}
				list, rest = rest[1:1+end], rest[2+end:]
			} else {
				list, _, _ = strings.Cut(rest, ",")
			}
			for _, ev := range strings.Split(list, ",") {
				if strings.EqualFold(strings.TrimSpace(ev), "remote-log") {
					return true
				}
			}
		}
	}
	return false
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

// indexASCIIFold is the index of the first sub in s, ASCII letters of
// either case alike, or -1. Bytes are compared in place: lowering s
// first could change its length (non-ASCII runes) and misplace the index.
func indexASCIIFold(s, sub string) int {
	lower := func(c byte) byte {
		if 'A' <= c && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return c
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for j < len(sub) && lower(s[i+j]) == lower(sub[j]) {
			j++
		}
		if j == len(sub) {
			return i
		}
	}
	return -1
}

// webLogs posts the period's log to the web-server log URLs the player
// names (an ASX LOGURL, PlaybackFacts.LogURLs; MS-WMLOG 2.3), each once,
// in the background: Close waits for them, each bounded by the session's
// timeout, and a failed one only costs that log.
func (o *owner) webLogs(rec wmlog.Record, kind wmlog.Kind) {
	s := o.s
	posts := wmlog.WebPosts(rec, kind, s.target, o.period.Facts.LogURLs, s.playbackFacts().LogURLs)
	wmlog.SubmitAll(&s.wg, s.cfg.ClientFor("rtsp"), s.timeout, posts, func() { s.stats.logPosts.Add(1) })
}
