package rtsptest

import (
	"errors"
	"testing"
	"time"
)

// rangeCases are Range values as clients write them (MS-RTSP 2.2.6.7,
// 2.2.7.9's "npt=0.000-", RFC 2326 §3.6).
var rangeCases = []struct {
	in     string
	want   playRange
	hasErr bool
}{
	{"npt=0.000-", playRange{}, false},
	{"npt=3.5-", playRange{start: 3500 * time.Millisecond}, false},
	{"npt=12.345-20", playRange{start: 12345 * time.Millisecond}, false},
	{"npt=1:02:03.5-", playRange{start: time.Hour + 2*time.Minute + 3500*time.Millisecond}, false},
	{"npt=now-", playRange{}, false},
	{"x-asf-packet=42-", playRange{packet: 42, hasPacket: true}, false},
	{"x-asf-packet=18446744073709551614-", playRange{packet: 18446744073709551614, hasPacket: true}, false},
	{"npt=4294967.295-", playRange{start: 4294967295 * time.Millisecond}, false},
	{"npt=4294967.296-", playRange{}, true},
	{"npt=99999999999-", playRange{}, true},
	{"npt=1:60:00-", playRange{}, true},
	{"npt=-5", playRange{}, true},
	{"npt=1.-", playRange{}, true},
	{"npt=a-", playRange{}, true},
	{"clock=19961108T143720.25Z-", playRange{}, true},
	{"npt=5", playRange{}, true},
	{"x-asf-packet=-1-", playRange{}, true},
	{"", playRange{}, true},
}

func TestParseRange(t *testing.T) {
	for _, c := range rangeCases {
		got, err := parseRange(c.in)
		if (err != nil) != c.hasErr || got != c.want {
			t.Errorf("parseRange(%q) = %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.hasErr)
		}
		if err != nil && !errors.Is(err, errSyntax) {
			t.Errorf("parseRange(%q): %v does not wrap errSyntax", c.in, err)
		}
	}
}

// accelCases are X-Accelerate-Streaming values (MS-RTSP 2.2.6.13; the
// first is 2.2.7.9's example).
var accelCases = []struct {
	in     string
	want   accel
	hasErr bool
}{
	{"AccelDuration=8000;AccelBandwidth=1024128", accel{8000, 1024128}, false},
	{"accelbandwidth=5; AccelDuration=0", accel{0, 5}, false},
	{"AccelDuration=4294967295;AccelBandwidth=4294967295;Other=x", accel{4294967295, 4294967295}, false},
	{"AccelDuration=4294967296;AccelBandwidth=1", accel{}, true},
	{"AccelDuration=8000", accel{}, true},
	{"AccelDuration=-1;AccelBandwidth=1", accel{}, true},
	{"", accel{}, true},
}

func TestParseAccel(t *testing.T) {
	for _, c := range accelCases {
		got, err := parseAccel(c.in)
		if (err != nil) != c.hasErr || got != c.want {
			t.Errorf("parseAccel(%q) = %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.hasErr)
		}
		if err == nil {
			if back, err := parseAccel(got.String()); err != nil || back != got {
				t.Errorf("parseAccel(%q) does not read back: %+v, %v", got.String(), back, err)
			}
		}
	}
}

func TestParseScale(t *testing.T) {
	for in, want := range map[string]float64{"1.0": 1, " 2 ": 2, "-1.5": -1.5} {
		if got, err := parseScale(in); err != nil || got != want {
			t.Errorf("parseScale(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "NaN", "Inf", "1e9", "x"} {
		if _, err := parseScale(in); err == nil {
			t.Errorf("parseScale(%q) accepted", in)
		}
	}
}

// FuzzParseRange: any input parses to a position within ASF's 32-bit
// millisecond range, or fails with errSyntax; never a panic.
func FuzzParseRange(f *testing.F) {
	for _, c := range rangeCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseRange(s)
		if err != nil {
			if !errors.Is(err, errSyntax) {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if r.start < 0 || r.start > maxNPT || (r.hasPacket && r.start != 0) {
			t.Fatalf("%q: %+v", s, r)
		}
	})
}

// FuzzParseAccel: what parses renders and parses back to the same values.
func FuzzParseAccel(f *testing.F) {
	for _, c := range accelCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseAccel(s)
		if err != nil {
			if !errors.Is(err, errSyntax) {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if b, err := parseAccel(a.String()); err != nil || b != a {
			t.Fatalf("%q → %q → %+v, %v", s, a.String(), b, err)
		}
	})
}
