package player

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/record"
)

// asfSource is the raw ASF a tapSession gives its tap: a real file's
// header and packets.
type asfSource struct {
	header  []byte
	packets [][]byte
}

func loadASF(t *testing.T, name string) asfSource {
	t.Helper()
	b, err := os.ReadFile("../testdata/asf/" + name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	src := asfSource{header: f.Header().Raw}
	for n := range f.PacketCount() {
		p, err := f.ReadPacket(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		src.packets = append(src.packets, p)
	}
	return src
}

// tapSession is a fakeSession that behaves towards transport.Config.Tap
// as an ASF session does: the header when it opens, then one packet
// before each sample it delivers (cycling through src's packets).
type tapSession struct {
	*fakeSession
	tap transport.Tap
	src asfSource

	mu   sync.Mutex
	sent int
}

func (s *tapSession) ReadSample(ctx context.Context) (transport.Sample, error) {
	smp, err := s.fakeSession.ReadSample(ctx)
	if err == nil {
		s.mu.Lock()
		s.tap.Packet(s.src.packets[s.sent%len(s.src.packets)])
		s.sent++
		s.mu.Unlock()
	}
	return smp, err
}

func (s *tapSession) packetsSent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent
}

// recHarness plays asf://NAME URLs, each a tapSession over a new
// fakeSession made by mk, and plain://NAME ones, which never call the tap
// (a Smooth Streaming session).
type recHarness struct {
	*harness
	mu       sync.Mutex
	sessions map[string]*tapSession
}

func newRecHarness(t *testing.T, src asfSource, mk func(name string) *fakeSession) *recHarness {
	t.Helper()
	rh := &recHarness{harness: &harness{t: t, sink: newMemSink(), dec: &passDecoder{rate: fakeRate}, events: make(chan Event, 4096)},
		sessions: map[string]*tapSession{}}
	reg := transport.NewRegistry()
	reg.Register("asf", transport.MatchSchemes("asf", "plain"), transport.DialerFunc(
		func(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
			fs := mk(raw)
			if strings.HasPrefix(raw, "plain:") {
				return fs, nil
			}
			s := &tapSession{fakeSession: fs, tap: cfg.Tap, src: src}
			cfg.Tap.Header(src.header)
			rh.mu.Lock()
			rh.sessions[raw] = s
			rh.mu.Unlock()
			return s, nil
		}))
	rh.start(reg, nil)
	return rh
}

func (rh *recHarness) session(url string) *tapSession {
	rh.mu.Lock()
	defer rh.mu.Unlock()
	return rh.sessions[url]
}

// recordingEnded waits for the RecordingChanged event of a recording
// that ended.
func (h *harness) recordingEnded() *Recording {
	h.t.Helper()
	ev := h.waitFor("the recording's end", func(ev Event) bool {
		return ev.Kind == RecordingChanged && ev.Status.Recording != nil && !ev.Status.Recording.Active
	})
	if !errors.Is(ev.Err, ev.Status.Recording.Err) && (ev.Err != nil || ev.Status.Recording.Err != nil) {
		h.t.Fatalf("event error %v, status %v", ev.Err, ev.Status.Recording.Err)
	}
	return ev.Status.Recording
}

// recordedPackets opens a recording and returns its packets.
func recordedPackets(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var ps [][]byte
	for n := range f.PacketCount() {
		p, err := f.ReadPacket(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

// TestRecordingArmedBeforeOpen: a recording started before Open records
// the stream from its header: every packet its session received, in
// order; it ends with the stream (Ended), the file complete.
func TestRecordingArmedBeforeOpen(t *testing.T) {
	src := loadASF(t, "c_wmav2.wma")
	rh := newRecHarness(t, src, func(string) *fakeSession { return newFakeSession(3) })
	path := filepath.Join(t.TempDir(), "rec.asf")
	rh.p.StartRecording(path)
	started := rh.waitFor("the recording's start", func(ev Event) bool { return ev.Kind == RecordingChanged })
	if r := started.Status.Recording; r == nil || !r.Active || r.Path != path || started.Err != nil {
		t.Fatalf("start: %+v %v", r, started.Err)
	}
	rh.p.Open("asf://a")
	rh.waitState(Ended)
	r := rh.recordingEnded()
	sent := rh.session("asf://a").packetsSent()
	if r.Err != nil || r.Packets != uint64(sent) || !r.Indexed || sent < 30 {
		t.Fatalf("recording %+v, %d packets sent", r, sent)
	}
	got := recordedPackets(t, path)
	for i, p := range got {
		if !bytes.Equal(p, src.packets[i%len(src.packets)]) {
			t.Fatalf("packet %d is not the one the session received", i)
		}
	}
	if len(got) != sent {
		t.Fatalf("%d packets in the file, %d received", len(got), sent)
	}
}

// TestRecordingMidStream: a recording started during playback takes the
// playing session's header and the packets from then on; it ends, the
// file complete, when playback moves to another URL (not recorded into
// the same file) — and StopRecording ends one with no error.
func TestRecordingMidStream(t *testing.T) {
	src := loadASF(t, "c_wmav2.wma")
	// Each session reads a sample when its gate (unbuffered) is given a
	// token: once token k+1 is taken, the packets of samples 1..k were
	// given to the tap.
	gates := map[string]chan struct{}{"asf://a": make(chan struct{}), "asf://b": make(chan struct{})}
	rh := newRecHarness(t, src, func(name string) *fakeSession {
		fs := newFakeSession(3)
		fs.gate = gates[name]
		return fs
	})
	feed := func(url string, n int) {
		for range n {
			gates[url] <- struct{}{}
		}
	}
	rh.p.Open("asf://a")
	feed("asf://a", 11) // packets 0..9 given, 10 perhaps
	path := filepath.Join(t.TempDir(), "rec.asf")
	rh.p.StartRecording(path)
	rh.waitFor("the recording's start", func(ev Event) bool { return ev.Kind == RecordingChanged })
	feed("asf://a", 5) // packets up to 14 given, 15 perhaps
	rh.p.Open("asf://b")
	r := rh.recordingEnded()
	if !errors.Is(r.Err, ErrRecordingSourceChanged) {
		t.Fatalf("recording %+v", r)
	}
	got := recordedPackets(t, path)
	if len(got) != int(r.Packets) || len(got) < 4 || len(got) > 6 {
		t.Fatalf("%d packets recorded (status %d), want the 4 to 6 read after the start", len(got), r.Packets)
	}
	first := 10
	if !bytes.Equal(got[0], src.packets[first]) {
		first = 11
	}
	for i, p := range got {
		if !bytes.Equal(p, src.packets[(first+i)%len(src.packets)]) {
			t.Fatalf("packet %d is not the one received after the start", i)
		}
	}

	// A recording of b, stopped.
	path2 := filepath.Join(t.TempDir(), "rec2.asf")
	rh.p.StartRecording(path2)
	rh.waitFor("the second recording's start", func(ev Event) bool {
		return ev.Kind == RecordingChanged && ev.Status.Recording.Path == path2
	})
	feed("asf://b", 6)
	rh.p.StopRecording()
	r = rh.recordingEnded()
	if r.Err != nil || r.Path != path2 || r.Packets < 5 {
		t.Fatalf("stopped recording %+v", r)
	}
	got = recordedPackets(t, path2)
	if len(got) != int(r.Packets) {
		t.Fatalf("%d packets in the file, status %d", len(got), r.Packets)
	}
	for i, p := range got {
		if !bytes.Equal(p, src.packets[i]) {
			t.Fatalf("packet %d of b's recording is not b's", i)
		}
	}
	close(gates["asf://b"]) // let b play out
}

// TestRecordingNotASF: a session that never gives its tap a header
// (Smooth Streaming) cannot be recorded: the recording ends at once with
// record.ErrNotASF, no file is left, and playback goes on.
func TestRecordingNotASF(t *testing.T) {
	rh := newRecHarness(t, loadASF(t, "c_wmav2.wma"), func(string) *fakeSession { return newFakeSession(3) })
	path := filepath.Join(t.TempDir(), "rec.asf")
	rh.p.StartRecording(path)
	rh.p.Open("plain://smooth")
	r := rh.recordingEnded()
	if !errors.Is(r.Err, record.ErrNotASF) {
		t.Fatalf("recording %+v", r)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file left: %v", err)
	}
	rh.waitState(Ended)
	// Started during playback of the same kind of stream: at once.
	rh.p.Open("plain://smooth2")
	rh.waitState(Playing)
	rh.p.StartRecording(path)
	if r := rh.recordingEnded(); !errors.Is(r.Err, record.ErrNotASF) {
		t.Fatalf("recording %+v", r)
	}
}
