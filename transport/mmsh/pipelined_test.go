package mmsh_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// TestPipelinedSession runs a session in pipelined mode: the Describe
// offers pipeline-experiment in HTTP/1.1 (never in HTTP/1.0: 2.2.1.4.15,
// checklist 16) with version11-enabled; the pipeline experiment (two
// Pipeline requests back to back on one connection, $T,
// pipeline-result=1) makes that connection the Play connection; the Play
// (HTTP/1.1, version11-enabled, Keep-Alive) delivers every object, and the
// Log after $E goes on the same connection (3.1.5.13). Stop, KeepAlive and
// a second Play on the connection are TestPipelinedStopKeepAlive's.
func TestPipelinedSession(t *testing.T) {
	path, _ := fixture(t, "c_wmav2.wma")
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d := &mmsh.Dialer{DisablePacketPair: true}
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	desc := srv.RequestsOf("Describe")[0]
	if !desc.Pragma.Flag("pipeline-experiment") || !desc.Pragma.Flag("version11-enabled") || desc.Proto != "HTTP/1.1" {
		t.Fatalf("Describe (%s) without pipeline-experiment and version11-enabled in HTTP/1.1: %v", desc.Proto, desc.PragmaLines())
	}
	play(t, s, nil)
	pipes := srv.RequestsOf("Pipeline")
	if len(pipes) != 2 || pipes[0].Conn != pipes[1].Conn {
		t.Fatalf("pipeline requests %d", len(pipes))
	}
	checkShape(t, "Pipeline", pipes[0], []string{
		"GET /a.wma HTTP/1.1",
		"Accept: */*",
		"User-Agent: NSPlayer/12.0.7724.0",
		"Host: HOST",
		"X-Accept-Authentication: Negotiate, NTLM, Digest, Basic",
		"Pragma: no-cache",
		"Pragma: pipeline-request=1",
		"Pragma: client-id=ID",
		"Pragma: xClientGUID=GUID",
		"Pragma: request-context=2",
		"Connection: keep-alive",
	})
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if want := ffprobe(t, path, s.Info().Tracks); len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	playReq := srv.RequestsOf("Play")[0]
	if playReq.Conn != pipes[0].Conn || !playReq.Pragma.Flag("version11-enabled") || playReq.Get("Connection") != "Keep-Alive" {
		t.Errorf("pipelined Play: conn %d (pipeline %d), %v", playReq.Conn, pipes[0].Conn, playReq.PragmaLines())
	}
	waitFor(t, "log", func() bool { return s.Stats().LogPosts == 1 })
	if lg := srv.RequestsOf("Log")[0]; lg.Conn != playReq.Conn {
		t.Errorf("pipelined Log on connection %d, Play on %d (3.1.5.13: same connection)", lg.Conn, playReq.Conn)
	}
	checkSessionInvariants(t, srv.Requests())
}

// TestPipelinedStopKeepAlive seeks (Stop, Log, Play), pauses (Stop, Log)
// and keeps the session alive with OPTIONS, all on the Play connection
// (3.1.4.6, 3.1.6.1). The server refuses the Logs (500) and accepts the
// Stops and the OPTIONS: the client, which matches answers to requests in
// the order it sent them (Expected-Responses, 3.1.5.3; checklist 71, 87),
// counts no log as delivered; a mismatch would count a Stop's or the
// OPTIONS' 200 as a Log's.
func TestPipelinedStopKeepAlive(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	synctest.Test(t, func(t *testing.T) { testPipelinedStopKeepAlive(t, c) })
}

func testPipelinedStopKeepAlive(t *testing.T, c *mmshtest.Content) {
	d := &mmsh.Dialer{DisablePacketPair: true, DisableFastStart: true}
	srv := pipeServer(t, mmshtest.Options{Pace: true, LogStatus: 500}, map[string]*mmshtest.Content{"/a.wma": c}, d)
	// A long timeout: the 55 s to the KeepAlive must not make the wait
	// for the answers time out.
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 10 * time.Minute})
	play(t, s, nil)
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctxT(t), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if smp, err := s.ReadSample(ctxT(t)); err != nil || smp.PTS < 8*time.Second {
		t.Fatalf("after the pipelined seek: %v %v", smp.PTS, err)
	}
	if err := s.Pause(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	if n := len(srv.RequestsOf("Stop")); n != 2 {
		t.Fatalf("%d Stops, want 2", n)
	}
	checkShape(t, "Stop", srv.RequestsOf("Stop")[0], []string{
		"POST /a.wma HTTP/1.1",
		"Accept: */*",
		"User-Agent: NSPlayer/12.0.7724.0",
		"Host: HOST",
		"X-Accept-Authentication: Negotiate, NTLM, Digest, Basic",
		"Pragma: xClientGUID=GUID",
		"Pragma: client-id=ID",
		"Pragma: xStopStrm=1",
		"Content-Length: 0",
	})
	// The pause started the KeepAlive timer (timeout=60000 ⇒ 55 s); its
	// Log, sent at once, restarted it at the same instant.
	if n := len(srv.RequestsOf("Log")); n != 2 {
		t.Fatalf("%d Logs after the pause, want 2", n)
	}
	requestAt(t, srv, "KeepAlive", 55*time.Second, 1)
	playReq := srv.RequestsOf("Play")[0]
	ka := srv.RequestsOf("KeepAlive")[0]
	if ka.Method != "OPTIONS" || ka.Target != "*" || ka.Conn != playReq.Conn {
		t.Errorf("pipelined KeepAlive %s %s on %d", ka.Method, ka.Target, ka.Conn)
	}
	// The Play's answer comes after those to the Stops, the Logs and the
	// OPTIONS, which the client has matched when Play returns.
	if err := s.Play(ctxT(t), 3*time.Second); err != nil {
		t.Fatal(err)
	}
	if n := s.Stats().LogPosts; n != 0 {
		t.Errorf("%d logs counted as delivered; the server refused both: answers matched to the wrong requests", n)
	}
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.Requests()[1:] {
		if r.Conn != playReq.Conn {
			t.Errorf("%s on connection %d, the pipelined connection is %d", r.Kind, r.Conn, playReq.Conn)
		}
	}
	checkSessionInvariants(t, srv.Requests())
}

// TestPipelineRefused: a server that answers pipeline-experiment=0 gets
// no Pipeline request (3.1.5.5, checklist 100); one that offers the
// experiment but answers the test with pipeline-result=0 gets the two
// Pipeline requests and then a non-pipelined Play (3.1.5.9: MUST;
// checklist 105).
func TestPipelineRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  mmshtest.Options
		tests int
	}{
		{"no experiment", mmshtest.Options{NoPipelining: true}, 0},
		{"failed test", mmshtest.Options{FailPipelineTest: true}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := server(t, tc.opts, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
			s := dial(t, &mmsh.Dialer{DisablePacketPair: true}, srv.URL+"/a.wma", transport.Config{})
			play(t, s, nil)
			if _, err := readAll(t, s); err != nil {
				t.Fatal(err)
			}
			p := srv.RequestsOf("Play")[0]
			if p.Pragma.Flag("version11-enabled") || len(srv.RequestsOf("Pipeline")) != tc.tests {
				t.Errorf("%d Pipeline requests, Play %v", len(srv.RequestsOf("Pipeline")), p.PragmaLines())
			}
			if p.Conn == srv.RequestsOf("Describe")[0].Conn || (tc.tests > 0 && p.Conn == srv.RequestsOf("Pipeline")[0].Conn) {
				t.Errorf("the non-pipelined Play reused connection %d", p.Conn)
			}
		})
	}
}

// TestPipelinedPlaylist: in pipelined mode a new entry is requested with
// PlayNextEntry on the Play connection (3.1.4.5).
func TestPipelinedPlaylist(t *testing.T) {
	_, a := fixture(t, "c_wmav2.wma")
	_, b := fixture(t, "pcm_4s.asf")
	pl, err := mmshtest.Playlist(a, b)
	if err != nil {
		t.Fatal(err)
	}
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/list": pl})
	s := dial(t, &mmsh.Dialer{DisablePacketPair: true}, srv.URL+"/list", transport.Config{})
	play(t, s, nil)
	if _, err := readUntil(t, s); !errors.Is(err, transport.ErrInfoChanged) {
		t.Fatalf("entry 1 ended with %v", err)
	}
	second, err := readAll(t, s)
	if err != nil || len(second) == 0 {
		t.Fatalf("entry 2: %d samples, %v", len(second), err)
	}
	ne := srv.RequestsOf("PlayNextEntry")
	if len(ne) != 1 {
		t.Fatalf("%d PlayNextEntry", len(ne))
	}
	if v, _ := ne[0].Token("stream-switch-entry"); v != "ffff:1:0" || ne[0].Conn != srv.RequestsOf("Play")[0].Conn {
		t.Errorf("PlayNextEntry %v on %d", ne[0].PragmaLines(), ne[0].Conn)
	}
	for _, l := range ne[0].PragmaLines() {
		if strings.HasPrefix(l, "stream-switch-entry") && strings.Contains(l, ",") {
			t.Errorf("stream-switch-entry shares a line: %q", l)
		}
	}
	checkSessionInvariants(t, srv.Requests())
}

// TestPipelinedCloseDeliversLog: Close in pipelined mode sends Stop and
// the Log on the Play connection and waits for their answers before it
// closes the connection (3.1.4.6).
func TestPipelinedCloseDeliversLog(t *testing.T) {
	srv := server(t, mmshtest.Options{Pace: true}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "wmav2_20s.wma")})
	s := dial(t, &mmsh.Dialer{DisablePacketPair: true, DisableFastStart: true}, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if n := s.Stats().LogPosts; n != 1 {
		t.Fatalf("%d logs answered by Close", n)
	}
	if lg := srv.RequestsOf("Log"); len(lg) != 1 || lg[0].Conn != srv.RequestsOf("Play")[0].Conn {
		t.Errorf("log not on the Play connection")
	}
}

// TestUnsolicitedResponse: on the pipelined connection the server ends
// the Play response and goes on with the data in a second response no
// request asked for. A response with Expected-Responses empty is an error
// (3.1.5.3; checklist 86): the session ends with ErrProtocol instead of
// playing the data that follows.
func TestUnsolicitedResponse(t *testing.T) {
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{UnsolicitedAfter: 3}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, &mmsh.Dialer{DisablePacketPair: true}, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	got, err := readAll(t, s)
	if !errors.Is(err, mmsh.ErrProtocol) || !strings.Contains(err.Error(), "nobody asked for") {
		t.Fatalf("after %d samples: %v, want ErrProtocol", len(got), err)
	}
	if n := len(srv.RequestsOf("Pipeline")); n != 2 {
		t.Fatalf("%d Pipeline requests: not pipelined", n)
	}
}

// TestStopAnswerRestartsKeepAlive: the Stop's answer restarts the
// KeepAlive timer (3.1.5.19; checklist 112), measured on the virtual
// clock of a testing/synctest bubble. The server holds the stream, so the
// Stop written at the pause is answered only when the test releases it,
// 10 s later: the KeepAlive goes out a full 55 s period after the answer,
// not when the 45 s left of the period the pause started run out.
func TestStopAnswerRestartsKeepAlive(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	synctest.Test(t, func(t *testing.T) {
		srv, s := heldPipelined(t, c)
		if err := s.Pause(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Second)
		srv.Release()
		synctest.Wait()
		if n := len(srv.RequestsOf("Stop")); n != 1 {
			t.Fatalf("%d Stops", n)
		}
		requestAt(t, srv, "KeepAlive", 55*time.Second, 1)
	})
}

// TestPipelinedPlayStopsKeepAlive: sending the Play that resumes stops
// the KeepAlive timer the pause started (3.1.5.1; checklist 70), measured
// on the virtual clock of a testing/synctest bubble. Pipelined, the
// server holds the stream, so the answers to the pause's Stop and to the
// Play wait behind it: the session stays IDLE while the Play is
// unanswered, and a timer left running would send an OPTIONS KeepAlive
// when its 55 s ran out.
func TestPipelinedPlayStopsKeepAlive(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	synctest.Test(t, func(t *testing.T) {
		srv, s := heldPipelined(t, c)
		if err := s.Pause(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Second)
		played := make(chan error, 1)
		go func() { played <- s.Play(context.Background(), time.Second) }()
		// Past the end of the pause's period (25 s on) and of one
		// restarted when the Play was handled (55 s on).
		time.Sleep(time.Minute)
		synctest.Wait()
		if n := len(srv.RequestsOf("Play")); n != 2 {
			t.Fatalf("%d Plays, want the resume sent", n)
		}
		select {
		case err := <-played:
			t.Fatalf("the Play returned before its answer: %v", err)
		default:
		}
		srv.Release()
		if err := <-played; err != nil {
			t.Fatal(err)
		}
		// The server reads the requests after the Play once it has
		// answered it.
		synctest.Wait()
		if n := len(srv.RequestsOf("KeepAlive")); n != 0 {
			t.Fatalf("%d KeepAlives sent while the Play that resumes awaited its answer", n)
		}
	})
}

// heldPipelined opens a pipelined session (no packet pair, no fast start)
// with a 10 min timeout on a pipe server (pipeServer) that holds the first
// Play's stream after 3 packets, plays it and waits for the hold.
func heldPipelined(t *testing.T, c *mmshtest.Content) (*mmshtest.Server, transport.Session) {
	t.Helper()
	d := &mmsh.Dialer{DisablePacketPair: true, DisableFastStart: true}
	srv := pipeServer(t, mmshtest.Options{Faults: mmshtest.Faults{HoldAfter: 3}}, map[string]*mmshtest.Content{"/a.wma": c}, d)
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 10 * time.Minute})
	play(t, s, nil)
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	if n := srv.Sent()[0].DataPackets; n != 3 {
		t.Fatalf("%d packets sent, want the 3 before the hold", n)
	}
	return srv, s
}

// TestPipelineBehindHTTP10Proxy: a Describe answer that came through an
// HTTP/1.0 proxy (Via: 1.0 ...) offers the pipeline experiment, but the
// client does not run it (3.1.5.5 SHOULD; checklist 98): HTTP/1.0 proxies
// break pipelining.
func TestPipelineBehindHTTP10Proxy(t *testing.T) {
	srv := server(t, mmshtest.Options{Via: "1.0 oldproxy, 1.1 newproxy"}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, &mmsh.Dialer{DisablePacketPair: true}, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.RequestsOf("Pipeline")); n != 0 || srv.RequestsOf("Play")[0].Pragma.Flag("version11-enabled") {
		t.Errorf("%d Pipeline requests through an HTTP/1.0 proxy", n)
	}
}
