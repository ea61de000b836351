// Package peertest runs third-party peers (VLC, GStreamer) for the
// interop tests of the protocol clients: a free loopback port, and a
// process started under `timeout` that is stopped with the test.
package peertest

import (
	"net"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Start starts cmd and stops it when the test ends: SIGTERM (which
// `timeout` passes on to the peer), then a kill after 10 s.
func Start(t testing.TB, what string, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", what, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
}
