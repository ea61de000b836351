package rtsptest

import (
	"math/rand"
	"sync"

	"github.com/pion/rtp"

	"github.com/eddyplayer/eddy/transport/rtsp"
)

// wire puts a streamer's packets on the network through the faults of
// Config.Faults, in the order a lossy path would: FEC is computed first,
// then packets are lost, duplicated and reordered.
type wire struct {
	st            *streamer
	c             *conn
	u             *udpSet
	drop, dropFEC map[uint16]bool
	resend        bool
	// offered counts the media packets offered (sent or lost); n every
	// packet that reached out.
	offered, n int
	held       *outPkt
	// tail is the last packets sent over UDP, held back for
	// Faults.TailAfterAnnounce.
	tail []outPkt
}

// media sends one x-asf-pf packet of slot sl; false ends the streamer.
func (w *wire) media(sl *slot, p *rtp.Packet) bool {
	f := &w.c.s.cfg.Faults
	w.offered++
	switch {
	case f.CloseAfter > 0 && w.offered > f.CloseAfter:
		w.c.close()
		return false
	case f.StallAfter > 0 && w.offered > f.StallAfter:
		<-w.st.stop
		return false
	}
	if f.GarbageAfter > 0 && w.offered == f.GarbageAfter+1 {
		if !w.garbage(sl) {
			return false
		}
	}
	if f.WrongSourceAfter > 0 && w.offered == f.WrongSourceAfter+1 && !sl.tcp && w.u != nil {
		forged := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: ptASF, SequenceNumber: p.SequenceNumber, Timestamp: p.Timestamp, SSRC: sl.ssrc, Marker: true},
			Payload: []byte{0x40, 0, 0, 8, 'f', 'o', 'r', 'g', 'e', 'd', '!', '!'}}
		if b, err := forged.Marshal(); err == nil {
			w.u.wrong.WriteToUDP(b, sl.addr)
		}
	}
	b, err := p.Marshal()
	if err != nil {
		return false
	}
	sl.lastTS = p.Timestamp
	if w.resend && w.u != nil {
		w.u.queue.add(sl.ssrc, p.SequenceNumber, p.Timestamp, b)
	}
	if w.drop[p.SequenceNumber] || w.c.rand.lose(f.LossRate) {
		w.c.s.mu.Lock()
		w.c.s.stats.Dropped++
		w.c.s.dropped = append(w.c.s.dropped, p.SequenceNumber)
		w.c.s.mu.Unlock()
		return true
	}
	w.c.s.count(func(s *Stats) { s.Sent++ })
	return w.out(outPkt{b: b, tcp: sl.tcp, channel: sl.channel, addr: sl.addr})
}

// sendFEC encodes and sends the FEC packets of a Total Span (MS-RTSP
// 3.2.4.3: FecPerSpan × FecBurstMargin after FecSpan × FecBurstMargin
// source packets, spans interleaved).
func (w *wire) sendFEC(f *fecSlot, span []*rtp.Packet) bool {
	fecs, err := f.enc.EncodeInterleaved(span, f.params)
	if err != nil {
		return true // nothing to protect with
	}
	faults := &w.c.s.cfg.Faults
	for _, p := range fecs {
		b, err := p.Marshal()
		if err != nil {
			return false
		}
		if w.dropFEC[p.SequenceNumber] || w.c.rand.lose(faults.LossRate) {
			w.c.s.count(func(s *Stats) { s.Dropped++ })
			continue
		}
		w.c.s.count(func(s *Stats) { s.FECSent++ })
		if !w.out(outPkt{b: b, tcp: f.tcp, channel: f.channel, addr: f.addr}) {
			return false
		}
	}
	return true
}

// out duplicates and reorders, then sends.
func (w *wire) out(p outPkt) bool {
	f := &w.c.s.cfg.Faults
	w.n++
	if f.ReorderEvery > 0 && w.n%f.ReorderEvery == 0 && w.held == nil {
		w.held = &p
		w.c.s.count(func(s *Stats) { s.Reordered++ })
		return true
	}
	if !w.send(p) {
		return false
	}
	if f.DuplicateEvery > 0 && w.n%f.DuplicateEvery == 0 {
		w.c.s.count(func(s *Stats) { s.Duplicated++ })
		if !w.send(p) {
			return false
		}
	}
	return w.flush()
}

// flush sends a packet held back for reordering.
func (w *wire) flush() bool {
	if h := w.held; h != nil {
		w.held = nil
		return w.send(*h)
	}
	return true
}

func (w *wire) send(p outPkt) bool {
	if p.tcp {
		fr, err := rtsp.MarshalFrame(byte(p.channel), p.b)
		return err == nil && w.c.write(fr) == nil
	}
	if w.u == nil || p.addr == nil {
		return false
	}
	if n := w.c.s.cfg.Faults.TailAfterAnnounce; n > 0 {
		w.tail = append(w.tail, p)
		if len(w.tail) <= n {
			return true
		}
		p = w.tail[0]
		w.tail = w.tail[1:]
	}
	// A datagram the kernel refuses (nobody listening yet) is lost, as on
	// a network.
	w.u.mediaRTP.WriteToUDP(p.b, p.addr)
	return true
}

// garbage sends what is no packet: over TCP junk between frames and a
// frame on a channel nobody set up, over UDP a datagram of junk.
func (w *wire) garbage(sl *slot) bool {
	// A line of junk (ended by CRLF, so that a reader skipping lines
	// finds the next frame) then a frame nobody asked for.
	junk := []byte("\x00\xffthis is not an RTSP message nor an interleaved frame\r\n")
	if sl.tcp {
		fr, _ := rtsp.MarshalFrame(200, []byte("an RTP packet on a channel nobody set up"))
		return w.c.write(append(junk, fr...)) == nil
	}
	if w.u != nil {
		w.u.mediaRTP.WriteToUDP(junk, sl.addr)
	}
	return true
}

// randSource is the seeded generator of random loss, shared by a
// connection's streamer and its resends.
type randSource struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newRandSource(seed int64) *randSource {
	return &randSource{r: rand.New(rand.NewSource(seed))}
}

func (r *randSource) lose(rate float64) bool {
	if rate <= 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.r.Float64() < rate
}
