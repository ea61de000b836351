package wms

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxStartupRates bounds the candidate rates of an X-StartupProfile.
const MaxStartupRates = 32

// StartupProfile is the X-StartupProfile response header ([MS-WMSP]
// 2.2.1.12, in a Play response; [MS-RTSP] 2.2.6.28, in a PLAY response,
// with the MS-WMSP syntax), the data for Advanced Fast Start: for each
// candidate acceleration factor the smallest buffer that never underflows.
// A client asks for it by listing com.microsoft.wm.startupprofile in
// Supported ([MS-WMSP] 2.2.1.7; [MS-RTSP] 2.2.6.10.8).
type StartupProfile struct {
	// Rate are the candidate acceleration factors × 10 (15 = 1.5× the
	// content's average bit rate).
	Rate []int
	// MaxBytes[i] is the largest buffer underflow, in bytes, when the
	// content is sent at Rate[i].
	MaxBytes []int64
	// Time[i] is the presentation time (ms after StartTime) of that
	// maximum.
	Time []int64
	// StartTime is the lowest presentation time (ms) of the interval.
	StartTime int64
	// LastTime is how much content (ms) is sent at the accelerated rate.
	LastTime int64
	// MaxDiffTime is the presentation time (ms after StartTime) of the
	// payload with the largest audio/video latency.
	MaxDiffTime int64
	// MaxDiffSndTime is that largest lag in ms (negative: video lags).
	MaxDiffSndTime int64
	// ByteRate[i] is the average encoded rate in bytes per second.
	ByteRate []int64
}

// ParseStartupProfile parses an X-StartupProfile value:
// "Rate=10,12;MaxBytes=459,459;Time=0,0;StartTime=3290;LastTime=15120;
// MaxDiffTime=0;MaxDiffSndTime=0;ByteRate=2538,2538;" (the trailing ';' is
// optional here). The per-rate lists must have equal lengths and hold at
// most MaxStartupRates values, each at most 2^32 in magnitude; a malformed
// value is an error wrapping ErrMalformed.
func ParseStartupProfile(s string) (*StartupProfile, error) {
	p := &StartupProfile{}
	seen := map[string]bool{}
	for _, item := range strings.Split(s, ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, val, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("%w: X-StartupProfile item %q has no '='", ErrMalformed, item)
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if seen[name] {
			return nil, fmt.Errorf("%w: X-StartupProfile repeats %s", ErrMalformed, name)
		}
		seen[name] = true
		var err error
		switch name {
		case "rate":
			var v []int64
			v, err = int64List(val, false)
			for _, r := range v {
				if r < 10 || r > 1000 {
					err = fmt.Errorf("rate %d out of range 10..1000", r)
					break
				}
				p.Rate = append(p.Rate, int(r))
			}
		case "maxbytes":
			p.MaxBytes, err = int64List(val, false)
		case "time":
			p.Time, err = int64List(val, false)
		case "byterate":
			p.ByteRate, err = int64List(val, false)
		case "starttime":
			p.StartTime, err = int64One(val, false)
		case "lasttime":
			p.LastTime, err = int64One(val, false)
		case "maxdifftime":
			p.MaxDiffTime, err = int64One(val, false)
		case "maxdiffsndtime":
			p.MaxDiffSndTime, err = int64One(val, true)
		default:
			// Unknown parameters are ignored (2.2.1).
		}
		if err != nil {
			return nil, fmt.Errorf("%w: X-StartupProfile %s: %v", ErrMalformed, name, err)
		}
	}
	n := len(p.Rate)
	if n == 0 {
		return nil, fmt.Errorf("%w: X-StartupProfile has no Rate", ErrMalformed)
	}
	if len(p.MaxBytes) != n || len(p.ByteRate) != n || (p.Time != nil && len(p.Time) != n) {
		return nil, fmt.Errorf("%w: X-StartupProfile lists differ in length", ErrMalformed)
	}
	return p, nil
}

func int64List(s string, signed bool) ([]int64, error) {
	parts := strings.Split(s, ",")
	if len(parts) > MaxStartupRates {
		return nil, fmt.Errorf("more than %d values", MaxStartupRates)
	}
	out := make([]int64, 0, len(parts))
	for _, p := range parts {
		v, err := int64One(p, signed)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func int64One(s string, signed bool) (int64, error) {
	s = strings.TrimSpace(s)
	if len(s) > 11 {
		return 0, fmt.Errorf("value %q too long", s)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || (!signed && v < 0) || v > 1<<32 || v < -(1<<32) {
		return 0, fmt.Errorf("bad value %q", s)
	}
	return v, nil
}

// String renders the header value in the 2.2.1.12 layout.
func (p *StartupProfile) String() string {
	list := func(v []int64) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = strconv.FormatInt(x, 10)
		}
		return strings.Join(s, ",")
	}
	rates := make([]int64, len(p.Rate))
	for i, r := range p.Rate {
		rates[i] = int64(r)
	}
	times := p.Time
	if times == nil {
		times = make([]int64, len(p.Rate))
	}
	return fmt.Sprintf("Rate=%s;MaxBytes=%s;Time=%s;StartTime=%d;LastTime=%d;MaxDiffTime=%d;MaxDiffSndTime=%d;ByteRate=%s;",
		list(rates), list(p.MaxBytes), list(times), p.StartTime, p.LastTime, p.MaxDiffTime, p.MaxDiffSndTime, list(p.ByteRate))
}

// StartupBuffer returns how much content must be buffered before rendering
// can start without underflow when the server delivers at factor × the
// content rate (MS-MSSOD "Advanced fast start"): MaxBytes of the largest
// candidate rate not above factor, converted to time with its ByteRate
// and rounded up to the millisecond. ok is false when factor is below
// every candidate (no acceleration: buffer the full preroll).
func (p *StartupProfile) StartupBuffer(factor float64) (d time.Duration, ok bool) {
	best := -1
	for i, r := range p.Rate {
		if float64(r) <= factor*10+1e-9 && (best < 0 || r > p.Rate[best]) {
			best = i
		}
	}
	if best < 0 || p.ByteRate[best] <= 0 {
		return 0, false
	}
	ms := (p.MaxBytes[best]*1000 + p.ByteRate[best] - 1) / p.ByteRate[best]
	return time.Duration(ms) * time.Millisecond, true
}
