package rtsptest

import (
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// playTCP sets the audio stream of a file up over TCP and plays it.
func playTCP(t *testing.T, s *Server) *rawClient {
	t.Helper()
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", s.URL(), "")
	rc.do("SETUP", s.URL()+"/audio", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY")
	rc.do("PLAY", s.URL(), "", "Range: npt=0.000-", "Scale: 1.0")
	return rc
}

// TestStallAfter: after StallAfter packets the server sends nothing more
// but still answers requests.
func TestStallAfter(t *testing.T) {
	s := New(t, Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}, Faults: Faults{StallAfter: 5}})
	rc := playTCP(t, s)
	for len(rc.frames) < 5 {
		_, f, err := rc.next()
		if err != nil || f == nil {
			t.Fatalf("frame %d: %v", len(rc.frames), err)
		}
		rc.frames = append(rc.frames, *f)
	}
	if r := rc.do("GET_PARAMETER", s.URL(), ""); r.status() != 200 || len(rc.frames) != 5 {
		t.Errorf("keep-alive %q with %d frames sent (want 5)", r.start, len(rc.frames))
	}
}

// TestCloseAfter: the server closes the connection after CloseAfter
// packets.
func TestCloseAfter(t *testing.T) {
	s := New(t, Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}, Faults: Faults{CloseAfter: 4}})
	rc := playTCP(t, s)
	for {
		_, f, err := rc.next()
		if err == io.EOF {
			break
		}
		if err != nil || f == nil {
			t.Fatalf("after %d frames: %v", len(rc.frames), err)
		}
		rc.frames = append(rc.frames, *f)
	}
	if len(rc.frames) != 4 {
		t.Errorf("%d frames before the close, want 4", len(rc.frames))
	}
}

// TestGarbageDuplicatesAndReordering: junk between frames, a frame on a
// channel nobody set up, duplicated and reordered packets; once sorted
// and deduplicated the packets still hold the whole file.
func TestGarbageDuplicatesAndReordering(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	s := New(t, Config{Entries: [][]byte{file}, Faults: Faults{GarbageAfter: 3, DuplicateEvery: 4, ReorderEvery: 5}})
	rc := playTCP(t, s)
	rc.answer(rc.untilRequest("SET_PARAMETER"))
	var junk, stray int
	for _, f := range rc.frames {
		switch f.channel {
		case 255:
			junk++
		case 200:
			stray++
		}
	}
	if junk == 0 || stray != 1 {
		t.Errorf("%d junk lines and %d frames on channel 200", junk, stray)
	}
	var seqs []uint16
	byseq := map[uint16][]byte{}
	for _, b := range rc.media(0) {
		var p rtp.Packet
		if err := p.Unmarshal(b); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, p.SequenceNumber)
		byseq[p.SequenceNumber] = b
	}
	st := s.Stats()
	if st.Duplicated == 0 || st.Reordered == 0 || len(seqs) != st.Sent+st.Duplicated {
		t.Fatalf("stats %+v for %d packets", st, len(seqs))
	}
	if slices.IsSorted(seqs) {
		t.Errorf("no packet out of order: %v", seqs)
	}
	keys := make([]uint16, 0, len(byseq))
	for k := range byseq {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var ordered [][]byte
	for _, k := range keys {
		ordered = append(ordered, byseq[k])
	}
	asfPkts, _ := depacketize(t, ordered)
	want, n := filePayloads(t, file)
	have := map[uint8][]payload{}
	for _, a := range asfPkts {
		addPayloads(t, have, a.Data, 0)
	}
	if len(asfPkts) != int(n) || !slices.Equal(have[1], want[1]) {
		t.Errorf("%d ASF packets, the file has %d", len(asfPkts), n)
	}
}

// TestRandomLossIsSeeded: the same seed loses the same packets.
func TestRandomLossIsSeeded(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	var runs [2][]uint16
	for i := range runs {
		s := New(t, Config{Entries: [][]byte{file}, Faults: Faults{LossRate: 0.2, LossSeed: 7}})
		rc := playTCP(t, s)
		rc.untilRequest("SET_PARAMETER")
		runs[i] = s.DroppedSeqs()
		var got []uint16
		for _, b := range rc.media(0) {
			var p rtp.Packet
			if err := p.Unmarshal(b); err != nil {
				t.Fatal(err)
			}
			got = append(got, p.SequenceNumber)
		}
		for _, d := range runs[i] {
			if slices.Contains(got, d) {
				t.Errorf("dropped %d arrived", d)
			}
		}
		if len(got)+len(runs[i]) != s.Stats().Sent+s.Stats().Dropped || len(got) != s.Stats().Sent {
			t.Errorf("%d arrived, stats %+v", len(got), s.Stats())
		}
	}
	if len(runs[0]) == 0 || !slices.Equal(runs[0], runs[1]) {
		t.Errorf("losses %v and %v", runs[0], runs[1])
	}
}

// TestWrongSourceOverUDP: one packet comes from another source port than
// the others, with the stream's SSRC and a sequence number of the stream.
func TestWrongSourceOverUDP(t *testing.T) {
	s := New(t, Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}, Faults: Faults{WrongSourceAfter: 2}})
	media := udpPort(t)
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", s.URL(), "")
	r := rc.do("SETUP", s.URL()+"/audio", "", fmt.Sprintf("Transport: RTP/AVP/UDP;unicast;client_port=%d;mode=PLAY", portOf(media)))
	sp, _ := serverPorts(t, r.get("Transport"))
	rc.do("PLAY", s.URL(), "", "Range: npt=0.000-", "Scale: 1.0")
	rc.untilRequest("SET_PARAMETER")
	from := map[int][]uint16{}
	buf := make([]byte, 2048)
	for range s.Stats().Sent + 1 {
		media.SetReadDeadline(time.Now().Add(rawTimeout))
		n, a, err := media.ReadFromUDP(buf)
		if err != nil {
			t.Fatal(err)
		}
		var p rtp.Packet
		if err := p.Unmarshal(buf[:n]); err != nil || p.SSRC != 0x2f73682b {
			t.Fatalf("datagram: %v SSRC %08x", err, p.SSRC)
		}
		from[a.Port] = append(from[a.Port], p.SequenceNumber)
	}
	if len(from) != 2 || len(from[sp]) != s.Stats().Sent {
		t.Fatalf("sources %v, server_port %d", from, sp)
	}
	for port, seqs := range from {
		if port != sp && !slices.Equal(seqs, []uint16{1002}) {
			t.Errorf("from the wrong port %d: %v", port, seqs)
		}
	}
}

// TestRefusals: 461 for UDP when refused (the TCP alternative taken),
// 302 with Location and a close, 401 with a Basic challenge on an open
// connection then 200 with the credentials, error statuses, and a
// Content-Length that lies short.
func TestRefusals(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	s := New(t, Config{Entries: [][]byte{file}, Faults: Faults{RefuseUDP: true},
		Redirects: map[string]Redirect{"/old.wmv": {302, "rtsp://elsewhere/new.wmv"}},
		Auth:      &Auth{User: "u", Password: "p"}})
	rc := dialRaw(t, s.Addr())
	r := rc.do("DESCRIBE", s.URL(), "")
	if r.status() != 401 || r.get("WWW-Authenticate") != `Basic realm="eddy"` {
		t.Errorf("DESCRIBE without credentials: %q %q", r.start, r.lines)
	}
	auth := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("u:p"))
	if r = rc.do("DESCRIBE", s.URL(), "", auth); r.status() != 200 {
		t.Errorf("DESCRIBE with credentials on the same connection: %q", r.start)
	}
	if r = rc.do("SETUP", s.URL()+"/audio", "", "Transport: RTP/AVP/UDP;unicast;client_port=4000-4001;mode=PLAY"); r.status() != 461 {
		t.Errorf("UDP SETUP: %q, want 461", r.start)
	}
	r = rc.do("SETUP", s.URL()+"/audio", "", "Transport: RTP/AVP/UDP;unicast;client_port=4000-4001;mode=PLAY, RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY")
	if !strings.HasPrefix(r.get("Transport"), "RTP/AVP/TCP;unicast;interleaved=0-1;") {
		t.Errorf("alternatives: %q", r.get("Transport"))
	}
	if r = rc.do("SETUP", s.URL()+"/nothing", "", "Transport: RTP/AVP/TCP;unicast;interleaved=2-3;mode=PLAY"); r.status() != 404 {
		t.Errorf("SETUP of a URL not in the SDP: %q", r.start)
	}

	rd := dialRaw(t, s.Addr())
	r = rd.do("DESCRIBE", strings.Replace(s.URL(), "/content.wmv", "/old.wmv", 1), "")
	if r.status() != 302 || r.get("Location") != "rtsp://elsewhere/new.wmv" {
		t.Errorf("redirect: %q %q", r.start, r.lines)
	}
	if _, _, err := rd.next(); err != io.EOF {
		t.Errorf("after a 302 the server closes (3.2.5.4): %v", err)
	}

	l := New(t, Config{Entries: [][]byte{file}, Faults: Faults{DescribeLengthDelta: -20, PlayStatus: 503}})
	rl := dialRaw(t, l.Addr())
	r = rl.do("DESCRIBE", l.URL(), "")
	// The SDP ends "a=control:audio\r\na=stream:1\r\n": its last 20 bytes
	// come after the message, as junk before the next answer.
	if !strings.HasSuffix(string(r.body), "\r\na=control") || r.get("Content-Length") != strconv.Itoa(len(r.body)) {
		t.Errorf("Content-Length %q, body ends %q", r.get("Content-Length"), r.body[max(0, len(r.body)-20):])
	}
	rl.do("SETUP", l.URL()+"/audio", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=PLAY")
	var tail []string
	for _, f := range rl.frames {
		if f.channel == 255 {
			tail = append(tail, string(f.data))
		}
	}
	if !slices.Equal(tail, []string{":audio", "a=stream:1"}) {
		t.Errorf("the 20 bytes past Content-Length: %q", tail)
	}
	if r = rl.do("PLAY", l.URL(), ""); r.status() != 503 {
		t.Errorf("PLAY: %q, want 503", r.start)
	}
}
