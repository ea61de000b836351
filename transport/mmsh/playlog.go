package mmsh

import (
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport/wmlog"
	"github.com/eddyplayer/eddy/transport/wms"
)

// startPeriod begins a logged period at content position from.
func (o *owner) startPeriod(from time.Duration) {
	o.period.Start(o.s.wallNow(), from, o.rate, o.s.playbackFacts())
}

// endPeriod closes the period and, when asked, sends its logs: the Log
// request (3.1.4.6, 3.1.5.13), the remote-log SendEvent when Speed was
// used and the server subscribed (3.1.4.8), and the web-server logs.
func (o *owner) endPeriod(send bool) {
	if !o.period.Active {
		return
	}
	o.period.Active = false
	if !send || o.s.cfg.NoPlayLogs {
		return
	}
	now := o.s.wallNow()
	sendEvent := o.speed > 1 && o.remoteLog
	kind := wmlog.Legacy
	if sendEvent {
		// 3.1.4.6: the Log MUST be a streaming log when remote-log
		// SendEvents are sent too.
		kind = wmlog.Streaming
	}
	rec := o.record(now)
	id := o.identity()
	if o.server.IsCougar() && o.server.AtLeast(9, 0) {
		o.sendLog(id.logRequest(rec.XML(kind), "", o.pipelined))
	} else {
		// Older servers take the W3C line in a log-line Pragma (2.2.1.4.10).
		o.sendLog(id.logRequest(nil, rec.W3C(wmlog.Legacy, wmlog.ToMediaServer), o.pipelined))
	}
	if sendEvent {
		rendering := rec
		rendering.Rate = o.period.Facts.Rate
		body := remoteEvent(0, o.s.cl.ua, o.s.cl.guid, o.s.url.String(), rendering.XML(wmlog.Rendering))
		o.sideSend(&sideRequest{req: id.sendEventRequest(body)})
	}
	for _, p := range wmlog.WebPosts(rec, kind, o.s.url, o.s.d.LogURLs, o.period.Facts.LogURLs, o.s.playbackFacts().LogURLs) {
		o.sideSend(&sideRequest{webURL: p.URL, body: p.Body})
	}
}

// sendLog sends a Log: on the Play connection in pipelined mode, else on
// a new connection (3.1.5.13). A failed log only costs the log.
func (o *owner) sendLog(req *request) {
	if o.pipelined && o.st != nil {
		if err := o.writePipelined(req, nil); err == nil {
			return
		}
	}
	o.sideSend(&sideRequest{req: req})
}

// record fills a play log with the period's measured values (MS-WMLOG
// 2.1, wmlog.Period.Fill): c-bytes counts every framed $D received
// (2.1.28), c-pkts-received the packets that brought new data (2.1.15).
func (o *owner) record(now time.Time) wmlog.Record {
	facts := o.s.playbackFacts()
	info := o.info
	ver := o.s.d.playerVersion()
	if facts.PlayerVersion != "" {
		ver = facts.PlayerVersion
	}
	lang := o.s.d.language()
	if facts.Language != "" {
		lang = facts.Language
	}
	host := wmlog.DefaultHost(ver)
	playerID := o.s.cl.guid
	if o.s.d.Anonymous {
		playerID = o.s.anonID
	}
	rec := wmlog.Record{
		Time:           now,
		URIStem:        o.s.url.String(),
		URL:            o.s.origURL,
		PlayerID:       playerID,
		PlayerVersion:  wmlog.Version(ver),
		PlayerLanguage: lang,
		UserAgent:      o.s.cl.ua,
		Referer:        facts.Referer,
		Host:           host,
		FileLength:     info.Duration,
		Protocol:       "http",
		Transport:      "TCP",
		// Over TCP nothing is resent or rebuilt by FEC.
		ResendRequests: -1,
		MediaName:      facts.MediaName,
		MediaRole:      facts.MediaRole,
	}
	o.period.Fill(&rec, facts, info.Broadcast)
	if !info.Broadcast {
		rec.FileSize = o.contentSize
		if rec.FileSize == 0 && o.hdr != nil {
			rec.FileSize = int64(o.hdr.FileSize)
		}
	}
	rec.AddCodecs(info.Tracks, o.sel)
	if o.meta != nil {
		for i := range o.meta.CDL {
			d := &o.meta.CDL[i]
			if v, ok := d.Get("WMS_CONTENT_DESCRIPTION_PLAYLIST_ENTRY_URL"); ok && v != "" {
				rec.MediaName = v
			}
			if v, ok := d.Get("WMS_CONTENT_DESCRIPTION_ROLE"); ok && v != "" {
				rec.MediaRole = v
			}
			if i == 0 {
				for _, pr := range d.Pairs {
					rec.ContentDescription = append(rec.ContentDescription, wmlog.Pair{Name: pr.Name, Value: pr.Value})
				}
			}
		}
	}
	return rec
}

// accelTokens renders the fast-start Pragma line (2.2.1.4.1, 2.2.1.4.2,
// 2.2.1.4.9, 2.2.1.4.24) from the buffer target and the link bandwidth,
// or "" when the server is older than 5.0 or fast start is off; AccelBW
// and AccelDuration are wms.FastStart's (shared with MS-MMSP).
func (o *owner) accelTokens() string {
	if !o.server.AtLeast(5, 0) {
		return ""
	}
	var toks []string
	link := o.bandwidth()
	if link > 0 {
		toks = append(toks, "LinkBW="+strconv.FormatInt(min(link, 4294967295), 10))
	}
	if !o.s.d.DisableFastStart && clientVersion >= 8 {
		accelBW, dur := wms.FastStart(link, o.contentRate(), o.bufferTarget())
		if accelBW > 0 {
			toks = append(toks, "AccelBW="+strconv.FormatInt(accelBW, 10),
				"AccelDuration="+strconv.FormatInt(dur.Milliseconds(), 10))
		}
	}
	if sp := o.s.d.FastCacheSpeed; sp > 1 && o.serverFeat[SupportFastCache] {
		// 3.1.4.3.1 item 52: only when the server advertised fastcache.
		toks = append(toks, "Speed="+strconv.FormatFloat(min(sp, 4294967295), 'f', 3, 64))
		o.speed = sp
	} else {
		o.speed = 0
	}
	return strings.Join(toks, ", ")
}

// bufferTarget is the buffer fast start fills.
func (o *owner) bufferTarget() time.Duration {
	if o.s.cfg.BufferTarget > 0 {
		return o.s.cfg.BufferTarget
	}
	if o.info.Preroll > 0 {
		return o.info.Preroll
	}
	return DefaultBufferTarget
}

// contentRate is the bit rate of the selected streams.
func (o *owner) contentRate() int64 {
	var r int64
	for _, t := range o.info.Tracks {
		if o.sel[t.ID] {
			r += int64(t.Bitrate)
		}
	}
	if r == 0 {
		r = int64(o.info.MaxBitrate)
	}
	return r
}

// acceptAccel records what the server granted (3.2.5.6): AccelBW never
// above the request, AccelDuration, Speed.
func (o *owner) acceptAccel(pr Pragma) {
	o.accelBW, o.accelDur = 0, 0
	if v, ok, err := pr.Uint32("AccelBW"); ok && err == nil {
		o.accelBW = int64(v)
	}
	if v, ok, err := pr.Uint32("AccelDuration"); ok && err == nil {
		o.accelDur = time.Duration(v) * time.Millisecond
	}
	if o.accelBW > 0 && o.accelDur > 0 {
		o.s.stats.fastStart.Store(true)
	}
	if v, ok := pr.Get("Speed"); ok {
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 1 {
			o.speed = f
		}
	}
}

// adviseStartup turns an X-StartupProfile into the buffer the player needs
// before rendering (Advanced Fast Start): the acceleration factor is the
// granted AccelBW over the content rate.
func (o *owner) adviseStartup(p *wms.StartupProfile, pr Pragma) {
	factor := 1.0
	if v, ok, err := pr.Uint32("AccelBW"); ok && err == nil {
		if r := o.contentRate(); r > 0 {
			factor = float64(v) / float64(r)
		}
	}
	d, ok := p.StartupBuffer(factor)
	o.s.mu.Lock()
	o.s.startup, o.s.hasStart = d, ok
	o.s.mu.Unlock()
}
