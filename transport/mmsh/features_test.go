package mmsh_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/wmlog"
)

// TestStreamSwitchContinues switches from one audio stream to the other
// mid-stream: SelectStream, no new Play, and the new stream's samples
// continue from the position reached instead of restarting at zero.
func TestStreamSwitchContinues(t *testing.T) {
	srv := server(t, mmshtest.Options{Pace: true}, map[string]*mmshtest.Content{"/mbr.wma": fileContent(t, "mbr_20s.wma")})
	d := baseDialer()
	d.DisableFastStart = true
	s := dial(t, d, srv.URL+"/mbr.wma", transport.Config{})
	play(t, s, []int{1})
	var last time.Duration
	for last < 500*time.Millisecond {
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if smp.Track != 1 {
			t.Fatalf("sample of track %d before the switch", smp.Track)
		}
		last = smp.PTS
	}
	if err := s.Select(ctxT(t), []int{2}); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < 5; {
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if smp.Track != 2 {
			t.Fatalf("sample of track %d after Select([2])", smp.Track)
		}
		if n == 0 && smp.PTS < last-time.Second {
			t.Errorf("after the switch the stream restarted: first PTS %v, before %v", smp.PTS, last)
		}
		n++
	}
	if n := len(srv.RequestsOf("Play")); n != 1 {
		t.Errorf("%d Play requests, want 1 (SelectStream switches without a new Play)", n)
	}
	if v, _ := srv.RequestsOf("SelectStream")[0].Token("stream-switch-entry"); v != "ffff:1:2 ffff:2:0" {
		t.Errorf("SelectStream entries %q", v)
	}
}

// TestAutomaticChoiceByBandwidth: with a bandwidth limit the stream choice
// (transport.ChooseTracks) picks the 32 kbps stream of the two.
func TestAutomaticChoiceByBandwidth(t *testing.T) {
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/mbr.wma": fileContent(t, "e_mbr_2audio.wma")})
	s := dial(t, baseDialer(), srv.URL+"/mbr.wma", transport.Config{Bandwidth: 64000})
	ids := transport.ChooseTracks(s.Info(), 64000, transport.Preferences{})
	if len(ids) != 1 || ids[0] != 2 {
		t.Fatalf("choice %v, want [2] (32 kbps fits 64 kbps)", ids)
	}
	play(t, s, ids)
	waitFor(t, "Play", func() bool { return len(srv.RequestsOf("Play")) == 1 })
	if v, _ := srv.RequestsOf("Play")[0].Token("stream-switch-entry"); v != "ffff:1:2 ffff:2:0" {
		t.Errorf("stream-switch-entry %q", v)
	}
}

// TestSeekByTime seeks while streaming (3.1.4.7): the client stops the
// stream by closing the Play connection (3.1.4.6, non-pipelined), which the
// server sees closed from the client's side before it plays again
// (checklist 63); it logs the period played (a Log on a connection of its
// own, the first of the session); then a Play carries stream-time with the
// other position tokens "don't care" (3.2.5.6), and the first sample comes
// from there, flagged as a discontinuity.
func TestSeekByTime(t *testing.T) {
	noGC(t)
	srv := server(t, mmshtest.Options{Pace: true}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "wmav2_20s.wma")})
	d := baseDialer()
	d.DisableFastStart = true
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctxT(t), 12*time.Second); err != nil {
		t.Fatal(err)
	}
	smp, err := s.ReadSample(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	// The server starts at the packet holding what plays at 12 s; earlier
	// objects of that packet come first (the player trims them).
	if smp.PTS < 10*time.Second || smp.PTS > 12*time.Second || !smp.Discontinuity {
		t.Errorf("first sample after seeking to 12 s: %v (discontinuity %v)", smp.PTS, smp.Discontinuity)
	}
	plays := srv.RequestsOf("Play")
	if len(plays) != 2 {
		t.Fatalf("%d Plays", len(plays))
	}
	if !srv.ClosedByClient(plays[0].Conn) {
		t.Error("the client did not close the Play connection to stop the stream (the server closed it)")
	}
	line := plays[1].PragmaLines()[0]
	if !strings.Contains(line, "stream-time=12000,stream-offset=4294967295:4294967295,packet-num=4294967295") {
		t.Errorf("seek Play: %q", line)
	}
	// The first Log is the period before the seek (from 0), not the $E log
	// of the period after it (from 12 s).
	waitFor(t, "the seek's log", func() bool { return len(srv.RequestsOf("Log")) >= 1 })
	lg := srv.RequestsOf("Log")[0]
	if lg.Conn == plays[0].Conn || lg.Conn == plays[1].Conn {
		t.Errorf("the Log went on a Play connection (%d)", lg.Conn)
	}
	p, err := wmlog.ParseXML(lg.Body)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := p.Get("c-starttime"); v != "0" {
		t.Errorf("first log's c-starttime %s: not the log of the period before the seek", v)
	}
}

// TestSeekByPacketWithoutSeekableFeature: a server that does not announce
// "seekable" gets the position as a packet number and byte offset.
func TestSeekByPacketWithoutSeekableFeature(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	c.NotSeekable = true
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": c})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	if !s.Info().Seekable {
		t.Fatal("on-demand content with a packet count must be seekable by packet number")
	}
	play(t, s, nil)
	if err := s.Play(ctxT(t), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	smp, err := s.ReadSample(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if smp.PTS < 8*time.Second || smp.PTS > 11*time.Second {
		t.Errorf("first sample after seeking to 10 s by packet: %v", smp.PTS)
	}
	line := srv.RequestsOf("Play")[1].PragmaLines()[0]
	if !strings.Contains(line, "stream-time=0,stream-offset=") || strings.Contains(line, "packet-num=4294967295") {
		t.Errorf("packet-number seek: %q", line)
	}
}

// TestPauseResumeKeepAlive pauses for longer than the server keeps an idle
// session (timeout=20000), with the server's sessions expiring on the
// same virtual clock as the client's timers (a testing/synctest bubble):
// the KeepAlives, one every 15 s (5 s before the timeout, 3.1.6.1), each
// one period after the one before, keep the session, so the Play that
// resumes at a position finds it (no xResetStrm, the same client-id;
// checklist 91, 114).
func TestPauseResumeKeepAlive(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	synctest.Test(t, func(t *testing.T) {
		d := baseDialer()
		srv := pipeServer(t, mmshtest.Options{TimeoutMS: 20000}, map[string]*mmshtest.Content{"/a.wma": c}, d)
		s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 5 * time.Minute})
		play(t, s, nil)
		if _, err := s.ReadSample(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		if err := s.Pause(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		for i := 1; i <= 2; i++ {
			// timeout=20000 ⇒ every 15 s (5 s early), from the pause, then
			// from each KeepAlive.
			requestAt(t, srv, "KeepAlive", 15*time.Second, i)
		}
		id, _ := srv.RequestsOf("Play")[0].Token("client-id")
		if err := s.Play(ctxT(t), 5*time.Second); err != nil {
			t.Fatal(err)
		}
		smp, err := s.ReadSample(ctxT(t))
		if err != nil || smp.PTS < 3*time.Second || smp.PTS > 5*time.Second {
			t.Fatalf("resume at 5 s: first sample %v %v (ErrInfoChanged: the session was lost, xResetStrm)", smp.PTS, err)
		}
		if r := srv.RequestsOf("Play")[1]; !r.Pragma.Has("client-id") {
			t.Error("resume Play without client-id")
		}
		s.Close()
		for _, r := range srv.Requests()[1:] {
			if v, _ := r.Token("client-id"); v != id {
				t.Errorf("%s with client-id %q, the session's is %s: the server lost the session", r.Kind, v, id)
			}
		}
	})
}

// TestKeepAliveTimer measures the KeepAlive timer on the virtual clock of
// a testing/synctest bubble (3.1.5.1, 3.1.4.6, 3.1.6.1; checklist 67, 70,
// 108, 114): no KeepAlive while streaming; a pause starts a full period
// (timeout=60000 ⇒ 55 s); sending the Play that resumes stops it (no
// KeepAlive when the rest of the period has passed); the next pause
// starts a full period again, not what was left; a KeepAlive goes out
// when it runs out and starts the next.
func TestKeepAliveTimer(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	synctest.Test(t, func(t *testing.T) {
		d := baseDialer()
		// Both Plays hold after 3 packets: streaming, nothing arrives.
		srv := pipeServer(t, mmshtest.Options{Faults: mmshtest.Faults{HoldAfter: 3, CloseTimes: 2}}, map[string]*mmshtest.Content{"/a.wma": c}, d)
		// The stall checks of a stream run at half the timeout: 5 min.
		s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 10 * time.Minute})
		keepAlives := func(want int, when string) {
			t.Helper()
			synctest.Wait()
			if n := len(srv.RequestsOf("KeepAlive")); n != want {
				t.Fatalf("%d KeepAlives %s, want %d", n, when, want)
			}
		}
		play(t, s, nil)
		if _, err := s.ReadSample(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		keepAlives(0, "after a minute of streaming")
		if err := s.Pause(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Second)
		keepAlives(0, "30 s into the pause")
		if err := s.Play(ctxT(t), time.Second); err != nil {
			t.Fatal(err)
		}
		// The pause's period would have ended 25 s after the Play.
		time.Sleep(30 * time.Second)
		keepAlives(0, "30 s after the Play that resumed")
		if err := s.Pause(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		// A full period from the second pause, then from the KeepAlive.
		requestAt(t, srv, "KeepAlive", 55*time.Second, 1)
		requestAt(t, srv, "KeepAlive", 55*time.Second, 2)
	})
}

// TestCloseSendsLogFirst closes a streaming session: the Log reaches the
// server before Close returns (3.1.4.6).
func TestCloseSendsLogFirst(t *testing.T) {
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "wmav2_20s.wma")})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	for i := 0; i < 10; i++ {
		if _, err := s.ReadSample(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if n := len(srv.RequestsOf("Log")); n != 1 {
		t.Fatalf("%d logs after Close, want 1", n)
	}
	if _, err := s.ReadSample(ctxT(t)); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("ReadSample after Close: %v", err)
	}
	if err := s.Play(ctxT(t), 0); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("Play after Close: %v", err)
	}
}

// TestBroadcast: features "broadcast,live" disable seeking; Play joins at
// the live point (stream-time=0).
func TestBroadcast(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	c.Broadcast = true
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/live": c})
	s := dial(t, baseDialer(), srv.URL+"/live", transport.Config{})
	info := s.Info()
	if !info.Broadcast || info.Seekable || info.Duration != 0 {
		t.Fatalf("broadcast info %+v", info)
	}
	if err := s.Play(ctxT(t), 3*time.Second); !errors.Is(err, transport.ErrNotSeekable) {
		t.Errorf("seek on a broadcast: %v", err)
	}
	play(t, s, nil)
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if line := srv.RequestsOf("Play")[0].PragmaLines()[0]; !strings.Contains(line, "stream-time=0,") {
		t.Errorf("broadcast Play: %q", line)
	}
}

// TestPlaylistNonPipelined walks a two-entry server-side playlist without
// predictive stream selection: $E S_FALSE, a Log, $C, the new $M/$H,
// ErrInfoChanged with the entry's title, a SelectStream for the new entry,
// its data, $E, io.EOF.
func TestPlaylistNonPipelined(t *testing.T) {
	_, a := fixture(t, "c_wmav2.wma")
	_, b := fixture(t, "pcm_4s.asf")
	pl, err := mmshtest.Playlist(a, b)
	if err != nil {
		t.Fatal(err)
	}
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/list": pl})
	s := dial(t, baseDialer(), srv.URL+"/list", transport.Config{})
	if got := s.Info().Metadata.Title; got != "Entry 1" {
		t.Errorf("title %q from $M", got)
	}
	play(t, s, nil)
	first, err := readUntil(t, s)
	if !errors.Is(err, transport.ErrInfoChanged) {
		t.Fatalf("after entry 1: %v", err)
	}
	if len(first) == 0 {
		t.Fatal("no samples in entry 1")
	}
	info := s.Info()
	if info.Metadata.Title != "Entry 2" || info.Tracks[0].Codec != transport.WaveFormat(transport.TagPCM) {
		t.Fatalf("entry 2 info: %q %v", info.Metadata.Title, info.Tracks)
	}
	second, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(second) == 0 || second[0].Track != info.Tracks[0].ID {
		t.Fatalf("entry 2: %d samples", len(second))
	}
	sel := srv.RequestsOf("SelectStream")
	if len(sel) != 1 {
		t.Fatalf("%d SelectStream for the new entry, want 1", len(sel))
	}
	waitFor(t, "two logs", func() bool { return len(srv.RequestsOf("Log")) == 2 })
	p, err := wmlog.ParseXML(srv.RequestsOf("Log")[1].Body)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := p.Get("cs-uri-stem"); !strings.HasSuffix(v, "/list") || !strings.Contains(strings.Join(p.Summary, " "), "entry2.asf") {
		t.Errorf("second log: %v", p.Summary)
	}
	checkSessionInvariants(t, srv.Requests())
}

// readUntil reads samples until an error.
func readUntil(t testing.TB, s transport.Session) ([]transport.Sample, error) {
	var out []transport.Sample
	for {
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			return out, err
		}
		out = append(out, smp)
	}
}

// TestServerErrorHRESULT: $E with a failure HRESULT ends the stream with
// a *ServerError naming the URL and the code.
func TestServerErrorHRESULT(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	c.FailAfter, c.FailHRESULT = 5, 0x80070005
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": c})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	_, err := readAll(t, s)
	var se *mmsh.ServerError
	if !errors.As(err, &se) || se.HRESULT != 0x80070005 || !strings.Contains(err.Error(), "E_ACCESSDENIED") || !strings.Contains(err.Error(), srv.Addr) {
		t.Fatalf("error %v", err)
	}
}

// TestOldServerLogLine: a Cougar 4.1 server gets no Supported header, no
// $M, and the legacy log-line Pragma form (2.2.1.4.10).
func TestOldServerLogLine(t *testing.T) {
	srv := server(t, mmshtest.Options{ServerHeader: "Cougar/4.1.0.3921"}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "log", func() bool { return len(srv.RequestsOf("Log")) == 1 })
	lg := srv.RequestsOf("Log")[0]
	line, ok := lg.Token("log-line")
	if !ok || len(strings.Fields(line)) != 47 || lg.Get("Content-Type") != "" || len(lg.Body) != 0 {
		t.Fatalf("log-line log: %q ct=%q body=%d", line, lg.Get("Content-Type"), len(lg.Body))
	}
	for _, pl := range lg.PragmaLines() {
		if strings.Contains(pl, "log-line=") && !strings.HasPrefix(pl, "log-line=") {
			t.Errorf("log-line shares its Pragma line (2.2.1.4.10): %q", pl)
		}
	}
	if play := srv.RequestsOf("Play")[0]; play.Get("Supported") != "" {
		t.Errorf("Supported sent to a 4.1 server")
	}
}

// TestDescribeErrors: error statuses and non-WMSP servers are clear
// errors naming the server and the request.
func TestDescribeErrors(t *testing.T) {
	cases := []struct {
		name string
		opts mmshtest.Options
		path string
		want func(error) bool
	}{
		{"404", mmshtest.Options{}, "/missing", func(err error) bool {
			var se *transport.StatusError
			return errors.As(err, &se) && se.Code == 404 && strings.Contains(err.Error(), "Describe")
		}},
		{"503", mmshtest.Options{Faults: mmshtest.Faults{DescribeStatus: 503}}, "/a.wma", func(err error) bool {
			var se *transport.StatusError
			return errors.As(err, &se) && se.Code == 503
		}},
		{"not WMSP", mmshtest.Options{ServerHeader: "-"}, "/a.wma", func(err error) bool { return errors.Is(err, mmsh.ErrNotWMSP) }},
		{"Apache", mmshtest.Options{ServerHeader: "Apache/2.4"}, "/a.wma", func(err error) bool { return errors.Is(err, mmsh.ErrNotWMSP) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := server(t, c.opts, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
			_, err := baseDialer().Dial(ctxT(t), srv.URL+c.path, transport.Config{})
			if err == nil || !c.want(err) || !strings.Contains(err.Error(), srv.Addr) {
				t.Fatalf("error %v", err)
			}
		})
	}
}

// TestPlayError: a 5xx answer to Play is an error naming the request.
func TestPlayError(t *testing.T) {
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{PlayStatus: 503}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	if err := s.Select(ctxT(t), []int{1}); err != nil {
		t.Fatal(err)
	}
	err := s.Play(ctxT(t), 0)
	var se *transport.StatusError
	if !errors.As(err, &se) || se.Code != 503 || !strings.Contains(err.Error(), "Play") {
		t.Fatalf("Play error %v", err)
	}
}

// TestRedirects: 302 moves the URL, 305 goes through the named proxy, a
// loop ends with ErrRedirectLoop.
func TestRedirects(t *testing.T) {
	c := fileContent(t, "c_wmav2.wma")
	target := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/real.wma": c})
	hostport := strings.TrimPrefix(target.URL, "mmsh://")
	srv := server(t, mmshtest.Options{Redirects: map[string]mmshtest.Redirect{
		"/moved": {Status: 302, Location: "http://" + hostport + "/real.wma"},
		"/loop1": {Status: 301, Location: "/loop2"},
		"/loop2": {Status: 301, Location: "/loop1"},
	}}, nil)
	s := dial(t, baseDialer(), srv.URL+"/moved", transport.Config{})
	if !strings.HasSuffix(s.Info().URL, "/real.wma") {
		t.Errorf("URL after redirect %q", s.Info().URL)
	}
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	_, err := baseDialer().Dial(ctxT(t), srv.URL+"/loop1", transport.Config{})
	if !errors.Is(err, mmsh.ErrRedirectLoop) {
		t.Errorf("loop: %v", err)
	}
}

// TestNoLeakOnContextCancel cancels a Dial to a server that never answers.
func TestDialCancel(t *testing.T) {
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{}}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := baseDialer().Dial(ctx, srv.URL+"/x", transport.Config{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Dial: %v", err)
	}
}

var _ = io.EOF
