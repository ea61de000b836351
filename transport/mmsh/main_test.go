package mmsh_test

import (
	"context"
	"errors"
	"github.com/eddyplayer/eddy/asf/asftest"
	"io"
	"os"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

var fixtures *asftest.Files

func TestMain(m *testing.M) {
	f, err := asftest.NewFiles("mmsh-fixtures-", fixtureRecipes)
	if err != nil {
		panic(err)
	}
	fixtures = f
	os.Exit(f.Run(m, func() error { return goleak.Find() }))
}

const sine = asftest.Sine

// fixtureRecipes are the files these tests need beyond the peers'
// make_fixtures.sh ones (c_wmav2.wma, e_mbr_2audio.wma,
// d_wmv2_wmav2.wmv, ...), which asftest provides.
var fixtureRecipes = map[string]asftest.Recipe{
	"wmav2_20s.wma": asftest.FFmpeg("-f", "lavfi", "-i", "sine=frequency=660:sample_rate=44100:duration=20", "-ac", "2", "-c:a", "wmav2", "-b:a", "64k"),
	"mbr_20s.wma": asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=20", "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=22050:duration=20",
		"-map", "0:a", "-map", "1:a", "-c:a", "wmav2", "-b:a:0", "128k", "-b:a:1", "32k", "-ac", "2"),
	"bigheader.wma": asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=3", "-ac", "2", "-c:a", "wmav2", "-b:a", "64k",
		"-metadata", "title="+strings.Repeat("T", 30000), "-metadata", "comment="+strings.Repeat("C", 30000)),
	"pcm_4s.asf": asftest.FFmpeg("-f", "lavfi", "-i", "sine=frequency=330:sample_rate=8000:duration=4", "-ac", "1", "-c:a", "pcm_s16le", "-packet_size", "1000"),
	// Three streams: #1 video, #2 and #3 audio.
	"video_2audio_8s.wmv": asftest.FFmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=8", "-f", "lavfi", "-i", sine+":duration=8",
		"-f", "lavfi", "-i", "sine=frequency=880:sample_rate=22050:duration=8", "-map", "0:v", "-map", "1:a", "-map", "2:a",
		"-c:v", "wmv2", "-b:v", "100k", "-c:a", "wmav2", "-b:a:0", "64k", "-b:a:1", "32k", "-ac", "2"),
}

// fixture generates (once) and returns a test file.
func fixture(t testing.TB, name string) (string, []byte) {
	t.Helper()
	path := fixtures.Path(t, name)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

// probePacket is one packet as ffprobe reports it.
type probePacket struct {
	stream int // ASF stream number
	pts    time.Duration
	size   int
}

// ffprobe lists the media objects of a file. FFmpeg 5.1 reports no ASF
// stream numbers; its stream indexes follow the header order, which for
// these FFmpeg-made files is stream number order: index i is tracks[i].
func ffprobe(t testing.TB, path string, tracks []transport.Track) []probePacket {
	t.Helper()
	var pk []probePacket
	for _, p := range asftest.Probe(t, path) {
		id := 0
		if p.Index < len(tracks) {
			id = tracks[p.Index].ID
		}
		pk = append(pk, probePacket{stream: id, pts: p.PTS, size: p.Size})
	}
	return pk
}

// server starts a fake server serving fixture name at /name.
func server(t testing.TB, opts mmshtest.Options, paths map[string]*mmshtest.Content) *mmshtest.Server {
	t.Helper()
	srv, err := mmshtest.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	for p, c := range paths {
		srv.Handle(p, c)
	}
	return srv
}

// pipeServer starts a fake server over in-memory pipes
// (mmshtest.NewPipeServer) and makes d dial it: for a test inside a
// testing/synctest bubble, which must call it inside the bubble.
func pipeServer(t testing.TB, opts mmshtest.Options, paths map[string]*mmshtest.Content, d *mmsh.Dialer) *mmshtest.Server {
	t.Helper()
	srv := mmshtest.NewPipeServer(opts)
	t.Cleanup(srv.Close)
	for p, c := range paths {
		srv.Handle(p, c)
	}
	d.DialContext = srv.DialContext
	return srv
}

func fileContent(t testing.TB, name string) *mmshtest.Content {
	t.Helper()
	_, b := fixture(t, name)
	c, err := mmshtest.File(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dial opens url with d and closes the session when the test ends.
func dial(t testing.TB, d *mmsh.Dialer, url string, cfg transport.Config) transport.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := d.Dial(ctx, url, cfg)
	if err != nil {
		t.Fatalf("Dial %s: %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// readAll reads samples until io.EOF (or another error, returned).
func readAll(t testing.TB, s transport.Session) ([]transport.Sample, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []transport.Sample
	for {
		smp, err := s.ReadSample(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, smp)
	}
}

// play selects tracks (all when nil) and plays from 0.
func play(t testing.TB, s transport.Session, tracks []int) {
	t.Helper()
	if tracks == nil {
		for _, tr := range s.Info().Tracks {
			tracks = append(tracks, tr.ID)
		}
	}
	if err := s.Select(ctxT(t), tracks); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
}

// requestAt lets d of a testing/synctest bubble's virtual time pass and
// checks that the server has want requests of kind at its end but want-1
// a millisecond before: what sends the request runs out exactly then.
func requestAt(t *testing.T, srv *mmshtest.Server, kind string, d time.Duration, want int) {
	t.Helper()
	count := func() int {
		synctest.Wait()
		return len(srv.RequestsOf(kind))
	}
	time.Sleep(d - time.Millisecond)
	if n := count(); n != want-1 {
		t.Fatalf("%d %s requests a millisecond before %v had passed, want %d", n, kind, d, want-1)
	}
	time.Sleep(time.Millisecond)
	if n := count(); n != want {
		t.Fatalf("%d %s requests when %v had passed, want %d", n, kind, d, want)
	}
}

// readUntilQuiet reads s in the background until it ends (the error, nil
// at io.EOF, goes to the channel) and, inside a testing/synctest bubble,
// waits until nothing moves and checks that the session has received
// packets data packets by then.
func readUntilQuiet(t *testing.T, s transport.Session, packets int64) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := readAll(t, s)
		done <- err
	}()
	synctest.Wait()
	if n := s.Stats().PacketsReceived; n != packets {
		t.Fatalf("%d packets received when the stream went quiet, want %d", n, packets)
	}
	return done
}

// waitFor polls cond (the fake server's records fill asynchronously).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// baseDialer has pipelining and packet-pair off: the simplest flow.
func baseDialer() *mmsh.Dialer {
	return &mmsh.Dialer{DisablePipelining: true, DisablePacketPair: true}
}

// ctxT is a context bounded for one test step.
func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
