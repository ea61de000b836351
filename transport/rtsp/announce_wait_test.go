package rtsp

import (
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// endWaitOwner is an owner playing an entry over UDP, its one video
// channel set up (SSRC 7), its control connection a pipe read by nobody
// but a discarder, and announce makes the server's ANNOUNCE of the next
// entry: the same file, with X-RTP-Info xrtp when not empty.
func endWaitOwner(t *testing.T) (o *owner, m *mediaPath, ch *channel, announce func(gen int, xrtp string) *Request) {
	b, h := fixtureFile(t)
	sdp := "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n" +
		"a=control:rtsp://h/a\r\n" +
		"a=pgmpu:data:application/vnd.ms.wms-hdr.asfv1;base64," + base64.StdEncoding.EncodeToString(b[:h.Size]) + "\r\n" +
		"m=video 0 RTP/AVP 96\r\na=rtpmap:96 x-asf-pf/1000\r\na=control:video\r\na=stream:1\r\n" +
		"m=audio 0 RTP/AVP 96\r\na=rtpmap:96 x-asf-pf/1000\r\na=control:audio\r\na=stream:2\r\n"
	announce = func(gen int, xrtp string) *Request {
		r := &Request{Method: "ANNOUNCE", URL: "rtsp://h/a", Body: []byte(sdp)}
		r.Header.Add("CSeq", strconv.Itoa(gen))
		r.Header.Add("X-Playlist-Gen-Id", strconv.Itoa(gen))
		r.Header.Add("Content-Type", "application/sdp")
		if xrtp != "" {
			r.Header.Add("X-RTP-Info", xrtp)
		}
		return r
	}

	now := time.Unix(1000, 0)
	target, _ := url.Parse("rtsp://h/a")
	s := &session{now: func() time.Time { return now }, timeout: time.Second, cfg: transport.Config{}, d: &Dialer{}, target: target}
	o = &s.o
	o.s = s
	o.pres = presentation{aggregate: "rtsp://h/a", maxps: h.PacketSize, media: []mediaDesc{{control: "rtsp://h/a/video", pt: 96}}}
	o.selected = []int{1, 2}
	o.install(h)
	o.kaTimer, o.stall, o.fw, o.reqTimer, o.endTimer = stoppedTimer(), stoppedTimer(), stoppedTimer(), stoppedTimer(), stoppedTimer()
	m = newMediaPath(o, false)
	o.media = m
	t.Cleanup(m.close)
	ch = &channel{media: 0, url: "rtsp://h/a/video", pt: 96, fecPT: -1, rtpCh: -1, fecCh: -1, ssrc: 7, ssrcK: true}
	if err := o.newChannel(ch, wmfec.Params{}); err != nil {
		t.Fatal(err)
	}
	m.chans = append(m.chans, ch)
	client, server := net.Pipe()
	o.ctrl = newConn(client, time.Second)
	t.Cleanup(o.ctrl.close)
	go io.Copy(io.Discard, server)
	o.st = statePlaying
	return o, m, ch, announce
}

// TestAnnounceWhileAnEndWaits: while the end of an entry waits for
// its last UDP packets (3.1.5.13), the next entry's ANNOUNCE is answered
// but applied only when the wait is over; a second ANNOUNCE meanwhile
// replaces the first (the server moved on again), so what a server can
// make the client keep stays one entry, and the player is told of one
// entry, the last: its Playlist-gen-id, one ErrInfoChanged. Without the
// last sequence number of every stream there is no waiting: the
// ANNOUNCE ends the wait.
func TestAnnounceWhileAnEndWaits(t *testing.T) {
	o, m, ch, announce := endWaitOwner(t)
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
		if err := o.announce(announce(gen, "")); err != nil {
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
	if err := o.announce(announce(9, "")); err != nil {
		t.Fatal(err)
	}
	if o.ending != nil || o.genID != 9 || infoChanges() != 2 {
		t.Errorf("an ANNOUNCE after an end without seq: still waiting %v, Playlist-gen-id %d, %d ErrInfoChanged; want the end over, 9 and two",
			o.ending != nil, o.genID, infoChanges())
	}
}

// TestNextEntryPacketsHeldWhileAnEndWaits: while an entry's end waits and
// the next entry's ANNOUNCE is deferred, packets past the entry's last
// sequence number are the next entry's (3.1.5.15): they are held, not
// played as this entry's. The missing packet of the ended entry, when it
// comes, is its own and ends the wait; the ANNOUNCE then applies and the
// held packets play in the next entry's channel, none late or lost. What
// is held is bounded (maxHeld); the excess is counted.
func TestNextEntryPacketsHeldWhileAnEndWaits(t *testing.T) {
	o, m, ch, announce := endWaitOwner(t)
	var pkts []*rtp.Packet
	for _, b := range fixturePackets(t, 12) { // seq 100 on, SSRC 7
		p := &rtp.Packet{}
		if err := p.Unmarshal(b); err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, p)
	}
	o.beginEnd(map[*channel]uint16{ch: 99}, false, false)
	if err := o.announce(announce(8, "url=rtsp://h/a/video;seq=100;ssrc=00000007")); err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		m.rtp(ch, p, o.s.now())
		m.drain()
	}
	if len(m.next) != len(pkts) || len(o.queue) != 0 {
		t.Fatalf("the next entry's packets: %d held, %d items queued; want %d and none", len(m.next), len(o.queue), len(pkts))
	}
	last := pkts[0].Clone()
	last.SequenceNumber = 99
	m.rtp(ch, last, o.s.now())
	m.drain()
	if o.ending != nil || len(m.next) != 0 || m.chans[0] == ch {
		t.Fatalf("after the ended entry's last packet: still waiting %v, %d held, the old channel kept %v", o.ending != nil, len(m.next), m.chans[0] == ch)
	}
	after, changed := 0, false
	for _, it := range o.queue {
		switch {
		case errors.Is(it.err, transport.ErrInfoChanged):
			changed = true
		case it.err == nil && changed:
			after++
		}
	}
	if !changed || after == 0 {
		t.Errorf("ErrInfoChanged %v, then %d samples of the next entry", changed, after)
	}
	if st := o.s.Stats(); st.PacketsLate != 0 || st.PacketsLost != 0 {
		t.Errorf("%d packets late, %d lost", st.PacketsLate, st.PacketsLost)
	}

	// Another wait, and more of the next entry than may be held.
	ch = m.chans[0]
	o.beginEnd(map[*channel]uint16{ch: 1000}, false, false)
	if err := o.announce(announce(9, "url=rtsp://h/a/video;seq=1001;ssrc=00000007")); err != nil {
		t.Fatal(err)
	}
	for i := range maxHeld + 10 {
		m.rtp(ch, &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: uint16(1001 + i), SSRC: 7}, Payload: []byte{0}}, o.s.now())
	}
	if len(m.next) != maxHeld || o.s.stats.overrun.Load() != 10 {
		t.Errorf("%d held, %d counted over; want %d and 10", len(m.next), o.s.stats.overrun.Load(), maxHeld)
	}
}
