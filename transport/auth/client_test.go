package auth

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/auth/authtest"
)

// fixedClient is a Client whose Digest client nonce and NTLM workstation
// name are fixed, so that its answers can be compared with the examples
// of the RFCs.
func fixedClient(user, pass string, schemes []string, cnonce string) *Client {
	c := NewClient(&transport.Credentials{User: user, Password: pass}, schemes)
	c.cnonce = func() string { return cnonce }
	c.hostname = func() (string, error) { return "wks", nil }
	return c
}

// TestDigestRFCExamples answers the Digest challenges of the RFC examples
// with their client nonce and checks the whole Authorization value; the
// response hashes are the ones printed in the RFCs (RFC 2617 3.5: MD5 with
// qop=auth; RFC 7616 3.9.1: SHA-256 and MD5).
func TestDigestRFCExamples(t *testing.T) {
	cases := []struct {
		name, user, pass, cnonce, challenge, want string
	}{
		{
			"RFC 2617 3.5", "Mufasa", "Circle Of Life", "0a4f113b",
			`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
			`Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001, cnonce="0a4f113b"`,
		},
		{
			"RFC 7616 3.9.1 SHA-256", "Mufasa", "Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
			`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
			`Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", uri="/dir/index.html", response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", algorithm=SHA-256, opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", qop=auth, nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"`,
		},
		{
			"RFC 7616 3.9.1 MD5", "Mufasa", "Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
			`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
			`Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", uri="/dir/index.html", response="8ca523f5e9506fed4657c9700eebdbec", algorithm=MD5, opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", qop=auth, nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := fixedClient(tc.user, tc.pass, nil, tc.cnonce)
			a, ok, err := c.Respond(false, "GET", "/dir/index.html", []string{tc.challenge}, false)
			if err != nil || !ok {
				t.Fatalf("Respond: %v %v", ok, err)
			}
			if a.Header != "Authorization" || a.Scheme != "Digest" || a.KeepAlive {
				t.Errorf("answer %+v", a)
			}
			if a.Value != tc.want {
				t.Errorf("Authorization\n got %s\nwant %s", a.Value, tc.want)
			}
			// The next request authenticates up front with the next nonce
			// count (RFC 2617 3.2.2: nc counts the requests sent with the
			// nonce).
			p, ok := c.Preempt(false, "GET", "/dir/index.html")
			if !ok || !strings.Contains(p.Value, "nc=00000002") {
				t.Errorf("preempted %v %q", ok, p.Value)
			}
		})
	}
}

// TestBasicRFCExample: RFC 2617 2, user "Aladdin", password "open sesame".
// Basic is answered for a proxy (407) with Proxy-Authorization, and goes up
// front on the next request.
func TestBasicRFCExample(t *testing.T) {
	c := fixedClient("Aladdin", "open sesame", nil, "")
	if _, ok := c.Preempt(true, "GET", "/"); ok {
		t.Error("credentials up front before any challenge")
	}
	a, ok, err := c.Respond(true, "GET", "http://host/a.wma", []string{`Basic realm="WallyWorld"`}, false)
	want := Answer{Scheme: "Basic", Header: "Proxy-Authorization", Value: "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}
	if err != nil || !ok || a != want {
		t.Fatalf("Respond: %+v %v %v", a, ok, err)
	}
	if p, ok := c.Preempt(true, "GET", "/"); !ok || p != want {
		t.Errorf("Preempt: %+v %v", p, ok)
	}
	if _, ok := c.Preempt(false, "GET", "/"); ok {
		t.Error("proxy credentials sent to the server")
	}
}

// TestRespondRules covers the choice of scheme and the refusals.
func TestRespondRules(t *testing.T) {
	digest := `Digest realm="r", nonce="n1", qop="auth"`
	t.Run("client preference order", func(t *testing.T) {
		c := fixedClient("u", "p", nil, "c")
		a, ok, _ := c.Respond(false, "DESCRIBE", "rtsp://h/a", []string{`Basic realm="r"`, digest}, false)
		if !ok || a.Scheme != "Digest" {
			t.Errorf("picked %q, want Digest (before Basic in DefaultSchemes)", a.Scheme)
		}
		c = fixedClient("u", "p", []string{"Basic", "Digest"}, "c")
		a, ok, _ = c.Respond(false, "DESCRIBE", "rtsp://h/a", []string{digest, `Basic realm="r"`}, false)
		if !ok || a.Scheme != "Basic" {
			t.Errorf("picked %q, want Basic (the client's first)", a.Scheme)
		}
	})
	t.Run("refused credentials", func(t *testing.T) {
		c := fixedClient("u", "p", nil, "c")
		if _, ok, _ := c.Respond(false, "GET", "/", []string{digest}, false); !ok {
			t.Fatal("first challenge not answered")
		}
		if _, ok, err := c.Respond(false, "GET", "/", []string{digest}, true); ok || err != nil {
			t.Errorf("a second challenge after credentials was answered: %v %v", ok, err)
		}
		if _, ok := c.Preempt(false, "GET", "/"); ok {
			t.Error("refused scheme still sent up front")
		}
	})
	t.Run("stale nonce", func(t *testing.T) {
		c := fixedClient("u", "p", nil, "c")
		stale := `Digest realm="r", nonce="n2", qop="auth", stale=TRUE`
		a, ok, err := c.Respond(false, "GET", "/", []string{stale}, true)
		if !ok || err != nil || !strings.Contains(a.Value, `nonce="n2"`) || !strings.Contains(a.Value, "nc=00000001") {
			t.Errorf("stale=true not answered with the new nonce: %+v %v %v", a, ok, err)
		}
	})
	t.Run("nothing to answer with", func(t *testing.T) {
		if _, ok, err := NewClient(nil, nil).Respond(false, "GET", "/", []string{digest}, false); ok || err != nil {
			t.Errorf("no credentials: %v %v", ok, err)
		}
		if _, ok, err := NewClient(&transport.Credentials{}, nil).Respond(false, "GET", "/", []string{digest}, false); ok || err != nil {
			t.Errorf("empty credentials: %v %v", ok, err)
		}
		c := fixedClient("u", "p", nil, "c")
		if _, ok, err := c.Respond(false, "GET", "/", []string{`Kerberos`, `Bearer realm="x"`}, false); ok || err != nil {
			t.Errorf("no scheme in common: %v %v", ok, err)
		}
	})
	t.Run("bad Digest challenges", func(t *testing.T) {
		for _, ch := range []string{`Digest realm="r"`, `Digest realm="r", nonce="n", algorithm=SHA-512-256`} {
			c := fixedClient("u", "s3cret", nil, "c")
			_, ok, err := c.Respond(false, "GET", "/", []string{ch}, false)
			var ae *Error
			if ok || !errors.As(err, &ae) || ae.Scheme != "Digest" || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("%s: %v %v", ch, ok, err)
			}
		}
	})
}

// TestNTLMHandshake runs the NTLM and Negotiate handshakes ([MS-NLMP]
// 3.1.5.1) against the fake server's checker, header values only, as an
// RTSP client would: the bare scheme asks for a NEGOTIATE_MESSAGE (type 1,
// 2.2.1.1), the server's CHALLENGE_MESSAGE for an AUTHENTICATE_MESSAGE
// (type 3, 2.2.1.3) that the server verifies (NTLMv2). Both rounds ask to
// keep the connection. A bare scheme after the AUTHENTICATE is a refusal.
func TestNTLMHandshake(t *testing.T) {
	for _, scheme := range []string{"NTLM", "Negotiate"} {
		t.Run(scheme, func(t *testing.T) {
			srv := authtest.Server{Scheme: scheme, User: "alice", Password: "s3cret", Domain: "CORP"}
			var conn authtest.Conn
			c := fixedClient(`CORP\alice`, "s3cret", nil, "")
			ok, chal, keep := srv.Check(&conn, "DESCRIBE", "")
			if ok || chal != scheme || !keep {
				t.Fatalf("first server answer %v %q %v", ok, chal, keep)
			}
			a, ok, err := c.Respond(false, "DESCRIBE", "rtsp://h/a", []string{chal}, false)
			if err != nil || !ok || !a.KeepAlive || !strings.HasPrefix(a.Value, scheme+" ") {
				t.Fatalf("NEGOTIATE: %+v %v %v", a, ok, err)
			}
			if typ := ntlmType(t, a.Value); typ != 1 {
				t.Fatalf("message type %d, want NEGOTIATE_MESSAGE (1)", typ)
			}
			ok, chal, keep = srv.Check(&conn, "DESCRIBE", a.Value)
			if ok || !keep || !strings.HasPrefix(chal, scheme+" ") {
				t.Fatalf("server CHALLENGE %v %q %v", ok, chal, keep)
			}
			a, ok, err = c.Respond(false, "DESCRIBE", "rtsp://h/a", []string{chal}, true)
			if err != nil || !ok || !a.KeepAlive {
				t.Fatalf("AUTHENTICATE: %+v %v %v", a, ok, err)
			}
			if typ := ntlmType(t, a.Value); typ != 3 {
				t.Fatalf("message type %d, want AUTHENTICATE_MESSAGE (3)", typ)
			}
			if ok, _, _ := srv.Check(&conn, "DESCRIBE", a.Value); !ok {
				t.Fatal("the server refused the AUTHENTICATE_MESSAGE")
			}
			// A new connection: the client opens the handshake up front.
			p, ok := c.Preempt(false, "PLAY", "rtsp://h/a")
			if !ok || !p.KeepAlive || ntlmType(t, p.Value) != 1 {
				t.Errorf("Preempt %+v %v", p, ok)
			}
			// Refused: the bare scheme again after an AUTHENTICATE.
			if _, ok, err := c.Respond(false, "DESCRIBE", "rtsp://h/a", []string{scheme}, true); ok || err != nil {
				t.Errorf("refusal answered: %v %v", ok, err)
			}
			// A token that is no base64 is an error, not a panic.
			if _, ok, err := c.Respond(false, "DESCRIBE", "rtsp://h/a", []string{scheme + " !!!!"}, false); ok || err == nil {
				t.Errorf("garbage token: %v %v", ok, err)
			}
		})
	}
}

// ntlmType decodes "Scheme base64" and returns the NTLMSSP MessageType
// ([MS-NLMP] 2.2.1: the signature "NTLMSSP\0", then a 32-bit type).
func ntlmType(t *testing.T, v string) uint32 {
	t.Helper()
	_, tok, _ := strings.Cut(v, " ")
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || len(b) < 12 || string(b[:8]) != "NTLMSSP\x00" {
		t.Fatalf("not an NTLMSSP message: %q (%v)", v, err)
	}
	return binary.LittleEndian.Uint32(b[8:])
}

// TestDigestAgainstServer: the fake server's Digest check, written from
// RFC 2617 3.2.2, accepts the client's answer for the method it was
// computed for and refuses it for another.
func TestDigestAgainstServer(t *testing.T) {
	srv := authtest.Server{Scheme: "Digest", User: "alice", Password: "s3cret", Realm: "media"}
	var conn authtest.Conn
	ok, chal, _ := srv.Check(&conn, "DESCRIBE", "")
	if ok {
		t.Fatal("no credentials accepted")
	}
	c := NewClient(&transport.Credentials{User: "alice", Password: "s3cret"}, nil)
	a, ok, err := c.Respond(false, "DESCRIBE", "rtsp://h/a", []string{chal}, false)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _, _ := srv.Check(&conn, "DESCRIBE", a.Value); !ok {
		t.Errorf("server refused %q", a.Value)
	}
	if ok, _, _ := srv.Check(&conn, "PLAY", a.Value); ok {
		t.Error("server accepted an answer computed for another method")
	}
}

// TestRequiredError: the schemes offered, the first realm, and Rejected
// whenever credentials were sent or held; never the password.
func TestRequiredError(t *testing.T) {
	chs := []string{"NTLM", `Digest realm="Staff only", nonce="x"`, `Basic realm="other"`}
	e := NewClient(nil, nil).RequiredError("rtsp://h/a", false, false, chs)
	want := &transport.AuthRequiredError{URL: "rtsp://h/a", Schemes: []string{"NTLM", "Digest", "Basic"}, Realm: "Staff only"}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got %+v\nwant %+v", e, want)
	}
	if !errors.Is(e, transport.ErrAuthRequired) {
		t.Error("does not wrap transport.ErrAuthRequired")
	}
	c := NewClient(&transport.Credentials{User: "u", Password: "s3cret"}, nil)
	e = c.RequiredError("rtsp://h/a", true, false, []string{`Basic realm="p"`})
	e.Protocol = "rtsp"
	if !e.Rejected || !e.Proxy || e.Error() != `rtsp: proxy rejected the credentials for rtsp://h/a (offered Basic, realm "p")` {
		t.Errorf("%+v: %s", e, e)
	}
}

// TestAcceptHeader: X-Accept-Authentication ([MS-WMSP] 2.2.1.9, [MS-RTSP]
// 2.2.6.14) as Windows Media Player sends it.
func TestAcceptHeader(t *testing.T) {
	if AcceptHeader(false) != "X-Accept-Authentication" || AcceptHeader(true) != "X-Accept-Proxy-Authentication" {
		t.Error("header names")
	}
	if got := AcceptValue(NewClient(nil, nil).Schemes()); got != "Negotiate, NTLM, Digest, Basic" {
		t.Errorf("value %q", got)
	}
	if CredentialsHeader(true) != "Proxy-Authorization" || ChallengeHeader(true) != "Proxy-Authenticate" ||
		CredentialsHeader(false) != "Authorization" || ChallengeHeader(false) != "WWW-Authenticate" {
		t.Error("credential and challenge header names")
	}
}
