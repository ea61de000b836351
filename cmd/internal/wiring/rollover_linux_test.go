package wiring

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/rtsp"
)

// droppingPort returns the address of a loopback port that drops
// connection attempts, as a firewall that drops rather than refuses does:
// a listener with a backlog of 0 that never accepts, whose queue one
// connection fills, so that the kernel drops further SYNs.
func droppingPort(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	c, err := net.DialTimeout("tcp", addr, 5*time.Second) // fills the queue
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return addr
}

// TestRolloverGivesUpOnDroppedConnections: the rollover's RTSP and MMS
// steps connect with RolloverConnectTimeout, so a port that drops
// connections holds each for that long, not for the network timeout;
// rtsp://, mmst:// and mmsu:// asked for by name keep the plain dialer.
func TestRolloverGivesUpOnDroppedConnections(t *testing.T) {
	r := Transports(nil)
	_, d, _, err := r.Lookup("mms://h/")
	if err != nil {
		t.Fatal(err)
	}
	ro := d.(*transport.Rollover)
	rd, ok1 := ro.Steps[0].Dialer.(*rtsp.Dialer)
	pd, ok2 := ro.Steps[1].Dialer.(*mmsp.Dialer)
	if !ok1 || !ok2 || rd.DialContext == nil || pd.DialContext == nil {
		t.Fatalf("rollover steps %#v %#v", ro.Steps[0].Dialer, ro.Steps[1].Dialer)
	}
	for _, u := range []string{"rtsp://h/", "mmst://h/"} {
		_, d, _, err := r.Lookup(u)
		if err != nil {
			t.Fatal(err)
		}
		switch d := d.(type) {
		case *rtsp.Dialer:
			if d.DialContext != nil {
				t.Errorf("%s: a dialer of the rollover's", u)
			}
		case *mmsp.Dialer:
			if d.DialContext != nil || d.ConnectTimeout != 0 {
				t.Errorf("%s: a dialer of the rollover's", u)
			}
		}
	}
	addr := droppingPort(t)
	var wg sync.WaitGroup
	for name, dial := range map[string]func(context.Context, string, string) (net.Conn, error){"rtsp": rd.DialContext, "mmsp": pd.DialContext} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			c, err := dial(context.Background(), "tcp", addr)
			took := time.Since(start)
			if err == nil {
				c.Close()
				t.Errorf("%s: connected to a port that drops connections", name)
				return
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() || took < RolloverConnectTimeout-time.Second || took > RolloverConnectTimeout+3*time.Second {
				t.Errorf("%s: gave up after %v with %v, want a timeout after %v", name, took, err, RolloverConnectTimeout)
			}
		}()
	}
	wg.Wait()
}
