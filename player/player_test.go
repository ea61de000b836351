package player

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type harness struct {
	t      *testing.T
	p      *Player
	sess   *fakeSession
	sink   *memSink
	dec    *passDecoder
	events chan Event
	mu     sync.Mutex
	dials  int
}

func (h *harness) setSession(s *fakeSession) {
	h.mu.Lock()
	h.sess = s
	h.mu.Unlock()
}

func (h *harness) dialCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.dials
}

func newHarness(t *testing.T, sess *fakeSession, mod func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, sess: sess, sink: newMemSink(), dec: &passDecoder{rate: fakeRate},
		events: make(chan Event, 4096)}
	reg := transport.NewRegistry()
	reg.Register("fake", transport.MatchSchemes("fake"), transport.DialerFunc(
		func(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.dials++
			if strings.Contains(raw, "missing") {
				return nil, fmt.Errorf("dial %s: %w", raw, errNoSuchFile)
			}
			return h.sess, nil
		}))
	h.start(reg, mod)
	return h
}

// start builds the player on reg with the pass-through PCM decoder and
// h's sink, subscribes h.events and closes it all when the test ends.
func (h *harness) start(reg *transport.Registry, mod func(*Config)) {
	t := h.t
	t.Helper()
	decs := decoder.NewRegistry()
	decs.RegisterAudio(transport.WaveFormat(transport.TagPCM), "pass", func(transport.Track) (decoder.Audio, error) {
		return h.dec, nil
	})
	cfg := Config{
		Transports: reg, Decoders: decs, Sink: h.sink,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		// No position ticks during a test that runs on the real clock:
		// it takes seconds, not an hour. A test that needs ticks sets
		// Tick and runs in a synctest bubble.
		Tick: time.Hour,
	}
	if mod != nil {
		mod(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.p = p
	cancel := p.Subscribe(func(ev Event) { h.events <- ev })
	t.Cleanup(func() {
		cancel()
		p.Close()
	})
}

var errNoSuchFile = errors.New("no such file")

// waitFor returns the first event satisfying ok, failing after 10 s.
func (h *harness) waitFor(what string, ok func(Event) bool) Event {
	h.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-h.events:
			if ok(ev) {
				return ev
			}
		case <-timeout:
			h.t.Fatalf("timed out waiting for %s (status %+v)", what, h.p.Status())
		}
	}
}

func (h *harness) waitState(s State) Event {
	h.t.Helper()
	return h.waitFor(s.String(), func(ev Event) bool { return ev.Kind == StateChanged && ev.Status.State == s })
}

// samplesIn decodes the memSink's PCM into the per-frame sample indices.
func samplesIn(b []byte) []uint16 {
	out := make([]uint16, len(b)/2)
	for i := range out {
		out[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return out
}

func TestPlayToEnd(t *testing.T) {
	h := newHarness(t, newFakeSession(3), nil)
	h.p.Open("fake://song")
	h.waitState(Opening)
	ev := h.waitFor("media", func(ev Event) bool { return ev.Kind == MediaChanged })
	if ev.Status.Media.Metadata.Title != "Fake" || len(ev.Status.Media.Tracks) != 1 || !ev.Status.Media.Tracks[0].Selected {
		t.Fatalf("media = %+v", ev.Status.Media)
	}
	if ev.Status.Media.Tracks[0].Decoder != "pass" {
		t.Fatalf("decoder name = %q", ev.Status.Media.Tracks[0].Decoder)
	}
	h.waitState(Playing)
	end := h.waitState(Ended)
	got := samplesIn(h.sink.bytes())
	if len(got) != 3*fakeRate {
		t.Fatalf("wrote %d frames, want %d", len(got), 3*fakeRate)
	}
	for i, v := range got {
		if want := uint16(i / 800); v != want {
			t.Fatalf("frame %d = %d, want %d", i, v, want)
		}
	}
	if end.Status.Position != 3*time.Second {
		t.Fatalf("end position %v", end.Status.Position)
	}
	if end.Status.Stats.BitrateBps != 128000 {
		t.Fatalf("content bit rate %d", end.Status.Stats.BitrateBps)
	}
	if end.Status.Stats.TimeToFirstAudio <= 0 {
		t.Fatalf("time to first audio not measured: %+v", end.Status.Stats)
	}
	if end.Status.Stats.TimeToFirstFrame != 0 {
		t.Fatalf("a first picture without video: %+v", end.Status.Stats)
	}
	if h.sink.opens != 1 {
		t.Fatalf("sink opened %d times", h.sink.opens)
	}
}

func TestStartAndDurationTrimExactly(t *testing.T) {
	h := newHarness(t, newFakeSession(5), nil)
	h.p.OpenWith("fake://song", OpenOptions{Start: 1234 * time.Millisecond, Duration: 1500 * time.Millisecond})
	h.waitState(Ended)
	got := samplesIn(h.sink.bytes())
	if want := 1500 * fakeRate / 1000; len(got) != want {
		t.Fatalf("wrote %d frames, want %d", len(got), want)
	}
	// Frame k of the output is absolute frame 1.234 s * 8000 + k.
	first := 1234 * fakeRate / 1000
	for k, v := range got {
		if want := uint16((first + k) / 800); v != want {
			t.Fatalf("frame %d = %d, want %d", k, v, want)
		}
	}
	if h.sess.plays[0] != 1234*time.Millisecond {
		t.Fatalf("Play called with %v", h.sess.plays)
	}
}

func TestSeekWhilePlaying(t *testing.T) {
	sess := newFakeSession(10)
	h := newHarness(t, sess, nil)
	h.sink.block = make(chan struct{})
	h.p.Open("fake://song")
	h.waitState(Playing)
	// Let two writes through, then seek.
	h.sink.block <- struct{}{}
	h.sink.block <- struct{}{}
	h.p.Seek(7 * time.Second)
	h.waitFor("position 7s", func(ev Event) bool { return ev.Kind == PositionChanged && ev.Status.Position == 7*time.Second })
	close(h.sink.block)
	h.waitState(Ended)
	if len(sess.plays) != 2 || sess.plays[1] != 7*time.Second {
		t.Fatalf("plays = %v", sess.plays)
	}
	got := samplesIn(h.sink.bytes())
	// After the seek, the last 3 s must follow in order.
	tail := got[len(got)-3*fakeRate:]
	for k, v := range tail {
		if want := uint16(70 + k/800); v != want {
			t.Fatalf("tail frame %d = %d, want %d", k, v, want)
		}
	}
	if h.dec.resets == 0 {
		t.Fatal("decoder not reset on seek")
	}
}

func TestSeekNotSeekableWarns(t *testing.T) {
	sess := newFakeSession(2)
	sess.info.Seekable = false
	sess.info.Broadcast = true
	h := newHarness(t, sess, nil)
	h.sink.block = make(chan struct{})
	h.p.Open("fake://live")
	h.waitState(Playing)
	h.p.Seek(time.Second)
	ev := h.waitFor("warning", func(ev Event) bool { return ev.Kind == Warning })
	if !errors.Is(ev.Err, transport.ErrNotSeekable) {
		t.Fatalf("warning %v", ev.Err)
	}
	close(h.sink.block)
	h.waitState(Ended)
}

func TestOpenErrorIsReported(t *testing.T) {
	h := newHarness(t, newFakeSession(1), nil)
	h.p.Open("fake://missing")
	ev := h.waitFor("error", func(ev Event) bool { return ev.Kind == ErrorOccurred })
	if !errors.Is(ev.Err, errNoSuchFile) || ev.Status.State != Failed {
		t.Fatalf("got %v in state %v", ev.Err, ev.Status.State)
	}
	h.p.Open("nosuch://x")
	ev = h.waitFor("error", func(ev Event) bool { return ev.Kind == ErrorOccurred })
	if !errors.Is(ev.Err, transport.ErrUnsupportedURL) {
		t.Fatalf("got %v", ev.Err)
	}
}

func TestUnsupportedCodecNamesIt(t *testing.T) {
	sess := newFakeSession(1)
	sess.info.Tracks[0].Codec = transport.WaveFormat(transport.TagWMA2)
	h := newHarness(t, sess, nil)
	h.p.Open("fake://wma")
	ev := h.waitFor("error", func(ev Event) bool { return ev.Kind == ErrorOccurred })
	var ue *decoder.UnsupportedError
	if !errors.As(ev.Err, &ue) || ue.Codec.Tag != transport.TagWMA2 || !errors.Is(ev.Err, ErrNothingToPlay) {
		t.Fatalf("error = %v", ev.Err)
	}
	if !strings.Contains(ev.Err.Error(), "codec WMA v2 (0x0161) is not supported yet") {
		t.Fatalf("message = %q", ev.Err)
	}
}

func TestDecodeErrorsAreConcealed(t *testing.T) {
	h := newHarness(t, newFakeSession(2), nil)
	h.dec.fail = func(s transport.Sample) bool { return s.PTS == 500*time.Millisecond }
	h.p.Open("fake://x")
	end := h.waitState(Ended)
	if got := len(samplesIn(h.sink.bytes())); got != 19*800 {
		t.Fatalf("frames = %d", got)
	}
	if end.Status.Stats.DecodeErrors != 1 {
		t.Fatalf("decode errors = %d", end.Status.Stats.DecodeErrors)
	}
}

func TestUnderrunCountsRebuffer(t *testing.T) {
	sess := newFakeSession(2)
	sess.gate = make(chan struct{})
	h := newHarness(t, sess, nil)
	h.sink.realtime = true
	h.p.Open("fake://slow")
	// Preroll is 500 ms: 5 samples + 1 to measure the span.
	for i := 0; i < 7; i++ {
		sess.gate <- struct{}{}
	}
	h.waitState(Playing)
	// Starve: the output drains the queue and must rebuffer.
	h.waitState(Buffering)
	for i := 7; i < 20; i++ {
		sess.gate <- struct{}{}
	}
	close(sess.gate)
	h.waitState(Playing)
	end := h.waitState(Ended)
	if end.Status.Stats.Rebuffers < 1 {
		t.Fatalf("rebuffers = %d", end.Status.Stats.Rebuffers)
	}
}

func TestPauseResumeStopPlay(t *testing.T) {
	sess := newFakeSession(3)
	h := newHarness(t, sess, nil)
	h.sink.block = make(chan struct{})
	h.p.Open("fake://x")
	h.waitState(Playing)
	h.p.Pause()
	h.waitState(Paused)
	if !h.sink.paused {
		t.Fatal("sink not paused")
	}
	h.p.Play()
	h.waitState(Playing)
	h.p.Stop()
	h.waitState(Stopped)
	h.p.closers.Wait()
	if !sess.isClosed() {
		t.Fatal("session not closed on stop")
	}
	// Play after Stop dials again.
	h.setSession(newFakeSession(1))
	close(h.sink.block)
	h.p.Play()
	h.waitState(Ended)
	if h.dialCount() != 2 {
		t.Fatalf("dials = %d", h.dials)
	}
}

func TestVolume(t *testing.T) {
	h := newHarness(t, newFakeSession(1), nil)
	h.p.SetVolume(0.25)
	h.waitFor("volume", func(ev Event) bool { return ev.Status.Volume == 0.25 })
	if h.sink.volume != 0.25 {
		t.Fatalf("sink volume %v", h.sink.volume)
	}
}

func TestInfoChangedSwitchesTracks(t *testing.T) {
	sess := newFakeSession(3)
	sess.changeAt = 10
	sess.newInfo = sess.info
	sess.newInfo.Metadata.Title = "Second entry"
	sess.newInfo.Tracks = []transport.Track{{ID: 2, Type: transport.Audio, Codec: transport.WaveFormat(transport.TagPCM),
		Audio: transport.AudioParams{SampleRate: fakeRate, Channels: 1, BitsPerSample: 16}}}
	h := newHarness(t, sess, nil)
	h.p.Open("fake://list")
	h.waitFor("second media", func(ev Event) bool {
		return ev.Kind == MediaChanged && ev.Status.Media.Metadata.Title == "Second entry"
	})
	h.waitState(Ended)
	if got := len(samplesIn(h.sink.bytes())); got != 3*fakeRate {
		t.Fatalf("frames = %d", got)
	}
	if len(sess.selected) != 1 || sess.selected[0] != 2 {
		t.Fatalf("selected %v after the new header", sess.selected)
	}
}

func TestReadErrorFails(t *testing.T) {
	sess := newFakeSession(3)
	sess.readErrAt = 12
	sess.readErr = errors.New("connection reset")
	h := newHarness(t, sess, nil)
	h.p.Open("fake://x")
	ev := h.waitFor("error", func(ev Event) bool { return ev.Kind == ErrorOccurred })
	if !errors.Is(ev.Err, sess.readErr) {
		t.Fatalf("err = %v", ev.Err)
	}
}

// TestExplainedEnd: a session that ends with an explanation wrapping
// io.EOF (a broadcast whose server went away and did not come back) ends
// playback normally, after everything read has played, and the
// explanation reaches the user as a warning.
func TestExplainedEnd(t *testing.T) {
	sess := newFakeSession(3)
	sess.readErrAt = 12
	sess.readErr = fmt.Errorf("stream fake://x ended: the server closed the connection; then it refused the connection: %w", io.EOF)
	h := newHarness(t, sess, nil)
	h.p.Open("fake://x")
	ev := h.waitFor("warning", func(ev Event) bool { return ev.Kind == Warning || ev.Kind == ErrorOccurred })
	if ev.Kind != Warning || ev.Err == nil || ev.Err.Error() != sess.readErr.Error() {
		t.Fatalf("%v: %v", ev.Kind, ev.Err)
	}
	h.waitState(Ended)
	if got, want := len(samplesIn(h.sink.bytes())), 12*fakeRate/10; got != want {
		t.Errorf("%d frames played, want the %d read", got, want)
	}
}

func TestCloseWhileOpening(t *testing.T) {
	sess := newFakeSession(3)
	sess.gate = make(chan struct{})
	h := newHarness(t, sess, nil)
	h.p.Open("fake://x")
	h.waitState(Buffering)
	if err := h.p.Close(); err != nil {
		t.Fatal(err)
	}
	if !sess.isClosed() {
		t.Fatal("session left open")
	}
}

func TestCredentialsReachTheDialer(t *testing.T) {
	h := newHarness(t, newFakeSession(1), nil)
	var got []*transport.Credentials
	var mu sync.Mutex
	h.p.cfg.Transports.Register("auth", transport.MatchSchemes("auth"), transport.DialerFunc(
		func(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, cfg.Credentials)
			if cfg.Credentials == nil || cfg.Credentials.Password != "secret" {
				return nil, fmt.Errorf("server: %w", transport.ErrAuthRequired)
			}
			return newFakeSession(1), nil
		}))
	h.p.Open("auth://x")
	ev := h.waitFor("error", func(ev Event) bool { return ev.Kind == ErrorOccurred })
	if !errors.Is(ev.Err, transport.ErrAuthRequired) {
		t.Fatalf("err %v", ev.Err)
	}
	h.p.SetCredentials("alice", "secret")
	h.p.Open("auth://x")
	h.waitState(Ended)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != nil || got[1].User != "alice" {
		t.Fatalf("credentials seen %+v", got)
	}
}
