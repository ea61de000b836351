package mmsh

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/eddyplayer/eddy/transport/auth"
)

// Request shapes ([MS-WMSP] 2.2.2, D1.2). Each builder fixes the method,
// HTTP version and header order of a Windows Media Player capture (D4);
// the request target, Host, Cookie and credentials are filled by
// client.prepare when the connection is known.

// dontCare is the "unspecified" value of packet-num and the stream-offset
// halves (2.2.1.4.13, 2.2.1.4.25).
const dontCare = 4294967295

// position is where a Play starts ([MS-WMSP] 3.1.4.3.1, 3.2.5.6).
type position struct {
	// timeMS is stream-time; 0 means "unspecified" (the beginning, or the
	// live point of a broadcast).
	timeMS uint32
	// packet is packet-num, or dontCare.
	packet uint32
	// offset is the byte offset for stream-offset, or -1 for don't care.
	offset int64
}

// atTime starts at a presentation time.
func atTime(ms uint32) position { return position{timeMS: ms, packet: dontCare, offset: -1} }

// atPacket starts at an ASF packet; offset is its byte offset in the file
// when known (-1 otherwise).
func atPacket(n uint32, offset int64) position {
	return position{packet: n, offset: offset}
}

func (p position) offsetToken() string {
	if p.offset < 0 {
		return "stream-offset=4294967295:4294967295"
	}
	return fmt.Sprintf("stream-offset=%d:%d", uint64(p.offset)>>32, uint64(p.offset)&0xffffffff)
}

// formatRate renders rate ("rate=" ["-"] 1..5 ["." 1*3DIGIT], 2.2.1.4.22).
func formatRate(r float64) string {
	if r == 0 {
		r = 1
	}
	return strconv.FormatFloat(r, 'f', 3, 64)
}

// streamEntry is one stream-switch-entry item (2.2.1.4.27).
type streamEntry struct {
	from     int // -1 = ffff
	to       int
	thinning int // 0 all, 1 key frames, 2 off
}

// formatEntries renders the entries, stream numbers in lower-case hex.
func formatEntries(es []streamEntry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		from := "ffff"
		if e.from >= 0 {
			from = strconv.FormatInt(int64(e.from), 16)
		}
		parts[i] = fmt.Sprintf("%s:%s:%d", from, strconv.FormatInt(int64(e.to), 16), e.thinning)
	}
	return strings.Join(parts, " ")
}

// completeSelection lists every stream of the header, on (0) or off (2)
// (3.1.4.3.1: a player MUST give the complete selection state).
func completeSelection(all []int, selected map[int]bool) []streamEntry {
	out := make([]streamEntry, 0, len(all))
	for _, n := range all {
		th := 2
		if selected[n] {
			th = 0
		}
		out = append(out, streamEntry{from: -1, to: n, thinning: th})
	}
	return out
}

// changedSelection lists only the streams whose state changes
// (3.1.4.4: a mid-stream SelectStream names the affected streams). A
// stream turned off and one turned on in the same exclusion group become
// one "A:B:0" switch, so the server keeps sending A until B's first key
// frame (3.2.5.7).
func changedSelection(old, new map[int]bool, groups [][]int) []streamEntry {
	var off, on []int
	for n := range old {
		if old[n] && !new[n] {
			off = append(off, n)
		}
	}
	for n := range new {
		if new[n] && !old[n] {
			on = append(on, n)
		}
	}
	slices.Sort(off)
	slices.Sort(on)
	var out []streamEntry
	usedOn := map[int]bool{}
	for _, a := range off {
		paired := false
		for _, b := range on {
			if !usedOn[b] && sameGroup(groups, a, b) {
				out = append(out, streamEntry{from: a, to: b, thinning: 0})
				usedOn[b], paired = true, true
				break
			}
		}
		if !paired {
			out = append(out, streamEntry{from: -1, to: a, thinning: 2})
		}
	}
	for _, b := range on {
		if !usedOn[b] {
			out = append(out, streamEntry{from: -1, to: b, thinning: 0})
		}
	}
	return out
}

func sameGroup(groups [][]int, a, b int) bool {
	for _, g := range groups {
		ia, ib := false, false
		for _, n := range g {
			ia = ia || n == a
			ib = ib || n == b
		}
		if ia && ib {
			return true
		}
	}
	return false
}

// reqIdentity is what every request carries about the client.
type reqIdentity struct {
	ua, guid, lang string
	schemes        []string
	// clientID is set once the server assigned one (3.1.5.1: MUST send).
	clientID    uint32
	hasClientID bool
	// proxy adds X-Accept-Proxy-Authentication.
	proxy bool
}

func newRequest(kind reqKind, method, proto string) *request {
	return &request{kind: kind, Method: method, Proto: proto, Target: "/"}
}

// common adds Accept, User-Agent, Host (placeholder, set on send) and the
// authentication scheme lists (2.2.1.9, 2.2.1.10, 3.1.5.1 items 74, 81).
func (id *reqIdentity) common(r *request) {
	r.add("Accept", "*/*")
	r.add("User-Agent", id.ua)
	r.add("Host", "")
	if len(id.schemes) > 0 {
		r.add(auth.AcceptHeader(false), auth.AcceptValue(id.schemes))
		if id.proxy {
			r.add(auth.AcceptHeader(true), auth.AcceptValue(id.schemes))
		}
	}
}

func (id *reqIdentity) clientIDLine(r *request) {
	if id.hasClientID {
		r.pragma("client-id=" + strconv.FormatUint(uint64(id.clientID), 10))
	}
}

func (id *reqIdentity) guidLine(r *request) { r.pragma("xClientGUID=" + id.guid) }

func (id *reqIdentity) trailer(r *request) {
	if id.lang != "" {
		r.add("Accept-Language", id.lang+", *;q=0.1")
	}
	r.add("Cache-Control", "no-cache")
}

// describeOpts are the optional parts of a Describe.
type describeOpts struct {
	packetPair, pipeline bool
	supported            string
	reqContext           string
}

// describeRequest builds a Describe (2.2.2.1, D4.1).
func (id *reqIdentity) describeRequest(o describeOpts) *request {
	r := newRequest(reqDescribe, "GET", "HTTP/1.1")
	id.common(r)
	if o.pipeline {
		r.pragma("version11-enabled=1")
	}
	r.pragma("no-cache", "rate=1.000", "stream-time=0", "stream-offset=0:0",
		"packet-num=4294967295", "max-duration=0", "request-context="+o.reqContext)
	if o.packetPair {
		r.pragma("packet-pair-experiment=1")
	}
	if o.pipeline {
		r.pragma("pipeline-experiment=1")
	}
	if o.supported != "" {
		r.add("Supported", o.supported)
	}
	id.guidLine(r)
	id.clientIDLine(r)
	id.trailer(r)
	if !o.pipeline {
		r.add("Connection", "Close")
	}
	return r
}

// playOpts are the parts of a Play or PlayNextEntry.
type playOpts struct {
	pos        position
	rate       float64
	pipelined  bool
	accel      string // "LinkBW=..., AccelBW=..., AccelDuration=...[, Speed=...]" or ""
	supported  string
	genID      uint32
	seekID     uint32
	plOffset   int
	entries    []streamEntry
	reqContext string
	clientLag  int
}

// playRequest builds a Play (2.2.2.6, D4.7).
func (id *reqIdentity) playRequest(o playOpts) *request {
	r := newRequest(reqPlay, "GET", "HTTP/1.1")
	id.common(r)
	if o.pipelined {
		r.pragma("version11-enabled=1")
	}
	first := []string{"no-cache"}
	if o.plOffset != 0 {
		first = append(first, "pl-offset="+strconv.Itoa(o.plOffset))
	}
	first = append(first, "rate="+formatRate(o.rate),
		"stream-time="+strconv.FormatUint(uint64(o.pos.timeMS), 10),
		o.pos.offsetToken(),
		"packet-num="+strconv.FormatUint(uint64(o.pos.packet), 10),
		"max-duration=0", "request-context="+o.reqContext)
	r.pragma(first...)
	r.pragma("xPlayStrm=1")
	id.clientIDLine(r)
	if o.accel != "" {
		r.add("Pragma", o.accel)
	}
	if o.supported != "" {
		r.add("Supported", o.supported)
	}
	if o.genID != 0 {
		r.pragma("playlist-gen-id=" + strconv.FormatUint(uint64(o.genID), 10))
	}
	if o.seekID != 0 {
		r.pragma("playlist-seek-id=" + strconv.FormatUint(uint64(o.seekID), 10))
	}
	id.guidLine(r)
	id.selectionLines(r, o.entries)
	id.trailer(r)
	if o.pipelined {
		r.add("Connection", "Keep-Alive")
	}
	return r
}

// selectionLines adds stream-switch-count and the stream-switch-entry line
// of its own (2.2.1.4.26, 2.2.1.4.27).
func (id *reqIdentity) selectionLines(r *request, es []streamEntry) {
	if len(es) == 0 {
		return
	}
	r.pragma("stream-switch-count=" + strconv.Itoa(len(es)))
	r.add("Pragma", "stream-switch-entry="+formatEntries(es))
}

// playNextEntryRequest builds a PlayNextEntry (2.2.2.7, D4.8): pipelined
// mode only.
func (id *reqIdentity) playNextEntryRequest(o playOpts) *request {
	r := newRequest(reqPlayNextEntry, "GET", "HTTP/1.1")
	id.common(r)
	r.pragma("version11-enabled=1")
	id.clientIDLine(r)
	r.pragma("xPlayNextEntry=1")
	if o.genID != 0 {
		r.pragma("playlist-gen-id=" + strconv.FormatUint(uint64(o.genID), 10))
	}
	if o.seekID != 0 {
		r.pragma("playlist-seek-id=" + strconv.FormatUint(uint64(o.seekID), 10))
	}
	r.pragma("no-cache", "rate="+formatRate(o.rate), "stream-time=0",
		"stream-offset=4294967295:4294967295", "packet-num=4294967295", "max-duration=0",
		"request-context="+o.reqContext)
	r.pragma("client-lag=" + strconv.Itoa(max(0, o.clientLag)))
	if o.accel != "" {
		r.add("Pragma", o.accel)
	}
	if o.supported != "" {
		r.add("Supported", o.supported)
	}
	id.guidLine(r)
	id.trailer(r)
	id.selectionLines(r, o.entries)
	r.add("Connection", "Keep-Alive")
	return r
}

// selectStreamRequest builds a SelectStream (2.2.2.8): a zero-length POST
// without Content-Type in non-pipelined mode, a GET on the Play connection
// (HTTP/1.1, version11-enabled=1) in pipelined mode.
func (id *reqIdentity) selectStreamRequest(es []streamEntry, supported string, pipelined bool, reqContext string) *request {
	method := "POST"
	if pipelined {
		method = "GET"
	}
	r := newRequest(reqSelectStream, method, "HTTP/1.1")
	id.common(r)
	if pipelined {
		r.pragma("version11-enabled=1")
	}
	r.pragma("no-cache")
	id.clientIDLine(r)
	id.guidLine(r)
	if pipelined {
		r.pragma("request-context=" + reqContext)
	}
	if supported != "" {
		r.add("Supported", supported)
	}
	id.selectionLines(r, es)
	id.trailer(r)
	if pipelined {
		r.add("Connection", "Keep-Alive")
	} else {
		r.add("Content-Length", "0")
		r.add("Connection", "Close")
	}
	return r
}

// keepAliveRequest builds the non-pipelined KeepAlive (2.2.2.3.1, D4.3).
func (id *reqIdentity) keepAliveRequest() *request {
	r := newRequest(reqKeepAlive, "POST", "HTTP/1.1")
	id.common(r)
	id.guidLine(r)
	r.pragma("no-cache")
	r.pragma("xKeepAliveInPause=1")
	id.clientIDLine(r)
	r.add("Content-Length", "0")
	r.add("Connection", "Close")
	return r
}

// optionsKeepAliveRequest builds the pipelined KeepAlive (2.2.2.3.2,
// D4.4): OPTIONS * on the Play connection.
func (id *reqIdentity) optionsKeepAliveRequest() *request {
	r := newRequest(reqKeepAlive, "OPTIONS", "HTTP/1.1")
	r.Target = "*"
	r.add("User-Agent", id.ua)
	r.add("Host", "")
	id.clientIDLine(r)
	id.guidLine(r)
	return r
}

// logRequest builds a Log (2.2.2.4, D4.5): the XML body with
// application/x-wms-LogStats, or (line != "") the legacy log-line Pragma
// alone on its line with an empty body.
func (id *reqIdentity) logRequest(xml []byte, line string, pipelined bool) *request {
	r := newRequest(reqLog, "POST", "HTTP/1.1")
	id.common(r)
	id.guidLine(r)
	r.pragma("no-cache")
	id.clientIDLine(r)
	if line != "" {
		r.add("Pragma", "log-line="+line)
		r.add("Content-Length", "0")
	} else {
		r.add("Content-Length", strconv.Itoa(len(xml)))
		r.add("Content-Type", "application/x-wms-LogStats;charset=UTF-8")
		r.Body = xml
	}
	if !pipelined {
		r.add("Connection", "Close")
	}
	return r
}

// sendEventRequest builds a SendEvent (2.2.2.9, D4.10).
func (id *reqIdentity) sendEventRequest(body []byte) *request {
	r := newRequest(reqSendEvent, "POST", "HTTP/1.1")
	id.common(r)
	id.guidLine(r)
	r.pragma("no-cache")
	id.clientIDLine(r)
	r.add("Content-Length", strconv.Itoa(len(body)))
	r.add("Content-Type", "application/x-wms-sendevent")
	r.add("Connection", "Close")
	r.Body = body
	return r
}

// stopRequest builds the pipelined Stop (2.2.2.10, D4.11).
func (id *reqIdentity) stopRequest() *request {
	r := newRequest(reqStop, "POST", "HTTP/1.1")
	id.common(r)
	id.guidLine(r)
	id.clientIDLine(r)
	r.pragma("xStopStrm=1")
	r.add("Content-Length", "0")
	return r
}

// pipelineRequest builds one of the two Pipeline requests (2.2.2.5, D4.6).
func (id *reqIdentity) pipelineRequest(reqContext string) *request {
	r := newRequest(reqPipeline, "GET", "HTTP/1.1")
	id.common(r)
	r.pragma("no-cache")
	r.pragma("pipeline-request=1")
	id.clientIDLine(r)
	id.guidLine(r)
	r.pragma("request-context=" + reqContext)
	r.add("Connection", "keep-alive")
	return r
}

// remoteEvent renders a remote-log SendEvent body (2.2.5): EncodingFormat
// 1, EncodingVersion 1, EventType 30 (remote-log), EventReason, then the
// two content descriptions with the mandatory fields.
func remoteEvent(reason uint32, ua, guid, url string, renderingLog []byte) []byte {
	b := []byte("1\r\n1,30," + strconv.FormatUint(uint64(reason), 10) + "\r\n")
	first := ContentDescription{Pairs: []CDPair{
		{"context-type", VTI4, "2"},
		{"WMS_USER_AGENT", VTLPWStr, ua},
		{"WMS_USER_GUID", VTLPWStr, guid},
	}}
	second := ContentDescription{Pairs: []CDPair{
		{"context-type", VTI4, "5"},
		{"@WMS_COMMAND_CONTEXT_URL", VTLPWStr, url},
		{"@.REMOTE_LOG", VTLPWStr, string(renderingLog)},
	}}
	for _, d := range []ContentDescription{first, second} {
		for i, p := range d.Pairs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPair(b, p)
		}
		b = append(b, '\r', '\n')
	}
	return b
}
