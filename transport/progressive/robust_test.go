package progressive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
)

// Tests of issue 7 items 3, 4 and 5 for HTTP progressive download and
// local files: every network read has a deadline, a timeout says what
// happened and ends within the configured time, and a source that ends
// before its declared length is an error, never a clean end of file.

// testTimeout is the Config.Timeout of these tests: small, so a test that
// waits for a timeout takes a fraction of a second.
const testTimeout = 300 * time.Millisecond

// giveUpBound is how long after the fault a timeout may take to surface:
// the configured timeout plus a margin for a loaded two-core machine
// running the race detector. The bugs these tests catch take forever, or
// several timeouts in a row.
const giveUpBound = 2*testTimeout + 700*time.Millisecond

// watchdog is how long a test waits before it declares a hang.
const watchdog = 10 * time.Second

// hostileServer is an httptest server whose handlers can block until the
// client goes away or the test ends (a stall), with the request count.
type hostileServer struct {
	*httptest.Server
	done     chan struct{} // closed when the test ends
	requests atomic.Int32
	mu       sync.Mutex
	ranges   []string // Range header of each request
}

func newHostile(t *testing.T, h func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int)) *hostileServer {
	t.Helper()
	hs := &hostileServer{done: make(chan struct{})}
	hs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(hs.requests.Add(1))
		hs.mu.Lock()
		hs.ranges = append(hs.ranges, r.Header.Get("Range"))
		hs.mu.Unlock()
		h(hs, w, r, n)
	}))
	t.Cleanup(func() {
		close(hs.done)
		hs.CloseClientConnections()
		hs.Close()
	})
	return hs
}

// stall blocks until the client closes its connection or the test ends.
func (hs *hostileServer) stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-hs.done:
	}
}

// drip writes b one byte per interval until the client goes away.
func (hs *hostileServer) drip(w http.ResponseWriter, r *http.Request, b []byte, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for i := range b {
		select {
		case <-tick.C:
		case <-r.Context().Done():
			return
		case <-hs.done:
			return
		}
		if _, err := w.Write(b[i : i+1]); err != nil {
			return
		}
		w.(http.Flusher).Flush()
	}
}

// writePart writes b and flushes it, so the client sees it before a stall.
func writePart(w http.ResponseWriter, b []byte) {
	w.Write(b)
	w.(http.Flusher).Flush()
}

// serveRange answers a request for data like a server that supports
// Range (206 with Content-Range, or 200 without a Range header), writing
// at most limit bytes of the body (-1: all of it) and then closing.
func serveRange(w http.ResponseWriter, r *http.Request, data []byte, limit int) {
	start := 0
	if v := r.Header.Get("Range"); v != "" {
		s, _, _ := strings.Cut(strings.TrimPrefix(v, "bytes="), "-")
		start, _ = strconv.Atoi(s)
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(data)-1, len(data)))
		w.Header().Set("Content-Length", strconv.Itoa(len(data)-start))
		w.WriteHeader(http.StatusPartialContent)
	} else {
		w.Header().Set("Accept-Ranges", "bytes")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	}
	body := data[start:]
	if limit >= 0 && limit < len(body) {
		body = body[:limit]
	}
	w.Write(body)
}

// dialWatched dials with a watchdog: a Dial that does not return is a
// test failure, not a hung test run.
func dialWatched(t *testing.T, ctx context.Context, url string, cfg transport.Config) (transport.Session, time.Duration, error) {
	t.Helper()
	type result struct {
		s   transport.Session
		err error
	}
	ch := make(chan result, 1)
	start := time.Now()
	go func() {
		s, err := HTTPDialer{}.Dial(ctx, url, cfg)
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		if r.s != nil {
			t.Cleanup(func() { r.s.Close() })
		}
		return r.s, time.Since(start), r.err
	case <-time.After(watchdog):
		t.Fatalf("Dial %s did not return within %v", url, watchdog)
		return nil, 0, nil
	}
}

// readWatched plays s from 0 and reads samples until an error, with a
// watchdog that closes the session (which ends any read) so a hang fails
// the test. It returns the samples, the final error (io.EOF at a clean
// end) and the time from the first ReadSample to the end.
func readWatched(t *testing.T, s transport.Session) ([]transport.Sample, error, time.Duration) {
	t.Helper()
	var ids []int
	for _, tr := range s.Info().Tracks {
		ids = append(ids, tr.ID)
	}
	if err := s.Select(context.Background(), ids); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	var fired atomic.Bool
	wd := time.AfterFunc(watchdog, func() { fired.Store(true); s.Close() })
	defer wd.Stop()
	start := time.Now()
	var out []transport.Sample
	for {
		smp, err := s.ReadSample(context.Background())
		if err != nil {
			if fired.Load() {
				t.Fatalf("ReadSample hung for %v (after %d samples)", watchdog, len(out))
			}
			return out, err, time.Since(start)
		}
		out = append(out, smp)
	}
}

// sameSamples compares two sample lists exactly.
func sameSamples(a, b []transport.Sample) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Track != b[i].Track || a[i].PTS != b[i].PTS || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

// reference reads every sample of a fixture from disk.
func reference(t *testing.T, path string) []transport.Sample {
	t.Helper()
	s := dialFile(t, path)
	got, err, _ := readWatched(t, s)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("reference %s: %v", path, err)
	}
	return got
}

func fixtureBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHTTPStallAfterFirstBytes: the server sends the first bytes of the
// file and stalls. Cut inside the ASF header, Dial gives up within the
// timeout and says no data came; cut after the header (1 KB, as in the
// issue), Dial may succeed, and the first read gives up the same way. The
// old Dial peeked at the body with no deadline and stayed in Opening
// forever (issue 7 item 3).
func TestHTTPStallAfterFirstBytes(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	for _, cut := range []int{300, 1024} {
		t.Run(strconv.Itoa(cut), func(t *testing.T) {
			hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Length", strconv.Itoa(len(data)))
				writePart(w, data[:cut])
				hs.stall(r)
			})
			start := time.Now()
			s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout})
			if cut < 544 && err == nil {
				t.Fatal("Dial succeeded without the whole ASF header")
			}
			if err == nil {
				_, err, _ = readWatched(t, s)
			}
			if !errors.Is(err, os.ErrDeadlineExceeded) || !strings.Contains(err.Error(), "no data for") {
				t.Fatalf("err = %v, want a timeout saying no data came", err)
			}
			if took := time.Since(start); took > giveUpBound {
				t.Errorf("gave up after %v with a %v timeout", took, testTimeout)
			}
		})
	}
}

// TestHTTPDialHonoursContext: cancelling the dial's context while the
// body is stalled ends the Dial at once, with the context's error.
func TestHTTPDialHonoursContext(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		// Less than the ASF header (494 bytes): the Dial cannot finish
		// before the context ends it (with 1024 bytes it could, under
		// load, before the cancel: a CI failure).
		writePart(w, data[:200])
		cancel()
		hs.stall(r)
	})
	// A long timeout: only the context can end this Dial early.
	_, took, err := dialWatched(t, ctx, hs.URL+"/a.wma", transport.Config{Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if took > giveUpBound {
		t.Errorf("Dial took %v after its context was cancelled", took)
	}
}

// TestHTTPDialDrip: the body comes at one byte per 50 ms from the start:
// bytes keep arriving, so a per-byte stall timer never fires; Dial still
// gives up within the timeout and says the data is arriving too slowly.
func TestHTTPDialDrip(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		hs.drip(w, r, data, 50*time.Millisecond)
	})
	_, took, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout})
	if !errors.Is(err, os.ErrDeadlineExceeded) || !strings.Contains(err.Error(), "arriving too slowly") {
		t.Fatalf("err = %v, want a timeout saying the data arrives too slowly", err)
	}
	if took > giveUpBound {
		t.Errorf("Dial took %v with a %v timeout", took, testTimeout)
	}
}

// TestHTTPDialSlowButInTime: a server without Range support sends its
// body a byte at a time, fast enough for the ASF header to arrive within
// the timeout: the client reads it in many small pieces and goes back to
// offset 0 to parse it whole, which must come from what it already has
// (it cannot ask the server again). It used to fail with "cannot jump to
// byte 0: source is not seekable", reported as a truncated source.
func TestHTTPDialSlowButInTime(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		hs.drip(w, r, data, time.Millisecond)
	})
	s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// TestHTTPDripDuringPlayback: the header and the first packets come at
// once, then the rest at one byte per 50 ms. Playback ends within the
// timeout of the drip's start with "arriving too slowly", not after the
// hours the drip would last (issue 7 item 4).
func TestHTTPDripDuringPlayback(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	const fast = 544 + 3*3200 // header, data object and three packets
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		writePart(w, data[:fast])
		hs.drip(w, r, data[fast:], 50*time.Millisecond)
	})
	s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	got, err, took := readWatched(t, s)
	if !errors.Is(err, os.ErrDeadlineExceeded) || !strings.Contains(err.Error(), "arriving too slowly") {
		t.Fatalf("err = %v after %d samples, want a timeout saying the data arrives too slowly", err, len(got))
	}
	if took > giveUpBound {
		t.Errorf("playback gave up after %v with a %v timeout", took, testTimeout)
	}
}

// TestHTTPStallDuringPlaybackMessage: a server that stops sending
// mid-file ends playback within the timeout with "no data for".
func TestHTTPStallDuringPlaybackMessage(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		writePart(w, data[:544+3*3200])
		hs.stall(r)
	})
	s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	_, err, took := readWatched(t, s)
	if !errors.Is(err, os.ErrDeadlineExceeded) || !strings.Contains(err.Error(), fmt.Sprintf("no data for %v", testTimeout)) {
		t.Fatalf("err = %v", err)
	}
	if took > giveUpBound {
		t.Errorf("playback gave up after %v with a %v timeout", took, testTimeout)
	}
}

// TestHTTPReadSampleHonoursContext: cancelling a ReadSample blocked on a
// stalled body returns the context's error at once and leaves the
// session usable: playing again from the start reads the whole file (the
// server answers the Range request of the reopened transfer). The client's
// transport signals when the client starts reading past the bytes the
// server sent, so the cancellation comes while the read is blocked.
func TestHTTPReadSampleHonoursContext(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	const fast = 544 + 3*3200
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Accept-Ranges", "bytes")
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			writePart(w, data[:fast])
			hs.stall(r)
			return
		}
		serveRange(w, r, data, -1)
	})
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := tr.RoundTrip(req)
		if err == nil && req.Header.Get("Range") == "bytes=0-" {
			resp.Body = &watchBody{ReadCloser: resp.Body, at: fast, hit: cancel}
		}
		return resp, err
	})}
	s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: time.Minute, HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	s.Select(context.Background(), []int{1})
	s.Play(context.Background(), 0)
	start := time.Now()
	wd := time.AfterFunc(watchdog, func() { s.Close() })
	defer wd.Stop()
	for {
		_, err := s.ReadSample(ctx)
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		break
	}
	if took := time.Since(start); took > giveUpBound {
		t.Fatalf("a cancelled ReadSample took %v", took)
	}
	got, err, _ := readWatched(t, s)
	if !errors.Is(err, io.EOF) || !sameSamples(got, reference(t, wmaFixture)) {
		t.Fatalf("after the cancelled read: %d samples, %v", len(got), err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// watchBody calls hit when a Read starts after at bytes were read: the
// server sent no more, so that read blocks.
type watchBody struct {
	io.ReadCloser
	n, at int64
	once  sync.Once
	hit   func()
}

func (b *watchBody) Read(p []byte) (int, error) {
	if b.n >= b.at {
		b.once.Do(b.hit)
	}
	k, err := b.ReadCloser.Read(p)
	b.n += int64(k)
	return k, err
}

// TestHTTPTruncatedBody: the body ends after part of its declared length
// (Content-Length 10 GB, or the real length). Without Range support the
// transfer cannot resume: playback delivers what came, then fails with an
// error that wraps transport.ErrTruncated and says how many bytes came,
// never a clean io.EOF (issue 7 item 5).
func TestHTTPTruncatedBody(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	want := reference(t, wmaFixture)
	const cut = 544 + 5*3200 + 100 // five packets and a bit of the sixth
	for _, declared := range []int64{int64(len(data)), 10 << 30} {
		t.Run(fmt.Sprint(declared), func(t *testing.T) {
			hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
				// Range is ignored: every answer is the whole entity from 0.
				w.Header().Set("Content-Length", strconv.FormatInt(declared, 10))
				w.Write(data[:cut])
			})
			s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout})
			if err != nil {
				t.Fatal(err)
			}
			got, err, _ := readWatched(t, s)
			if !errors.Is(err, transport.ErrTruncated) {
				t.Fatalf("err = %v after %d samples, want transport.ErrTruncated", err, len(got))
			}
			if msg := fmt.Sprintf("after %d of %d bytes", cut, declared); !strings.Contains(err.Error(), msg) {
				t.Errorf("err = %v, want it to say %q", err, msg)
			}
			if len(got) == 0 || len(got) >= len(want) || !sameSamples(got, want[:len(got)]) {
				t.Errorf("%d samples before the error (of %d), want the prefix that arrived", len(got), len(want))
			}
			if n := hs.requests.Load(); n > 1+maxResumes {
				t.Errorf("%d requests: resuming is not bounded", n)
			}
		})
	}
}

// TestHTTPTruncatedBodyResumes: a server that supports Range closes the
// first transfer early: the client resumes with a Range request at the
// byte where it stopped and plays the whole file, each sample once.
func TestHTTPTruncatedBodyResumes(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	const cut = 544 + 5*3200 + 100
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		limit := -1
		if n == 1 {
			limit = cut
		}
		serveRange(w, r, data, limit)
	})
	s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	got, err, _ := readWatched(t, s)
	if !errors.Is(err, io.EOF) || !sameSamples(got, reference(t, wmaFixture)) {
		t.Fatalf("%d samples, %v", len(got), err)
	}
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if len(hs.ranges) != 2 || hs.ranges[1] != fmt.Sprintf("bytes=%d-", cut) {
		t.Errorf("Range headers %q, want a resume at byte %d", hs.ranges, cut)
	}
	if st := s.Stats(); st.Reconnects != 1 {
		t.Errorf("stats %+v, want one reconnect", st)
	}
}

// TestHTTPTruncatedBodyReplayed: on the resume the server ignores Range
// and sends the file again from byte 0 (200): the client skips what it
// has and plays the file once, not the start twice.
func TestHTTPTruncatedBodyReplayed(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	const cut = 544 + 5*3200 + 100
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		if n == 1 {
			w.Write(data[:cut])
			return
		}
		w.Write(data)
	})
	s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	got, err, _ := readWatched(t, s)
	if !errors.Is(err, io.EOF) || !sameSamples(got, reference(t, wmaFixture)) {
		t.Fatalf("%d samples, %v", len(got), err)
	}
}

// TestHTTPResumeIsBounded: a server that supports Range but closes every
// transfer right after its headers: the client gives up after maxResumes
// attempts with a truncation error, without a storm of requests.
func TestHTTPResumeIsBounded(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	const cut = 544 + 5*3200 + 100
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		limit := 0
		if n == 1 {
			limit = cut
		}
		serveRange(w, r, data, limit)
	})
	s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	_, err, _ = readWatched(t, s)
	if !errors.Is(err, transport.ErrTruncated) || !strings.Contains(err.Error(), fmt.Sprintf("after %d of %d bytes", cut, len(data))) {
		t.Fatalf("err = %v", err)
	}
	if n := hs.requests.Load(); n != 1+maxResumes {
		t.Errorf("%d requests, want 1 + %d resumes", n, maxResumes)
	}
}

// TestHTTPContentLengthShorterThanData: the server declares (and sends)
// fewer bytes than the ASF Data Object holds: the source ended early, an
// error once the packets that arrived are played.
func TestHTTPContentLengthShorterThanData(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	const cut = 544 + 5*3200
	for _, ranges := range []bool{false, true} {
		t.Run(fmt.Sprint("ranges=", ranges), func(t *testing.T) {
			short := data[:cut]
			hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
				if ranges {
					serveRange(w, r, short, -1)
					return
				}
				w.Header().Set("Content-Length", strconv.Itoa(len(short)))
				w.Write(short)
			})
			s, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout})
			if err != nil {
				t.Fatal(err)
			}
			got, err, _ := readWatched(t, s)
			if !errors.Is(err, transport.ErrTruncated) {
				t.Fatalf("err = %v after %d samples, want transport.ErrTruncated", err, len(got))
			}
			if want := reference(t, wmaFixture); len(got) == 0 || !sameSamples(got, want[:len(got)]) {
				t.Errorf("%d samples before the error, want the prefix that arrived", len(got))
			}
		})
	}
}

// TestFileTruncated: a local file cut short of the Data Object its header
// declares plays the packets that are there, then ends with an error that
// wraps transport.ErrTruncated and names the packets present and
// declared; the complete file ends with io.EOF.
func TestFileTruncated(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	want := reference(t, wmaFixture)
	for _, cut := range []int{544 + 5*3200, 544 + 5*3200 + 1700, len(data) - 1} {
		t.Run(strconv.Itoa(cut), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cut.wma")
			if err := os.WriteFile(path, data[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			s := dialFile(t, path)
			got, err, _ := readWatched(t, s)
			if !errors.Is(err, transport.ErrTruncated) {
				t.Fatalf("err = %v after %d samples, want transport.ErrTruncated", err, len(got))
			}
			have := (cut - 544) / 3200
			if msg := fmt.Sprintf("%d of the 17 data packets", have); !strings.Contains(err.Error(), msg) {
				t.Errorf("err = %v, want it to say %q", err, msg)
			}
			if len(got) == 0 || !sameSamples(got, want[:len(got)]) {
				t.Errorf("%d samples, want the prefix of the file's %d", len(got), len(want))
			}
		})
	}
}

// TestTruncatedHeader: a source that ends inside the ASF header fails to
// open with an error wrapping transport.ErrTruncated, from disk and over
// HTTP (where the body is as long as it declares, so nothing can resume).
func TestTruncatedHeader(t *testing.T) {
	data := fixtureBytes(t, wmaFixture)
	const cut = 300
	path := filepath.Join(t.TempDir(), "cut.wma")
	if err := os.WriteFile(path, data[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := (FileDialer{}).Dial(context.Background(), path, transport.Config{}); !errors.Is(err, transport.ErrTruncated) {
		t.Errorf("file: err = %v, want transport.ErrTruncated", err)
	}
	hs := newHostile(t, func(hs *hostileServer, w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", strconv.Itoa(cut))
		w.Write(data[:cut])
	})
	if _, _, err := dialWatched(t, context.Background(), hs.URL+"/a.wma", transport.Config{Timeout: testTimeout}); !errors.Is(err, transport.ErrTruncated) {
		t.Errorf("http: err = %v, want transport.ErrTruncated", err)
	}
}

// TestTruncationOnlyForEarlyEnds: a header read that failed because the
// source ended is a truncated source; one that failed for a reason of its
// own (a timeout, a jump without Range, a cancelled read) is not called
// truncated.
func TestTruncationOnlyForEarlyEnds(t *testing.T) {
	for _, c := range []struct {
		cause error
		trunc bool
	}{
		{io.ErrUnexpectedEOF, true},
		{io.EOF, true},
		{transport.ErrNotSeekable, false},
		{os.ErrDeadlineExceeded, false},
		{context.Canceled, false},
		{transport.ErrClosed, false},
	} {
		err := truncation(fmt.Errorf("asf: reading header: %w: 0 of 494 bytes at offset 0: %w", asf.ErrTruncated, c.cause))
		if errors.Is(err, transport.ErrTruncated) != c.trunc || !errors.Is(err, c.cause) {
			t.Errorf("cause %v: %v", c.cause, err)
		}
	}
}
