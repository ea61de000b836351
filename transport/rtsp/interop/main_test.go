// Package interop_test plays from third-party MS-RTSP peers: GStreamer's
// RTSP server with its X-ASF-PF payloader (rtpasfpay), over TCP and UDP,
// and checks every media object against the source file and the decoded
// audio against FFmpeg's decode. It is a package of its own because the
// decoding needs the cgo libavcodec binding.
package interop_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/internal/peertest"
	"github.com/eddyplayer/eddy/transport/progressive"
	"github.com/eddyplayer/eddy/transport/rtsp"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// gstServer starts GStreamer's RTSP server on src and returns its URL
// without scheme ("127.0.0.1:PORT/test").
func gstServer(t *testing.T, src string) string {
	t.Helper()
	abs, err := filepath.Abs(src)
	if err != nil {
		t.Fatal(err)
	}
	port := peertest.FreePort(t)
	cmd := exec.Command("timeout", "120", "/usr/bin/python3", "testdata/gst_rtsp_server.py", abs, fmt.Sprint(port))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	cmd.Stderr = &log
	peertest.Start(t, "GStreamer's RTSP server", cmd)
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
		io.Copy(io.Discard, out)
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("GStreamer's RTSP server did not start:\n%s", log.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("GStreamer's RTSP server did not start in 30 s:\n%s", log.String())
	}
	return fmt.Sprintf("127.0.0.1:%d/test", port)
}

// readAll plays a session from the start and returns every sample up to
// its end.
func readAll(t *testing.T, s transport.Session) []transport.Sample {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var ids []int
	for _, tr := range s.Info().Tracks {
		ids = append(ids, tr.ID)
	}
	if err := s.Select(ctx, ids); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctx, 0); err != nil {
		t.Fatal(err)
	}
	var got []transport.Sample
	for {
		smp, err := s.ReadSample(ctx)
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("after %d samples: %v", len(got), err)
		}
		got = append(got, smp)
	}
}

// fileSamples reads the source file's samples with the file transport.
func fileSamples(t *testing.T, src string) (transport.Info, []transport.Sample) {
	t.Helper()
	s, err := progressive.FileDialer{}.Dial(context.Background(), src, transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.Info(), readAll(t, s)
}

func TestGStreamer(t *testing.T) {
	for _, src := range []string{"../../../testdata/asf/d_wmv2_wmav2.wmv", "../../../testdata/asf/c_wmav2.wma"} {
		for _, scheme := range []string{"rtspt", "rtspu"} {
			t.Run(filepath.Base(src)+"/"+scheme, func(t *testing.T) {
				t.Parallel() // GStreamer sends in real time
				url := scheme + "://" + gstServer(t, src)
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				s, err := (&rtsp.Dialer{}).Dial(ctx, url, transport.Config{Timeout: 10 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				info, want := fileSamples(t, src)
				if got := len(s.Info().Tracks); got != len(info.Tracks) {
					t.Fatalf("%d tracks over RTSP, %d in the file", got, len(info.Tracks))
				}
				got := readAll(t, s)
				st := s.Stats()
				// rtpasfpay keeps the RTP packet it is filling when the file
				// ends, so the last ASF packets may be missing: every object
				// received must be the file's, in order, and all but the tail
				// must arrive.
				n := compareObjects(t, got, want)
				if n < len(want)*9/10 {
					t.Fatalf("%d of the file's %d objects arrived", n, len(want))
				}
				if st.PacketsLost != 0 || st.CorruptPackets != 0 {
					t.Errorf("stats: %+v", st)
				}
				for _, tr := range info.Tracks {
					if tr.Type == transport.Audio {
						compareAudio(t, src, tr, got)
					}
				}
				t.Logf("%d of %d objects, stats %+v", n, len(want), st)
			})
		}
	}
}

// compareObjects checks that got is want's beginning, object for object
// (track, time, key flag, bytes), and returns how many matched.
func compareObjects(t *testing.T, got, want []transport.Sample) int {
	t.Helper()
	if len(got) > len(want) {
		t.Fatalf("%d objects received, the file has %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Track != w.Track || g.PTS != w.PTS || g.Key != w.Key || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("object %d: got track %d at %v (%d bytes, key %v), the file has track %d at %v (%d bytes, key %v)",
				i, g.Track, g.PTS, len(g.Data), g.Key, w.Track, w.PTS, len(w.Data), w.Key)
		}
	}
	return len(got)
}

// compareAudio decodes the audio received with libavcodec and checks it
// equals FFmpeg's decode of the source from its start.
func compareAudio(t *testing.T, src string, tr transport.Track, got []transport.Sample) {
	t.Helper()
	dec, err := lavc.NewAudio(tr, lavc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	var pcm []byte
	for i, smp := range got {
		if smp.Track != tr.ID {
			continue
		}
		if pcm, err = dec.Decode(pcm, smp); err != nil {
			t.Fatalf("decoding object %d: %v", i, err)
		}
	}
	f := dec.Format()
	ref := asftest.ReferencePCM(t, src, f.Channels, f.SampleRate)
	if len(pcm) < len(ref)*9/10 || !bytes.Equal(ref[:len(pcm)], pcm) {
		n := 0
		for n < len(pcm) && n < len(ref) && pcm[n] == ref[n] {
			n++
		}
		t.Fatalf("decoded audio: %d bytes, FFmpeg's %d, equal for the first %d", len(pcm), len(ref), n)
	}
}
