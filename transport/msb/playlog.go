package msb

import (
	"context"
	"net/url"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/wmlog"
)

// ReportPlayback implements transport.PlaybackReporter: the player's facts
// for the play log.
func (s *Session) ReportPlayback(f transport.PlaybackFacts) {
	s.log.mu.Lock()
	s.log.facts = f
	s.log.mu.Unlock()
}

// lostRun notes a run of packets given up, for c-pkts-lost-cont-net.
func (s *Session) lostRun(n int64) {
	s.log.mu.Lock()
	s.log.maxRun = max(s.log.maxRun, n)
	s.log.mu.Unlock()
}

// startPeriod begins a logged period: the start of playing, a resume, a
// new entry.
func (s *Session) startPeriod() {
	sel := map[int]bool{}
	for _, t := range s.info.Tracks {
		sel[t.ID] = s.selected == nil
	}
	for _, id := range s.selected {
		sel[id] = true
	}
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.period.Start(time.Now(), 0, 1, s.log.facts)
	s.log.at = s.c.snapshot()
	s.log.maxRun = 0
	s.log.tracks, s.log.selected = s.info.Tracks, sel
}

// endPeriod ends the logged period and sends its log to the station's Log
// URL ([MS-MSB] 3.2.5.4, 3.2.7.1, 4.2); after Close nothing more is sent.
func (s *Session) endPeriod() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	if s.log.closed {
		return
	}
	s.sendLocked()
}

// closeLog sends the last period's log and lets no other start.
func (s *Session) closeLog() {
	s.log.mu.Lock()
	s.sendLocked()
	s.log.closed = true
	s.log.mu.Unlock()
	s.log.wg.Wait()
}

// sendLocked takes the active period's record and posts it in the
// background (s.log.mu held).
func (s *Session) sendLocked() {
	if !s.log.period.Active {
		return
	}
	s.log.period.Active = false
	if s.cfg.NoPlayLogs {
		return
	}
	logURL := s.st.LogURL
	if u, err := url.Parse(logURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		// 2.2.1.4: the Log URL MUST be an http:// URL; nothing else is
		// contacted.
		return
	}
	rec := s.recordLocked(time.Now())
	body := rec.WebServer(wmlog.Legacy)
	s.log.wg.Add(1)
	go func() {
		defer s.log.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.TimeoutOrDefault())
		defer cancel()
		ws := &wmlog.WebSubmitter{Client: s.cfg.ClientFor("msb"), UserAgent: "NSPlayer"}
		if err := ws.Submit(ctx, logURL, body); err != nil {
			s.log.failures.Add(1)
			return
		}
		s.log.posts.Add(1)
	}()
}

// recordLocked fills the play log of the period ([MS-WMLOG] 2.3): the
// URL is asfm://group:port (2.1.32, 2.1.33), the protocol asfm, the
// transport UDP, the .nsc URL c-channelURL (2.1.27), the group s-ip; the
// counts are the period's (wmlog.Period.Fill) with the packets rebuilt
// from parity in c-pkts-recovered-ECC. Nothing is resent in multicast.
func (s *Session) recordLocked(now time.Time) wmlog.Record {
	facts := s.log.facts
	ver := facts.PlayerVersion
	if ver == "" {
		ver = s.d.PlayerVersion
	}
	if ver == "" {
		ver = "1.0"
	}
	ua := s.cfg.UserAgent
	if ua == "" {
		ua = "Eddy/" + ver
	}
	asfm := "asfm://" + s.group.String()
	rec := wmlog.Record{
		Time:           now,
		URIStem:        asfm,
		URL:            asfm,
		ChannelURL:     s.url,
		PlayerID:       s.log.guid,
		PlayerVersion:  wmlog.Version(ver),
		PlayerLanguage: facts.Language,
		UserAgent:      ua,
		Referer:        facts.Referer,
		Host:           wmlog.DefaultHost(ver),
		Protocol:       "asfm",
		Transport:      "UDP",
		ServerIP:       s.group.Addr().String(),
		ResendRequests: -1,
		MediaName:      facts.MediaName,
		MediaRole:      facts.MediaRole,
	}
	c := s.c.snapshot()
	p := s.log.period
	p.Bytes = c.Bytes - s.log.at.Bytes
	p.Packets = c.Received - s.log.at.Received
	p.LostNet = c.Lost - s.log.at.Lost
	p.MaxRun = s.log.maxRun
	if ns := s.lastData.Load(); ns != 0 {
		if t := time.Unix(0, ns); t.After(p.Started) {
			p.LastData = t
		}
	}
	p.Fill(&rec, facts, true)
	fec := c.Recovered - s.log.at.Recovered
	// Packets lost in the network include those rebuilt (MS-WMLOG 2.1.14).
	rec.PacketsLostNet += fec
	rec.PacketsRecoveredECC = fec
	rec.AddCodecs(s.log.tracks, s.log.selected)
	return rec
}
