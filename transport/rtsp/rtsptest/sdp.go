package rtsptest

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Payload types of the SDP, as in MS-RTSP's examples (2.2.5.3, 2.2.5.4,
// 2.2.5.5).
const (
	ptASF = 96
	ptRTX = 97
	ptFEC = 98
)

// rtxStreamNumber is the a=stream of the retransmission stream, the first
// of 65536..131070 (MS-RTSP 2.2.5.2.5).
const rtxStreamNumber = 65536

// describeSDP writes the SDP of entry i for a DESCRIBE or ANNOUNCE answer.
// base is the session-level control URL (ending in "/").
func (s *Server) describeSDP(i int, base string) []byte {
	if s.cfg.Style == StyleGStreamer {
		return s.gstSDP(i)
	}
	return s.wmsSDP(i, base)
}

// wmsSDP writes the SDP as Windows Media Services does (MS-RTSP 2.2.5,
// digest §5.1, §5.2): session-level a=maxps before t= as real servers
// put it (digest §5.5), the ASF header in a=pgmpu (2.2.5.2.3.1), the
// content description list in a second a=pgmpu (2.2.5.2.3.2), a=type
// (2.2.5.2.6), then one m= line per ASF stream with b=AS (2.2.5.1.1),
// b=RS:0 and b=RR:0 (2.2.5.1.2, 2.2.5.1.3), a=control (2.2.5.2.1),
// a=stream (2.2.5.2.5), a=reliable (2.2.5.2.4), the FEC payload type
// (2.2.5.4), and the rtx m= line (2.2.5.5).
func (s *Server) wmsSDP(i int, base string) []byte {
	e := s.entries[i]
	var b strings.Builder
	line := func(format string, a ...any) {
		fmt.Fprintf(&b, format, a...)
		b.WriteString("\r\n")
	}
	var total uint64
	for _, st := range e.streams {
		total += uint64(st.bitrate)
	}
	// 2.2.5.1.1: b=AS MUST appear per stream. A stream with no declared
	// bit rate (FFmpeg's video) gets what the file's maximum leaves.
	rate := func(st streamInfo) uint64 {
		if st.bitrate > 0 {
			return uint64(st.bitrate)
		}
		if m := uint64(e.hdr.MaxBitrate); m > total {
			return m - total
		}
		return 1000
	}
	title := e.hdr.Content.Title
	if title == "" {
		title = "<No Title>"
	}
	line("v=0")
	line("o=- %s %s IN IP4 127.0.0.1", s.sdpSessionID, s.sdpSessionID)
	line("s=%s", oneLine(title))
	line("c=IN IP4 0.0.0.0")
	var sum uint64
	for _, st := range e.streams {
		sum += rate(st)
	}
	line("b=AS:%d", kbps(sum))
	line("a=maxps:%d", e.hdr.PacketSize)
	line("t=0 0")
	line("a=control:%s", base)
	line("a=etag:{%s}", e.hdr.FileID.String())
	line("a=range:npt=0.000-%.3f", e.duration().Seconds())
	if types := s.types(i); types != "" {
		line("a=type:%s", types)
	}
	line("a=recvonly")
	line("a=pgmpu:data:application/x-wms-contentdesc,%s", strings.ReplaceAll(url.PathEscape(string(contentDescription(e))), "%2C", ","))
	line("a=pgmpu:data:application/vnd.ms.wms-hdr.asfv1;base64,%s", base64.StdEncoding.EncodeToString(e.header))
	for _, st := range e.streams {
		if s.cfg.FEC != nil {
			line("m=%s 0 RTP/AVP %d %d", st.media, ptASF, ptFEC)
		} else {
			line("m=%s 0 RTP/AVP %d", st.media, ptASF)
		}
		line("b=AS:%d", kbps(rate(st)))
		line("b=RS:0")
		line("b=RR:0")
		line("a=rtpmap:%d x-asf-pf/1000", ptASF)
		line("a=control:%s", st.control)
		line("a=stream:%d", st.number)
		if st.reliable {
			line("a=reliable")
		}
		if f := s.cfg.FEC; f != nil {
			line("a=rtpmap:%d x-wms-fec/1000", ptFEC)
			line("a=fmtp:%d %s/fec %d %d", ptFEC, st.control, f.Span, f.PerSpan)
		}
	}
	if s.cfg.RTX {
		line("m=application 0 RTP/AVP %d", ptRTX)
		line("b=RS:0")
		line("b=RR:0")
		line("a=rtpmap:%d x-wms-rtx/1000", ptRTX)
		line("a=control:rtx")
		line("a=stream:%d", rtxStreamNumber)
	}
	return []byte(b.String())
}

// gstSDP writes the SDP as GStreamer's RTSP server with rtpasfpay does
// (peers README §6): one m=application for the whole file, the ASF header
// and the Data Object's 50 bytes in config= and the packet size in maxps=
// of a=fmtp, control "stream=0" under a "*" session control.
func (s *Server) gstSDP(i int) []byte {
	e := s.entries[i]
	var b strings.Builder
	line := func(format string, a ...any) {
		fmt.Fprintf(&b, format, a...)
		b.WriteString("\r\n")
	}
	line("v=0")
	line("o=- %s 1 IN IP4 127.0.0.1", s.sdpSessionID)
	line("s=Session streamed with GStreamer")
	line("i=rtsp-server")
	line("t=0 0")
	line("a=tool:GStreamer")
	line("a=type:broadcast")
	line("a=control:*")
	line("a=range:npt=0-")
	line("m=application 0 RTP/AVP %d", ptASF)
	line("c=IN IP4 0.0.0.0")
	line("a=rtpmap:%d X-ASF-PF/1000", ptASF)
	line("a=fmtp:%d maxps=%d;config=%s", ptASF, e.hdr.PacketSize, base64.StdEncoding.EncodeToString(e.withData))
	line("a=control:stream=0")
	line("a=ts-refclk:local")
	line("a=mediaclk:sender")
	line("a=ssrc:%d cname:user1@host-rtsptest", s.ssrc(0))
	return []byte(b.String())
}

// types is entry i's a=type value (MS-RTSP 2.2.5.2.6): a playlist adds
// "playlist", "skipbackward" where entry i has a previous entry,
// "skipforward" where it has a next one (X-Playlist, 2.2.5.2.6.6/7), and
// "lastentry" on the last.
func (s *Server) types(i int) string {
	t := append([]string(nil), s.cfg.Types...)
	if len(s.entries) > 1 {
		t = append(t, "playlist")
		if i > 0 {
			t = append(t, "skipbackward")
		}
		if i < len(s.entries)-1 {
			t = append(t, "skipforward")
		}
		if i == len(s.entries)-1 {
			t = append(t, "lastentry")
		}
	}
	return strings.Join(t, ",")
}

// contentDescription is the entry's content description list ([MS-WMSP]
// 2.2.4): one description, language first, then title and author, each
// pair "<name length>,<name>,<type>,<value length>,<value>" with type 31
// (VT_LPWSTR), ending in CRLF.
func contentDescription(e *entry) []byte {
	var b []byte
	pair := func(name, value string) {
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(len(name)), 10)
		b = append(b, ',')
		b = append(b, name...)
		b = append(b, ",31,"...)
		b = strconv.AppendInt(b, int64(len(value)), 10)
		b = append(b, ',')
		b = append(b, value...)
	}
	pair("language", "en-us")
	pair("title", e.hdr.Content.Title)
	pair("author", e.hdr.Content.Author)
	return append(b, '\r', '\n')
}

// kbps rounds bits per second up to kilobits per second (RFC 4566 b=AS).
func kbps(bps uint64) uint64 { return (bps + 999) / 1000 }

// oneLine removes line breaks from a value put on an SDP line.
func oneLine(v string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
}
