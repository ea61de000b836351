package transport

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport/header"
)

func TestRedactHeader(t *testing.T) {
	h := header.Header{
		{Name: "Authorization", Value: "NTLM TlRMTVNTUAADAAAA"},
		{Name: "proxy-authorization", Value: "Basic YWxpY2U6cHc="},
		{Name: "Cookie", Value: "session=abc"},
		{Name: "Set-Cookie", Value: "id=1; Path=/"},
		{Name: "Authorization", Value: "garbage"},
		{Name: "Pragma", Value: "xClientGUID={X}"},
	}
	got := RedactHeader(h)
	want := []string{"NTLM [redacted]", "Basic [redacted]", "[redacted]", "[redacted]", "[redacted]", "xClientGUID={X}"}
	for i, f := range got {
		if f.Value != want[i] || f.Name != h[i].Name {
			t.Errorf("%s: %q, want %q", f.Name, f.Value, want[i])
		}
	}
	if h[0].Value != "NTLM TlRMTVNTUAADAAAA" {
		t.Error("RedactHeader changed its argument")
	}
	if got := RedactURL("mms://alice:pw@host/x?y=1"); got != "mms://alice:xxxxx@host/x?y=1" {
		t.Errorf("RedactURL: %q", got)
	}
}

// TestClientForTraces: a protocol's HTTP client traces each request and
// its response (status, headers redacted, the time it took) or failure;
// without a Tracer it is the plain client.
func TestClientForTraces(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "s=1")
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("hello"))
	}))
	defer srv.Close()
	var mu sync.Mutex
	var got []TraceEntry
	clock := time.Unix(1000, 0)
	cfg := Config{
		Trace: func(e TraceEntry) { mu.Lock(); got = append(got, e); mu.Unlock() },
		Now:   func() time.Time { clock = clock.Add(7 * time.Millisecond); return clock },
	}
	req, _ := http.NewRequest("GET", srv.URL+"/Manifest", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := cfg.ClientFor("smooth").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := cfg.ClientFor("smooth").Get("http://127.0.0.1:1/none"); err == nil {
		t.Fatal("a request to a closed port succeeded")
	}
	if len(got) != 4 {
		t.Fatalf("%d entries: %+v", len(got), got)
	}
	r, a, r2, f := got[0], got[1], got[2], got[3]
	if r.Kind != TraceRequest || r.Protocol != "smooth" || r.Method != "GET" || r.URL != srv.URL+"/Manifest" || r.Header.Get("Authorization") != "Bearer [redacted]" {
		t.Errorf("request %+v", r)
	}
	if a.Kind != TraceResponse || a.Status != 418 || a.Reason != "I'm a teapot" || a.URL != r.URL || a.Took != 7*time.Millisecond ||
		a.Header.Get("Set-Cookie") != "[redacted]" || a.Header.Get("Content-Type") != "text/xml" || a.BodyLen != 5 {
		t.Errorf("response %+v", a)
	}
	if r2.Kind != TraceRequest || f.Kind != TraceFailure || f.Err == "" || f.URL != "http://127.0.0.1:1/none" {
		t.Errorf("failure %+v after %+v", f, r2)
	}
	text := string(a.AppendText(nil, r.At))
	if want := "+0.007s smooth ← 418 I'm a teapot to GET " + srv.URL + "/Manifest (7 ms, 5 bytes)\n"; !strings.HasPrefix(text, want) || !strings.Contains(text, "\n    Set-Cookie: [redacted]\n") {
		t.Errorf("text:\n%s\nwant it to start %q", text, want)
	}
	if (Config{}).ClientFor("x") != (Config{}).Client() {
		t.Error("ClientFor without a Tracer is not the plain client")
	}
}
