package mmsh_test

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/wmlog"
	"github.com/eddyplayer/eddy/transport/wmlog/wmlogtest"
)

// TestSessionExpired: a server that forgot the session answers the next
// Play with xResetStrm=1 and a new client-id, which later requests carry
// (3.1.5.3, 3.1.5.11, D5 19). xResetStrm is treated like a $C: the entry
// is reported anew (transport.ErrInfoChanged) even though its header is
// the same, and no PlayNextEntry or SelectStream follows (3.1.5.11).
func TestSessionExpired(t *testing.T) {
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{ExpireSessions: true}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadSample(ctxT(t)); !errors.Is(err, transport.ErrInfoChanged) {
		t.Fatalf("after xResetStrm: %v, want ErrInfoChanged", err)
	}
	if _, err := readAll(t, s); err != nil {
		t.Fatalf("after the reset the same header plays on: %v", err)
	}
	if n := len(srv.RequestsOf("SelectStream")) + len(srv.RequestsOf("PlayNextEntry")); n != 0 {
		t.Errorf("%d SelectStream/PlayNextEntry after xResetStrm", n)
	}
	waitFor(t, "logs", func() bool { return len(srv.RequestsOf("Log")) == 2 })
	plays := srv.RequestsOf("Play")
	// The second Play still carries the first id; the server answers with
	// a new one, which the next request (the Log) must carry.
	id1, _ := plays[0].Token("client-id")
	id2, _ := plays[1].Token("client-id")
	lg, _ := srv.RequestsOf("Log")[1].Token("client-id")
	if id2 != id1 || lg == id1 || lg == "" {
		t.Errorf("client-ids: first Play %s, second %s, Log after the reset %s", id1, id2, lg)
	}
}

// TestRate: rate is sent only for stridable content (2.2.1.4.22, 4.9).
func TestRate(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": c})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	rp := s.(transport.RatePlayer)
	if err := s.Select(ctxT(t), []int{1}); err != nil {
		t.Fatal(err)
	}
	if err := rp.PlayRate(ctxT(t), 0, 5); !errors.Is(err, mmsh.ErrNotSupported) {
		t.Errorf("rate 5 on non-stridable content: %v", err)
	}
	c.Stridable = true
	s2 := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	if err := s2.Select(ctxT(t), []int{1}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []float64{0.5, 6, -7} {
		if err := s2.(transport.RatePlayer).PlayRate(ctxT(t), 0, bad); !errors.Is(err, mmsh.ErrNotSupported) {
			t.Errorf("rate %v: %v", bad, err)
		}
	}
	if err := s2.(transport.RatePlayer).PlayRate(ctxT(t), time.Second, -5); err != nil {
		t.Fatal(err)
	}
	p := srv.RequestsOf("Play")
	if line := p[len(p)-1].PragmaLines()[0]; !strings.Contains(line, "rate=-5.000,") {
		t.Errorf("Play %q", line)
	}
}

// TestWebLogURL: an extra log URL (ASX LOGURL) gets the web-server form
// of the log after validation (MS-WMLOG 2.3); a failing log server does not
// disturb playback.
func TestWebLogURL(t *testing.T) {
	web := wmlogtest.New(t)
	srv := server(t, mmshtest.Options{LogStatus: 500}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d := baseDialer()
	d.LogURLs = []string{web.URL, "http://127.0.0.1:1/unreachable"}
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "web log", func() bool { return len(web.Posts()) == 1 })
	f, ok := wmlog.IsWebLog([]byte(web.Posts()[0]))
	if !ok || len(f) != 47 || f[40] != "127.0.0.1" {
		t.Errorf("web log fields %v", f)
	}
	// The media server refused its log (500) and one URL was unreachable:
	// only the web log counts.
	waitFor(t, "log posts", func() bool { return s.Stats().LogPosts == 1 })
}

// TestURLForms: mmsh://, mms:// and http:// URLs reach the server; the
// registry sends mmsh and mms to this client.
func TestURLForms(t *testing.T) {
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	hostport := strings.TrimPrefix(srv.URL, "mmsh://")
	reg := transport.NewRegistry()
	mmsh.Register(reg, baseDialer())
	for _, u := range []string{"mmsh://" + hostport + "/a.wma", "mms://" + hostport + "/a.wma"} {
		s, err := reg.Dial(ctxT(t), u, transport.Config{})
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if !strings.HasPrefix(s.Info().URL, "http://"+hostport) {
			t.Errorf("%s opened as %s", u, s.Info().URL)
		}
		s.Close()
	}
	s, err := baseDialer().Dial(ctxT(t), "http://"+hostport+"/a.wma", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A progressive HTTP client hands a WMS server over as mmsh://.
	reg2 := transport.NewRegistry()
	reg2.Register("http", transport.MatchSchemes("http"), transport.DialerFunc(func(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
		u, _ := url.Parse(raw)
		u.Scheme = "mmsh"
		return nil, &transport.RedirectError{Location: u.String(), Reason: "the server speaks MS-WMSP"}
	}))
	mmsh.Register(reg2, baseDialer())
	s, err = reg2.Dial(ctxT(t), "http://"+hostport+"/a.wma", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := baseDialer().Dial(ctxT(t), "rtsp://"+hostport+"/a.wma", transport.Config{}); !errors.Is(err, transport.ErrUnsupportedURL) {
		t.Errorf("rtsp://: %v", err)
	}
}

// TestSkipToNextEntry: Skip(1) sends a Play with pl-offset=1 and
// playlist-seek-id (3.1.4.3.1 items 45, 47); the response brings the
// current header, $C and the next entry's header (expect-new-header=1).
func TestSkipToNextEntry(t *testing.T) {
	_, a := fixture(t, "wmav2_20s.wma")
	_, b := fixture(t, "pcm_4s.asf")
	pl, err := mmshtest.Playlist(a, b)
	if err != nil {
		t.Fatal(err)
	}
	srv := server(t, mmshtest.Options{Pace: true}, map[string]*mmshtest.Content{"/list": pl})
	d := baseDialer()
	d.DisableFastStart = true
	s := dial(t, d, srv.URL+"/list", transport.Config{})
	play(t, s, nil)
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.(transport.PlaylistNavigator).Skip(ctxT(t), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := readUntil(t, s); !errors.Is(err, transport.ErrInfoChanged) || s.Info().Metadata.Title != "Entry 2" {
		t.Fatalf("after Skip: %v, title %q", err, s.Info().Metadata.Title)
	}
	smp, err := s.ReadSample(ctxT(t))
	if err != nil || smp.Track != s.Info().Tracks[0].ID {
		t.Fatalf("entry 2 sample: %v %v", smp.Track, err)
	}
	p := srv.RequestsOf("Play")[1]
	if line := p.PragmaLines()[0]; !strings.Contains(line, "pl-offset=1") || !p.Pragma.Has("playlist-seek-id") {
		t.Errorf("skip Play %v", p.PragmaLines())
	}
	if err := s.(transport.PlaylistNavigator).Skip(ctxT(t), 1); !errors.Is(err, mmsh.ErrNotSupported) {
		t.Errorf("skip past the last entry: %v", err)
	}
}

// TestPredictivePlaylist: a predictive server streams the next entry at
// once; the client still confirms its choice with SelectStream (4.5.2).
func TestPredictivePlaylist(t *testing.T) {
	_, a := fixture(t, "c_wmav2.wma")
	pl, err := mmshtest.Playlist(a, a)
	if err != nil {
		t.Fatal(err)
	}
	srv := server(t, mmshtest.Options{Predictive: true}, map[string]*mmshtest.Content{"/list": pl})
	s := dial(t, baseDialer(), srv.URL+"/list", transport.Config{})
	play(t, s, nil)
	n := 0
	for {
		_, err := s.ReadSample(ctxT(t))
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, transport.ErrInfoChanged) {
			t.Fatal(err)
		}
		n++
	}
	if n < 200 {
		t.Errorf("%d samples over two entries", n)
	}
	waitFor(t, "confirmation", func() bool { return len(srv.RequestsOf("SelectStream")) == 1 })
}

// TestSkippedPacketsCountAsLoss: a server that leaves out packets with
// nothing of the selection makes LocationIds jump; the gaps count as lost
// packets (2.2.3.1.2) and playback goes on.
func TestSkippedPacketsCountAsLoss(t *testing.T) {
	srv := server(t, mmshtest.Options{SkipEmpty: true}, map[string]*mmshtest.Content{"/a.wmv": fileContent(t, "d_wmv2_wmav2.wmv")})
	s := dial(t, baseDialer(), srv.URL+"/a.wmv", transport.Config{})
	var audio int
	for _, tr := range s.Info().Tracks {
		if tr.Type == transport.Audio {
			audio = tr.ID
		}
	}
	play(t, s, []int{audio})
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 100 || s.Stats().PacketsLost == 0 {
		t.Errorf("%d samples, %d lost", len(got), s.Stats().PacketsLost)
	}
}

// TestFragmentedHeader: an ASF header over 64 KB arrives in several $H
// (2.2.3.1.2) and is reassembled.
func TestFragmentedHeader(t *testing.T) {
	c := fileContent(t, "bigheader.wma")
	if len(c.Entries[0].Header) <= mmsh.MaxPayloadSize {
		t.Fatalf("fixture header only %d bytes", len(c.Entries[0].Header))
	}
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": c})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	if len(s.Info().Metadata.Title) != 30000 {
		t.Errorf("title of %d characters", len(s.Info().Metadata.Title))
	}
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
}

// TestRewindToStart: the server streams backwards from the position
// (LocationIds decreasing, 2.2.3.1.2) and ends with NS_S_EOS_RECEDING at
// the start (2.2.3.2); the session ends the rewind there without counting
// loss, and plays again from 0 on the next Play.
func TestRewindToStart(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	c.Stridable = true
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": c})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	if _, err := s.ReadSample(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.(transport.RatePlayer).PlayRate(ctxT(t), 5*time.Second, -5); err != nil {
		t.Fatal(err)
	}
	back, err := readUntil(t, s)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("rewind ended with %v", err)
	}
	checkBackwards(t, back, 5*time.Second)
	if st := s.Stats(); st.PacketsLost != 0 {
		t.Errorf("%d packets counted lost while rewinding", st.PacketsLost)
	}
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
	smp, err := s.ReadSample(ctxT(t))
	if err != nil || smp.PTS > 500*time.Millisecond {
		t.Fatalf("playing again from 0: %v %v", smp.PTS, err)
	}
}

// TestRewindIntoPreviousEntry: rewinding past the start of a server-side
// playlist's second entry brings the reverse $C (0x400D14BE, 2.2.3.4):
// the session goes idle and reports the end of the rewind; no packets
// follow until the next Play (3.1.5.14).
func TestRewindIntoPreviousEntry(t *testing.T) {
	_, a := fixture(t, "c_wmav2.wma")
	_, b := fixture(t, "wmav2_20s.wma")
	pl, err := mmshtest.Playlist(a, b)
	if err != nil {
		t.Fatal(err)
	}
	pl.Stridable = true
	// The first Play holds after two packets: entry 1 must not end (and
	// the server announce entry 2, the last, without skipforward) before
	// the skip.
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{HoldAfter: 2}}, map[string]*mmshtest.Content{"/list": pl})
	s := dial(t, baseDialer(), srv.URL+"/list", transport.Config{})
	play(t, s, nil)
	if err := s.(transport.PlaylistNavigator).Skip(ctxT(t), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := readUntil(t, s); !errors.Is(err, transport.ErrInfoChanged) || s.Info().Metadata.Title != "Entry 2" {
		t.Fatalf("skip: %v, title %q", err, s.Info().Metadata.Title)
	}
	if err := s.(transport.RatePlayer).PlayRate(ctxT(t), 3*time.Second, -5); err != nil {
		t.Fatal(err)
	}
	back, err := readUntil(t, s)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("rewind ended with %v", err)
	}
	checkBackwards(t, back, 3*time.Second)
	// Idle: the KeepAlive timer runs, nothing else arrives.
	if _, err := s.ReadSample(ctxT(t)); !errors.Is(err, io.EOF) {
		t.Fatalf("after the reverse $C: %v", err)
	}
	if s.Stats().PacketsLost != 0 {
		t.Errorf("loss counted while rewinding: %+v", s.Stats())
	}
	// The server has switched to the previous entry: the next Play (the
	// player's, at normal speed from 0) brings entry 1 from its start.
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadSample(ctxT(t)); !errors.Is(err, transport.ErrInfoChanged) || s.Info().Metadata.Title != "Entry 1" {
		t.Fatalf("after the rewind: %v, title %q", err, s.Info().Metadata.Title)
	}
	smp, err := s.ReadSample(ctxT(t))
	if err != nil || smp.PTS > 500*time.Millisecond {
		t.Fatalf("entry 1 from the start: %v %v", smp.PTS, err)
	}
}

// checkBackwards checks samples of a rewind from `from`: the first
// within the packets around it, the earliest at the start, and the
// sequence descending from packet to packet.
func checkBackwards(t *testing.T, back []transport.Sample, from time.Duration) {
	t.Helper()
	if len(back) < 10 {
		t.Fatalf("%d samples while rewinding", len(back))
	}
	first, earliest := back[0].PTS, back[0].PTS
	for _, b := range back {
		earliest = min(earliest, b.PTS)
	}
	if first > from+time.Second || first < from-2*time.Second || earliest > 100*time.Millisecond {
		t.Fatalf("rewind from %v began at %v and reached %v", from, first, earliest)
	}
	// Objects within a packet keep their order; across packets time runs
	// backwards, so no sample is later than one a second before it.
	for i := 1; i < len(back); i++ {
		if back[i].PTS > back[i-1].PTS+time.Second {
			t.Fatalf("sample %d at %v after %v: not backwards", i, back[i].PTS, back[i-1].PTS)
		}
	}
	if back[len(back)-1].PTS >= first {
		t.Fatalf("rewind from %v ended at %v", first, back[len(back)-1].PTS)
	}
}
