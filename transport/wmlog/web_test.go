package wmlog

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
)

func TestWebSubmitter(t *testing.T) {
	var (
		mu    sync.Mutex
		posts [][]byte
		ctype string
	)
	banner := "<head><title>WMS ISAPI Log Dll/9.00.00.3372</title></head>\r\n<body><h1>WMS ISAPI Log Dll/9.00.00.3372</h1></body>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/scripts/wmsiislog.dll":
			if r.Method == http.MethodGet {
				io.WriteString(w, banner)
				return
			}
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			posts = append(posts, b)
			ctype = r.Header.Get("Content-Type")
			mu.Unlock()
		default:
			io.WriteString(w, "<html><body><h1>It works</h1></body></html>")
		}
	}))
	defer srv.Close()
	rec := legacyExample()
	body := rec.WebServer(Legacy)
	ws := &WebSubmitter{Client: srv.Client()}
	if err := ws.Submit(context.Background(), srv.URL+"/scripts/wmsiislog.dll", body); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(posts) != 1 || string(posts[0]) != string(body) || ctype != "text/plain;charset=UTF-8" {
		t.Errorf("posts %q ctype %q", posts, ctype)
	}
	mu.Unlock()
	err := ws.Submit(context.Background(), srv.URL+"/other", body)
	if !errors.Is(err, ErrNotLogServer) {
		t.Errorf("non-log URL: %v, want ErrNotLogServer", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 1 {
		t.Errorf("posted to a URL that failed validation")
	}
}

// TestWebPosts: each log URL once, in order, empty ones skipped, every
// body the web-server form with s-ip set to the media server's address.
func TestWebPosts(t *testing.T) {
	srv, _ := url.Parse("mmsh://192.0.2.7:8080/live")
	rec := Record{URIStem: "mmsh://192.0.2.7:8080/live"}
	posts := WebPosts(rec, Legacy, srv, []string{"http://a/log", ""}, nil, []string{"http://b/log", "http://a/log"})
	if len(posts) != 2 || posts[0].URL != "http://a/log" || posts[1].URL != "http://b/log" {
		t.Fatalf("posts %+v", posts)
	}
	f, ok := IsWebLog(posts[0].Body)
	if !ok || !slices.Contains(f, "192.0.2.7") {
		t.Errorf("body fields %v", f)
	}
	if WebPosts(rec, Legacy, srv) != nil {
		t.Error("posts without URLs")
	}
}
