package main

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// readSize is how much of a file is read at a time.
const readSize = 64 << 10

// Entry is one request in the log (a JSON line).
type Entry struct {
	// OriginUnixMS is the link's origin (the first request's arrival) as
	// Unix milliseconds, on every line.
	OriginUnixMS int64 `json:"origin_unix_ms"`
	// StartMS and EndMS are since the origin: the request's arrival and
	// the last byte written (or the failure).
	StartMS float64 `json:"start_ms"`
	EndMS   float64 `json:"end_ms"`
	Method  string  `json:"method"`
	// Path is the URL path, percent-decoded.
	Path   string `json:"path"`
	Status int    `json:"status"`
	// Bytes is the body bytes written; Size the file's size.
	Bytes    int64  `json:"bytes"`
	Size     int64  `json:"size"`
	Complete bool   `json:"complete"`
	Remote   string `json:"remote"`
}

// server serves a directory's files through the link and logs each
// request.
type server struct {
	root *os.Root
	link *Link

	mu  sync.Mutex
	log io.Writer
	err error // the first failure to write the log
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.link.Start()
	e := Entry{StartMS: ms(start), Method: r.Method, Path: r.URL.Path, Remote: r.RemoteAddr}
	e.Status, e.Bytes, e.Size = s.serve(w, r)
	e.Complete = e.Status == http.StatusOK && e.Bytes == e.Size
	e.EndMS = ms(s.link.Since())
	e.OriginUnixMS = s.link.Origin().UnixMilli()
	s.record(e)
}

// serve answers a GET or HEAD with the file at the URL's path (no
// directories, no ranges: a whole 200), its body paced by the link.
func (s *server) serve(w http.ResponseWriter, r *http.Request) (status int, sent, size int64) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed, 0, 0
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "."
	}
	f, err := s.root.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return http.StatusNotFound, 0, 0
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		http.NotFound(w, r)
		return http.StatusNotFound, 0, 0
	}
	size = st.Size()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return http.StatusOK, 0, size
	}
	buf := make([]byte, readSize)
	for sent < size {
		n, err := f.Read(buf)
		if n > 0 {
			m, werr := s.link.Send(r.Context(), w, buf[:n])
			sent += int64(m)
			if werr != nil {
				break
			}
		}
		if err != nil {
			break // io.EOF before size: the file shrank; the client sees a short body
		}
	}
	return http.StatusOK, sent, size
}

// record appends e to the log as one JSON line.
func (s *server) record(e Entry) {
	b, err := json.Marshal(e)
	if err != nil {
		return // an Entry always marshals
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return
	}
	if _, err := s.log.Write(append(b, '\n')); err != nil {
		s.err = err
	}
}

// logErr is the first failure to write the log, if any.
func (s *server) logErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return errors.Join(errors.New("writing the request log"), s.err)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// errNoManifest: the directory to serve has no Manifest at its top.
var errNoManifest = errors.New("no Manifest in the directory to serve")

// checkTree reports whether root holds a Manifest file.
func checkTree(root *os.Root) error {
	st, err := root.Stat("Manifest")
	if err != nil || !st.Mode().IsRegular() {
		if err == nil {
			err = fs.ErrInvalid
		}
		return errors.Join(errNoManifest, err)
	}
	return nil
}
