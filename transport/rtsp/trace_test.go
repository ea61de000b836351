package rtsp_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestTrace: the session's protocol trace (transport.Config.Trace) holds
// every request the server received, in order, with its headers, each
// answered by a response entry for the same method and URL with the
// server's status and the same CSeq; the server's end-of-stream request
// is there as the server's.
func TestTrace(t *testing.T) {
	srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{fixture(t, "c_wmav2.wma")}})
	var mu sync.Mutex
	var got []transport.TraceEntry
	cfg := transport.Config{Trace: func(e transport.TraceEntry) { mu.Lock(); got = append(got, e); mu.Unlock() }}
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspt"), cfg)
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	s.Close()
	mu.Lock()
	defer mu.Unlock()
	var sent []string
	answered := map[string]int{} // CSeq → status
	serverReqs := 0
	for _, e := range got {
		if e.Protocol != "rtsp" {
			t.Errorf("entry of protocol %q", e.Protocol)
		}
		switch e.Kind {
		case transport.TraceRequest:
			sent = append(sent, e.Method+" "+e.URL+" CSeq "+e.Header.Get("CSeq"))
		case transport.TraceResponse:
			// The response names its request; its CSeq is the request's.
			key := e.Method + " " + e.URL + " CSeq " + e.Header.Get("CSeq")
			found := false
			for _, s := range sent {
				found = found || s == key
			}
			if !found {
				t.Errorf("response %d to %s, which was not sent", e.Status, key)
			}
			answered[e.Header.Get("CSeq")] = e.Status
		case transport.TraceServerRequest:
			serverReqs++
		}
	}
	var want []string
	for _, r := range srv.Requests() {
		want = append(want, r.Method+" "+r.URL+" CSeq "+r.Header.Get("CSeq"))
	}
	if strings.Join(sent, "\n") != strings.Join(want, "\n") {
		t.Errorf("traced requests:\n%s\nthe server received:\n%s", strings.Join(sent, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range sent[:len(sent)-1] { // the TEARDOWN may go unanswered
		cseq := r[strings.LastIndex(r, " ")+1:]
		if answered[cseq] != 200 {
			t.Errorf("%s: answered %d", r, answered[cseq])
		}
	}
	if serverReqs == 0 {
		t.Error("the server's end-of-stream request is not in the trace")
	}
}
