package rtsptest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// errSyntax reports a header the server cannot read.
var errSyntax = errors.New("rtsptest: bad header syntax")

// maxNPT bounds an npt position: ASF times are 32-bit milliseconds.
const maxNPT = time.Duration(math.MaxUint32) * time.Millisecond

// playRange is the start of a PLAY's Range header (MS-RTSP 2.2.6.7):
// npt, or an ASF packet number (x-asf-packet).
type playRange struct {
	start     time.Duration
	packet    uint64
	hasPacket bool
}

// parseRange parses "npt=<start>-[<end>]" (RFC 2326 §3.6: seconds with a
// fraction, or h:mm:ss[.frac]) or "x-asf-packet=<n>-[<m>]" (MS-RTSP
// 2.2.6.7). The end is checked and ignored: the server plays to the end.
func parseRange(v string) (playRange, error) {
	v = strings.TrimSpace(v)
	unit, spec, ok := strings.Cut(v, "=")
	if !ok {
		return playRange{}, fmt.Errorf("%w: Range %q", errSyntax, v)
	}
	start, end, ok := strings.Cut(spec, "-")
	if !ok {
		return playRange{}, fmt.Errorf("%w: Range %q has no '-'", errSyntax, v)
	}
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "npt":
		t, err := parseNPT(start)
		if err != nil {
			return playRange{}, err
		}
		if end = strings.TrimSpace(end); end != "" {
			if _, err := parseNPT(end); err != nil {
				return playRange{}, err
			}
		}
		return playRange{start: t}, nil
	case "x-asf-packet":
		n, err := strconv.ParseUint(strings.TrimSpace(start), 10, 64)
		if err != nil || len(strings.TrimSpace(start)) > 20 {
			return playRange{}, fmt.Errorf("%w: Range %q", errSyntax, v)
		}
		return playRange{packet: n, hasPacket: true}, nil
	}
	return playRange{}, fmt.Errorf("%w: Range unit in %q", errSyntax, v)
}

// parseNPT parses one npt-time: "now" (0 here), seconds with an optional
// fraction, or h:mm:ss with one.
func parseNPT(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "now" {
		return 0, nil
	}
	parts := strings.Split(s, ":")
	if len(parts) != 1 && len(parts) != 3 {
		return 0, fmt.Errorf("%w: npt %q", errSyntax, s)
	}
	var total time.Duration
	for i, p := range parts {
		last := i == len(parts)-1
		whole, frac, hasFrac := strings.Cut(p, ".")
		if whole == "" || len(whole) > 10 || (hasFrac && (!last || frac == "")) || !digits(whole) || !digits(frac) {
			return 0, fmt.Errorf("%w: npt %q", errSyntax, s)
		}
		n, _ := strconv.ParseUint(whole, 10, 64)
		unit := time.Second
		if len(parts) == 3 {
			unit = [...]time.Duration{time.Hour, time.Minute, time.Second}[i]
			if i > 0 && n >= 60 {
				return 0, fmt.Errorf("%w: npt %q", errSyntax, s)
			}
		}
		if n > uint64(maxNPT/unit) {
			return 0, fmt.Errorf("%w: npt %q beyond %v", errSyntax, s, maxNPT)
		}
		total += time.Duration(n) * unit
		if hasFrac {
			if len(frac) > 9 {
				frac = frac[:9]
			}
			f, _ := strconv.ParseUint(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
			total += time.Duration(f)
		}
		if total > maxNPT {
			return 0, fmt.Errorf("%w: npt %q beyond %v", errSyntax, s, maxNPT)
		}
	}
	return total, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// accel is X-Accelerate-Streaming (MS-RTSP 2.2.6.13): AccelDuration in
// ms of media, AccelBandwidth in bits per second, each 0..2^32-1.
type accel struct {
	duration, bandwidth uint32
}

// parseAccel parses "AccelDuration=<ms>;AccelBandwidth=<bps>" (names in
// any case, any order; unknown parameters ignored, 2.2.6). Both values
// must be present.
func parseAccel(v string) (accel, error) {
	var a accel
	var hasD, hasB bool
	for _, p := range strings.Split(v, ";") {
		name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		n, err := strconv.ParseUint(val, 10, 32)
		if err != nil || len(val) > 10 {
			if strings.EqualFold(name, "AccelDuration") || strings.EqualFold(name, "AccelBandwidth") {
				return accel{}, fmt.Errorf("%w: X-Accelerate-Streaming %q", errSyntax, v)
			}
			continue
		}
		switch {
		case strings.EqualFold(name, "AccelDuration"):
			a.duration, hasD = uint32(n), true
		case strings.EqualFold(name, "AccelBandwidth"):
			a.bandwidth, hasB = uint32(n), true
		}
	}
	if !hasD || !hasB {
		return accel{}, fmt.Errorf("%w: X-Accelerate-Streaming %q", errSyntax, v)
	}
	return a, nil
}

// String renders the header value.
func (a accel) String() string {
	return fmt.Sprintf("AccelDuration=%d;AccelBandwidth=%d", a.duration, a.bandwidth)
}

// parseScale parses Scale or Speed (RFC 2326 §12.34, §12.35): a decimal
// number, finite, within ±1000.
func parseScale(v string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1000 {
		return 0, fmt.Errorf("%w: scale %q", errSyntax, v)
	}
	return f, nil
}
