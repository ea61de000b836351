package mmsh

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
	"github.com/eddyplayer/eddy/transport/wmlog"
)

// packetSet is a set of packet types (Expected-Packets, 3.1.1).
type packetSet uint16

func packetSetOf(ts ...PacketType) packetSet {
	var s packetSet
	for _, t := range ts {
		s |= 1 << packetBit(t)
	}
	return s
}

func packetBit(t PacketType) uint {
	switch t {
	case TypeStreamChange:
		return 0
	case TypeData:
		return 1
	case TypeEnd:
		return 2
	case TypeHeader:
		return 3
	case TypeMetadata:
		return 4
	case TypePacketPair:
		return 5
	case TypeTest:
		return 6
	}
	return 15
}

func (s packetSet) has(t PacketType) bool { return s&(1<<packetBit(t)) != 0 }

func (s packetSet) String() string {
	var out []string
	for _, t := range []PacketType{TypeStreamChange, TypeData, TypeEnd, TypeHeader, TypeMetadata, TypePacketPair, TypeTest} {
		if s.has(t) {
			out = append(out, t.String())
		}
	}
	if len(out) == 0 {
		return "nothing"
	}
	return "{" + strings.Join(out, ",") + "}"
}

// owner is the protocol state of a session; only the owner goroutine (and
// Dial before it starts) touches it.
type owner struct {
	s *session

	state     clientState
	pipelined bool
	// epoch counts Plays and playlist-entry changes; a side request's
	// response from an earlier epoch is stale for the entry-scoped
	// tokens (features, playlist-gen-id).
	epoch        int
	pipelineTest bool
	server       ServerVersion
	serverFeat   map[string]bool
	features     Features
	clientID     uint32
	hasClientID  bool
	genID        uint32
	keepaliveTO  time.Duration
	remoteLog    bool
	contentSize  int64
	measuredBW   int64
	pairBytes    int64

	hdr   *asf.Header
	meta  *Metadata
	demux *asf.Demuxer
	info  transport.Info
	// sel is the streams the server was asked for: every stream of the
	// Describe's header until the first Select; across a new header, the
	// ones it still has, until the consumer selects for it.
	sel map[int]bool
	// presGen counts the presentations announced to the consumer
	// (ErrInfoChanged); a Select applies to the current one only.
	presGen int
	// awaitSel is set while a new playlist entry waits for the consumer's
	// Select before its SelectStream or PlayNextEntry goes out (3.1.4.5):
	// the player, not the session, chooses its streams.
	awaitSel bool

	st              *stream
	gen             int
	expect          packetSet
	hAsm, mAsm      *assembler
	incarnation     int
	expectNewHeader bool
	newEntry        bool
	resetEntry      bool
	// unannounced is set when a queued announcement was dropped (a seek
	// cleared the queue): the reader still has the entry before it.
	unannounced bool
	midHeader   bool
	discard     bool // pipelined: drop data until the next Play/PlayNextEntry response
	fifo        []pendingReq

	lastLoc  int64
	lastPos  time.Duration
	disc     bool
	rate     float64
	speed    float64
	accelBW  int64
	accelDur time.Duration
	period   wmlog.Period
	// rec is the progress and reconnection state (recover.go).
	rec       recovery
	eofQueued bool

	queue  []item
	qBytes int
	fatal  error

	keepalive timer
	stall     timer
	stallOn   bool
	// retry runs the delay before a reconnection.
	retry timer
}

// pendingReq is an element of Expected-Responses (3.1.1) for requests
// pipelined on the Play connection, with the caller waiting for it.
type pendingReq struct {
	kind  reqKind
	reply chan error
}

func (o *owner) init(s *session) {
	o.s = s
	o.state = stateInit
	// 3.1.3: Server-features starts as {predstrm, srvppair, sswitch}.
	o.serverFeat = map[string]bool{SupportPredStrm: true, SupportSrvPPair: true, SupportSSwitch: true}
	o.keepaliveTO = 60 * time.Second
	o.hAsm = newHeaderAssembler(MaxHeaderSize)
	o.mAsm = newAssembler(TypeMetadata, MaxMetadataSize)
	o.incarnation = -1
	o.lastLoc = -1
	o.rate = 1
	o.rec.resumeAfter = -1
	o.sel = map[int]bool{}
}

// identity snapshots what every request carries.
func (o *owner) identity() *reqIdentity {
	proxied := false
	if p, _ := o.s.cl.proxyURL(o.s.url); p != nil {
		proxied = true
	}
	return &reqIdentity{
		ua: o.s.cl.ua, guid: o.s.cl.guid, lang: o.s.cl.lang, schemes: o.s.cl.schemes,
		clientID: o.clientID, hasClientID: o.hasClientID, proxy: proxied,
	}
}

// supportedHeader is the client's Supported header (2.2.1.7, 3.1.5.1 item
// 77): sswitch because the client sends SelectStream; predstrm unless a
// Speed other than 1 is in use (<60>); startupprofile when fast start is
// on; srvppair when the packet-pair experiment is asked for. Sent only
// while the server version is unknown or >= 9.0.
func (o *owner) supportedHeader(pair bool) string {
	if o.server.Product != "" && !o.server.AtLeast(9, 0) {
		return ""
	}
	var f []string
	if pair {
		f = append(f, SupportSrvPPair)
	}
	f = append(f, SupportSSwitch)
	if o.speed <= 1 {
		f = append(f, SupportPredStrm)
	}
	if !o.s.d.DisableFastStart {
		f = append(f, SupportStartupProfile)
	}
	return strings.Join(f, ", ")
}

// headerSet is what starts a new entry (3.1.5.5, 3.1.5.11, 3.1.5.14):
// $M from Cougar >= 9.0, $H or $M from other servers >= 9.0, $H otherwise.
// A $H without the $M a Cougar 9 server should send is accepted too (D5
// 18).
func (o *owner) headerSet() packetSet {
	if o.server.AtLeast(9, 0) {
		return packetSetOf(TypeHeader, TypeMetadata)
	}
	return packetSetOf(TypeHeader)
}

// acceptable applies Expected-Packets (3.1.5.2) with the leniencies of
// D5: a $C right after a $H (D5 7), a repeated $E (D5 8).
func (o *owner) acceptable(t PacketType) bool {
	return o.expect.has(t)
}

// common is the processing every response gets (3.1.5.3): the Server
// check, Supported, client-id, playlist-gen-id, timeout, features and the
// caching directives. Cookies were stored by the client.
func (o *owner) common(resp *response) error {
	return o.commonFrom(resp, false)
}

// commonFrom is common for a response that may be stale: a side request
// (Log, KeepAlive) answered before a Play or entry change the owner has
// since made describes the entry that was left, so its features and
// playlist-gen-id are ignored (a Log's answer would otherwise bring back
// "skipforward" after a skip to the last entry).
func (o *owner) commonFrom(resp *response, stale bool) error {
	sv, err := ParseServer(resp.get("Server"))
	if err != nil {
		ct := resp.get("Content-Type")
		if ct != "" {
			return fmt.Errorf("%w (Content-Type %s)", err, ct)
		}
		return err
	}
	o.server = sv
	if vals := resp.values("Supported"); len(vals) > 0 {
		o.serverFeat = ParseSupported(vals)
	}
	if resp.StatusCode == 401 || resp.StatusCode == 407 {
		return nil
	}
	pr := resp.pragma()
	if id, ok, err := pr.Uint32("client-id"); err != nil {
		return err
	} else if ok {
		o.clientID, o.hasClientID = id, true
	}
	if g, ok, err := pr.Uint32("playlist-gen-id"); err == nil && ok && g != 0 && !stale {
		o.genID = g
	}
	if t, ok, err := pr.Uint32("timeout"); err == nil && ok && t >= 1000 {
		o.keepaliveTO = time.Duration(t) * time.Millisecond
	}
	if f, ok := pr.Get("features"); ok && !stale {
		o.features = ParseFeatures(f)
	}
	for _, cc := range resp.values("Cache-Control") {
		for _, t := range ParsePragma(cc) {
			switch strings.ToLower(t.Name) {
			case "x-wms-event-subscription":
				for _, ev := range strings.Split(t.Value, ",") {
					if strings.EqualFold(strings.TrimSpace(ev), "remote-log") {
						o.remoteLog = true
					}
				}
			case "x-wms-content-size":
				if n, err := strconv.ParseInt(t.Value, 10, 64); err == nil && n > 0 {
					o.contentSize = n
				}
			}
		}
	}
	return nil
}

// metadataPacket reassembles a $M (3.1.5.7).
func (o *owner) metadataPacket(p Packet) error {
	obj, done, err := o.mAsm.add(p)
	if err != nil {
		return err
	}
	if !done {
		o.expect = packetSetOf(TypeMetadata)
		return nil
	}
	m, err := ParseMetadata(obj)
	if err != nil {
		// The metadata is informational; a broken $M costs the titles,
		// not the stream.
		o.s.stats.corrupt.Add(1)
	} else {
		o.meta = m
		if m.PlaylistGenID != 0 {
			o.genID = m.PlaylistGenID
		}
		if m.Features != nil {
			o.features = m.Features
		}
	}
	o.expect = packetSetOf(TypeHeader)
	return nil
}

// firstHeader installs the Describe's ASF header. Until the consumer's
// Select, a Play asks for every stream (transport.Session).
func (o *owner) firstHeader(raw []byte) error {
	h, err := asf.ParseHeader(raw)
	if err != nil {
		return fmt.Errorf("ASF header: %w", err)
	}
	o.install(h)
	o.sel = map[int]bool{}
	for _, id := range o.streamNumbers() {
		o.sel[id] = true
	}
	return nil
}

// install makes h the current entry's header. It chooses nothing: the
// demuxer delivers every stream until the consumer selects for the new
// header (the samples of streams it leaves out are dropped by ReadSample),
// and sel keeps the streams asked for that h still has, which is what the
// server goes on sending where no request follows the header (a header
// in the middle of the data, xResetStrm, a Play's answer).
func (o *owner) install(h *asf.Header) {
	o.hdr = h
	o.demux = asftrack.NewDemuxer(o.s.cfg.Tap, h)
	o.info = o.infoFor(h)
	keep := map[int]bool{}
	for id := range o.sel {
		if _, ok := o.info.Track(id); ok {
			keep[id] = true
		}
	}
	o.sel = keep
	o.demux.SetStreams(nil)
}

// infoFor builds the transport.Info of an entry: the ASF header's tracks
// plus what the server says (features, $M titles).
func (o *owner) infoFor(h *asf.Header) transport.Info {
	in := asftrack.Info(h)
	in.URL = o.s.url.String()
	in.Protocol = "mmsh"
	f := o.features
	in.Broadcast = h.Broadcast || f[FeatureBroadcast] || f[FeatureLive]
	// Seeking is by stream-time where the server says "seekable", else by
	// packet number (3.1.4.3.1), which needs the header's packet count.
	in.Seekable = f[FeatureSeekable] || (f == nil && h.Seekable) || (h.Packets > 0 && in.Duration > 0)
	if in.Broadcast {
		in.Seekable = false
		in.Duration = 0
	}
	in.Caps = o.caps(in.Broadcast)
	if o.meta != nil {
		if t := o.meta.Title(); t != "" {
			in.Metadata.Title = t
		}
		for i := range o.meta.CDL {
			for _, p := range o.meta.CDL[i].Pairs {
				if in.Metadata.Extra == nil {
					in.Metadata.Extra = map[string]string{}
				}
				if _, ok := in.Metadata.Extra[p.Name]; !ok {
					in.Metadata.Extra[p.Name] = p.Value
				}
				switch strings.ToLower(p.Name) {
				case "author":
					in.Metadata.Author = p.Value
				case "copyright":
					in.Metadata.Copyright = p.Value
				}
			}
		}
	}
	return in
}

// caps are the capabilities of the current content (transport.Capabilities)
// from the server's features and version: fast forward and rewind where
// "stridable" (2.2.1.4.8.8, never for a broadcast), playlist skips where
// "skipforward" / "skipbackward" (2.2.1.4.8.6/7) from a server of version
// 5.0 or later (pl-offset, 3.1.4.3.1), the same tests as PlayRate and Skip
// apply. Stream switches always work: SelectStream, or a Play at the
// position reached without sswitch (3.1.4.4).
func (o *owner) caps(broadcast bool) transport.Capabilities {
	f := o.features
	v5 := o.server.AtLeast(5, 0)
	return transport.Capabilities{
		Rate:          f[FeatureStridable] && !broadcast,
		SkipForward:   f[FeatureSkipForward] && v5,
		SkipBackward:  f[FeatureSkipBackward] && v5,
		SwitchStreams: true,
	}
}

// bandwidth is the link bandwidth (c-max-bandwidth of the logs): the
// user's setting, else the packet-pair measurement, else unknown (0).
func (o *owner) bandwidth() int64 {
	if o.s.cfg.Bandwidth > 0 {
		return o.s.cfg.Bandwidth
	}
	return o.measuredBW
}

// selectedList returns the selection sorted.
func (o *owner) selectedList() []int {
	out := make([]int, 0, len(o.sel))
	for id := range o.sel {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// streamNumbers lists every stream of the header (3.1.4.3.1).
func (o *owner) streamNumbers() []int {
	var out []int
	if o.hdr != nil {
		for _, st := range o.hdr.Streams {
			out = append(out, int(st.Number))
		}
	}
	slices.Sort(out)
	return out
}

// exclusionGroups are the header's mutual exclusion groups.
func (o *owner) exclusionGroups() [][]int {
	var g [][]int
	for _, e := range o.info.Exclusions {
		g = append(g, e.Tracks)
	}
	return g
}

// push queues an item for ReadSample.
func (o *owner) push(it item) {
	if n := len(o.queue); n > 0 && o.queue[n-1].sticky {
		return // nothing goes after a sticky end
	}
	o.queue = append(o.queue, it)
	o.qBytes += len(it.sample.Data)
}

// pop removes the delivered head unless it is sticky.
func (o *owner) pop() {
	if len(o.queue) == 0 || o.queue[0].sticky {
		return
	}
	o.qBytes -= len(o.queue[0].sample.Data)
	o.queue[0] = item{}
	o.queue = o.queue[1:]
}

// clearQueue drops everything not yet read (a seek, a new Play).
func (o *owner) clearQueue() {
	for _, it := range o.queue {
		if it.info != nil {
			// The reader will not see this entry's announcement: the next
			// header announces whatever entry it is.
			o.unannounced = true
		}
	}
	clear(o.queue)
	o.queue = o.queue[:0]
	o.qBytes = 0
	o.eofQueued = false
}

// accepting reports whether the owner takes reader events: there is room
// in the queue (back-pressure otherwise).
func (o *owner) accepting() bool {
	return len(o.queue) < maxQueuedSamples && o.qBytes < maxQueuedBytes
}

// fail records a terminal error: it is reported to ReadSample and to
// later commands, timers stop and the stream is dropped (3.1).
func (o *owner) fail(err error) {
	if o.fatal != nil {
		return
	}
	if o.state == stateStreaming {
		o.endPeriod(false)
	}
	o.fatal = err
	o.dropStream()
	o.keepalive.stop()
	o.retry.stop()
	o.state = stateIdle
	o.push(item{err: err, sticky: true})
	for _, p := range o.fifo {
		if p.reply != nil { // nil: nobody waits (a resume, a Log)
			p.reply <- err
		}
	}
	o.fifo = nil
}

// emit queues one demuxed object as a sample.
func (o *owner) emit(obj asf.Object) {
	smp := asftrack.Sample(obj)
	if o.disc {
		smp.Discontinuity = true
		o.disc = false
	}
	o.lastPos = smp.PTS
	o.period.Sample(smp.PTS)
	o.push(item{sample: smp})
}

// queueEOF reports the end of the stream once.
func (o *owner) queueEOF(err error) {
	if o.eofQueued {
		return
	}
	o.eofQueued = true
	if err == nil {
		err = io.EOF
	}
	o.push(item{err: err, sticky: true})
}

// announce tells the reader of ReadSample about a new presentation. Its
// tracks are delivered until the reader selects for it; awaitSel says that
// the entry waits for that Select before it streams.
func (o *owner) announce() {
	o.unannounced = false
	o.presGen++
	in := o.info
	in.Tracks = slices.Clone(in.Tracks)
	o.push(item{err: transport.ErrInfoChanged, info: &in, entry: o.genID, awaitSel: o.awaitSel})
}

// positionFor turns a seek target into Play tokens: stream-time where the
// server can seek by time, else a packet number estimated from the
// header (packet-num and stream-offset, 3.1.4.3.1 item 46).
func (o *owner) positionFor(from time.Duration) position {
	if from <= 0 || o.info.Broadcast {
		return atTime(0)
	}
	ms := from.Milliseconds()
	if ms <= 0 {
		ms = 1 // stream-time=0 means "unspecified"
	}
	if o.features == nil || o.features[FeatureSeekable] || o.hdr == nil || o.hdr.Packets == 0 || o.info.Duration <= 0 {
		return atTime(uint32(min(ms, math.MaxUint32-1)))
	}
	n := uint64(float64(o.hdr.Packets) * float64(from) / float64(o.info.Duration))
	n = min(n, o.hdr.Packets-1)
	return atPacket(uint32(n), o.packetOffset(n))
}

// packetOffset is the file offset of ASF packet n (header object, the
// data object's 50 bytes, n packets), or -1 when unknown.
func (o *owner) packetOffset(n uint64) int64 {
	if o.hdr == nil || o.hdr.PacketSize == 0 || o.hdr.Size <= 0 {
		return -1
	}
	return o.hdr.Size + asf.DataObjectFixedSize + int64(n)*int64(o.hdr.PacketSize)
}

// resumePosition is where a dropped on-demand stream continues: the packet
// after the last one received, exact across the reconnection.
func (o *owner) resumePosition() position {
	if o.info.Broadcast {
		return atTime(0)
	}
	if o.lastLoc >= 0 && o.lastLoc < dontCare-1 {
		n := uint64(o.lastLoc + 1)
		return atPacket(uint32(n), o.packetOffset(n))
	}
	return o.positionFor(o.lastPos)
}

// sameHeader reports an ASF header identical to the current one (a Play
// response repeats it, 2.2.2.6).
func (o *owner) sameHeader(h *asf.Header) bool {
	return o.hdr != nil && bytes.Equal(o.hdr.Raw, h.Raw)
}

// mergeCtx returns a context done when either parent is.
func mergeCtx(a, b context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(a)
	stop := context.AfterFunc(b, cancel)
	return ctx, func() { stop(); cancel() }
}
