package mmsh_test

import (
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// TestAuthSchemes logs in with each scheme the client speaks ([MS-WMSP]
// 2.1, 3.1.5.3): Digest and NTLM/Negotiate at the server, Basic at a proxy
// (the Windows Media Player rule, <1>); every later request
// authenticates too (new connections in non-pipelined mode).
func TestAuthSchemes(t *testing.T) {
	creds := &transport.Credentials{User: "alice", Password: "s3cret"}
	cases := []struct {
		name string
		auth mmshtest.Auth
		user string
	}{
		{"Digest", mmshtest.Auth{Scheme: "Digest", User: "alice", Password: "s3cret", Realm: "media"}, "alice"},
		{"NTLM", mmshtest.Auth{Scheme: "NTLM", User: "alice", Password: "s3cret"}, "alice"},
		{"NTLM with domain", mmshtest.Auth{Scheme: "NTLM", User: "alice", Password: "s3cret", Domain: "CORP"}, `CORP\alice`},
		{"Negotiate", mmshtest.Auth{Scheme: "Negotiate", User: "alice", Password: "s3cret"}, "alice"},
		{"Basic at a proxy", mmshtest.Auth{Scheme: "Basic", User: "alice", Password: "s3cret", Proxy: true}, "alice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := c.auth
			srv := server(t, mmshtest.Options{Auth: &a}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
			d := baseDialer()
			if a.Proxy {
				d.Proxy = &url.URL{Scheme: "http", Host: srv.Addr}
			}
			cr := *creds
			cr.User = c.user
			s := dial(t, d, srv.URL+"/a.wma", transport.Config{Credentials: &cr})
			play(t, s, nil)
			if _, err := readAll(t, s); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "log", func() bool { return s.Stats().LogPosts == 1 })
			hdr := "Authorization"
			if a.Proxy {
				hdr = "Proxy-Authorization"
			}
			for _, r := range srv.Requests() {
				if v := r.Get(hdr); v != "" && strings.Contains(v, "s3cret") {
					t.Errorf("password in clear in %s", r.Kind)
				}
				if a.Proxy && !strings.HasPrefix(r.Target, "http://") {
					t.Errorf("%s through a proxy with target %q", r.Kind, r.Target)
				}
				if a.Proxy && r.Get("X-Accept-Proxy-Authentication") == "" {
					t.Errorf("%s through a proxy without X-Accept-Proxy-Authentication", r.Kind)
				}
				if strings.HasPrefix(r.Get(hdr), "NTLM ") && r.Get("Connection") != "Keep-Alive" {
					t.Errorf("NTLM without Connection: Keep-Alive (3.1.5.1 item 84)")
				}
			}
		})
	}
}

// TestAuthRequired: without credentials, or with wrong ones, Dial fails
// with an *AuthRequiredError naming the schemes, never the password.
func TestAuthRequired(t *testing.T) {
	for _, scheme := range []string{"Digest", "NTLM", "Basic"} {
		a := mmshtest.Auth{Scheme: scheme, User: "alice", Password: "s3cret", Realm: "media"}
		srv := server(t, mmshtest.Options{Auth: &a}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
		_, err := baseDialer().Dial(ctxT(t), srv.URL+"/a.wma", transport.Config{})
		var ae *transport.AuthRequiredError
		if !errors.As(err, &ae) || ae.Rejected || len(ae.Schemes) != 1 || ae.Schemes[0] != scheme {
			t.Errorf("%s, no credentials: %v", scheme, err)
		}
		_, err = baseDialer().Dial(ctxT(t), srv.URL+"/a.wma", transport.Config{Credentials: &transport.Credentials{User: "alice", Password: "wrong"}})
		if !errors.As(err, &ae) || !ae.Rejected || strings.Contains(err.Error(), "wrong") {
			t.Errorf("%s, wrong password: %v", scheme, err)
		}
	}
}

// TestCookies: a cookie set by the server goes back on every later
// request (2.2.1.3, 3.1.5.3), stored in the shared jar of the HTTP client.
func TestCookies(t *testing.T) {
	srv := server(t, mmshtest.Options{SetCookie: "wms=abc123; Path=/"}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	jar, _ := cookiejar.New(nil)
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{HTTPClient: &http.Client{Jar: jar}})
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "log", func() bool { return len(srv.RequestsOf("Log")) == 1 })
	for _, r := range srv.Requests()[1:] {
		if r.Get("Cookie") != "wms=abc123" {
			t.Errorf("%s: Cookie %q", r.Kind, r.Get("Cookie"))
		}
	}
	// The jar is shared: an RTSP client looks up rtsp:// as http://.
	u, _ := url.Parse("http://" + srv.Addr + "/")
	if cs := jar.Cookies(u); len(cs) != 1 || cs[0].Value != "abc123" {
		t.Errorf("shared jar holds %v", cs)
	}
}

// TestUseProxyRedirect: 305 names a proxy; the URL stays and requests go
// through the proxy with absolute URIs (3.1.5.5).
func TestUseProxyRedirect(t *testing.T) {
	c := fileContent(t, "c_wmav2.wma")
	proxy := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": c})
	origin := server(t, mmshtest.Options{Redirects: map[string]mmshtest.Redirect{"/a.wma": {Status: 305, Location: "http://" + proxy.Addr + "/"}}}, nil)
	s := dial(t, baseDialer(), origin.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	for _, r := range proxy.Requests() {
		if r.Target != "http://"+origin.Addr+"/a.wma" {
			t.Errorf("%s through the proxy: target %q", r.Kind, r.Target)
		}
	}
}
