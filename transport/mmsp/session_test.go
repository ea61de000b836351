package mmsp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
)

var fixtures *asftest.Files

func TestMain(m *testing.M) {
	f, err := asftest.NewFiles("mmsp-fixtures-", map[string]asftest.Recipe{
		"pcm_3s.asf": asftest.FFmpeg("-f", "lavfi", "-i", "sine=frequency=330:sample_rate=8000:duration=3", "-ac", "1", "-c:a", "pcm_s16le", "-packet_size", "1000"),
	})
	if err != nil {
		panic(err)
	}
	fixtures = f
	os.Exit(f.Run(m, func() error { return goleak.Find() }))
}

// content makes the fake server's content of fixture files.
func content(t *testing.T, names ...string) *mmsptest.Content {
	t.Helper()
	c := &mmsptest.Content{}
	for _, n := range names {
		e, err := mmsptest.NewEntry(fixtures.Bytes(t, n))
		if err != nil {
			t.Fatal(err)
		}
		c.Entries = append(c.Entries, e)
	}
	return c
}

func server(t *testing.T, opts mmsptest.Options, path string, c *mmsptest.Content) *mmsptest.Server {
	t.Helper()
	srv, err := mmsptest.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	srv.Handle(path, c)
	return srv
}

func dial(t *testing.T, d *mmsp.Dialer, url string, cfg transport.Config) transport.Session {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	s, err := d.Dial(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// object is a media object as the test compares them.
type object struct {
	track int
	pts   time.Duration
	key   bool
	data  string
}

func (o object) String() string {
	return fmt.Sprintf("#%d %v key=%v %d bytes", o.track, o.pts, o.key, len(o.data))
}

// demux is the file's own demux: what a session must deliver, for the
// streams in sel (all when nil), from packet first on.
func demux(t *testing.T, name string, sel map[int]bool, first uint64) []object {
	t.Helper()
	b := fixtures.Bytes(t, name)
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	d := asf.NewDemuxer(f.Header())
	var out []object
	for n := first; n < f.PacketCount(); n++ {
		p, err := f.ReadPacket(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		d.Push(p, func(o asf.Object) {
			if sel == nil || sel[int(o.Stream)] {
				out = append(out, object{int(o.Stream), o.PTS, o.Key, string(o.Data)})
			}
		})
	}
	return out
}

// readAll reads samples until the end (io.EOF), failing on anything else
// or after 20 s.
func readAll(t *testing.T, s transport.Session) []object {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []object
	for {
		smp, err := s.ReadSample(ctx)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d samples: %v", len(out), err)
		}
		out = append(out, object{smp.Track, smp.PTS, smp.Key, string(smp.Data)})
	}
}

func sameObjects(t *testing.T, got, want []object) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("the reference has no objects")
	}
	if len(got) != len(want) {
		t.Fatalf("%d objects, the file has %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("object %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func mids(rs []mmsptest.Received) []string {
	var out []string
	for _, r := range rs {
		out = append(out, strings.TrimPrefix(mmsp.Name(r.Message.MID()), "LinkViewerToMac"))
	}
	return out
}

// midsOn names the messages the server received on its n-th connection.
func midsOn(srv *mmsptest.Server, n int) []string {
	var out []string
	for _, r := range srv.Received() {
		if r.Conn == n {
			out = append(out, mids([]mmsptest.Received{r})...)
		}
	}
	return out
}

func counters(s transport.Session) mmsp.Counters {
	return s.(interface{ Counters() mmsp.Counters }).Counters()
}

// TestPlayTCP plays a file over mmst:// to its end: every media object
// equal to the file's own demux, and every message shaped as section 2.2.4
// and the sequence of 3.1 and 4.3 say.
func TestPlayTCP(t *testing.T) {
	for _, strip := range []bool{false, true} {
		t.Run(fmt.Sprintf("strip padding %v", strip), func(t *testing.T) {
			srv := server(t, mmsptest.Options{StripPadding: strip}, "/music/c.wma", content(t, "c_wmav2.wma"))
			s := dial(t, &mmsp.Dialer{PlayerVersion: "0.1.0", Language: "en-US"}, srv.URL+"/music/c.wma", transport.Config{})
			in := s.Info()
			if in.Protocol != "mmst" || !in.Seekable || in.Broadcast || len(in.Tracks) != 1 || in.Duration < 5*time.Second {
				t.Fatalf("info %+v", in)
			}
			if err := s.Select(context.Background(), []int{1}); err != nil {
				t.Fatal(err)
			}
			if err := s.Play(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
			st := s.Stats()
			if st.PacketsReceived == 0 || st.PacketsLost != 0 || st.CorruptPackets != 0 || st.BytesReceived == 0 || st.LogPosts != 1 {
				t.Fatalf("stats %+v", st)
			}
			s.Close()
			if !srv.WaitFor(mmsp.MIDCloseFile, 1, 5*time.Second) {
				t.Fatal("no CloseFile at Close")
			}
			got := mids(srv.Received())
			want := []string{"Connect", "FunnelInfo", "ConnectFunnel", "OpenFile", "ReadBlock", "StreamSwitch", "StartPlaying", "Logging", "CloseFile"}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("messages %q\nwant %q", got, want)
			}
			rs := srv.Received()
			for i, r := range rs {
				if r.Seq != uint16(i) { // 2.2.3: seq from 0, +1 per packet
					t.Errorf("%s has seq %d, want %d", mids(rs[i:i+1]), r.Seq, i)
				}
			}
			c := rs[0].Message.(*mmsp.Connect)
			// 2.2.4.17: packet pairs requested (MMS_USE_PACKET_PAIR
			// 0xF0F0F0F0, 3.1.4.1.1, 4.4.2), the revisions,
			// "NSPlayer/9.0; {guid}; Host: host:port".
			if c.PlayIncarnation != 0xF0F0F0F0 || c.MacToViewerRevision != 0x0004000B || c.ViewerToMacRevision != 0x0003001C ||
				!strings.HasPrefix(c.SubscriberName, "NSPlayer/9.0.0.2980; {") || !strings.HasSuffix(c.SubscriberName, "}; Host: "+strings.TrimPrefix(srv.URL, "mmst://")) {
				t.Errorf("Connect %+v", c)
			}
			// 3.1.5.3, 4.4.2: the server offered packet pairs, the data
			// go over TCP: MMS_PACKET_PAIR_TCP_HIGH_ENTROPY.
			if fi := rs[1].Message.(*mmsp.FunnelInfo); fi.PlayIncarnation != 0xF0F0F0F1 {
				t.Errorf("FunnelInfo %+v", fi)
			}
			// 2.2.4.18: maxBlockBytes 0xFFFFFFFF, maxFunnelBytes 0,
			// maxBitRate 0x00989680, funnelMode 2, "\\ip\TCP\port".
			cf := rs[2].Message.(*mmsp.ConnectFunnel)
			if cf.MaxBlockBytes != 0xFFFFFFFF || cf.MaxFunnelBytes != 0 || cf.MaxBitRate != 0x00989680 || cf.FunnelMode != 2 ||
				!strings.HasPrefix(cf.FunnelName, `\\127.0.0.1\TCP\`) {
				t.Errorf("ConnectFunnel %+v", cf)
			}
			// 3.1.5.6: the path without "/", PlayIncarnation 9 (its
			// default), then incremented.
			if of := rs[3].Message.(*mmsp.OpenFile); of.FileName != "music/c.wma" || of.PlayIncarnation != 9 || len(of.Token) != 0 {
				t.Errorf("OpenFile %+v", of)
			}
			// 2.2.4.23 and 3.1.5.9.1: openFileId from ReportOpenFile,
			// fileBlockId 0, offset 0, length 0x8000, flags 0xFFFFFFFF,
			// tEarliest 0, tDeadline 3600, HeaderIncarnation 1,
			// playSequence 0.
			if rb := rs[4].Message.(*mmsp.ReadBlock); *rb != (mmsp.ReadBlock{OpenFileID: 1, Length: 0x8000, Flags: 0xFFFFFFFF, TDeadline: 3600, PlayIncarnation: 1}) {
				t.Errorf("ReadBlock %+v", rb)
			}
			// 3.1.4.2: every stream, on = {0xFFFF, n, 0}.
			if ss := rs[5].Message.(*mmsp.StreamSwitch); len(ss.Entries) != 1 || ss.Entries[0] != (mmsp.StreamSwitchEntry{Src: 0xFFFF, Dst: 1}) {
				t.Errorf("StreamSwitch %+v", ss)
			}
			// 3.1.4.2.1: position 0, asfOffset and locationId unused
			// (0xFFFFFFFF), frameOffset 0 (to the end), PlayIncarnation 10.
			sp := rs[6].Message.(*mmsp.StartPlaying)
			if sp.OpenFileID != 1 || sp.Position != 0 || sp.ASFOffset != 0xFFFFFFFF || sp.LocationID != 0xFFFFFFFF || sp.FrameOffset != 0 || sp.PlayIncarnation != 10 {
				t.Errorf("StartPlaying %+v", sp)
			}
			// 3.1.5.18 and 2.2.1: the log names the file, its
			// source id, mms over TCP, the packets received.
			l := rs[7].Message.(*mmsp.Logging).Log
			if l.SourceID != 1 || l.Proto != "mms" || l.Transport != "TCP" || l.URL != srv.URL+"/music/c.wma" || l.PacketsReceived != uint32(st.PacketsReceived) ||
				l.BytesReceived != uint64(st.BytesReceived) || l.Rate != 1 || l.IPAddress != 0xFFFFFFFF || l.Lang != "en-US" || l.PlayedMS < 5000 || l.AudioCodec == "-" {
				t.Errorf("log %+v", l)
			}
			if cl := rs[8].Message.(*mmsp.CloseFile); cl.OpenFileID != 1 {
				t.Errorf("CloseFile %+v", cl)
			}
		})
	}
}

// TestPlayUDP plays over mmsu://: the funnel names the client's UDP port,
// the header and the data come over UDP, the log says so.
func TestPlayUDP(t *testing.T) {
	srv := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	s := dial(t, &mmsp.Dialer{}, strings.Replace(srv.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{})
	if in := s.Info(); in.Protocol != "mmsu" || counters(s).Transport != "UDP" {
		t.Fatalf("protocol %q, transport %q", in.Protocol, counters(s).Transport)
	}
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	cf := srv.ReceivedOf(mmsp.MIDConnectFunnel)
	if len(cf) != 1 || !strings.HasPrefix(cf[0].Message.(*mmsp.ConnectFunnel).FunnelName, `\\127.0.0.1\UDP\`) {
		t.Fatalf("funnels %+v", cf)
	}
	if logs := logsOf(t, srv, 1); len(logs) != 1 || logs[0].Transport != "UDP" {
		t.Fatalf("logs %+v", logs)
	}
}

// TestUDPFallback: a server that refuses the UDP funnel gets a TCP funnel
// on the same connection (3.1.5.5). One whose UDP data never arrives:
// with a packet pair agreed, the pair the server sends over UDP before its
// ReportReadBlock (3.2.5.8) not arriving within the Header timer while the
// ReportReadBlock does over TCP decides at the first ReadBlock; without
// packet pairs the header is asked for again at each Header timer expiry,
// up to the retry limit of 4 (3.1.6.1). Then the client plays over TCP on
// a new connection; a UDP-only dialer (the rollover's MMSU step) fails
// with ErrUDPBlocked instead.
func TestUDPFallback(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		srv := server(t, mmsptest.Options{RefuseUDP: true}, "/c.wma", content(t, "c_wmav2.wma"))
		s := dial(t, &mmsp.Dialer{}, strings.Replace(srv.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{})
		if err := s.Play(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
		cf := srv.ReceivedOf(mmsp.MIDConnectFunnel)
		if len(cf) != 2 || !strings.Contains(cf[0].Message.(*mmsp.ConnectFunnel).FunnelName, `\UDP\`) ||
			!strings.Contains(cf[1].Message.(*mmsp.ConnectFunnel).FunnelName, `\TCP\`) || srv.Connections() != 1 {
			t.Fatalf("funnels %+v on %d connections", cf, srv.Connections())
		}
		if counters(s).Transport != "TCP" {
			t.Fatal("not on TCP")
		}
	})
	t.Run("blocked, packet pair", func(t *testing.T) {
		srv := server(t, mmsptest.Options{BlockUDP: true}, "/c.wma", content(t, "c_wmav2.wma"))
		s := dial(t, &mmsp.Dialer{HeaderTimeout: 20 * time.Millisecond}, strings.Replace(srv.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{})
		if err := s.Play(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
		first := midsOn(srv, 1)
		want := "Connect FunnelInfo ConnectFunnel OpenFile ReadBlock"
		if strings.Join(first, " ") != want || srv.Connections() != 2 || s.Stats().Reconnects != 1 || counters(s).Transport != "TCP" {
			t.Fatalf("first connection %q, want %q; %d connections, transport %s", first, want, srv.Connections(), counters(s).Transport)
		}
		if fi := srv.ReceivedOf(mmsp.MIDFunnelInfo)[0].Message.(*mmsp.FunnelInfo); fi.PlayIncarnation != mmsp.PacketPairUDP {
			t.Fatalf("FunnelInfo %+v, want the UDP packet pair asked for", fi)
		}
	})
	t.Run("blocked, no packet pair", func(t *testing.T) {
		srv := server(t, mmsptest.Options{BlockUDP: true}, "/c.wma", content(t, "c_wmav2.wma"))
		start := time.Now()
		s := dial(t, &mmsp.Dialer{HeaderTimeout: 20 * time.Millisecond, DisablePacketPair: true}, strings.Replace(srv.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{})
		if err := s.Play(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
		first := midsOn(srv, 1)
		// ReadBlock, then per expiry CancelReadBlock and ReadBlock: 5
		// ReadBlocks in all (the first and 4 retries).
		if n := strings.Count(strings.Join(first, " "), "ReadBlock"); n != 5+4 || srv.Connections() != 2 || s.Stats().Reconnects != 1 {
			t.Fatalf("first connection %q (%d ReadBlock/CancelReadBlock), %d connections", first, n, srv.Connections())
		}
		rbs := srv.ReceivedOf(mmsp.MIDReadBlock)
		for i, r := range rbs[:5] {
			// HeaderIncarnation 1, 2, … (3.1.5.9.1).
			if inc := r.Message.(*mmsp.ReadBlock).PlayIncarnation; inc != uint32(i+1) {
				t.Errorf("ReadBlock %d has incarnation %d", i, inc)
			}
		}
		if counters(s).Transport != "TCP" || time.Since(start) > 10*time.Second {
			t.Fatalf("transport %s after %v", counters(s).Transport, time.Since(start))
		}
	})
	t.Run("UDP only", func(t *testing.T) {
		srv := server(t, mmsptest.Options{BlockUDP: true}, "/c.wma", content(t, "c_wmav2.wma"))
		_, err := (&mmsp.Dialer{UDPOnly: true, HeaderTimeout: 10 * time.Millisecond}).Dial(context.Background(),
			strings.Replace(srv.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{Timeout: 5 * time.Second})
		if !errors.Is(err, mmsp.ErrUDPBlocked) || srv.Connections() != 1 {
			t.Fatalf("err %v after %d connections", err, srv.Connections())
		}
		srv2 := server(t, mmsptest.Options{RefuseUDP: true}, "/c.wma", content(t, "c_wmav2.wma"))
		_, err = (&mmsp.Dialer{UDPOnly: true}).Dial(context.Background(), strings.Replace(srv2.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{Timeout: 5 * time.Second})
		if !errors.Is(err, mmsp.ErrUDPBlocked) {
			t.Fatalf("refused: %v", err)
		}
	})
}

// TestUDPHostile: datagrams from a wrong source are dropped and counted,
// the file plays whole; UDP loss is counted from the AFFlags sequence and
// the stream plays on to its end.
func TestUDPHostile(t *testing.T) {
	t.Run("wrong source", func(t *testing.T) {
		srv := server(t, mmsptest.Options{WrongSource: true}, "/c.wma", content(t, "c_wmav2.wma"))
		s := dial(t, &mmsp.Dialer{}, strings.Replace(srv.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{})
		if err := s.Play(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
		if counters(s).WrongSource == 0 {
			t.Fatal("no datagram from the wrong source counted")
		}
	})
	t.Run("loss", func(t *testing.T) {
		// Packet 0 too: the sequence starts at 0 on the connection
		// (2.2.2), so a first packet numbered 1 follows a lost one.
		lost := map[uint32]bool{0: true, 3: true, 4: true, 9: true}
		srv := server(t, mmsptest.Options{NoResend: true, LoseUDP: func(seq uint32) bool { return lost[seq] }}, "/c.wma", content(t, "c_wmav2.wma"))
		s := dial(t, &mmsp.Dialer{}, strings.Replace(srv.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{})
		if err := s.Play(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		got := readAll(t, s)
		want := demux(t, "c_wmav2.wma", nil, 0)
		if len(got) == 0 || len(got) >= len(want) {
			t.Fatalf("%d objects of %d with 4 packets lost", len(got), len(want))
		}
		if st := s.Stats(); st.PacketsLost != 4 || st.NACKsSent != 4 || st.PacketsRecoveredResent != 0 {
			t.Fatalf("lost %d, asked again %d, recovered %d; want 4, 4, 0", st.PacketsLost, st.NACKsSent, st.PacketsRecoveredResent)
		}
		if l := logsOf(t, srv, 1); len(l) != 1 || l[0].PacketsLostNet != 4 || l[0].PacketsLostContNet != 2 || l[0].ResendRequests != 4 {
			t.Fatalf("log %+v", l)
		}
	})
	// A server that sends on after its end: the end comes within the
	// timeout all the same, the repeats counted as duplicates.
	t.Run("chatter after the end", func(t *testing.T) {
		srv := server(t, mmsptest.Options{Chatter: true}, "/c.wma", content(t, "c_wmav2.wma"))
		s := dial(t, &mmsp.Dialer{}, strings.Replace(srv.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{Timeout: time.Second})
		if err := s.Play(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("the end took %v", d)
		}
	})
	// 3.1.4.7: the lost packets are asked for again by their 32-bit
	// sequence numbers (2.2.5: the signature, nCubs, the low 16 bits of
	// openFileId), and what the server resends fills the gaps: the file
	// plays whole.
	t.Run("resent", func(t *testing.T) {
		lost := map[uint32]bool{3: true, 4: true, 9: true}
		srv := server(t, mmsptest.Options{LoseUDP: func(seq uint32) bool { return lost[seq] }}, "/c.wma", content(t, "c_wmav2.wma"))
		s := dial(t, &mmsp.Dialer{}, strings.Replace(srv.URL, "mmst:", "mmsu:", 1)+"/c.wma", transport.Config{})
		if err := s.Play(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
		if st := s.Stats(); st.PacketsLost != 0 || st.NACKsSent != 3 || st.PacketsRecoveredResent != 3 {
			t.Fatalf("lost %d, asked again %d, recovered %d; want 0, 3, 3", st.PacketsLost, st.NACKsSent, st.PacketsRecoveredResent)
		}
		var asked []uint32
		for _, r := range srv.Resends() {
			if r.SourceID != 1 || r.ClientID == 0 {
				t.Fatalf("resend request %+v", r)
			}
			asked = append(asked, r.Packets...)
		}
		if fmt.Sprint(asked) != "[3 4 9]" {
			t.Fatalf("asked for %v", asked)
		}
	})
}

// logsOf waits for n play logs and returns the CLIENT_LOGs received.
func logsOf(t *testing.T, srv *mmsptest.Server, n int) []mmsp.ClientLog {
	t.Helper()
	if !srv.WaitFor(mmsp.MIDLogging, n, 5*time.Second) {
		t.Fatalf("fewer than %d play logs", n)
	}
	var out []mmsp.ClientLog
	for _, r := range srv.ReceivedOf(mmsp.MIDLogging) {
		out = append(out, r.Message.(*mmsp.Logging).Log)
	}
	return out
}
