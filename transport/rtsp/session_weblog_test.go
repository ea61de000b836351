package rtsp_test

import (
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
	"github.com/eddyplayer/eddy/transport/wmlog"
	"github.com/eddyplayer/eddy/transport/wmlog/wmlogtest"
)

// TestWebLogURLs: the log URLs the player names (an ASX LOGURL,
// PlaybackFacts.LogURLs) get the period's log in the web-server form
// after their validation GET (MS-WMLOG 2.3), each once, besides the
// LogPlay to the server; Close waits for them.
func TestWebLogURLs(t *testing.T) {
	web := wmlogtest.New(t)
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}})
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspt"), transport.Config{})
	logURL := web.URL
	s.(transport.PlaybackReporter).ReportPlayback(transport.PlaybackFacts{
		Referer: "http://example.com/show.asx", LogURLs: []string{logURL, logURL},
	})
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	s.Close()
	bodies := web.Posts()
	if len(bodies) != 1 {
		t.Fatalf("%d web logs, want 1", len(bodies))
	}
	f, ok := wmlog.IsWebLog([]byte(bodies[0]))
	if !ok || len(f) < 20 {
		t.Fatalf("not a web-server log: %q", bodies[0])
	}
	found := false
	for _, v := range f {
		if v == "http://example.com/show.asx" {
			found = true
		}
	}
	if !found {
		t.Errorf("the log does not name the playlist as cs(Referer): %v", f)
	}
}
