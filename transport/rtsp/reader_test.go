package rtsp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// crlf turns a spec example written with LF line ends into wire form.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// eosExample is MS-RTSP 2.2.7.3's EndOfStream, as the digest §8.3
// transcribes it (wrapped RTP-Info joined); its body is 71 bytes.
var eosExample = crlf(`SET_PARAMETER rtsp://myserver.com/ServerSidePlaylist.wsx RTSP/1.0
Content-Type: application/x-wms-extension-cmd
X-Notice: 2101 "End-of-Stream Reached"
RTP-Info: url=rtsp://myserver.com/ServerSidePlaylist.wsx/audio;Seq=26968, url=rtsp://myserver.com/ServerSidePlaylist.wsx/video;Seq=46497
X-Playlist-Gen-Id: 5351
Content-Length: 71
Date: Tue, 10 Sep 2002 23:09:36 GMT
CSeq: 5
User-Agent: WMServer/9.0.0.3191

Session: 13856065358275910855
EOF: true
End-Of-Playlist-Entry: true
`)

// describeAnswer is the DESCRIBE response of MS-RTSP 4.4.2 (digest §8.14)
// with a two-line body.
var describeAnswer = crlf(`RTSP/1.0 200 OK
Content-Type: application/sdp
CSeq: 5
Server: WMServer/9.5.5732.6324
Supported: com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.eosmsg, com.microsoft.wm.fastcache, com.microsoft.wm.packetpairssrc, com.microsoft.wm.startupprofile
Content-Length: 10

v=0
o=-
`)

func TestReaderSortsWhatArrives(t *testing.T) {
	frame := []byte{'$', 1, 0, 3, 0x80, 0x60, 0x00}
	in := describeAnswer + string(frame) + eosExample + "\r\n" + string([]byte{'$', 0, 0, 0})
	r := NewReader(strings.NewReader(in))

	m, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	resp, ok := m.(*Response)
	if !ok || resp.StatusCode != 200 || resp.Reason != "OK" || resp.CSeq() != 5 || string(resp.Body) != "v=0\r\no=-\r\n" {
		t.Fatalf("first: %#v", m)
	}
	if got := resp.Header.Get("server"); got != "WMServer/9.5.5732.6324" {
		t.Errorf("Server %q", got)
	}
	if want := len(describeAnswer) - 10; resp.HeaderBytes != want {
		t.Errorf("HeaderBytes %d, want %d", resp.HeaderBytes, want)
	}

	m, err = r.Next()
	if f, ok := m.(*Frame); err != nil || !ok || f.Channel != 1 || !bytes.Equal(f.Payload, frame[4:]) {
		t.Fatalf("second: %#v %v", m, err)
	}

	m, err = r.Next()
	req, ok := m.(*Request)
	if err != nil || !ok {
		t.Fatalf("third: %#v %v", m, err)
	}
	if req.Method != "SET_PARAMETER" || req.URL != "rtsp://myserver.com/ServerSidePlaylist.wsx" || req.CSeq() != 5 {
		t.Errorf("request line: %q %q cseq %d", req.Method, req.URL, req.CSeq())
	}
	if len(req.Body) != 71 || !strings.HasPrefix(string(req.Body), "Session: 13856065358275910855\r\n") {
		t.Errorf("body %q", req.Body)
	}

	// The stray CRLF between messages is skipped and counted.
	m, err = r.Next()
	if f, ok := m.(*Frame); err != nil || !ok || f.Channel != 0 || len(f.Payload) != 0 {
		t.Fatalf("fourth: %#v %v", m, err)
	}
	if r.Garbage != 2 {
		t.Errorf("Garbage %d, want 2", r.Garbage)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("at the end: %v", err)
	}
}

func TestReaderRejects(t *testing.T) {
	for _, c := range []struct {
		name, in string
		err      error
	}{
		{"bad status", "RTSP/1.0 2000 OK\r\n\r\n", ErrProtocol},
		{"bad version", "SET_PARAMETER rtsp://x RTSP/2.0\r\n\r\n", ErrProtocol},
		{"bad length", "RTSP/1.0 200 OK\r\nContent-Length: x\r\n\r\n", ErrProtocol},
		{"huge length", "RTSP/1.0 200 OK\r\nContent-Length: 99999999999\r\n\r\n", ErrTooLarge},
		{"lying length", "RTSP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nshort", io.ErrUnexpectedEOF},
		{"truncated frame", "$\x00\x01\x00abc", io.ErrUnexpectedEOF},
		{"truncated headers", "RTSP/1.0 200 OK\r\nCSeq: 1\r\n", io.ErrUnexpectedEOF},
		{"malformed header", "RTSP/1.0 200 OK\r\nno colon here\r\n\r\n", ErrProtocol},
		{"endless garbage", strings.Repeat("junk junk junk\r\n", MaxGarbage/16+2), ErrGarbage},
		{"endless line", strings.Repeat("x", MaxGarbage+10<<10), ErrGarbage},
		{"too many headers", "RTSP/1.0 200 OK\r\n" + strings.Repeat("A: b\r\n", 300) + "\r\n", ErrTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(c.in))
			var err error
			for i := 0; i < 10 && err == nil; i++ {
				_, err = r.Next()
			}
			if !errors.Is(err, c.err) {
				t.Fatalf("err %v, want %v", err, c.err)
			}
		})
	}
}

func TestMarshalRequest(t *testing.T) {
	// MS-RTSP 2.2.7.14's UdpPacketPair (digest §8.11): 43 bytes of body
	// with no CRLF, Content-Length written by Marshal after the headers.
	req := &Request{Method: "SET_PARAMETER", URL: "rtsp://myserver.com/mycontent.wmv",
		Body: []byte("type: high-entropy-packetpair variable-size")}
	req.Header.Add("Content-Type", "application/x-rtsp-udp-packetpair")
	req.Header.Add("CSeq", "3")
	want := "SET_PARAMETER rtsp://myserver.com/mycontent.wmv RTSP/1.0\r\n" +
		"Content-Type: application/x-rtsp-udp-packetpair\r\nCSeq: 3\r\nContent-Length: 43\r\n\r\n" +
		"type: high-entropy-packetpair variable-size"
	if got := string(req.Marshal()); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	back, err := NewReader(strings.NewReader(want)).Next()
	if err != nil || string(back.(*Request).Body) != string(req.Body) {
		t.Fatalf("read back %#v %v", back, err)
	}
	if _, err := MarshalFrame(0, make([]byte, 0x10000)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a 64 KiB frame: %v", err)
	}
	if b, _ := MarshalFrame(2, []byte{9}); string(b) != "$\x02\x00\x01\x09" {
		t.Errorf("frame %q", b)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(describeAnswer + eosExample))
	f.Add([]byte("$\x00\x00\x02ab$\x01\x00\x00"))
	f.Add([]byte("RTSP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nshort"))
	f.Add([]byte("\r\n\r\nANNOUNCE rtsp://x RTSP/1.0\r\nCSeq: 1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b))
		for i := 0; i < 1000; i++ {
			m, err := r.Next()
			if err != nil {
				return
			}
			switch m := m.(type) {
			case *Response:
				if len(m.Body) > MaxBody {
					t.Fatal("body over the limit")
				}
				if _, err := NewReader(bytes.NewReader(m.Marshal())).Next(); err != nil {
					t.Fatalf("a response read does not read back: %v", err)
				}
			case *Request:
				if _, err := NewReader(bytes.NewReader(m.Marshal())).Next(); err != nil {
					t.Fatalf("a request read does not read back: %v", err)
				}
			case *Frame:
			default:
				t.Fatalf("Next returned %T", m)
			}
		}
	})
}

func TestReaderTimesPacketPairs(t *testing.T) {
	// A TcpPacketPair answer (MS-RTSP 2.2.7.12, 3.1.5.5): three $P packets
	// of [MS-WMSP] 2.2.3.7 (little-endian lengths 504, 504, 1048 with
	// Reason 0), each stamped as it completes.
	pkt := func(b0 byte, n int) string {
		return string([]byte{b0, 'P', byte(n), byte(n >> 8)}) + strings.Repeat("\x00", n)
	}
	body := pkt('$', 504) + pkt(0xA4, 504) + pkt('$', 1048)
	in := "RTSP/1.0 200 OK\r\nContent-Type: application/x-rtsp-packetpair\r\nCSeq: 2\r\nContent-Length: " +
		fmt.Sprint(len(body)) + "\r\n\r\n" + body + "RTSP/1.0 200 OK\r\nCSeq: 3\r\n\r\n"
	r := NewReader(strings.NewReader(in))
	clock := time.Unix(0, 0)
	r.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	m, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	resp := m.(*Response)
	if len(resp.Pairs) != 3 || resp.Pairs[0].Size != 508 || resp.Pairs[1].Size != 508 || resp.Pairs[2].Size != 1052 {
		t.Fatalf("pairs %+v", resp.Pairs)
	}
	if !resp.Pairs[1].At.After(resp.Pairs[0].At) || !resp.Pairs[2].At.After(resp.Pairs[1].At) {
		t.Fatalf("not stamped one by one: %+v", resp.Pairs)
	}
	if m, err := r.Next(); err != nil || m.(*Response).CSeq() != 3 {
		t.Fatalf("the next message: %v %v", m, err)
	}
	// A body that is no $P train is kept as the body.
	in = "RTSP/1.0 200 OK\r\nContent-Type: application/x-rtsp-packetpair\r\nContent-Length: 5\r\n\r\nhello"
	m, err = NewReader(strings.NewReader(in)).Next()
	if err != nil || string(m.(*Response).Body) != "hello" || len(m.(*Response).Pairs) != 0 {
		t.Fatalf("%+v %v", m, err)
	}
}
