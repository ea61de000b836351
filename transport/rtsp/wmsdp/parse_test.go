package wmsdp

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/asf"
)

// The ASF headers the tests put in SDP bodies: the first bytes of two
// FFmpeg-made files (testdata/README.md). c has stream 1 (WMA), d has stream
// 1 (WMV2) and stream 2 (WMA).
var (
	headerC = mustRead("testdata/c_wmav2.header.bin")
	headerD = mustRead("testdata/d_wmv2_wmav2.header.bin")
)

func mustRead(name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

// crlf turns the LF line ends of a test literal into CRLF, as WMS sends.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// pgmpu is the a=pgmpu line carrying h (MS-RTSP 2.2.5.2.3.1), base64 from the
// standard library.
func pgmpu(h []byte) string {
	return "a=pgmpu:data:application/vnd.ms.wms-hdr.asfv1;base64," + base64.StdEncoding.EncodeToString(h) + "\n"
}

// wrap puts media-level lines copied from the spec (which shows only those)
// into a minimal session carrying header h.
func wrap(h []byte, session, media string) string {
	return crlf("v=0\no=- 1 1 IN IP4 127.0.0.1\ns=<No Title>\nt=0 0\n" + session + pgmpu(h) + media)
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func urlString(u *url.URL) string {
	if u == nil {
		return "<nil>"
	}
	return u.String()
}

// Spec text, copied from MS-RTSP.
const (
	// MS-RTSP 2.2.5.4, the FEC example ("The base URL is not shown").
	specFEC = `m=audio 0 RTP/AVP 96 98
a=rtpmap:96 x-asf-pf/1000
a=fmtp:96 audio/vnd.wave;codec=123
a=control:audio
a=rtpmap:98 x-wms-fec/1000
a=fmtp:98 audio/fec 24 1
`
	// MS-RTSP 4.3.1 and 4.4.2 (digest 8.12, 8.14), the retransmission stream.
	specRTX = `m=application 0 RTP/AVP 96
a=rtpmap:96 x-wms-rtx/1000
a=control:rtx
a=stream:65536
`
	// MS-RTSP 2.2.5.2.6, the a=type example.
	specType = "a=type:notseekable,notstridable\n"
	// MS-RTSP 2.2.5.3, the x-asf-pf example.
	specASF = `m=audio 0 RTP/AVP 96
a=rtpmap:96 x-asf-pf/1000
`
)

// wmsOrder is the session section of a published WMS 9 DESCRIBE response
// (shared/notes/rtsp.md 5.5; gortsplib's "issue mediamtx/136" case): a=maxps
// between b= and t=, which pion/sdp/v3 rejects, with the header this test
// uses spliced in.
func wmsOrder(h []byte) string {
	return crlf(`v=0
o=- 200710060441230578 200710060441230578 IN IP4 127.0.0.1
s=<No Title>
c=IN IP4 0.0.0.0
b=AS:104
a=maxps:1250
t=0 0
a=control:rtsp://61.135.88.175:554/refuse/unavailable_media.wmv/
a=etag:{CCEE392D-83DF-F4AA-130B-E8A05562CE63}
a=range:npt=3.000-6.185
a=type:notstridable
a=recvonly
` + pgmpu(h) + `m=video 0 RTP/AVP 96
b=AS:105
b=X-AV:100
b=RS:0
b=RR:0
a=rtpmap:96 x-asf-pf/1000
a=control:video
a=stream:1
m=application 0 RTP/AVP 96
b=RS:0
b=RR:0
a=rtpmap:96 x-wms-rtx/1000
a=control:rtx
a=stream:65536
`)
}

// wmsContentDesc has the shape of the wm.microsoft.com WMS 9 response
// published with its content description list (CDL percent-encoded, CRLF as
// %0D%0A); the stream numbers follow headerD (video 1, audio 2).
func wmsContentDesc(h []byte) string {
	return crlf(`v=0
o=- 200311171721060249 200311171721060249 IN IP4 127.0.0.1
s=<No Title>
c=IN IP4 0.0.0.0
b=AS:1091
a=maxps:13632
t=0 0
a=control:rtsp://wm.microsoft.com/ms/video/0001-hi.wmv/
a=etag:{9D7121C3-1A1B-8ED6-6675-CB15D19D1FB7}
a=range:npt=3.100-173.903
a=recvonly
a=pgmpu:data:application/x-wms-contentdesc,8,language,31,0,,5,title,31,0,,44,WMS_CONTENT_DESCRIPTION_SERVER_BRANDING_INFO,31,12,WMServer/9.0,42,WMS_CONTENT_DESCRIPTION_PLAYLIST_ENTRY_URL,31,17,0001-hi.wmv%0D%0A
` + pgmpu(h) + `m=audio 0 RTP/AVP 96
b=AS:35
b=RS:0
b=RR:0
a=rtpmap:96 x-asf-pf/1000
a=control:audio
a=stream:2
m=application 0 RTP/AVP 96
b=RS:0
b=RR:0
a=rtpmap:96 x-wms-rtx/1000
a=control:rtx
a=stream:65536
m=video 0 RTP/AVP 96
b=AS:471
b=RS:0
b=RR:0
a=rtpmap:96 x-asf-pf/1000
a=control:stream=1
a=stream:1
`)
}

type parseCase struct {
	name  string
	body  string
	base  string
	check func(t *testing.T, d *Description)
}

// wantMedia is the part of a Media a case checks.
type wantMedia struct {
	kind    string
	role    Role
	pt      uint8
	stream  uint32
	control string
	bw      Bandwidth
}

func checkMedia(t *testing.T, d *Description, want ...wantMedia) {
	t.Helper()
	if len(d.Media) != len(want) {
		t.Fatalf("%d media, want %d (ignored: %v)", len(d.Media), len(want), d.Ignored)
	}
	for i, w := range want {
		m := d.Media[i]
		got := wantMedia{m.Kind, m.Role, m.PayloadType, m.Stream, urlString(m.Control), m.Bandwidth}
		if got != w {
			t.Errorf("media %d = %+v, want %+v", i, got, w)
		}
	}
}

func none() Bandwidth { return Bandwidth{-1, -1, -1, -1} }

func parseCases() []parseCase {
	return []parseCase{
		{
			// Rules 9 and 10 with the spec's FEC example: both relative
			// URLs resolve against the aggregate URL, which is the base (no
			// session a=control), and under the content URL, not beside it.
			name: "MS-RTSP 2.2.5.4 FEC example",
			body: wrap(headerC, "", specFEC),
			base: "rtsp://myserver.com/mycontent.wmv",
			check: func(t *testing.T, d *Description) {
				if got := urlString(d.Control); got != "rtsp://myserver.com/mycontent.wmv" {
					t.Errorf("Control = %s", got)
				}
				checkMedia(t, d, wantMedia{"audio", RoleASF, 96, 0, "rtsp://myserver.com/mycontent.wmv/audio", none()})
				m := d.Media[0]
				wantF := []Format{
					{96, EncodingASF, 1000, "audio/vnd.wave;codec=123"},
					{98, EncodingFEC, 1000, "audio/fec 24 1"},
				}
				if !reflect.DeepEqual(m.Formats, wantF) {
					t.Errorf("Formats = %+v, want %+v", m.Formats, wantF)
				}
				if m.FEC == nil {
					t.Fatalf("no FEC; ignored: %v", d.Ignored)
				}
				if m.FEC.PayloadType != 98 || urlString(m.FEC.Control) != "rtsp://myserver.com/mycontent.wmv/audio/fec" || m.FEC.Params != "24 1" {
					t.Errorf("FEC = {%d %s %q}", m.FEC.PayloadType, urlString(m.FEC.Control), m.FEC.Params)
				}
				if d.HeaderFromFmtp || !bytes.Equal(d.Header, headerC) {
					t.Errorf("Header from fmtp %v, %d bytes equal %v", d.HeaderFromFmtp, len(d.Header), bytes.Equal(d.Header, headerC))
				}
			},
		},
		{
			// MS-RTSP 4.4.2: DESCRIBE rtsp://wms4708/test, then
			// "SETUP rtsp://wms4708/test/rtx": the base has no trailing "/"
			// and the file name must stay.
			name: "MS-RTSP 4.3.1 retransmission stream, 4.4.2 URLs, 2.2.5.2.6 a=type example",
			body: wrap(headerC, specType, specASF+"a=control:audio\na=stream:1\n"+specRTX),
			base: "rtsp://wms4708/test",
			check: func(t *testing.T, d *Description) {
				checkMedia(t, d,
					wantMedia{"audio", RoleASF, 96, 1, "rtsp://wms4708/test/audio", none()},
					wantMedia{"application", RoleRetransmission, 96, 65536, "rtsp://wms4708/test/rtx", none()})
				if r := d.Retransmission(); r == nil || r.Stream != 65536 {
					t.Errorf("Retransmission() = %+v", r)
				}
				if s := d.Stream(1); s == nil || s.Kind != "audio" {
					t.Errorf("Stream(1) = %+v", s)
				}
				if len(d.Ignored) != 0 {
					t.Errorf("ignored: %v", d.Ignored)
				}
				if want := (Features{NotSeekable: true, NotStridable: true}); d.Type != want {
					t.Errorf("Type = %+v", d.Type)
				}
			},
		},
		{
			// MS-RTSP 2.2.5.2.1 and 2.2.5.1 example lines: the session
			// a=control is the base of the media ones, not the request URL.
			name: "MS-RTSP 2.2.5.1/2.2.5.2.1 example lines",
			body: wrap(headerC, "a=control:rtsp://MS-WMSP-L-S1/OnDemand/\n",
				"m=audio 0 RTP/AVP 96\nb=AS:107\nb=X-AV:100\na=rtpmap:96 x-asf-pf/1000\na=control:audio\na=stream:1\n"),
			base: "rtsp://elsewhere.example/other.wmv",
			check: func(t *testing.T, d *Description) {
				if got := urlString(d.Control); got != "rtsp://MS-WMSP-L-S1/OnDemand/" {
					t.Errorf("Control = %s", got)
				}
				checkMedia(t, d, wantMedia{"audio", RoleASF, 96, 1, "rtsp://MS-WMSP-L-S1/OnDemand/audio", Bandwidth{107, -1, -1, 100}})
			},
		},
		{
			name: "WMS 9 line order (a=maxps before t=)",
			body: wmsOrder(headerD),
			base: "rtsp://61.135.88.175/refuse/unavailable_media.wmv",
			check: func(t *testing.T, d *Description) {
				if d.MaxPacketSize != 1250 {
					t.Errorf("MaxPacketSize = %d", d.MaxPacketSize)
				}
				if want := (Features{NotStridable: true}); d.Type != want {
					t.Errorf("Type = %+v", d.Type)
				}
				if d.Range != "npt=3.000-6.185" {
					t.Errorf("Range = %q", d.Range)
				}
				if want := (Bandwidth{104, -1, -1, -1}); d.Bandwidth != want {
					t.Errorf("session Bandwidth = %+v", d.Bandwidth)
				}
				const c = "rtsp://61.135.88.175:554/refuse/unavailable_media.wmv/"
				if got := urlString(d.Control); got != c {
					t.Errorf("Control = %s", got)
				}
				checkMedia(t, d,
					wantMedia{"video", RoleASF, 96, 1, c + "video", Bandwidth{105, 0, 0, 100}},
					wantMedia{"application", RoleRetransmission, 96, 65536, c + "rtx", Bandwidth{-1, 0, 0, -1}})
				if d.ContentDescription != nil {
					t.Errorf("ContentDescription = %q", d.ContentDescription)
				}
				if d.ASF == nil || len(d.ASF.Streams) != 2 {
					t.Errorf("ASF header not parsed: %+v", d.ASF)
				}
			},
		},
		{
			name: "WMS 9 with content description list",
			body: wmsContentDesc(headerD),
			base: "rtsp://wm.microsoft.com/ms/video/0001-hi.wmv",
			check: func(t *testing.T, d *Description) {
				const cdl = "8,language,31,0,,5,title,31,0,,44,WMS_CONTENT_DESCRIPTION_SERVER_BRANDING_INFO,31,12,WMServer/9.0,42,WMS_CONTENT_DESCRIPTION_PLAYLIST_ENTRY_URL,31,17,0001-hi.wmv\r\n"
				if string(d.ContentDescription) != cdl {
					t.Errorf("ContentDescription = %q", d.ContentDescription)
				}
				if d.MaxPacketSize != 13632 {
					t.Errorf("MaxPacketSize = %d", d.MaxPacketSize)
				}
				const c = "rtsp://wm.microsoft.com/ms/video/0001-hi.wmv/"
				checkMedia(t, d,
					wantMedia{"audio", RoleASF, 96, 2, c + "audio", Bandwidth{35, 0, 0, -1}},
					wantMedia{"application", RoleRetransmission, 96, 65536, c + "rtx", Bandwidth{-1, 0, 0, -1}},
					wantMedia{"video", RoleASF, 96, 1, c + "stream=1", Bandwidth{471, 0, 0, -1}})
				if n := len(d.ASFMedia()); n != 2 {
					t.Errorf("ASFMedia: %d", n)
				}
			},
		},
		{
			// A real capture: the header comes from config= (base64), the
			// aggregate URL from a=control:* and Content-Base.
			name: "GStreamer rtpasfpay, WMA",
			body: string(mustRead("testdata/gst_c_wmav2.sdp")),
			base: "rtsp://127.0.0.1:18731/test/",
			check: func(t *testing.T, d *Description) {
				if got := urlString(d.Control); got != "rtsp://127.0.0.1:18731/test/" {
					t.Errorf("Control = %s", got)
				}
				checkMedia(t, d, wantMedia{"application", RoleASF, 96, 0, "rtsp://127.0.0.1:18731/test/stream=0", none()})
				if !d.HeaderFromFmtp || !bytes.Equal(d.Header, headerC) {
					t.Errorf("Header from fmtp %v, %d bytes, equal to the file's first 544: %v", d.HeaderFromFmtp, len(d.Header), bytes.Equal(d.Header, headerC))
				}
				if d.MaxPacketSize != 3200 {
					t.Errorf("MaxPacketSize = %d", d.MaxPacketSize)
				}
				if want := (Features{Broadcast: true}); d.Type != want {
					t.Errorf("Type = %+v", d.Type)
				}
				if d.Range != "npt=0-" {
					t.Errorf("Range = %q", d.Range)
				}
				if f := d.Media[0].Formats; len(f) != 1 || f[0].Encoding != EncodingASF || f[0].ClockRate != 1000 {
					t.Errorf("Formats = %+v", f)
				}
			},
		},
		{
			name: "GStreamer rtpasfpay, WMV2+WMA",
			body: string(mustRead("testdata/gst_d_wmv2_wmav2.sdp")),
			base: "rtsp://127.0.0.1:18732/test/",
			check: func(t *testing.T, d *Description) {
				checkMedia(t, d, wantMedia{"application", RoleASF, 96, 0, "rtsp://127.0.0.1:18732/test/stream=0", none()})
				if !bytes.Equal(d.Header, headerD) {
					t.Errorf("Header: %d bytes, not the file's first 809", len(d.Header))
				}
				if d.ASF == nil || len(d.ASF.Streams) != 2 {
					t.Errorf("ASF header not parsed")
				}
			},
		},
		{
			// The fmtp config= written in hex instead of base64.
			name: "config= in hex",
			body: crlf("v=0\no=- 1 1 IN IP4 127.0.0.1\ns=x\nt=0 0\na=control:*\nm=application 0 RTP/AVP 96\na=rtpmap:96 X-ASF-PF/1000\na=fmtp:96 maxps=3200;config=" +
				strings.ToUpper(hexString(headerC)) + "\na=control:stream=0\n"),
			base: "rtsp://h/test/",
			check: func(t *testing.T, d *Description) {
				if !d.HeaderFromFmtp || !bytes.Equal(d.Header, headerC) {
					t.Errorf("Header: %d bytes, equal %v", len(d.Header), bytes.Equal(d.Header, headerC))
				}
			},
		},
		{
			// RFC 2326 C.1.1: no session a=control, one media description
			// without a=control: both are the base.
			name: "single media, no control at all",
			body: wrap(headerC, "", specASF),
			base: "rtsp://h/a.wma",
			check: func(t *testing.T, d *Description) {
				checkMedia(t, d, wantMedia{"audio", RoleASF, 96, 0, "rtsp://h/a.wma", none()})
			},
		},
		{
			// An absolute media control URL stands as it is; a=reliable,
			// a=type with every feature (and an unknown one).
			name: "absolute media control, reliable, every a=type feature",
			body: wrap(headerC, "a=control:rtsp://h/x.wma/\na=type:broadcast,lastentry,notseekable,notstridable,playlist,skipbackward,skipforward,future\n",
				specASF+"a=control:rtsp://other:8554/x.wma/audio\na=stream:1\na=reliable\n"),
			base: "rtsp://h/x.wma",
			check: func(t *testing.T, d *Description) {
				checkMedia(t, d, wantMedia{"audio", RoleASF, 96, 1, "rtsp://other:8554/x.wma/audio", none()})
				if !d.Media[0].Reliable {
					t.Error("a=reliable not seen")
				}
				want := Features{true, true, true, true, true, true, true}
				if d.Type != want {
					t.Errorf("Type = %+v", d.Type)
				}
			},
		},
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestParse(t *testing.T) {
	for _, c := range parseCases() {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse([]byte(c.body), mustURL(c.base))
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, d)
		})
	}
}

// TestParseServerHabits: each habit Normalise exists for, applied to every
// table case, gives the same Description as the clean body.
func TestParseServerHabits(t *testing.T) {
	habits := []struct {
		name string
		f    func(string) string
	}{
		{"LF line ends", func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }},
		{"CR line ends", func(s string) string { return strings.ReplaceAll(s, "\r\n", "\r") }},
		{"trailing blanks", func(s string) string { return strings.ReplaceAll(s, "\r\n", " \t \r\n") }},
		{"blank lines", func(s string) string { return strings.ReplaceAll(s, "\r\n", "\r\n\r\n") }},
		{"no final line end", func(s string) string { return strings.TrimSuffix(s, "\r\n") }},
		{"no t= line", func(s string) string { return strings.Replace(s, "t=0 0\r\n", "", 1) }},
		{"session a= lines before t=", func(s string) string {
			i := strings.Index(s, "t=0 0\r\n")
			j := strings.Index(s, "\r\nm=")
			return s[:i] + s[i+len("t=0 0\r\n"):j+2] + "t=0 0\r\n" + s[j+2:]
		}},
		{"media a= before b=", func(s string) string {
			return strings.ReplaceAll(s, "m=application 0 RTP/AVP 96\r\nb=RS:0\r\nb=RR:0\r\na=rtpmap:96 x-wms-rtx/1000\r\n",
				"m=application 0 RTP/AVP 96\r\na=rtpmap:96 x-wms-rtx/1000\r\nb=RS:0\r\nb=RR:0\r\n")
		}},
	}
	for _, c := range parseCases() {
		want, err := Parse([]byte(c.body), mustURL(c.base))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want.SDP = nil
		for _, h := range habits {
			body := h.f(c.body)
			if body == c.body {
				continue
			}
			got, err := Parse([]byte(body), mustURL(c.base))
			if err != nil {
				t.Errorf("%s, %s: %v", c.name, h.name, err)
				continue
			}
			got.SDP = nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %s: differs from the clean body", c.name, h.name)
			}
		}
	}
}

type errorCase struct {
	name string
	body string
	base *url.URL
	want []error // the error wraps each
}

func errorCases() []errorCase {
	base := mustURL("rtsp://h/c.wma")
	media := specASF + "a=control:audio\na=stream:1\n"
	return []errorCase{
		{"not SDP", "hello world\r\n", base, []error{ErrSyntax}},
		{"empty", "", base, []error{ErrSyntax}},
		{"unknown type letter", wrap(headerC, "x=1\n", media), base, []error{ErrSyntax}},
		{"leading blank", wrap(headerC, " a=maxps:1\n", media), base, []error{ErrSyntax}},
		{"session line in media", wrap(headerC, "", media+"s=again\n"), base, []error{ErrSyntax}},
		{"pion rejects the origin", crlf("v=0\no=- x y IN IP4 h\ns=\nt=0 0\n" + pgmpu(headerC) + media), base, []error{ErrSyntax}},
		{"bandwidth past uint64", wrap(headerC, "", media+"b=AS:99999999999999999999999\n"), base, []error{ErrSyntax}},
		{"no ASF header", crlf("v=0\no=- 1 1 IN IP4 h\ns=\nt=0 0\n" + media), base, []error{ErrNoHeader}},
		{"header only as content description", crlf("v=0\no=- 1 1 IN IP4 h\ns=\nt=0 0\na=pgmpu:data:application/x-wms-contentdesc,x\n" + media), base, []error{ErrNoHeader}},
		{"bad base64", crlf("v=0\no=- 1 1 IN IP4 h\ns=\nt=0 0\na=pgmpu:data:application/vnd.ms.wms-hdr.asfv1;base64,MCay@@@@\n" + media), base, []error{ErrBadHeader}},
		{"base64 cut in a quantum", crlf("v=0\no=- 1 1 IN IP4 h\ns=\nt=0 0\na=pgmpu:data:application/vnd.ms.wms-hdr.asfv1;base64,MCaydY5\n" + media), base, []error{ErrBadHeader}},
		{"header not marked base64", strings.Replace(wrap(headerC, "", media), ";base64,", ",", 1), base, []error{ErrBadHeader}},
		{"header not ASF", wrap([]byte("RIFF0000WAVEfmt 0123456789abcdefghij"), "", media), base, []error{ErrBadHeader, asf.ErrNotASF}},
		{"header cut short", wrap(headerC[:200], "", media), base, []error{ErrBadHeader, asf.ErrTruncated}},
		{"config= garbage", crlf("v=0\no=- 1 1 IN IP4 h\ns=\nt=0 0\nm=application 0 RTP/AVP 96\na=rtpmap:96 X-ASF-PF/1000\na=fmtp:96 config=!!\n"), base, []error{ErrBadHeader}},
		{"rule 11: a=stream:0 on the only ASF media", wrap(headerC, "", specASF+"a=stream:0\n"), base, []error{ErrNoASFMedia, ErrInvalidMedia}},
		{"only a retransmission stream", wrap(headerC, "", specRTX), base, []error{ErrNoASFMedia}},
		{"x-asf-pf at 90 kHz", wrap(headerC, "", "m=audio 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/90000\n"), base, []error{ErrNoASFMedia, ErrInvalidMedia}},
		{"no media at all", wrap(headerC, "", ""), base, []error{ErrNoASFMedia}},
		{"session control not RTSP", wrap(headerC, "a=control:http://h/c.wma/\n", media), base, []error{ErrBadControl}},
		{"session control without host", wrap(headerC, "a=control:rtsp:c.wma\n", media), base, []error{ErrBadControl}},
		{"relative session control, no base", wrap(headerC, "a=control:c.wma/\n", media), nil, []error{ErrBadControl}},
		{"no session control, no base", wrap(headerC, "", media), nil, []error{ErrBadControl}},
		{"too many media", wrap(headerC, "", strings.Repeat(specASF, MaxMedia+1)), base, []error{ErrTooLarge}},
		{"too many lines", wrap(headerC, strings.Repeat("a=x\n", MaxLines), media), base, []error{ErrTooLarge}},
		{"body too large", string(make([]byte, MaxBodySize+1)), base, []error{ErrTooLarge}},
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range errorCases() {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse([]byte(c.body), c.base)
			if err == nil {
				t.Fatalf("no error; %d media", len(d.Media))
			}
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Errorf("error %q is not %q", err, w)
				}
			}
		})
	}
}

// ignoredCase is a body with a defect confined to one media description or
// one attribute.
type ignoredCase struct {
	name    string
	body    string
	kind    error    // every Ignored entry wraps it
	ignored int      // IgnoredCount
	streams []uint32 // the a=stream of the media kept, in order
	check   func(t *testing.T, d *Description)
}

// ignoredBase is the base URL of the ignoredCases.
var ignoredBase = mustURL("rtsp://h/d.wmv")

func ignoredCases() []ignoredCase {
	audio := "m=audio 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:audio\na=stream:2\n"
	return []ignoredCase{
		{"rule 11: a=stream:0", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:video\na=stream:0\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"rule 11: a=stream:65535", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:video\na=stream:65535\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"rule 11: ASF stream in the retransmission range", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:video\na=stream:65536\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"rule 11: retransmission stream 131071", wrap(headerD, "", audio+strings.Replace(specRTX, "65536", "131071", 1)), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"rule 11: retransmission stream 1", wrap(headerD, "", audio+strings.Replace(specRTX, "65536", "1", 1)), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"rule 11: eleven digits", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:video\na=stream:00000000001\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"rule 11: retransmission at the top of its range", wrap(headerD, "", audio+strings.Replace(specRTX, "65536", "131070", 1)), nil, 0, []uint32{2, 131070}, nil},
		{"a=stream names no header stream", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:video\na=stream:3\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"a=stream above 127", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:video\na=stream:257\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"duplicate stream", wrap(headerD, "", audio+strings.Replace(audio, "control:audio", "control:audio2", 1)), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"duplicate retransmission stream", wrap(headerD, "", audio+specRTX+strings.Replace(specRTX, "control:rtx", "control:rtx2", 1)), ErrInvalidMedia, 1, []uint32{2, 65536}, nil},
		{"two ASF media, one without a=stream", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:video\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"no a=control among several", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=stream:1\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"media control not RTSP", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:file:///etc/passwd\na=stream:1\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"x-asf-pf and x-wms-rtx in one media", wrap(headerD, "", audio+"m=video 0 RTP/AVP 96 97\na=rtpmap:96 x-asf-pf/1000\na=rtpmap:97 x-wms-rtx/1000\na=control:video\na=stream:1\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"payload type 200", wrap(headerD, "", audio+"m=video 0 RTP/AVP 200\na=rtpmap:200 x-asf-pf/1000\na=control:video\na=stream:1\n"), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"retransmission at 8 kHz", wrap(headerD, "", audio+strings.Replace(specRTX, "/1000", "/8000", 1)), ErrInvalidMedia, 1, []uint32{2}, nil},
		{"rule 12: a=maxps:0", wrap(headerD, "a=maxps:0\n", audio), ErrInvalidAttribute, 1, []uint32{2}, func(t *testing.T, d *Description) {
			if d.MaxPacketSize != 0 {
				t.Errorf("MaxPacketSize = %d", d.MaxPacketSize)
			}
		}},
		{"a=maxps of eleven digits", wrap(headerD, "a=maxps:12345678901\n", audio), ErrInvalidAttribute, 1, []uint32{2}, nil},
		{"a=maxps above the largest ASF packet", wrap(headerD, "a=maxps:4294967295\n", audio), ErrInvalidAttribute, 1, []uint32{2}, nil},
		{"a=maxps not a number", wrap(headerD, "a=maxps:-5\n", audio), ErrInvalidAttribute, 1, []uint32{2}, nil},
		{"absurd b=AS", wrap(headerD, "", strings.Replace(audio, "a=rtpmap", "b=AS:18446744073709551615\na=rtpmap", 1)), ErrInvalidAttribute, 1, []uint32{2}, func(t *testing.T, d *Description) {
			if d.Media[0].Bandwidth.AS != -1 {
				t.Errorf("AS = %d", d.Media[0].Bandwidth.AS)
			}
		}},
		{"b=X-AV just above MaxKbps", crlf("v=0\no=- 1 1 IN IP4 h\ns=\nb=X-AV:4294969\nt=0 0\n") + crlf(pgmpu(headerD)+audio), ErrInvalidAttribute, 1, []uint32{2}, func(t *testing.T, d *Description) {
			if d.Bandwidth.XAV != -1 {
				t.Errorf("XAV = %d", d.Bandwidth.XAV)
			}
		}},
		{"FEC without URL", wrap(headerD, "", "m=audio 0 RTP/AVP 96 98\na=rtpmap:96 x-asf-pf/1000\na=control:audio\na=stream:2\na=rtpmap:98 x-wms-fec/1000\n"), ErrInvalidAttribute, 1, []uint32{2}, func(t *testing.T, d *Description) {
			if d.Media[0].FEC != nil {
				t.Error("FEC kept")
			}
		}},
		{"FEC URL not RTSP", wrap(headerD, "", "m=audio 0 RTP/AVP 96 98\na=rtpmap:96 x-asf-pf/1000\na=control:audio\na=stream:2\na=rtpmap:98 x-wms-fec/1000\na=fmtp:98 http://x/fec 24 1\n"), ErrInvalidAttribute, 1, []uint32{2}, nil},
		{"FEC at 90 kHz", wrap(headerD, "", "m=audio 0 RTP/AVP 96 98\na=rtpmap:96 x-asf-pf/1000\na=control:audio\na=stream:2\na=rtpmap:98 x-wms-fec/90000\na=fmtp:98 fec 24 1\n"), ErrInvalidAttribute, 1, []uint32{2}, nil},
		{"rtpmap for a payload type not on the m= line", wrap(headerD, "", audio+"a=rtpmap:97 x-wms-fec/1000\n"), ErrInvalidAttribute, 1, []uint32{2}, nil},
		{"bad content description escape", wrap(headerD, "a=pgmpu:data:application/x-wms-contentdesc,5,title,31,2,%zz\n", audio), ErrInvalidAttribute, 1, []uint32{2}, func(t *testing.T, d *Description) {
			if d.ContentDescription != nil {
				t.Errorf("ContentDescription = %q", d.ContentDescription)
			}
		}},
		{"content description in base64", wrap(headerD, "a=pgmpu:data:application/x-wms-contentdesc;base64,NSx0aXRsZQ==\n", audio), ErrInvalidAttribute, 1, []uint32{2}, nil},
		{"second header: the first is used", wrap(headerC, pgmpu(headerD), audio), ErrInvalidAttribute, 1, []uint32{2}, func(t *testing.T, d *Description) {
			if !bytes.Equal(d.Header, headerD) {
				t.Error("not the first header")
			}
		}},
		{"unknown pgmpu media type", wrap(headerD, "a=pgmpu:data:text/plain,hello\n", audio), ErrInvalidAttribute, 1, []uint32{2}, nil},
		{"pgmpu not a data URL", wrap(headerD, "a=pgmpu:http://h/x\n", audio), ErrInvalidAttribute, 1, []uint32{2}, nil},
		{"other media kept as RoleOther", wrap(headerD, "", audio+"m=video 0 RTP/AVP 33\na=rtpmap:33 MP2T/90000\n"), nil, 0, []uint32{2, 0}, func(t *testing.T, d *Description) {
			if d.Media[1].Role != RoleOther {
				t.Errorf("Role = %v", d.Media[1].Role)
			}
		}},
		{"Ignored is capped", wrap(headerD, "", audio+strings.Repeat("m=video 0 RTP/AVP 96\na=rtpmap:96 x-asf-pf/1000\na=control:v\na=stream:0\n", 40)), ErrInvalidMedia, 40, []uint32{2}, func(t *testing.T, d *Description) {
			if len(d.Ignored) != maxIgnored {
				t.Errorf("%d Ignored entries, want %d", len(d.Ignored), maxIgnored)
			}
		}},
	}
}

// TestParseIgnored: a defect confined to one media description or one
// attribute drops that piece, says so in Ignored, and the rest plays.
func TestParseIgnored(t *testing.T) {
	for _, c := range ignoredCases() {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse([]byte(c.body), ignoredBase)
			if err != nil {
				t.Fatal(err)
			}
			if d.IgnoredCount != c.ignored || (c.ignored <= maxIgnored && len(d.Ignored) != c.ignored) {
				t.Errorf("ignored %d (%d listed), want %d: %v", d.IgnoredCount, len(d.Ignored), c.ignored, d.Ignored)
			}
			for _, e := range d.Ignored {
				if !errors.Is(e, c.kind) {
					t.Errorf("ignored %q is not %q", e, c.kind)
				}
			}
			var streams []uint32
			for _, m := range d.Media {
				streams = append(streams, m.Stream)
			}
			if !reflect.DeepEqual(streams, c.streams) {
				t.Errorf("streams kept %v, want %v", streams, c.streams)
			}
			if c.check != nil {
				c.check(t, d)
			}
		})
	}
}
