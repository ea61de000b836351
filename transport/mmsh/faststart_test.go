package mmsh_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// TestPacketPairBandwidth: the Describe asks for the packet-pair
// experiment, the server sends three $P with the second delayed as on a
// slow link, and the client measures the bottleneck from the first two
// (3.1.5.6) and reports it as LinkBW in the Play (2.2.1.4.9).
func TestPacketPairBandwidth(t *testing.T) {
	const gap = 40 * time.Millisecond // 512 bytes in 40 ms ≈ 102 kbit/s
	srv := server(t, mmshtest.Options{PairGap: gap}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d := &mmsh.Dialer{DisablePipelining: true}
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	desc := srv.RequestsOf("Describe")[0]
	if !desc.Pragma.Flag("packet-pair-experiment") || !strings.HasPrefix(desc.Get("Supported"), "com.microsoft.wm.srvppair") {
		t.Fatalf("Describe without the packet-pair request: %v / %q", desc.PragmaLines(), desc.Get("Supported"))
	}
	bw := s.Stats().BandwidthBps
	want := int64(512 * 8 * time.Second / gap)
	if bw < want/2 || bw > want*3/2 {
		t.Fatalf("measured %d bit/s, want about %d", bw, want)
	}
	play(t, s, nil)
	p := srv.RequestsOf("Play")[0]
	link, ok, _ := p.Pragma.Uint32("LinkBW")
	if !ok || int64(link) != bw {
		t.Errorf("LinkBW %d (ok %v), measured %d", link, ok, bw)
	}
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
}

// TestFastStartTokens: AccelBW/AccelDuration follow the buffer target and
// the link bandwidth: B·k/(k−1) of media at the link rate, k = link /
// content rate (2.2.1.4.1, 2.2.1.4.2); the server's grant and the B bit
// mark the session as fast-started.
func TestFastStartTokens(t *testing.T) {
	cases := []struct {
		name      string
		bandwidth int64
		target    time.Duration
		want      string
	}{
		// c_wmav2.wma is 64 kbit/s; link 128 kbit/s ⇒ k=2 ⇒ 2·B.
		{"link 2x", 128000, 5 * time.Second, "LinkBW=128000, AccelBW=128000, AccelDuration=10000"},
		// k=4 ⇒ 4/3·B.
		{"link 4x", 256000, 3 * time.Second, "LinkBW=256000, AccelBW=256000, AccelDuration=4000"},
		// Too slow to accelerate: only LinkBW.
		{"link at rate", 64000, 5 * time.Second, "LinkBW=64000"},
		// Unknown link: as fast as possible for twice the target.
		{"unknown link", 0, 4 * time.Second, "AccelBW=2147483647, AccelDuration=8000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
			s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{Bandwidth: c.bandwidth, BufferTarget: c.target})
			play(t, s, nil)
			var got string
			for _, l := range srv.RequestsOf("Play")[0].PragmaLines() {
				if strings.Contains(l, "LinkBW") || strings.Contains(l, "AccelBW") {
					got = l
				}
			}
			if got != c.want {
				t.Errorf("fast start line %q, want %q", got, c.want)
			}
			if _, err := readAll(t, s); err != nil {
				t.Fatal(err)
			}
			if fs := s.Stats().FastStart; fs != strings.Contains(c.want, "AccelBW") {
				t.Errorf("FastStart %v", fs)
			}
		})
	}
}

// TestAdvancedFastStart: with com.microsoft.wm.startupprofile in
// Supported, the server's X-StartupProfile tells how much to buffer before
// rendering; the session offers it through transport.StartupAdvisor.
func TestAdvancedFastStart(t *testing.T) {
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "wmav2_20s.wma")})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{Bandwidth: 128000, BufferTarget: 5 * time.Second})
	adv, ok := s.(transport.StartupAdvisor)
	if !ok {
		t.Fatal("session is not a StartupAdvisor")
	}
	play(t, s, nil)
	d, ok := adv.StartupBuffer()
	if !ok || d <= 0 || d >= 5*time.Second {
		t.Fatalf("startup buffer %v %v, want a positive amount below the 5 s target", d, ok)
	}
	if !strings.Contains(srv.RequestsOf("Play")[0].Get("Supported"), mmsh.SupportStartupProfile) {
		t.Error("Play does not list startupprofile")
	}
}

// TestSpeedOnlyWithFastCache: Speed is sent only to servers that list
// com.microsoft.wm.fastcache (3.1.4.3.1 item 52), and then predstrm is
// left out of Supported (<60>).
func TestSpeedOnlyWithFastCache(t *testing.T) {
	for _, fc := range []bool{true, false} {
		opts := mmshtest.Options{}
		if !fc {
			opts.Supported = []string{mmsh.SupportSrvPPair, mmsh.SupportSSwitch, mmsh.SupportPredStrm}
		}
		srv := server(t, opts, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
		d := baseDialer()
		d.FastCacheSpeed = 4
		s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
		play(t, s, nil)
		p := srv.RequestsOf("Play")[0]
		v, has := p.Token("Speed")
		if has != fc || (fc && v != "4.000") {
			t.Errorf("fastcache %v: Speed %q %v", fc, v, has)
		}
		if fc && strings.Contains(p.Get("Supported"), mmsh.SupportPredStrm) {
			t.Errorf("predstrm listed with Speed")
		}
		if _, err := readAll(t, s); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRemoteLogSendEvent: Speed used and the server subscribed to
// remote-log events ⇒ a streaming Log plus a SendEvent with a rendering
// log (3.1.4.6, 3.1.4.8, 2.2.5).
func TestRemoteLogSendEvent(t *testing.T) {
	srv := server(t, mmshtest.Options{AdvertiseRemoteLog: true}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d := baseDialer()
	d.FastCacheSpeed = 5
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "SendEvent", func() bool { return len(srv.RequestsOf("SendEvent")) == 1 })
	ev := srv.RequestsOf("SendEvent")[0]
	body := string(ev.Body)
	if !strings.HasPrefix(body, "1\r\n1,30,0\r\n") || ev.Get("Content-Type") != "application/x-wms-sendevent" {
		t.Fatalf("SendEvent %q", body[:min(40, len(body))])
	}
	re, err := mmsh.ParseRemoteEvent(ev.Body)
	if err != nil {
		t.Fatal(err)
	}
	if re.Type != mmsh.EventRemoteLog || len(re.Descriptions) != 2 {
		t.Fatalf("event %+v", re)
	}
	first, second := &re.Descriptions[0], &re.Descriptions[1]
	if v, _ := first.Get("context-type"); v != "2" {
		t.Errorf("first context-type %q", v)
	}
	if v, _ := first.Get("WMS_USER_GUID"); !strings.HasPrefix(v, "{") {
		t.Errorf("WMS_USER_GUID %q", v)
	}
	if v, _ := second.Get("context-type"); v != "5" {
		t.Errorf("second context-type %q", v)
	}
	if v, _ := second.Get("@WMS_COMMAND_CONTEXT_URL"); !strings.HasSuffix(v, "/a.wma") {
		t.Errorf("context URL %q", v)
	}
	if v, _ := second.Get("@.REMOTE_LOG"); !strings.Contains(v, "<protocol>Cache</protocol>") {
		t.Errorf("remote log is not a rendering log: %.80q", v)
	}
	lg := srv.RequestsOf("Log")[0]
	if !strings.Contains(string(lg.Body), "<audiocodec>-</audiocodec>") {
		t.Errorf("the Log is not a streaming log (audiocodec should be -)")
	}
}

var _ = strconv.Itoa
