package rtsptest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pion/rtp"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport/rtsp/asfrtp"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// payload is one ASF payload as a receiver sees it.
type payload struct {
	stream         uint8
	key            bool
	object, offset uint32
	pts            uint32
	data           string
}

// filePayloads lists the payloads of every data packet of an ASF file,
// per stream, in file order: what the server must deliver.
func filePayloads(t *testing.T, data []byte) (map[uint8][]payload, uint64) {
	t.Helper()
	f, err := asf.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint8][]payload{}
	for n := uint64(0); n < f.PacketCount(); n++ {
		b, err := f.ReadPacket(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		addPayloads(t, out, b, f.PacketSize())
	}
	return out, f.PacketCount()
}

func addPayloads(t *testing.T, out map[uint8][]payload, b []byte, size uint32) {
	t.Helper()
	var p asf.Packet
	if err := p.Unmarshal(b, size); err != nil {
		t.Fatalf("ASF packet of %d bytes: %v", len(b), err)
	}
	for _, pl := range p.Payloads {
		out[pl.Stream] = append(out[pl.Stream], payload{pl.Stream, pl.Key, pl.ObjectNumber, pl.Offset, pl.PresentationTime, string(pl.Data)})
	}
}

// depacketize rebuilds the ASF packets of RTP packets given in order.
func depacketize(t *testing.T, raw [][]byte) ([]asfrtp.Packet, []*rtp.Packet) {
	t.Helper()
	d := asfrtp.NewDepacketizer(0)
	var out []asfrtp.Packet
	var pkts []*rtp.Packet
	for _, b := range raw {
		p := &rtp.Packet{}
		if err := p.Unmarshal(b); err != nil {
			t.Fatalf("RTP: %v", err)
		}
		pkts = append(pkts, p)
		if err := d.Push(p, func(a asfrtp.Packet) { out = append(out, a) }); err != nil {
			t.Fatalf("depacketizing seq %d: %v", p.SequenceNumber, err)
		}
	}
	return out, pkts
}

func headerSize(file []byte) int { return int(binary.LittleEndian.Uint64(file[16:24])) }

// TestDescribeWritesTheSDPAsWMSDoes checks the DESCRIBE answer line by
// line against digest §5 and MS-RTSP 2.2.5: a=maxps before t=, the ASF
// header (the file's first bytes) in a=pgmpu, one m= per ASF stream with
// a=control and a=stream, the FEC payload type and fmtp, the rtx stream
// of §8.12 (its payload type 97 as in §5.2), and the headers.
func TestDescribeWritesTheSDPAsWMSDoes(t *testing.T) {
	file := fixture(t, "d_wmv2_wmav2.wmv")
	s := New(t, Config{Entries: [][]byte{file}, FEC: &wmfec.Params{Span: 24, PerSpan: 1, BurstMargin: 1}, RTX: true})
	rc := dialRaw(t, s.Addr())
	r := rc.do("DESCRIBE", s.URL(), "", "Accept: application/sdp")
	if r.start != "RTSP/1.0 200 OK" {
		t.Fatalf("status line %q", r.start)
	}
	for name, want := range map[string]string{
		"Content-Type":   "application/sdp",
		"Server":         "WMServer/9.1.1.5000",
		"Supported":      "com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.eosmsg, com.microsoft.wm.fastcache, com.microsoft.wm.packetpairssrc",
		"X-Broadcast-Id": "0",
		"Content-Base":   s.URL() + "/",
		"Cache-Control":  fmt.Sprintf("no-cache, x-wms-content-size=%d", len(file)),
		"Content-Length": strconv.Itoa(len(r.body)),
	} {
		if got := r.get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	lines := strings.Split(strings.TrimSuffix(string(r.body), "\r\n"), "\r\n")
	idx := func(prefix string) int {
		return slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, prefix) })
	}
	if i, j := idx("a=maxps:3200"), idx("t=0 0"); i < 0 || j < 0 || i > j {
		t.Errorf("a=maxps:3200 at line %d, t=0 0 at %d: WMS writes a=maxps before t=", i, j)
	}
	const hdrPrefix = "a=pgmpu:data:application/vnd.ms.wms-hdr.asfv1;base64,"
	i := idx(hdrPrefix)
	if i < 0 {
		t.Fatalf("no ASF header a=pgmpu in\n%s", r.body)
	}
	hdr, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(lines[i], hdrPrefix))
	if err != nil || !bytes.Equal(hdr, file[:headerSize(file)]) {
		t.Errorf("a=pgmpu holds %d bytes (%v), want the file's %d-byte Header Object", len(hdr), err, headerSize(file))
	}
	if idx("a=pgmpu:data:application/x-wms-contentdesc,8,language,31,5,en-us,") < 0 {
		t.Errorf("no content description a=pgmpu")
	}
	// The media descriptions, in order, as MS-RTSP 2.2.5.3-2.2.5.5 write them.
	want := []string{
		"m=video 0 RTP/AVP 96 98", "b=RS:0", "b=RR:0", "a=rtpmap:96 x-asf-pf/1000", "a=control:video", "a=stream:1",
		"a=rtpmap:98 x-wms-fec/1000", "a=fmtp:98 video/fec 24 1",
		"m=audio 0 RTP/AVP 96 98", "b=AS:64", "b=RS:0", "b=RR:0", "a=rtpmap:96 x-asf-pf/1000", "a=control:audio", "a=stream:2",
		"a=rtpmap:98 x-wms-fec/1000", "a=fmtp:98 audio/fec 24 1",
		"m=application 0 RTP/AVP 97", "b=RS:0", "b=RR:0", "a=rtpmap:97 x-wms-rtx/1000", "a=control:rtx", "a=stream:65536",
	}
	var media []string
	for _, l := range lines[idx("m="):] {
		if !strings.HasPrefix(l, "b=AS:") || l == "b=AS:64" {
			media = append(media, l)
		}
	}
	if !slices.Equal(media, want) {
		t.Errorf("media descriptions:\n%s\nwant\n%s", strings.Join(media, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range []string{"v=0", "o=- ", "s=", "c=IN IP4 0.0.0.0", "b=AS:", "a=control:" + s.URL() + "/", "a=range:npt=0.000-"} {
		if idx(p) < 0 || idx(p) > idx("m=") {
			t.Errorf("no session-level %q", p)
		}
	}
}

// TestDescribeGStreamerStyle checks the SDP written as GStreamer's
// rtpasfpay server writes it (peers README §6): one m=application, the
// header and the Data Object's 50 bytes in config=, no a=stream, no
// MS-RTSP headers.
func TestDescribeGStreamerStyle(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	s := New(t, Config{Entries: [][]byte{file}, Style: StyleGStreamer, Path: "/test"})
	rc := dialRaw(t, s.Addr())
	r := rc.do("DESCRIBE", s.URL(), "", "Accept: application/sdp")
	if r.get("Server") != "GStreamer RTSP server" || r.get("Supported") != "" || r.get("X-Broadcast-Id") != "" {
		t.Errorf("headers %q", r.lines)
	}
	if r.get("Content-Base") != s.URL()+"/" {
		t.Errorf("Content-Base %q", r.get("Content-Base"))
	}
	body := string(r.body)
	cfg := "a=fmtp:96 maxps=3200;config=" + base64.StdEncoding.EncodeToString(file[:headerSize(file)+50]) + "\r\n"
	for _, l := range []string{"m=application 0 RTP/AVP 96\r\n", "a=rtpmap:96 X-ASF-PF/1000\r\n", cfg, "a=control:stream=0\r\n", "a=control:*\r\n"} {
		if !strings.Contains(body, l) {
			t.Errorf("SDP lacks %q:\n%s", l, body)
		}
	}
	if strings.Contains(body, "a=stream:") || strings.Contains(body, "pgmpu") || strings.Count(body, "\r\nm=") != 1 {
		t.Errorf("not GStreamer's shape:\n%s", body)
	}
}

// TestPlayOverTCPDeliversTheFile plays a WMV with video and audio over TCP
// interleaved channels with a raw client: the SETUP and PLAY answers
// have the shapes of MS-RTSP 2.2.7.10.1 and 3.2.5.8, each channel carries
// x-asf-pf RTP (PT 96, the SSRC of its SETUP answer, sequence numbers
// from RTP-Info's seq, first timestamp RTP-Info's rtptime) whose ASF
// packets hold exactly that stream's payloads of the file, and the
// EndOfStream request is that of 2.2.7.3 with the next sequence numbers.
func TestPlayOverTCPDeliversTheFile(t *testing.T) {
	file := fixture(t, "d_wmv2_wmav2.wmv")
	s := New(t, Config{Entries: [][]byte{file}})
	rc := dialRaw(t, s.Addr())
	rc.do("DESCRIBE", s.URL(), "", "Accept: application/sdp")
	r := rc.do("SETUP", s.URL()+"/video", "", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=6095d7d7;mode=PLAY")
	if got := r.get("Transport"); got != "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=2f73682b;mode=PLAY" {
		t.Errorf("SETUP Transport %q", got)
	}
	if got := r.get("Session"); got != "13856065358275910855;timeout=60" {
		t.Errorf("Session %q", got)
	}
	r = rc.do("SETUP", s.URL()+"/audio", "", "Transport: RTP/AVP/TCP;unicast;interleaved=2-3;ssrc=6095d7d7;mode=PLAY")
	if got := r.get("Transport"); got != "RTP/AVP/TCP;unicast;interleaved=2-3;ssrc=3074692c;mode=PLAY" {
		t.Errorf("SETUP Transport %q", got)
	}
	r = rc.do("PLAY", s.URL(), "", "Range: npt=0.000-", "Scale: 1.0")
	if r.status() != 200 || r.get("Range") != "npt=0.000-6.046" || r.get("Scale") != "1.0" {
		t.Fatalf("PLAY: %q %q", r.start, r.lines)
	}
	info := r.get("RTP-Info")
	eos := rc.untilRequest("SET_PARAMETER")
	want, _ := filePayloads(t, file)
	var next []string
	for i, st := range []struct {
		ch     byte
		url    string
		number uint8
		ssrc   uint32
	}{{0, s.URL() + "/video", 1, 0x2f73682b}, {2, s.URL() + "/audio", 2, 0x3074692c}} {
		asfPkts, rtpPkts := depacketize(t, rc.media(st.ch))
		if len(rtpPkts) == 0 {
			t.Fatalf("nothing on channel %d", st.ch)
		}
		first := rtpPkts[0]
		entry := fmt.Sprintf("url=%s;seq=1000;rtptime=%d", st.url, first.Timestamp)
		if strings.Split(info, ",")[i] != entry {
			t.Errorf("RTP-Info %q, want entry %q", info, entry)
		}
		for k, p := range rtpPkts {
			if p.PayloadType != 96 || p.SSRC != st.ssrc || p.SequenceNumber != uint16(1000+k) {
				t.Fatalf("channel %d packet %d: PT %d SSRC %08x seq %d", st.ch, k, p.PayloadType, p.SSRC, p.SequenceNumber)
			}
		}
		got := map[uint8][]payload{}
		for _, a := range asfPkts {
			addPayloads(t, got, a.Data, 0)
		}
		if len(got) != 1 || !slices.Equal(got[st.number], want[st.number]) {
			t.Errorf("channel %d: %d streams, %d payloads of stream %d; the file has %d", st.ch, len(got), len(got[st.number]), st.number, len(want[st.number]))
		}
		next = append(next, fmt.Sprintf("url=%s;seq=%d", st.url, 1000+len(rtpPkts)))
	}
	if eos.start != "SET_PARAMETER "+s.URL()+" RTSP/1.0" ||
		eos.get("Content-Type") != "application/x-wms-extension-cmd" ||
		eos.get("X-Notice") != `2101 "End-of-Stream Reached"` ||
		eos.get("RTP-Info") != strings.Join(next, ", ") ||
		string(eos.body) != "Session: 13856065358275910855\r\nEOF: true\r\n" {
		t.Errorf("EndOfStream:\n%s\n%s\n\n%q", eos.start, strings.Join(eos.lines, "\n"), eos.body)
	}
	rc.answer(eos)
	r = rc.do("TEARDOWN", s.URL(), "")
	if r.status() != 200 {
		t.Errorf("TEARDOWN: %q", r.start)
	}
	if _, _, err := rc.next(); err != io.EOF {
		t.Errorf("after TEARDOWN the server must close (3.2.5.17): %v", err)
	}
	if rs := s.Responses(); len(rs) != 1 || rs[0].Method != "SET_PARAMETER" || rs[0].StatusCode != 200 {
		t.Errorf("client answers recorded: %+v", rs)
	}
	if got := methods(s.Requests()); !slices.Equal(got, []string{"DESCRIBE", "SETUP", "SETUP", "PLAY", "TEARDOWN"}) {
		t.Errorf("requests recorded: %q", got)
	}
}

func methods(rs []Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Method)
	}
	return out
}
