package mmsptest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/transport/mmsp"
)

var fixtures *asftest.Files

func TestMain(m *testing.M) {
	f, err := asftest.NewFiles("mmsptest-fixtures-", nil)
	if err != nil {
		panic(err)
	}
	fixtures = f
	os.Exit(f.Run(m, func() error { return goleak.Find() }))
}

func serve(t *testing.T, opts Options, path, name string) (*Server, string) {
	t.Helper()
	file := fixtures.Path(t, name)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := File(b)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	srv.Handle(path, c)
	return srv, file
}

// TestFFmpegPlays: FFmpeg's mmst:// client (libavformat/mmst.c) plays a
// WMA file from the fake server; its decode is FFmpeg's decode of the
// file itself, sample for sample. This is the evidence that the server
// speaks what real servers speak: FFmpeg was written against Windows
// Media Services.
func TestFFmpegPlays(t *testing.T) {
	for _, strip := range []bool{false, true} {
		name := "padded"
		if strip {
			name = "padding stripped"
		}
		t.Run(name, func(t *testing.T) {
			srv, file := serve(t, Options{StripPadding: strip}, "/c.wma", "c_wmav2.wma")
			want := asftest.ReferencePCM(t, file, 0, 0)
			// FFmpeg's client has no end of stream: at the
			// ReportEndOfStream it reports a corrupt stream ("unexpected
			// packet type 0x1e") and its demuxer reads on for ever. So
			// its output is flushed packet by packet and read until it
			// is as long as the reference and that report has come (or
			// the time runs out), then FFmpeg is stopped. Stopping it as
			// soon as the output was complete could come before the
			// report (seen on a loaded machine).
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-i", srv.URL+"/c.wma", "-map", "0:a:0", "-flush_packets", "1", "-f", "s16le", "-")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			stderrPipe, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var got []byte
			enough := make(chan struct{})
			outDone := make(chan struct{})
			go func() {
				defer close(outDone)
				buf := make([]byte, 64<<10)
				closed := false
				for {
					n, err := stdout.Read(buf)
					got = append(got, buf[:n]...)
					if len(got) >= len(want) && !closed {
						close(enough)
						closed = true
					}
					if err != nil {
						return
					}
				}
			}()
			var stderr strings.Builder
			sawEOS := make(chan struct{})
			errDone := make(chan struct{})
			go func() {
				defer close(errDone)
				sc := bufio.NewScanner(stderrPipe)
				closed := false
				for sc.Scan() {
					stderr.WriteString(sc.Text() + "\n")
					if !closed && strings.Contains(sc.Text(), "unexpected packet type 0x1e") {
						close(sawEOS)
						closed = true
					}
				}
				io.Copy(io.Discard, stderrPipe)
			}()
			// Each wait also ends when FFmpeg's output ends (it exited).
			select {
			case <-enough:
			case <-outDone:
			case <-ctx.Done():
			}
			select {
			case <-sawEOS:
			case <-errDone:
			case <-ctx.Done():
			}
			cancel()
			<-outDone
			<-errDone
			cmd.Wait()
			if len(want) == 0 || !bytes.Equal(got, want) {
				t.Fatalf("FFmpeg decoded %d bytes from the server, %d from the file (equal: %v)\n%s", len(got), len(want), bytes.Equal(got, want), stderr.String())
			}
			if !strings.Contains(stderr.String(), "unexpected packet type 0x1e") {
				t.Errorf("FFmpeg did not reach the ReportEndOfStream (0x1e): %s", stderr.String())
			}
			// FFmpeg spoke the protocol: connect, funnel, open, header,
			// stream selection, play (3.1, 4.3).
			for _, mid := range []uint32{mmsp.MIDConnect, mmsp.MIDConnectFunnel, mmsp.MIDOpenFile, mmsp.MIDReadBlock, mmsp.MIDStreamSwitch, mmsp.MIDStartPlaying} {
				if len(srv.ReceivedOf(mid)) == 0 {
					t.Errorf("FFmpeg sent no %s", mmsp.Name(mid))
				}
			}
		})
	}
}
