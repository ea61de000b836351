package rtsptest

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
)

// sendTimes lists the ASF send times (ms) of a file's data packets.
func sendTimes(t *testing.T, data []byte) []uint32 {
	t.Helper()
	f, err := asf.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []uint32
	for n := uint64(0); n < f.PacketCount(); n++ {
		b, err := f.ReadPacket(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, err := asf.ParseSendTime(b)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, st)
	}
	return out
}

// sleepLog records the waits the server asks for and does not wait.
type sleepLog struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *sleepLog) sleep(d time.Duration, stop <-chan struct{}) bool {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
	return true
}

func (l *sleepLog) take() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	d := l.d
	l.d = nil
	return d
}

// TestPacingFollowsSendTimesAndFastStart checks the waits between packets
// (Config.Sleep, no real waiting): at Speed 1 each is the difference of the
// ASF send times; Scale 2 halves them; with X-Accelerate-Streaming the
// first AccelDuration ms of media go at the granted AccelBandwidth (3200
// bytes at 2 Mbps = 12.8 ms), the grant capped at 2,000,000 bps (MS-RTSP
// 3.2.5.8, §6 note <32>) and echoed in the answer.
func TestPacingFollowsSendTimesAndFastStart(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	times := sendTimes(t, file)
	log := &sleepLog{}
	s := New(t, Config{Entries: [][]byte{file}, Speed: 1, Sleep: log.sleep})
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", s.URL(), "")
	rc.do("SETUP", s.URL()+"/audio", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY")
	want := func(scale float64, accelMS uint32, accelWait time.Duration) []time.Duration {
		var out []time.Duration
		for i := 1; i < len(times); i++ {
			d := time.Duration(float64(time.Duration(times[i]-times[i-1])*time.Millisecond) / scale)
			if times[i]-times[0] < accelMS {
				d = min(d, accelWait)
			}
			if d > 0 {
				out = append(out, d)
			}
		}
		return out
	}
	play := func(headers ...string) *rawMsg {
		r := rc.do("PLAY", s.URL(), "", append([]string{"Range: npt=0.000-"}, headers...)...)
		eos := rc.untilRequest("SET_PARAMETER")
		rc.answer(eos)
		return r
	}
	play("Scale: 1.0")
	if got, w := log.take(), want(1, 0, 0); !slices.Equal(got, w) {
		t.Errorf("Scale 1 waits %v, want %v", got, w)
	}
	play("Scale: 2.0")
	if got, w := log.take(), want(2, 0, 0); !slices.Equal(got, w) {
		t.Errorf("Scale 2 waits %v, want %v", got, w)
	}
	r := play("Scale: 1.0", "X-Accelerate-Streaming: AccelDuration=1000;AccelBandwidth=3000000")
	if got := r.get("X-Accelerate-Streaming"); got != "AccelDuration=1000;AccelBandwidth=2000000" {
		t.Errorf("granted %q", got)
	}
	if got, w := log.take(), want(1, 1000, 12800*time.Microsecond); !slices.Equal(got, w) {
		t.Errorf("fast start waits %v, want %v", got, w)
	}
}

// gate is a Sleep that lets one packet through per token and stops when
// the streamer is stopped.
type gate chan struct{}

func (g gate) sleep(_ time.Duration, stop <-chan struct{}) bool {
	select {
	case <-g:
		return true
	case <-stop:
		return false
	}
}

// TestPauseResumeAndSeek pauses a paced stream half way (3.2.5.11), plays
// on without Range from where it stopped (RTP-Info's seq continues, no
// packet is sent twice or skipped), then seeks with Range: the first
// packet sent is the one holding the key frame at or before the position
// and RTP-Info's rtptime is its send time; PAUSE in READY is 455.
func TestPauseResumeAndSeek(t *testing.T) {
	file := fixture(t, "d_wmv2_wmav2.wmv")
	g := make(gate)
	s := New(t, Config{Entries: [][]byte{file}, Speed: 1, Sleep: g.sleep})
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", s.URL(), "")
	rc.do("SETUP", s.URL()+"/video", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY")
	if r := rc.do("PAUSE", s.URL(), ""); r.status() != 455 {
		t.Errorf("PAUSE in READY: %q, want 455", r.start)
	}
	rc.do("PLAY", s.URL(), "", "Range: npt=0.000-", "Scale: 1.0")
	for range 5 {
		g <- struct{}{}
	}
	// Five waits passed: the packets up to the sixth ASF packet with video
	// are out, and the streamer waits for the next token. Read them all:
	// the PAUSE answer comes after them.
	r := rc.do("PAUSE", s.URL(), "")
	if r.status() != 200 {
		t.Fatalf("PAUSE: %q", r.start)
	}
	before := len(rc.frames)
	if before == 0 {
		t.Fatal("nothing sent before PAUSE")
	}
	r = rc.do("PLAY", s.URL(), "", "Scale: 1.0")
	if want := fmt.Sprintf("url=%s/video;seq=%d;", s.URL(), 1000+before); !strings.HasPrefix(r.get("RTP-Info"), want) {
		t.Errorf("resumed RTP-Info %q, want it to start %q", r.get("RTP-Info"), want)
	}
	close(g)
	rc.answer(rc.untilRequest("SET_PARAMETER"))
	asfPkts, rtpPkts := depacketize(t, rc.media(0))
	for i, p := range rtpPkts {
		if p.SequenceNumber != uint16(1000+i) {
			t.Fatalf("packet %d has seq %d", i, p.SequenceNumber)
		}
	}
	want, _ := filePayloads(t, file)
	have := map[uint8][]payload{}
	for _, a := range asfPkts {
		addPayloads(t, have, a.Data, 0)
	}
	if !slices.Equal(have[1], want[1]) {
		t.Errorf("after PAUSE and PLAY: %d video payloads, the file has %d", len(have[1]), len(want[1]))
	}

	rc.frames = nil
	r = rc.do("PLAY", s.URL(), "", "Range: npt=3.000-", "Scale: 1.0")
	rc.answer(rc.untilRequest("SET_PARAMETER"))
	asfPkts, rtpPkts = depacketize(t, rc.media(0))
	first := asfPkts[0]
	var p asf.Packet
	if err := p.Unmarshal(first.Data, 0); err != nil {
		t.Fatal(err)
	}
	key := slices.IndexFunc(p.Payloads, func(pl asf.Payload) bool { return pl.Key && pl.Offset == 0 })
	// The file's video has a key frame every 25 frames (1 s); the last
	// one at or before 3 s is presented at 2.046 s (5146 ms with the
	// 3.1 s preroll).
	if !first.KeyFrame || key < 0 || p.Payloads[key].PresentationTime != 5146 {
		t.Errorf("seek to 3 s starts at a packet with key %v, payloads %d, first key payload %d", first.KeyFrame, len(p.Payloads), key)
	}
	if want := "rtptime=" + strconv.FormatUint(uint64(rtpPkts[0].Timestamp), 10); !strings.HasSuffix(r.get("RTP-Info"), want) || rtpPkts[0].Timestamp != first.SendTime {
		t.Errorf("RTP-Info %q, first timestamp %d, ASF send time %d", r.get("RTP-Info"), rtpPkts[0].Timestamp, first.SendTime)
	}
	if len(have[1]) <= len(asfPkts) {
		t.Errorf("a seek to 3 s of 6 sent %d packets", len(asfPkts))
	}
	if r := rc.do("PLAY", s.URL(), "", "Range: npt=60.000-"); r.status() != 457 {
		t.Errorf("PLAY past the end: %q, want 457", r.start)
	}
}

// TestPlaylistEndOfEntryAnnounceAndPlayInPlaying plays a server-side
// playlist of two files: the first ends with EndOfStream carrying
// End-Of-Playlist-Entry (MS-RTSP 3.2.4.1) and the entry's
// X-Playlist-Gen-Id, then ANNOUNCE brings the next entry's SDP with a new
// X-Playlist-Gen-Id and X-RTP-Info selecting the audio stream on the same
// channel with the sequence numbers going on (3.2.4.2, 2.2.6.27); PLAY in
// PLAYING with X-Playlist-Seek-Id streams the second file, which ends
// with a plain EndOfStream. A LogPlay is kept with its body.
func TestPlaylistEndOfEntryAnnounceAndPlayInPlaying(t *testing.T) {
	one, two := fixture(t, "c_wmav2.wma"), fixture(t, "d_wmv2_wmav2.wmv")
	s := New(t, Config{Entries: [][]byte{one, two}})
	rc := dialRaw(t, s.Addr())
	r := rc.do("DESCRIBE", s.URL(), "")
	if r.get("X-Playlist-Gen-Id") != "5351" || !strings.Contains(string(r.body), "\r\na=type:playlist,skipforward\r\n") {
		t.Errorf("DESCRIBE of a playlist: %q", r.lines)
	}
	rc.do("SETUP", s.URL()+"/audio", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY", "X-Playlist-Gen-Id: 5351")
	if r := rc.do("SETUP", s.URL()+"/audio", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY", "X-Playlist-Gen-Id: 77"); r.status() != 412 {
		t.Errorf("SETUP with another entry's id: %q, want 412 (3.2.5.1)", r.start)
	}
	rc.do("PLAY", s.URL(), "", "Range: npt=0.000-", "Scale: 1.0")
	eos := rc.untilRequest("SET_PARAMETER")
	n1 := len(rc.media(0))
	if eos.get("X-Playlist-Gen-Id") != "5351" || string(eos.body) != "Session: 13856065358275910855\r\nEOF: true\r\nEnd-Of-Playlist-Entry: true\r\n" {
		t.Errorf("EndOfStream of the first entry: %q %q", eos.lines, eos.body)
	}
	// 3.2.4.1: the server waits for the EndOfStream answer before it
	// announces the next entry.
	if r := rc.do("GET_PARAMETER", s.URL(), ""); r.status() != 200 || len(rc.requests) != 1 {
		t.Errorf("before the EndOfStream answer: keep-alive %q, server requests %d", r.start, len(rc.requests))
	}
	rc.answer(eos)
	logBody := "<XML><Summary>0.0.0.0 2002-04-22 23:31:24 - rtsp://x 0 6 1 200</Summary></XML>"
	rc.do("SET_PARAMETER", s.URL(), logBody, "Content-Type: application/x-wms-Logplaystats;charset=UTF-8", "X-Playlist-Gen-Id: 5351")
	ann := rc.untilRequest("ANNOUNCE")
	wantInfo := fmt.Sprintf("url=%s/audio;transport=RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=2f73682b;mode=PLAY;thinlevel=0;seq=%d;rtptime=", s.URL(), 1000+n1)
	if ann.start != "ANNOUNCE "+s.URL()+" RTSP/1.0" || ann.get("X-Playlist-Gen-Id") != "5352" || ann.get("Content-Type") != "application/sdp" ||
		ann.get("Session") != "13856065358275910855" || !strings.HasPrefix(ann.get("X-RTP-Info"), wantInfo) {
		t.Errorf("ANNOUNCE:\n%s\n%s\nwant X-RTP-Info %q", ann.start, strings.Join(ann.lines, "\n"), wantInfo)
	}
	if b := string(ann.body); !strings.Contains(b, "\r\na=type:playlist,skipbackward,lastentry\r\n") || !strings.Contains(b, "\r\nm=video ") {
		t.Errorf("ANNOUNCE SDP is not the second entry's:\n%s", b)
	}
	rc.answer(ann)
	if r := rc.do("PLAY", s.URL(), "", "Scale: 1.0", "X-Playlist-Seek-Id: 5351"); r.status() != 412 {
		t.Errorf("PLAY of the old entry: %q", r.start)
	}
	if r := rc.do("PLAY", s.URL(), "", "Scale: 1.0", "X-Playlist-Seek-Id: 5352"); r.status() != 200 {
		t.Fatalf("PLAY in PLAYING: %q", r.start)
	}
	eos = rc.untilRequest("SET_PARAMETER")
	if eos.get("X-Playlist-Gen-Id") != "5352" || string(eos.body) != "Session: 13856065358275910855\r\nEOF: true\r\n" {
		t.Errorf("EndOfStream of the last entry: %q %q", eos.lines, eos.body)
	}
	asfPkts, _ := depacketize(t, rc.media(0)[n1:])
	want, _ := filePayloads(t, two)
	have := map[uint8][]payload{}
	for _, a := range asfPkts {
		addPayloads(t, have, a.Data, 0)
	}
	if len(have) != 1 || !slices.Equal(have[2], want[2]) {
		t.Errorf("second entry: %d streams, %d audio payloads, the file has %d", len(have), len(have[2]), len(want[2]))
	}
	logs := s.RequestsOf("SET_PARAMETER application/x-wms-Logplaystats")
	if len(logs) != 1 || string(logs[0].Body) != logBody {
		t.Errorf("LogPlay kept: %+v", logs)
	}
	if rs := s.Responses(); len(rs) != 2 || rs[1].Method != "ANNOUNCE" {
		t.Errorf("client answers recorded: %+v", rs)
	}
}
