package msb

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/nsc"
)

// Station files that cannot be used fail before any socket is opened,
// with an error saying why.
func TestDialStationErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big.nsc":
			w.Write([]byte("[Address]\r\n"))
			w.Write([]byte(strings.Repeat(";", nsc.MaxFileSize)))
		case "/bad.nsc":
			w.Write([]byte("[Address]\r\nIP Address=10.0.0.1\r\nIP Port=0x00000010\r\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	local := filepath.Join(t.TempDir(), "x.nsc")
	if err := os.WriteFile(local, []byte("[Address]\r\nIP Address=239.1.1.1\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var d Dialer
	for _, tc := range []struct {
		url  string
		want error
	}{
		{srv.URL + "/big.nsc", nsc.ErrTooLarge},
		{srv.URL + "/bad.nsc", nsc.ErrSyntax},
		{local, nsc.ErrSyntax},
		{"file://" + local + ".missing", os.ErrNotExist},
		{"ftp://host/x.nsc", transport.ErrUnsupportedURL},
	} {
		_, err := d.Dial(context.Background(), tc.url, transport.Config{})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.url, err, tc.want)
		}
	}
	_, err := d.Dial(context.Background(), srv.URL+"/missing.nsc", transport.Config{})
	var se *transport.StatusError
	if !errors.As(err, &se) || se.Code != http.StatusNotFound {
		t.Errorf("404: %v", err)
	}
}

func TestMatch(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://h/live.nsc": true, "https://h/a/B.NSC?x=1": true, "file:///s/x.nsc": true, "/s/x.nsc": true,
		"http://h/live.asx": false, "mms://h/x.nsc": false, "file:///s/nsc": false,
	} {
		u, err := transport.ParseURL(raw)
		if err != nil {
			t.Fatal(err)
		}
		if Match(u) != want {
			t.Errorf("Match(%s) = %v", raw, !want)
		}
	}
}
