package mmsh_test

import (
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/wmlog"
)

// TestPlayLogFields checks the measured fields of the play logs (MS-WMLOG
// 2.1) against what the fake server itself sent and left out. The server
// streams the audio of a video file at rate 5 from 2 s, leaving out the
// packets with nothing of the audio (their LocationIds are lost for the
// client, 2.2.3.1.2), and holds after 10 packets for 2 s of the virtual
// clock (a testing/synctest bubble): receiving took 2 s. c-bytes and
// c-pkts-received are what the server sent, the loss fields what it left
// out (over TCP nothing is recovered: lost-client = lost-net), avgbandwidth
// its bytes over the 2 s, c-starttime and c-rate the position and rate it
// streamed, c-buffercount 1 (the buffering before playing; no rebuffer),
// x-duration the span of media delivered (legacy log) or the 2 s of
// receiving (streaming log, with a rendering log in a SendEvent: c-ip "-",
// x-duration the media rendered).
func TestPlayLogFields(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		name := "legacy"
		if streaming {
			name = "streaming"
		}
		t.Run(name, func(t *testing.T) {
			c := fileContent(t, "d_wmv2_wmav2.wmv")
			c.Stridable = true
			synctest.Test(t, func(t *testing.T) { testPlayLogFields(t, c, streaming) })
		})
	}
}

func testPlayLogFields(t *testing.T, c *mmshtest.Content, streaming bool) {
	d := baseDialer()
	srv := pipeServer(t, mmshtest.Options{SkipEmpty: true, AdvertiseRemoteLog: streaming, Faults: mmshtest.Faults{HoldAfter: 10}},
		map[string]*mmshtest.Content{"/a.wmv": c}, d)
	if streaming {
		// Speed on a server subscribed to remote-log: the Log is a
		// streaming log (MS-WMSP 3.1.4.6).
		d.FastCacheSpeed = 5
	}
	s := dial(t, d, srv.URL+"/a.wmv", transport.Config{Timeout: time.Minute})
	audio := 0
	for _, tr := range s.Info().Tracks {
		if tr.Type == transport.Audio {
			audio = tr.ID
		}
	}
	if err := s.Select(ctxT(t), []int{audio}); err != nil {
		t.Fatal(err)
	}
	if err := s.(transport.RatePlayer).PlayRate(ctxT(t), 2*time.Second, 5); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	if n := s.Stats().PacketsReceived; n != 10 {
		t.Fatalf("%d packets before the hold, want 10", n)
	}
	time.Sleep(2 * time.Second)
	srv.Release()
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	if n := len(srv.RequestsOf("Log")); n != 1 {
		t.Fatalf("%d Logs, want 1", n)
	}
	lg, err := wmlog.ParseXML(srv.RequestsOf("Log")[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	sent := srv.Sent()[0]
	if sent.Lost == 0 || sent.LongestLoss == 0 {
		t.Fatalf("the server left nothing out: %+v", sent)
	}
	quality := strconv.Itoa(int(int64(sent.DataPackets) * 100 / (int64(sent.DataPackets) + sent.Lost)))
	rendered := got[len(got)-1].PTS - got[0].PTS
	want := map[string]string{
		"c-ip":                 "0.0.0.0",
		"c-bytes":              itoa(sent.DataBytes),
		"c-pkts-received":      strconv.Itoa(sent.DataPackets),
		"c-pkts-lost-net":      itoa(sent.Lost),
		"c-pkts-lost-client":   itoa(sent.Lost),
		"c-pkts-lost-cont-net": itoa(sent.LongestLoss),
		"c-quality":            quality,
		"avgbandwidth":         itoa(sent.DataBytes * 8 / 2),
		"c-starttime":          strconv.Itoa(int(sent.StartTime / time.Second)),
		"c-rate":               strconv.Itoa(int(sent.Rate)),
		"c-buffercount":        "1",
		"x-duration":           ceilSeconds(rendered),
	}
	if streaming {
		want["x-duration"] = "2"
	}
	for k, v := range want {
		if g, _ := lg.Get(k); g != v {
			t.Errorf("%s %q, want %q", k, g, v)
		}
	}
	if sent.StartTime != 2*time.Second || sent.Rate != 5 {
		t.Errorf("the server streamed from %v at rate %v", sent.StartTime, sent.Rate)
	}
	if !streaming {
		return
	}
	if n := len(srv.RequestsOf("SendEvent")); n != 1 {
		t.Fatalf("%d SendEvents, want 1", n)
	}
	re, err := mmsh.ParseRemoteEvent(srv.RequestsOf("SendEvent")[0].Body)
	if err != nil || len(re.Descriptions) != 2 {
		t.Fatalf("SendEvent: %v", err)
	}
	v, _ := re.Descriptions[1].Get("@.REMOTE_LOG")
	rl, err := wmlog.ParseXML([]byte(v))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"c-ip": "-", "x-duration": ceilSeconds(rendered), "c-buffercount": "-", "protocol": "Cache"} {
		if g, _ := rl.Get(k); g != v {
			t.Errorf("rendering log %s %q, want %q", k, g, v)
		}
	}
}

// ceilSeconds renders d in whole seconds rounded up (MS-WMLOG 2.1.52).
func ceilSeconds(d time.Duration) string {
	s := int64(d / time.Second)
	if d%time.Second != 0 {
		s++
	}
	return strconv.FormatInt(s, 10)
}
