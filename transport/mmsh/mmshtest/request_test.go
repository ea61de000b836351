package mmshtest

import (
	"bufio"
	"strings"
	"testing"
)

// TestSpecRequestVectors: the server reads requests with the client's own
// Pragma parser (mmsh.ParsePragma), so a mistake in it would be made on
// both sides and no session test would see it. The example requests of
// [MS-WMSP] 2.2.2.1–2.2.2.10 (as the digest's D4 copies them, lines the
// document wraps re-joined) must be classified as the section says
// (2.2.2.x: the tokens that make each request type) and carry the token
// values written here by hand from the example text.
func TestSpecRequestVectors(t *testing.T) {
	tests := []struct {
		name, text, kind string
		tokens           map[string]string
	}{
		{"Describe 2.2.2.1", `GET /welcome HTTP/1.1
Accept: */*
User-Agent: NSPlayer/12.0.7680.0
Host: SampleServer
X-Accept-Authentication: Negotiate, NTLM, Digest, Basic
Pragma: version11-enabled=1
Pragma: no-cache,rate=1.000,stream-time=0,stream-offset=0:0,packet-num=4294967295,max-duration=0
Pragma: packet-pair-experiment=1
Pragma: pipeline-experiment=1
Supported: com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.startupprofile
Pragma: xClientGUID={52CB2BDB-6925-4E19-8D1D-62D10E9E2705}
Accept-Language: en-US, *;q=0.1
`, "Describe", map[string]string{"version11-enabled": "1", "no-cache": "", "rate": "1.000", "stream-time": "0",
			"stream-offset": "0:0", "packet-num": "4294967295", "max-duration": "0", "packet-pair-experiment": "1",
			"pipeline-experiment": "1", "xClientGUID": "{52CB2BDB-6925-4E19-8D1D-62D10E9E2705}"}},
		{"KeepAlive 2.2.2.3.1", `POST http://content.microsoft.net/movies/sampleMovie.asf HTTP/1.0
Accept: */*
User-Agent: NSPlayer/10.0.0.3802
Host: SampleServer
Pragma: xClientGUID={11223344-1122-1122-1122-AABBCCDDEEFF}
X-Accept-Authentication: Negotiate, NTLM, Digest, Basic
Pragma: xKeepAliveInPause=1
Pragma: client-id=4259367329
Content-Length: 0
Connection: Keep-Alive
`, "KeepAlive", map[string]string{"xKeepAliveInPause": "1", "client-id": "4259367329", "xClientGUID": "{11223344-1122-1122-1122-AABBCCDDEEFF}"}},
		{"KeepAlive 2.2.2.3.2 (OPTIONS)", `OPTIONS * HTTP/1.1
User-Agent: NSPlayer/9.0.0.1234
Host: SampleServer
Pragma: client-id=3333510490
`, "KeepAlive", map[string]string{"client-id": "3333510490"}},
		{"Log 2.2.2.4", `POST /log2 HTTP/1.1
Accept: */*
User-Agent: NSPlayer/12.0.7724.0
Host: SampleServer
Pragma: xClientGUID={BFE16E37-55EC-4AE4-A5A9-0B0D307F4B72}
X-Accept-Authentication: Negotiate, NTLM, Digest, Basic
Pragma: client-id=2338761264
Content-Length: 0
Content-Type: application/x-wms-LogStats;charset=UTF-8
`, "Log", map[string]string{"client-id": "2338761264"}},
		// log-line takes its whole line, commas included (2.2.1.4.10).
		{"Log with log-line 2.2.1.4.10", `POST /a.wma HTTP/1.1
User-Agent: NSPlayer/4.1.0.3856
Pragma: no-cache
Pragma: client-id=1
Pragma: log-line=0.0.0.0 2003-09-27 00:27:24 - http://a/b,c.wma 0 42 1
Content-Length: 0
`, "Log", map[string]string{"client-id": "1", "log-line": "0.0.0.0 2003-09-27 00:27:24 - http://a/b,c.wma 0 42 1"}},
		{"Pipeline 2.2.2.5", `GET /audio HTTP/1.1
Accept: */*
User-Agent: NSPlayer/12.0.7680.0
Host: SampleServer
Pragma: no-cache
Pragma: pipeline-request=1
Pragma: client-id=297067864
Connection: keep-alive
`, "Pipeline", map[string]string{"pipeline-request": "1", "client-id": "297067864"}},
		{"Play 2.2.2.6", `GET /welcome HTTP/1.1
Accept: */*
User-Agent: NSPlayer/12.0.7724.0
Host: SampleServer
X-Accept-Authentication: Negotiate, NTLM, Digest, Basic
Pragma: version11-enabled=1
Pragma: no-cache,rate=1.000,stream-time=0,stream-offset=4294967295:4294967295,packet-num=4294967295,max-duration=0
Pragma: xPlayStrm=1
Pragma: client-id=2338761264
Pragma: LinkBW=2147483647, AccelBW=2147483647, AccelDuration=18000, Speed=91268.055
Supported: com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.startupprofile
Pragma: playlist-seek-id=64
Pragma: xClientGUID={BFE16E37-55EC-4AE4-A5A9-0B0D307F4B72}
Pragma: stream-switch-count=2
Pragma: stream-switch-entry=ffff:1:0 ffff:2:0
Accept-Language: en-us, *;q=0.1
`, "Play", map[string]string{"xPlayStrm": "1", "stream-offset": "4294967295:4294967295", "LinkBW": "2147483647",
			"AccelBW": "2147483647", "AccelDuration": "18000", "Speed": "91268.055", "playlist-seek-id": "64",
			"stream-switch-count": "2", "stream-switch-entry": "ffff:1:0 ffff:2:0"}},
		{"PlayNextEntry 2.2.2.7", `GET /playlist HTTP/1.1
Accept: */*
User-Agent: NSPlayer/12.0.7724.0
Host: SampleServer
X-Accept-Authentication: Negotiate, NTLM, Digest, Basic
Pragma: version11-enabled=1
Pragma: client-id=1427647663
Pragma: xPlayNextEntry=1
Pragma: playlist-seek-id=66
Pragma: no-cache,rate=1.000,stream-time=0,stream-offset=0:0,packet-num=4294967295,max-duration=0
Pragma: client-lag=0
Pragma: LinkBW=2147483647, AccelBW=2147483647, AccelDuration=18000, Speed=6104.070
Supported: com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.startupprofile
Accept-Language: en-us, *,q=0.1
Pragma: stream-switch-count=2
Pragma: stream-switch-entry=ffff:1:0 ffff:2:0
`, "PlayNextEntry", map[string]string{"xPlayNextEntry": "1", "playlist-seek-id": "66", "client-lag": "0",
			"Speed": "6104.070", "stream-switch-entry": "ffff:1:0 ffff:2:0"}},
		{"SelectStream 2.2.2.8 (non-pipelined)", `POST /audio HTTP/1.1
User-Agent: NSPlayer/12.0.7680.0
Host: SampleServer
Pragma: no-cache
Pragma: client-id=297067864
Pragma: xClientGUID={52CB2BDB-6925-4E19-8D1D-62D10E9E2705}
Supported: com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.startupprofile
Pragma: stream-switch-count=1
Pragma: stream-switch-entry=ffff:1:0
Content-Length: 0
`, "SelectStream", map[string]string{"client-id": "297067864", "stream-switch-count": "1", "stream-switch-entry": "ffff:1:0"}},
		{"SendEvent 2.2.2.9", `POST /industrial.wmv HTTP/1.1
Accept: */*
User-Agent: NSPlayer/11.0.5721.5145
Host: SampleServer
Pragma: xClientGUID={3300AD50-2C39-46c0-AE0A-4F6B136D663C}
X-Accept-Authentication: Negotiate, NTLM, Digest, Basic
Content-Length: 0
Content-Type: application/x-wms-sendevent
Pragma: client-id=1953501979
`, "SendEvent", map[string]string{"client-id": "1953501979", "xClientGUID": "{3300AD50-2C39-46c0-AE0A-4F6B136D663C}"}},
		{"Stop 2.2.2.10", `POST /large HTTP/1.1
Accept: */*
User-Agent: NSPlayer/12.0.7724.0
Host: SampleServer
Pragma: xClientGUID={BFE16E37-55EC-4AE4-A5A9-0B0D307F4B72}
X-Accept-Authentication: Negotiate, NTLM, Digest, Basic
Pragma: client-id=2685500263
Pragma: xStopStrm=1
Content-Length: 0
`, "Stop", map[string]string{"client-id": "2685500263", "xStopStrm": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := strings.ReplaceAll(tt.text, "\n", "\r\n") + "\r\n"
			r, err := readRequest(bufio.NewReader(strings.NewReader(raw)))
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind != tt.kind {
				t.Errorf("classified %s, want %s", r.Kind, tt.kind)
			}
			for name, want := range tt.tokens {
				got, ok := r.Token(name)
				if !ok || got != want {
					t.Errorf("%s = %q (present %v), want %q", name, got, ok, want)
				}
			}
		})
	}
	// stream-switch-entry (2.2.1.4.27): hexadecimal stream numbers, "ffff"
	// for "any", thinning 0 on, 2 off; "from:to:0" switches.
	r, err := readRequest(bufio.NewReader(strings.NewReader("POST / HTTP/1.1\r\nPragma: stream-switch-count=3\r\nPragma: stream-switch-entry=ffff:a:0 ffff:2:2 1:b:0\r\n\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	on, off, err := selection(r)
	if err != nil || len(on) != 2 || on[10] != 0 || on[11] != 0 || !off[2] || !off[1] {
		t.Errorf("selection on %v off %v %v", on, off, err)
	}
}
