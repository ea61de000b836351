package rtsp

import "testing"

// remoteLogCases are Cache-Control values and whether they subscribe to
// remote-log (MS-RTSP 2.2.6.2.10: x-wms-event-subscription=%x22 log-event
// *2("," log-event) %x22; the first is [MS-WMSP]'s example header).
var remoteLogCases = []struct {
	values []string
	want   bool
}{
	{[]string{`no-cache, x-wms-content-size=638066, x-wms-event-subscription="remote-log"`}, true},
	{[]string{`no-cache`, `X-WMS-Event-Subscription="remote-open,remote-close,remote-log"`}, true},
	{[]string{`x-wms-event-subscription="remote-open, remote-close", must-revalidate`}, false},
	{[]string{`x-wms-event-subscription=remote-log`}, true},
	{[]string{`x-wms-event-subscription="remote-log`}, false},
	{[]string{`no-cache, x-wms-event-subscription=""`}, false},
	{[]string{`remote-log`}, false},
	{nil, false},
}

func TestRemoteLogSubscribed(t *testing.T) {
	for _, c := range remoteLogCases {
		if got := remoteLogSubscribed(c.values); got != c.want {
			t.Errorf("%q: %v, want %v", c.values, got, c.want)
		}
	}
}

// FuzzRemoteLogSubscribed: any Cache-Control value is read to its end
// without a panic or a loop.
func FuzzRemoteLogSubscribed(f *testing.F) {
	for _, c := range remoteLogCases {
		for _, v := range c.values {
			f.Add(v)
		}
	}
	f.Fuzz(func(t *testing.T, v string) {
		remoteLogSubscribed([]string{v})
	})
}
