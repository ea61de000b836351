package rtsp

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport/header"
)

// Supported tokens (MS-RTSP 2.2.6.10). The client implements EndOfStream
// and SelectStream bodies (MUST) and predictive stream selection; it
// never relays content, so it never asks for LocationId (2.2.6.10.3).
const (
	featureEOSMsg         = "com.microsoft.wm.eosmsg"
	featureSSwitch        = "com.microsoft.wm.sswitch"
	featurePredStrm       = "com.microsoft.wm.predstrm"
	featureSrvPPair       = "com.microsoft.wm.srvppair"
	featureStartupProfile = "com.microsoft.wm.startupprofile"
	featureFastCache      = "com.microsoft.wm.fastcache"
	featurePacketPairSSRC = "com.microsoft.wm.packetpairssrc"
)

// clientFeatures is the Supported header the client sends: only what it
// implements (2.2.6.10: the list MUST be truthful).
var clientFeatures = strings.Join([]string{featureEOSMsg, featureSSwitch, featurePredStrm}, ", ")

// DefaultUserAgent is the User-Agent product a Windows Media server
// expects of a player (2.2.6.12: "WMPlayer/" major "." minor, then the
// mandatory client GUID); Eddy appends its own product token.
const DefaultUserAgent = "WMPlayer/11.0.5721.5145"

// Content types of the extension requests (2.2.6.3).
const (
	ctypeSDP          = "application/sdp"
	ctypeLogConnect   = "application/x-wms-Logconnectstats;charset=UTF-8"
	ctypeLogPlay      = "application/x-wms-Logplaystats;charset=UTF-8"
	ctypeStreamSwitch = "application/x-wms-streamswitch"
	ctypeSendEvent    = "application/x-wms-sendevent"
	ctypeExtension    = "application/x-wms-extension-cmd"
)

// noStream is SSEntry's "no stream" (2.2.7.10.x).
const noStream = 4294967295

// base adds the headers every request carries (3.1.5.1): User-Agent with
// the client GUID, the language and charset WMP sends, the
// authentication schemes it accepts, the session once established, the
// playlist generation when nonzero.
func (s *session) base(method, url string) *Request {
	r := &Request{Method: method, URL: url}
	r.Header.Add("User-Agent", s.userAgent)
	r.Header.Add("Accept-Charset", "UTF-8, *;q=0.1")
	r.Header.Add("X-Accept-Authentication", s.acceptAuth)
	r.Header.Add("Accept-Language", s.language+", *;q=0.1")
	if s.o.sessionID != "" {
		r.Header.Add("Session", s.o.sessionID)
	}
	return r
}

// genID adds X-Playlist-Gen-Id when nonzero (3.1.5.1 rule 5).
func (s *session) genID(r *Request) {
	if s.o.genID != 0 {
		r.Header.Add("X-Playlist-Gen-Id", strconv.FormatUint(uint64(s.o.genID), 10))
	}
}

// describeRequest is 2.2.7.2's Describe.
func (s *session) describeRequest(url string) *Request {
	r := s.base("DESCRIBE", url)
	r.Header.Add("Accept", ctypeSDP)
	r.Header.Add("Supported", clientFeatures)
	s.genID(r)
	return r
}

// setupRequest is a SelectStream that adds a stream (2.2.7.10.1).
func (s *session) setupRequest(url string, t TransportSpec) *Request {
	r := s.base("SETUP", url)
	r.Header.Add("Supported", clientFeatures)
	s.genID(r)
	r.Header.Add("Transport", t.String())
	return r
}

// playRequest is 2.2.7.9's Play in READY: Range from the position (npt,
// never ;time=), Scale (MUST, 3.1.5.9.1: 1, or the fast forward/rewind
// rate, RFC 2326 12.34), the user's bandwidth and, at rate 1, fast
// start (X-Accelerate-Streaming: AccelDuration in ms of media,
// AccelBandwidth in bits per second).
func (s *session) playRequest(from time.Duration, rate float64, accel time.Duration, accelBps int64) *Request {
	r := s.base("PLAY", s.o.pres.aggregate)
	r.Header.Add("Supported", clientFeatures)
	if s.o.genID != 0 {
		r.Header.Add("X-Playlist-Seek-Id", strconv.FormatUint(uint64(s.o.genID), 10))
	}
	r.Header.Add("Range", "npt="+npt(from)+"-")
	if rate == 0 {
		rate = 1
	}
	r.Header.Add("Scale", strconv.FormatFloat(rate, 'f', 1, 64))
	if bw := s.cfg.Bandwidth; bw > 0 {
		r.Header.Add("Bandwidth", strconv.FormatInt(min(bw, 4294967295), 10))
	} else {
		r.Header.Add("Bandwidth", "2147483647")
	}
	if accel > 0 && accelBps > 0 && rate == 1 {
		r.Header.Add("X-Accelerate-Streaming", fmt.Sprintf("AccelDuration=%d;AccelBandwidth=%d",
			min(accel.Milliseconds(), 4294967295), min(accelBps, 4294967295)))
	}
	return r
}

// skipRequest is 2.2.7.9's Play that skips from the current playlist
// entry (3.1.5.9.1): X-Playlist instead of Range (2.2.6.20),
// X-Playlist-Seek-Id of the entry skipped from (2.2.6.23), Scale (MUST)
// and Bandwidth (SHOULD).
func (s *session) skipRequest(offset int) *Request {
	r := s.base("PLAY", s.o.pres.aggregate)
	r.Header.Add("Supported", clientFeatures)
	r.Header.Add("X-Playlist-Seek-Id", strconv.FormatUint(uint64(s.o.genID), 10))
	r.Header.Add("X-Playlist", "pl-offset="+strconv.Itoa(offset))
	r.Header.Add("Scale", "1.0")
	if bw := s.cfg.Bandwidth; bw > 0 {
		r.Header.Add("Bandwidth", strconv.FormatInt(min(bw, 4294967295), 10))
	} else {
		r.Header.Add("Bandwidth", "2147483647")
	}
	return r
}

// npt renders a position as RFC 2326 §3.6 npt seconds with milliseconds.
func npt(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	ms := d.Milliseconds()
	return fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
}

// ssEntry is a SelectStream body (2.2.7.10): "SSEntry:" SP OldStream SP
// NewStream SP ThinLevel [SP OldStreamURI] [SP NewStreamURI] CRLF, each
// URI present iff its stream number is not noStream (4294967295). The
// stream numbers are a=stream's (2.2.5.2.5).
func ssEntry(old, nw uint32, thin int, oldURI, newURI string) []byte {
	b := []byte("SSEntry: ")
	b = strconv.AppendUint(b, uint64(old), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(nw), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(thin), 10)
	if old != noStream {
		b = append(b, ' ')
		b = append(b, oldURI...)
	}
	if nw != noStream {
		b = append(b, ' ')
		b = append(b, newURI...)
	}
	return append(b, '\r', '\n')
}

// deselectRequest is SelectStream with TEARDOWN (2.2.7.10.2), removing
// the stream at streamURL (a=stream number, 0: none) from the RTP
// session the SETUP of slotURL selected. The request line names the
// SETUP's URL; when the stream is not the one of that URL (the server
// predicted it under its own URL, 2.2.6.27, 4.4.4.2), the body names it:
// SSEntry: <number> 4294967295 0 <streamURL> (NewStream 4294967295,
// ThinLevel 0). A body needs the server's sswitch (2.2.6.10.7) and the
// stream's number (2.2.7.10); without either the TEARDOWN goes to the
// stream's own URL, as a plain SelectStream.
func (s *session) deselectRequest(slotURL, streamURL string, number uint16) *Request {
	body := !sameStream(streamURL, slotURL)
	if body && (number == 0 || !s.o.features[featureSSwitch]) {
		slotURL, body = streamURL, false
	}
	r := s.base("TEARDOWN", slotURL)
	s.genID(r)
	if body {
		r.Header.Add("Content-Type", ctypeStreamSwitch)
		r.Body = ssEntry(uint32(number), noStream, 0, streamURL, "")
	}
	return r
}

// pauseRequest is 2.2.7.8's Pause: no Range (3.1.4.7).
func (s *session) pauseRequest() *Request { return s.base("PAUSE", s.o.pres.aggregate) }

// teardownRequest ends the session (2.2.7.13).
func (s *session) teardownRequest() *Request {
	r := s.base("TEARDOWN", s.o.pres.aggregate)
	s.genID(r)
	return r
}

// keepAliveRequest is 2.2.7.5's KeepAlive: GET_PARAMETER with no
// Content-Type and no body.
func (s *session) keepAliveRequest() *Request { return s.base("GET_PARAMETER", s.o.pres.aggregate) }

// logRequest is LogConnect (2.2.7.6) or LogPlay (2.2.7.7).
func (s *session) logRequest(ctype string, body []byte) *Request {
	r := s.base("SET_PARAMETER", s.o.pres.aggregate)
	r.Header.Add("Content-Type", ctype)
	r.Body = body
	return r
}

// answer is the client's response to a server request: 200 OK echoing
// CSeq and Session (3.1.5.13, 3.1.5.15: the client MUST respond).
func answer(req *Request, code int, reason string) *Response {
	resp := &Response{StatusCode: code, Reason: reason}
	if v := req.Header.Get("CSeq"); v != "" {
		resp.Header.Add("CSeq", v)
	}
	if v := req.Header.Get("Session"); v != "" {
		resp.Header.Add("Session", v)
	}
	return resp
}

// features parses a Supported header into a set (2.2.6.10).
func features(v string) map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Split(v, ",") {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" && len(m) < 64 {
			m[t] = true
		}
	}
	return m
}

// hdrOf is a shorthand for tests and builders.
func hdrOf(kv ...string) header.Header {
	var h header.Header
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}
