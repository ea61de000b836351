package mmsh_test

import (
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

// TestOnDemandResumesAfterDrop: the server drops the Play connection
// mid-stream; the client plays again at the next packet (packet-num), and
// the samples equal an undisturbed run, each exactly once.
func TestOnDemandResumesAfterDrop(t *testing.T) {
	path, _ := fixture(t, "c_wmav2.wma")
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{CloseAfter: 7}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	want := ffprobe(t, path, s.Info().Tracks)
	if len(got) != len(want) {
		t.Fatalf("%d samples after a resume, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].PTS != want[i].pts || len(got[i].Data) != want[i].size {
			t.Fatalf("sample %d: %v/%d, want %v/%d", i, got[i].PTS, len(got[i].Data), want[i].pts, want[i].size)
		}
	}
	if st := s.Stats(); st.Reconnects != 1 || st.PacketsLost != 0 {
		t.Errorf("stats %+v", st)
	}
	plays := srv.RequestsOf("Play")
	if len(plays) != 2 {
		t.Fatalf("%d Plays", len(plays))
	}
	if line := plays[1].PragmaLines()[0]; !strings.Contains(line, "stream-time=0,") || !strings.Contains(line, "packet-num=7,") {
		t.Errorf("resume Play %q", line)
	}
	waitFor(t, "log", func() bool { return len(srv.RequestsOf("Log")) == 1 })
	p, err := wmlog.ParseXML(srv.RequestsOf("Log")[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := p.Get("c-status"); v != "210" {
		t.Errorf("c-status %q after a reconnect, want 210 (MS-WMLOG 2.1.25.2)", v)
	}
}

// TestBroadcastReconnects: a dropped broadcast rejoins the live point and
// goes on, the next sample flagged as a discontinuity.
func TestBroadcastReconnects(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	c.Broadcast = true
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{CloseAfter: 5}}, map[string]*mmshtest.Content{"/live": c})
	s := dial(t, baseDialer(), srv.URL+"/live", transport.Config{})
	play(t, s, nil)
	n, disc := 0, 0
	for n < 200 {
		smp, err := s.ReadSample(ctxT(t))
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if smp.Discontinuity {
			disc++
		}
		n++
	}
	if s.Stats().Reconnects != 1 || disc < 2 {
		t.Errorf("reconnects %d, discontinuities %d", s.Stats().Reconnects, disc)
	}
	if line := srv.RequestsOf("Play")[1].PragmaLines()[0]; !strings.Contains(line, "stream-time=0,") || !strings.Contains(line, "packet-num=4294967295") {
		t.Errorf("rejoin Play %q", line)
	}
}

// TestReconnectGivesUp: when reconnecting fails MaxReconnects times in a
// row the session ends with an error naming the causes, never a hang.
func TestReconnectGivesUp(t *testing.T) {
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{CloseAfter: 2, ResumeStatus: 503}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "wmav2_20s.wma")})
	d := baseDialer()
	d.MaxReconnects = 2
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	_, err := readAll(t, s)
	if err == nil || !strings.Contains(err.Error(), "without $E") || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), srv.Addr) {
		t.Fatalf("error %v", err)
	}
	if s.Stats().Reconnects != 2 || len(srv.RequestsOf("Play")) != 3 {
		t.Errorf("%d reconnects, %d Plays", s.Stats().Reconnects, len(srv.RequestsOf("Play")))
	}
}

// TestReconnectKeepsProgress: a server that drops the connection every
// few packets still delivers the whole file: each reconnection resumes at
// the next packet, and reconnections that bring data do not count towards
// the limit.
func TestReconnectKeepsProgress(t *testing.T) {
	path, _ := fixture(t, "c_wmav2.wma")
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{CloseAfter: 3, CloseTimes: 100}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d := baseDialer()
	d.MaxReconnects = 1
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if want := ffprobe(t, path, s.Info().Tracks); len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	if s.Stats().Reconnects < 3 {
		t.Errorf("%d reconnects", s.Stats().Reconnects)
	}
}

// TestStallTimeout: a server that stops sending but keeps the connection
// is detected after half the timeout, on the virtual clock of a
// testing/synctest bubble: not a millisecond earlier, and the client then
// reconnects at once and the stream completes.
func TestStallTimeout(t *testing.T) {
	c := fileContent(t, "c_wmav2.wma")
	synctest.Test(t, func(t *testing.T) {
		d := baseDialer()
		srv := pipeServer(t, mmshtest.Options{Faults: mmshtest.Faults{StallAfter: 4}}, map[string]*mmshtest.Content{"/a.wma": c}, d)
		s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 5 * time.Second})
		play(t, s, nil)
		done := readUntilQuiet(t, s, 4)
		// The resume, half the timeout into the stall.
		requestAt(t, srv, "Play", 2500*time.Millisecond, 2)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if s.Stats().Reconnects != 1 {
			t.Errorf("%d reconnects", s.Stats().Reconnects)
		}
	})
}

// TestStallGivesUp: a stall whose reconnection fails ends with
// ErrTimeout (the stall's) and the server's answer, half the timeout
// after the last packet (virtual clock, testing/synctest).
func TestStallGivesUp(t *testing.T) {
	c := fileContent(t, "c_wmav2.wma")
	synctest.Test(t, func(t *testing.T) {
		d := baseDialer()
		d.MaxReconnects = 1
		srv := pipeServer(t, mmshtest.Options{Faults: mmshtest.Faults{StallAfter: 3, ResumeStatus: 503}}, map[string]*mmshtest.Content{"/a.wma": c}, d)
		s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 5 * time.Second})
		play(t, s, nil)
		done := readUntilQuiet(t, s, 3)
		stalled := time.Now()
		err := <-done
		var se *transport.StatusError
		if !errors.Is(err, mmsh.ErrTimeout) || !errors.As(err, &se) || se.Code != 503 {
			t.Fatalf("error %v, want ErrTimeout and the 503", err)
		}
		if took := time.Since(stalled); took != 2500*time.Millisecond {
			t.Errorf("gave up %v after the last packet, want 2.5s (half the timeout)", took)
		}
	})
}

// TestMalformedFraming: bytes that are not framing, or a $D PacketLength
// larger than the header's packet size allows (2.2.3.3: one ASF packet),
// end the stream with a clear error (3.1: malformed packet), no hang and
// no panic.
func TestMalformedFraming(t *testing.T) {
	for _, f := range []mmshtest.Faults{{GarbageAfter: 3}, {LieAfter: 3, LieLength: 60000}} {
		srv := server(t, mmshtest.Options{Faults: f}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
		s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
		play(t, s, nil)
		_, err := readAll(t, s)
		if !errors.Is(err, mmsh.ErrMalformedPacket) || !strings.Contains(err.Error(), srv.Addr) || !strings.Contains(err.Error(), "Play") {
			t.Errorf("%+v: error %v", f, err)
		}
		// The error is sticky.
		if _, err2 := s.ReadSample(ctxT(t)); !errors.Is(err2, mmsh.ErrMalformedPacket) {
			t.Errorf("second read: %v", err2)
		}
	}
}

// TestSelectStreamFailureForNewEntry: when the SelectStream that starts a
// playlist entry fails, the server would wait forever; the client reports
// it instead.
func TestSelectStreamFailureForNewEntry(t *testing.T) {
	_, a := fixture(t, "c_wmav2.wma")
	pl, err := mmshtest.Playlist(a, a)
	if err != nil {
		t.Fatal(err)
	}
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{SelectStatus: 500}}, map[string]*mmshtest.Content{"/list": pl})
	s := dial(t, baseDialer(), srv.URL+"/list", transport.Config{})
	play(t, s, nil)
	var err2 error
	for {
		_, err2 = s.ReadSample(ctxT(t))
		if err2 != nil && !errors.Is(err2, transport.ErrInfoChanged) {
			break
		}
	}
	if !strings.Contains(err2.Error(), "SelectStream") || !strings.Contains(err2.Error(), "500") {
		t.Fatalf("error %v", err2)
	}
}

// TestCloseDuringRead: Close unblocks a ReadSample that waits for a
// stream that has stalled. Inside a testing/synctest bubble the stall
// timer cannot fire: virtual time does not move while the test runs.
func TestCloseDuringRead(t *testing.T) {
	c := fileContent(t, "wmav2_20s.wma")
	synctest.Test(t, func(t *testing.T) {
		d := baseDialer()
		srv := pipeServer(t, mmshtest.Options{Faults: mmshtest.Faults{StallAfter: 3}}, map[string]*mmshtest.Content{"/a.wma": c}, d)
		s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
		play(t, s, nil)
		done := readUntilQuiet(t, s, 3)
		select {
		case err := <-done:
			t.Fatalf("ReadSample returned before Close: %v", err)
		default: // blocked in ReadSample
		}
		s.Close()
		if err := <-done; !errors.Is(err, transport.ErrClosed) {
			t.Errorf("ReadSample blocked in Close: %v", err)
		}
		if n := len(srv.RequestsOf("Play")); n != 1 {
			t.Errorf("%d Plays: the stall timer fired", n)
		}
	})
}
