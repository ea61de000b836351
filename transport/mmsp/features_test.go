package mmsp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
)

func udpURL(srv *mmsptest.Server) string { return strings.Replace(srv.URL, "mmst:", "mmsu:", 1) }

// read reads n samples.
func read(t *testing.T, s transport.Session, n int) []object {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []object
	for len(out) < n {
		smp, err := s.ReadSample(ctx)
		if err != nil {
			t.Fatalf("after %d samples: %v", len(out), err)
		}
		out = append(out, object{smp.Track, smp.PTS, smp.Key, string(smp.Data)})
	}
	return out
}

// TestSelectAndSwitch: the selection before playing is the complete
// StreamSwitch of 3.1.4.2 (off = {n, 0xFFFF, 0}); only the selected
// stream is delivered, equal to the file's; a switch during playback
// lists the changed streams only (3.1.4.3) and no sample of the old
// stream follows Select.
func TestSelectAndSwitch(t *testing.T) {
	srv := server(t, mmsptest.Options{}, "/mbr.wma", content(t, "e_mbr_2audio.wma"))
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/mbr.wma", transport.Config{})
	if len(s.Info().Tracks) != 2 {
		t.Fatalf("tracks %+v", s.Info().Tracks)
	}
	if err := s.Select(context.Background(), []int{2}); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "e_mbr_2audio.wma", map[int]bool{2: true}, 0))
	ss := srv.ReceivedOf(mmsp.MIDStreamSwitch)[0].Message.(*mmsp.StreamSwitch)
	want := []mmsp.StreamSwitchEntry{{Src: 1, Dst: 0xFFFF}, {Src: 0xFFFF, Dst: 2}}
	if len(ss.Entries) != 2 || ss.Entries[0] != want[0] || ss.Entries[1] != want[1] {
		t.Fatalf("StreamSwitch %+v, want %+v", ss.Entries, want)
	}

	// During playback, paced so that the switch lands mid-stream (no
	// fast start, which would send the file first).
	srv = server(t, mmsptest.Options{Pace: true, Speed: 4}, "/mbr.wma", content(t, "e_mbr_2audio.wma"))
	s = dial(t, &mmsp.Dialer{DisableFastStart: true}, srv.URL+"/mbr.wma", transport.Config{})
	s.Select(context.Background(), []int{1})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	for _, o := range read(t, s, 5) {
		if o.track != 1 {
			t.Fatalf("sample of track %d before the switch", o.track)
		}
	}
	if err := s.Select(context.Background(), []int{2}); err != nil {
		t.Fatal(err)
	}
	rest := read(t, s, 3)
	// Only the changed streams (3.1.4.3): the same selection again sends
	// nothing; adding stream 1 lists stream 1 alone.
	if err := s.Select(context.Background(), []int{2}); err != nil {
		t.Fatal(err)
	}
	if err := s.Select(context.Background(), []int{1, 2}); err != nil {
		t.Fatal(err)
	}
	rest = append(rest, readAll(t, s)...)
	twos, ones := 0, 0
	for i, o := range rest {
		switch {
		case o.track == 2:
			twos++
		case o.track == 1 && i >= 3:
			ones++
		default:
			t.Fatalf("a sample of track %d right after the switch", o.track)
		}
	}
	if twos == 0 || ones == 0 {
		t.Fatalf("%d samples of the new stream, %d of the one added again", twos, ones)
	}
	sw := srv.ReceivedOf(mmsp.MIDStreamSwitch)
	if len(sw) != 3 {
		t.Fatalf("%d StreamSwitch", len(sw))
	}
	if e := sw[1].Message.(*mmsp.StreamSwitch).Entries; len(e) != 2 || e[0] != want[0] || e[1] != want[1] {
		t.Fatalf("switch entries %+v", e)
	}
	if e := sw[2].Message.(*mmsp.StreamSwitch).Entries; len(e) != 1 || e[0] != (mmsp.StreamSwitchEntry{Src: 0xFFFF, Dst: 1}) {
		t.Fatalf("adding stream 1: entries %+v", e)
	}
}

// TestSeek: a seek while streaming is StopPlaying, the play log, the
// selection and StartPlaying at the new position (3.1.4.6, 4.5.1); what
// follows is the file from the packet the server seeks to.
func TestSeek(t *testing.T) {
	const name = "c_wmav2.wma"
	srv := server(t, mmsptest.Options{Pace: true, Speed: 8}, "/c.wma", content(t, name))
	// No fast start: the seek lands mid-stream.
	s := dial(t, &mmsp.Dialer{DisableFastStart: true}, srv.URL+"/c.wma", transport.Config{})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	read(t, s, 3)
	if err := s.Play(context.Background(), 3*time.Second); err != nil {
		t.Fatal(err)
	}
	b := fixtures.Bytes(t, name)
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	first, err := f.SeekPacket(3 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, name, nil, first))
	if !srv.WaitFor(mmsp.MIDLogging, 2, 5*time.Second) {
		t.Fatal("no log at the end")
	}
	got := strings.Join(mids(srv.Received()), " ")
	if want := "Connect FunnelInfo ConnectFunnel OpenFile ReadBlock StreamSwitch StartPlaying StopPlaying Logging StreamSwitch StartPlaying Logging"; got != want {
		t.Fatalf("messages %q\nwant %q", got, want)
	}
	stop := srv.ReceivedOf(mmsp.MIDStopPlaying)[0].Message.(*mmsp.StopPlaying)
	sps := srv.ReceivedOf(mmsp.MIDStartPlaying)
	sp := sps[1].Message.(*mmsp.StartPlaying)
	// PlayIncarnation-For-Stop is the StartPlaying's (3.1.4.5); the next
	// StartPlaying has the next PlayIncarnation.
	if stop.PlayIncarnation != sps[0].Message.(*mmsp.StartPlaying).PlayIncarnation || stop.OpenFileID != 1 || sp.Position != 3 || sp.PlayIncarnation != stop.PlayIncarnation+1 {
		t.Fatalf("stop %+v, start %+v", stop, sp)
	}
	if logs := logsOf(t, srv, 2); len(logs) != 2 || logs[0].StartTimeMS != 0 || logs[1].StartTimeMS != 3000 {
		t.Fatalf("logs %+v", logs)
	}

}

// TestSeekByPacket: a server that cannot seek by time (no
// FILE_ATTRIBUTE_MMS_CANSEEK) is asked for the packet that far into the
// file: StartPlaying with position DBL_MAX and the locationId (2.2.4.25);
// what follows is the file from that packet.
func TestSeekByPacket(t *testing.T) {
	const name = "c_wmav2.wma"
	c := content(t, name)
	c.NoSeek = true
	srv := server(t, mmsptest.Options{}, "/c.wma", c)
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{})
	in := s.Info()
	if !in.Seekable {
		t.Fatal("not seekable by packet")
	}
	if err := s.Play(context.Background(), 3*time.Second); err != nil {
		t.Fatal(err)
	}
	b := fixtures.Bytes(t, name)
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	want := uint32(float64(f.PacketCount()) * 3 / in.Duration.Seconds())
	sp := srv.ReceivedOf(mmsp.MIDStartPlaying)[0].Message.(*mmsp.StartPlaying)
	if sp.Position != math.MaxFloat64 || sp.LocationID != want || want == 0 {
		t.Fatalf("StartPlaying %+v, want locationId %d", sp, want)
	}
	sameObjects(t, readAll(t, s), demux(t, name, nil, uint64(want)))
}

// TestRedirect: ReportRedirect (2.2.4.9) is a *transport.RedirectError,
// which the registry follows to the new URL.
func TestRedirect(t *testing.T) {
	srv := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	srv.Handle("/old.wma", &mmsptest.Content{RedirectTo: srv.URL + "/c.wma"})
	_, err := (&mmsp.Dialer{}).Dial(context.Background(), srv.URL+"/old.wma", transport.Config{Timeout: 5 * time.Second})
	var re *transport.RedirectError
	if !errors.As(err, &re) || re.Location != srv.URL+"/c.wma" {
		t.Fatalf("err %v", err)
	}
	reg := transport.NewRegistry()
	mmsp.Register(reg, &mmsp.Dialer{})
	s, err := reg.Dial(context.Background(), srv.URL+"/old.wma", transport.Config{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
}

// TestPauseResume: Pause sends StopPlaying and the log and waits for the
// ReportEndOfStream; pings while paused are answered (3.1.5.13); Play
// resumes from the position given.
func TestPauseResume(t *testing.T) {
	srv := server(t, mmsptest.Options{Pace: true, Speed: 8}, "/c.wma", content(t, "c_wmav2.wma"))
	// No packet pair: the bandwidth reported is then the rate data came
	// at. No fast start: it would send the 6-second file before the
	// pause.
	s := dial(t, &mmsp.Dialer{DisablePacketPair: true, DisableFastStart: true}, srv.URL+"/c.wma", transport.Config{})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	got := read(t, s, 4)
	if err := s.Pause(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.ReceivedOf(mmsp.MIDStopPlaying)); n != 1 || s.Stats().LogPosts != 1 {
		t.Fatalf("%d StopPlaying, %d logs", n, s.Stats().LogPosts)
	}
	srv.Ping()
	if !srv.WaitFor(mmsp.MIDPong, 1, 5*time.Second) {
		t.Fatal("no Pong to a Ping while paused")
	}
	if err := s.Play(context.Background(), got[3].pts); err != nil {
		t.Fatal(err)
	}
	if rest := readAll(t, s); len(rest) == 0 {
		t.Fatal("nothing after resuming")
	}
	// Paced at 8 times the content's 64 kbit/s: the measured rate is
	// of that order.
	if bw := s.Stats().BandwidthBps; bw < 64000 || bw > 64000*100 {
		t.Fatalf("bandwidth %d bit/s", bw)
	}
	if sp := srv.ReceivedOf(mmsp.MIDStartPlaying); len(sp) != 2 || sp[1].Message.(*mmsp.StartPlaying).Position != got[3].pts.Seconds() {
		t.Fatalf("StartPlaying %+v", sp)
	}
}

// TestLive: a broadcast (ReportOpenFile BROADCAST|LIVE) is not seekable;
// it plays from the live point.
func TestLive(t *testing.T) {
	c := content(t, "c_wmav2.wma")
	c.Broadcast = true
	srv := server(t, mmsptest.Options{}, "/live", c)
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/live", transport.Config{})
	if in := s.Info(); !in.Broadcast || in.Seekable {
		t.Fatalf("info %+v", in)
	}
	if err := s.Play(context.Background(), 5*time.Second); !errors.Is(err, transport.ErrNotSeekable) {
		t.Fatalf("seek on a broadcast: %v", err)
	}
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	if l := logsOf(t, srv, 1); len(l) != 1 || l[0].FileDurationMS != 0 {
		t.Fatalf("log %+v", l)
	}
}

// TestPlaylist: a server-side playlist's next entry (ReportEndOfStream hr
// 1, ReportStreamChange, the new header) is transport.ErrInfoChanged with
// the new tracks, then its objects; over TCP the data follows at once,
// over UDP after a ReadBlock, the consumer's Select and a StartPlaying
// (3.1.5.19, 3.1.4.4, 4.5.1).
func TestPlaylist(t *testing.T) {
	for _, udp := range []bool{false, true} {
		name := "TCP"
		if udp {
			name = "UDP"
		}
		t.Run(name, func(t *testing.T) {
			srv := server(t, mmsptest.Options{}, "/list", content(t, "c_wmav2.wma", "pcm_3s.asf"))
			url := srv.URL + "/list"
			if udp {
				url = udpURL(srv) + "/list"
			}
			s := dial(t, &mmsp.Dialer{}, url, transport.Config{})
			if err := s.Play(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var first []object
			for {
				smp, err := s.ReadSample(ctx)
				if errors.Is(err, transport.ErrInfoChanged) {
					break
				}
				if err != nil {
					t.Fatalf("entry 1 after %d: %v", len(first), err)
				}
				first = append(first, object{smp.Track, smp.PTS, smp.Key, string(smp.Data)})
			}
			sameObjects(t, first, demux(t, "c_wmav2.wma", nil, 0))
			in := s.Info()
			if len(in.Tracks) != 1 || in.Tracks[0].Audio.SampleRate != 8000 {
				t.Fatalf("new entry's tracks %+v", in.Tracks)
			}
			if err := s.Select(context.Background(), []int{1}); err != nil {
				t.Fatal(err)
			}
			sameObjects(t, readAll(t, s), demux(t, "pcm_3s.asf", nil, 0))
			if logs := logsOf(t, srv, 2); len(logs) != 2 {
				t.Fatalf("%d logs, want one per entry", len(logs))
			}
			if udp {
				if n := len(srv.ReceivedOf(mmsp.MIDReadBlock)); n != 2 {
					t.Fatalf("%d ReadBlock over UDP", n)
				}
				if n := len(srv.ReceivedOf(mmsp.MIDStartPlaying)); n != 2 {
					t.Fatalf("%d StartPlaying over UDP", n)
				}
			} else if n := len(srv.ReceivedOf(mmsp.MIDStartPlaying)); n != 1 {
				t.Fatalf("%d StartPlaying over TCP", n)
			}
		})
	}
}

// TestPlaylistHeaderLost: over UDP, the next entry's header lost is asked
// for again when the Header timer expires (CancelReadBlock, ReadBlock;
// 3.1.6.1), and the entry plays.
func TestPlaylistHeaderLost(t *testing.T) {
	srv := server(t, mmsptest.Options{LoseHeader: func(n int) bool { return n == 2 }}, "/list", content(t, "c_wmav2.wma", "pcm_3s.asf"))
	s := dial(t, &mmsp.Dialer{HeaderTimeout: 50 * time.Millisecond}, udpURL(srv)+"/list", transport.Config{})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		_, err := s.ReadSample(ctx)
		if errors.Is(err, transport.ErrInfoChanged) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Select(context.Background(), []int{1}); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "pcm_3s.asf", nil, 0))
	if rb, c := len(srv.ReceivedOf(mmsp.MIDReadBlock)), len(srv.ReceivedOf(mmsp.MIDCancelReadBlock)); rb != 3 || c != 1 {
		t.Fatalf("%d ReadBlock, %d CancelReadBlock", rb, c)
	}
}

// TestFaults: each fault ends with a clear error or is survived and
// counted.
func TestFaults(t *testing.T) {
	t.Run("not found", func(t *testing.T) {
		srv := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
		_, err := (&mmsp.Dialer{}).Dial(context.Background(), srv.URL+"/nothing.wma", transport.Config{Timeout: 5 * time.Second})
		var he *mmsp.HRError
		if !errors.As(err, &he) || he.HR != 0x80070002 || !strings.Contains(err.Error(), "file not found") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("dropped", func(t *testing.T) {
		srv := server(t, mmsptest.Options{DropAfter: 5}, "/c.wma", content(t, "c_wmav2.wma"))
		s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{})
		s.Play(context.Background(), 0)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var err error
		for err == nil {
			_, err = s.ReadSample(ctx)
		}
		// Not io.EOF, not even wrapped: a cut stream must not read as its
		// end (errors.Is(err, io.EOF) is how callers test the end).
		if errors.Is(err, io.EOF) || !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "127.0.0.1") {
			t.Fatalf("a dropped connection ended with %v", err)
		}
	})
	t.Run("stalled", func(t *testing.T) {
		srv := server(t, mmsptest.Options{StallAfter: 3}, "/c.wma", content(t, "c_wmav2.wma"))
		s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{Timeout: 300 * time.Millisecond})
		s.Play(context.Background(), 0)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		var err error
		for err == nil {
			_, err = s.ReadSample(ctx)
		}
		if !errors.Is(err, mmsp.ErrTimeout) || time.Since(start) > 5*time.Second {
			t.Fatalf("a stalled server ended with %v after %v", err, time.Since(start))
		}
	})
	t.Run("unknown MID", func(t *testing.T) {
		srv := server(t, mmsptest.Options{UnknownMID: true}, "/c.wma", content(t, "c_wmav2.wma"))
		s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{})
		if c := counters(s); c.Unknown != 1 {
			t.Fatalf("unknown MIDs counted: %d", c.Unknown)
		}
	})
	t.Run("silent server", func(t *testing.T) {
		// The network timeout, or the Dialer's shorter ConnectTimeout
		// (the mms:// rollover's), bounds the wait for the first answer.
		for _, tc := range []struct {
			d    *mmsp.Dialer
			cfg  transport.Config
			wait string
		}{
			{&mmsp.Dialer{}, transport.Config{Timeout: 200 * time.Millisecond}, "200ms"},
			{&mmsp.Dialer{ConnectTimeout: 100 * time.Millisecond}, transport.Config{Timeout: time.Minute}, "100ms"},
			{&mmsp.Dialer{ConnectTimeout: time.Minute}, transport.Config{Timeout: 150 * time.Millisecond}, "150ms"},
		} {
			addr := answeringServer(t, nil)
			start := time.Now()
			_, err := tc.d.Dial(context.Background(), "mmst://"+addr+"/a.wma", tc.cfg)
			if !errors.Is(err, mmsp.ErrTimeout) || !strings.Contains(err.Error(), "LinkMacToViewerReportConnectedEX") || !strings.Contains(err.Error(), "within "+tc.wait) {
				t.Errorf("ConnectTimeout %v, Timeout %v: err %v", tc.d.ConnectTimeout, tc.cfg.Timeout, err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("ConnectTimeout %v, Timeout %v: gave up after %v", tc.d.ConnectTimeout, tc.cfg.Timeout, d)
			}
		}
	})
	t.Run("not an MMS server", func(t *testing.T) {
		addr := answeringServer(t, []byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
		start := time.Now()
		_, err := (&mmsp.Dialer{}).Dial(context.Background(), "mmst://"+addr+"/a.wma", transport.Config{Timeout: 10 * time.Second})
		if !errors.Is(err, mmsp.ErrProtocol) || !strings.Contains(err.Error(), "HTTP/1.1") || time.Since(start) > 5*time.Second {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
	})
	t.Run("garbage", func(t *testing.T) {
		// A TcpMessageHeader whose messageLength says 1 GB.
		addr := answeringServer(t, []byte{1, 0, 0, 0, 0xCE, 0xFA, 0x0B, 0xB0, 0, 0, 0, 0x40, 'M', 'M', 'S', ' '})
		_, err := (&mmsp.Dialer{}).Dial(context.Background(), "mmst://"+addr+"/a.wma", transport.Config{Timeout: 2 * time.Second})
		if !errors.Is(err, mmsp.ErrMalformed) {
			t.Fatalf("err %v", err)
		}
	})
}

// answeringServer listens on a loopback port, for the test, and answers the
// first connection with reply (nothing when nil), then reads what comes
// until the client closes; it returns the port's address.
func answeringServer(t *testing.T, reply []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			c.Write(reply)
			io.Copy(io.Discard, c)
		}
	}()
	return ln.Addr().String()
}

// TestBasicAuth: a server asking for Basic authentication (4.6.1) gets
// *transport.AuthRequiredError without credentials, Rejected with wrong
// ones, and with the right ones a SecurityResponse echoing the cookie
// and incarnation with base64(user:password) NUL-terminated (2.2.4.24).
func TestBasicAuth(t *testing.T) {
	srv := server(t, mmsptest.Options{User: "alice", Password: "s3cret"}, "/c.wma", content(t, "c_wmav2.wma"))
	_, err := (&mmsp.Dialer{}).Dial(context.Background(), srv.URL+"/c.wma", transport.Config{Timeout: 5 * time.Second})
	var ae *transport.AuthRequiredError
	if !errors.As(err, &ae) || ae.Rejected || ae.Realm != "mmsptest" || len(ae.Schemes) != 1 || ae.Schemes[0] != "Basic" {
		t.Fatalf("without credentials: %v (%+v)", err, ae)
	}
	_, err = (&mmsp.Dialer{}).Dial(context.Background(), srv.URL+"/c.wma", transport.Config{Timeout: 5 * time.Second, Credentials: &transport.Credentials{User: "alice", Password: "no"}})
	if !errors.As(err, &ae) || !ae.Rejected || strings.Contains(err.Error(), "no") && strings.Contains(err.Error(), "alice") {
		t.Fatalf("wrong credentials: %v", err)
	}
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{Credentials: &transport.Credentials{User: "alice", Password: "s3cret"}})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	readAll(t, s)
	rs := srv.ReceivedOf(mmsp.MIDSecurityResponse)
	last := rs[len(rs)-1].Message.(*mmsp.SecurityResponse)
	if string(last.Token) != base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))+"\x00" || last.Cookie != 0xC00C1E {
		t.Fatalf("SecurityResponse %+v", last)
	}
	of := srv.ReceivedOf(mmsp.MIDOpenFile)
	if last.PlayIncarnation != of[len(of)-1].Message.(*mmsp.OpenFile).PlayIncarnation {
		t.Fatalf("SecurityResponse incarnation %d, OpenFile's %d", last.PlayIncarnation, of[len(of)-1].Message.(*mmsp.OpenFile).PlayIncarnation)
	}
}

// TestWebLog: the play log also goes to the web-server log URLs the
// player names (an ASX LOGURL, MS-WMLOG 2.3): validated with a GET, then
// POSTed as an MX_STATS_LogLine naming the URL played, mms over TCP.
func TestWebLog(t *testing.T) {
	posts := make(chan string, 4)
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			io.WriteString(w, "<html><body><h1>WMS ISAPI Log Dll/9.0.0.0</h1></body></html>")
			return
		}
		b, _ := io.ReadAll(r.Body)
		posts <- string(b)
	}))
	defer web.Close()
	srv := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{})
	s.(transport.PlaybackReporter).ReportPlayback(transport.PlaybackFacts{LogURLs: []string{web.URL + "/log"}})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	readAll(t, s)
	s.Close()
	select {
	case p := <-posts:
		if !strings.HasPrefix(p, "MX_STATS_LogLine:") || !strings.Contains(p, strings.TrimPrefix(srv.URL, "mmst://")) || !strings.Contains(p, " mms ") && !strings.Contains(p, "mms") {
			t.Fatalf("web log %q", p)
		}
	default:
		t.Fatal("no web log posted by Close")
	}
	if n := s.Stats().LogPosts; n != 2 {
		t.Fatalf("%d logs counted, want the Logging message and the web post", n)
	}
}

// TestNTLMAuth: the NTLM sequence of 4.6.2: OpenFile, a challenge of two
// zero bytes, a SecurityResponse with NEGOTIATE, the server's CHALLENGE,
// a SecurityResponse with AUTHENTICATE (checked by the fake server from
// [MS-NLMP]), then ReportOpenFile; each pToken is two zero bytes and an
// NTLM_AUTH structure (Zero 0, One 1, NTLMTokenSize, Two 2) around the
// token (2.2.4.14.1, 2.2.4.24). Wrong credentials are refused.
func TestNTLMAuth(t *testing.T) {
	srv := server(t, mmsptest.Options{User: "bob", Password: "pa55", NTLM: true}, "/c.wma", content(t, "c_wmav2.wma"))
	_, err := (&mmsp.Dialer{}).Dial(context.Background(), srv.URL+"/c.wma", transport.Config{Timeout: 5 * time.Second})
	var ae *transport.AuthRequiredError
	if !errors.As(err, &ae) || ae.Rejected || len(ae.Schemes) != 1 || ae.Schemes[0] != "NTLM" {
		t.Fatalf("without credentials: %v", err)
	}
	_, err = (&mmsp.Dialer{}).Dial(context.Background(), srv.URL+"/c.wma", transport.Config{Timeout: 5 * time.Second, Credentials: &transport.Credentials{User: "bob", Password: "wrong"}})
	if !errors.As(err, &ae) || !ae.Rejected {
		t.Fatalf("wrong credentials: %v", err)
	}
	n := len(srv.ReceivedOf(mmsp.MIDSecurityResponse))
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{Credentials: &transport.Credentials{User: "bob", Password: "pa55"}})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	rs := srv.ReceivedOf(mmsp.MIDSecurityResponse)[n:]
	if len(rs) != 2 {
		t.Fatalf("%d SecurityResponse", len(rs))
	}
	for i, r := range rs {
		p := r.Message.(*mmsp.SecurityResponse).Token
		le := func(off int) uint32 {
			return uint32(p[off]) | uint32(p[off+1])<<8 | uint32(p[off+2])<<16 | uint32(p[off+3])<<24
		}
		if len(p) < 2+24+12 || p[0] != 0 || p[1] != 0 || le(2) != 0 || le(6) != 1 || le(18) != 2 || int(le(14)) != len(p)-26 ||
			string(p[26:34]) != "NTLMSSP\x00" || le(34) != uint32(1+2*i) { // NEGOTIATE (1), then AUTHENTICATE (3)
			t.Fatalf("SecurityResponse %d pToken % x", i, p)
		}
	}
}
