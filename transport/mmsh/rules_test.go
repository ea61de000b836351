package mmsh_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// TestEndBurst: a server that follows $E with hundreds more (3.2.4.1,
// D5 8) gets one Log and the reader one io.EOF, in both modes.
func TestEndBurst(t *testing.T) {
	for _, pipelined := range []bool{false, true} {
		srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{EndRepeat: 600}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
		d := baseDialer()
		d.DisablePipelining = !pipelined
		s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
		play(t, s, nil)
		if _, err := readAll(t, s); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReadSample(ctxT(t)); !errors.Is(err, io.EOF) {
			t.Errorf("after the end: %v", err)
		}
		s.Close()
		if n := len(srv.RequestsOf("Log")); n != 1 {
			t.Errorf("pipelined %v: %d logs for one $E burst", pipelined, n)
		}
	}
}

// TestUnexpectedPacket: a well-formed packet in the wrong place ($T in a
// Play response) is an error (3.1.5.2).
func TestUnexpectedPacket(t *testing.T) {
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{UnexpectedAfter: 3}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	_, err := readAll(t, s)
	if !errors.Is(err, mmsh.ErrUnexpectedPacket) || !strings.Contains(err.Error(), "$T") {
		t.Fatalf("error %v", err)
	}
}

// TestNoSSwitchFallsBackToPlay: without com.microsoft.wm.sswitch the
// client sends no SelectStream (3.1.4.4) and switches with a Play at the
// position reached instead.
func TestNoSSwitchFallsBackToPlay(t *testing.T) {
	srv := server(t, mmshtest.Options{Pace: true, Supported: []string{mmsh.SupportPredStrm}}, map[string]*mmshtest.Content{"/mbr.wma": fileContent(t, "mbr_20s.wma")})
	d := baseDialer()
	d.DisableFastStart = true
	s := dial(t, d, srv.URL+"/mbr.wma", transport.Config{})
	play(t, s, []int{1})
	var last time.Duration
	for last < 300*time.Millisecond {
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		last = smp.PTS
	}
	if err := s.Select(ctxT(t), []int{2}); err != nil {
		t.Fatal(err)
	}
	smp, err := s.ReadSample(ctxT(t))
	if err != nil || smp.Track != 2 || smp.PTS < last-time.Second {
		t.Fatalf("after the switch: track %d pts %v (before %v) %v", smp.Track, smp.PTS, last, err)
	}
	if len(srv.RequestsOf("SelectStream")) != 0 || len(srv.RequestsOf("Play")) != 2 {
		t.Fatalf("%d SelectStream, %d Play", len(srv.RequestsOf("SelectStream")), len(srv.RequestsOf("Play")))
	}
	if v, _ := srv.RequestsOf("Play")[1].Token("stream-switch-entry"); v != "ffff:1:2 ffff:2:0" {
		t.Errorf("second Play selection %q", v)
	}
}

// TestPipelinedSelectStream: in pipelined mode the switch is a GET
// SelectStream on the Play connection with version11-enabled=1 (3.1.4.4,
// 3.1.4.4 item 57); the data continues in its response (3.2.5.7).
func TestPipelinedSelectStream(t *testing.T) {
	srv := server(t, mmshtest.Options{Pace: true}, map[string]*mmshtest.Content{"/mbr.wma": fileContent(t, "mbr_20s.wma")})
	s := dial(t, &mmsh.Dialer{DisablePacketPair: true, DisableFastStart: true}, srv.URL+"/mbr.wma", transport.Config{})
	play(t, s, []int{1})
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Select(ctxT(t), []int{2}); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < 3; {
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if smp.Track != 2 {
			t.Fatalf("track %d after the switch", smp.Track)
		}
		n++
	}
	sel := srv.RequestsOf("SelectStream")
	if len(sel) != 1 || sel[0].Method != "GET" || !sel[0].Pragma.Flag("version11-enabled") || sel[0].Conn != srv.RequestsOf("Play")[0].Conn {
		t.Fatalf("SelectStream %+v", sel)
	}
}

// TestConfiguredClientID: Config.ClientID (the installation's persisted
// GUID) is the xClientGUID and the log's c-playerid; Anonymous logs the
// privacy form (MS-WMLOG 2.1.18).
func TestConfiguredClientID(t *testing.T) {
	const id = "{52CB2BDB-6925-4E19-8D1D-62D10E9E2705}"
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d := baseDialer()
	d.Anonymous = true
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{ClientID: id})
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "log", func() bool { return len(srv.RequestsOf("Log")) == 1 })
	for _, r := range srv.Requests() {
		if g, _ := r.Token("xClientGUID"); g != id {
			t.Errorf("%s: xClientGUID %q", r.Kind, g)
		}
	}
	body := string(srv.RequestsOf("Log")[0].Body)
	if !strings.Contains(body, "<c-playerid>{3300AD50-2C39-46c0-AE0A-") || strings.Contains(body, "62D10E9E2705") {
		t.Errorf("the log does not carry the anonymous player id")
	}
}

// TestOldServerGating: a 4.1 server gets no fast-start tokens and no
// KeepAlive (xKeepAliveInPause is for servers from 5.0, 2.2.1.4.34;
// version gating, checklist 21); TestOldServerLogLine checks Supported.
// The pause (Stop: the connection closed) starts no KeepAlive timer: two
// minutes of the virtual clock (testing/synctest) pass without one.
func TestOldServerGating(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	synctest.Test(t, func(t *testing.T) {
		d := baseDialer()
		srv := pipeServer(t, mmshtest.Options{ServerHeader: "Cougar/4.1.0.3921"}, map[string]*mmshtest.Content{"/a.wma": c}, d)
		s := dial(t, d, srv.URL+"/a.wma", transport.Config{Bandwidth: 500000})
		play(t, s, nil)
		if err := s.Pause(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		p := srv.RequestsOf("Play")[0]
		for _, tok := range []string{"AccelBW", "AccelDuration", "LinkBW", "Speed"} {
			if p.Pragma.Has(tok) {
				t.Errorf("%s sent to a 4.1 server", tok)
			}
		}
		if n := len(srv.RequestsOf("KeepAlive")); n != 0 {
			t.Errorf("%d KeepAlives to a 4.1 server", n)
		}
	})
}

// TestPlaybackFactsInLog: what the player reports (rendered time,
// rebuffers, its version and language, an ASX referer) fills the log
// fields the transport cannot measure (MS-WMLOG x-duration,
// c-buffercount: the 2 rebuffers and the buffering before playing,
// c-totalbuffertime, c-playerversion, c-playerlanguage, cs-Referer).
func TestPlaybackFactsInLog(t *testing.T) {
	srv := server(t, mmshtest.Options{Pace: true}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "wmav2_20s.wma")})
	d := baseDialer()
	d.DisableFastStart = true
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	rep, ok := s.(transport.PlaybackReporter)
	if !ok {
		t.Fatal("not a PlaybackReporter")
	}
	rep.ReportPlayback(transport.PlaybackFacts{PlayerVersion: "0.3.1", Language: "de-DE", Referer: "http://example.com/list.asx"})
	play(t, s, nil)
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	rep.ReportPlayback(transport.PlaybackFacts{Rendered: 7500 * time.Millisecond, Rebuffers: 2, RebufferTime: 3 * time.Second,
		PlayerVersion: "0.3.1", Language: "de-DE", Referer: "http://example.com/list.asx"})
	s.Close()
	body := string(srv.RequestsOf("Log")[0].Body)
	for _, want := range []string{"<x-duration>8</x-duration>", "<c-buffercount>3</c-buffercount>", "<c-totalbuffertime>3</c-totalbuffertime>",
		"<c-playerversion>0.3.1.0</c-playerversion>", "<c-playerlanguage>de-DE</c-playerlanguage>", "<cs-Referer>http://example.com/list.asx</cs-Referer>",
		"<c-hostexever>0.3.1.0</c-hostexever>"} {
		if !strings.Contains(body, want) {
			t.Errorf("log lacks %s", want)
		}
	}
}

// TestProxyFromHTTPClient: the proxy of Config.HTTPClient's transport is
// used (absolute URIs to it).
func TestProxyFromHTTPClient(t *testing.T) {
	c := fileContent(t, "c_wmav2.wma")
	proxy := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": c})
	pu, _ := url.Parse("http://" + proxy.Addr)
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	s := dial(t, baseDialer(), "mmsh://media.example.test/a.wma", transport.Config{HTTPClient: hc})
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	for _, r := range proxy.Requests() {
		if r.Target != "http://media.example.test/a.wma" || r.Get("Host") != "media.example.test" {
			t.Errorf("%s via the proxy: %s, Host %s", r.Kind, r.Target, r.Get("Host"))
		}
	}
}

// TestPlaylistSeekID: a seek while the player is still in the entry
// before the one the server last announced (the queue holds the rest of
// entry 1 while entry 2's header has arrived) carries playlist-seek-id
// with entry 1's playlist-gen-id (3.1.4.3.1 item 47), and the server,
// which honours it, plays entry 1 from the position: the next samples are
// entry 1's, not entry 2's.
func TestPlaylistSeekID(t *testing.T) {
	srv, s := inEntryOneAfterEntryTwo(t, mmshtest.Options{})
	if err := s.Play(ctxT(t), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	plays := srv.RequestsOf("Play")
	gen1, _ := plays[0].Token("playlist-gen-id")
	if seek, ok := plays[1].Token("playlist-seek-id"); !ok || seek != gen1 || gen1 == "" {
		t.Fatalf("seek Play: playlist-seek-id %q, entry 1's playlist-gen-id %q", seek, gen1)
	}
	// The Play's header is entry 1's, which the session had left for
	// entry 2: a new entry for the session, the same for the reader.
	if _, err := s.ReadSample(ctxT(t)); !errors.Is(err, transport.ErrInfoChanged) {
		t.Fatalf("after the seek: %v, want ErrInfoChanged", err)
	}
	smp, err := s.ReadSample(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if s.Info().Metadata.Title != "Entry 1" || s.Info().Tracks[0].Codec == transport.WaveFormat(transport.TagPCM) || smp.PTS < 3*time.Second || smp.PTS > 5*time.Second {
		t.Fatalf("after the seek: %q, %v at %v", s.Info().Metadata.Title, s.Info().Tracks[0].Codec, smp.PTS)
	}
}

// TestSeekAfterUnreadEntryChange: a seek clears what the reader had not
// read yet, the announcement of entry 2 included. When the server then
// plays entry 2 (a 4.1 server: no $M, so no playlist-gen-id and no
// playlist-seek-id), its header is no change for the session but is one
// for the reader: it is announced, and the reader does not get entry 2's
// samples under entry 1's tracks.
func TestSeekAfterUnreadEntryChange(t *testing.T) {
	_, s := inEntryOneAfterEntryTwo(t, mmshtest.Options{ServerHeader: "Cougar/4.1.0.3921"})
	if err := s.Play(ctxT(t), time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadSample(ctxT(t)); !errors.Is(err, transport.ErrInfoChanged) {
		t.Fatalf("after the seek: %v, want ErrInfoChanged", err)
	}
	if _, err := s.ReadSample(ctxT(t)); err != nil || s.Info().Tracks[0].Codec != transport.WaveFormat(transport.TagPCM) {
		t.Fatalf("after the seek: %v with tracks %+v, want entry 2's PCM", err, s.Info().Tracks)
	}
}

// TestSelectStreamNamesOnlyChanges: a switch from one audio stream to the
// other beside a video stream that stays on names the two audio streams
// only (3.1.4.4: the affected streams; checklist 56). With two streams the
// changed and the complete selection are the same; here they differ.
func TestSelectStreamNamesOnlyChanges(t *testing.T) {
	srv := server(t, mmshtest.Options{Pace: true}, map[string]*mmshtest.Content{"/a.wmv": fileContent(t, "video_2audio_8s.wmv")})
	d := baseDialer()
	d.DisableFastStart = true
	s := dial(t, d, srv.URL+"/a.wmv", transport.Config{})
	if n := len(s.Info().Tracks); n != 3 {
		t.Fatalf("%d tracks", n)
	}
	play(t, s, []int{1, 2})
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Select(ctxT(t), []int{1, 3}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "SelectStream", func() bool { return len(srv.RequestsOf("SelectStream")) == 1 })
	if v, _ := srv.RequestsOf("SelectStream")[0].Token("stream-switch-entry"); v != "ffff:2:2 ffff:3:0" {
		t.Errorf("stream-switch-entry %q, want the two audio streams only", v)
	}
	for {
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if smp.Track == 3 {
			break
		}
		if smp.Track == 2 {
			t.Fatal("stream 2 after the switch")
		}
	}
}

// inEntryOneAfterEntryTwo plays a playlist of a 20 s WMA file and a PCM
// file until the session has entry 2's header (Counters.Entries) while
// the reader has read one sample of entry 1.
func inEntryOneAfterEntryTwo(t *testing.T, opts mmshtest.Options) (*mmshtest.Server, transport.Session) {
	t.Helper()
	_, a := fixture(t, "wmav2_20s.wma")
	_, b := fixture(t, "pcm_4s.asf")
	pl, err := mmshtest.Playlist(a, b)
	if err != nil {
		t.Fatal(err)
	}
	srv := server(t, opts, map[string]*mmshtest.Content{"/list": pl})
	s := dial(t, baseDialer(), srv.URL+"/list", transport.Config{})
	play(t, s, nil)
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	// Entry 2's SelectStream waits for the reader's Select, which it
	// makes only once it reads entry 2's ErrInfoChanged.
	waitFor(t, "entry 2's header", func() bool { c, _ := mmsh.SessionCounters(s); return c.Entries == 1 })
	return srv, s
}
