package playlist

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

var errClock = errors.New("not [[hh:]mm:]ss[.fract]")

// ParseClock parses a DURATION or STARTTIME VALUE, [[hh:]mm:]ss[.fract]
// (Windows Media Metafile Elements Reference, DURATION; sstr-asf digest
// 3.1): "30" is 30 s, "1:01.5" 61.5 s, "01:00:00" an hour. Minutes and
// seconds below a larger field must be under 60; the fraction keeps
// nanoseconds (further digits are dropped). A value that does not fit a
// time.Duration is an error, never a wrapped one.
func ParseClock(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	parts := strings.Split(s, ":")
	if len(parts) > 3 || s == "" {
		return 0, fmt.Errorf("%s: %w", quoteShort(s), errClock)
	}
	last := parts[len(parts)-1]
	secs, fract, hasFract := strings.Cut(last, ".")
	parts[len(parts)-1] = secs
	var fields [3]int64 // hours, minutes, seconds
	off := 3 - len(parts)
	for i, p := range parts {
		n, ok := parseDigits(p)
		if !ok {
			return 0, fmt.Errorf("%s: %w", quoteShort(s), errClock)
		}
		fields[off+i] = n
	}
	if hasFract && fract == "" {
		return 0, fmt.Errorf("%s: %w", quoteShort(s), errClock)
	}
	var ns int64
	for i := 0; i < len(fract); i++ {
		c := fract[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%s: %w", quoteShort(s), errClock)
		}
		if i < 9 {
			ns = ns*10 + int64(c-'0')
		}
	}
	for i := len(fract); i < 9; i++ {
		ns *= 10
	}
	if len(parts) >= 2 && fields[2] >= 60 || len(parts) == 3 && fields[1] >= 60 {
		return 0, fmt.Errorf("%s: %w (minutes and seconds must be under 60)", quoteShort(s), errClock)
	}
	total := int64(0)
	for i, unit := range []int64{int64(time.Hour), int64(time.Minute), int64(time.Second)} {
		v := fields[i]
		if v > (math.MaxInt64-total)/unit {
			return 0, fmt.Errorf("%s: too long", quoteShort(s))
		}
		total += v * unit
	}
	if ns > math.MaxInt64-total {
		return 0, fmt.Errorf("%s: too long", quoteShort(s))
	}
	return time.Duration(total + ns), nil
}

// parseDigits reads a non-empty run of ASCII digits, failing on overflow.
func parseDigits(p string) (int64, bool) {
	if p == "" || len(p) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// FormatClock writes d as hh:mm:ss[.fffffffff], the form ParseClock reads.
func FormatClock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	h := d / time.Hour
	m := (d % time.Hour) / time.Minute
	sec := (d % time.Minute) / time.Second
	ns := d % time.Second
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
	if ns != 0 {
		out += strings.TrimRight(fmt.Sprintf(".%09d", ns), "0")
	}
	return out
}
