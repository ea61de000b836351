package main

import (
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// TestTraceMMSH: --trace FILE writes the session's requests and
// responses (method, URL, status, the protocol headers, timings) as text;
// a server asking for a password shows its 401 and the retry, and the
// credentials are nowhere in the file.
func TestTraceMMSH(t *testing.T) {
	const user, pass = "alice", "s3cret-pw"
	srv := serve(t, mmshtest.Options{Auth: &mmshtest.Auth{Scheme: "Basic", User: user, Password: pass, Realm: "media"}}, "/c.wma", wmaFixture)
	u, err := url.Parse(srv.URL + "/c.wma")
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, pass)
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace.txt")
	if _, stderr, err := eddyplay(t, "--trace", trace, "--duration", "1s", "--out", filepath.Join(dir, "a.wav"), u.String()); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	host := u.Host
	for _, re := range []string{
		// The Describe request, its 401 with the challenge, the retry
		// with redacted credentials and its 200 with the timing.
		`(?m)^\+0\.000s mmsh   → GET http://` + regexp.QuoteMeta(host) + `/c\.wma$`,
		`(?m)^    Pragma: xClientGUID=\{[0-9A-F-]{36}\}$`,
		`(?m)^\+\d+\.\d{3}s mmsh   ← 401 Unauthorized to GET http://` + regexp.QuoteMeta(host) + `/c\.wma \(\d+ ms(, \d+ bytes)?\)$`,
		`(?m)^    WWW-Authenticate: Basic realm="media"$`,
		`(?m)^    Authorization: Basic \[redacted\]$`,
		`(?m)^\+\d+\.\d{3}s mmsh   ← 200 OK to GET http://` + regexp.QuoteMeta(host) + `/c\.wma \(\d+ ms(, \d+ bytes)?\)$`,
		`(?m)^    Content-Type: application/vnd\.ms\.wms-hdr\.asfv1$`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("trace has no line matching %s", re)
		}
	}
	for _, secret := range []string{pass, base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))} {
		if strings.Contains(text, secret) {
			t.Errorf("the trace holds the credentials (%q)", secret)
		}
	}
	if t.Failed() {
		t.Logf("trace:\n%s", text)
	}
}
