package rtsptest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// gstLaunch runs gst-launch-1.0 with args and fails the test unless the
// pipeline played to its end. An error GStreamer reports only after the
// pipeline's EOS, while it shuts down, is no failure: rtspsrc sends PAUSE
// on the way to NULL and cancels it at once for its TEARDOWN, and that
// race of its own ("Could not send message. (Received end-of-file)")
// makes gst-launch exit 1 now and then, whatever the server does.
//
// With stuck > 0, a pipeline still running after stuck is interrupted,
// and that is no failure either; the caller checks what it wrote.
func gstLaunch(t *testing.T, ctx context.Context, stuck time.Duration, args ...string) {
	t.Helper()
	run := ctx
	if stuck > 0 {
		var cancel context.CancelFunc
		run, cancel = context.WithTimeout(ctx, stuck)
		defer cancel()
	}
	cmd := exec.CommandContext(run, "gst-launch-1.0", args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 5 * time.Second
	b, err := cmd.CombinedOutput()
	switch {
	case err == nil:
		return
	case stuck > 0 && ctx.Err() == nil && errors.Is(run.Err(), context.DeadlineExceeded):
		t.Logf("gst-launch-1.0 had not ended after %v; stopped (%v), its output is checked", stuck, err)
		return
	}
	if eos := bytes.Index(b, []byte(`Got EOS from element "pipeline0"`)); eos >= 0 && ctx.Err() == nil &&
		!bytes.Contains(b[:eos], []byte("ERROR:")) {
		t.Logf("gst-launch-1.0 failed after its EOS (%v); its output is checked", err)
		return
	}
	t.Fatalf("gst-launch-1.0 %q: %v\n%s", args, err, b)
}

// gstDecode decodes the ASF file in to 16-bit stereo 44.1 kHz PCM in out
// with GStreamer's asfdemux and decoders.
func gstDecode(t *testing.T, ctx context.Context, in, out string) {
	t.Helper()
	gstLaunch(t, ctx, 0, "filesrc", "location="+in, "!", "asfdemux", "!", "queue", "!", "decodebin", "!", "audioconvert", "!", "audioresample",
		"!", "audio/x-raw,format=S16LE,channels=2,rate=44100", "!", "filesink", "location="+out)
}

// TestGStreamerPlaysFromTheServer checks the server against a third-party
// client (peers README §6): GStreamer's rtspsrc over TCP ! rtpasfdepay
// takes the GStreamer-style SDP and RTP, and what it depayloads decodes,
// with GStreamer, to exactly the audio GStreamer decodes from the file
// itself.
//
// Two races inside GStreamer 1.22 are kept out of the verdict. When the
// RTCP BYE reaches rtpjitterbuffer while it is still pushing the last
// packet on a loaded machine, it misses its own wake-up and never passes
// the EOS on; asfdemux and decodebin behind it then never end either. So
// the depayloaded stream goes unbuffered to a file, is decoded after the
// session, and a session still running after 15 s (the stream takes 1.5)
// is stopped. The other race is gstLaunch's.
func TestGStreamerPlaysFromTheServer(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	// Speed 4: rtspsrc's jitter buffer plays out by the RTP timestamps; a
	// stream sent all at once makes its end (the BYE) come long before
	// the media are played, which rtspsrc does not survive.
	s := New(t, Config{Entries: [][]byte{file}, Style: StyleGStreamer, Path: "/test", Speed: 4})
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	asfOut := filepath.Join(dir, "rtsp.asf")
	gstLaunch(t, ctx, 15*time.Second, "rtspsrc", "location="+s.URL(), "protocols=tcp", "!", "rtpasfdepay",
		"!", "filesink", "buffer-mode=unbuffered", "location="+asfOut)
	out := filepath.Join(dir, "rtsp.pcm")
	gstDecode(t, ctx, asfOut, out)
	src := filepath.Join(dir, "in.wma")
	if err := os.WriteFile(src, file, 0o644); err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(dir, "file.pcm")
	gstDecode(t, ctx, src, ref)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 5*176400 || !bytes.Equal(got, want) {
		t.Errorf("GStreamer decoded %d bytes over RTSP and %d from the file (%.3f s)", len(got), len(want), float64(len(want))/176400)
	}
	if ms := methods(s.Requests()); len(ms) < 4 || ms[1] != "DESCRIBE" || ms[2] != "SETUP" || ms[3] != "PLAY" {
		t.Errorf("GStreamer's requests: %q", ms)
	}
}
