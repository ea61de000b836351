package mmshtest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport/internal/peertest"
)

// A third-party MS-WMSP server for interop tests: VLC 3's MMSH stream
// output (peers README §4). VLC serves any input as a broadcast
// ("Cougar 4.1.0.3921", features="broadcast", HTTP/1.0, no $E, padded
// packets, stream-switch-entry ignored, streams renumbered).

// VLC starts VLC streaming src over MMSH on a free loopback port
// and returns the mmsh:// URL; options go to VLC before the input
// ("--loop", ...). VLC refuses to run as root: it is started as nobody
// (setpriv), under timeout, and stopped at the end of the test.
func VLC(t testing.TB, src string, options ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(home, 0o777)
	in := filepath.Join(dir, filepath.Base(src))
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(in, 0o644)
	port := peertest.FreePort(t)
	args := append([]string{"-I", "dummy", "--no-audio", "--no-video"}, options...)
	args = append(args, in, "--sout", fmt.Sprintf("#std{access=mmsh,mux=asfh,dst=127.0.0.1:%d/}", port))
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("timeout", append([]string{"120", "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
			"env", "HOME=" + home, "cvlc"}, args...)...)
	} else {
		cmd = exec.Command("timeout", append([]string{"120", "cvlc"}, args...)...)
	}
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	// timeout passes SIGTERM on to VLC.
	peertest.Start(t, "VLC", cmd)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	// VLC listens before its muxer has made the ASF header; until then a
	// Describe gets an empty body. Wait for a header.
	deadline := time.Now().Add(20 * time.Second)
	for !ready(addr) {
		if time.Now().After(deadline) {
			t.Fatalf("VLC did not serve a header on %s\n%s", addr, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "mmsh://" + addr + "/"
}

// ready sends a bare Describe and reports whether a $H came back.
func ready(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintf(c, "GET / HTTP/1.0\r\nUser-Agent: NSPlayer/12.0.7724.0\r\nPragma: no-cache\r\n\r\n")
	b, _ := io.ReadAll(c)
	return bytes.Contains(b, []byte("\r\n\r\n$H"))
}
