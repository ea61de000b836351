package rtx

import (
	"fmt"
	"time"
)

// Defaults of TrackerConfig.
const (
	DefaultWindow       = 128
	DefaultReorderDelay = 20 * time.Millisecond
	DefaultTries        = 3
	DefaultRTT          = 200 * time.Millisecond
	DefaultMaxAge       = 10 * time.Second

	// MaxWindow bounds TrackerConfig.Window.
	MaxWindow = 4096

	minRTO = 10 * time.Millisecond
	maxRTO = 3 * time.Second
	// trackerDropout: a jump further than this restarts the tracking
	// (RFC 3550 A.1's MAX_DROPOUT).
	trackerDropout = 3000
)

// TrackerConfig configures a Tracker. Zero fields take the defaults.
type TrackerConfig struct {
	// Window is how many of the newest sequence numbers are watched: a
	// missing number that falls further behind the highest one received
	// is no longer asked for. Default 128, the most a server looks up per
	// NACK (MS-RTSP 3.2.5.10); at most MaxWindow.
	Window int
	// ReorderDelay is how long a gap must last before it is asked for,
	// so that a packet merely reordered is not. Default 20 ms.
	ReorderDelay time.Duration
	// Tries is how many times a missing packet is asked for. Default 3.
	Tries int
	// RTT is the round-trip time to assume until resends measure it: the
	// session's measure (such as the SETUP round trip), or DefaultRTT.
	// MS-RTSP defines no NACK timers; the first re-ask waits 3×RTT
	// (RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR).
	RTT time.Duration
	// ClockRate is the RTP clock, in Hz (x-asf-pf: 1000, MS-RTSP
	// 2.2.5.3). Default 1000.
	ClockRate int
	// MaxAge stops asking for a packet whose neighbours' RTP timestamps
	// are this much older than the newest: a server keeps only about 10 s
	// of packets for resending (MS-RTSP 3.2.4.3). Default 10 s.
	MaxAge time.Duration
}

// TrackerStats is a snapshot of a Tracker's counters.
type TrackerStats struct {
	// NACKs counts the NACK packets Poll asked the caller to send.
	NACKs int64
	// Asked counts the sequence numbers asked for, re-asks included.
	Asked int64
	// Filled counts missing packets that arrived after being asked for.
	Filled int64
	// Exhausted counts missing packets asked for Tries times in vain.
	Exhausted int64
	// Abandoned counts missing packets given up by the caller (GiveUp),
	// or too old for the window or the server's resend queue.
	Abandoned int64
	// Outstanding is the number of missing packets still tracked.
	Outstanding int
	// SRTT is the smoothed round-trip time (RFC 6298) in use.
	SRTT time.Duration
}

type miss struct {
	ext     int64
	ts      uint32    // RTP timestamp of the packet after the gap
	seen    time.Time // when the gap was noticed
	askedAt time.Time
	tries   int
	used    bool
}

// Tracker decides which lost packets of one RTP stream to ask the server
// to resend, and when (MS-RTSP 3.1.4.6, 3.1.5.12.2). It is fed every
// sequence number received (originals, resends and FEC recoveries alike)
// and told which numbers the jitter buffer gave up; Poll returns the
// numbers due for a NACK now, in order, within one RTCP packet's limits.
//
// A missing number is asked for once it has been missing ReorderDelay,
// then again each retransmission timeout (RFC 6298, from the round trips
// of resends asked for once; Karn's rule), at most Tries times, and never
// once the jitter buffer gave it up, once it falls out of the Window, or
// once it is older than what the server keeps. NACK packets are at least
// SRTT/4 apart, so a burst of losses cannot make a NACK storm.
type Tracker struct {
	cfg  TrackerConfig
	w    int64
	miss []miss // index ext mod w, for ext in (highest-w, highest]

	init    bool
	highest int64
	newest  uint32 // RTP timestamp of the highest
	floor   int64  // numbers below were given up: never asked for

	badSeq   uint16 // a far jump waiting to be confirmed (RFC 3550 A.1)
	badValid bool

	srtt, rttvar time.Duration
	lastSend     time.Time
	sent         bool

	stats TrackerStats
}

// NewTracker returns a Tracker.
func NewTracker(cfg TrackerConfig) (*Tracker, error) {
	if cfg.Window == 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.ReorderDelay == 0 {
		cfg.ReorderDelay = DefaultReorderDelay
	}
	if cfg.Tries == 0 {
		cfg.Tries = DefaultTries
	}
	if cfg.RTT == 0 {
		cfg.RTT = DefaultRTT
	}
	if cfg.ClockRate == 0 {
		cfg.ClockRate = 1000
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	switch {
	case cfg.Window < 1 || cfg.Window > MaxWindow:
		return nil, fmt.Errorf("%w: window %d outside 1..%d", ErrConfig, cfg.Window, MaxWindow)
	case cfg.ReorderDelay < 0 || cfg.RTT < 0 || cfg.MaxAge < 0:
		return nil, fmt.Errorf("%w: negative duration", ErrConfig)
	case cfg.Tries < 1 || cfg.Tries > 16:
		return nil, fmt.Errorf("%w: %d tries outside 1..16", ErrConfig, cfg.Tries)
	case cfg.ClockRate < 1 || cfg.ClockRate > 10_000_000:
		return nil, fmt.Errorf("%w: clock rate %d", ErrConfig, cfg.ClockRate)
	}
	rtt := min(cfg.RTT, maxRTO)
	return &Tracker{
		cfg:    cfg,
		w:      int64(cfg.Window),
		miss:   make([]miss, cfg.Window),
		srtt:   rtt,
		rttvar: rtt / 2,
	}, nil
}

// Stats returns the counters.
func (t *Tracker) Stats() TrackerStats {
	s := t.stats
	s.SRTT = t.srtt
	return s
}

// Reset forgets every missing number (after a seek); counters and the
// measured RTT are kept.
func (t *Tracker) Reset() {
	clear(t.miss)
	t.init, t.badValid = false, false
	t.stats.Outstanding = 0
}

// ResetAt is Reset, then expects seq as the first packet: the seq of the
// PLAY response's RTP-Info (RFC 2326 12.33, MS-RTSP 2.2.6.8), so that a
// lost first packet is asked for too. Without it the first packet
// received starts the tracking.
func (t *Tracker) ResetAt(seq uint16) {
	t.Reset()
	t.init = true
	t.highest = 1<<16 + int64(seq) - 1
	t.floor = t.highest + 1
}

func (t *Tracker) unwrap(seq uint16) int64 {
	return t.highest + int64(int16(seq-uint16(t.highest)))
}

func (t *Tracker) slot(ext int64) *miss { return &t.miss[ext%t.w] }

// Received notes that the packet seq with RTP timestamp ts arrived at now;
// resent says it came on the retransmission port (its round trip then
// measures the RTT if it was asked for only once).
func (t *Tracker) Received(seq uint16, ts uint32, now time.Time, resent bool) {
	if !t.init {
		t.init = true
		t.highest = 1<<16 + int64(seq)
		t.floor = t.highest
		t.newest = ts
		return
	}
	ext := t.unwrap(seq)
	switch {
	case ext > t.highest+trackerDropout || ext < t.highest-trackerDropout:
		// A far jump: the sender restarted its numbering if the next
		// original packet follows this one (RFC 3550 A.1); then nothing
		// known is missing. Resends never restart it.
		if resent {
			return
		}
		if t.badValid && seq == t.badSeq {
			t.Reset()
			t.Received(seq, ts, now, resent)
			return
		}
		t.badSeq, t.badValid = seq+1, true
	case ext > t.highest:
		t.badValid = false
		// The numbers between are missing, as far as the window reaches.
		for e := max(t.highest+1, ext-t.w+1); e < ext; e++ {
			t.drop(e)
			if e >= t.floor {
				*t.slot(e) = miss{ext: e, ts: ts, seen: now, used: true}
				t.stats.Outstanding++
			}
		}
		t.drop(ext)
		if ext-t.highest > t.w {
			// Numbers beyond the window's reach are never asked for.
			t.stats.Abandoned += ext - t.highest - t.w
		}
		t.highest, t.newest = ext, ts
	default:
		m := t.slot(ext)
		if !m.used || m.ext != ext {
			return
		}
		if m.tries > 0 {
			t.stats.Filled++
			if resent && m.tries == 1 {
				t.sample(now.Sub(m.askedAt))
			}
		}
		*m = miss{}
		t.stats.Outstanding--
	}
}

// drop abandons the slot that ext is about to take, if it still holds an
// older missing number.
func (t *Tracker) drop(ext int64) {
	m := t.slot(ext)
	if m.used && m.ext != ext {
		*m = miss{}
		t.stats.Outstanding--
		t.stats.Abandoned++
	}
}

// sample updates SRTT and RTTVAR with a measured round trip (RFC 6298 2.3).
func (t *Tracker) sample(r time.Duration) {
	if r <= 0 {
		return
	}
	r = min(r, maxRTO)
	d := t.srtt - r
	if d < 0 {
		d = -d
	}
	t.rttvar = (3*t.rttvar + d) / 4
	t.srtt = (7*t.srtt + r) / 8
}

// rto is the retransmission timeout (RFC 6298 2.3), within 10 ms..3 s.
func (t *Tracker) rto() time.Duration {
	return min(max(t.srtt+4*t.rttvar, minRTO), maxRTO)
}

func (t *Tracker) interval() time.Duration { return t.srtt / 4 }

// GiveUpBefore stops asking for every number before seq, and never asks
// for them later: the jitter buffer released seq and gave up the gap
// before it.
func (t *Tracker) GiveUpBefore(seq uint16) {
	if !t.init {
		return
	}
	ext := t.unwrap(seq)
	for e := t.highest - t.w + 1; e < ext && e < t.highest; e++ {
		m := t.slot(e)
		if m.used && m.ext == e {
			*m = miss{}
			t.stats.Outstanding--
			t.stats.Abandoned++
		}
	}
	t.floor = max(t.floor, ext)
}

// due says when m is next to be asked for, and whether it has used its
// tries up (then it is dropped at that time).
func (t *Tracker) due(m *miss) (at time.Time, exhausted bool) {
	if m.tries == 0 {
		return m.seen.Add(t.cfg.ReorderDelay), false
	}
	return m.askedAt.Add(t.rto()), m.tries >= t.cfg.Tries
}

func (t *Tracker) tooOld(m *miss) bool {
	age := float64(int32(t.newest - m.ts))
	return age > t.cfg.MaxAge.Seconds()*float64(t.cfg.ClockRate)
}

// Poll returns the sequence numbers to put in a NACK now, in order, at
// most MaxNACKSeqs in at most MaxNACKEntries entries, and counts them as
// asked; nil when none is due or the last NACK was sent less than SRTT/4
// ago. The caller sends them in one NACK packet.
func (t *Tracker) Poll(now time.Time) []uint16 {
	if !t.init || (t.sent && now.Before(t.lastSend.Add(t.interval()))) {
		return nil
	}
	var out []uint16
	var pid uint16
	entries := 0
	for e := t.highest - t.w + 1; e < t.highest; e++ {
		m := t.slot(e)
		if !m.used || m.ext != e {
			continue
		}
		if t.tooOld(m) {
			*m = miss{}
			t.stats.Outstanding--
			t.stats.Abandoned++
			continue
		}
		at, exhausted := t.due(m)
		if now.Before(at) {
			continue
		}
		if exhausted {
			*m = miss{}
			t.stats.Outstanding--
			t.stats.Exhausted++
			continue
		}
		s := uint16(e)
		if len(out) == MaxNACKSeqs {
			break
		}
		if len(out) == 0 || s-pid > 16 {
			if entries == MaxNACKEntries {
				break
			}
			entries++
			pid = s
		}
		out = append(out, s)
		m.tries++
		m.askedAt = now
	}
	if len(out) > 0 {
		t.stats.NACKs++
		t.stats.Asked += int64(len(out))
		t.lastSend, t.sent = now, true
	}
	return out
}

// NextPoll returns when Poll will next have something to do (a number
// due, or one to drop as exhausted); ok is false when nothing is missing.
func (t *Tracker) NextPoll() (at time.Time, ok bool) {
	if !t.init || t.stats.Outstanding == 0 {
		return time.Time{}, false
	}
	for e := t.highest - t.w + 1; e < t.highest; e++ {
		m := t.slot(e)
		if !m.used || m.ext != e {
			continue
		}
		d, _ := t.due(m)
		if !ok || d.Before(at) {
			at, ok = d, true
		}
	}
	if ok && t.sent {
		at = later(at, t.lastSend.Add(t.interval()))
	}
	return at, ok
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
