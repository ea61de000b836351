package mmsh

import (
	"bufio"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestStaleSideResponse: the answer to a Log sent before a skip to the
// last playlist entry still lists "skipforward"; it must not bring that
// back once the owner has moved on (a later epoch).
func TestStaleSideResponse(t *testing.T) {
	raw := "HTTP/1.1 204 No Content\r\nServer: Cougar/9.5.6001.18281\r\n" +
		"Pragma: client-id=7, playlist-gen-id=3\r\n" +
		"Pragma: features=\"seekable,playlist,skipforward\"\r\nContent-Length: 0\r\n\r\n"
	resp, err := readResponse(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	o := &owner{epoch: 2, genID: 9, features: ParseFeatures("seekable,playlist,skipbackward")}
	o.sideResult(sideResult{kind: reqLog, resp: resp, epoch: 1})
	if o.features[FeatureSkipForward] || o.genID != 9 {
		t.Errorf("stale answer applied: features %v, playlist-gen-id %d", o.features, o.genID)
	}
	if o.clientID != 7 {
		t.Errorf("client-id %d, want 7 (session-scoped tokens still apply)", o.clientID)
	}
	o.sideResult(sideResult{kind: reqLog, resp: resp, epoch: 2})
	if !o.features[FeatureSkipForward] || o.genID != 3 {
		t.Errorf("current answer not applied: features %v, playlist-gen-id %d", o.features, o.genID)
	}
}

// TestFailAnswersOnlyWaitingRequests: a fatal error answers the pipelined
// requests someone waits on and skips those nobody waits on (a resume
// Play, a Log: nil reply channels). Sending on those blocked the owner for
// ever, seen once in CI when a stream timed out with a resume pending.
func TestFailAnswersOnlyWaitingRequests(t *testing.T) {
	waiting := make(chan error, 1)
	o := &owner{state: stateIdle, fifo: []pendingReq{{kind: reqLog}, {kind: reqPlay}, {kind: reqSelectStream, reply: waiting}}}
	done := make(chan struct{})
	boom := errors.New("boom")
	go func() { o.fail(boom); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("fail blocked")
	}
	if err := <-waiting; !errors.Is(err, boom) || len(o.fifo) != 0 {
		t.Fatalf("the waiting request got %v; %d left", err, len(o.fifo))
	}
}
