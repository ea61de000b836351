package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestNoPlayLogs: --no-play-logs (transport.Config.NoPlayLogs, the
// user's choice in the window's preferences) plays the same streams and
// sends no play log: no MMSH Log request, no MS-RTSP LogConnect or
// LogPlay, no MS-MMSP LinkViewerToMacLogging; without it each server gets
// its log (the control).
func TestNoPlayLogs(t *testing.T) {
	wma, err := os.ReadFile(wmaFixture)
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range []bool{true, false} {
		args := func(url string) []string {
			a := []string{"--out", filepath.Join(t.TempDir(), "a.wav")}
			if off {
				a = append(a, "--no-play-logs")
			}
			return append(a, url)
		}
		// MMSH
		srv := serve(t, mmshtest.Options{}, "/c.wma", wmaFixture)
		if _, stderr, err := eddyplay(t, args(srv.URL+"/c.wma")...); err != nil {
			t.Fatalf("mmsh: %v\n%s", err, stderr)
		}
		if n := len(srv.RequestsOf("Log")); off != (n == 0) {
			t.Errorf("mmsh, logs off %v: %d Log requests", off, n)
		}
		// MS-RTSP (over TCP: the fake server's fast UDP is hard on a loaded loopback)
		rs := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{wma}})
		if _, stderr, err := eddyplay(t, args("rtspt"+strings.TrimPrefix(rs.URL(), "rtsp"))...); err != nil {
			t.Fatalf("rtsp: %v\n%s", err, stderr)
		}
		n := len(rs.RequestsOf("SET_PARAMETER application/x-wms-Logplaystats")) + len(rs.RequestsOf("SET_PARAMETER application/x-wms-Logconnectstats"))
		if off != (n == 0) {
			t.Errorf("rtsp, logs off %v: %d LogConnect/LogPlay requests", off, n)
		}
		// MS-MMSP
		ms, err := mmsptest.NewServer(mmsptest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ms.Close)
		e, err := mmsptest.NewEntry(wma)
		if err != nil {
			t.Fatal(err)
		}
		ms.Handle("/c.wma", &mmsptest.Content{Entries: []*mmsptest.Entry{e}})
		if _, stderr, err := eddyplay(t, args(ms.URL+"/c.wma")...); err != nil {
			t.Fatalf("mmsp: %v\n%s", err, stderr)
		}
		ms.WaitFor(mmsp.MIDCloseFile, 1, 5*time.Second)
		if n := len(ms.ReceivedOf(mmsp.MIDLogging)); off != (n == 0) {
			t.Errorf("mmsp, logs off %v: %d LinkViewerToMacLogging", off, n)
		}
	}
}
