package rtsp

import (
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// TestAnnounceWhileAnEndWaits: while the end of an entry waits for
// its last UDP packets (3.1.5.13), the next entry's ANNOUNCE is answered
// but applied only when the wait is over; a second ANNOUNCE meanwhile
// replaces the first (the server moved on again), so what a server can
// make the client keep stays one entry, and the player is told of one
// entry, the last: its Playlist-gen-id, one ErrInfoChanged. Without the
// last sequence number of every stream there is no waiting: the
// ANNOUNCE ends the wait.
func TestAnnounceWhileAnEndWaits(t *testing.T) {
	b, err := os.ReadFile("../../testdata/asf/d_wmv2_wmav2.wmv")
	if err != nil {
		t.Fatal(err)
	}
	h, err := asf.ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	sdp := "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n" +
		"a=control:rtsp://h/a\r\n" +
		"a=pgmpu:data:application/vnd.ms.wms-hdr.asfv1;base64," + base64.StdEncoding.EncodeToString(b[:h.Size]) + "\r\n" +
		"m=video 0 RTP/AVP 96\r\na=rtpmap:96 x-asf-pf/1000\r\na=control:video\r\na=stream:1\r\n" +
		"m=audio 0 RTP/AVP 96\r\na=rtpmap:96 x-asf-pf/1000\r\na=control:audio\r\na=stream:2\r\n"
	announce := func(gen int) *Request {
		r := &Request{Method: "ANNOUNCE", URL: "rtsp://h/a", Body: []byte(sdp)}
		r.Header.Add("CSeq", strconv.Itoa(gen))
		r.Header.Add("X-Playlist-Gen-Id", strconv.Itoa(gen))
		r.Header.Add("Content-Type", "application/sdp")
		return r
	}

	now := time.Unix(1000, 0)
	target, _ := url.Parse("rtsp://h/a")
	s := &session{now: func() time.Time { return now }, timeout: time.Second, cfg: transport.Config{}, d: &Dialer{}, target: target}
	o := &s.o
	o.s = s
	o.pres = presentation{aggregate: "rtsp://h/a", maxps: h.PacketSize, media: []mediaDesc{{control: "rtsp://h/a/video", pt: 96}}}
	o.selected = []int{1, 2}
	o.install(h)
	o.kaTimer, o.stall, o.fw, o.reqTimer, o.endTimer = stoppedTimer(), stoppedTimer(), stoppedTimer(), stoppedTimer(), stoppedTimer()
	m := newMediaPath(o, false)
	o.media = m
	t.Cleanup(m.close)
	ch := &channel{media: 0, url: "rtsp://h/a/video", pt: 96, fecPT: -1, rtpCh: -1, fecCh: -1}
	if err := o.newChannel(ch, wmfec.Params{}); err != nil {
		t.Fatal(err)
	}
	m.chans = append(m.chans, ch)
	client, server := net.Pipe()
	o.ctrl = newConn(client, time.Second)
	t.Cleanup(o.ctrl.close)
	go io.Copy(io.Discard, server)
	o.st = statePlaying

	// The EndOfStream of the entry: its last packet, 100, has not come.
	o.beginEnd(map[*channel]uint16{ch: 100}, false, false)
	if o.ending == nil {
		t.Fatal("the end does not wait for the missing packet")
	}
	infoChanges := func() int {
		n := 0
		for _, it := range o.queue {
			if errors.Is(it.err, transport.ErrInfoChanged) {
				n++
			}
		}
		return n
	}
	for _, gen := range []int{7, 8} {
		if err := o.announce(announce(gen)); err != nil {
			t.Fatal(err)
		}
	}
	if o.genID != 0 || infoChanges() != 0 {
		t.Fatalf("while the end waits: Playlist-gen-id %d and %d ErrInfoChanged, want neither applied", o.genID, infoChanges())
	}
	o.finishEnd()
	if o.genID != 8 || infoChanges() != 1 {
		t.Errorf("after the end: Playlist-gen-id %d and %d ErrInfoChanged, want 8 and one", o.genID, infoChanges())
	}

	// An EndOfStream whose RTP-Info gives no sequence number: nothing
	// tells the next entry's packets from this one's, so the ANNOUNCE
	// ends the wait and applies at once.
	ch2 := &channel{media: 0, url: "rtsp://h/a/video", pt: 96, fecPT: -1, rtpCh: -1, fecCh: -1}
	if err := o.newChannel(ch2, wmfec.Params{}); err != nil {
		t.Fatal(err)
	}
	m.chans = []*channel{ch2}
	o.beginEnd(map[*channel]uint16{}, false, false)
	if o.ending == nil {
		t.Fatal("the end does not wait for the packets of an RTP-Info without seq")
	}
	if err := o.announce(announce(9)); err != nil {
		t.Fatal(err)
	}
	if o.ending != nil || o.genID != 9 || infoChanges() != 2 {
		t.Errorf("an ANNOUNCE after an end without seq: still waiting %v, Playlist-gen-id %d, %d ErrInfoChanged; want the end over, 9 and two",
			o.ending != nil, o.genID, infoChanges())
	}
}
