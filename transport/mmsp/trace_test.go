package mmsp_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
)

// TestTrace: the protocol trace (transport.Config.Trace) lists the
// client's messages in the order the server received them, each with its
// fields, and the server's messages as the server's.
func TestTrace(t *testing.T) {
	srv := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	var mu sync.Mutex
	var got []transport.TraceEntry
	cfg := transport.Config{Trace: func(e transport.TraceEntry) { mu.Lock(); got = append(got, e); mu.Unlock() }}
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", cfg)
	if err := s.Select(context.Background(), []int{1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	readAll(t, s)
	s.Close()
	if !srv.WaitFor(mmsp.MIDCloseFile, 1, 5*time.Second) {
		t.Fatal("no CloseFile at Close")
	}
	mu.Lock()
	defer mu.Unlock()
	var sent []string
	fromServer := 0
	for _, e := range got {
		if e.Protocol != "mmsp" || e.URL != srv.URL+"/c.wma" || e.Header.Get("Fields") == "" {
			t.Errorf("entry %+v", e)
		}
		switch e.Kind {
		case transport.TraceRequest:
			sent = append(sent, e.Method)
		case transport.TraceServerRequest:
			fromServer++
		}
	}
	var want []string
	for _, r := range srv.Received() {
		want = append(want, mmsp.Name(r.Message.MID()))
	}
	if strings.Join(sent, " ") != strings.Join(want, " ") {
		t.Errorf("traced %q\nthe server received %q", sent, want)
	}
	if fromServer < 4 {
		t.Errorf("%d server messages traced", fromServer)
	}
}
