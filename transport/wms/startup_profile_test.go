package wms

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// startupCases are X-StartupProfile values: the first is the example of
// [MS-WMSP] 2.2.1.12 (the syntax [MS-RTSP] 2.2.6.28 refers to), the
// others as MS-WMSP servers send them.
var startupCases = []string{
	"Rate=10,12,15,20,30;MaxBytes=12874,9407,9086,8551,7482;Time=12512,34,34,34,34;StartTime=1694318962;LastTime=19521;MaxDiffTime=0;MaxDiffSndTime=0;ByteRate=30794,31469,31469,31469,31469;",
	"Rate=10,12,15,20,30;MaxBytes=459,459,459,459,459;Time=0,0,0,0,0;StartTime=3290;LastTime=15120;MaxDiffTime=0;MaxDiffSndTime=0;ByteRate=2538,2538,2538,2538,2538;",
	"Rate=10,12,15,20,30;MaxBytes=50134,1828,1828,1828,1828;Time=10666,0,0,0,0;StartTime=3000;LastTime=17041;MaxDiffTime=7244;MaxDiffSndTime=1341;ByteRate=35665,39318,39318,39318,39318;",
	"Rate=10;MaxBytes=1;Time=0;StartTime=0;LastTime=0;MaxDiffTime=0;MaxDiffSndTime=-40;ByteRate=1;",
}

func TestStartupProfile(t *testing.T) {
	for _, s := range startupCases {
		p, err := ParseStartupProfile(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if p.String() != s {
			t.Errorf("String\n got %s\nwant %s", p.String(), s)
		}
	}
	p, _ := ParseStartupProfile(startupCases[2]) // an MS-WMSP PlayNextEntry response
	if p.StartTime != 3000 || p.MaxDiffSndTime != 1341 || p.Rate[4] != 30 || p.ByteRate[1] != 39318 {
		t.Errorf("%+v", p)
	}
	tests := []struct {
		factor float64
		want   time.Duration
		ok     bool
	}{
		{0.9, 0, false},
		{1.0, 1406 * time.Millisecond, true}, // 50134 B at 35665 B/s
		{1.3, 47 * time.Millisecond, true},   // rate 12: 1828 B at 39318 B/s
		{3.5, 47 * time.Millisecond, true},
	}
	for _, tt := range tests {
		d, ok := p.StartupBuffer(tt.factor)
		if ok != tt.ok || d != tt.want {
			t.Errorf("StartupBuffer(%v) = %v %v, want %v %v", tt.factor, d, ok, tt.want, tt.ok)
		}
	}
	for _, bad := range []string{
		"", "Rate=10", "Rate=10;MaxBytes=1,2;ByteRate=1", "Rate=x;MaxBytes=1;ByteRate=1",
		"Rate=5;MaxBytes=1;ByteRate=1", "Rate=10;Rate=10;MaxBytes=1;ByteRate=1", "junk",
		"Rate=10;MaxBytes=-1;ByteRate=1",
	} {
		if _, err := ParseStartupProfile(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzParseStartupProfile(f *testing.F) {
	for _, s := range startupCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseStartupProfile(s)
		if err != nil {
			return
		}
		q, err := ParseStartupProfile(p.String())
		if err != nil || !reflect.DeepEqual(p.Rate, q.Rate) || !reflect.DeepEqual(p.MaxBytes, q.MaxBytes) {
			t.Fatalf("round trip %q: %v", p.String(), err)
		}
		for _, f := range []float64{0, 1, 1.5, 10} {
			if d, ok := p.StartupBuffer(f); ok && d < 0 {
				t.Fatalf("negative buffer")
			}
		}
	})
}
