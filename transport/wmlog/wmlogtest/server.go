// Package wmlogtest is a fake web-server log URL for tests: the Windows
// Media log ISAPI a client validates with a GET and POSTs play logs to
// (MS-WMLOG 2.3).
package wmlogtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// banner is the validation page of the WMS log ISAPI (MS-WMLOG 2.3).
const banner = "<html><body><h1>WMS ISAPI Log Dll/9.00.00.3372</h1></body></html>"

// Server answers GET with the log ISAPI's banner and records the body of
// every POST.
type Server struct {
	// URL is the log URL (…/scripts/wmsiislog.dll).
	URL string

	srv   *httptest.Server
	mu    sync.Mutex
	posts []string
}

// New starts a Server that stops when the test ends.
func New(t testing.TB) *Server {
	s := &Server{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			io.WriteString(w, banner)
			return
		}
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.mu.Lock()
		s.posts = append(s.posts, string(b))
		s.mu.Unlock()
	}))
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL + "/scripts/wmsiislog.dll"
	return s
}

// Posts returns the bodies POSTed so far, oldest first.
func (s *Server) Posts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.posts...)
}
