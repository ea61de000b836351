package mmsh

import (
	"testing"

	"github.com/eddyplayer/eddy/transport/wms"
)

func TestStreamEntries(t *testing.T) {
	// Hexadecimal stream numbers (2.2.1.4.27, D5 10): 10 is "a".
	es := completeSelection([]int{1, 2, 10, 127}, map[int]bool{1: true, 10: true})
	if got := formatEntries(es); got != "ffff:1:0 ffff:2:2 ffff:a:0 ffff:7f:2" {
		t.Errorf("complete selection %q", got)
	}
	groups := [][]int{{3, 4, 5}}
	old := map[int]bool{1: true, 3: true}
	cases := []struct {
		next map[int]bool
		want string
	}{
		{map[int]bool{1: true, 5: true}, "3:5:0"},             // a switch inside an MBR group
		{map[int]bool{2: true, 3: true}, "ffff:1:2 ffff:2:0"}, // unrelated streams: off and on
		{map[int]bool{1: true}, "ffff:3:2"},
		{map[int]bool{1: true, 3: true, 11: true}, "ffff:b:0"},
	}
	for _, c := range cases {
		if got := formatEntries(changedSelection(old, c.next, groups)); got != c.want {
			t.Errorf("%v -> %v: %q, want %q", old, c.next, got, c.want)
		}
	}
}

func TestPositionTokens(t *testing.T) {
	if got := atTime(1500).offsetToken(); got != "stream-offset=4294967295:4294967295" {
		t.Errorf("%q", got)
	}
	if got := atPacket(3, 5<<32|1234).offsetToken(); got != "stream-offset=5:1234" {
		t.Errorf("%q", got)
	}
	for r, want := range map[float64]string{1: "1.000", -5: "-5.000", 2.5: "2.500", 0: "1.000"} {
		if got := formatRate(r); got != want {
			t.Errorf("rate %v: %q", r, got)
		}
	}
}

func TestViaHTTP10(t *testing.T) {
	for v, want := range map[string]bool{
		"1.0 fred, 1.1 nowhere.com": true,
		"HTTP/1.0 WMCacheProxy":     true,
		"1.1 proxy":                 false,
		"":                          false,
	} {
		if got := viaHTTP10([]string{v}); got != want {
			t.Errorf("Via %q: %v", v, got)
		}
	}
}

func TestURLHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"mmsh://host/a.wma":      "http://host/a.wma",
		"mms://host:1755/live":   "http://host/live",
		"mms://host:8080/live":   "http://host:8080/live",
		"http://h:81/x?y=1#frag": "http://h:81/x?y=1",
		"mmsh://[::1]:1234":      "http://[::1]:1234/",
	} {
		u, err := httpURL(in)
		if err != nil || u.String() != want {
			t.Errorf("httpURL(%q) = %v %v, want %s", in, u, err, want)
		}
	}
	for _, bad := range []string{"rtsp://h/x", "mmsh:///x", "::"} {
		if _, err := httpURL(bad); err == nil {
			t.Errorf("httpURL(%q) accepted", bad)
		}
	}
	if got := userAgent("Eddy/0.1"); got != "NSPlayer/12.0.7724.0 Eddy/0.1" {
		t.Errorf("userAgent %q", got)
	}
	if got := userAgent("NSPlayer/9.0.0.2980"); got != "NSPlayer/9.0.0.2980" {
		t.Errorf("userAgent %q", got)
	}
	g := wms.NewGUID()
	if !validGUID(g) || validGUID("{abc}") || !validGUID("{3300AD50-2C39-46c0-AE0A-4F6B136D663C}") {
		t.Errorf("GUID %q", g)
	}
}

// TestAnonymousID: the privacy form of c-playerid keeps Windows Media
// Player's fixed prefix and differs per session (MS-WMLOG 2.1.18).
func TestAnonymousID(t *testing.T) {
	if a, b := anonymousID(), anonymousID(); !validGUID(a) || a == b || a[:25] != "{3300AD50-2C39-46c0-AE0A-" {
		t.Errorf("anonymousID %q %q", a, b)
	}
}
