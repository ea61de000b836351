package wiring

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestMMSSchemes: mmst:// and mmsu:// go to the MS-MMSP client; mms://
// rolls over RTSP (UDP then TCP), MMS (UDP then TCP), then MMS over HTTP,
// as Windows Media Player does (issue 13).
func TestMMSSchemes(t *testing.T) {
	r := Transports(nil)
	for _, u := range []string{"mmst://h/a.wma", "mmsu://h:1755/a.wma"} {
		if name, _, _, err := r.Lookup(u); err != nil || name != "mmsp" {
			t.Errorf("%s: %q %v", u, name, err)
		}
	}
	_, d, _, err := r.Lookup("mms://h/a.wma")
	if err != nil {
		t.Fatal(err)
	}
	ro, ok := d.(*transport.Rollover)
	if !ok {
		t.Fatalf("mms:// dialer %T", d)
	}
	var got []string
	for _, s := range ro.Steps {
		got = append(got, s.Scheme)
	}
	if strings.Join(got, " ") != "rtsp mmsu mmsh" {
		t.Fatalf("rollover %q", got)
	}
	u, ok := ro.Steps[1].Dialer.(*mmsp.Dialer)
	if !ok || u.UDPOnly {
		t.Fatalf("the MMS step %#v does not fall back to TCP", ro.Steps[1].Dialer)
	}
	// A silent server (HTTP on the URL's port) holds the rollover for
	// less than the network timeout; mmst:// and mmsu:// wait it all.
	if u.ConnectTimeout != RolloverConnectTimeout || RolloverConnectTimeout >= (transport.Config{}).TimeoutOrDefault() {
		t.Errorf("the MMS step waits %v for the first answer", u.ConnectTimeout)
	}
	_, d, _, _ = r.Lookup("mmst://h/a.wma")
	if p, ok := d.(*mmsp.Dialer); !ok || p.ConnectTimeout != 0 {
		t.Errorf("mmst:// dialer %#v", d)
	}
}

// fixture is a 6 s WMA file made by FFmpeg.
func fixture(t *testing.T) []byte {
	t.Helper()
	f, err := asftest.NewFiles("wiring-rollover-", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Remove)
	b, err := os.ReadFile(f.Path(t, "c_wmav2.wma"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rollover is the wiring's rollover with the MMS client's Header timer
// shortened, so that a host blocking UDP costs milliseconds, and its wait
// for a first answer shortened as RolloverConnectTimeout shortens it.
func rollover() *transport.Rollover {
	return MMSRollover(&rtsp.Dialer{}, &mmsp.Dialer{HeaderTimeout: 20 * time.Millisecond, ConnectTimeout: 200 * time.Millisecond}, &mmsh.Dialer{})
}

func mmsURL(t *testing.T, base, path string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return "mms://" + u.Host + path
}

func open(t *testing.T, r *transport.Rollover, raw string) transport.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := r.Dial(ctx, raw, transport.Config{Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestRolloverHosts: a host with only RTSP, only MMS (over UDP), MMS that
// refuses UDP, MMS behind a firewall that blocks UDP, and only MMS over
// HTTP: mms:// opens each with the first protocol that works, and the
// next URL of the host goes straight to it.
func TestRolloverHosts(t *testing.T) {
	file := fixture(t)
	mmsServer := func(t *testing.T, o mmsptest.Options) *mmsptest.Server {
		srv, err := mmsptest.NewServer(o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		c, err := mmsptest.File(file)
		if err != nil {
			t.Fatal(err)
		}
		srv.Handle("/a.wma", c)
		return srv
	}
	t.Run("only RTSP", func(t *testing.T) {
		srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{file}})
		u, _ := url.Parse(srv.URL())
		s := open(t, rollover(), mmsURL(t, srv.URL(), u.Path))
		if p := s.Info().Protocol; p != "rtsp" {
			t.Fatalf("protocol %q", p)
		}
	})
	for _, tc := range []struct {
		name     string
		opts     mmsptest.Options
		protocol string
	}{
		{"only MMS", mmsptest.Options{}, "mmsu"},
		{"MMS refusing UDP", mmsptest.Options{RefuseUDP: true}, "mmst"},
		{"MMS with UDP blocked", mmsptest.Options{BlockUDP: true}, "mmst"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mmsServer(t, tc.opts)
			r := rollover()
			s := open(t, r, mmsURL(t, srv.URL, "/a.wma"))
			if p := s.Info().Protocol; p != tc.protocol {
				t.Fatalf("protocol %q, want %q", p, tc.protocol)
			}
			if err := s.Play(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := s.ReadSample(ctx); err != nil {
				t.Fatal(err)
			}
			s.Close()
			// The second URL of the host goes straight to MMS, on the
			// transport that worked: one connection.
			n := srv.Connections()
			open(t, r, mmsURL(t, srv.URL, "/a.wma"))
			if srv.Connections() != n+1 {
				t.Fatalf("the second URL of the host took %d connections, not 1", srv.Connections()-n)
			}
		})
	}
	t.Run("only HTTP", func(t *testing.T) {
		srv, err := mmshtest.NewServer(mmshtest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		c, err := mmshtest.File(file)
		if err != nil {
			t.Fatal(err)
		}
		srv.Handle("/a.wma", c)
		start := time.Now()
		s := open(t, rollover(), mmsURL(t, srv.URL, "/a.wma"))
		if p := s.Info().Protocol; p != "mmsh" {
			t.Fatalf("protocol %q", p)
		}
		// RTSP answered with an error, MMS waited for its answer once
		// (its ConnectTimeout, 200 ms here, not Config.Timeout's 3 s);
		// not once more for MMST.
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("reaching HTTP took %v", d)
		}
	})
}

// TestRolloverToVLC: mms:// to VLC's MMSH output, a real HTTP server on
// the URL's port, which answers RTSP with 404 and reads MMS's first
// message as the start of an HTTP request line it waits to complete. The
// rollover reaches MMS over HTTP after the MMS step's RolloverConnectTimeout,
// not after the network timeout (the whole 15 s it took before).
func TestRolloverToVLC(t *testing.T) {
	files, err := asftest.NewFiles("wiring-vlc-", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(files.Remove)
	// A minute long: VLC drops its connections when an input loops.
	vlc := mmshtest.VLC(t, files.Path(t, "long_wmav2_60s.wma"))
	_, d, _, err := Transports(nil).Lookup("mms://h/")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	s, err := d.Dial(ctx, mmsURL(t, vlc, "/"), transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	took := time.Since(start)
	if p := s.Info().Protocol; p != "mmsh" {
		t.Fatalf("protocol %q", p)
	}
	if limit := (transport.Config{}).TimeoutOrDefault(); took >= limit {
		t.Fatalf("reaching HTTP took %v: the MMS step waited the network timeout", took)
	}
	t.Logf("reached MMS over HTTP in %v", took)
}
