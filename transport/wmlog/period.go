package wmlog

import (
	"net"
	"net/url"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// Period is one logged stretch of streaming: from a play request (a Play,
// a PLAY, the start of a playlist entry) to its end (end of stream, a
// stop, a pause, a seek). MS-WMLOG counts "from when the client most
// recently started streaming" (2.1.3, 2.1.12, 2.1.15); an MS-WMSP client
// logs a period with its Log request ([MS-WMSP] 3.1.4.6), an MS-RTSP
// client with its LogPlay request ([MS-RTSP] 2.2.7.7). The protocol
// client updates it as data arrives and, at the end, fills a Record with
// Fill. The zero value is an inactive period.
type Period struct {
	// Active is set from the start of the period to its end.
	Active bool
	// Started is when streaming started; LastData when the last data
	// packet arrived (zero: none).
	Started, LastData time.Time
	// From is the content position the play request asked for.
	From time.Duration
	// FirstPTS and LastPTS are the first and the latest presentation time
	// handed to the player (HaveFirst: at least one was).
	FirstPTS, LastPTS time.Duration
	HaveFirst         bool
	// Bytes counts the data bytes received (c-bytes, 2.1.28), Packets the
	// data packets that brought new data (c-pkts-received, 2.1.15).
	Bytes, Packets int64
	// LostNet counts the packets lost in the network (c-pkts-lost-net,
	// 2.1.14), MaxRun the longest run of them (c-pkts-lost-cont-net,
	// 2.1.13).
	LostNet, MaxRun int64
	// Reconnected is set when the stream was resumed on a new connection
	// (c-status 210, 2.1.25).
	Reconnected bool
	// Rate is the streaming rate asked for (c-rate, 2.1.22).
	Rate float64
	// Facts are the player's facts when the period started: rendered,
	// rebuffers and their time are logged as the difference to them.
	Facts transport.PlaybackFacts
}

// Start begins a period at content position from, at rate, with the
// player's facts of the moment.
func (p *Period) Start(now time.Time, from time.Duration, rate float64, facts transport.PlaybackFacts) {
	*p = Period{Active: true, Started: now, From: from, Rate: rate, Facts: facts}
}

// Lost counts a run of n packets lost in the network.
func (p *Period) Lost(n int64) {
	p.LostNet += n
	p.MaxRun = max(p.MaxRun, n)
}

// Sample notes the presentation time of a sample handed to the player.
func (p *Period) Sample(pts time.Duration) {
	if !p.HaveFirst {
		p.FirstPTS, p.HaveFirst = pts, true
	}
	if pts > p.LastPTS {
		p.LastPTS = pts
	}
}

// Fill sets the fields of rec that the period measures, with facts the
// player's facts at the end of the period (zero when the player reports
// none) and broadcast set for live content:
//
//   - ReceiveTime, the streaming log's x-duration (2.1.52): from the start
//     to the last data packet; AvgBandwidth (2.1.2) is Bytes over it, -1
//     when nothing was received;
//   - Duration, the legacy and rendering logs' x-duration: the content the
//     player rendered in the period, or without player facts the span of
//     presentation times handed to it;
//   - StartTime (c-starttime, 2.1.24): the position asked for, or the
//     first presentation time when playing from the start; 0 for a
//     broadcast;
//   - Rate, Reconnected, Bytes, PacketsReceived, PacketsLostNet,
//     PacketsLostContNet;
//   - BufferCount (c-buffercount, 2.1.3): the rebuffers of the period plus
//     the buffering before playing, which a period that received nothing
//     never did; BufferTime (c-totalbuffertime, 2.1.26).
//
// The counts of recovered and resent packets and of resend requests are
// the protocol client's to set.
func (p *Period) Fill(rec *Record, facts transport.PlaybackFacts, broadcast bool) {
	receive := p.LastData.Sub(p.Started)
	if p.LastData.IsZero() || receive < 0 {
		receive = 0
	}
	avg := int64(-1)
	if p.Bytes > 0 && receive > 0 {
		avg = int64(float64(p.Bytes) * 8 / receive.Seconds())
	}
	rendered := facts.Rendered - p.Facts.Rendered
	if facts.Rendered == 0 && p.HaveFirst {
		// Without player facts, what was handed to the player.
		rendered = p.LastPTS - p.FirstPTS
	}
	start := p.From
	if p.HaveFirst && p.From == 0 {
		start = p.FirstPTS
	}
	if broadcast {
		start = 0
	}
	buffers := int64(max(0, facts.Rebuffers-p.Facts.Rebuffers))
	if p.Packets > 0 {
		buffers++
	}
	rec.StartTime = start
	rec.Duration = max(0, rendered)
	rec.ReceiveTime = receive
	rec.Rate = p.Rate
	rec.Reconnected = p.Reconnected
	rec.AvgBandwidth = avg
	rec.Bytes = p.Bytes
	rec.PacketsReceived = p.Packets
	rec.PacketsLostNet = p.LostNet
	rec.PacketsLostContNet = p.MaxRun
	rec.BufferCount = buffers
	rec.BufferTime = max(0, facts.RebufferTime-p.Facts.RebufferTime)
}

// AddCodecs appends the codec names of the selected tracks to AudioCodecs
// and VideoCodecs (audiocodec 2.1.1, videocodec 2.1.51), in track order.
func (r *Record) AddCodecs(tracks []transport.Track, selected map[int]bool) {
	for _, t := range tracks {
		if !selected[t.ID] {
			continue
		}
		switch t.Type {
		case transport.Audio:
			r.AudioCodecs = append(r.AudioCodecs, t.Codec.Name())
		case transport.Video:
			r.VideoCodecs = append(r.VideoCodecs, t.Codec.Name())
		}
	}
}

// ServerIP is the s-ip a client logs to a web server (2.1.43): the
// server's address when u names it by IP address, else "" (the client
// does not resolve names for the log).
func ServerIP(u *url.URL) string {
	if ip := net.ParseIP(u.Hostname()); ip != nil {
		return ip.String()
	}
	return ""
}
