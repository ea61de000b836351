package rtsp

import (
	"encoding/binary"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp/asfrtp"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// fuzzOwner is an owner with one TCP channel (interleaved 0) carrying
// every stream of the WMV fixture, FEC on payload type 98: the receive
// path of a session without its connections.
func fuzzOwner(t testing.TB) (*owner, *mediaPath) {
	h := fixtureHeader(t)
	now := time.Unix(1000, 0)
	s := &session{now: func() time.Time { now = now.Add(time.Millisecond); return now }, timeout: time.Second,
		cfg: transport.Config{}, d: &Dialer{}}
	o := &s.o
	o.s = s
	o.pres = presentation{maxps: h.PacketSize, media: []mediaDesc{{control: "rtsp://h/a/stream=0", pt: 96}}}
	o.selected = []int{1, 2}
	o.install(h)
	o.kaTimer, o.stall, o.fw, o.reqTimer, o.endTimer = stoppedTimer(), stoppedTimer(), stoppedTimer(), stoppedTimer(), stoppedTimer()
	m := newMediaPath(o, true)
	o.media = m
	ch := &channel{media: 0, url: "rtsp://h/a/stream=0", pt: 96, fecPT: 98, rtpCh: 0, fecCh: -1}
	if err := o.newChannel(ch, wmfec.Params{Span: 4, PerSpan: 1, BurstMargin: 1}); err != nil {
		t.Fatal(err)
	}
	m.chans = append(m.chans, ch)
	t.Cleanup(m.close)
	return o, m
}

var (
	fixtureOnce sync.Once
	fixtureHdr  *asf.Header
	fixtureErr  error
)

// fixtureHeader is the WMV fixture's header, parsed once.
func fixtureHeader(t testing.TB) *asf.Header {
	fixtureOnce.Do(func() {
		var b []byte
		if b, fixtureErr = os.ReadFile("../../testdata/asf/d_wmv2_wmav2.wmv"); fixtureErr == nil {
			fixtureHdr, fixtureErr = asf.ParseHeader(b)
		}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureHdr
}

// fixtureFile is the WMV fixture's bytes and its parsed header.
func fixtureFile(t testing.TB) ([]byte, *asf.Header) {
	b, err := os.ReadFile("../../testdata/asf/d_wmv2_wmav2.wmv")
	if err != nil {
		t.Fatal(err)
	}
	h, err := asf.ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	return b, h
}

// fixturePackets packetizes the fixture's first data packets as a server
// does, for the fuzz seeds.
func fixturePackets(t testing.TB, n int) [][]byte {
	b, h := fixtureFile(t)
	data := b[h.Size+50:]
	var pkts []asfrtp.Packet
	for i := 0; i < n && (i+1)*int(h.PacketSize) <= len(data); i++ {
		p, err := asfrtp.PacketFromASF(data[i*int(h.PacketSize):(i+1)*int(h.PacketSize)], h.PacketSize)
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, p)
	}
	z := asfrtp.Packetizer{PayloadType: 96, SSRC: 7, SequenceNumber: 100, MaxPayloadSize: 1400, PacketSize: h.PacketSize, StripPadding: true}
	rps, err := z.Packetize(pkts)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, p := range rps {
		w, _ := p.Marshal()
		out = append(out, w)
	}
	return out
}

// FuzzMediaPath feeds interleaved frames of any content, in any order, to
// a session's receive path (jitter buffer, FEC decoder, depacketizer, ASF
// demuxer): it never panics, keeps its queues bounded and counts what it
// drops. The input is a sequence of frames: a 2-byte length, then the
// bytes; channel 0 is the media channel, 1 its RTCP.
func FuzzMediaPath(f *testing.F) {
	var seed []byte
	for _, p := range fixturePackets(f, 12) {
		seed = binary.BigEndian.AppendUint16(seed, uint16(len(p)))
		seed = append(seed, p...)
	}
	f.Add(seed)
	f.Add(append([]byte{0, 4}, 0x80, 0xe0, 0, 1))
	bye := []byte{0x81, 203, 0, 1, 0, 0, 0, 7}
	f.Add(append(append([]byte(nil), seed[:len(seed)/2]...), append([]byte{0x80, byte(len(bye))}, bye...)...))
	f.Fuzz(func(t *testing.T, in []byte) {
		o, m := fuzzOwner(t)
		o.st = statePlaying
		for len(in) >= 2 {
			n := int(binary.BigEndian.Uint16(in)) & 0x7FFF
			ch := in[0] >> 7 // the top bit picks the channel
			in = in[2:]
			n = min(n, len(in))
			m.frame(&Frame{Channel: ch, Payload: append([]byte(nil), in[:n]...)})
			in = in[n:]
			if len(o.queue) > maxQueuedSamples*4 {
				t.Fatalf("%d samples queued", len(o.queue))
			}
		}
		m.fire()
		for _, ch := range m.chans {
			if ch.jb.Held() > ch.jb.Capacity()*2 {
				t.Fatalf("jitter buffer holds %d over its capacity %d", ch.jb.Held(), ch.jb.Capacity())
			}
		}
	})
}

func TestMediaPathPlaysPacketizedFile(t *testing.T) {
	o, m := fuzzOwner(t)
	o.st = statePlaying
	for _, p := range fixturePackets(t, 12) {
		m.frame(&Frame{Channel: 0, Payload: p})
	}
	m.flush()
	if len(o.queue) == 0 {
		t.Fatal("no sample from 12 packets")
	}
	if st := o.s.Stats(); st.PacketsReceived != 12 || st.PacketsLost != 0 || st.CorruptPackets != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestDeadlineFromTheAudioClock(t *testing.T) {
	o, m := fuzzOwner(t)
	ch := m.chans[0]
	dl := o.deadline(ch)
	now := time.Unix(5000, 0)
	pkt := &rtp.Packet{Header: rtp.Header{Timestamp: 10000}} // sent at 10 s
	// A Windows Media server, the player heard 5 s at now: the packet
	// sent at 10 s is due when the clock reaches 10 s, later than the
	// hold from its arrival, so the clock extends the hold.
	o.serverHdr = "WMServer/9.1.1.5000"
	o.s.ReportPlayback(transport.PlaybackFacts{Clock: 5 * time.Second, ClockAt: now})
	want := now.Add(10*time.Second - 5*time.Second - decodeMargin)
	if got := dl(pkt, now.Add(100*time.Millisecond)); !got.Equal(want) {
		t.Fatalf("deadline %v, want %v", got.Sub(now), want.Sub(now))
	}
	// No recent clock, or a server whose RTP timestamps are not send
	// times: the deadline comes from the arrival and the preroll.
	fallback := now.Add(100 * time.Millisecond).Add(o.maxWait())
	o.s.ReportPlayback(transport.PlaybackFacts{Clock: 5 * time.Second, ClockAt: now.Add(-10 * time.Second)})
	if got := dl(pkt, now.Add(100*time.Millisecond)); !got.Equal(fallback) {
		t.Fatalf("stale clock: deadline %v, want %v", got.Sub(now), fallback.Sub(now))
	}
	o.s.ReportPlayback(transport.PlaybackFacts{Clock: 5 * time.Second, ClockAt: now})
	o.serverHdr = "GStreamer RTSP server"
	if got := dl(pkt, now.Add(100*time.Millisecond)); !got.Equal(fallback) {
		t.Fatalf("GStreamer: deadline %v, want %v", got.Sub(now), fallback.Sub(now))
	}
}

func TestAudioClockNeverShortensTheHold(t *testing.T) {
	o, m := fuzzOwner(t)
	dl := o.deadline(m.chans[0])
	now := time.Unix(5000, 0)
	o.serverHdr = "WMServer/9.1.1.5000"
	// The clock is at 9.9 s: a packet sent at 10 s is due in 100 ms, but
	// the hold from its arrival is longer and stays.
	o.s.ReportPlayback(transport.PlaybackFacts{Clock: 9900 * time.Millisecond, ClockAt: now})
	pkt := &rtp.Packet{Header: rtp.Header{Timestamp: 10000}}
	if got, want := dl(pkt, now), now.Add(o.maxWait()); !got.Equal(want) {
		t.Fatalf("deadline %v, want the hold %v", got.Sub(now), want.Sub(now))
	}
}
