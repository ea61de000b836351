package msb

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/nsc"
	"github.com/eddyplayer/eddy/transport/wmlog/wmlogtest"
)

// The multicast tests run inside a network namespace of their own, where
// loopback carries multicast: TestMulticast re-executes the test binary
// under `unshare -n` (or `unshare -rn` when not root) and runs the
// subtests there. It never skips: CI runs it.
const netnsEnv = "EDDY_MSB_NETNS"

func TestMulticast(t *testing.T) {
	if os.Getenv(netnsEnv) == "" {
		reexecInNetns(t)
		return
	}
	// IPv4 multicast loops back on lo once it has a route there. IPv6
	// multicast does not come back in on lo: it goes out on one end of a
	// veth pair, whose local copy is delivered (duplicate address
	// detection off, so that the address is usable at once).
	if err := os.WriteFile("/proc/sys/net/ipv6/conf/default/accept_dad", []byte("0"), 0); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][]string{
		{"link", "set", "lo", "up"},
		{"link", "set", "lo", "multicast", "on"},
		{"route", "add", "224.0.0.0/4", "dev", "lo"},
		{"link", "add", "msb0", "type", "veth", "peer", "name", "msb1"},
		{"link", "set", "msb0", "up"},
		{"link", "set", "msb1", "up"},
		{"-6", "addr", "add", "fd00::1/64", "dev", "msb0", "nodad"},
		{"-6", "route", "add", "ff00::/8", "dev", "msb0", "table", "main"},
	} {
		if out, err := exec.Command("ip", c...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(c, " "), err, out)
		}
	}
	t.Run("FEC", testFEC)
	t.Run("Fallback", testFallback)
	t.Run("Formats", testFormats)
	t.Run("WrongSource", testWrongSource)
	t.Run("IPv6", testIPv6)
	t.Run("EndAndLog", testEndAndLog)
	t.Run("PauseLive", testPauseLive)
	t.Run("Select", testSelect)
	t.Run("Loss", testLoss)
	t.Run("Record", testRecord)
}

func reexecInNetns(t *testing.T) {
	run := "^TestMulticast$"
	if f := flag.Lookup("test.run"); f != nil {
		if _, sub, ok := strings.Cut(f.Value.String(), "/"); ok {
			run += "/" + sub // a subtest asked for
		}
	}
	args := []string{"-test.run=" + run, "-test.count=1", "-test.v"}
	if d, ok := t.Deadline(); ok {
		args = append(args, "-test.timeout="+time.Until(d).Round(time.Second).String())
	}
	var tries [][]string
	if os.Geteuid() == 0 {
		tries = append(tries, []string{"-n"})
	}
	tries = append(tries, []string{"-rn"})
	var failures []string
	for _, u := range tries {
		cmd := exec.Command("unshare", append(append(u, os.Args[0]), args...)...)
		cmd.Env = append(os.Environ(), netnsEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Logf("in a network namespace (unshare %s):\n%s", u[0], out)
			return
		}
		if bytes.Contains(out, []byte("=== RUN")) {
			t.Fatalf("in a network namespace (unshare %s): %v\n%s", u[0], err, out)
		}
		failures = append(failures, fmt.Sprintf("unshare %s: %v: %s", u[0], err, bytes.TrimSpace(out)))
	}
	t.Fatalf("cannot make a network namespace for the multicast tests (they need `unshare -n` as root, or user namespaces for `unshare -rn`):\n%s", strings.Join(failures, "\n"))
}

// fixture is an ASF file's header (with the Data Object's fixed part) and
// its data packets.
type fixture struct {
	hdr     *asf.Header
	packets [][]byte
}

func loadFixture(t *testing.T, name string) fixture {
	t.Helper()
	f, err := os.Open("../../testdata/asf/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	af, err := asf.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	fx.hdr = af.Header()
	for i := uint64(0); i < af.PacketCount(); i++ {
		b, err := af.ReadPacket(i, make([]byte, af.PacketSize()))
		if err != nil {
			t.Fatal(err)
		}
		fx.packets = append(fx.packets, b)
	}
	return fx
}

// objects demuxes the file's packets as they are: what a receiver must
// deliver.
func (fx fixture) objects(t *testing.T) []asf.Object {
	var objs []asf.Object
	d := asf.NewDemuxer(fx.hdr)
	for _, p := range fx.packets {
		if err := d.Push(p, func(o asf.Object) { objs = append(objs, o) }); err != nil {
			t.Fatal(err)
		}
	}
	return objs
}

// msbPackets turns the file's packets into what an MSB server sends
// ([MS-MSB] 2.2.2, 2.2.4): the padding stripped with Padding Length 0,
// EC data Type 1 with the Number in the span and the Cycle; after every
// span a parity packet (Opaque Data Present, Type 2, Number span+1) that
// XORs the span's packets after their first 3 bytes, zero-padded to the
// longest. The last, shorter span gets its parity too.
func (fx fixture) msbPackets(t *testing.T, span int) (data [][]byte, parity [][]byte) {
	for i, raw := range fx.packets {
		var p asf.Packet
		if err := p.Unmarshal(raw, fx.hdr.PacketSize); err != nil {
			t.Fatal(err)
		}
		p.Padding = 0
		if (p.LengthTypeFlags>>5)&3 != 0 {
			p.Length = uint32(p.MarshalSize())
		}
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if b[0] != 0x82 {
			t.Fatalf("fixture packet %d has EC flags %#x, want 0x82", i, b[0])
		}
		b[1], b[2] = 1<<4|byte(i%span+1), byte(i/span)
		data = append(data, b)
	}
	for c := 0; c*span < len(data); c++ {
		cyc := data[c*span : min((c+1)*span, len(data))]
		parity = append(parity, parityPkt(byte(len(cyc)+1), byte(c), cyc...))
	}
	return data, parity
}

// sender is the test's MSB server: it frames packets itself (dgram) and
// sends them to the group from a chosen source address.
type sender struct {
	t    *testing.T
	conn *net.UDPConn
	sent int64
}

func newSender(t *testing.T, src string, group netip.AddrPort) *sender {
	t.Helper()
	conn, err := net.DialUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(src), 0)), net.UDPAddrFromAddrPort(group))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &sender{t: t, conn: conn}
}

func (s *sender) send(b []byte) {
	s.t.Helper()
	if _, err := s.conn.Write(b); err != nil {
		s.t.Fatal(err)
	}
	s.sent++
}

// progress lets a test wait until the session's goroutine has processed
// what was sent, so that the kernel's socket buffer never overflows (a
// paced sender, without sleeping).
type progress struct {
	ch chan struct{}
	s  *Session
}

func (p *progress) hook() {
	select {
	case p.ch <- struct{}{}:
	default:
	}
}

func (p *progress) wait(t *testing.T, n int64) {
	t.Helper()
	limit := time.NewTimer(20 * time.Second)
	defer limit.Stop()
	for p.s.Counters().Datagrams < n {
		select {
		case <-p.ch:
		case <-limit.C:
			t.Fatalf("the session processed %d of %d datagrams in 20 s", p.s.Counters().Datagrams, n)
		}
	}
}

// station builds a station for group with the given formats.
func station(group netip.AddrPort, formats ...nsc.Format) *nsc.Station {
	return &nsc.Station{Name: "test, pub", Group: group.Addr(), Port: group.Port(), DefaultECC: 10, Formats: formats}
}

func format(t *testing.T, id uint16, fx fixture) nsc.Format {
	t.Helper()
	st, err := nsc.Parse(nsc.Encode(station(netip.MustParseAddrPort("239.9.9.9:9"), nsc.Format{ID: id, Header: fx.hdr.Raw})))
	if err != nil {
		t.Fatal(err)
	}
	return st.Formats[0]
}

// open opens st with d, sending from snd: a Beacon once the group is
// joined, which ends the Open timer.
func open(t *testing.T, d *Dialer, st *nsc.Station, snd *sender) (*Session, *progress) {
	t.Helper()
	pr := &progress{ch: make(chan struct{}, 1)}
	d.datagram = pr.hook
	d.joined = func(s *Session) {
		pr.s = s
		snd.send([]byte("MSB "))
	}
	ts, err := d.Open(context.Background(), st, "file:///stations/test.nsc", false, transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := ts.(*Session)
	t.Cleanup(func() { s.Close() })
	return s, pr
}

func readSamples(t *testing.T, s *Session, n int) []transport.Sample {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []transport.Sample
	for len(out) < n {
		smp, err := s.ReadSample(ctx)
		if err != nil {
			t.Fatalf("after %d of %d samples: %v (counters %+v)", len(out), n, err, s.Counters())
		}
		out = append(out, smp)
	}
	return out
}

func sameObjects(t *testing.T, got []transport.Sample, want []asf.Object) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Track != int(w.Stream) || g.PTS != w.PTS || g.Key != w.Key || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("sample %d: track %d pts %v key %v %d bytes, want track %d pts %v key %v %d bytes",
				i, g.Track, g.PTS, g.Key, len(g.Data), w.Stream, w.PTS, w.Key, len(w.Data))
		}
	}
}

// A file sent as an MSB broadcast with a seeded loss pattern: one data
// packet lost in some spans, only the parity in others, duplicates and
// swapped neighbours. Every lost data packet is rebuilt from its parity,
// so the samples equal the file's objects, and the counters say what
// happened.
func testFEC(t *testing.T) {
	for _, tc := range []struct {
		file string
		seed uint64
		port uint16
	}{
		{"d_wmv2_wmav2.wmv", 1, 30001},
		{"c_wmav2.wma", 2, 30002}, // padded packets: sent stripped
	} {
		t.Run(tc.file, func(t *testing.T) {
			fx := loadFixture(t, tc.file)
			group := netip.AddrPortFrom(netip.MustParseAddr("239.192.48.179"), tc.port)
			snd := newSender(t, "127.0.0.1", group)
			s, pr := open(t, &Dialer{EOSTimeout: 3 * time.Second}, station(group, format(t, 926, fx)), snd)
			want := fx.objects(t)
			data, parity := fx.msbPackets(t, 10)
			rng := rand.New(rand.NewPCG(tc.seed, 99))
			var lostData, lostParity, dups int64
			var received []transport.Sample
			done := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				for len(received) < len(want) {
					smp, err := s.ReadSample(ctx)
					if err != nil {
						done <- err
						return
					}
					received = append(received, smp)
				}
				done <- nil
			}()
			for c := range parity {
				first := c * 10
				cyc := data[first:min(first+10, len(data))]
				order := make([]int, len(cyc))
				for i := range order {
					order[i] = i
				}
				drop := -1
				k := rng.IntN(4)
				if c < 2 {
					k = c // each kind at least once
				}
				switch {
				case k == 0: // one data packet (not the stream's first)
					drop = 1 + rng.IntN(len(cyc)-1)
				case k == 1:
					drop = len(cyc) // the parity only
				case k == 2 && len(cyc) > 2: // neighbours swapped
					i := rng.IntN(len(cyc) - 1)
					order[i], order[i+1] = order[i+1], order[i]
				}
				for _, i := range order {
					if i == drop {
						lostData++
						continue
					}
					snd.send(dgram(uint32(first+i), 926, cyc[i]))
					if rng.IntN(8) == 0 || c == 0 && i == 0 {
						snd.send(dgram(uint32(first+i), 926, cyc[i]))
						dups++
					}
				}
				if drop == len(cyc) {
					lostParity++
				} else {
					snd.send(dgram(uint32(first+len(cyc)-1), 926, parity[c]))
				}
				pr.wait(t, snd.sent)
			}
			if err := <-done; err != nil {
				t.Fatalf("after %d samples: %v (counters %+v)", len(received), err, s.Counters())
			}
			sameObjects(t, received, want)
			c := s.Counters()
			if lostData == 0 || lostParity == 0 || dups == 0 {
				t.Fatalf("the seed injected no loss of some kind: %d %d %d", lostData, lostParity, dups)
			}
			if c.Recovered != lostData || c.Lost != 0 || c.Duplicate != dups || c.Received != int64(len(data))-lostData ||
				c.Parity != int64(len(parity))-lostParity || c.Beacons != 1 {
				t.Fatalf("counters %+v; lost %d data and %d parity packets, %d duplicates", c, lostData, lostParity, dups)
			}
			st := s.Stats()
			if st.PacketsRecoveredFEC != lostData || st.PacketsLost != 0 || st.PacketsDuplicate != dups {
				t.Fatalf("stats %+v", st)
			}
			in := s.Info()
			if in.Protocol != "msb" || !in.Broadcast || in.Seekable || len(in.Tracks) != len(fx.hdr.Streams) {
				t.Fatalf("info %+v", in)
			}
			if err := s.Play(context.Background(), time.Second); !errors.Is(err, transport.ErrNotSeekable) {
				t.Fatalf("Play at 1s: %v", err)
			}
		})
	}
}

type fakeSession struct{ transport.Session }

// A silent group falls over to the Unicast URL through Fallback
// ([MS-MSB] 3.2.6.1); without one, the error names the group, the port
// and the wait; a station from the network never falls over to a local
// file.
func testFallback(t *testing.T) {
	group := netip.MustParseAddrPort("239.192.48.180:30010")
	st := station(group, nsc.Format{})
	fx := loadFixture(t, "c_wmav2.wma")
	st.Formats = []nsc.Format{format(t, 1, fx)}
	var dialed []string
	fake := &fakeSession{}
	d := &Dialer{OpenTimeout: 200 * time.Millisecond, Fallback: transport.DialerFunc(func(_ context.Context, raw string, _ transport.Config) (transport.Session, error) {
		dialed = append(dialed, raw)
		return fake, nil
	})}
	st.UnicastURL = "mms://media.example/live"
	s, err := d.Open(context.Background(), st, "http://web.example/live.nsc", true, transport.Config{})
	if err != nil || s != fake || len(dialed) != 1 || dialed[0] != st.UnicastURL {
		t.Fatalf("fallback: session %v err %v dialed %q", s, err, dialed)
	}
	st.UnicastURL = "file:///media/local.wma"
	if _, err := d.Open(context.Background(), st, "http://web.example/live.nsc", true, transport.Config{}); !errors.Is(err, ErrNoMulticast) || len(dialed) != 1 {
		t.Fatalf("a remote station fell over to a local file: %v, dialed %q", err, dialed)
	}
	// A local station file, opened by its path, with no Unicast URL.
	st.UnicastURL = ""
	path := t.TempDir() + "/silent.nsc"
	if err := os.WriteFile(path, nsc.Encode(st), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = d.Dial(context.Background(), path, transport.Config{})
	if !errors.Is(err, ErrNoMulticast) || !strings.Contains(err.Error(), "239.192.48.180 port 30010 in 200ms") {
		t.Fatalf("no Unicast URL: %v", err)
	}
}

// Packets of an unknown Format ID are ignored (3.2.5.2) and do not end
// the Open timer; a new Format ID, or the same one with the entry toggle
// flipped (2.2.4, 4.2), is a new entry: ErrInfoChanged, then the new
// header's samples.
func testFormats(t *testing.T) {
	audio, av := loadFixture(t, "c_wmav2.wma"), loadFixture(t, "d_wmv2_wmav2.wmv")
	group := netip.MustParseAddrPort("239.192.48.181:30020")
	snd := newSender(t, "127.0.0.1", group)
	// The first packet's format is not the station's first: Dial must
	// describe the one that is on the air.
	st := station(group, format(t, 5, av), format(t, 926, audio))
	d := &Dialer{}
	pr := &progress{ch: make(chan struct{}, 1)}
	d.datagram = pr.hook
	audioData, _ := audio.msbPackets(t, 10)
	avData, _ := av.msbPackets(t, 10)
	d.joined = func(s *Session) {
		pr.s = s
		snd.send(dgram(0, 927, audioData[0])) // unknown: must not open
		pr.wait(t, 1)
		select {
		case <-s.heard:
			t.Error("an unknown Format ID stopped the Open timer")
		default:
		}
		snd.send(dgram(0, 926, audioData[0]))
	}
	ts, err := d.Open(context.Background(), st, "file:///t.nsc", false, transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := ts.(*Session)
	defer s.Close()
	id := uint32(1)
	sendAll := func(stream uint16, pkts [][]byte, from int) {
		for _, p := range pkts[from:] {
			snd.send(dgram(id, stream, p))
			id++
			pr.wait(t, snd.sent)
		}
	}
	sendAll(926, audioData, 1)
	sendAll(926|EntryToggle, audioData, 0)
	sendAll(5, avData, 0)
	snd.send(dgram(id, 5|EntryToggle, avData[0])) // ends the last entry's packets

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	entries := []struct {
		fx   fixture
		name string
	}{{audio, "audio"}, {audio, "audio again (toggle)"}, {av, "audio+video"}}
	for i, e := range entries {
		want := e.fx.objects(t)
		if i > 0 {
			if _, err := s.ReadSample(ctx); !errors.Is(err, transport.ErrInfoChanged) {
				t.Fatalf("%s: %v, want ErrInfoChanged", e.name, err)
			}
		}
		if n := len(s.Info().Tracks); n != len(e.fx.hdr.Streams) {
			t.Fatalf("%s: %d tracks", e.name, n)
		}
		sameObjects(t, readSamples(t, s, len(want)), want)
	}
	if c := s.Counters(); c.UnknownFormat != 1 || c.Lost != 0 {
		t.Fatalf("counters %+v", c)
	}
}

// With a Multicast Adapter in the station only its packets are taken
// ([MS-MSB] 5.1): another sender to the same group is counted and dropped.
func testWrongSource(t *testing.T) {
	fx := loadFixture(t, "c_wmav2.wma")
	group := netip.MustParseAddrPort("239.192.48.182:30030")
	good := newSender(t, "127.0.0.2", group)
	bad := newSender(t, "127.0.0.1", group)
	st := station(group, format(t, 926, fx))
	st.MulticastAdapter = netip.MustParseAddr("127.0.0.2")
	d := &Dialer{}
	pr := &progress{ch: make(chan struct{}, 1)}
	d.datagram = pr.hook
	data, _ := fx.msbPackets(t, 10)
	d.joined = func(s *Session) {
		pr.s = s
		bad.send([]byte("MSB "))
		pr.wait(t, 1)
		good.send([]byte("MSB "))
	}
	ts, err := d.Open(context.Background(), st, "file:///t.nsc", false, transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := ts.(*Session)
	defer s.Close()
	junk := bytes.Repeat([]byte{0x82, 0x11, 0}, 40)
	for i, p := range data {
		bad.send(dgram(uint32(i), 926, junk))
		good.send(dgram(uint32(i), 926, p))
		pr.wait(t, good.sent+bad.sent)
	}
	sameObjects(t, readSamples(t, s, len(fx.objects(t))), fx.objects(t))
	if c := s.Counters(); c.WrongSource != int64(len(data))+1 || c.Received != int64(len(data)) {
		t.Fatalf("counters %+v", c)
	}
}

func testIPv6(t *testing.T) {
	fx := loadFixture(t, "c_wmav2.wma")
	group := netip.MustParseAddrPort("[ff15::efc0:1]:30040")
	snd := newSender(t, "fd00::1", group)
	s, pr := open(t, &Dialer{}, station(group, format(t, 926, fx)), snd)
	data, parity := fx.msbPackets(t, 10)
	for i, p := range data {
		if i != 3 { // rebuilt from the parity
			snd.send(dgram(uint32(i), 926, p))
		}
		if i%10 == 9 || i == len(data)-1 {
			snd.send(dgram(uint32(i), 926, parity[i/10]))
		}
		pr.wait(t, snd.sent)
	}
	sameObjects(t, readSamples(t, s, len(fx.objects(t))), fx.objects(t))
	if c := s.Counters(); c.Recovered != 1 || c.Lost != 0 {
		t.Fatalf("counters %+v", c)
	}
	if s.Group() != group {
		t.Fatalf("group %v", s.Group())
	}
}

// A station fetched over HTTP; the End of Stream timer ends the stream
// (io.EOF, 3.2.6.2) and the play log goes to the Log URL as an MS-WMLOG
// 2.3 web-server log (validated by GET, then POSTed).
func testEndAndLog(t *testing.T) {
	fx := loadFixture(t, "c_wmav2.wma")
	group := netip.MustParseAddrPort("239.192.48.183:30050")
	logSrv := wmlogtest.New(t)
	st := station(group, format(t, 926, fx))
	st.LogURL = logSrv.URL
	nscSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(nsc.Encode(st))
	}))
	defer nscSrv.Close()

	snd := newSender(t, "127.0.0.1", group)
	pr := &progress{ch: make(chan struct{}, 1)}
	d := &Dialer{EOSTimeout: 500 * time.Millisecond, datagram: pr.hook}
	d.joined = func(s *Session) {
		pr.s = s
		snd.send([]byte("MSB "))
	}
	if !Match(mustURL(t, nscSrv.URL+"/live.NSC")) || Match(mustURL(t, nscSrv.URL+"/live.asx")) {
		t.Fatal("Match")
	}
	ts, err := d.Dial(context.Background(), nscSrv.URL+"/live.nsc", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := ts.(*Session)
	data, _ := fx.msbPackets(t, 10)
	for i, p := range data {
		snd.send(dgram(uint32(i), 926, p))
		pr.wait(t, snd.sent)
	}
	want := fx.objects(t)
	sameObjects(t, readSamples(t, s, len(want)), want)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.ReadSample(ctx); err != io.EOF {
		t.Fatalf("after the last sample: %v, want io.EOF", err)
	}
	s.Close()
	posts := logSrv.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d logs posted", len(posts))
	}
	log := posts[0]
	for _, w := range []string{"MX_STATS_LogLine:", " asfm://239.192.48.183:30050 ", " asfm UDP ", nscSrv.URL + "/live.nsc"} {
		if !strings.Contains(log, w) {
			t.Errorf("log lacks %q:\n%s", w, log)
		}
	}
	if s.Stats().LogPosts != 1 {
		t.Errorf("LogPosts %d", s.Stats().LogPosts)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := transport.ParseURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Pause stops delivery; Play resumes at the live point: nothing sent
// during the pause is delivered, the first sample after it is flagged as
// a discontinuity.
func testPauseLive(t *testing.T) {
	fx := loadFixture(t, "c_wmav2.wma")
	group := netip.MustParseAddrPort("239.192.48.184:30060")
	snd := newSender(t, "127.0.0.1", group)
	s, pr := open(t, &Dialer{}, station(group, format(t, 926, fx)), snd)
	data, _ := fx.msbPackets(t, 10)
	ctx := context.Background()
	send := func(from, to int) {
		for i := from; i < to; i++ {
			snd.send(dgram(uint32(i), 926, data[i]))
			pr.wait(t, snd.sent)
		}
	}
	send(0, 6)
	// Read only the objects of the first 2 packets: the rest stays queued
	// and must not be delivered after the pause.
	var first []asf.Object
	dm := asf.NewDemuxer(fx.hdr)
	for _, p := range fx.packets[:2] {
		dm.Push(p, func(o asf.Object) { first = append(first, o) })
	}
	sameObjects(t, readSamples(t, s, len(first)), first)
	if err := s.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	send(4, 10)
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
	send(10, len(data))
	smp := readSamples(t, s, 1)[0]
	// The first sample after the pause comes from packet 10 or later.
	minPTS := time.Duration(1 << 62)
	dm = asf.NewDemuxer(fx.hdr)
	for _, p := range fx.packets[10:] {
		dm.Push(p, func(o asf.Object) { minPTS = min(minPTS, o.PTS) })
	}
	if smp.PTS < minPTS || !smp.Discontinuity {
		t.Fatalf("first sample after the pause: pts %v discontinuity %v, want ≥ %v and a discontinuity", smp.PTS, smp.Discontinuity, minPTS)
	}
}

// Select is honoured: the samples of unselected tracks are not delivered.
func testSelect(t *testing.T) {
	fx := loadFixture(t, "d_wmv2_wmav2.wmv")
	group := netip.MustParseAddrPort("239.192.48.185:30070")
	snd := newSender(t, "127.0.0.1", group)
	s, pr := open(t, &Dialer{}, station(group, format(t, 926, fx)), snd)
	audio := -1
	for _, tr := range s.Info().Tracks {
		if tr.Type == transport.Audio {
			audio = tr.ID
		}
	}
	if audio < 0 || len(s.Info().Tracks) != 2 {
		t.Fatalf("tracks %+v", s.Info().Tracks)
	}
	if err := s.Select(context.Background(), []int{audio}); err != nil {
		t.Fatal(err)
	}
	data, _ := fx.msbPackets(t, 10)
	for i, p := range data {
		snd.send(dgram(uint32(i), 926, p))
		pr.wait(t, snd.sent)
	}
	var want []asf.Object
	for _, o := range fx.objects(t) {
		if int(o.Stream) == audio {
			want = append(want, o)
		}
	}
	sameObjects(t, readSamples(t, s, len(want)), want)
}

// Two losses in one span cannot be rebuilt: once the gap hold ends they
// are counted lost, delivery goes on, and the samples after the gap are
// what the packets that came hold, the first flagged as a discontinuity.
func testLoss(t *testing.T) {
	fx := loadFixture(t, "c_wmav2.wma")
	group := netip.MustParseAddrPort("239.192.48.186:30080")
	snd := newSender(t, "127.0.0.1", group)
	s, pr := open(t, &Dialer{GapHold: 100 * time.Millisecond}, station(group, format(t, 926, fx)), snd)
	data, parity := fx.msbPackets(t, 10)
	lost := map[int]bool{3: true, 5: true}
	for i, p := range data {
		if !lost[i] {
			snd.send(dgram(uint32(i), 926, p))
		}
		if i%10 == 9 || i == len(data)-1 {
			snd.send(dgram(uint32(i), 926, parity[i/10]))
		}
		pr.wait(t, snd.sent)
	}
	// What a demuxer makes of the packets that came, starting afresh
	// after each gap.
	var want []asf.Object
	dm := asf.NewDemuxer(fx.hdr)
	for i, p := range fx.packets {
		if lost[i] {
			dm.Reset()
			continue
		}
		dm.Push(p, func(o asf.Object) { want = append(want, o) })
	}
	got := readSamples(t, s, len(want))
	sameObjects(t, got, want)
	for i, o := range want {
		if got[i].Discontinuity != o.Discontinuity {
			t.Fatalf("sample %d: discontinuity %v, want %v", i, got[i].Discontinuity, o.Discontinuity)
		}
	}
	if st := s.Stats(); st.PacketsLost != 2 || st.PacketsRecoveredFEC != 0 {
		t.Fatalf("stats %+v", st)
	}
}
