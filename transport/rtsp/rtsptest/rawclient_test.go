package rtsptest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawClient is an RTSP client written for these tests from RFC 2326 §6,
// §7 and §10.12, independent of the transport/rtsp package: it writes
// requests as text and reads the server's messages and interleaved
// frames byte by byte, so that what it checks is the server's bytes.
type rawClient struct {
	t    *testing.T
	c    net.Conn
	br   *bufio.Reader
	cseq int
	// frames are the interleaved frames read, in order; requests the
	// server's requests.
	frames   []rawFrame
	requests []*rawMsg
	// session is the Session id of the last response that had one.
	session string
	// seen counts the requests untilRequest has looked at.
	seen int
}

type rawFrame struct {
	channel byte
	data    []byte
}

// rawMsg is a response or a server's request: its start line, its
// header lines as written and its body.
type rawMsg struct {
	start string
	lines []string
	body  []byte
}

// get returns the value of the first header named name.
func (m *rawMsg) get(name string) string {
	for _, l := range m.lines {
		n, v, _ := strings.Cut(l, ":")
		if strings.EqualFold(strings.TrimSpace(n), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func (m *rawMsg) status() int {
	f := strings.Fields(m.start)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

const rawTimeout = 10 * time.Second

func dialRaw(t *testing.T, addr string) *rawClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{t: t, c: c, br: bufio.NewReader(c)}
}

// send writes a request with CSeq and, once known, Session; headers are
// "Name: value" lines.
func (rc *rawClient) send(method, url, body string, headers ...string) {
	rc.t.Helper()
	rc.cseq++
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s RTSP/1.0\r\nCSeq: %d\r\n", method, url, rc.cseq)
	if rc.session != "" {
		fmt.Fprintf(&b, "Session: %s\r\n", rc.session)
	}
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n" + body)
	rc.c.SetWriteDeadline(time.Now().Add(rawTimeout))
	if _, err := io.WriteString(rc.c, b.String()); err != nil {
		rc.t.Fatal(err)
	}
}

// do sends a request and reads until its response, keeping the frames
// and server requests that come before it.
func (rc *rawClient) do(method, url, body string, headers ...string) *rawMsg {
	rc.t.Helper()
	rc.send(method, url, body, headers...)
	for {
		m, f, err := rc.next()
		if err != nil {
			rc.t.Fatalf("%s: %v", method, err)
		}
		if f != nil {
			rc.frames = append(rc.frames, *f)
			continue
		}
		if strings.HasPrefix(m.start, "RTSP/1.0 ") {
			if m.get("CSeq") != strconv.Itoa(rc.cseq) {
				rc.t.Fatalf("%s: response CSeq %q, want %d", method, m.get("CSeq"), rc.cseq)
			}
			if s := m.get("Session"); s != "" {
				rc.session, _, _ = strings.Cut(s, ";")
			}
			return m
		}
		rc.requests = append(rc.requests, m)
	}
}

// untilRequest reads frames until the server sends a request with that
// method, and returns it.
func (rc *rawClient) untilRequest(method string) *rawMsg {
	rc.t.Helper()
	for ; rc.seen < len(rc.requests); rc.seen++ {
		if m := rc.requests[rc.seen]; strings.HasPrefix(m.start, method+" ") {
			rc.seen++
			return m
		}
	}
	for {
		m, f, err := rc.next()
		if err != nil {
			rc.t.Fatalf("waiting for %s: %v", method, err)
		}
		if f != nil {
			rc.frames = append(rc.frames, *f)
			continue
		}
		rc.requests = append(rc.requests, m)
		rc.seen = len(rc.requests)
		if strings.HasPrefix(m.start, method+" ") {
			return m
		}
	}
}

// answer replies 200 to a server's request, echoing its CSeq.
func (rc *rawClient) answer(m *rawMsg) {
	rc.t.Helper()
	s := "RTSP/1.0 200 OK\r\nCSeq: " + m.get("CSeq") + "\r\n\r\n"
	rc.c.SetWriteDeadline(time.Now().Add(rawTimeout))
	if _, err := io.WriteString(rc.c, s); err != nil {
		rc.t.Fatal(err)
	}
}

// next reads one message or one interleaved frame.
func (rc *rawClient) next() (*rawMsg, *rawFrame, error) {
	rc.c.SetReadDeadline(time.Now().Add(rawTimeout))
	b, err := rc.br.Peek(1)
	if err != nil {
		return nil, nil, err
	}
	if b[0] == '$' {
		var h [4]byte
		if _, err := io.ReadFull(rc.br, h[:]); err != nil {
			return nil, nil, err
		}
		f := &rawFrame{channel: h[1], data: make([]byte, int(h[2])<<8|int(h[3]))}
		_, err := io.ReadFull(rc.br, f.data)
		return nil, f, err
	}
	m := &rawMsg{}
	for {
		line, err := rc.br.ReadString('\n')
		if err != nil {
			return nil, nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if m.start == "" {
			if line == "" || !(strings.HasPrefix(line, "RTSP/1.0 ") || strings.HasSuffix(line, " RTSP/1.0")) {
				// junk between messages (Faults.GarbageAfter): keep the
				// line as a frame of channel 255 and look again
				rc.frames = append(rc.frames, rawFrame{channel: 255, data: []byte(line)})
				return rc.next()
			}
			m.start = line
			continue
		}
		if line == "" {
			break
		}
		m.lines = append(m.lines, line)
	}
	if cl := m.get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(cl)
		if err != nil || n < 0 || n > 1<<24 {
			return nil, nil, fmt.Errorf("Content-Length %q", cl)
		}
		m.body = make([]byte, n)
		if _, err := io.ReadFull(rc.br, m.body); err != nil {
			return nil, nil, err
		}
	}
	return m, nil, nil
}

// media returns the frames of one channel.
func (rc *rawClient) media(channel byte) [][]byte {
	var out [][]byte
	for _, f := range rc.frames {
		if f.channel == channel {
			out = append(out, f.data)
		}
	}
	return out
}
