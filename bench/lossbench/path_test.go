package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readAll reads messages until an error and returns them with the error.
func readAll(in []byte) ([][]byte, error) {
	r := bufio.NewReader(bytes.NewReader(in))
	var out [][]byte
	for {
		m, err := readMessage(r)
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
}

var messageCases = []struct {
	name string
	in   string
	want []string
	bad  bool // ends with an error other than io.EOF
}{
	{"request", "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n", []string{"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n"}, false},
	{"body then next", "ANNOUNCE rtsp://h/c RTSP/1.0\r\nCSeq: 2\r\ncontent-length: 5\r\n\r\nhelloRTSP/1.0 200 OK\r\nCSeq: 2\r\n\r\n",
		[]string{"ANNOUNCE rtsp://h/c RTSP/1.0\r\nCSeq: 2\r\ncontent-length: 5\r\n\r\nhello", "RTSP/1.0 200 OK\r\nCSeq: 2\r\n\r\n"}, false},
	{"interleaved frame", "$\x01\x00\x03abcRTSP/1.0 200 OK\r\n\r\n", []string{"$\x01\x00\x03abc", "RTSP/1.0 200 OK\r\n\r\n"}, false},
	{"blank line between", "\r\nRTSP/1.0 200 OK\r\nCSeq: 3\r\n\r\n", []string{"RTSP/1.0 200 OK\r\nCSeq: 3\r\n\r\n"}, false},
	{"bare LF", "RTSP/1.0 200 OK\nCSeq: 3\n\n", []string{"RTSP/1.0 200 OK\nCSeq: 3\n\n"}, false},
	{"body over the limit", "RTSP/1.0 200 OK\r\nContent-Length: 16777217\r\n\r\n", nil, true},
	{"negative length", "RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n", nil, true},
	{"short body", "RTSP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc", nil, true},
	{"short frame", "$\x00\x00\x09abc", nil, true},
	{"endless header", "RTSP/1.0 200 OK\r\nX: " + strings.Repeat("a", 70<<10) + "\r\n\r\n", nil, true},
}

func TestReadMessage(t *testing.T) {
	for _, tc := range messageCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll([]byte(tc.in))
			if tc.bad == errors.Is(err, io.EOF) {
				t.Errorf("ended with %v, want bad=%v", err, tc.bad)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d messages, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if string(got[i]) != tc.want[i] {
					t.Errorf("message %d = %.200q, want %.200q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func FuzzReadMessage(f *testing.F) {
	for _, tc := range messageCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		msgs, _ := readAll(in)
		total := 0
		for _, m := range msgs {
			if len(m) == 0 || len(m) > maxHeaderBytes+maxBodyBytes+4096 {
				t.Fatalf("a message of %d bytes", len(m))
			}
			total += len(m)
		}
		if total > len(in) {
			t.Fatalf("%d bytes of messages from %d", total, len(in))
		}
	})
}

// The SETUP of MS-RTSP 4.4.4.4 (digest §8.17), its Transport on one line,
// and its answer with the ports of this test.
const (
	setupReq = "SETUP rtsp://myserver.com/mycontent.wmv/stream=5/fec98 RTSP/1.0\r\n" +
		"Transport: RTP/AVP/UDP;unicast;client_port=%C;ssrc=6dded651;mode=PLAY;FecSpan=4;FecPerSpan=1;FecBurstMargin=6, RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=6dded651;mode=PLAY\r\n" +
		"CSeq: 8\r\n" +
		"Session: 1077055954\r\n" +
		"Content-Length: 16\r\n" +
		"\r\n" +
		"client_port=2408"
	setupResp = "RTSP/1.0 200 OK\r\n" +
		"Transport: RTP/AVP/UDP;unicast;source=157.56.216.159;server_port=%S;client_port=%C;ssrc=3874dd27;mode=PLAY;FecSpan=4;FecPerSpan=1;FecBurstMargin=6\r\n" +
		"CSeq: 8\r\n" +
		"Session:1077055954;timeout=60\r\n" +
		"\r\n"
	// An ANNOUNCE's X-RTP-Info (MS-RTSP 2.2.6.27) with a port range.
	announce = "ANNOUNCE rtsp://h/c RTSP/1.0\r\n" +
		"X-RTP-Info: url=rtsp://h/c/audio;transport=RTP/AVP/UDP;unicast;server_port=%S-%T;client_port=%C;ssrc=2f73682b;mode=PLAY;thinlevel=0\r\n" +
		"CSeq: 1\r\n" +
		"\r\n"
)

func fill(s string, c, srv, srv2 int) string {
	return strings.NewReplacer("%C", strconv.Itoa(c), "%S", strconv.Itoa(srv), "%T", strconv.Itoa(srv2)).Replace(s)
}

func newTestPath(t *testing.T, delay time.Duration, loss float64, seed int64) *Path {
	t.Helper()
	p, err := NewPath("127.0.0.1:1", delay, loss, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestRewritePorts(t *testing.T) {
	p := newTestPath(t, 0, 0, 1)
	out, err := p.rewrite([]byte(fill(setupReq, 2408, 0, 0)), true)
	if err != nil {
		t.Fatal(err)
	}
	toServer := p.toServer[2408]
	if toServer == nil {
		t.Fatalf("no relay socket for client port 2408: %q", out)
	}
	r := toServer.port()
	// The client's port becomes the relay's; the body is not touched.
	if want := fill(setupReq, r, 0, 0); string(out) != want {
		t.Errorf("request:\n%q\nwant\n%q", out, want)
	}
	out, err = p.rewrite([]byte(fill(setupResp, r, 2410, 0)), false)
	if err != nil {
		t.Fatal(err)
	}
	toClient := p.toClient[2410]
	if toClient == nil {
		t.Fatalf("no relay socket for server port 2410: %q", out)
	}
	// The server's port becomes the relay's, the client's port its own.
	if want := fill(setupResp, 2408, toClient.port(), 0); string(out) != want {
		t.Errorf("response:\n%q\nwant\n%q", out, want)
	}
	out, err = p.rewrite([]byte(fill(announce, r, 2410, 2411)), false)
	if err != nil {
		t.Fatal(err)
	}
	if want := fill(announce, 2408, toClient.port(), p.toClient[2411].port()); string(out) != want {
		t.Errorf("announce:\n%q\nwant\n%q", out, want)
	}
}

// rtpPacket is a 12-byte RTP header with the sequence number and SSRC,
// then the send time in ns.
func rtpPacket(seq uint16, sent time.Time) []byte {
	b := make([]byte, 20)
	b[0] = 0x80
	b[1] = 96
	binary.BigEndian.PutUint16(b[2:], seq)
	binary.BigEndian.PutUint32(b[8:], 0x2f73682b)
	binary.BigEndian.PutUint64(b[12:], uint64(sent.UnixNano()))
	return b
}

// relayRun sends n RTP packets from a "server" socket through the path
// to a "client" socket and returns the sequence numbers received, in
// order; every packet must come from the relay's port for the server and
// not before delay.
func relayRun(t *testing.T, delay time.Duration, loss float64, seed int64, n int) []uint16 {
	t.Helper()
	p := newTestPath(t, delay, loss, seed)
	udp := func() *net.UDPConn {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadBuffer(4 << 20)
		t.Cleanup(func() { c.Close() })
		return c
	}
	srv, cl := udp(), udp()
	port := func(c *net.UDPConn) int { return c.LocalAddr().(*net.UDPAddr).Port }
	if _, err := p.rewrite([]byte(fill(setupReq, port(cl), 0, 0)), true); err != nil {
		t.Fatal(err)
	}
	if _, err := p.rewrite([]byte(fill(setupResp, p.toServer[port(cl)].port(), port(srv), 0)), false); err != nil {
		t.Fatal(err)
	}
	relayForClient := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p.toServer[port(cl)].port()}
	relayForServer := p.toClient[port(srv)].port()
	for i := range n {
		if _, err := srv.WriteToUDP(rtpPacket(uint16(i), time.Now()), relayForClient); err != nil {
			t.Fatal(err)
		}
	}
	var got []uint16
	buf := make([]byte, 1500)
	for len(got)+int(p.Stats().Lost) < n {
		cl.SetReadDeadline(time.Now().Add(5 * time.Second))
		k, from, err := cl.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("after %d packets and %d lost: %v", len(got), p.Stats().Lost, err)
		}
		now := time.Now()
		if from.Port != relayForServer {
			t.Fatalf("a packet from port %d, want the relay's %d for the server", from.Port, relayForServer)
		}
		sent := time.Unix(0, int64(binary.BigEndian.Uint64(buf[12:k])))
		if d := now.Sub(sent); d < delay {
			t.Fatalf("packet %d through in %v, want at least %v", len(got), d, delay)
		}
		got = append(got, binary.BigEndian.Uint16(buf[2:]))
	}
	// The other way: the client's packet reaches the server from the
	// relay's port for the client (sent again while the path loses it).
	for try := 0; ; try++ {
		if try == 50 {
			t.Fatalf("50 packets from the client, none reached the server")
		}
		sentAt := time.Now()
		if _, err := cl.WriteToUDP([]byte("rtcp"), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: relayForServer}); err != nil {
			t.Fatal(err)
		}
		srv.SetReadDeadline(time.Now().Add(time.Second))
		k, from, err := srv.ReadFromUDP(buf)
		if err != nil {
			continue
		}
		if string(buf[:k]) != "rtcp" {
			t.Fatalf("the server got %q", buf[:k])
		}
		if from.Port != relayForClient.Port {
			t.Fatalf("the client's packet came from port %d, want %d", from.Port, relayForClient.Port)
		}
		if d := time.Since(sentAt); d < delay {
			t.Fatalf("the client's packet through in %v, want at least %v", d, delay)
		}
		return got
	}
}

func TestPathLosesAndDelays(t *testing.T) {
	const n = 2000
	delay := 20 * time.Millisecond
	a := relayRun(t, delay, 0.05, 1, n)
	for i := 1; i < len(a); i++ {
		if a[i] <= a[i-1] {
			t.Fatalf("out of order: %d after %d", a[i], a[i-1])
		}
	}
	lost := n - len(a)
	// 5% of 2000: 100 expected, σ ≈ 10; the seed fixes the outcome.
	if lost < 60 || lost > 140 {
		t.Errorf("%d of %d lost at 5%%", lost, n)
	}
	b := relayRun(t, delay, 0.05, 1, n)
	if !equal(a, b) {
		t.Errorf("the same seed lost different packets: %d and %d received", len(a), len(b))
	}
	c := relayRun(t, delay, 0.05, 2, n)
	if equal(a, c) {
		t.Error("seeds 1 and 2 lost the same packets")
	}
	if got := relayRun(t, delay, 0, 1, 200); len(got) != 200 {
		t.Errorf("%d of 200 through a lossless path", len(got))
	}
}

func equal(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
