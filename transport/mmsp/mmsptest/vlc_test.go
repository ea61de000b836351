package mmsptest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/transport/mmsp"
)

// cvlc runs VLC's command-line player, as nobody when this is root (VLC
// refuses to run as root), under a timeout.
func cvlc(home string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("timeout", append([]string{"60", "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
			"env", "HOME=" + home, "cvlc"}, args...)...)
	}
	return exec.Command("timeout", append([]string{"60", "cvlc"}, args...)...)
}

// TestVLCPlays: VLC's MMS client (modules/access/mms/mmstu.c) plays a WMA
// file from the fake server over TCP (mmst://) and over UDP (mmsu://, its
// data to VLC's fixed UDP port 7000) and records what it receives into an
// ASF file; FFmpeg's decode of that recording is FFmpeg's decode of the
// source, sample for sample, up to the last packet, which VLC's ASF muxer
// leaves out of the recording, and its last frame. The server paces the
// data (four times real time): VLC takes a ReportEndOfStream that
// overtakes UDP data as the end.
func TestVLCPlays(t *testing.T) {
	for _, scheme := range []string{"mmst", "mmsu"} {
		t.Run(scheme, func(t *testing.T) {
			srv, file := serve(t, Options{CloseAtEnd: true, Pace: true, Speed: 4}, "/c.wma", "c_wmav2.wma")
			dir, err := os.MkdirTemp("", "mmsptest-vlc-")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(dir)
			os.Chmod(dir, 0o777)
			out := filepath.Join(dir, "out.asf")
			url := strings.Replace(srv.URL, "mmst:", scheme+":", 1) + "/c.wma"
			b, err := cvlc(dir, "-I", "dummy", "--play-and-exit", "--sout", "#std{access=file,mux=asf,dst="+out+"}", url).CombinedOutput()
			if err != nil {
				t.Fatalf("VLC: %v\n%s", err, b)
			}
			got, err := exec.Command("ffmpeg", "-v", "error", "-i", out, "-f", "s16le", "-").Output()
			if err != nil {
				t.Fatalf("decoding VLC's recording: %v", err)
			}
			ref := asftest.ReferencePCM(t, file, 0, 0)
			// The recording ends up to 4 WMA frames (2048 stereo
			// samples each) early: VLC's muxer leaves its last packet
			// out. Its last frame decodes without its successor's
			// overlap, so it is left out of the comparison.
			const frame = 2048 * 4
			if len(got) < len(ref)-4*frame || len(got) > len(ref) || !bytes.Equal(got[:len(got)-frame], ref[:len(got)-frame]) {
				n := 0
				for n < len(got) && n < len(ref) && got[n] == ref[n] {
					n++
				}
				t.Fatalf("VLC recorded %d bytes of audio, the source decodes to %d; they differ from byte %d",
					len(got), len(ref), n)
			}
			// VLC asked for the data where the scheme says.
			proto := map[string]string{"mmst": `\TCP\`, "mmsu": `\UDP\`}[scheme]
			funnel := srv.ReceivedOf(mmsp.MIDConnectFunnel)
			if len(funnel) != 1 || !strings.Contains(funnel[0].Message.(*mmsp.ConnectFunnel).FunnelName, proto) {
				t.Fatalf("funnel %+v", funnel)
			}
		})
	}
}
