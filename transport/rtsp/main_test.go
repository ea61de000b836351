package rtsp_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fixture reads one of the repository's third-party ASF files
// (testdata/asf, made by FFmpeg's asf muxer).
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/asf/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withScheme replaces the rtsp:// of a fake server's URL by scheme.
func withScheme(u, scheme string) string { return scheme + strings.TrimPrefix(u, "rtsp") }

// testCtx is a context for one test: generous (a loaded 2-core machine),
// never what decides a test.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dial opens a session and closes it when the test ends.
func dial(t *testing.T, d *rtsp.Dialer, url string, cfg transport.Config) transport.Session {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	s, err := d.Dial(testCtx(t), url, cfg)
	if err != nil {
		t.Fatalf("Dial %s: %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// selectAll chooses every track of the current entry.
func selectAll(t *testing.T, s transport.Session) {
	t.Helper()
	var ids []int
	for _, tr := range s.Info().Tracks {
		ids = append(ids, tr.ID)
	}
	if err := s.Select(testCtx(t), ids); err != nil {
		t.Fatalf("Select %v: %v", ids, err)
	}
}

// sampleKey identifies a sample by what a decoder gets.
type sampleKey struct {
	Track int
	PTS   time.Duration
	Key   bool
	Sum   [32]byte
}

func keyOf(s transport.Sample) sampleKey {
	return sampleKey{s.Track, s.PTS, s.Key, sha256.Sum256(s.Data)}
}

// readAll reads samples until io.EOF (returned nil) or another error.
func readAll(t *testing.T, s transport.Session) ([]sampleKey, error) {
	t.Helper()
	ctx := testCtx(t)
	var out []sampleKey
	for {
		smp, err := s.ReadSample(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, keyOf(smp))
	}
}

// reference plays a file over TCP without faults: the samples every
// other transport must deliver.
func reference(t *testing.T, file []byte) []sampleKey {
	t.Helper()
	got, _ := playReference(t, rtsptest.Config{Entries: [][]byte{file}})
	return got
}

// playReference plays cfg's presentation over TCP from the start to its
// end: the samples read and the number of media RTP packets the server
// sent (one stream: the packets of the file).
func playReference(t *testing.T, cfg rtsptest.Config) ([]sampleKey, int) {
	t.Helper()
	srv := rtsptest.New(t, cfg)
	s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspt"), transport.Config{})
	selectAll(t, s)
	if err := s.Play(testCtx(t), 0); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, s)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	if len(got) == 0 {
		t.Fatal("reference: no samples")
	}
	s.Close()
	return got, srv.Stats().Sent
}

// sameSamples fails unless got equals want sample for sample.
func sameSamples(t *testing.T, got, want []sampleKey) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sample %d: track %d at %v (%x…), want track %d at %v (%x…)", i,
				got[i].Track, got[i].PTS, got[i].Sum[:4], want[i].Track, want[i].PTS, want[i].Sum[:4])
		}
	}
}

// sameByTrack fails unless got holds want's samples, track by track in
// order (over UDP the tracks' RTP sessions interleave as they arrive).
func sameByTrack(t *testing.T, got, want []sampleKey) {
	t.Helper()
	split := func(ks []sampleKey) map[int][]sampleKey {
		m := map[int][]sampleKey{}
		for _, k := range ks {
			m[k.Track] = append(m[k.Track], k)
		}
		return m
	}
	g, w := split(got), split(want)
	if len(g) != len(w) {
		t.Fatalf("%d tracks, want %d", len(g), len(w))
	}
	for tr, ws := range w {
		gs := g[tr]
		if len(gs) != len(ws) {
			t.Fatalf("track %d: %d samples, want %d", tr, len(gs), len(ws))
		}
		for i := range ws {
			if gs[i] != ws[i] {
				t.Fatalf("track %d sample %d: %v (%x…), want %v (%x…)", tr, i, gs[i].PTS, gs[i].Sum[:4], ws[i].PTS, ws[i].Sum[:4])
			}
		}
	}
}

// wire records what the client writes on its control connections and
// tells a test when a line it waits for has been written: the client's
// requests as bytes, and the events to wait on without sleeping.
type wire struct {
	mu      sync.Mutex
	written []byte
	waiters []waiter
	// holdRead, when set, runs after each read of the connection, before
	// the client gets the bytes.
	holdRead func()
	// local, when set, is the address the client's connection is bound
	// to (and what the server sees), while LocalAddr reports 127.0.0.1.
	local string
}

type waiter struct {
	substr string
	count  int
	ch     chan struct{}
}

// dialer wraps d's dialing with the recorder.
func (w *wire) dialer(d *rtsp.Dialer) *rtsp.Dialer {
	d.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		nd := &net.Dialer{}
		if w.local != "" {
			nd.LocalAddr = &net.TCPAddr{IP: net.ParseIP(w.local)}
		}
		c, err := nd.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &wireConn{Conn: c, w: w}, nil
	}
	return d
}

// after returns a channel closed once substr has been written n times.
func (w *wire) after(substr string, n int) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := make(chan struct{})
	if strings.Count(string(w.written), substr) >= n {
		close(ch)
		return ch
	}
	w.waiters = append(w.waiters, waiter{substr, n, ch})
	return ch
}

func (w *wire) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.written)
}

type wireConn struct {
	net.Conn
	w *wire
}

func (c *wireConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if h := c.w.holdRead; h != nil {
		h()
	}
	return n, err
}

func (c *wireConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	w := c.w
	w.mu.Lock()
	w.written = append(w.written, b[:n]...)
	keep := w.waiters[:0]
	for _, wt := range w.waiters {
		if strings.Count(string(w.written), wt.substr) >= wt.count {
			close(wt.ch)
		} else {
			keep = append(keep, wt)
		}
	}
	w.waiters = keep
	w.mu.Unlock()
	return n, err
}

// LocalAddr reports 127.0.0.1 whatever the connection is bound to: with
// wire.local set, the client opens its UDP ports there while the server
// sends to the address it sees, so no datagram arrives (a firewall).
func (c *wireConn) LocalAddr() net.Addr {
	a := c.Conn.LocalAddr()
	if c.w.local == "" {
		return a
	}
	ta := *a.(*net.TCPAddr)
	ta.IP = net.IPv4(127, 0, 0, 1)
	return &ta
}

// wait waits for ch, failing the test after a generous bound.
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("gave up waiting for %s", what)
	}
}

// gate paces a fake server (rtsptest.Config.Sleep): each wait between
// two packets takes one unit of budget; with none left the streamer
// waits until the test adds more or the server stops it. A test decides
// how far the server has sent without sleeping.
type gate struct {
	mu     sync.Mutex
	budget int
	more   chan struct{}
}

func newGate(budget int) *gate { return &gate{budget: budget, more: make(chan struct{})} }

func (g *gate) sleep(_ time.Duration, stop <-chan struct{}) bool {
	for {
		g.mu.Lock()
		if g.budget > 0 {
			g.budget--
			g.mu.Unlock()
			return true
		}
		more := g.more
		g.mu.Unlock()
		select {
		case <-stop:
			return false
		case <-more:
		}
	}
}

// add lets n more packets go.
func (g *gate) add(n int) {
	g.mu.Lock()
	g.budget += n
	close(g.more)
	g.more = make(chan struct{})
	g.mu.Unlock()
}
