package rtsp_test

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestEndOfStream: the server's EndOfStream (2.2.7.3) is answered 200
// with its CSeq (3.1.5.13 MUST respond), followed by LogPlay, every
// sample arrives, ReadSample returns io.EOF (and again), and the state
// is READY: a Pause sends no PAUSE (3.1.4.7: only in PLAYING), Close
// sends TEARDOWN (3.1.4.10: in READY).
func TestEndOfStream(t *testing.T) {
	file := fixture(t, "d_wmv2_wmav2.wmv")
	want := reference(t, file)
	for _, scheme := range []string{"rtspt", "rtspu"} {
		t.Run(scheme, func(t *testing.T) {
			// Paced (8 times real time) so that loopback UDP loses
			// nothing: the samples must be the file's, all of them.
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}, Speed: 8})
			s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), scheme), transport.Config{})
			selectAll(t, s)
			ctx := testCtx(t)
			if err := s.Play(ctx, 0); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, s)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Logf("stats %+v server %+v", s.Stats(), srv.Stats())
				have := map[sampleKey]bool{}
				for _, k := range got {
					have[k] = true
				}
				for i, k := range want {
					if !have[k] {
						t.Logf("missing %d: track %d pts %v key %v", i, k.Track, k.PTS, k.Key)
					}
				}
			}
			sameByTrack(t, got, want)
			if _, err := s.ReadSample(ctx); !errors.Is(err, io.EOF) {
				t.Errorf("ReadSample after the end: %v, want io.EOF", err)
			}
			if err := s.Pause(ctx); err != nil {
				t.Fatal(err)
			}
			// Close waits for the TEARDOWN answer: the server has read
			// everything before it.
			s.Close()
			resps := srv.Responses()
			if len(resps) != 1 || resps[0].Method != "SET_PARAMETER" || resps[0].StatusCode != 200 ||
				!regexp.MustCompile(`^\d+$`).MatchString(resps[0].Header.Get("CSeq")) {
				t.Fatalf("answers to the server: %+v, want one 200 with CSeq", resps)
			}
			var seq []string
			for _, r := range srv.Requests() {
				seq = append(seq, r.Method+" "+strings.Split(r.Header.Get("Content-Type"), ";")[0])
			}
			tail := strings.Join(seq[len(seq)-3:], "|")
			if tail != "SET_PARAMETER application/x-wms-Logconnectstats|SET_PARAMETER application/x-wms-Logplaystats|TEARDOWN " {
				t.Errorf("requests %q: want LogConnect, LogPlay (for the EndOfStream), TEARDOWN and no PAUSE", seq)
			}
		})
	}
}
