package rtsptest

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"regexp"
	"strconv"
	"strings"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport/rtsp"
)

// playParams are how a PLAY asked the packets to be paced.
type playParams struct {
	// speed multiplies Config.Speed (Scale, and Speed when fastcache).
	speed float64
	accel accel
	// hasAccel: X-Accelerate-Streaming was asked and granted.
	hasAccel bool
}

// play answers PLAY (MS-RTSP 3.2.5.8): Range (npt or x-asf-packet, from
// the key frame at or before the position), Scale, Speed,
// X-Accelerate-Streaming granted within the server's caps, RTP-Info with
// the sequence number and RTP time of each stream's first packet, and
// X-Playlist-Seek-Id checked against the current entry.
func (c *conn) play(req *rtsp.Request) bool {
	cfg := &c.s.cfg
	if cfg.Faults.PlayStatus != 0 {
		return c.fail(req, cfg.Faults.PlayStatus)
	}
	if tg, ok := c.resolve(req.URL); !ok || !tg.aggregate {
		return c.fail(req, 404)
	}
	c.mu.Lock()
	nslots, gen := len(c.slots), c.genID
	c.mu.Unlock()
	if nslots == 0 {
		return c.fail(req, 455)
	}
	if v := req.Header.Get("X-Playlist-Seek-Id"); v != "" {
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
		if err != nil || uint32(n) != gen {
			return c.fail(req, 412)
		}
	}
	if req.Header.Has("X-Playlist") {
		return c.skip(req)
	}
	p := playParams{speed: 1}
	if v := req.Header.Get("Scale"); v != "" {
		f, err := parseScale(v)
		if err != nil {
			return c.fail(req, 400)
		}
		if f <= 0 {
			return c.fail(req, 501) // rewinding is not implemented here
		}
		p.speed = f
	}
	if v := req.Header.Get("Speed"); v != "" && c.s.supports("com.microsoft.wm.fastcache") {
		f, err := parseScale(v)
		if err != nil || f <= 0 {
			return c.fail(req, 400)
		}
		p.speed *= f
	}
	var granted accel
	if v := req.Header.Get("X-Accelerate-Streaming"); v != "" {
		a, err := parseAccel(v)
		if err != nil {
			return c.fail(req, 400)
		}
		// 3.2.5.8: never more bandwidth than asked; no longer than asked.
		granted = accel{duration: a.duration, bandwidth: min(a.bandwidth, cfg.MaxAccelBandwidth)}
		if cfg.MaxAccelDuration > 0 {
			granted.duration = min(granted.duration, cfg.MaxAccelDuration)
		}
		p.accel, p.hasAccel = granted, true
	}
	c.stopStreamer()
	c.mu.Lock()
	e := c.s.entries[c.entry]
	start := c.position
	c.mu.Unlock()
	var startTime float64
	if v := req.Header.Get("Range"); v != "" {
		r, err := parseRange(v)
		if err != nil {
			return c.fail(req, 457)
		}
		switch {
		case r.hasPacket:
			if r.packet >= e.file.PacketCount() {
				return c.fail(req, 457)
			}
			start = r.packet
		case r.start > e.duration():
			return c.fail(req, 457)
		default:
			c.mu.Lock()
			var numbers []uint8
			for _, sl := range c.slots {
				numbers = append(numbers, sl.number)
			}
			c.mu.Unlock()
			start = e.seek(r.start, numbers)
			startTime = r.start.Seconds()
		}
	}
	resp := c.reply(req, 200)
	resp.Header.Add("Range", fmt.Sprintf("npt=%.3f-%.3f", startTime, e.duration().Seconds()))
	if req.Header.Has("Scale") {
		resp.Header.Add("Scale", req.Header.Get("Scale"))
	}
	c.mu.Lock()
	var info []string
	for _, sl := range c.slots {
		s := "url=" + c.streamURL(sl) + ";seq=" + itoa(int(sl.seq))
		if t, ok := firstSendTime(e, start, sl.number); ok {
			s += ";rtptime=" + strconv.FormatUint(uint64(t+cfg.TimestampBase), 10)
		}
		info = append(info, s)
	}
	c.state = statePlaying
	c.pauseInReady = false
	c.position = start
	c.mu.Unlock()
	resp.Header.Add("RTP-Info", strings.Join(info, ","))
	if p.hasAccel {
		resp.Header.Add("X-Accelerate-Streaming", granted.String())
	}
	if !c.send(resp) {
		return false
	}
	c.startStreamer(start, &p)
	return true
}

// skip answers a PLAY with X-Playlist (MS-RTSP 2.2.6.20, 3.2.5.8): the
// entry skipped from is X-Playlist-Seek-Id's, which must be the current
// one (checked by play); the request names no Range (2.2.7.9: Range or
// X-Playlist); "pl-offset=1" goes to the next entry, "pl-offset=-1" to
// the previous one, one that is not there is 400. The answer is 200 with
// X-Playlist-Change-Notice: true (2.2.6.21) and no RTP follows: the
// EndOfStream with End-Of-Playlist-Entry, then the ANNOUNCE of the entry
// reached (startSkip).
func (c *conn) skip(req *rtsp.Request) bool {
	c.mu.Lock()
	gen, entry := c.genID, c.entry
	c.mu.Unlock()
	if gen == 0 || !req.Header.Has("X-Playlist-Seek-Id") || req.Header.Has("Range") {
		return c.fail(req, 400)
	}
	var offset int
	switch strings.TrimSpace(req.Header.Get("X-Playlist")) {
	case "pl-offset=1":
		offset = 1
	case "pl-offset=-1":
		offset = -1
	default:
		return c.fail(req, 400)
	}
	target := entry + offset
	if target < 0 || target >= len(c.s.entries) {
		return c.fail(req, 400)
	}
	c.stopStreamer()
	c.mu.Lock()
	moved := c.genID != gen // the entry ended meanwhile: ANNOUNCE sent
	if !moved {
		c.state = statePlaying
		c.pauseInReady = false
	}
	c.mu.Unlock()
	if moved {
		return c.fail(req, 412)
	}
	resp := c.reply(req, 200)
	resp.Header.Add("X-Playlist-Change-Notice", "true")
	if !c.send(resp) {
		return false
	}
	c.s.count(func(x *Stats) { x.Skips++ })
	c.startSkip(target)
	return true
}

// firstSendTime is the ASF send time of the first packet from start that
// goes to the RTP session of ASF stream number (0: any).
func firstSendTime(e *entry, start uint64, number uint8) (uint32, bool) {
	for n := start; n < e.file.PacketCount() && n < start+4096; n++ {
		data, err := e.packet(n, number)
		if err != nil {
			return 0, false
		}
		if data != nil {
			t, err := asf.ParseSendTime(data)
			return t, err == nil
		}
	}
	return 0, false
}

func (s *Server) supports(feature string) bool {
	for _, f := range s.cfg.Supported {
		if f == feature {
			return true
		}
	}
	return false
}

// pause answers PAUSE (MS-RTSP 3.2.5.11): 455 outside PLAYING unless an
// EndOfStream ended a playlist entry (Pause-Allowed-In-READY).
func (c *conn) pause(req *rtsp.Request) bool {
	c.mu.Lock()
	ok := c.state == statePlaying || c.state == stateReady && c.pauseInReady
	c.mu.Unlock()
	if !ok {
		return c.fail(req, 455)
	}
	c.stopStreamer()
	c.mu.Lock()
	c.state = stateReady
	c.mu.Unlock()
	return c.send(c.reply(req, 200))
}

// getParameter answers KeepAlive (no Content-Type, MS-RTSP 2.2.7.5) and
// anything else with an empty 200.
func (c *conn) getParameter(req *rtsp.Request) bool {
	if strings.EqualFold(contentType(req.Header), "application/x-rtsp-packetpair") && c.s.supports("com.microsoft.wm.srvppair") {
		return c.tcpPacketPair(req)
	}
	return c.send(c.reply(req, 200))
}

// tcpPacketPair answers TcpPacketPair (MS-RTSP 2.2.7.12, 3.2.5.5) with
// three $P packets in the body ([MS-WMSP] 2.2.3.7, little-endian):
// '$' 'P', PacketLength 504, 504, 1048, Reason R = min(504, the bytes of
// the response before the first $P), then 504−R, 504 and 1048+R random
// bytes. Each $P goes in its own write (3.2.5.5: its own TCP segment).
func (c *conn) tcpPacketPair(req *rtsp.Request) bool {
	const bodySize = (8 + 504) + (8 + 504) + (8 + 1048) // R cancels out
	r := c.reply(req, 200)
	r.Header.Add("Content-Type", "application/x-rtsp-packetpair")
	r.Body = make([]byte, bodySize)
	head := r.Marshal()[:len(r.Marshal())-bodySize]
	reason := min(504, len(head))
	rnd := rand.New(rand.NewSource(int64(len(head))))
	pp := func(length, size int) []byte {
		b := make([]byte, 8+size)
		b[0], b[1] = 0x24, 'P'
		binary.LittleEndian.PutUint16(b[2:], uint16(length))
		binary.LittleEndian.PutUint32(b[4:], uint32(reason))
		rnd.Read(b[8:])
		return b
	}
	for _, b := range [][]byte{append(head, pp(504, 504-reason)...), pp(504, 504), pp(1048, 1048+reason)} {
		if c.write(b) != nil {
			return false
		}
	}
	return true
}

// setParameter answers LogConnect and LogPlay (kept in Requests,
// 3.2.5.9, 3.2.5.12), UdpPacketPair (3.2.5.7: three packet-pair packets
// to the rtx port, the body echoed as in 4.4.2) and SelectStream with a
// stream-switch body (3.2.5.6.3).
func (c *conn) setParameter(req *rtsp.Request) bool {
	switch strings.ToLower(contentType(req.Header)) {
	case "application/x-rtsp-udp-packetpair":
		c.mu.Lock()
		x, u := c.rtx, c.udp
		c.mu.Unlock()
		if x == nil || u == nil {
			return c.fail(req, 455)
		}
		if !c.s.supports("com.microsoft.wm.srvppair") {
			return c.fail(req, 501)
		}
		r := c.reply(req, 200)
		r.Header.Add("Content-Type", req.Header.Get("Content-Type"))
		r.Body = req.Body
		if !c.send(r) {
			return false
		}
		c.sendPacketPair(u, x, strings.Contains(string(req.Body), "variable-size"))
		return true
	case "application/x-wms-streamswitch":
		return c.streamSwitch(req)
	}
	return c.send(c.reply(req, 200))
}

// streamSwitch applies "SSEntry: <old> <new> <thin> [<old-url>] [<new-url>]"
// to the slot of the request URL (MS-RTSP 2.2.7.10.3): the slot carries
// the new stream from the next packet on.
func (c *conn) streamSwitch(req *rtsp.Request) bool {
	tg, ok := c.resolve(req.URL)
	if !ok || tg.aggregate {
		return c.fail(req, 400)
	}
	line, _, _ := strings.Cut(string(req.Body), "\n")
	f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "SSEntry:"))
	if len(f) < 3 {
		return c.fail(req, 400)
	}
	nw, err := strconv.ParseUint(f[1], 10, 32)
	if err != nil {
		return c.fail(req, 400)
	}
	resume, was := c.stopForChange()
	c.mu.Lock()
	e := c.s.entries[c.entry]
	code := 400
	for i, sl := range c.slots {
		if sl.control != tg.control {
			continue
		}
		if nw == 4294967295 {
			c.slots = append(c.slots[:i], c.slots[i+1:]...)
			code = 200
			break
		}
		for _, st := range e.streams {
			if uint64(st.number) == nw {
				sl.number, code = st.number, 200
			}
		}
		break
	}
	c.mu.Unlock()
	if was {
		c.startStreamer(resume, nil)
	}
	return c.fail(req, code)
}

// ssEntryRE is a SelectStream body of a TEARDOWN as MS-RTSP 2.2.7.10
// writes it: "SSEntry:" SP OldStream SP NewStream SP ThinLevel
// [SP OldStreamURI] [SP NewStreamURI] CRLF, one line.
var ssEntryRE = regexp.MustCompile(`^SSEntry: ([0-9]{1,10}) ([0-9]{1,10}) ([012])((?: [^ \r\n]+)*)\r\n$`)

// deselect answers a SelectStream with TEARDOWN of a media stream
// (MS-RTSP 2.2.7.10.2, 3.2.5.6.2, 3.2.5.6.4). The request URL is the one
// of a SETUP of the session. Without a body the slot of that SETUP must
// carry its own stream, which is removed. With a body
// (application/x-wms-streamswitch) it must read "SSEntry: <old>
// 4294967295 <thin> <old-url>": NewStream 4294967295 and no
// NewStreamURI (2.2.7.10: present iff not 4294967295), OldStreamURI
// present; the slot carrying the stream numbered old under that URL, on
// the same transport as the request URL's slot (4.4.4.3), is removed.
// Anything else is 400, a URL no SETUP used 404; both counted in
// Stats.DeselectRefused.
func (c *conn) deselect(req *rtsp.Request, tg target) bool {
	refuse := func(code int) bool {
		c.s.count(func(x *Stats) { x.DeselectRefused++ })
		return c.fail(req, code)
	}
	c.mu.Lock()
	var own *slot
	for _, sl := range c.slots {
		if sl.control == tg.control {
			own = sl
		}
	}
	c.mu.Unlock()
	if own == nil {
		return refuse(404)
	}
	var oldNum uint64
	var oldURI string
	if len(req.Body) > 0 {
		if !strings.EqualFold(contentType(req.Header), "application/x-wms-streamswitch") {
			return refuse(400)
		}
		m := ssEntryRE.FindStringSubmatch(string(req.Body))
		if m == nil {
			return refuse(400)
		}
		old, err1 := strconv.ParseUint(m[1], 10, 32)
		nw, err2 := strconv.ParseUint(m[2], 10, 32)
		uris := strings.Fields(m[4])
		if err1 != nil || err2 != nil || nw != 4294967295 || old == 4294967295 || len(uris) != 1 {
			return refuse(400)
		}
		oldNum, oldURI = old, uris[0]
	}
	find := func() int { // c.mu held
		for i, sl := range c.slots {
			switch {
			case oldURI == "":
				if sl == own && sl.stream == "" {
					return i
				}
			case uint64(sl.number) == oldNum && c.streamURL(sl) == oldURI && sl.tcp == own.tcp:
				return i
			}
		}
		return -1
	}
	c.mu.Lock()
	idx := find()
	c.mu.Unlock()
	if idx < 0 {
		return refuse(400) // nothing changes: the stream goes on
	}
	resume, was := c.stopForChange()
	c.mu.Lock()
	if idx = find(); idx >= 0 {
		c.slots = append(c.slots[:idx], c.slots[idx+1:]...)
	}
	empty := len(c.slots) == 0
	c.mu.Unlock()
	if was && !empty {
		c.startStreamer(resume, nil)
	}
	if idx < 0 {
		return refuse(400)
	}
	c.s.count(func(x *Stats) { x.Deselected++ })
	return c.send(c.reply(req, 200))
}

// teardown answers TEARDOWN (MS-RTSP 3.2.5.17): of the content, the
// session ends and the connection is closed; of a stream, that stream
// is deselected (SelectStream, 3.2.5.6.2).
func (c *conn) teardown(req *rtsp.Request) bool {
	tg, ok := c.resolve(req.URL)
	if !ok {
		return c.fail(req, 404)
	}
	if tg.aggregate {
		c.stopStreamer()
		ok := c.send(c.reply(req, 200))
		// 3.2.5.17: a Windows Media server closes the connection.
		// GStreamer's keeps it for the client to close, and rtspsrc may
		// still send a PAUSE after its TEARDOWN.
		return ok && c.s.cfg.Style == StyleGStreamer
	}
	if tg.control != "" && tg.control != "rtx" {
		return c.deselect(req, tg)
	}
	resume, was := c.stopForChange()
	c.mu.Lock()
	found := false
	if tg.fec != "" {
		_, found = c.fec[tg.fec]
		delete(c.fec, tg.fec)
	}
	if tg.control == "rtx" {
		found, c.rtx = c.rtx != nil, nil
	}
	empty := len(c.slots) == 0
	c.mu.Unlock()
	if was && !empty {
		c.startStreamer(resume, nil)
	}
	if !found {
		return c.fail(req, 404)
	}
	return c.send(c.reply(req, 200))
}
