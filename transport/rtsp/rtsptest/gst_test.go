package rtsptest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// gstDecode runs gst-launch-1.0 with source elements in front of
// asfdemux and decodes the audio to 16-bit stereo 44.1 kHz PCM.
func gstDecode(t *testing.T, ctx context.Context, out string, source ...string) {
	t.Helper()
	args := append([]string{"-q"}, source...)
	args = append(args, "!", "asfdemux", "!", "queue", "!", "decodebin", "!", "audioconvert", "!", "audioresample",
		"!", "audio/x-raw,format=S16LE,channels=2,rate=44100", "!", "filesink", "location="+out)
	if b, err := exec.CommandContext(ctx, "gst-launch-1.0", args...).CombinedOutput(); err != nil {
		t.Fatalf("gst-launch-1.0 %q: %v\n%s", source, err, b)
	}
}

// TestGStreamerPlaysFromTheServer checks the server against a third-party
// client (peers README §6): GStreamer's rtspsrc over TCP ! rtpasfdepay !
// asfdemux plays the GStreamer-style SDP and RTP to the end and decodes
// exactly the audio GStreamer decodes from the file itself.
func TestGStreamerPlaysFromTheServer(t *testing.T) {
	file := fixture(t, "c_wmav2.wma")
	// Speed 4: rtspsrc's jitter buffer plays out by the RTP timestamps; a
	// stream sent all at once makes its end (the BYE) come long before
	// the media are played, which this pipeline does not survive.
	s := New(t, Config{Entries: [][]byte{file}, Style: StyleGStreamer, Path: "/test", Speed: 4})
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := filepath.Join(dir, "rtsp.pcm")
	gstDecode(t, ctx, out, "rtspsrc", "location="+s.URL(), "protocols=tcp", "!", "rtpasfdepay")
	src := filepath.Join(dir, "in.wma")
	if err := os.WriteFile(src, file, 0o644); err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(dir, "file.pcm")
	gstDecode(t, ctx, ref, "filesrc", "location="+src)
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
