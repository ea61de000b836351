package mmsh_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// readResult is what a background reader got: the samples, and the
// error that ended them (nil at io.EOF).
type readResult struct {
	samples []transport.Sample
	err     error
}

// readInBackground reads samples until an error other than
// ErrInfoChanged (counted in changes) and delivers the result once.
func readInBackground(s transport.Session) <-chan readResult {
	done := make(chan readResult, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var r readResult
		for {
			smp, err := s.ReadSample(ctx)
			if errors.Is(err, transport.ErrInfoChanged) {
				continue
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					r.err = err
				}
				done <- r
				return
			}
			r.samples = append(r.samples, smp)
		}
	}()
	return done
}

// inBothModes runs f with a non-pipelined and a pipelined dialer (the
// pipelined one needs a server that accepts the pipeline test).
func inBothModes(t *testing.T, f func(t *testing.T, d *mmsh.Dialer)) {
	for _, pipelined := range []bool{false, true} {
		name := "non-pipelined"
		if pipelined {
			name = "pipelined"
		}
		t.Run(name, func(t *testing.T) {
			d := baseDialer()
			d.DisablePipelining = !pipelined
			f(t, d)
		})
	}
}

// checkOnce checks that got is an in-order subsequence of ffprobe's list
// (no sample delivered twice, none out of place) and returns how many of
// want it skipped.
func checkOnce(t *testing.T, got []transport.Sample, want []probePacket) int {
	t.Helper()
	j := 0
	for i, g := range got {
		for j < len(want) && (want[j].pts != g.PTS || want[j].stream != g.Track || want[j].size != len(g.Data)) {
			j++
		}
		if j == len(want) {
			t.Fatalf("sample %d (track %d at %v) is not in the source's order: played twice or out of place", i, g.Track, g.PTS)
		}
		j++
	}
	return len(want) - len(got)
}

// TestResumeReplayedFromStart: a server that drops the connection after 5
// packets and, asked to resume at packet 5, starts again from packet 0
// (issue 7 item 2). The packets it resends are dropped and counted, never
// played again; the reconnections back off (250 ms, then 500 ms) and the
// third one without a new packet ends the session with ErrNoProgress,
// naming the packets the server keeps resending.
func TestResumeReplayedFromStart(t *testing.T) { inBothModes(t, testResumeReplayedFromStart) }

func testResumeReplayedFromStart(t *testing.T, d *mmsh.Dialer) {
	path, _ := fixture(t, "wmav2_20s.wma")
	clock := mmshtest.NewClock()
	srv := server(t, mmshtest.Options{Clock: clock, Faults: mmshtest.Faults{CloseAfter: 5, CloseTimes: 1000, ReplayFromStart: true}},
		map[string]*mmshtest.Content{"/a.wma": fileContent(t, "wmav2_20s.wma")})
	d.Clock = clock
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: time.Minute})
	play(t, s, nil)
	done := readInBackground(s)
	// The first resume goes out at once; the second waits 250 ms, the
	// third 500 ms (the fake clock moves only here).
	waitFor(t, "the first resume", func() bool { return len(srv.RequestsOf("Play")) == 2 })
	waitFor(t, "a 250 ms backoff", func() bool { return clock.Armed(250 * time.Millisecond) })
	clock.Advance(250 * time.Millisecond)
	waitFor(t, "a 500 ms backoff", func() bool { return clock.Armed(500 * time.Millisecond) })
	clock.Advance(500 * time.Millisecond)
	res := <-done
	if !errors.Is(res.err, mmsh.ErrNoProgress) || !strings.Contains(res.err.Error(), "#0–#4") || !strings.Contains(res.err.Error(), "after #4") {
		t.Fatalf("error %v, want ErrNoProgress naming packets #0–#4", res.err)
	}
	if missing := checkOnce(t, res.samples, ffprobe(t, path, s.Info().Tracks)); len(res.samples) == 0 || missing == 0 {
		t.Fatalf("%d samples, %d of the source not delivered", len(res.samples), missing)
	}
	st := s.Stats()
	if st.Reconnects != mmsh.DefaultMaxReconnects || st.PacketsReceived != 5 || st.PacketsDuplicate != 5*mmsh.DefaultMaxReconnects {
		t.Errorf("reconnects %d, packets %d, duplicates %d", st.Reconnects, st.PacketsReceived, st.PacketsDuplicate)
	}
	plays := srv.RequestsOf("Play")
	if len(plays) != 1+mmsh.DefaultMaxReconnects {
		t.Fatalf("%d Plays", len(plays))
	}
	for i, p := range plays[1:] {
		if v, _ := p.Token("packet-num"); v != "5" {
			t.Errorf("resume %d asks packet-num=%s, want 5", i+1, v)
		}
	}
	// The server's clock is the session's: the resumes went out 0, 250
	// and 750 ms after the drop.
	for i, want := range []time.Duration{0, 250 * time.Millisecond, 750 * time.Millisecond} {
		if d := plays[i+1].Time.Sub(plays[0].Time); d != want {
			t.Errorf("resume %d %v after the first Play, want %v", i+1, d, want)
		}
	}
}

// TestResumeDropsResentPackets: the server answers the resume from
// packet 0 but then goes on to the end. The five packets it resends are
// dropped; every media object is delivered exactly once.
func TestResumeDropsResentPackets(t *testing.T) {
	inBothModes(t, func(t *testing.T, d *mmsh.Dialer) {
		testResumeDropsResentPackets(t, d)
	})
}

func testResumeDropsResentPackets(t *testing.T, d *mmsh.Dialer) {
	path, _ := fixture(t, "c_wmav2.wma")
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{CloseAfter: 5, ReplayFromStart: true}},
		map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	want := ffprobe(t, path, s.Info().Tracks)
	if missing := checkOnce(t, got, want); missing != 0 {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	if st := s.Stats(); st.PacketsDuplicate != 5 || st.Reconnects != 1 || st.PacketsLost != 0 {
		t.Errorf("stats %+v, want 5 duplicates", st)
	}
}

// TestReconnectsPerMinute: a server that drops the connection every two
// packets makes progress each time, so nothing ends the session; but at
// most MaxReconnectsPerMinute reconnections go out in any minute, the next
// one waits for the minute to pass (fake clock).
func TestReconnectsPerMinute(t *testing.T) {
	path, _ := fixture(t, "c_wmav2.wma")
	clock := mmshtest.NewClock()
	srv := server(t, mmshtest.Options{Clock: clock, Faults: mmshtest.Faults{CloseAfter: 2, CloseTimes: 6}},
		map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d := baseDialer()
	d.Clock = clock
	d.MaxReconnectsPerMinute = 3
	// A timeout of 3 minutes puts the stall checks of a stream (at half
	// the timeout) at 90 s: the only timer armed for a minute is the
	// reconnection's wait (with 2 minutes the 4th stream's stall check
	// matched too, and advancing the clock for it left the reconnection
	// waiting for a minute that never came).
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 3 * time.Minute})
	play(t, s, nil)
	done := readInBackground(s)
	// Three reconnections at once; the fourth waits for the minute since
	// the first (the fake clock has not moved).
	waitFor(t, "the wait for a free minute", func() bool {
		return len(srv.RequestsOf("Play")) == 4 && clock.Armed(time.Minute)
	})
	clock.Advance(time.Minute)
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	if missing := checkOnce(t, res.samples, ffprobe(t, path, s.Info().Tracks)); missing != 0 {
		t.Fatalf("%d samples missing", missing)
	}
	plays := srv.RequestsOf("Play")
	if len(plays) != 7 || s.Stats().Reconnects != 6 {
		t.Fatalf("%d Plays, %d reconnects", len(plays), s.Stats().Reconnects)
	}
	if gap := plays[4].Time.Sub(plays[1].Time); gap != time.Minute {
		t.Errorf("the 4th reconnection %v after the 1st, want a minute", gap)
	}
}

// TestReconnectsPerMinuteTimeout: when waiting for the minute to pass
// would outlast the timeout, the session ends at once with an error
// naming the limit.
func TestReconnectsPerMinuteTimeout(t *testing.T) {
	clock := mmshtest.NewClock()
	srv := server(t, mmshtest.Options{Clock: clock, Faults: mmshtest.Faults{CloseAfter: 2, CloseTimes: 1000}},
		map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d := baseDialer()
	d.Clock = clock
	d.MaxReconnectsPerMinute = 3
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 10 * time.Second})
	play(t, s, nil)
	res := <-readInBackground(s)
	if res.err == nil || !strings.Contains(res.err.Error(), "3 reconnections in the last minute") {
		t.Fatalf("error %v", res.err)
	}
	if n := len(srv.RequestsOf("Play")); n != 4 {
		t.Errorf("%d Plays, want 4", n)
	}
}

// TestStallGivesUpWithinTimeout: every Play stalls after the response
// header (issue 7 item 4). With a 5 s timeout the client drops the silent
// connection after 2.5 s, resumes, and gives up when 5 s have passed
// without a data packet: one timeout in all, not one per reconnection, and
// the error says no data came.
func TestStallGivesUpWithinTimeout(t *testing.T) { inBothModes(t, testStallGivesUpWithinTimeout) }

func testStallGivesUpWithinTimeout(t *testing.T, d *mmsh.Dialer) {
	clock := mmshtest.NewClock()
	srv := server(t, mmshtest.Options{Clock: clock, Faults: mmshtest.Faults{StallAtStart: true, CloseTimes: 1000}},
		map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d.Clock = clock
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 5 * time.Second})
	start := clock.Now()
	play(t, s, nil)
	done := readInBackground(s)
	// The stall check at half the timeout, not just any timer: the
	// pipelined Play's answer timer can be armed first, and advancing the
	// clock before the stall check is armed leaves it 2.5 s in the future.
	waitFor(t, "stall timer", func() bool { return clock.Armed(2500 * time.Millisecond) })
	clock.Advance(2500 * time.Millisecond)
	waitFor(t, "resume", func() bool { return len(srv.RequestsOf("Play")) == 2 && clock.Armed(2500*time.Millisecond) })
	clock.Advance(2500 * time.Millisecond)
	var res readResult
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("still going %v after the stall began (timeout 5s)", clock.Now().Sub(start))
	}
	if !errors.Is(res.err, mmsh.ErrTimeout) || !strings.Contains(res.err.Error(), "no data from "+srv.Addr+" for 5s (1 reconnection)") {
		t.Fatalf("error %v", res.err)
	}
	if n := len(srv.RequestsOf("Play")); n != 2 {
		t.Errorf("%d Plays", n)
	}
}

// TestDripGivesUpWithinTimeout: after three packets the server drips
// the rest, a byte per 100 ms of its clock (issue 7 item 4). Bytes keep
// arriving, so the connection is not stalled, but no packet completes:
// the session ends 5 s after the last packet, saying how few bytes came.
func TestDripGivesUpWithinTimeout(t *testing.T) { inBothModes(t, testDripGivesUpWithinTimeout) }

func testDripGivesUpWithinTimeout(t *testing.T, d *mmsh.Dialer) {
	clock := mmshtest.NewClock()
	srv := server(t, mmshtest.Options{Clock: clock, Faults: mmshtest.Faults{DripAfter: 3}},
		map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d.Clock = clock
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: 5 * time.Second})
	play(t, s, nil)
	var res readResult
	finished := make(chan struct{})
	go func() {
		res = <-readInBackground(s)
		close(finished)
	}()
	ended := func() bool {
		select {
		case <-finished:
			return true
		default:
			return false
		}
	}
	// The client's stall timer and the server's drip timer.
	waitFor(t, "three packets and the drip", func() bool { return s.Stats().PacketsReceived == 3 && clock.Pending() == 2 })
	start := clock.Now()
	for i := 1; !ended(); i++ {
		if i > 100 {
			t.Fatalf("still going %v after the drip began (timeout 5s)", clock.Now().Sub(start))
		}
		clock.Advance(100 * time.Millisecond)
		waitFor(t, "a byte", func() bool { return srv.Sent()[0].Dripped >= i || ended() })
	}
	if took := clock.Now().Sub(start); took < 5*time.Second || took > 5200*time.Millisecond {
		t.Errorf("gave up %v after the last packet, want 5s", took)
	}
	msg := ""
	if res.err != nil {
		msg = res.err.Error()
	}
	i := strings.Index(msg, "only ")
	j := strings.Index(msg, " bytes from "+srv.Addr+" in 5s, no complete packet")
	if !errors.Is(res.err, mmsh.ErrTimeout) || i < 0 || j < i {
		t.Fatalf("error %v", res.err)
	}
	if n, err := strconv.Atoi(msg[i+len("only ") : j]); err != nil || n < 40 || n > srv.Sent()[0].Dripped {
		t.Errorf("%q bytes reported, the server dripped %d", msg[i+len("only "):j], srv.Sent()[0].Dripped)
	}
	if n := s.Stats().Reconnects; n != 0 {
		t.Errorf("%d reconnections: a dripping connection is not a silent one", n)
	}
}

// TestCutInsidePacketResumes: a connection that closes inside a $D (here
// after a PacketLength of 1000 that the body does not fill) is a drop
// like any other: the stream resumes at that packet and every object
// arrives once. A $D PacketLength beyond the header's packet size is
// malformed framing instead (TestMalformedFraming).
func TestCutInsidePacketResumes(t *testing.T) {
	inBothModes(t, func(t *testing.T, d *mmsh.Dialer) { testCutInsidePacketResumes(t, d, 3) })
}

// TestCutInsideHeaderResumes: a connection cut half way through the Play
// response's $H is a drop too; the resume gets the header again.
func TestCutInsideHeaderResumes(t *testing.T) {
	inBothModes(t, func(t *testing.T, d *mmsh.Dialer) {
		path, _ := fixture(t, "c_wmav2.wma")
		srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{CutInHeader: true}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
		s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
		play(t, s, nil)
		got, err := readAll(t, s)
		if err != nil {
			t.Fatal(err)
		}
		if missing := checkOnce(t, got, ffprobe(t, path, s.Info().Tracks)); missing != 0 || s.Stats().Reconnects != 1 {
			t.Fatalf("%d samples missing, %d reconnects", missing, s.Stats().Reconnects)
		}
	})
}

// TestCutBetweenPacketsResumes: a connection that closes between two
// packets, in a pipelined response too (its chunked body then ends without
// the last chunk), resumes at the next packet.
func TestCutBetweenPacketsResumes(t *testing.T) {
	inBothModes(t, func(t *testing.T, d *mmsh.Dialer) { testCutInsidePacketResumes(t, d, 0) })
}

func testCutInsidePacketResumes(t *testing.T, d *mmsh.Dialer, lieAfter int) {
	path, _ := fixture(t, "c_wmav2.wma")
	f := mmshtest.Faults{LieAfter: lieAfter}
	if lieAfter == 0 {
		f.CloseAfter = 3
	}
	srv := server(t, mmshtest.Options{Faults: f}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if missing := checkOnce(t, got, ffprobe(t, path, s.Info().Tracks)); missing != 0 {
		t.Fatalf("%d samples missing", missing)
	}
	if v, _ := srv.RequestsOf("Play")[1].Token("packet-num"); s.Stats().Reconnects != 1 || v != "3" {
		t.Errorf("%d reconnects, resumed at packet %s", s.Stats().Reconnects, v)
	}
}

// TestNoNextEntry: after $E S_FALSE (more entries follow) the server sends
// no $C. The client waits for it as long as a server may delay it (3.2.4.2:
// up to 15 s of client lag plus 8 s; the client allows 30 s), on the
// injected clock, and then ends the session with an error instead of
// waiting on the connection for ever.
func TestNoNextEntry(t *testing.T) {
	clock := mmshtest.NewClock()
	_, a := fixture(t, "c_wmav2.wma")
	pl, err := mmshtest.Playlist(a, a)
	if err != nil {
		t.Fatal(err)
	}
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{NoNextEntry: true}}, map[string]*mmshtest.Content{"/list": pl})
	d := baseDialer()
	d.Clock = clock
	s := dial(t, d, srv.URL+"/list", transport.Config{Timeout: 5 * time.Second})
	play(t, s, nil)
	done := readInBackground(s)
	// The log of entry 1 went out at its $E; the connection waits for $C.
	waitFor(t, "the wait for $C", func() bool { return len(srv.RequestsOf("Log")) == 1 && clock.Armed(30*time.Second) })
	clock.Advance(30 * time.Second)
	select {
	case res := <-done:
		if !errors.Is(res.err, mmsh.ErrTimeout) || !strings.Contains(res.err.Error(), "before the next playlist entry") {
			t.Fatalf("error %v", res.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting for $C")
	}
}

// TestUnansweredPlayGivesUpWithinTimeout: the server reads the Play and
// never answers (issue 7 item 4). Play fails within the timeout on the
// session's clock, in both modes; pipelined, the wait for an answer on
// the Play connection is not the 30 s wait for a next playlist entry.
func TestUnansweredPlayGivesUpWithinTimeout(t *testing.T) {
	inBothModes(t, testUnansweredPlayGivesUpWithinTimeout)
}

func testUnansweredPlayGivesUpWithinTimeout(t *testing.T, d *mmsh.Dialer) {
	clock := mmshtest.NewClock()
	srv := server(t, mmshtest.Options{Clock: clock, Faults: mmshtest.Faults{PlayNoAnswer: true}},
		map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d.Clock = clock
	const timeout = 2 * time.Second
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: timeout})
	if err := s.Select(ctxT(t), []int{1}); err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	start := time.Now()
	go func() { res <- s.Play(context.Background(), 0) }()
	if !d.DisablePipelining {
		// Pipelined, the answer is awaited on the session's clock: the
		// timeout on it must end the wait.
		waitFor(t, "the wait for the answer", func() bool { return len(srv.RequestsOf("Play")) == 1 && clock.Pending() > 0 })
		clock.Advance(timeout)
	}
	// Non-pipelined, the request's exchange has a deadline in real time.
	var err error
	select {
	case err = <-res:
	case <-time.After(timeout + 5*time.Second):
		t.Fatalf("Play still waiting %v after it was sent (timeout %v)", time.Since(start), timeout)
	}
	if err == nil || !errors.Is(err, mmsh.ErrTimeout) || !strings.Contains(err.Error(), "no data from "+srv.Addr+" for 2s") {
		t.Fatalf("error %v, want a timeout saying no data came for 2s", err)
	}
}

// TestUnansweredResumeEndsCleanly: pipelined, the stream stalls after
// three packets and the Play that resumes it, on a new connection, gets no
// answer. The session ends with a timeout within twice the timeout, and
// Close returns.
func TestUnansweredResumeEndsCleanly(t *testing.T) {
	clock := mmshtest.NewClock()
	srv := server(t, mmshtest.Options{Clock: clock, Faults: mmshtest.Faults{StallAfter: 3, ResumeNoAnswer: true}},
		map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	d := baseDialer()
	d.DisablePipelining = false
	d.Clock = clock
	const timeout = 2 * time.Second
	s := dial(t, d, srv.URL+"/a.wma", transport.Config{Timeout: timeout})
	play(t, s, nil)
	done := readInBackground(s)
	// Drive the session's clock until the stream gives up (the checks,
	// the resume and the wait for its answer all run on it).
	for ran := time.Duration(0); ; ran += 100 * time.Millisecond {
		var res readResult
		ended := false
		waitFor(t, "a timer or the end", func() bool {
			select {
			case res = <-done:
				ended = true
				return true
			default:
				return clock.Pending() > 0
			}
		})
		if ended {
			if !errors.Is(res.err, mmsh.ErrTimeout) {
				t.Fatalf("error %v, want a timeout", res.err)
			}
			if len(srv.RequestsOf("Play")) < 2 {
				t.Fatal("the stream was not resumed")
			}
			closed := make(chan error, 1)
			go func() { closed <- s.Close() }()
			select {
			case <-closed:
			case <-time.After(10 * time.Second):
				t.Fatal("Close did not return")
			}
			return
		}
		if ran > 2*timeout {
			t.Fatalf("still reading after %v of the session's clock (timeout %v)", ran, timeout)
		}
		clock.Advance(100 * time.Millisecond)
	}
}
