package mmsh_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
)

// TestWebServerPlaylist: an mmsh:// URL that reaches a web server, not a
// Windows Media server, and gets an ASX playlist or a [Reference]
// redirector back, returns it whole as *transport.MetafileError (the
// player opens it as a playlist, as Windows Media Player does); any other
// body is still "not a Windows Media HTTP streaming server".
func TestWebServerPlaylist(t *testing.T) {
	const asx = "<ASX VERSION=\"3.0\"><ENTRY><REF HREF=\"clip.wma\"/></ENTRY></ASX>"
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/show.asx":
			w.Header().Set("Content-Type", "video/x-ms-asf")
			w.Write([]byte(asx))
		case "/ref":
			w.Write([]byte("[Reference]\r\nRef1=http://example.com/a.wma\r\n"))
		default:
			w.Write([]byte("<html>hello</html>"))
		}
	}))
	t.Cleanup(web.Close)
	host := strings.TrimPrefix(web.URL, "http://")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct{ path, body string }{{"/show.asx", asx}, {"/ref", "[Reference]"}} {
		_, err := (&mmsh.Dialer{}).Dial(ctx, "mmsh://"+host+tc.path, transport.Config{})
		var me *transport.MetafileError
		if !errors.As(err, &me) {
			t.Fatalf("%s: %v, want a MetafileError", tc.path, err)
		}
		if me.URL != "http://"+host+tc.path || !strings.HasPrefix(string(me.Body), tc.body) {
			t.Errorf("%s: URL %s body %q", tc.path, me.URL, me.Body)
		}
	}
	_, err := (&mmsh.Dialer{}).Dial(ctx, "mmsh://"+host+"/page", transport.Config{})
	if !errors.Is(err, mmsh.ErrNotWMSP) {
		t.Errorf("a web page: %v, want ErrNotWMSP", err)
	}
}
