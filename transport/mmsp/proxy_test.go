package mmsp_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
)

func hostOf(srv *mmsptest.Server) string { return strings.TrimPrefix(srv.URL, "mmst://") }

// connectsOn returns the subscriberNames of the Connect messages a server
// received.
func connectsOn(srv *mmsptest.Server) []string {
	var out []string
	for _, r := range srv.ReceivedOf(mmsp.MIDConnect) {
		out = append(out, r.Message.(*mmsp.Connect).SubscriberName)
	}
	return out
}

// TestProxyRedirect: a ReportRedirect of RedirectType 2 naming an MMS
// proxy (2.2.4.9, 3.1.5.7) makes the client close the connection, connect
// to the proxy and send LinkViewerToMacConnect whose subscriberName names
// the server and its port in the host-param ("; Host: host:port") and the
// host-string ("HOST: host:port" after a NUL) (2.2.4.17, 3.1.4.1.1); the
// OpenFile names the same path, and the content plays from the proxy.
func TestProxyRedirect(t *testing.T) {
	proxy := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	srv := server(t, mmsptest.Options{}, "/c.wma", &mmsptest.Content{RedirectType: mmsp.RedirectProxy, RedirectTo: "mms://" + hostOf(proxy)})
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	subs := connectsOn(proxy)
	if len(subs) != 1 {
		t.Fatalf("the proxy got %d Connect", len(subs))
	}
	want := "; Host: " + hostOf(srv) + "\x00HOST: " + hostOf(srv)
	if !strings.HasPrefix(subs[0], "NSPlayer/9.0.0.2980; {") || !strings.HasSuffix(subs[0], want) {
		t.Errorf("subscriberName through the proxy %q, want it to end %q", subs[0], want)
	}
	// 3.1.4.1.1: one client-guid for every Connect of the session.
	guid := func(sub string) string { _, g, _ := strings.Cut(sub, "; {"); g, _, _ = strings.Cut(g, "}"); return g }
	if first := connectsOn(srv); len(first) != 1 || guid(first[0]) == "" || guid(first[0]) != guid(subs[0]) {
		t.Errorf("the server's Connect %q and the proxy's %q: not the same client-guid", first, subs)
	}
	if of := proxy.ReceivedOf(mmsp.MIDOpenFile); len(of) != 1 || of[0].Message.(*mmsp.OpenFile).FileName != "c.wma" {
		t.Errorf("OpenFile at the proxy %+v", of)
	}
	if srv.Connections() != 1 || len(srv.ReceivedOf(mmsp.MIDStartPlaying)) != 0 {
		t.Errorf("the server: %d connections, %d StartPlaying", srv.Connections(), len(srv.ReceivedOf(mmsp.MIDStartPlaying)))
	}
}

// TestProxyDropped: a proxy that answers with RedirectType 2 and an empty
// wszLocation sends the client straight back to the server (3.1.5.7),
// whose Connect then names no proxy's host-string.
func TestProxyDropped(t *testing.T) {
	proxy := server(t, mmsptest.Options{}, "/c.wma", &mmsptest.Content{RedirectType: mmsp.RedirectProxy})
	c := content(t, "c_wmav2.wma")
	c.RedirectType, c.RedirectTo, c.RedirectFirst = mmsp.RedirectProxy, "mmst://"+hostOf(proxy), 1
	srv := server(t, mmsptest.Options{}, "/c.wma", c)
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	if srv.Connections() != 2 || proxy.Connections() != 1 {
		t.Fatalf("%d connections to the server, %d to the proxy; want 2 and 1", srv.Connections(), proxy.Connections())
	}
	subs := connectsOn(srv)
	if len(subs) != 2 || strings.Contains(subs[1], "\x00HOST:") || !strings.HasSuffix(subs[1], "; Host: "+hostOf(srv)) {
		t.Errorf("the server's Connects %q: the second should be direct", subs)
	}
	if p := connectsOn(proxy); len(p) != 1 || !strings.HasSuffix(p[0], "\x00HOST: "+hostOf(srv)) {
		t.Errorf("the proxy's Connect %q", p)
	}
}

// TestProxyURLRedirect: a RedirectType 1 while a proxy is used is
// followed through the same proxy (3.1.5.7): a new Connect to the proxy
// naming the new server, an OpenFile of the new path.
func TestProxyURLRedirect(t *testing.T) {
	target := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	proxy := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	proxy.Handle("/old.wma", &mmsptest.Content{RedirectTo: "mmst://" + hostOf(target) + "/c.wma"})
	srv := server(t, mmsptest.Options{}, "/old.wma", &mmsptest.Content{RedirectType: mmsp.RedirectProxy, RedirectTo: "mmsu://" + hostOf(proxy)})
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/old.wma", transport.Config{})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	subs := connectsOn(proxy)
	if len(subs) != 2 || !strings.HasSuffix(subs[0], "HOST: "+hostOf(srv)) || !strings.HasSuffix(subs[1], "HOST: "+hostOf(target)) {
		t.Errorf("the proxy's Connects %q: the first for the server, the second for the target", subs)
	}
	var files []string
	for _, r := range proxy.ReceivedOf(mmsp.MIDOpenFile) {
		files = append(files, r.Message.(*mmsp.OpenFile).FileName)
	}
	if strings.Join(files, " ") != "old.wma c.wma" || target.Connections() != 0 {
		t.Errorf("OpenFile at the proxy %q, %d connections to the target", files, target.Connections())
	}
}

// TestProxyRedirectBounded: redirects that come back to where the client
// was (server → proxy → "no proxy" → server → …) are a loop: an error,
// not another connection; a proxy redirect that is no mms URL, or a
// RedirectType the spec does not define, is an error too.
func TestProxyRedirectBounded(t *testing.T) {
	proxy := server(t, mmsptest.Options{}, "/c.wma", &mmsptest.Content{RedirectType: mmsp.RedirectProxy})
	srv := server(t, mmsptest.Options{}, "/c.wma", &mmsptest.Content{RedirectType: mmsp.RedirectProxy, RedirectTo: "mms://" + hostOf(proxy)})
	_, err := (&mmsp.Dialer{}).Dial(context.Background(), srv.URL+"/c.wma", transport.Config{Timeout: 5 * time.Second})
	if !errors.Is(err, mmsp.ErrProtocol) || !strings.Contains(err.Error(), "loop") {
		t.Fatalf("a redirect loop: %v", err)
	}
	if srv.Connections() != 2 || proxy.Connections() != 1 {
		t.Errorf("%d connections to the server, %d to the proxy; want 2 and 1", srv.Connections(), proxy.Connections())
	}
	// A chain of proxies each naming the next: at most 5 redirects.
	last := server(t, mmsptest.Options{}, "/c.wma", content(t, "c_wmav2.wma"))
	next := last
	var chain []*mmsptest.Server
	for i := 0; i < 6; i++ {
		p := server(t, mmsptest.Options{}, "/c.wma", &mmsptest.Content{RedirectType: mmsp.RedirectProxy, RedirectTo: "mms://" + hostOf(next)})
		chain = append(chain, p)
		next = p
	}
	_, err = (&mmsp.Dialer{}).Dial(context.Background(), next.URL+"/c.wma", transport.Config{Timeout: 5 * time.Second})
	if !errors.Is(err, mmsp.ErrProtocol) || last.Connections() != 0 {
		t.Fatalf("6 redirects: %v, %d connections to the end", err, last.Connections())
	}
	for _, loc := range []string{"http://proxy/", "proxy:1755", "mms://", "mms://proxy:0"} {
		bad := server(t, mmsptest.Options{}, "/c.wma", &mmsptest.Content{RedirectType: mmsp.RedirectProxy, RedirectTo: loc})
		if _, err := (&mmsp.Dialer{}).Dial(context.Background(), bad.URL+"/c.wma", transport.Config{Timeout: 5 * time.Second}); !errors.Is(err, mmsp.ErrProtocol) {
			t.Errorf("proxy redirect to %q: %v", loc, err)
		}
	}
	odd := server(t, mmsptest.Options{}, "/c.wma", &mmsptest.Content{RedirectType: 3, RedirectTo: "mms://x/"})
	if _, err := (&mmsp.Dialer{}).Dial(context.Background(), odd.URL+"/c.wma", transport.Config{Timeout: 5 * time.Second}); !errors.Is(err, mmsp.ErrProtocol) {
		t.Errorf("RedirectType 3: %v", err)
	}
}
